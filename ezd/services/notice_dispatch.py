"""Sending a generated notice to the party the way replies go out: the art. 36 notice of a case
(``case_terms.extend``) is rendered as an outgoing letter (XML), sealed with the office e-seal,
entered in the outgoing register and handed to the delivery channel; its UPD/UPO (or the paper
return slip) is recorded against that register entry, never against the case's reply.

Idempotent: a notice already in the outgoing register is not sent again.
"""

from __future__ import annotations

from sqlalchemy import select

from ezd import outgoing_xml
from ezd.channels.port import Envelope
from ezd.clock import office_today
from ezd.db.base import utcnow
from ezd.db.counters import next_value
from ezd.db.tables import CaseFile, Document, DocumentVersion, IncomingItem, OutgoingItem
from ezd.records.errors import InvalidInput, InvalidState, NotFound
from ezd.records.registers import Register, RegisterNumber
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.case_terms import NOTICE_KIND, may_handle
from ezd.services.deps import Deps
from ezd.services.lookup import case_by_sign, tenant_by_code

SENT = "dispatched"
DELIVERED = "delivered"


def _notice(deps: Deps, case: CaseFile, uid: str) -> Document:
    doc = deps.session.execute(
        select(Document).where(Document.uid == uid, Document.case_id == case.id, Document.kind == NOTICE_KIND)
    ).scalar_one_or_none()
    if doc is None:
        raise NotFound(f"w sprawie {case.sign} nie ma zawiadomienia {uid}")
    return doc


def _party(deps: Deps, case: CaseFile) -> IncomingItem | None:
    return deps.session.execute(
        select(IncomingItem).where(IncomingItem.case_id == case.id).order_by(IncomingItem.id).limit(1)
    ).scalar_one_or_none()


def send_notice(
    deps: Deps,
    *,
    tenant: str,
    case_sign: str,
    document_uid: str,
    channel: str,
    actor_login: str,
    on_behalf_of: str | None = None,
) -> str:
    """Seal, register and send the notice; returns its outgoing register number (RPWYCH/n/yyyy)."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    doc = _notice(deps, case, document_uid)
    existing = session.execute(
        select(OutgoingItem).where(OutgoingItem.document_id == doc.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing.sign
    if channel not in deps.channels:
        raise InvalidInput(f"unknown delivery channel {channel!r}")
    item = _party(deps, case)
    to = item.sender if item is not None else ""
    text = deps.store.get(doc.versions[-1].sha256).decode("utf-8")
    letter = outgoing_xml.build_letter(
        outgoing_xml.OutgoingLetter(
            case_sign=case.sign,
            sender=outgoing_xml.Party(institution=tenant_row.name),
            addressee=outgoing_xml.Party.named(to or "strona postępowania"),
            title=doc.title,
            paragraphs=[line for line in text.splitlines() if line.strip()],
            letter_date=office_today(),
            document_name="Zawiadomienie",
        )
    )
    signer = deps.office_signer(tenant)  # SealUnavailable when the office has no valid e-seal
    stored = deps.store.put(signer.sign_enveloped(letter), "application/xml")
    filename = doc.versions[-1].filename.rsplit(".", 1)[0] + ".xml"
    session.add(
        DocumentVersion(
            document_id=doc.id,
            version=doc.versions[-1].version + 1,
            sha256=stored.sha256,
            size=stored.size,
            media_type="application/xml",
            filename=filename,
            note="podpisano e-pieczęcią urzędu",
            created_by=actor_login,
        )
    )
    now = utcnow()
    number = next_value(session, tenant_id=tenant_row.id, kind=Register.RPWYCH.value, scope="", year=now.year)
    sign = str(RegisterNumber(Register.RPWYCH, now.year, number))
    receipt = deps.channels[channel].send(
        Envelope(
            tenant=tenant,
            case_sign=case.sign,
            outgoing_sign=sign,
            addressee=to,
            address=item.sender_address if item is not None else None,
            document=deps.store.get(stored.sha256),
            filename=filename,
            idempotency_key=f"{tenant}/{doc.uid}/{stored.sha256}",
        )
    )
    session.add(
        OutgoingItem(
            tenant_id=tenant_row.id,
            year=now.year,
            number=number,
            sign=sign,
            case_id=case.id,
            document_id=doc.id,
            channel=channel,
            addressee=to,
            dispatched_at=now,
            channel_message_id=receipt.message_id,
        )
    )
    doc.signed = True
    doc.status = SENT
    session.flush()
    session.expire(doc, ["versions"])
    audit.on_case(
        session,
        case,
        actor=actor_login,
        on_behalf_of=on_behalf_of,
        action="wysylka_zawiadomienia",
        document_ref=doc.uid,
        details={
            "outgoing": sign,
            "channel": channel,
            "message_id": receipt.message_id,
            "sha256": stored.sha256,
        },
    )
    return sign


def send_as(deps: Deps, actor: Actor, *, tenant: str, case_sign: str, document_uid: str, channel: str) -> str:
    """The referent (or their substitute) or the unit head sends the case's notice."""
    case = case_by_sign(deps.session, tenant_by_code(deps.session, tenant).id, case_sign)
    on_behalf = may_handle(deps.session, actor, tenant, case)  # PermissionDenied for anyone else
    return send_notice(
        deps,
        tenant=tenant,
        case_sign=case_sign,
        document_uid=document_uid,
        channel=channel,
        actor_login=actor.login,
        on_behalf_of=on_behalf,
    )


def confirm_notice_delivery(
    deps: Deps, *, tenant: str, outgoing_sign: str, receipt_ref: str, actor_login: str
) -> None:
    """The UPD/UPO of a sent notice: recorded on its register entry and in the case's metryka."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    out = session.execute(
        select(OutgoingItem).where(
            OutgoingItem.tenant_id == tenant_row.id, OutgoingItem.sign == outgoing_sign
        )
    ).scalar_one_or_none()
    if out is None:
        raise NotFound(f"w rejestrze przesyłek wychodzących nie ma {outgoing_sign}")
    doc = session.get(Document, out.document_id)
    if doc is None or doc.kind != NOTICE_KIND:
        raise InvalidState(
            f"{outgoing_sign} nie jest zawiadomieniem; doręczenie odpowiedzi potwierdza się w sprawie"
        )
    if out.delivered_at is not None:
        return
    out.delivered_at = utcnow()
    doc.status = DELIVERED
    case = session.get(CaseFile, out.case_id)
    if case is None:  # the foreign key guarantees it; narrowed for the type checker
        raise NotFound(f"no case of {outgoing_sign}")
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="potwierdzenie_doreczenia_zawiadomienia",
        document_ref=doc.uid,
        details={"outgoing": outgoing_sign, "receipt": receipt_ref[:100]},
    )
