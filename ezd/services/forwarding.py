"""Forwarding to the competent office (art. 65 § 1 KPA) between the partner offices.

The referent decides at ``Task_CaseDecision`` that another partner office is competent; the
``ezd.forward-to-office`` step registers the same content (the same SHA-256 object) in that
office's RPW under its own number and starts its intake there. Both metryki record the
hand-over, the original item is marked forwarded and the notice to the sender is generated.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ezd.clock import office_today, polish_date
from ezd.db.tables import Document, DocumentVersion, IncomingItem
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.intake import Access, Channel, IncomingMetadata
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor, system_actor
from ezd.services.deps import Deps
from ezd.services.lookup import business_key, item_with_content, tenant_by_code, unit_code
from ezd.services.tasks import complete_task, open_task

NOTICE_KIND = "zawiadomienie_art65"


def _reason(text: str) -> str:
    reason = " ".join(text.split())[:500]
    if not reason:
        raise InvalidInput("podaj, dlaczego właściwy jest inny urząd (art. 65 § 1 KPA)")
    return reason


def decide_forward(deps: Deps, actor: Actor, *, tenant: str, rpw: str, to_tenant: str, reason: str) -> None:
    """The referent (or their substitute, or the unit head) forwards the item instead of a case."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_with_content(session, tenant_row.id, rpw)
    task = open_task(deps.engine, business_key(tenant, rpw), "case_decision")
    if task.assignee not in (actor.login, *[b for _, b in actor.grants if b]):
        actor.require(tenant, Role.KIEROWNIK, unit_code(session, item.unit_id))
    why = _reason(reason)
    if to_tenant == tenant:
        raise InvalidInput("przekazać można tylko do innego urzędu partnerskiego")
    try:
        tenant_by_code(session, to_tenant)
    except NotFound:
        raise NotFound(f"nie ma urzędu partnerskiego {to_tenant!r}") from None
    complete_task(
        deps.engine, task, actor, {"case_action": "forward", "forward_to": to_tenant, "forward_reason": why}
    )


@dataclass(frozen=True)
class Forwarded:
    to_tenant: str
    rpw_there: str
    notice_document: str


def forward_item(
    deps: Deps, *, tenant: str, rpw: str, to_tenant: str, reason: str, actor_login: str
) -> Forwarded:
    """Register the item in the competent office; record it on both sides (the worker step)."""
    from ezd.services.intake import register_incoming

    session = deps.session
    source = tenant_by_code(session, tenant)
    target = tenant_by_code(session, to_tenant)
    item = item_with_content(session, source.id, rpw)
    original = item.document.versions[0]
    metadata = IncomingMetadata(
        sender=item.sender,
        sender_address=item.sender_address,
        sender_id=item.sender_id,
        title=item.title,
        letter_date=item.letter_date,
        # the competent office's term runs from the day it receives the letter
        received_date=office_today(),
        channel=Channel(item.channel),
        kind=item.kind,
        access=Access(item.access),
        attachments=item.attachments,
        format=item.format,
        sender_reference=item.sender_reference,
    )
    registered = register_incoming(
        deps,
        system_actor(actor_login),
        tenant=to_tenant,
        data=deps.store.get(original.sha256),
        filename=original.filename,
        media_type=original.media_type,
        metadata=metadata,
        channel=Channel(item.channel),
        # the sender may have written to both offices; the hand-over is registered all the same
        duplicate_reason=f"przekazanie wg art. 65 KPA z {source.name} ({rpw})",
    )
    audit.record(
        session,
        chain_key=audit.item_chain(to_tenant, registered.sign),
        tenant_id=target.id,
        actor=actor_login,
        action="przyjecie_z_przekazania",
        document_ref=registered.document_uid,
        details={"from": tenant, "rpw_from": rpw, "reason": reason, "sha256": original.sha256},
    )
    notice = _notice(deps, item, source.name, target.name, registered.sign, reason, actor_login)
    item.status = "forwarded"
    audit.record(
        session,
        chain_key=audit.item_chain(tenant, rpw),
        tenant_id=source.id,
        actor=actor_login,
        action="przekazanie_wg_wlasciwosci",
        document_ref=item.document.uid,
        details={"to": to_tenant, "rpw_there": registered.sign, "reason": reason, "notice": notice},
    )
    return Forwarded(to_tenant, registered.sign, notice)


def _notice(
    deps: Deps, item: IncomingItem, office: str, competent: str, rpw_there: str, reason: str, actor_login: str
) -> str:
    """The notice to the sender (art. 65 § 1: 'zawiadamiając o tym wnoszącego')."""
    text = "\n".join(
        [
            office,
            f"Data: {polish_date(office_today())}",
            "",
            item.sender,
            item.sender_address or "",
            "",
            "ZAWIADOMIENIE",
            "o przekazaniu podania według właściwości (art. 65 § 1 Kodeksu postępowania administracyjnego)",
            "",
            f"Państwa pismo „{item.title}” z dnia {polish_date(item.letter_date or item.received_date)}"
            + (f" (znak: {item.sender_reference})" if item.sender_reference else "")
            + f", zarejestrowane pod numerem {item.sign}, zostało przekazane do organu właściwego: "
            f"{competent}, gdzie otrzymało numer {rpw_there}.",
            f"Uzasadnienie: {reason}",
            "Podanie wniesione przed upływem terminu do organu niewłaściwego uważa się za wniesione "
            "z zachowaniem terminu (art. 65 § 2 KPA).",
        ]
    )
    stored = deps.store.put((text + "\n").encode("utf-8"), "text/plain; charset=utf-8")
    doc = Document(
        uid=str(uuid.uuid4()),
        tenant_id=item.tenant_id,
        direction="internal",
        kind=NOTICE_KIND,
        title=f"Zawiadomienie o przekazaniu {item.sign} do organu właściwego",
        status="draft",
        created_by=actor_login,
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
            filename=f"zawiadomienie-art65-{item.sign.replace('/', '-')}.txt",
            created_by=actor_login,
        )
    )
    return doc.uid
