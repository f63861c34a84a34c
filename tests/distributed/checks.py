"""Invariants of a finished run: nothing lost, nothing twice, registers gapless, chains intact."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import CaseFile, IncomingItem, MetrykaEntry, OutgoingItem
from ezd.records.registers import RegisterNumber
from ezd.services import audit
from ezd.services.lookup import business_key

ONCE_PER_CASE = ("zalozenie_sprawy", "podpis", "wysylka", "zakonczenie_sprawy", "archiwizacja")
ONCE_PER_ITEM = ("rejestracja", "walidacja", "zapis_tresci")


def assert_consistent(app: App, *, expect_cases: int, expect_items: int | None = None) -> None:
    with app.uow() as uow:
        s = uow.session
        items = [(i.tenant_id, i.sign, i.case_id) for i in s.execute(select(IncomingItem)).scalars()]
        case_rows = list(s.execute(select(CaseFile)).scalars())
        cases = [(c.tenant_id, c.sign, c.state) for c in case_rows]
        outgoing = [(o.tenant_id, o.sign) for o in s.execute(select(OutgoingItem)).scalars()]
        entries = list(s.execute(select(MetrykaEntry.chain_key, MetrykaEntry.action)))
        _, n_entries, broken = audit.verify_all(s)
        engine = app.engine(s)
        unfinished = [
            (sign, i.process_key)
            for tenant_id, sign, _ in cases
            for i in engine.find_instances(business_key(_tenant_code(s, tenant_id), sign))
            if not i.ended
        ]
    # no lost item, every case reached its end
    assert len(cases) == expect_cases
    if expect_items is not None:
        assert len(items) == expect_items
    assert all(case_id is not None for *_, case_id in items), "an item never reached a case"
    assert {state for *_, state in cases} == {"archived"}, Counter(state for *_, state in cases)
    assert not unfinished, unfinished
    # registers gapless per office and year
    for kind, signs in (("RPW", [(t, sign) for t, sign, _ in items]), ("RPWYCH", outgoing)):
        per: dict[tuple[int, int], list[int]] = defaultdict(list)
        for tenant_id, sign in signs:
            number = RegisterNumber.parse(sign)
            per[(tenant_id, number.year)].append(number.number)
        for key, numbers in per.items():
            assert sorted(numbers) == list(range(1, len(numbers) + 1)), (kind, key, sorted(numbers))
    # no duplicate effect
    assert len(outgoing) == len(cases)
    per_chain: dict[str, Counter[str]] = defaultdict(Counter)
    for chain_key, action in entries:
        per_chain[chain_key][action] += 1
    for chain_key, counts in per_chain.items():
        once = (
            ONCE_PER_CASE
            if chain_key.startswith("case:")
            else ONCE_PER_ITEM
            if chain_key.startswith("rpw:")
            else ()
        )
        for action in once:
            assert counts[action] == 1, (chain_key, action, counts[action])
    # metryka chains verify
    assert broken is None, broken
    assert n_entries == len(entries)


def _tenant_code(session: object, tenant_id: int) -> str:
    from ezd.db.tables import Tenant

    tenant = session.get(Tenant, tenant_id)  # type: ignore[attr-defined]
    assert tenant is not None
    return str(tenant.code)
