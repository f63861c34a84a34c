"""Requests between partner offices under art. 106 KPA: what people do (both offices).

Office A's referent asks office B, from a case, for an opinion, an agreement (uzgodnienie) or
information; B answers within 14 days (art. 106 § 3) or gives notice of a delay (§ 4). The
exchange is the collaboration ``bpmn/opinion_exchange.bpmn``: A's pool waits in a receive task
with a reminder and an escalation timer; B's pool is started by the request. The worker steps are
in :mod:`ezd.services.opinion_steps`.

**Correlation.** A's process has the business key ``<A>/<case sign>/art106/<token>`` with a random
token kept only in ``opinion_request``. Messages to it are built here from that row, and only for
the office the request was sent to (:func:`message_to_asking_office`): no office can reach another
office's process by a guessed key, and B never learns A's key.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.clock import office_today
from ezd.db.tables import CaseFile, Document, Tenant
from ezd.db.tables_opinion import OpinionRequest
from ezd.records.deadlines import Term, deadline
from ezd.records.errors import InvalidInput, InvalidState, NotFound, PermissionDenied
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.services.lookup import (
    business_key,
    case_by_sign,
    tenant_by_code,
    tenant_group,
    unit_code,
    unit_group,
)
from ezd.services.tasks import complete_task, open_task

REQUEST_PROCESS = "ezd_opinion_request"
ANSWER_PROCESS = "ezd_opinion_answer"
ANSWER_MESSAGE = "ezd.opinion-answer"
DELAY_MESSAGE = "ezd.opinion-delay"
KINDS = {"opinia": "opinia", "uzgodnienie": "uzgodnienie", "informacja": "informacja"}
TERM = Term(days=14)  # art. 106 § 3: "nie później niż w terminie czternastu dni"
REMINDER_DAYS = 3  # the asked office is reminded three days before the term ends
_WARSAW = ZoneInfo("Europe/Warsaw")


def default_deadline(sent: date) -> date:
    """14 days from the day the request is sent, counted like the KPA terms (art. 57)."""
    return deadline(sent, TERM)


def _timer(day: date, *, days_before: int = 0) -> str:
    """The ISO instant a timer fires for a day of the Warsaw calendar: the end of that day."""
    local = datetime.combine(day - timedelta(days=days_before), time(23, 59), tzinfo=_WARSAW)
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def timer_variables(term: date, today: date) -> dict[str, str]:
    """``reminder_at`` and ``deadline_at`` of the receive step (the reminder never before today)."""
    reminder = max(today, term - timedelta(days=REMINDER_DAYS))
    return {"reminder_at": _timer(reminder), "deadline_at": _timer(term)}


def asking_key(session: Session, request: OpinionRequest) -> str:
    tenant = session.get_one(Tenant, request.from_tenant_id)
    case = session.get_one(CaseFile, request.case_id)
    return f"{tenant.code}/{case.sign}/art106/{request.token}"


def _kind(text: str) -> str:
    kind = text.strip().lower()
    if kind not in KINDS:
        raise InvalidInput("rodzaj wystąpienia: opinia, uzgodnienie albo informacja")
    return kind


def send_request(
    deps: Deps,
    actor: Actor,
    *,
    tenant: str,
    case_sign: str,
    to_tenant: str,
    kind: str,
    subject: str,
    documents: Sequence[str] = (),
    term: date | None = None,
) -> OpinionRequest:
    """A's referent (or the unit's head) asks a partner office from within a case."""
    session = deps.session
    office = tenant_by_code(session, tenant)
    case = case_by_sign(session, office.id, case_sign)
    unit = unit_code(session, case.unit_id)
    on_behalf = _act_in_unit(actor, tenant, unit)
    if to_tenant == tenant:
        raise InvalidInput("wystąpić można tylko do innego urzędu partnerskiego")
    try:
        target = tenant_by_code(session, to_tenant)
    except NotFound:
        raise NotFound(f"nie ma urzędu partnerskiego {to_tenant!r}") from None
    what = " ".join(subject.split())[:500]
    if not what:
        raise InvalidInput("podaj, czego dotyczy wystąpienie")
    today = office_today()
    due = term or default_deadline(today)
    if due <= today:
        raise InvalidInput("termin zajęcia stanowiska musi przypadać po dniu wystąpienia")
    attached = [_case_document(session, case, uid) for uid in documents]
    request = OpinionRequest(
        token=secrets.token_urlsafe(24),
        kind=_kind(kind),
        from_tenant_id=office.id,
        case_id=case.id,
        to_tenant_id=target.id,
        subject=what,
        documents=attached,
        deadline=due,
        status="sent",
        created_by=actor.login,
    )
    session.add(request)
    session.flush()
    audit.on_case(
        session,
        case,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="wystapienie_art106",
        details={"to": to_tenant, "kind": request.kind, "deadline": due.isoformat(), "documents": attached},
    )
    deps.engine.start(
        REQUEST_PROCESS,
        asking_key(session, request),
        {"tenant": tenant, "case_sign": case.sign, "request_id": request.id, **timer_variables(due, today)},
    )
    return request


def _act_in_unit(actor: Actor, tenant: str, unit: str) -> str | None:
    if actor.can(tenant, Role.REFERENT, unit):
        return actor.require(tenant, Role.REFERENT, unit)
    return actor.require(tenant, Role.KIEROWNIK, unit)


def _case_document(session: Session, case: CaseFile, uid: str) -> dict[str, Any]:
    doc = session.execute(
        select(Document).where(Document.uid == uid, Document.case_id == case.id)
    ).scalar_one_or_none()
    if doc is None or not doc.versions:
        raise NotFound(f"w sprawie {case.sign} nie ma dokumentu {uid}")
    last = doc.versions[-1]
    return {
        "title": doc.title,
        "sha256": last.sha256,
        "media_type": last.media_type,
        "filename": last.filename,
    }


# -- office B: the request as its own incoming item ------------------------------------------------
def received_request(session: Session, actor: Actor, *, tenant: str, rpw: str) -> OpinionRequest:
    """The request registered in ``tenant`` under ``rpw``; only that office's people see it."""
    office = tenant_by_code(session, tenant)
    if not (actor.system or tenant in actor.tenants()):
        raise PermissionDenied(f"{actor.login} does not work in {tenant}")
    request = session.execute(
        select(OpinionRequest).where(
            OpinionRequest.to_tenant_id == office.id, OpinionRequest.rpw_there == rpw
        )
    ).scalar_one_or_none()
    if request is None:
        raise NotFound(f"w {office.name} nie ma wystąpienia {rpw}")
    return request


