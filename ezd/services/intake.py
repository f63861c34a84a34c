"""Kancelaria: registering incoming items (RPW), dekretacja, assigning a referent."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select

from ezd import eml, epuap, xmlsafe
from ezd.clock import office_date, office_today, polish_date
from ezd.db.base import utcnow
from ezd.db.counters import next_value
from ezd.db.tables import Document, DocumentVersion, IncomingItem, User
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.intake import Channel, IncomingMetadata
from ezd.records.registers import Register, RegisterNumber
from ezd.records.tenancy import Role
from ezd.services import audit, duplicates, notifications
from ezd.services.actor import Actor, unit_by_code
from ezd.services.deps import Deps
from ezd.services.lookup import (
    business_key,
    item_by_sign,
    tenant_by_code,
    tenant_group,
    unit_code,
    unit_group,
)
from ezd.services.tasks import complete_task, open_task

INCOMING_PROCESS = "ezd_incoming"


@dataclass(frozen=True)
class Registered:
    sign: str
    document_uid: str
    sha256: str
    business_key: str


def _looks_like_xml(data: bytes, media_type: str, filename: str) -> bool:
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" in media_type or filename.lower().endswith(".xml") or head.startswith(b"<")


def metadata_from_epuap(letter: epuap.EpuapLetter, channel: Channel, received: date) -> IncomingMetadata:
    return IncomingMetadata(
        sender=letter.sender,
        sender_address=letter.sender_address,
        sender_id=letter.sender_id,
        title=letter.title,
        letter_date=letter.letter_date if letter.letter_date and letter.letter_date <= received else None,
        received_date=received,
        channel=channel,
        kind="pismo",
        attachments=len(letter.attachments),
        format="application/xml",
        sender_reference=letter.sender_reference,
    )


def metadata_from_email(letter: eml.EmailLetter, received: date) -> IncomingMetadata:
    return IncomingMetadata(
        sender=letter.sender,
        sender_address=letter.sender_address,
        sender_id=letter.sender_address,
        title=letter.title,
        letter_date=letter.letter_date if letter.letter_date and letter.letter_date <= received else None,
        received_date=received,
        channel=Channel.EMAIL,
        kind="pismo",
        attachments=len(letter.attachments),
        format=eml.MEDIA_TYPE,
    )


def register_incoming(
    deps: Deps,
    actor: Actor,
    *,
    tenant: str,
    data: bytes,
    filename: str,
    media_type: str = "application/octet-stream",
    metadata: IncomingMetadata | None = None,
    channel: Channel = Channel.EPUAP,
    received: date | None = None,
    duplicate_reason: str | None = None,
) -> Registered:
    """Register one incoming item: RPW number, the original bytes as the record, metryka, process.

    Hostile or malformed input is rejected before anything is stored or numbered. ``received``
    is the day a paper letter came in (the envelope stamp), entered by the clerk; an item that
    looks like one registered in the last 30 days is refused with ``DuplicateSuspected`` unless
    ``duplicate_reason`` says why it is registered again.
    """
    session = deps.session
    limit = deps.settings.max_upload_bytes
    if len(data) > limit:
        raise InvalidInput(f"the file is {len(data)} bytes; the limit is {limit} bytes")
    if not data:
        raise InvalidInput("the file is empty")
    tenant_row = tenant_by_code(session, tenant)
    on_behalf = actor.require(tenant, Role.KANCELARIA)
    signed = False
    received = _received_day(received, channel, metadata)
    if _looks_like_xml(data, media_type, filename):
        try:
            root = xmlsafe.parse(data, max_bytes=limit)
        except xmlsafe.XMLRejected as exc:
            raise InvalidInput(str(exc)) from None
        media_type = "application/xml"
        signed = epuap.has_signature(root)
        if metadata is None:
            if not epuap.is_epuap_form(root):
                raise InvalidInput("XML that is not an ePUAP form needs the metadata form filled in")
            metadata = metadata_from_epuap(
                epuap.parse_letter(root, max_attachment_bytes=limit), channel, received
            )
    elif eml.looks_like_email(data, media_type, filename):
        # the .eml is the record; its body and attachments are extracted by the store-content step
        letter = eml.parse_message(data, max_bytes=limit)
        media_type = eml.MEDIA_TYPE
        signed = letter.smime_signed
        if metadata is None:
            metadata = metadata_from_email(letter, received)
    if metadata is None:
        raise InvalidInput("a non-XML item needs its metadata (sender, title, dates)")
    if metadata.received_date != received:
        metadata = replace(metadata, received_date=received)

    now = utcnow()
    earlier = duplicates.find_earlier(
        session,
        tenant_id=tenant_row.id,
        sha256=hashlib.sha256(data).hexdigest(),
        sender=metadata.sender,
        sender_reference=metadata.sender_reference,
        now=now,
    )
    reason = " ".join((duplicate_reason or "").split())[:500] or None
    if earlier is not None and reason is None:
        raise duplicates.DuplicateSuspected(earlier)
    stored = deps.store.put(data, media_type)
    # the register is kept per year of registration: a letter stamped 31.12 and registered on
    # 2.01 is the new year's item
    year = office_date(now).year
    number = next_value(session, tenant_id=tenant_row.id, kind=Register.RPW.value, scope="", year=year)
    sign = str(RegisterNumber(Register.RPW, year, number))
    doc = Document(
        uid=str(uuid.uuid4()),
        tenant_id=tenant_row.id,
        direction="incoming",
        kind=metadata.kind,
        title=metadata.title,
        status="registered",
        created_by=actor.login,
        signed=signed,
    )
    session.add(doc)
    session.flush()
    session.add(
        DocumentVersion(
            document_id=doc.id,
            version=1,
            sha256=stored.sha256,
            size=stored.size,
            media_type=media_type,
            filename=filename[:255],
            created_by=actor.login,
        )
    )
    item = IncomingItem(
        tenant_id=tenant_row.id,
        year=year,
        number=number,
        sign=sign,
        registered_at=now,
        registered_by=actor.login,
        sender=metadata.sender,
        sender_address=metadata.sender_address,
        sender_id=metadata.sender_id,
        letter_date=metadata.letter_date,
        received_date=metadata.received_date,
        channel=metadata.channel.value,
        kind=metadata.kind,
        title=metadata.title,
        access=metadata.access.value,
        attachments=metadata.attachments,
        format=metadata.format,
        sender_reference=metadata.sender_reference,
        document_id=doc.id,
        duplicate_of=earlier.sign if earlier is not None and reason else None,
        duplicate_reason=reason if earlier is not None else None,
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        chain_key=audit.item_chain(tenant, sign),
        tenant_id=tenant_row.id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="rejestracja",
        document_ref=doc.uid,
        details={
            "rpw": sign,
            "sha256": stored.sha256,
            "channel": metadata.channel.value,
            "signed": signed,
            "received": metadata.received_date.isoformat(),
            **({"duplicate_of": earlier.sign, "duplicate_reason": reason} if earlier and reason else {}),
        },
    )
    key = business_key(tenant, sign)
    deps.engine.start(
        INCOMING_PROCESS,
        key,
        {
            "tenant": tenant,
            "rpw": sign,
            "document_uid": doc.uid,
            "signed": signed,
            "kancelaria_group": tenant_group(tenant, Role.KANCELARIA.value),
            # read by the gateway after Task_AssignReferent (ezd.services.redecree sets the others)
            "assign_action": "assign",
        },
    )
    return Registered(sign, doc.uid, stored.sha256, key)


PAPER_CHANNELS = frozenset({Channel.POST, Channel.IN_PERSON, Channel.COURIER})


def _received_day(entered: date | None, channel: Channel, metadata: IncomingMetadata | None) -> date:
    """Today in Warsaw, or the day the clerk entered for a paper letter (never in the future)."""
    today = office_today()
    day = entered if entered is not None else (metadata.received_date if metadata else today)
    if day > today:
        raise InvalidInput(
            f"data wpływu {polish_date(day)} jest późniejsza niż dzisiejsza ({polish_date(today)})"
        )
    if entered is not None and entered != today and channel not in PAPER_CHANNELS:
        raise InvalidInput(
            "datę wpływu wpisuje się tylko dla przesyłek papierowych (poczta, osobiście, kurier); "
            "przesyłka elektroniczna wpływa w chwili odbioru przez system"
        )
    return day


def decree(deps: Deps, actor: Actor, *, tenant: str, rpw: str, unit: str) -> None:
    """Dekretacja: assign the item to an organisational unit."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    on_behalf = actor.require(tenant, Role.KANCELARIA)
    item = item_by_sign(session, tenant_row.id, rpw)
    unit_row = unit_by_code(session, tenant_row.id, unit)
    task = open_task(deps.engine, business_key(tenant, rpw), "Task_Decree")
    item.unit_id = unit_row.id
    item.status = "decreed"
    audit.record(
        session,
        chain_key=audit.item_chain(tenant, rpw),
        tenant_id=tenant_row.id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="dekretacja",
        document_ref=item.document.uid,
        details={"unit": unit},
    )
    complete_task(
        deps.engine,
        task,
        actor,
        {"unit": unit, "head_group": unit_group(tenant, unit, Role.KIEROWNIK.value)},
    )


