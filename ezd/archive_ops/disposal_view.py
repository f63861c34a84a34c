"""Brakowanie as the archivist's pages and the API see it: typed read models and the documents.

The steps themselves are :mod:`ezd.archive_ops.disposal`; this module lists the requests, shows
one, checks the uploaded decision of the state archive and hands out the request, the decision
and the destruction protocol (PDF).  Every read is checked against the archivist role of the
office and logged.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.archive_ops import disposal
from ezd.archive_ops.disposal import request_by_number
from ezd.db.tables import User
from ezd.db.tables_archive import ArchiveEntry, DisposalRequest
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.jrwa import ArchivalCategory
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.storage.port import ObjectStore

# a scan of a few pages; a decision larger than this is not a decision but a mistake
MAX_DECISION_BYTES = 20 * 1024 * 1024
# the state archive's decision comes as a PDF or a scan; the type is read from the bytes
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DisposalItemView(_Frozen):
    case_sign: str
    title: str
    category: str
    expert_review: bool  # BE: the state archive's expert decides
    date_from: date | None
    date_to: date | None
    destroyed: bool


class DisposalRequestView(_Frozen):
    number: str  # N/RRRR, as on the letter
    year: int
    seq: int
    status: str  # requested | consented | executed
    created_at: datetime  # UTC
    created_by: str  # the archivist's full name
    consent_ref: str | None
    consent_date: date | None
    executed_at: datetime | None
    items: list[DisposalItemView]


class DisposalExecuted(_Frozen):
    request: str
    destroyed: list[str]
    objects_deleted: int
    objects_kept_shared: int


class DisposalDocument(_Frozen):
    content: bytes
    media_type: str
    filename: str


def file_request(
    session: Session, store: ObjectStore, actor: Actor, *, tenant: str, as_of: date | None = None
) -> DisposalRequestView:
    """Step 1: the request to the state archive, listing every record due on ``as_of`` (today)."""
    req = disposal.request_disposal(
        session, store, actor, tenant=tenant, as_of=as_of or disposal.office_today()
    )
    return _view(req, _names(session, {req.created_by}))


def consent(
    session: Session,
    store: ObjectStore,
    actor: Actor,
    *,
    tenant: str,
    number: str,
    document: bytes,
    reference: str,
    consent_date: date,
    excluded: list[str],
) -> DisposalRequestView:
    """Step 2: the state archive's decision (a PDF or a scan), its reference and date."""
    media_type = decision_type(document)
    req = disposal.record_consent(
        session,
        store,
        actor,
        tenant=tenant,
        request=number,
        document=document,
        media_type=media_type,
        consent_date=consent_date,
        reference=reference,
        excluded=excluded,
    )
    return _view(req, _names(session, {req.created_by}))


def execute(
    session: Session, store: ObjectStore, actor: Actor, *, tenant: str, number: str
) -> DisposalExecuted:
    """Step 3: destruction and its protocol, dated today in the office."""
    outcome = disposal.execute_disposal(
        session, store, actor, tenant=tenant, request=number, today=disposal.office_today()
    )
    return DisposalExecuted(
        request=outcome.request,
        destroyed=outcome.destroyed,
        objects_deleted=outcome.objects_deleted,
        objects_kept_shared=outcome.objects_kept_shared,
    )


def decision_type(document: bytes) -> str:
    """The media type of an uploaded decision, from its first bytes; anything else is refused."""
    if not document:
        raise InvalidInput("the consent document is empty")
    if len(document) > MAX_DECISION_BYTES:
        raise InvalidInput(f"the file is {len(document)} bytes; the limit is {MAX_DECISION_BYTES} bytes")
    for magic, media_type in _SIGNATURES:
        if document.startswith(magic):
            return media_type
    raise InvalidInput("the consent document must be a PDF or a scan (JPEG, PNG, TIFF)")


def _names(session: Session, logins: set[str]) -> dict[str, str]:
    rows = session.execute(select(User.login, User.full_name).where(User.login.in_(logins))).all()
    return {login: name for login, name in rows}


def _view(req: DisposalRequest, names: dict[str, str]) -> DisposalRequestView:
    entries: list[ArchiveEntry] = [i.entry for i in req.items]
    return DisposalRequestView(
        number=f"{req.number}/{req.year}",
        year=req.year,
        seq=req.number,
        status=req.status,
        created_at=req.created_at,
        created_by=names.get(req.created_by, req.created_by),
        consent_ref=req.consent_ref,
        consent_date=req.consent_date,
        executed_at=req.executed_at,
        items=[_item(e) for e in entries],
    )


def _item(e: ArchiveEntry) -> DisposalItemView:
    return DisposalItemView(
        case_sign=e.case_sign,
        title=e.title,
        category=e.category,
        expert_review=ArchivalCategory.parse(e.category).kind == "BE",
        date_from=e.opened_on,
        date_to=e.closed_on,
        destroyed=e.status == "destroyed",
    )


def list_requests(session: Session, actor: Actor, *, tenant: str) -> list[DisposalRequestView]:
    """The office's disposal requests, newest first."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    reqs = list(
        session.execute(
            select(DisposalRequest)
            .where(DisposalRequest.tenant_id == t.id)
            .order_by(DisposalRequest.year.desc(), DisposalRequest.number.desc())
        ).scalars()
    )
    names = _names(session, {r.created_by for r in reqs})
    audit.log_read(
        session, actor=actor.login, tenant_id=t.id, object_type="disposal_requests", object_ref=tenant
    )
    return [_view(r, names) for r in reqs]


def show_request(session: Session, actor: Actor, *, tenant: str, number: str) -> DisposalRequestView:
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    req = request_by_number(session, t.id, number)
    audit.log_read(
        session, actor=actor.login, tenant_id=t.id, object_type="disposal_request", object_ref=number
    )
    return _view(req, _names(session, {req.created_by}))


def document(
    session: Session, store: ObjectStore, actor: Actor, *, tenant: str, number: str, which: str
) -> DisposalDocument:
    """One document of a request: ``wniosek`` (HTML), ``zgoda`` (as uploaded), ``protokol`` (PDF)."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    req = request_by_number(session, t.id, number)
    stem = f"{which}-{req.number}-{req.year}"
    if which == "wniosek":
        out = DisposalDocument(
            content=store.get(req.request_sha256), media_type="text/html", filename=f"{stem}.html"
        )
    elif which == "zgoda" and req.consent_sha256:
        data = store.get(req.consent_sha256)
        kind = decision_type(data)
        ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(kind, "tif")
        out = DisposalDocument(content=data, media_type=kind, filename=f"{stem}.{ext}")
    elif which == "protokol" and req.protocol_sha256:
        from weasyprint import HTML  # imported on use: pango is loaded only for a printout

        pdf: bytes = HTML(string=store.get(req.protocol_sha256).decode("utf-8")).write_pdf()
        out = DisposalDocument(content=pdf, media_type="application/pdf", filename=f"{stem}.pdf")
    else:
        raise NotFound(f"disposal request {number} has no document {which}")
    audit.log_read(
        session, actor=actor.login, tenant_id=t.id, object_type=f"disposal_{which}", object_ref=number
    )
    return out


def due_entries(session: Session, actor: Actor, *, tenant: str) -> list[DisposalItemView]:
    """What a request filed today would list: past retention, not A, not held, not requested yet."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    entries = disposal.due_for_disposal(session, disposal.office_today(), t.id)
    audit.log_read(session, actor=actor.login, tenant_id=t.id, object_type="disposal_due", object_ref=tenant)
    return [_item(e) for e in entries]
