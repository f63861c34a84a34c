"""The case's deadline by the law: set at opening, suspended and resumed, extended (art. 36 KPA).

``case_file.deadline`` holds the effective date computed by ``records.deadlines.case_deadline``
from the stored inputs (kind, term start, pauses, extension); it is None while the case is
suspended, so lists of overdue cases leave a suspended case out without a special rule.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.clock import office_today, polish_date
from ezd.db.tables import CaseFile, Document, DocumentVersion, IncomingItem, JrwaClass, User
from ezd.db.tables_kpa import CasePause
from ezd.records.cases import CaseState
from ezd.records.deadlines import (
    KIND_LABELS,
    Extension,
    MatterKind,
    Pause,
    case_deadline,
    parse_kind,
)
from ezd.records.errors import InvalidInput, InvalidState
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.services.lookup import case_by_sign, tenant_by_code

NOTICE_KIND = "zawiadomienie_art36"
MAX_REASON = 500


def kind_of_class(leaf: JrwaClass, chosen: str | None) -> MatterKind:
    """The kind chosen when the case is opened, else the one configured on the JRWA class."""
    if chosen:
        return parse_kind(chosen)
    return parse_kind(leaf.matter_kind) if leaf.matter_kind else MatterKind.ADMINISTRATIVE


def term_start_of(item: IncomingItem) -> date:
    """The term runs from the day the office received the letter (its RPW received date)."""
    return item.received_date


def pauses_of(session: Session, case_id: int) -> list[Pause]:
    rows = session.execute(
        select(CasePause).where(CasePause.case_id == case_id).order_by(CasePause.start)
    ).scalars()
    return [Pause(r.start, r.end) for r in rows]


def recompute(session: Session, case: CaseFile) -> date | None:
    """Store and return the effective deadline from the case's stored inputs."""
    if case.term_start is None:
        return case.deadline  # a case opened before deadlines were counted keeps its date
    extension = (
        Extension(case.extension_notified, case.extension_until)
        if case.extension_notified and case.extension_until
        else None
    )
    kind = parse_kind(case.matter_kind or MatterKind.ADMINISTRATIVE.value)
    case.deadline = case_deadline(kind, case.term_start, pauses_of(session, case.id), extension)
    return case.deadline


def _reason(text: str, what: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise InvalidInput(f"podaj przyczynę: {what}")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"przyczyna jest dłuższa niż {MAX_REASON} znaków")
    return reason


def may_handle(session: Session, actor: Actor, tenant: str, case: CaseFile) -> str | None:
    """The case's referent (or their substitute) or the head of its unit."""
    referent = session.get(User, case.referent_id) if case.referent_id else None
    if referent is not None and not actor.system:
        if actor.login == referent.login:
            return None
        for grant, behalf in actor.grants:
            if behalf == referent.login and grant.tenant == tenant:
                return behalf
    return actor.require(tenant, Role.KIEROWNIK, case.unit.code)


def _open_case(deps: Deps, tenant: str, case_sign: str) -> CaseFile:
    case = case_by_sign(deps.session, tenant_by_code(deps.session, tenant).id, case_sign)
    if case.state not in (CaseState.OPEN.value, CaseState.IN_APPROVAL.value):
        raise InvalidState(f"sprawa {case_sign} jest już zakończona; jej termin nie biegnie")
    return case


def _open_pause(session: Session, case_id: int) -> CasePause | None:
    return session.execute(
        select(CasePause).where(CasePause.case_id == case_id, CasePause.end.is_(None))
    ).scalar_one_or_none()


def suspend(deps: Deps, actor: Actor, *, tenant: str, case_sign: str, reason: str) -> None:
    """Zawieszenie: the clock stops from today (art. 35 §5: the period is not counted)."""
    case = _open_case(deps, tenant, case_sign)
    on_behalf = may_handle(deps.session, actor, tenant, case)
    why = _reason(reason, "zawieszenia postępowania")
    if _open_pause(deps.session, case.id) is not None:
        raise InvalidState(f"sprawa {case_sign} jest już zawieszona")
    today = office_today()
    deps.session.add(CasePause(case_id=case.id, start=today, reason=why, created_by=actor.login))
    deps.session.flush()
    previous = case.deadline
    recompute(deps.session, case)
    audit.record(
        deps.session,
        chain_key=audit.case_chain(case.id),
        tenant_id=case.tenant_id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="zawieszenie_biegu_terminu",
        case_id=case.id,
        details={"from": today.isoformat(), "reason": why, "deadline_before": _iso(previous)},
    )