def assign_referent(deps: Deps, actor: Actor, *, tenant: str, rpw: str, referent: str) -> None:
    """The unit head assigns a referent to a decreed item."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    if item.unit_id is None:
        raise InvalidInput(f"{rpw} has not been decreed to a unit yet")
    unit = unit_code(session, item.unit_id)
    on_behalf = actor.require(tenant, Role.KIEROWNIK, unit)
    user = session.execute(select(User).where(User.login == referent)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {referent!r}")
    task = open_task(deps.engine, business_key(tenant, rpw), "Task_AssignReferent")
    item.referent_id = user.id
    item.status = "assigned"
    audit.record(
        session,
        chain_key=audit.item_chain(tenant, rpw),
        tenant_id=tenant_row.id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="przydzial",
        document_ref=item.document.uid,
        details={"referent": referent},
    )
    notifications.notify(
        session,
        tenant_id=tenant_row.id,
        user_id=user.id,
        kind="task",
        ref=rpw,
        text=f"Przydzielono Ci przesyłkę {rpw} „{item.title}”: załóż sprawę albo dołącz ją do sprawy",
        dedup=f"task:{tenant}:{rpw}:assign:{user.id}",
    )
    complete_task(deps.engine, task, actor, {"referent": referent, "assign_action": "assign"})
