"""Helpers of the archive tests: put entries straight into the register."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ezd.archive_ops.searchtext import build_search_text
from ezd.bootstrap import App
from ezd.db.tables import Tenant
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject
from ezd.storage.port import ObjectStore


def tenant_id(app: App, code: str, name: str = "") -> int:
    with app.uow() as uow:
        t = uow.session.execute(select(Tenant).where(Tenant.code == code)).scalar_one_or_none()
        if t is None:
            t = Tenant(code=code, name=name or f"Urząd {code}", kind="gmina")
            uow.session.add(t)
            uow.session.flush()
        tid = t.id
        uow.commit()
    return tid


def add_entry(
    app: App,
    *,
    tenant: str,
    sign: str,
    title: str,
    category: str = "B5",
    unit: str = "OR",
    jrwa: str = "0001",
    year: int = 2015,
    sender: str | None = None,
    text: str = "",
    retention_until: date | None = None,
    store: ObjectStore | None = None,
) -> int:
    tid = tenant_id(app, tenant)
    with app.uow() as uow:
        entry = ArchiveEntry(
            tenant_id=tid,
            source="transfer",
            case_sign=sign,
            title=title,
            unit_code=unit,
            jrwa_symbol=jrwa,
            category=category,
            year=year,
            opened_on=date(year, 2, 1),
            closed_on=date(year, 11, 30),
            sender=sender,
            retention_until=retention_until,
            search_text=build_search_text(
                tenant=tenant,
                unit=unit,
                jrwa_symbol=jrwa,
                category=category,
                year=year,
                case_sign=sign,
                title=title,
                sender=sender,
                texts=[text],
            ),
        )
        if store is not None:
            obj = store.put(f"{sign}: {title}\n{text}".encode(), "text/plain")
            entry.objects = [
                ArchiveObject(
                    role="content",
                    sha256=obj.sha256,
                    size=obj.size,
                    media_type="text/plain",
                    filename="pismo.txt",
                    title=title,
                )
            ]
        uow.session.add(entry)
        uow.session.flush()
        eid = entry.id
        uow.commit()
    return eid
