"""Domain rules: case signs, register numbers, states, metryka chain, retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from ezd.records.cases import CaseSign, CaseState, transition
from ezd.records.errors import InvalidInput, InvalidState
from ezd.records.jrwa import ArchivalCategory
from ezd.records.metryka import GENESIS, Entry, seal, verify_chain
from ezd.records.registers import Register, RegisterNumber
from ezd.records.retention import disposal_date, lock_until, transfer_due
from ezd.records.tenancy import Grant, Role, SubstitutionPeriod, effective_grants


def test_case_sign_round_trip() -> None:
    sign = CaseSign("OR", "0012", 7, 2026)
    assert str(sign) == "OR.0012.7.2026"
    assert CaseSign.parse("OR-A.0122.15.2025") == CaseSign("OR-A", "0122", 15, 2025)


@pytest.mark.parametrize(
    "bad", ["OR.0012.7", "or.0012.7.2026", "OR.00123.7.2026", "OR.0012.0.2026", "OR..7.2026"]
)
def test_case_sign_rejects(bad: str) -> None:
    with pytest.raises(InvalidInput):
        CaseSign.parse(bad)


def test_register_number() -> None:
    n = RegisterNumber(Register.RPW, 2026, 15)
    assert str(n) == "RPW/15/2026"
    assert RegisterNumber.parse("RPW/15/2026") == n
    with pytest.raises(InvalidInput):
        RegisterNumber.parse("RPW-15-2026")


def test_case_states() -> None:
    s = transition(CaseState.OPEN, CaseState.IN_APPROVAL)
    s = transition(s, CaseState.OPEN)  # returned for changes
    s = transition(transition(s, CaseState.IN_APPROVAL), CaseState.CLOSED)
    assert transition(s, CaseState.ARCHIVED) is CaseState.ARCHIVED
    with pytest.raises(InvalidState):
        transition(CaseState.ARCHIVED, CaseState.OPEN)
    with pytest.raises(InvalidState):
        transition(CaseState.OPEN, CaseState.ARCHIVED)
    # the sealed reply went out: only its delivery receipt moves the case on, to closed
    sent = transition(transition(CaseState.OPEN, CaseState.IN_APPROVAL), CaseState.SENT)
    assert transition(sent, CaseState.CLOSED) is CaseState.CLOSED
    for target in (CaseState.OPEN, CaseState.IN_APPROVAL, CaseState.ARCHIVED):
        with pytest.raises(InvalidState):
            transition(sent, target)
    with pytest.raises(InvalidState):
        transition(CaseState.OPEN, CaseState.SENT)


def _chain(n: int) -> list[Entry]:
    out: list[Entry] = []
    prev = GENESIS
    t0 = datetime(2026, 3, 1, 8, 0)
    for i in range(1, n + 1):
        e = seal(
            Entry("case:1", i, prev, t0 + timedelta(minutes=i), f"user{i}", None, f"act{i}", "doc", {"i": i})
        )
        out.append(e)
        prev = e.hash
    return out


def test_metryka_chain_intact() -> None:
    assert verify_chain(_chain(5)) is None


def test_metryka_detects_edit() -> None:
    chain = _chain(5)
    e = chain[2]
    chain[2] = Entry(
        e.chain_key, e.seq, e.prev_hash, e.at, "intruder", None, e.action, e.document_ref, e.details, e.hash
    )
    brk = verify_chain(chain)
    assert brk is not None and brk.seq == 3 and "edited" in brk.reason


def test_metryka_detects_delete_and_reorder() -> None:
    chain = _chain(5)
    brk = verify_chain(chain[:2] + chain[3:])
    assert brk is not None and brk.seq == 4
    swapped = [*chain[:1], chain[2], chain[1], *chain[3:]]
    brk = verify_chain(swapped)
    assert brk is not None and brk.seq == 3


def test_substitution_grants() -> None:
    own = [Grant("t", "OR", Role.REFERENT)]
    period = SubstitutionPeriod("boss", "me", date(2026, 7, 1), date(2026, 7, 14))
    boss = [Grant("t", "OR", Role.KIEROWNIK)]
    during = effective_grants(own, [(period, boss)], date(2026, 7, 5))
    assert (Grant("t", "OR", Role.KIEROWNIK), "boss") in during
    after = effective_grants(own, [(period, boss)], date(2026, 7, 15))
    assert all(g.role is Role.REFERENT for g, _ in after)
    with pytest.raises(InvalidInput):
        SubstitutionPeriod("a", "b", date(2026, 7, 2), date(2026, 7, 1))


@pytest.mark.parametrize(
    ("category", "closed", "expected"),
    [
        ("B5", date(2026, 12, 31), date(2032, 1, 1)),
        ("B5", date(2026, 1, 1), date(2032, 1, 1)),
        ("B5", date(2027, 1, 1), date(2033, 1, 1)),
        ("BE10", date(2026, 6, 30), date(2037, 1, 1)),
        ("B2", date(2025, 12, 31), date(2028, 1, 1)),
        ("A", date(2026, 5, 5), None),
    ],
)
def test_retention(category: str, closed: date, expected: date | None) -> None:
    assert disposal_date(ArchivalCategory.parse(category), closed) == expected


def test_permanent_lock_and_transfer() -> None:
    assert lock_until(ArchivalCategory.parse("A"), date(2026, 1, 1)).year == 2127
    assert transfer_due(date(2026, 12, 31)) == date(2029, 1, 1)
    assert transfer_due(date(2026, 1, 1)) == date(2029, 1, 1)
