"""Signing, dispatch and delivery of outgoing replies (the outgoing register)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.channels.port import Envelope
from ezd.db.base import utcnow
from ezd.db.counters import next_value
from ezd.db.tables import CaseFile, DocumentVersion, IncomingItem, OutgoingItem
from ezd.records.cases import DraftState
from ezd.records.errors import InvalidInput, InvalidState
from ezd.records.registers import Register, RegisterNumber
from ezd.services import audit
from ezd.services.cases import current_draft
from ezd.services.deps import Deps
from ezd.services.lookup import business_key, case_by_sign, tenant_by_code
from ezd.services.replies import PDF, reply_media_type
from ezd.signatures.errors import SigningError

DELIVERY_MESSAGE = "ezd.delivery-confirmed"


def sign_draft(deps: Deps, *, tenant: str, case_sign: str, actor_login: str) -> str:
    """Seal the approved draft with the office e-seal; the signed bytes become a new version.

    Idempotent: an already signed draft is returned as is.
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    draft = current_draft(session, case)
    last = draft.versions[-1]
    if draft.signed:
        return last.sha256
    if draft.status != DraftState.APPROVED.value:
        raise InvalidState(f"the reply in {case_sign} is not approved")
    content = deps.store.get(last.sha256)
    kind = reply_media_type(content)  # the bytes decide, as at upload: a stored label may be old
    signer = deps.office_signer(tenant)
    if kind == PDF:
        try:
            signed = signer.sign_pdf(content)
        except SigningError as exc:
            raise InvalidInput(f"the PDF reply cannot be sealed: {exc}") from None
    else:
        signed = signer.sign_enveloped(content)
    stored = deps.store.put(signed, kind)
    session.add(
        DocumentVersion(
            document_id=draft.id,
            version=last.version + 1,
            sha256=stored.sha256,
            size=stored.size,
            media_type=kind,
            filename=last.filename,
            note="podpisano e-pieczęcią urzędu",
            created_by=actor_login,
        )
    )
    draft.signed = True
    draft.status = DraftState.SIGNED.value
    session.flush()
    session.expire(draft, ["versions"])
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="podpis",
        document_ref=draft.uid,
        details={
            "sha256": stored.sha256,
            "signer": signer.subject,
            "format": "PAdES" if kind == PDF else "XAdES",
        },
    )
    return stored.sha256


def note_sign_held(session: Session, *, tenant: str, case_sign: str, message: str) -> None:
    """The case's metryka says why its reply was not sealed (no or expired office e-seal)."""
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    audit.record(
        session,
        chain_key=audit.case_chain(case.id),
        tenant_id=tenant_row.id,
        actor="system:podpis",
        action="podpis_wstrzymany",
        case_id=case.id,
        details={"powod": message},
    )


def dispatch_reply(
    deps: Deps,
    *,
    tenant: str,
    case_sign: str,
    channel: str,
    addressee: str | None,
    actor_login: str,
    electronic_address: str | None = None,
) -> str:
    """Register the reply in the outgoing register and hand it to the delivery channel.

    Idempotent per case: a reply already in the outgoing register is not sent again.
    Raises ``DispatchRejected`` (from the channel) for problems the referent must fix.
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    draft = current_draft(session, case)
    existing = session.execute(
        select(OutgoingItem).where(OutgoingItem.document_id == draft.id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing.sign
    if not draft.signed:
        raise InvalidState(f"the reply in {case_sign} is not signed")
    to = addressee or _original_sender(deps, case)
    address = _original_address(deps, case)
    electronic_address = electronic_address or _original_electronic_address(deps, case)
    if channel not in deps.channels:
        raise InvalidInput(f"unknown delivery channel {channel!r}")
    now = utcnow()
    number = next_value(session, tenant_id=tenant_row.id, kind=Register.RPWYCH.value, scope="", year=now.year)
    sign = str(RegisterNumber(Register.RPWYCH, now.year, number))
    last = draft.versions[-1]
    receipt = deps.channels[channel].send(
        Envelope(
            tenant=tenant,
            case_sign=case_sign,
            outgoing_sign=sign,
            addressee=to,
            address=address,
            document=deps.store.get(last.sha256),
            filename=last.filename,
            idempotency_key=f"{tenant}/{draft.uid}/{last.sha256}",
            electronic_address=electronic_address,
            media_type=last.media_type,
        )
    )
    session.add(
        OutgoingItem(
            tenant_id=tenant_row.id,
            year=now.year,
            number=number,
            sign=sign,
            case_id=case.id,
            document_id=draft.id,
            channel=channel,
            addressee=to,
            dispatched_at=now,
            channel_message_id=receipt.message_id,
        )
    )
    draft.status = DraftState.DISPATCHED.value
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="wysylka",
        document_ref=draft.uid,
        details={"outgoing": sign, "channel": channel, "message_id": receipt.message_id},
    )
    return sign


def _first_item(deps: Deps, case: CaseFile) -> IncomingItem | None:
    return deps.session.execute(
        select(IncomingItem).where(IncomingItem.case_id == case.id).order_by(IncomingItem.id).limit(1)
    ).scalar_one_or_none()


def _original_sender(deps: Deps, case: CaseFile) -> str:
    item = _first_item(deps, case)
    return item.sender if item else ""


def _original_address(deps: Deps, case: CaseFile) -> str | None:
    item = _first_item(deps, case)
    return item.sender_address if item else None


def _original_electronic_address(deps: Deps, case: CaseFile) -> str | None:
    """The sender's ePUAP box or e-Doręczenia address, when the letter carried one."""
    item = _first_item(deps, case)
    ident = (item.sender_id or "") if item else ""
    key, _, value = ident.partition(":")
    if key == "IdentyfikatorEPUAP" and value.strip():
        return value.strip()
    if ident.startswith("AE:PL-"):
        return ident
    return None


def confirm_delivery(deps: Deps, *, tenant: str, case_sign: str, receipt_ref: str, actor_login: str) -> None:
    """A delivery receipt (UPD/UPO) arrived from the channel: record it and wake the case process."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    out = session.execute(
        select(OutgoingItem).where(OutgoingItem.case_id == case.id).order_by(OutgoingItem.id.desc()).limit(1)
    ).scalar_one_or_none()
    if out is None:
        raise InvalidState(f"nothing was dispatched in {case_sign}")
    out.delivered_at = utcnow()
    draft = current_draft(session, case)
    draft.status = DraftState.DELIVERED.value
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="potwierdzenie_doreczenia",
        document_ref=draft.uid,
        details={"outgoing": out.sign, "receipt": receipt_ref},
    )
    deps.engine.correlate_message(
        DELIVERY_MESSAGE, business_key(tenant, case_sign), {"delivery_receipt": receipt_ref}
    )