def decree_request(deps: Deps, actor: Actor, *, tenant: str, rpw: str, unit: str) -> None:
    """B's kancelaria decrees the request to a unit (its head and referents prepare the answer)."""
    session = deps.session
    request = received_request(session, actor, tenant=tenant, rpw=rpw)
    actor.require(tenant, Role.KANCELARIA)
    office = tenant_by_code(session, tenant)
    from ezd.db.tables import Unit

    if session.execute(select(Unit.id).where(Unit.tenant_id == office.id, Unit.code == unit)).first() is None:
        raise InvalidInput(f"w urzędzie nie ma komórki {unit!r}")
    task = open_task(deps.engine, business_key(tenant, rpw), "Task_DecreeRequest")
    request.unit_there = unit
    audit.record(
        session,
        chain_key=audit.item_chain(tenant, rpw),
        tenant_id=office.id,
        actor=actor.login,
        action="dekretacja",
        details={"unit": unit},
    )
    complete_task(
        deps.engine,
        task,
        actor,
        {
            "unit_group": unit_group(tenant, unit, Role.KIEROWNIK.value),
            "approver_group": tenant_group(tenant, Role.SEKRETARZ.value),
        },
    )


def prepare_answer(
    deps: Deps,
    actor: Actor,
    *,
    tenant: str,
    rpw: str,
    text: str,
    refuse: bool = False,
    forward_to: str | None = None,
) -> None:
    """B's unit writes its answer, or refuses as not competent (then art. 65 forwarding)."""
    session = deps.session
    request = received_request(session, actor, tenant=tenant, rpw=rpw)
    on_behalf = actor.require(tenant, Role.KIEROWNIK, request.unit_there)
    body = text.strip()[:4000]
    if not body:
        raise InvalidInput(
            "wpisz treść stanowiska" if not refuse else "podaj, dlaczego urząd nie jest właściwy"
        )
    if forward_to is not None:
        if not refuse:
            raise InvalidInput("przekazać według właściwości można tylko przy odmowie")
        if forward_to == tenant or tenant_by_code(session, forward_to).id == request.from_tenant_id:
            raise InvalidInput("przekazać można tylko do innego organu niż pytający i opiniujący")
    task = open_task(deps.engine, business_key(tenant, rpw), "Task_PrepareAnswer")
    request.answer_text, request.answer_by = body, actor.login
    request.forwarded_to = forward_to
    audit.record(
        session,
        chain_key=audit.item_chain(tenant, rpw),
        tenant_id=request.to_tenant_id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="odmowa_art106" if refuse else "projekt_stanowiska_art106",
        details={"forward_to": forward_to} if refuse else {},
    )
    complete_task(deps.engine, task, actor, {"outcome": "refused" if refuse else "answered"})


