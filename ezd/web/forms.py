"""Uploads and the incoming-metadata form, shared by the API and the pages."""

from __future__ import annotations

from datetime import date

from fastapi import UploadFile

from ezd.db.base import utcnow
from ezd.records.errors import InvalidInput
from ezd.records.intake import Access, Channel, IncomingMetadata
from ezd.services import intake
from ezd.services.actor import Actor
from ezd.services.deps import Deps

XML_TYPES = ("application/xml", "text/xml")


async def read_upload(file: UploadFile, limit: int) -> tuple[bytes, str, str]:
    """The bytes (refusing more than ``limit`` without reading it all), a safe name, the media type."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"the file is larger than the upload limit of {limit} bytes")
    if not data:
        raise InvalidInput("the file is empty")
    name = (file.filename or "plik").replace("\\", "/").rsplit("/", 1)[-1][:255] or "plik"
    media_type = (file.content_type or "application/octet-stream").split(";")[0].strip().lower()
    if name.lower().endswith(".xml") or media_type in XML_TYPES:
        media_type = "application/xml"  # one name for XML: the e-seal and the validators key on it
    if name.lower().endswith(".pdf"):
        media_type = "application/pdf"
    return data, name, media_type


def incoming_metadata(
    *,
    sender: str,
    title: str,
    letter_date: date | None,
    channel: Channel,
    kind: str,
    sender_address: str,
    sender_reference: str,
    attachments: int,
    restricted: bool,
    media_type: str,
) -> IncomingMetadata | None:
    """The form's metadata, or None when left empty (an ePUAP letter carries its own)."""
    if not sender.strip() and not title.strip():
        return None
    return IncomingMetadata(
        sender=sender.strip(),
        title=title.strip(),
        letter_date=letter_date,
        received_date=utcnow().date(),
        channel=channel,
        kind=(kind or "pismo").strip()[:40],
        access=Access.RESTRICTED if restricted else Access.PUBLIC,
        attachments=attachments,
        format=media_type[:100],
        sender_reference=sender_reference.strip() or None,
        sender_address=sender_address.strip() or None,
    )


async def register_upload(
    deps: Deps,
    actor: Actor,
    *,
    tenant: str,
    file: UploadFile,
    channel: Channel,
    sender: str,
    title: str,
    letter_date: date | None,
    kind: str,
    sender_address: str,
    sender_reference: str,
    attachments: int,
    restricted: bool,
    received_date: date | None = None,
    duplicate_reason: str = "",
) -> intake.Registered:
    """Read an uploaded item and its form, and register it: the one path for the API and the pages."""
    data, filename, media_type = await read_upload(file, deps.settings.max_upload_bytes)
    metadata = incoming_metadata(
        sender=sender,
        title=title,
        letter_date=letter_date,
        channel=channel,
        kind=kind,
        sender_address=sender_address,
        sender_reference=sender_reference,
        attachments=attachments,
        restricted=restricted,
        media_type=media_type,
    )
    return intake.register_incoming(
        deps,
        actor,
        tenant=tenant,
        data=data,
        filename=filename,
        media_type=media_type,
        metadata=metadata,
        channel=channel,
        received=received_date,
        duplicate_reason=duplicate_reason or None,
    )
