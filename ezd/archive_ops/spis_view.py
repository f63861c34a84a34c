"""Spis zdawczo-odbiorczy as the archivist's pages and the API see it: preview, lists, downloads.

Making a list is :func:`ezd.archive_ops.spis.create_transfer_list` (XML valid against the NDAP
schema and a printable HTML, both stored).  The preview shows, per unit, what the next list
would hold; a made list is handed out as its stored XML or as PDF (WeasyPrint, from the stored
HTML).  Every read is checked against the archivist role of the office and logged.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.archive_ops.spis import create_transfer_list
from ezd.db.tables import Unit, User
from ezd.db.tables_archive import ArchiveEntry, TransferList
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.storage.port import ObjectStore


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SpisEntry(_Frozen):
    case_sign: str
    title: str
    jrwa: str  # symbol and heading (hasło klasyfikacyjne)
    category: str
    date_from: date
    date_to: date
    documents: int


class PendingUnit(_Frozen):
    """The archived cases of one unit that no list holds yet: the next list's preview."""

    unit: str  # code, for the form
    unit_name: str
    entries: list[SpisEntry]


class TransferListView(_Frozen):
    number: str  # N/RRRR
    year: int
    seq: int
    unit: str
    unit_name: str
    created_at: datetime  # UTC
    created_by: str  # full name
    entries: list[SpisEntry]


class SpisDownload(_Frozen):
    content: bytes
    media_type: str
    filename: str


def _entry(e: ArchiveEntry) -> SpisEntry:
    return SpisEntry(
        case_sign=e.case_sign,
        title=e.title,
        jrwa=f"{e.jrwa_symbol} {e.jrwa_title}".strip(),
        category=e.category,
        date_from=e.opened_on or e.closed_on,
        date_to=e.closed_on,
        documents=e.documents,
    )


def _unit_names(session: Session, tenant_id: int) -> dict[str, str]:
    rows = session.execute(select(Unit.code, Unit.name).where(Unit.tenant_id == tenant_id)).all()
    return {code: name for code, name in rows}


# the order of create_transfer_list: by JRWA class, year, sign
_ORDER = (ArchiveEntry.jrwa_symbol, ArchiveEntry.year, ArchiveEntry.case_sign)


def pending(session: Session, actor: Actor, *, tenant: str) -> list[PendingUnit]:
    """Per unit, the cases a list made now would hold (the same choice as create_transfer_list)."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    names = _unit_names(session, t.id)
    rows = session.execute(
        select(ArchiveEntry)
        .where(
            ArchiveEntry.tenant_id == t.id,
            ArchiveEntry.transfer_list_id.is_(None),
            ArchiveEntry.source == "transfer",
        )
        .order_by(ArchiveEntry.unit_code, *_ORDER)
    ).scalars()
    by_unit: dict[str, list[SpisEntry]] = {}
    for e in rows:
        by_unit.setdefault(e.unit_code, []).append(_entry(e))
    audit.log_read(session, actor=actor.login, tenant_id=t.id, object_type="spis_preview", object_ref=tenant)
    return [PendingUnit(unit=u, unit_name=names.get(u, u), entries=es) for u, es in by_unit.items()]


def _view(session: Session, tl: TransferList, names: dict[str, str]) -> TransferListView:
    entries = session.execute(
        select(ArchiveEntry).where(ArchiveEntry.transfer_list_id == tl.id).order_by(*_ORDER)
    ).scalars()
    person = session.execute(select(User.full_name).where(User.login == tl.created_by)).scalar_one_or_none()
    return TransferListView(
        number=f"{tl.number}/{tl.year}",
        year=tl.year,
        seq=tl.number,
        unit=tl.unit_code,
        unit_name=names.get(tl.unit_code, tl.unit_code),
        created_at=tl.created_at,
        created_by=person or tl.created_by,
        entries=[_entry(e) for e in entries],
    )


def lists(session: Session, actor: Actor, *, tenant: str) -> list[TransferListView]:
    """The office's transfer lists, newest first."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    names = _unit_names(session, t.id)
    rows = session.execute(
        select(TransferList)
        .where(TransferList.tenant_id == t.id)
        .order_by(TransferList.year.desc(), TransferList.number.desc())
    ).scalars()
    out = [_view(session, tl, names) for tl in rows]
    audit.log_read(
        session, actor=actor.login, tenant_id=t.id, object_type="transfer_lists", object_ref=tenant
    )
    return out


def _list(session: Session, tenant_id: int, year: int, seq: int) -> TransferList:
    tl = session.execute(
        select(TransferList).where(
            TransferList.tenant_id == tenant_id, TransferList.year == year, TransferList.number == seq
        )
    ).scalar_one_or_none()
    if tl is None:
        raise NotFound(f"no transfer list {seq}/{year}")
    return tl


def show(session: Session, actor: Actor, *, tenant: str, year: int, seq: int) -> TransferListView:
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    tl = _list(session, t.id, year, seq)
    audit.log_read(
        session, actor=actor.login, tenant_id=t.id, object_type="transfer_list", object_ref=f"{seq}/{year}"
    )
    return _view(session, tl, _unit_names(session, t.id))


def make(session: Session, store: ObjectStore, actor: Actor, *, tenant: str, unit: str) -> TransferListView:
    """A new list of every archived case of ``unit`` not on a list yet (the metryka records it)."""
    t = tenant_by_code(session, tenant)
    names = _unit_names(session, t.id)
    if unit not in names:
        raise InvalidInput(f"no unit {unit} in this office")
    tl = create_transfer_list(session, store, actor, tenant=tenant, unit=unit)
    return _view(session, tl, names)


def download(
    session: Session, store: ObjectStore, actor: Actor, *, tenant: str, year: int, seq: int, kind: str
) -> SpisDownload:
    """The list as its stored XML (``xml``) or as PDF (``pdf``)."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    tl = _list(session, t.id, year, seq)
    stem = f"spis-{seq}-{year}"
    if kind == "xml":
        out = SpisDownload(
            content=store.get(tl.xml_sha256), media_type="application/xml", filename=f"{stem}.xml"
        )
    elif kind == "pdf":
        from weasyprint import HTML  # imported on use: pango is loaded only for a printout

        pdf: bytes = HTML(string=store.get(tl.html_sha256).decode("utf-8")).write_pdf()
        out = SpisDownload(content=pdf, media_type="application/pdf", filename=f"{stem}.pdf")
    else:
        raise NotFound(f"transfer list {seq}/{year} has no {kind} form")
    audit.log_read(
        session,
        actor=actor.login,
        tenant_id=t.id,
        object_type=f"transfer_list_{kind}",
        object_ref=f"{seq}/{year}",
    )
    return out
