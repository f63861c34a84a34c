"""The conformance scenario, driven through the service layer as people would, and its fingerprint.

Letter A: intake → case → reminder timer fires → draft → returned for changes → draft again →
approved → e-seal → dispatch (ePUAP) → delivery receipt correlated (a message from outside) →
close → transfer to the archive → accepted → archived.
Letter B (a resident without an address): … → approved → dispatch by post REJECTED (BPMN
error) → Task_FixDispatch: the referent switches to ePUAP → dispatch again → receipt → close.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from lxml import etree
from sqlalchemy import select

from ezd.db.tables import CaseFile, Document, IncomingItem, MetrykaEntry, OutgoingItem
from ezd.demo import letters
from ezd.demo.driver import Demo, _case_of, _sender_of
from ezd.demo.seed import TENANTS, login
from ezd.records.registers import RegisterNumber
from ezd.services import archive, audit, cases, intake, outgoing
from ezd.services.lookup import business_key, case_by_sign, tenant_by_code
from ezd.services.tasks import complete_task, open_task
from ezd.workflow.port import WorkflowEngine

TENANT = TENANTS[0]


def _reply(sign: str, addressee: str) -> bytes:
    try:
        from ezd import outgoing_xml

        return outgoing_xml.reply_letter(TENANT.name, sign, addressee, "Państwa pismo", _today())
    except ImportError:
        return letters.reply_letter(TENANT.name, sign, addressee, "Państwa pismo", _today())  # type: ignore[attr-defined]


def _today() -> Any:
    from datetime import date

    return date.today()


def letter(n: int, *, with_address: bool = True) -> tuple[bytes, str]:
    import random

    xml, jrwa = letters.incoming_letter(random.Random(n), TENANT.name, n, _today())
    if with_address:
        return xml, jrwa
    root = etree.fromstring(xml)
    for adres in root.iter("{http://crd.gov.pl/xml/schematy/adres/2009/11/09/}Adres"):
        adres.getparent().remove(adres)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), jrwa


class Scenario:
    def __init__(self, demo: Demo, work: Callable[[], None]) -> None:
        self.demo = demo
        self.app = demo.app
        self.work = work
        self.kanc = demo.actor(login(TENANT, "kancelaria"))
        self.boss = demo.actor(login(TENANT, "kierownik"))
        self.referent = demo.actor(login(TENANT, "referent"))

    def engine(self, fn: Callable[[WorkflowEngine], Any]) -> Any:
        return self.demo.step(lambda d: fn(d.engine))

    def open_case(self, n: int, *, with_address: bool = True) -> str:
        xml, jrwa = letter(n, with_address=with_address)
        t = TENANT.code
        reg = self.demo.step(
            lambda d: intake.register_incoming(d, self.kanc, tenant=t, data=xml, filename=f"pismo-{n}.xml")
        )
        self.work()
        self.demo.step(lambda d: intake.decree(d, self.kanc, tenant=t, rpw=reg.sign, unit="OR"))
        self.demo.step(
            lambda d: intake.assign_referent(
                d, self.boss, tenant=t, rpw=reg.sign, referent=self.referent.login
            )
        )
        self.demo.step(lambda d: cases.case_decision(d, self.referent, tenant=t, rpw=reg.sign, jrwa=jrwa))
        self.work()
        return str(self.demo.step(lambda d: _case_of(d, t, reg.sign)))

    def await_reminder(self, sign: str, timeout: float = 40.0) -> None:
        """The deadline timer (``reminder_after`` = PT1S) fires and its worker task runs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.work()
            if "przypomnienie_o_terminie" in self.case_actions(sign):
                return
            time.sleep(0.3)
        raise AssertionError(f"the deadline reminder of {sign} did not fire in {timeout}s")

    def case_actions(self, sign: str) -> list[str]:
        def actions(d: Any) -> list[str]:
            case = case_by_sign(d.session, tenant_by_code(d.session, TENANT.code).id, sign)
            return list(
                d.session.execute(
                    select(MetrykaEntry.action)
                    .where(MetrykaEntry.chain_key == audit.case_chain(case.id))
                    .order_by(MetrykaEntry.seq)
                ).scalars()
            )

        return list(self.demo.step(actions))

    def submit(self, sign: str, channel: str = "epuap", revision: int = 0) -> None:
        t = TENANT.code
        addressee = self.demo.step(lambda d: _sender_of(d, t, sign))
        content = _reply(sign, addressee)
        if revision:  # the referent changed the draft after it was returned
            content = content.replace(b"</", f"<!-- poprawka {revision} --></".encode(), 1)
        self.demo.step(
            lambda d: cases.submit_draft(
                d,
                self.referent,
                tenant=t,
                case_sign=sign,
                content=content,
                filename="odpowiedz.xml",
                addressee=addressee,
                channel=channel,
            )
        )

    def decide(self, sign: str, approved: bool) -> None:
        comment = "" if approved else "Proszę uzupełnić podstawę prawną."
        self.demo.step(
            lambda d: cases.decide_approval(
                d, self.boss, tenant=TENANT.code, case_sign=sign, approved=approved, comment=comment
            )
        )

    def deliver(self, sign: str) -> None:
        self.demo.step(
            lambda d: outgoing.confirm_delivery(
                d, tenant=TENANT.code, case_sign=sign, receipt_ref=f"UPD-{sign}", actor_login="system:epuap"
            )
        )
        self.work()

    def fix_dispatch(self, sign: str, channel: str) -> None:
        def fix(d: Any) -> None:
            task = open_task(d.engine, business_key(TENANT.code, sign), "Task_FixDispatch")
            complete_task(d.engine, task, self.referent, {"channel": channel})

        self.demo.step(fix)
        self.work()

    def archive(self, sign: str) -> None:
        archivist = self.demo.actor(login(TENANT, "archiwista"))
        self.demo.step(lambda d: archive.start_transfer(d, tenant=TENANT.code, case_sign=sign))
        self.work()
        self.demo.step(
            lambda d: archive.decide_transfer(d, archivist, tenant=TENANT.code, case_sign=sign, accepted=True)
        )
        self.work()

    def waiting_for(self, sign: str) -> list[str]:
        return sorted(
            t.task_key
            for t in self.engine(lambda e: e.user_tasks(business_key=business_key(TENANT.code, sign)))
        )

    def active(self, sign: str) -> list[str]:
        states = self.engine(lambda e: e.find_instances(business_key(TENANT.code, sign), "ezd_case"))
        return sorted(a for s in states for a in s.active_activities)


