"""KPA paths on both engines: a paper letter with its envelope date opens a case whose kind is
chosen at opening (a process variable the create-case worker reads), the deadline follows the
law, suspension/extension change it, and a duplicate is stopped -- the same on Spiff and Operaton."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ezd import outgoing_xml
from ezd.clock import office_today
from ezd.db.tables import CaseFile
from ezd.demo import letters
from ezd.demo.driver import Demo, _case_of
from ezd.demo.seed import TENANTS, login
from ezd.records.deadlines import next_working_day
from ezd.records.intake import Channel
from ezd.records.tenancy import Role
from ezd.services import admin, approval, case_terms, cases, intake, outgoing, redecree
from ezd.services.duplicates import DuplicateSuspected
from ezd.services.lookup import business_key
from tests.conformance.conftest import Stack

TENANT = TENANTS[0]
_RESULTS: dict[str, dict[str, Any]] = {}


def _deadline(demo: Demo, sign: str) -> tuple[str | None, date | None, date | None]:
    def read(d: Any) -> tuple[str | None, date | None, date | None]:
        case = d.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        return case.matter_kind, case.term_start, case.deadline

    result: tuple[str | None, date | None, date | None] = demo.step(read)
    return result


def test_kpa_paths(engine_stack: Stack) -> None:
    demo = Demo(engine_stack.app)
    demo.prepare()
    t = TENANT.code
    kanc = demo.actor(login(TENANT, "kancelaria"))
    boss = demo.actor(login(TENANT, "kierownik"))
    referent = demo.actor(login(TENANT, "referent"))
    xml, jrwa = letters.incoming_letter(random.Random(31), TENANT.name, 31, office_today())

    reg = demo.step(
        lambda d: intake.register_incoming(
            d,
            kanc,
            tenant=t,
            data=xml,
            filename="skan.xml",
            channel=Channel.POST,
            received=date(2026, 10, 11),
        )
    )
    with pytest.raises(DuplicateSuspected, match=reg.sign):
        demo.step(lambda d: intake.register_incoming(d, kanc, tenant=t, data=xml, filename="skan.xml"))
    engine_stack.work()
    # decreed to a unit with no head: the kancelaria re-decrees it; the head of OR returns it as
    # "niewłaściwa komórka"; the kancelaria decrees it to OR again and the head assigns a referent
    demo.step(lambda d: intake.decree(d, kanc, tenant=t, rpw=reg.sign, unit="GK"))
    demo.step(lambda d: redecree.redecree(d, kanc, tenant=t, rpw=reg.sign, unit="OR", reason="właściwy OR"))
    tasks = [_open_tasks(demo, reg.business_key)]
    demo.step(lambda d: redecree.return_to_kancelaria(d, boss, tenant=t, rpw=reg.sign))
    tasks.append(_open_tasks(demo, reg.business_key))
    demo.step(lambda d: intake.decree(d, kanc, tenant=t, rpw=reg.sign, unit="OR"))
    demo.step(lambda d: intake.assign_referent(d, boss, tenant=t, rpw=reg.sign, referent=referent.login))
    assert tasks == [
        [("Task_AssignReferent", "sp-swidnik:OR:kierownik")],
        [("Task_Decree", "sp-swidnik:kancelaria")],
    ]
    demo.step(
        lambda d: cases.case_decision(d, referent, tenant=t, rpw=reg.sign, jrwa=jrwa, matter_kind="complex")
    )
    engine_stack.work()
    sign = str(demo.step(lambda d: _case_of(d, t, reg.sign)))
    # 11.10.2026 + 2 months = 11.12.2026, a Friday
    opened = _deadline(demo, sign)
    assert opened == ("complex", date(2026, 10, 11), date(2026, 12, 11))

    demo.step(lambda d: case_terms.suspend(d, referent, tenant=t, case_sign=sign, reason="opinia biegłego"))
    suspended = _deadline(demo, sign)[2]
    demo.step(lambda d: case_terms.resume(d, referent, tenant=t, case_sign=sign))
    until = office_today() + timedelta(days=15)
    demo.step(
        lambda d: case_terms.extend(d, referent, tenant=t, case_sign=sign, until=until, reason="zwłoka")
    )
    extended = _deadline(demo, sign)[2]
    assert suspended is None and extended == next_working_day(until)

    # approval: the head of GK gives an opinion (multi-instance), then kierownik → sekretarz
    demo.step(
        lambda d: admin.grant_role(d.session, login="sw.referent2", tenant=t, unit="GK", role=Role.KIEROWNIK)
    )
    reply = outgoing_xml.reply_letter(TENANT.name, sign, "Jan Kowalski", "Państwa pismo", office_today())
    demo.step(
        lambda d: cases.submit_draft(
            d,
            referent,
            tenant=t,
            case_sign=sign,
            content=reply,
            filename="odpowiedz.xml",
            approval_chain=["kierownik", "sekretarz"],
            opinions=["GK"],
        )
    )
    key = business_key(t, sign)
    tasks.append(_open_tasks(demo, key))
    opinion_head = demo.actor("sw.referent2")
    demo.step(
        lambda d: approval.give_opinion(d, opinion_head, tenant=t, case_sign=sign, unit="GK", positive=True)
    )
    tasks.append(_open_tasks(demo, key))
    demo.step(lambda d: cases.decide_approval(d, boss, tenant=t, case_sign=sign, approved=True))
    tasks.append(_open_tasks(demo, key))
    secretary = demo.actor(login(TENANT, "sekretarz"))
    demo.step(lambda d: cases.decide_approval(d, secretary, tenant=t, case_sign=sign, approved=True))
    engine_stack.work()
    tasks.append([task for task in _open_tasks(demo, key) if task[0] != "Task_Draft"])
    assert tasks[2:] == [
        [("Task_Opinion", "sp-swidnik:GK:kierownik")],
        [("Task_Approve", "sp-swidnik:OR:kierownik")],
        [("Task_Approve", "sp-swidnik:sekretarz")],
        [],  # sealed and dispatched: waiting for the delivery receipt
    ]
    # what staff and the resident read while the receipt is awaited, and after it
    states = [_state(demo, sign)]
    demo.step(
        lambda d: outgoing.confirm_delivery(d, tenant=t, case_sign=sign, receipt_ref="UPD-1", actor_login="t")
    )
    engine_stack.work()
    states.append(_state(demo, sign))
    assert states == ["sent", "closed"]
    forwarded = _forward(demo, engine_stack, kanc, boss, referent)
    _RESULTS[engine_stack.kind] = {
        "forwarded": forwarded,
        "opened": opened,
        "suspended": suspended,
        "extended": extended,
        "actions": [a for a in _case_actions(demo, sign)],
        "item": _item_actions(demo, reg.sign),
        "tasks": tasks,
        "states": states,
    }


def _state(demo: Demo, sign: str) -> str:
    def read(d: Any) -> str:
        return str(d.session.execute(select(CaseFile.state).where(CaseFile.sign == sign)).scalar_one())

    result: str = demo.step(read)
    return result


def _case_actions(demo: Demo, sign: str) -> list[str]:
    from ezd.db.tables import MetrykaEntry

    def read(d: Any) -> list[str]:
        case = d.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        rows = d.session.execute(
            select(MetrykaEntry.action).where(MetrykaEntry.case_id == case.id).order_by(MetrykaEntry.seq)
        )
        return [a for a in rows.scalars() if a != "przypomnienie_o_terminie"]  # the timer's own pace

    result: list[str] = demo.step(read)
    return result


def _forward(demo: Demo, engine_stack: Stack, kanc: Any, boss: Any, referent: Any) -> dict[str, Any]:
    """Art. 65: a letter for the gmina is forwarded; it gets its own RPW number there, same digest."""
    from ezd.db.tables import IncomingItem, MetrykaEntry, Tenant
    from ezd.services import audit, forwarding

    t = TENANT.code
    xml, _ = letters.incoming_letter(random.Random(32), TENANT.name, 32, office_today())
    reg = demo.step(lambda d: intake.register_incoming(d, kanc, tenant=t, data=xml, filename="p.xml"))
    engine_stack.work()
    demo.step(lambda d: intake.decree(d, kanc, tenant=t, rpw=reg.sign, unit="OR"))
    demo.step(lambda d: intake.assign_referent(d, boss, tenant=t, rpw=reg.sign, referent=referent.login))
    demo.step(
        lambda d: forwarding.decide_forward(
            d, referent, tenant=t, rpw=reg.sign, to_tenant="ug-melgiew", reason="droga gminna: właściwy wójt"
        )
    )
    engine_stack.work()

    def read(d: Any) -> dict[str, Any]:
        rows = d.session.execute(
            select(Tenant.code, IncomingItem).join(Tenant, Tenant.id == IncomingItem.tenant_id)
        ).all()
        mine = {code: item for code, item in rows if item.document.versions[0].sha256 == reg.sha256}
        there = mine["ug-melgiew"]

        def chain(key: str) -> list[str]:
            q = select(MetrykaEntry.action).where(MetrykaEntry.chain_key == key).order_by(MetrykaEntry.seq)
            return list(d.session.execute(q).scalars())

        return {
            "statuses": {code: item.status for code, item in mine.items()},
            "here": chain(audit.item_chain(t, reg.sign))[-2:],
            "there": chain(audit.item_chain("ug-melgiew", there.sign)),
            "sign_there": there.sign,
        }

    found: dict[str, Any] = demo.step(read)
    open_there = _open_tasks(demo, business_key("ug-melgiew", found.pop("sign_there")))
    assert found["statuses"]["sp-swidnik"] == "forwarded"
    assert found["here"] == ["przydzial", "przekazanie_wg_wlasciwosci"]
    assert found["there"][0] == "rejestracja" and "przyjecie_z_przekazania" in found["there"]
    # the gmina's own intake runs: its kancelaria decrees the letter
    assert open_there == [("Task_Decree", "ug-melgiew:kancelaria")]
    return {**found, "open_there": open_there}


def _open_tasks(demo: Demo, key: str) -> list[tuple[str, str]]:
    tasks = demo.step(lambda d: d.engine.user_tasks(business_key=key))
    return [(task.task_key, ",".join(task.candidate_groups)) for task in tasks]


def _item_actions(demo: Demo, rpw: str) -> list[str]:
    from ezd.db.tables import MetrykaEntry
    from ezd.services import audit

    def read(d: Any) -> list[str]:
        rows = d.session.execute(
            select(MetrykaEntry.action)
            .where(MetrykaEntry.chain_key == audit.item_chain(TENANT.code, rpw))
            .order_by(MetrykaEntry.seq)
        )
        return list(rows.scalars())

    result: list[str] = demo.step(read)
    return result


def test_kpa_both_engines_agree() -> None:
    if set(_RESULTS) != {"embedded", "operaton"}:
        pytest.skip("needs both parametrizations of test_kpa_paths in this session")
    assert _RESULTS["embedded"] == _RESULTS["operaton"]
    assert _RESULTS["embedded"]["actions"] == [
        "zalozenie_sprawy",
        "zawieszenie_biegu_terminu",
        "podjecie_biegu_terminu",
        "przedluzenie_terminu",
        "projekt_do_akceptacji",
        "opinia",
        "akceptacja",
        "akceptacja",
        "podpis",
        "wysylka",
        "potwierdzenie_doreczenia",
        "zakonczenie_sprawy",
    ]
    assert _RESULTS["embedded"]["item"][-5:] == [
        "dekretacja",
        "ponowna_dekretacja",
        "zwrot_do_kancelarii",
        "dekretacja",
        "przydzial",
    ]
