"""Art. 106 KPA between two partner offices (``bpmn/opinion_exchange.bpmn``) on both engines.

The Starostwo (A) asks the Gmina (B) from a case; the request becomes B's RPW item (channel
"urząd partnerski") and starts B's pool; B decrees, answers, approves (four eyes) and seals it
with its own e-seal; the answer comes back into A's case by a message only this request's key
matches. Four exchanges: answered in time; answered late after the reminder and the escalation
(the engine's clock is moved with ``fire_due_timers(now)``, nobody sleeps); a notice of delay
(art. 106 § 4) that re-arms A's timers at the new date; a refusal (not competent) that forwards
the request to a third office (art. 65). The fingerprints of both engines are compared.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ezd.db.tables import Document, IncomingItem, MetrykaEntry, Tenant
from ezd.db.tables_opinion import OpinionRequest
from ezd.demo.driver import Demo
from ezd.demo.seed import TENANTS, login
from ezd.records.errors import PermissionDenied
from ezd.services import admin, audit, opinions
from ezd.services.deps import Deps
from ezd.services.queries.opinions import sent_requests
from ezd.workflow.port import NoMatchingInstance
from tests.conformance.conftest import Stack
from tests.conformance.scenario import Scenario

A, B = TENANTS[0], TENANTS[1]
THIRD = "ug-piaski"
_RESULTS: dict[str, dict[str, Any]] = {}


class Exchange:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.demo = Demo(stack.app)
        self.demo.prepare()
        self.scenario = Scenario(self.demo, stack.work)
        self.a_ref = self.demo.actor(login(A, "referent"))
        self.b_kanc = self.demo.actor(login(B, "kancelaria"))
        self.b_head = self.demo.actor(login(B, "kierownik"))
        self.b_secretary = self.demo.actor(login(B, "sekretarz"))

    def send(self, case_sign: str, kind: str = "opinia") -> tuple[int, str]:
        request = self.demo.step(
            lambda d: opinions.send_request(
                d,
                self.a_ref,
                tenant=A.code,
                case_sign=case_sign,
                to_tenant=B.code,
                kind=kind,
                subject="Opinia w sprawie lokalizacji zjazdu z drogi gminnej",
                documents=[self._first_document(d, case_sign)],
            )
        )
        request_id = int(request.id)
        self.stack.work()
        rpw = str(self.demo.step(lambda d: d.session.get_one(OpinionRequest, request_id).rpw_there))
        return request_id, rpw

    @staticmethod
    def _first_document(d: Deps, case_sign: str) -> str:
        from ezd.db.tables import CaseFile

        case = d.session.execute(select(CaseFile).where(CaseFile.sign == case_sign)).scalar_one()
        return str(
            d.session.execute(select(Document.uid).where(Document.case_id == case.id)).scalars().first()
        )

    def decree(self, rpw: str) -> None:
        self.demo.step(lambda d: opinions.decree_request(d, self.b_kanc, tenant=B.code, rpw=rpw, unit="OR"))

    def answer(self, rpw: str) -> None:
        self.demo.step(
            lambda d: opinions.prepare_answer(
                d, self.b_head, tenant=B.code, rpw=rpw, text="Opiniuję pozytywnie, bez uwag."
            )
        )
        with pytest.raises(PermissionDenied, match="czterech oczu"):
            self.demo.step(
                lambda d: opinions.approve_answer(d, self.b_head, tenant=B.code, rpw=rpw, approved=True)
            )
        self.demo.step(
            lambda d: opinions.approve_answer(d, self.b_secretary, tenant=B.code, rpw=rpw, approved=True)
        )
        self.stack.work()

    def fire_timers(self, at: datetime) -> None:
        self.demo.step(lambda d: d.engine.fire_due_timers(at.astimezone(UTC).replace(tzinfo=None)))
        self.stack.work()

    def correlate_directly(self, message: str, key: str) -> None:
        """Straight to the engine (not the outbox, which would only log the refusal after commit)."""
        if self.stack.kind == "operaton":
            from ezd.workers.external import remote_engine

            with remote_engine(self.stack.app) as engine:
                engine.correlate_message(message, key, {"outcome": "answered"})
            return
        self.demo.step(lambda d: d.engine.correlate_message(message, key, {"outcome": "answered"}))

    def item_actions(self, tenant: str, rpw: str) -> list[str]:
        return list(
            self.demo.step(
                lambda d: list(
                    d.session.execute(
                        select(MetrykaEntry.action)
                        .where(MetrykaEntry.chain_key == audit.item_chain(tenant, rpw))
                        .order_by(MetrykaEntry.seq)
                    ).scalars()
                )
            )
        )

    def request(self, request_id: int) -> dict[str, Any]:
        def read(d: Deps) -> dict[str, Any]:
            r = d.session.get_one(OpinionRequest, request_id)
            doc = d.session.execute(
                select(Document).where(Document.uid == r.answer_document_uid)
            ).scalar_one()
            return {"status": r.status, "doc_kind": doc.kind, "doc_case": doc.case_id == r.case_id}

        return dict(self.demo.step(read))

    def a_process_waits(self, request_id: int) -> bool:
        """A's process still waits in its receive task (Operaton lists no boundary events there)."""

        def active(d: Deps) -> bool:
            key = opinions.asking_key(d.session, d.session.get_one(OpinionRequest, request_id))
            [inst] = d.engine.find_instances(key, opinions.REQUEST_PROCESS)
            return not inst.ended and "Task_AwaitAnswer" in inst.active_activities

        return bool(self.demo.step(active))