def resume(deps: Deps, actor: Actor, *, tenant: str, case_sign: str) -> date | None:
    """Podjęcie: the clock runs again from today; the days of the suspension push the deadline."""
    case = _open_case(deps, tenant, case_sign)
    on_behalf = may_handle(deps.session, actor, tenant, case)
    pause = _open_pause(deps.session, case.id)
    if pause is None:
        raise InvalidState(f"sprawa {case_sign} nie jest zawieszona")
    today = office_today()
    if today <= pause.start:
        deps.session.delete(pause)  # resumed the day it was suspended: no day is left out
    else:
        pause.end = today - timedelta(days=1)
    deps.session.flush()
    due = recompute(deps.session, case)
    audit.record(
        deps.session,
        chain_key=audit.case_chain(case.id),
        tenant_id=case.tenant_id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="podjecie_biegu_terminu",
        case_id=case.id,
        details={"on": today.isoformat(), "deadline": _iso(due)},
    )
    return due


@dataclass(frozen=True)
class ExtensionNotice:
    deadline: date
    notice_document: str


def extend(
    deps: Deps, actor: Actor, *, tenant: str, case_sign: str, until: date, reason: str
) -> ExtensionNotice:
    """Art. 36: name a new date with the reason; the notice to the party is generated in the case."""
    case = _open_case(deps, tenant, case_sign)
    on_behalf = may_handle(deps.session, actor, tenant, case)
    why = _reason(reason, "niezałatwienia sprawy w terminie")
    today = office_today()
    if until <= today:
        raise InvalidInput(f"nowy termin ({polish_date(until)}) musi przypadać po dniu dzisiejszym")
    if case.term_start is None:
        raise InvalidState(f"sprawa {case_sign} nie ma terminu liczonego według KPA")
    previous = case.deadline
    case.extension_notified, case.extension_until = today, until
    due = recompute(deps.session, case)
    if due is None:
        raise InvalidState(f"sprawa {case_sign} jest zawieszona; termin nie biegnie")
    uid = _notice(deps, actor, case, previous, due, why)
    audit.record(
        deps.session,
        chain_key=audit.case_chain(case.id),
        tenant_id=case.tenant_id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="przedluzenie_terminu",
        case_id=case.id,
        document_ref=uid,
        details={"deadline_before": _iso(previous), "deadline": due.isoformat(), "reason": why},
    )
    return ExtensionNotice(due, uid)


def _notice(deps: Deps, actor: Actor, case: CaseFile, previous: date | None, due: date, reason: str) -> str:
    """The art. 36 notice as a document of the case, ready to be sent like any other letter."""
    kind = parse_kind(case.matter_kind or MatterKind.ADMINISTRATIVE.value)
    item = deps.session.execute(
        select(IncomingItem).where(IncomingItem.case_id == case.id).order_by(IncomingItem.id).limit(1)
    ).scalar_one_or_none()
    addressee = item.sender if item is not None else "strona postępowania"
    lines = [
        f"{case.unit.tenant.name}",
        f"Znak sprawy: {case.sign}",
        f"Data: {polish_date(office_today())}",
        "",
        f"{addressee}",
        "",
        "ZAWIADOMIENIE",
        "o niezałatwieniu sprawy w terminie (art. 36 § 1 Kodeksu postępowania administracyjnego)",
        "",
        f"Zawiadamiam, że sprawa „{case.title}” ({KIND_LABELS[kind]}) nie zostanie załatwiona "
        + (f"w terminie do {polish_date(previous)}." if previous else "w terminie."),
        f"Przyczyna zwłoki: {reason}",
        f"Nowy termin załatwienia sprawy: {polish_date(due)}.",
        "",
        "Pouczenie: na niezałatwienie sprawy w terminie stronie przysługuje ponaglenie (art. 37 KPA).",
    ]
    content = ("\n".join(lines) + "\n").encode("utf-8")
    stored = deps.store.put(content, "text/plain; charset=utf-8")
    doc = Document(
        uid=str(uuid.uuid4()),
        tenant_id=case.tenant_id,
        case_id=case.id,
        direction="internal",
        kind=NOTICE_KIND,
        title=f"Zawiadomienie o nowym terminie załatwienia sprawy {case.sign}",
        status="draft",
        created_by=actor.login,
    )
    deps.session.add(doc)
    deps.session.flush()
    deps.session.add(
        DocumentVersion(
            document_id=doc.id,
            version=1,
            sha256=stored.sha256,
            size=stored.size,
            media_type="text/plain; charset=utf-8",
            filename=f"zawiadomienie-art36-{case.sign}.txt",
            created_by=actor.login,
        )
    )
    return doc.uid


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def is_suspended(session: Session, case_id: int) -> bool:
    """The case's clock is stopped (an open zawieszenie): the page offers resumption instead."""
    return _open_pause(session, case_id) is not None
