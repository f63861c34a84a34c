"""One case in full: documents and versions, RPW entries, metryka, outgoing, processes, actions."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import JsonValue, TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, Document, IncomingItem, MetrykaEntry, OutgoingItem, User
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import business_key
from ezd.services.queries.access import iso, logged_read, readable_case, shared_with
from ezd.services.queries.cases import summary_fields
from ezd.services.queries.models import (
    AttachmentView,
    CaseAbilities,
    CaseIncoming,
    CaseOutgoing,
    CaseView,
    DocumentView,
    MetrykaView,
    OpenTask,
    ProcessView,
    VersionView,
)
from ezd.services.tasks import by_screen
from ezd.workflow.port import UserTask, WorkflowEngine

# the metryka's details are JSON the services wrote; checked once into the typed shape
_DETAILS: TypeAdapter[dict[str, JsonValue]] = TypeAdapter(dict[str, JsonValue])


def case_view(session: Session, engine: WorkflowEngine, actor: Actor, *, tenant: str, sign: str) -> CaseView:
    """Everything about one case the actor may see; logged in the access log."""
    case, mode = readable_case(session, actor, tenant, sign)
    referent = session.get(User, case.referent_id) if case.referent_id else None
    items = (
        session.execute(select(IncomingItem).where(IncomingItem.case_id == case.id).order_by(IncomingItem.id))
        .scalars()
        .all()
    )
    outgoing = [
        CaseOutgoing(
            sign=o.sign,
            channel=o.channel,
            addressee=o.addressee if mode == "full" else None,
            dispatched_at=iso(o.dispatched_at),
            delivered_at=iso(o.delivered_at),
        )
        for o in session.execute(select(OutgoingItem).where(OutgoingItem.case_id == case.id)).scalars()
    ]
    key = business_key(tenant, sign)
    tasks = engine.user_tasks(business_key=key)
    view = CaseView(
        **summary_fields(case, tenant, referent.login if referent else None),
        referent_name=referent.full_name if referent else None,
        access=mode,
        documents=_documents(session, case),
        incoming=[
            CaseIncoming(
                rpw=i.sign,
                received_date=iso(i.received_date),
                sender=i.sender if mode == "full" else None,  # personal data stay in the office
                title=i.title,
                channel=i.channel,
            )
            for i in items
        ],
        metryka=_metryka(session, case, tenant, items),
        outgoing=outgoing,
        shared_with=sorted(shared_with(session, case.id)) if mode == "full" else [],
        processes=_processes(engine, tenant, key, items),
        open_tasks=[OpenTask(id=t.id, task_key=t.task_key, name=t.name, assignee=t.assignee) for t in tasks],
        can=_abilities(actor, tenant, case, mode, by_screen(engine, tasks), has_outgoing=bool(outgoing)),
    )
    logged_read(session, actor, case.tenant_id, "case", case.sign)
    return view


def _documents(session: Session, case: CaseFile) -> list[DocumentView]:
    docs = session.execute(
        select(Document).where(Document.case_id == case.id).order_by(Document.id)
    ).scalars()
    return [
        DocumentView(
            uid=d.uid,
            direction=d.direction,
            kind=d.kind,
            title=d.title,
            status=d.status,
            signed=d.signed,
            signature_verdict=d.signature_verdict,
            versions=[
                VersionView(
                    version=v.version,
                    sha256=v.sha256,
                    size=v.size,
                    media_type=v.media_type,
                    filename=v.filename,
                    note=v.note,
                    created_at=iso(v.created_at),
                    created_by=v.created_by,
                )
                for v in d.versions
            ],
            attachments=[
                AttachmentView(filename=a.filename, sha256=a.sha256, size=a.size, media_type=a.media_type)
                for a in d.attachments
            ],
        )
        for d in docs
    ]


def _metryka(
    session: Session, case: CaseFile, tenant: str, items: Sequence[IncomingItem]
) -> list[MetrykaView]:
    chains = [audit.case_chain(case.id)] + [audit.item_chain(tenant, i.sign) for i in items]
    entries = session.execute(
        select(MetrykaEntry)
        .where(MetrykaEntry.chain_key.in_(chains))
        .order_by(MetrykaEntry.at, MetrykaEntry.id)
    ).scalars()
    return [
        MetrykaView(
            at=iso(e.at),
            actor=e.actor,
            on_behalf_of=e.on_behalf_of,
            action=e.action,
            document=e.document_ref,
            details=_DETAILS.validate_python(e.details),
        )
        for e in entries
    ]


def _processes(
    engine: WorkflowEngine, tenant: str, key: str, items: Sequence[IncomingItem]
) -> list[ProcessView]:
    def views(business: str) -> list[ProcessView]:
        return [
            ProcessView(
                process_key=inst.process_key,
                instance_id=inst.id,
                ended=inst.ended,
                active=list(inst.active_activities),
                visited=[h.activity_id for h in engine.history(inst.id)],
            )
            for inst in engine.find_instances(business)
        ]

    processes = views(key)
    # the incoming process of the first item explains how the case was opened
    for item in items[:1]:
        processes = views(business_key(tenant, item.sign))[::-1] + processes
    return processes


def _may_approve(actor: Actor, tenant: str, unit: str, task: UserTask) -> bool:
    """The approval step is the role its task is offered to (``<office>:<unit>:<role>``): the
    unit head first, then e.g. the sekretarz of a longer chain (as approval.decide checks)."""
    roles = {g.rsplit(":", 1)[-1] for g in task.candidate_groups} or {Role.KIEROWNIK.value}
    for name in roles & {r.value for r in Role}:
        role = Role(name)
        if actor.can(tenant, role, unit if role == Role.KIEROWNIK else None):
            return True
    return False


def _abilities(
    actor: Actor, tenant: str, case: CaseFile, mode: str, keys: dict[str, UserTask], *, has_outgoing: bool
) -> CaseAbilities:
    # keyed by domain screen: a task renamed in Modeler keeps its screen (ezd.workflow.screens)
    draft_task = keys.get("draft")
    unit = case.unit.code
    full = mode == "full"
    return CaseAbilities(
        draft=full
        and draft_task is not None
        and (
            draft_task.assignee in {actor.login, *(b for _, b in actor.grants if b)}
            or actor.can(tenant, Role.KIEROWNIK, unit)
        ),
        approve=full and "approve" in keys and _may_approve(actor, tenant, unit, keys["approve"]),
        accept_transfer=full and "accept_transfer" in keys and actor.can(tenant, Role.ARCHIWISTA),
        share=full and actor.can(tenant, Role.KIEROWNIK, unit),
        access_code=full
        and (
            actor.can(tenant, Role.KANCELARIA)
            or actor.can(tenant, Role.REFERENT, unit)
            or actor.can(tenant, Role.KIEROWNIK, unit)
        ),
        confirm_delivery=full and actor.can(tenant, Role.KANCELARIA) and has_outgoing,
        download=True,
    )
