"""A stored document as a person reads it: the ePUAP letter's parts, or how to show its file.

The pages show the letter at every step (the RPW item, the decree and assignment, the case and
its reply drafts).  An ePUAP XML letter is read into :class:`LetterText`; when it is signed and
the signature holds, from the signed data only (as the intake workers do, against wrapping).
PDFs and images are shown by the browser from :func:`version_content`.  Every view is written
to the access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree
from lxml import html as lxml_html
from sqlalchemy import select

from ezd import eml, epuap, xmlsafe
from ezd.db.tables import MetrykaEntry
from ezd.records.errors import EzdError, NotFound
from ezd.services import audit, queries
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.signatures.port import Verdict

# what a browser shows by itself, safely (no SVG: it can carry script)
INLINE_TYPES = {
    "application/pdf": "pdf",
    "image/png": "image",
    "image/jpeg": "image",
    "image/gif": "image",
    "image/webp": "image",
}


@dataclass(frozen=True)
class AttachmentView:
    index: int
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True)
class LinkedAttachment:
    filename: str
    uri: str


@dataclass(frozen=True)
class LetterText:
    document_name: str | None
    title: str
    sender: str
    sender_address: str | None
    addressees: tuple[str, ...]
    letter_date: date | None
    place: str | None
    sender_reference: str | None
    paragraphs: tuple[str, ...]
    linked: tuple[LinkedAttachment, ...]
    from_signed_data: bool


@dataclass(frozen=True)
class SignatureReport:
    verdict: str
    signers: tuple[str, ...]
    reasons: tuple[str, ...]
    at: str | None


@dataclass(frozen=True)
class DocumentView:
    tenant: str
    uid: str
    title: str
    direction: str  # incoming | outgoing | internal
    version: int
    filename: str
    media_type: str
    size: int
    show_as: str  # letter | pdf | image | xml | file
    signed: bool
    verdict: str | None
    report: SignatureReport | None
    letter: LetterText | None
    attachments: tuple[AttachmentView, ...]
    unreadable: bool  # XML that could not be read as a letter: only the download is offered


def _letter(deps: Deps, data: bytes, signed: bool) -> tuple[LetterText | None, bool]:
    try:
        root = xmlsafe.parse(data, max_bytes=deps.settings.max_upload_bytes)
    except (xmlsafe.XMLRejected, EzdError):
        return None, True
    from_signed = False
    if signed:
        result = deps.verifier.verify(data)
        if result.verdict is Verdict.TOTAL_PASSED and result.signed_root is not None:
            root, from_signed = result.signed_root, True
    if not epuap.is_epuap_form(root):
        return None, False
    try:
        letter = epuap.parse_letter(root)
    except EzdError:
        return None, True
    addressees = tuple(p.name for p in letter.addressees if p.name) or (
        (letter.addressee,) if letter.addressee else ()
    )
    return (
        LetterText(
            document_name=letter.document_name,
            title=letter.title,
            sender=letter.sender,
            sender_address=letter.sender_address,
            addressees=addressees,
            letter_date=letter.letter_date,
            place=letter.place,
            sender_reference=letter.sender_reference,
            paragraphs=tuple(p for p in letter.body.split("\n") if p.strip()),
            linked=tuple(LinkedAttachment(a.filename, a.uri) for a in letter.linked_attachments),
            from_signed_data=from_signed,
        ),
        False,
    )


def _html_text(markup: str) -> str:
    """The text a reader of an HTML-only message sees (scripts and styles are not text)."""
    if not markup.strip():
        return ""
    try:
        doc = lxml_html.fromstring(markup)
    except (ValueError, etree.ParserError):
        return ""
    for el in list(doc.iter("script", "style")):
        el.drop_tree()
    return str(doc.text_content())


def _email_letter(deps: Deps, data: bytes) -> tuple[LetterText | None, bool]:
    """An e-mail message read as a letter: its sender, subject, date and text (an HTML-only
    message is shown as its text, never as HTML)."""
    try:
        msg = eml.parse_message(data, max_bytes=deps.settings.max_upload_bytes)
    except EzdError:
        return None, True
    body = msg.body
    if msg.body_media_type == "text/html":
        body = _html_text(body)
    return (
        LetterText(
            document_name="Wiadomość e-mail",
            title=msg.title,
            sender=msg.sender,
            sender_address=msg.sender_address,
            addressees=msg.recipients,
            letter_date=msg.letter_date,
            place=None,
            sender_reference=None,
            paragraphs=tuple(p for p in body.split("\n") if p.strip()),
            linked=(),
            from_signed_data=False,
        ),
        False,
    )


def _report(deps: Deps, uid: str) -> SignatureReport | None:
    entry = deps.session.execute(
        select(MetrykaEntry)
        .where(MetrykaEntry.document_ref == uid, MetrykaEntry.action == "weryfikacja_podpisu")
        .order_by(MetrykaEntry.at.desc(), MetrykaEntry.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if entry is None:
        return None
    details = entry.details or {}
    signers, reasons = details.get("signers"), details.get("reasons")
    return SignatureReport(
        verdict=str(details.get("verdict", "")),
        signers=tuple(str(s) for s in signers if s) if isinstance(signers, list) else (),
        reasons=tuple(str(r) for r in reasons if r) if isinstance(reasons, list) else (),
        at=entry.at.isoformat() if entry.at else None,
    )


def document_view(
    deps: Deps, actor: Actor, *, tenant: str, uid: str, version: int | None = None
) -> DocumentView:
    """One version (default: the latest) of a document the actor may read; the read is logged."""
    doc, _ = queries.document_version(deps.session, actor, tenant=tenant, uid=uid, version=1)
    if not doc.versions:
        raise NotFound("document has no version 1")
    wanted = version or doc.versions[-1].version
    _, ver = queries.document_version(deps.session, actor, tenant=tenant, uid=uid, version=wanted)
    letter, unreadable = None, False
    show_as = INLINE_TYPES.get(ver.media_type, "file")
    if ver.media_type == "application/xml":
        letter, unreadable = _letter(deps, deps.store.get(ver.sha256), doc.signed)
        show_as = "letter" if letter is not None else "xml"
    elif ver.media_type == eml.MEDIA_TYPE:
        letter, unreadable = _email_letter(deps, deps.store.get(ver.sha256))
        show_as = "letter" if letter is not None else "file"
    audit.log_read(
        deps.session,
        actor=actor.login,
        tenant_id=doc.tenant_id,
        object_type="document",
        object_ref=f"{doc.uid}/v{ver.version}",
    )
    return DocumentView(
        tenant=tenant,
        uid=doc.uid,
        title=doc.title,
        direction=doc.direction,
        version=ver.version,
        filename=ver.filename,
        media_type=ver.media_type,
        size=ver.size,
        show_as=show_as,
        signed=doc.signed,
        verdict=doc.signature_verdict,
        report=_report(deps, doc.uid) if doc.signed or doc.signature_verdict else None,
        letter=letter,
        attachments=tuple(
            AttachmentView(i, a.filename, a.media_type, a.size)
            for i, a in enumerate(sorted(doc.attachments, key=lambda a: a.id), 1)
        ),
        unreadable=unreadable,
    )


def version_content(
    deps: Deps, actor: Actor, *, tenant: str, uid: str, version: int
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of a version for showing inline; the read is logged."""
    doc, ver = queries.document_version(deps.session, actor, tenant=tenant, uid=uid, version=version)
    audit.log_read(
        deps.session,
        actor=actor.login,
        tenant_id=doc.tenant_id,
        object_type="document",
        object_ref=f"{doc.uid}/v{ver.version}",
    )
    return ver.filename, ver.media_type, deps.store.get(ver.sha256)


def attachment_content(
    deps: Deps, actor: Actor, *, tenant: str, uid: str, index: int
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of the ``index``-th attachment (from 1); the read is logged."""
    doc, _ = queries.document_version(deps.session, actor, tenant=tenant, uid=uid, version=1)
    if not 1 <= index <= len(doc.attachments):
        raise NotFound("no such document in this office")
    att = sorted(doc.attachments, key=lambda a: a.id)[index - 1]
    audit.log_read(
        deps.session,
        actor=actor.login,
        tenant_id=doc.tenant_id,
        object_type="attachment",
        object_ref=f"{doc.uid}/{index}",
    )
    return att.filename, att.media_type, deps.store.get(att.sha256)