def run(demo: Demo, work: Callable[[], None]) -> dict[str, Any]:
    """The whole scenario; returns what was observed at the checkpoints."""
    demo.prepare()
    s = Scenario(demo, work)
    seen: dict[str, Any] = {}

    a = s.open_case(0)
    s.await_reminder(a)
    s.submit(a)
    s.decide(a, approved=False)
    seen["a_after_return"] = s.waiting_for(a)
    s.submit(a, revision=1)
    s.decide(a, approved=True)
    s.work()
    seen["a_waiting_for_receipt"] = s.active(a)
    s.deliver(a)
    s.archive(a)

    b = s.open_case(1, with_address=False)
    s.await_reminder(b)
    s.submit(b, channel="poczta")
    s.decide(b, approved=True)
    s.work()
    seen["b_after_rejection"] = s.waiting_for(b)
    s.fix_dispatch(b, "epuap")
    seen["b_waiting_for_receipt"] = s.active(b)
    s.deliver(b)
    seen["signs"] = [a, b]
    return seen


def fingerprint(demo: Demo) -> dict[str, Any]:
    """Records, metryka actions per chain (in order) and process end states, engine-neutral."""

    def collect(d: Any) -> dict[str, Any]:
        session = d.session
        case_rows = list(session.execute(select(CaseFile).order_by(CaseFile.id)).scalars())
        case_signs = {c.id: c.sign for c in case_rows}
        items = [
            (i.sign, i.status, case_signs.get(i.case_id) if i.case_id else None)
            for i in session.execute(select(IncomingItem).order_by(IncomingItem.id)).scalars()
        ]
        outgoing_rows = [
            (o.sign, o.channel, bool(o.addressee), o.delivered_at is not None)
            for o in session.execute(select(OutgoingItem).order_by(OutgoingItem.id)).scalars()
        ]
        drafts = [
            (doc.title, doc.status, doc.signed, len(doc.versions))
            for doc in session.execute(
                select(Document).where(Document.direction == "outgoing").order_by(Document.id)
            ).scalars()
        ]
        chains: dict[str, list[str]] = {}
        for chain_key, action in session.execute(
            select(MetrykaEntry.chain_key, MetrykaEntry.action).order_by(
                MetrykaEntry.chain_key, MetrykaEntry.seq
            )
        ):
            chains.setdefault(chain_key, []).append(action)
        processes: dict[str, list[tuple[str, bool]]] = {}
        keys = [business_key(TENANT.code, s) for s, *_ in items] + [
            business_key(TENANT.code, c.sign) for c in case_rows
        ]
        for key in keys:
            processes[key] = sorted((i.process_key, i.ended) for i in d.engine.find_instances(key))
        return {
            "items": items,
            "cases": [(c.sign, c.state) for c in case_rows],
            "outgoing": outgoing_rows,
            "drafts": drafts,
            "metryka": chains,
            "processes": processes,
            "verify": audit.verify_all(session),
        }

    return dict(demo.step(collect))


def rpw_numbers(demo: Demo) -> list[int]:
    def numbers(d: Any) -> list[int]:
        signs = d.session.execute(select(IncomingItem.sign)).scalars()
        return sorted(RegisterNumber.parse(s).number for s in signs)

    return list(demo.step(numbers))
