"""Official receipts for electronically received items (UPP, see :mod:`ezd.upo`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ezd import upo
from ezd.db.base import utcnow
from ezd.db.tables import Attachment, CaseFile
from ezd.records.errors import InvalidState
from ezd.records.intake import Channel
from ezd.services import audit
from ezd.services.deps import Deps
from ezd.services.lookup import item_by_sign, tenant_by_code

ELECTRONIC_CHANNELS = frozenset({Channel.EPUAP.value, Channel.E_DORECZENIA.value})
UPP_PREFIX = "UPP-"
UPP_MEDIA_TYPE = "application/xml"


def upp_filename(rpw: str) -> str:
    return f"{UPP_PREFIX}{rpw.replace('/', '-')}.xml"


def issue_upp(deps: Deps, tenant: str, rpw: str, *, actor_login: str = "system:upp") -> str:
    """Issue, seal and store the UPP of incoming item ``rpw``; returns the stored UPP's SHA-256.

    The UPP is kept as an attachment of the item's document (file ``UPP-<rpw>.xml``) and recorded
    in the item's metryka.  Idempotent: a second call returns the receipt already issued.
    Raises InvalidState for items that did not arrive electronically (no UPP for paper mail).
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    doc = item.document
    name = upp_filename(item.sign)
    for att in doc.attachments:
        if att.filename == name:
            return att.sha256
    if item.channel not in ELECTRONIC_CHANNELS:
        raise InvalidState(f"{rpw} arrived via {item.channel!r}; UPP is issued only for electronic delivery")
    original = doc.versions[0]
    content = deps.store.get(original.sha256)
    case = session.get(CaseFile, item.case_id) if item.case_id else None
    sender_type, _, sender_value = (item.sender_id or "").partition(":")
    box, regon = tenant_row.epuap_box, tenant_row.regon
    unsigned = upo.build_upp(
        certificate_id=f"UPP/{tenant}/{item.sign}",
        addressee=upo.UppParty(
            name=tenant_row.name,
            identifier=box or regon,
            identifier_type="adres skrytki" if box else ("REGON" if regon else None),
        ),
        sender=upo.UppParty(
            name=item.sender,
            identifier=sender_value or None,
            identifier_type=sender_type or None,
            address=item.sender_address,
        ),
        delivered_at=item.registered_at,
        created_at=utcnow(),
        document_id=item.sign,
        document=content,
        filename=original.filename,
        case_id=case.sign if case else None,
        extra={"IdentyfikatorDokumentuEZD": doc.uid, "SHA-256": original.sha256},
    )
    signer = deps.office_signer(tenant)
    signed = signer.sign_enveloped(unsigned)
    stored = deps.store.put(signed, UPP_MEDIA_TYPE)
    session.add(
        Attachment(
            document_id=doc.id,
            sha256=stored.sha256,
            size=stored.size,
            media_type=UPP_MEDIA_TYPE,
            filename=name,
        )
    )
    session.flush()
    session.expire(doc, ["attachments"])
    audit.on_item(
        session,
        item,
        tenant=tenant,
        actor=actor_login,
        action="upp",
        document_ref=doc.uid,
        details={"upp_sha256": stored.sha256, "item_sha256": original.sha256, "signer": signer.subject},
    )
    return stored.sha256


def note_upp_held(session: Session, *, tenant: str, rpw: str, message: str) -> None:
    """The item's metryka says why its UPP was not issued yet (no or expired office e-seal)."""
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    audit.on_item(
        session,
        item,
        tenant=tenant,
        actor="system:upp",
        action="upp_wstrzymane",
        document_ref=item.document.uid,
        details={"powod": message},
    )


__all__ = ["ELECTRONIC_CHANNELS", "issue_upp", "note_upp_held", "upp_filename"]