def _since(actions: list[str]) -> list[str]:
    wanted = {
        a for a in actions if "art106" in a or a in ("dekretacja", "akceptacja", "przekazanie_wg_wlasciwosci")
    }
    return [a for a in actions if a in wanted]


def test_opinion_exchange(engine_stack: Stack) -> None:
    x = Exchange(engine_stack)
    result: dict[str, Any] = {}

    # 1. answered in time (one case of A asks four times: the case metryka is read per exchange)
    case1 = x.scenario.open_case(61)
    mark = len(x.scenario.case_actions(case1))
    req1, rpw1 = x.send(case1)
    item = x.demo.step(
        lambda d: d.session.execute(
            select(IncomingItem.channel, IncomingItem.sender)
            .where(IncomingItem.sign == rpw1)
            .join(Tenant, Tenant.id == IncomingItem.tenant_id)
            .where(Tenant.code == B.code)
        ).one()
    )
    assert tuple(item) == ("urzad-partnerski", A.name)
    x.decree(rpw1)
    x.answer(rpw1)
    result["in_time"] = {
        "a": _since(x.scenario.case_actions(case1)[mark:]),
        "b": _since(x.item_actions(B.code, rpw1)),
        "request": x.request(req1),
    }
    assert result["in_time"]["request"] == {
        "status": "answered",
        "doc_kind": "stanowisko_art106",
        "doc_case": True,
    }
    assert result["in_time"]["a"][-1] == "stanowisko_art106"

    # 2. late: the reminder and then the escalation fire on the moved clock, the answer comes after
    mark = len(x.scenario.case_actions(case1))
    req2, rpw2 = x.send(case1)
    x.decree(rpw2)
    term = x.demo.step(lambda d: d.session.get_one(OpinionRequest, req2).deadline)
    x.fire_timers(datetime.combine(term, datetime.min.time(), tzinfo=UTC) - timedelta(days=1))
    x.fire_timers(datetime.combine(term, datetime.min.time(), tzinfo=UTC) + timedelta(days=2))
    x.answer(rpw2)
    result["late"] = {
        "a": _since(x.scenario.case_actions(case1)[mark:]),
        "b": _since(x.item_actions(B.code, rpw2)),
    }
    assert result["late"]["a"] == [
        "wystapienie_art106",
        "doreczenie_wystapienia_art106",
        "przypomnienie_art106",
        "eskalacja_art106",
        "stanowisko_art106",
    ]

    # 3. notice of delay: recorded on both sides, A's timers move to the new date
    mark = len(x.scenario.case_actions(case1))
    req3, rpw3 = x.send(case1)
    x.decree(rpw3)
    old = x.demo.step(lambda d: d.session.get_one(OpinionRequest, req3).deadline)
    until = old + timedelta(days=21)
    x.demo.step(
        lambda d: opinions.notify_delay(
            d, x.b_head, tenant=B.code, rpw=rpw3, until=until, reason="oczekujemy na mapę zasadniczą"
        )
    )
    engine_stack.work()
    x.fire_timers(datetime.combine(old, datetime.min.time(), tzinfo=UTC) + timedelta(days=2))
    sent = x.demo.step(lambda d: sent_requests(d.session, x.a_ref, tenant=A.code))
    row3 = next(r for r in sent if r.id == req3)
    result["delay"] = {
        "a": _since(x.scenario.case_actions(case1)[mark:]),
        "b": _since(x.item_actions(B.code, rpw3)),
        "waits": x.a_process_waits(req3),
    }
    assert "zawiadomienie_o_zwloce_art106" in result["delay"]["a"]
    assert "eskalacja_art106" not in result["delay"]["a"]  # the old term no longer counts
    assert result["delay"]["waits"]
    assert (row3.deadline, row3.delay_reason, row3.overdue) == (until, "oczekujemy na mapę zasadniczą", False)

    # 4. refused as not competent: forwarded to a third office under art. 65, A gets the refusal
    x.demo.step(lambda d: _third_office(d))
    mark = len(x.scenario.case_actions(case1))
    req4, rpw4 = x.send(case1, kind="uzgodnienie")
    x.decree(rpw4)
    x.demo.step(
        lambda d: opinions.prepare_answer(
            d,
            x.b_head,
            tenant=B.code,
            rpw=rpw4,
            text="Właściwa jest Gmina Piaski.",
            refuse=True,
            forward_to=THIRD,
        )
    )
    engine_stack.work()
    result["refused"] = {
        "a": _since(x.scenario.case_actions(case1)[mark:]),
        "b": _since(x.item_actions(B.code, rpw4)),
        "request": x.request(req4),
    }
    assert result["refused"]["request"] == {
        "status": "refused",
        "doc_kind": "odmowa_art106",
        "doc_case": True,
    }
    third_items = x.demo.step(
        lambda d: (
            d.session.execute(
                select(IncomingItem.sender)
                .join(Tenant, Tenant.id == IncomingItem.tenant_id)
                .where(Tenant.code == THIRD)
            )
            .scalars()
            .all()
        )
    )
    assert list(third_items) == [A.name]

    # tenant-aware correlation: a message for A's waiting process (exchange 3) under its case's key,
    # or under the right shape with a guessed token, reaches nothing; B's message to its own
    # request does not reach A from A itself
    for guess in (f"{A.code}/{case1}", f"{A.code}/{case1}/art106/{'x' * 32}"):
        with pytest.raises(NoMatchingInstance):
            x.correlate_directly(opinions.DELAY_MESSAGE, guess)
    assert x.a_process_waits(req3)
    with pytest.raises(PermissionDenied):
        x.demo.step(
            lambda d: opinions.message_to_asking_office(
                d,
                d.session.get_one(OpinionRequest, req3),
                from_tenant=A.code,
                message=opinions.ANSWER_MESSAGE,
                variables={"outcome": "answered"},
            )
        )
    _RESULTS[engine_stack.kind] = result


def _third_office(d: Deps) -> None:
    admin.create_tenant(d.session, code=THIRD, name="Urząd Gminy Piaski", kind="gmina")
    admin.create_unit(d.session, tenant=THIRD, code="KAN", name="Kancelaria")


def test_opinion_engines_agree() -> None:
    if set(_RESULTS) != {"embedded", "operaton"}:
        pytest.skip("needs both engine runs of test_opinion_exchange")
    assert _RESULTS["embedded"] == _RESULTS["operaton"]