def approve_answer(deps: Deps, actor: Actor, *, tenant: str, rpw: str, approved: bool) -> None:
    """B's secretary approves the answer (or returns it); the author never approves their own."""
    session = deps.session
    request = received_request(session, actor, tenant=tenant, rpw=rpw)
    if actor.login == request.answer_by:
        raise PermissionDenied("autor stanowiska nie może go zaakceptować (zasada czterech oczu)")
    on_behalf = actor.require(tenant, Role.SEKRETARZ)
    if on_behalf == request.answer_by:  # nor as the substitute of whoever wrote it
        raise PermissionDenied("autor stanowiska nie może go zaakceptować (zasada czterech oczu)")
    task = open_task(deps.engine, business_key(tenant, rpw), "Task_ApproveAnswer")
    audit.record(
        session,
        chain_key=audit.item_chain(tenant, rpw),
        tenant_id=request.to_tenant_id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="akceptacja" if approved else "zwrot_do_poprawy",
        details={"art106": True},
    )
    complete_task(deps.engine, task, actor, {"approved": approved})


def notify_delay(deps: Deps, actor: Actor, *, tenant: str, rpw: str, until: date, reason: str) -> None:
    """Art. 106 § 4: B tells A why it cannot answer in time and by when it will."""
    session = deps.session
    request = received_request(session, actor, tenant=tenant, rpw=rpw)
    on_behalf = actor.require(tenant, Role.KIEROWNIK, request.unit_there)
    if request.status not in ("sent", "received"):
        raise InvalidState("na to wystąpienie już odpowiedziano")
    why = " ".join(reason.split())[:500]
    if not why:
        raise InvalidInput("podaj przyczynę zwłoki (art. 106 § 4 KPA)")
    today = office_today()
    if until <= max(today, request.delay_until or request.deadline):
        raise InvalidInput("nowy termin musi przypadać po dotychczasowym")
    request.delay_until, request.delay_reason = until, why
    audit.record(
        session,
        chain_key=audit.item_chain(tenant, rpw),
        tenant_id=request.to_tenant_id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="zawiadomienie_o_zwloce_art106",
        details={"until": until.isoformat(), "reason": why},
    )
    message_to_asking_office(
        deps, request, from_tenant=tenant, message=DELAY_MESSAGE, variables=timer_variables(until, today)
    )


def message_to_asking_office(
    deps: Deps, request: OpinionRequest, *, from_tenant: str, message: str, variables: dict[str, Any]
) -> None:
    """The only way a message reaches A's process: from the office asked, to this request's key."""
    sender = tenant_by_code(deps.session, from_tenant)
    if sender.id != request.to_tenant_id:
        raise PermissionDenied("wiadomość do procesu innego urzędu odrzucona: to nie jego wystąpienie")
    deps.engine.correlate_message(message, asking_key(deps.session, request), variables)


__all__ = [
    "ANSWER_MESSAGE",
    "ANSWER_PROCESS",
    "DELAY_MESSAGE",
    "REQUEST_PROCESS",
    "approve_answer",
    "decree_request",
    "default_deadline",
    "message_to_asking_office",
    "notify_delay",
    "prepare_answer",
    "received_request",
    "send_request",
    "timer_variables",
]
