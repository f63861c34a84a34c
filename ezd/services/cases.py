"""Cases: opening, attaching, drafting, akceptacja, closing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.clock import office_today
from ezd.db.base import utcnow
from ezd.db.counters import next_value
from ezd.db.tables import CaseFile, Document, DocumentVersion, IncomingItem, JrwaClass, Unit, User
from ezd.records.cases import CaseSign, CaseState, DraftState, transition
from ezd.records.errors import InvalidInput, InvalidState
from ezd.records.jrwa import NotALeafClass, UnknownJrwaSymbol
from ezd.records.tenancy import Role
from ezd.services import approval, audit, case_terms
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.services.lookup import (
    business_key,
    case_by_sign,
    item_by_sign,
    tenant_by_code,
    unit_code,
    unit_group,
)
from ezd.services.replies import reply_media_type
from ezd.services.tasks import complete_task, open_task

CASE_PROCESS = "ezd_case"
REMIND_DAYS_BEFORE = 3  # the referent is reminded 3 days before the deadline the law sets


def jrwa_leaf(session: Session, tenant_id: int, symbol: str) -> JrwaClass:
    row = session.execute(
        select(JrwaClass).where(JrwaClass.tenant_id == tenant_id, JrwaClass.symbol == symbol)
    ).scalar_one_or_none()
    if row is None:
        raise UnknownJrwaSymbol(f"unknown JRWA symbol {symbol!r}")
    if not row.is_leaf:
        raise NotALeafClass(
            f"JRWA class {symbol!r} is not a leaf class; cases can only be kept in leaf classes"
        )
    return row


def case_decision(
    deps: Deps,
    actor: Actor,
    *,
    tenant: str,
    rpw: str,
    jrwa: str | None = None,
    title: str | None = None,
    attach_to: str | None = None,
    matter_kind: str | None = None,
) -> None:
    """The referent opens a new case in a JRWA leaf class, or attaches the item to an existing case.

    ``matter_kind`` (records.deadlines.MatterKind) overrides the kind configured on the class.
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    task = open_task(deps.engine, business_key(tenant, rpw), "case_decision")
    if task.assignee not in (actor.login, *[b for _, b in actor.grants if b]):
        actor.require(tenant, Role.KIEROWNIK, unit_code(session, item.unit_id))
    if attach_to:
        case = case_by_sign(session, tenant_row.id, attach_to)
        if case.state == CaseState.ARCHIVED.value:
            raise InvalidInput(f"case {attach_to} is archived; documents cannot be added")
        complete_task(deps.engine, task, actor, {"case_action": "attach", "case_sign": attach_to})
        return
    if not jrwa:
        raise InvalidInput("choose a JRWA class for the new case, or a case to attach to")
    leaf = jrwa_leaf(session, tenant_row.id, jrwa)
    kind = case_terms.kind_of_class(leaf, matter_kind)  # a bad kind is refused before the step
    complete_task(
        deps.engine,
        task,
        actor,
        {"case_action": "new", "jrwa": jrwa, "case_title": title or item.title, "matter_kind": kind.value},
    )


@dataclass(frozen=True)
class OpenedCase:
    sign: str
    case_id: int


def open_case_for_item(
    deps: Deps,
    *,
    tenant: str,
    rpw: str,
    jrwa: str,
    title: str,
    actor_login: str,
    matter_kind: str | None = None,
) -> OpenedCase:
    """Create the case (gapless seq per unit/JRWA/year), put the item in it, start case handling.

    Idempotent: if the item already has a case, that case is returned.
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    if item.case_id is not None:
        existing = session.get(CaseFile, item.case_id)
        if existing is None:  # a foreign key makes this impossible; say so rather than crash later
            raise InvalidState(f"{rpw} points to a case that does not exist")
        return OpenedCase(existing.sign, existing.id)
    unit = session.get(Unit, item.unit_id) if item.unit_id else None
    if unit is None:
        raise InvalidInput(f"{rpw} has no unit; decree it first")
    leaf = jrwa_leaf(session, tenant_row.id, jrwa)
    if not leaf.category:
        raise InvalidInput(f"JRWA class {jrwa} has no archival category")
    now = utcnow()
    seq = next_value(
        session, tenant_id=tenant_row.id, kind="CASE", scope=f"{unit.code}.{jrwa}", year=now.year
    )
    sign = str(CaseSign(unit.code, jrwa, seq, now.year))
    case = CaseFile(
        tenant_id=tenant_row.id,
        unit_id=unit.id,
        jrwa_class_id=leaf.id,
        sign=sign,
        seq=seq,
        year=now.year,
        title=title[:500],
        state=CaseState.OPEN.value,
        category=leaf.category,
        referent_id=item.referent_id,
        opened_at=now,
        matter_kind=case_terms.kind_of_class(leaf, matter_kind).value,
        term_start=case_terms.term_start_of(item),
    )
    session.add(case)
    session.flush()
    due = case_terms.recompute(session, case)
    _attach(session, item, case)
    referent = session.get(User, item.referent_id) if item.referent_id else None
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="zalozenie_sprawy",
        document_ref=item.document.uid,
        details={
            "sign": sign,
            "jrwa": jrwa,
            "category": leaf.category,
            "rpw": rpw,
            "matter_kind": case.matter_kind,
            "deadline": due.isoformat() if due else None,
        },
    )
    deps.engine.start(
        CASE_PROCESS,
        business_key(tenant, sign),
        {
            "tenant": tenant,
            "case_sign": sign,
            "unit": unit.code,
            "referent": referent.login if referent else "",
            "head_group": unit_group(tenant, unit.code, Role.KIEROWNIK.value),
            "reminder_after": deps.settings.case_reminder_after or _reminder_after(due),
            # read by the approval gateways (ezd.services.approval sets them per draft version)
            "opinion_groups": [],
            "chain_done": True,
        },
    )
    return OpenedCase(sign, case.id)


def _reminder_after(due: date | None) -> str:
    """The reminder fires REMIND_DAYS_BEFORE the deadline (at least a day after opening)."""
    if due is None:
        return "P1D"
    days = (due - timedelta(days=REMIND_DAYS_BEFORE) - office_today()).days
    return f"P{max(days, 1)}D"


def _attach(session: Session, item: IncomingItem, case: CaseFile) -> None:
    item.case_id = case.id
    item.status = "in_case"
    item.document.case_id = case.id


def attach_item(deps: Deps, *, tenant: str, rpw: str, case_sign: str, actor_login: str) -> None:
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    case = case_by_sign(session, tenant_row.id, case_sign)
    if item.case_id == case.id:
        return
    _attach(session, item, case)
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="dolaczenie_dokumentu",
        document_ref=item.document.uid,
        details={"rpw": rpw},
    )


def submit_draft(
    deps: Deps,
    actor: Actor,
    *,
    tenant: str,
    case_sign: str,
    content: bytes,
    filename: str,
    addressee: str | None = None,
    channel: str = "epuap",
    approval_chain: Sequence[str] | None = None,
    opinions: Sequence[str] = (),
) -> str:
    """The referent uploads (a new version of) the reply and sends it for akceptacja.

    The reply is a PDF or an XML file (the bytes decide, see :mod:`ezd.services.replies`):
    anything the office could not seal is refused here, before anyone approves it.

    ``approval_chain`` names the roles that approve in turn (default: the unit head);
    ``opinions`` the units whose heads give their opinion first, all at once.
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    unit = case.unit.code
    task = open_task(deps.engine, business_key(tenant, case_sign), "draft")
    on_behalf = _as_referent(session, actor, tenant, unit, task.assignee)
    if len(content) > deps.settings.max_upload_bytes:
        raise InvalidInput("the draft is larger than the upload limit")
    # refused here, before approval, rather than in the sealing step after it (issue 13)
    media_type = reply_media_type(content)
    stored = deps.store.put(content, media_type)
    draft = _current_draft(session, case)
    if draft is None:
        draft = Document(
            uid=str(uuid.uuid4()),
            tenant_id=tenant_row.id,
            case_id=case.id,
            direction="outgoing",
            kind="odpowiedz",
            title=f"Odpowiedź w sprawie {case_sign}",
            status=DraftState.DRAFT.value,
            created_by=actor.login,
        )
        session.add(draft)
        session.flush()
        version = 1
    else:
        version = len(draft.versions) + 1
    session.add(
        DocumentVersion(
            document_id=draft.id,
            version=version,
            sha256=stored.sha256,
            size=stored.size,
            media_type=media_type,
            filename=filename[:255],
            created_by=actor.login,
        )
    )
    draft.status = DraftState.IN_APPROVAL.value
    case.state = transition(CaseState(case.state), CaseState.IN_APPROVAL).value
    session.flush()
    session.expire(draft, ["versions"])
    path = approval.plan(
        deps, tenant=tenant, case=case, draft=draft, version=version, chain=approval_chain, opinions=opinions
    )
    audit.on_case(
        session,
        case,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="projekt_do_akceptacji",
        document_ref=draft.uid,
        details={"version": version, "sha256": stored.sha256},
    )
    complete_task(
        deps.engine,
        task,
        actor,
        {"draft_uid": draft.uid, "channel": channel, "addressee": addressee or "", **path},
    )
    return draft.uid


def _as_referent(session: Session, actor: Actor, tenant: str, unit: str, assignee: str | None) -> str | None:
    if actor.system or actor.login == assignee:
        return None
    for grant, behalf in actor.grants:
        if behalf == assignee and grant.tenant == tenant:
            return behalf
    return actor.require(tenant, Role.KIEROWNIK, unit)


def _current_draft(session: Session, case: CaseFile) -> Document | None:
    return session.execute(
        select(Document)
        .where(Document.case_id == case.id, Document.direction == "outgoing")
        .order_by(Document.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def current_draft(session: Session, case: CaseFile) -> Document:
    draft = _current_draft(session, case)
    if draft is None:
        raise InvalidInput(f"case {case.sign} has no reply draft")
    return draft


def decide_approval(
    deps: Deps, actor: Actor, *, tenant: str, case_sign: str, approved: bool, comment: str = ""
) -> None:
    """Akceptacja by the unit head, or return for changes with a comment."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    if not approved and not comment.strip():
        raise InvalidInput("say what to change when returning a draft")
    task = open_task(deps.engine, business_key(tenant, case_sign), "approve")
    draft = current_draft(session, case)
    decision = approval.decide(
        deps, actor, tenant=tenant, case=case, draft=draft, approved=approved, comment=comment
    )
    on_behalf = decision.on_behalf_of
    if approved and decision.variables["chain_done"]:
        draft.status = DraftState.APPROVED.value
    elif not approved:
        draft.status = DraftState.RETURNED.value
        case.state = transition(CaseState(case.state), CaseState.OPEN).value
    audit.on_case(
        session,
        case,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="akceptacja" if approved else "zwrot_do_poprawy",
        document_ref=draft.uid,
        details={
            **({"comment": comment} if comment else {}),
            **(
                {"step": decision.step, "role": decision.role}
                if decision.step > 1 or decision.role != "kierownik"
                else {}
            ),
        },
    )
    complete_task(deps.engine, task, actor, {**decision.variables, "approval_comment": comment})


def close_case(deps: Deps, *, tenant: str, case_sign: str, actor_login: str) -> None:
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    if case.state == CaseState.CLOSED.value:
        return
    case.state = transition(CaseState(case.state), CaseState.CLOSED).value
    case.closed_at = utcnow()
    audit.on_case(session, case, actor=actor_login, action="zakonczenie_sprawy")


def referent_login(session: Session, case: CaseFile) -> str:
    user = session.get(User, case.referent_id) if case.referent_id else None
    return user.login if user else ""
