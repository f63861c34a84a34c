"""Spis zdawczo-odbiorczy: the list of cases a unit hands over to the archiwum zakładowe.

Produced as XML valid against the NDAP ``SpisZdawczo-odbiorczy.xsd`` (vendored in
``ezd/data/xsd/``) and as printable HTML; both are stored (content-addressed) and recorded in
``transfer_list``; the listed entries point at their list.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd import xsd
from ezd.archive_ops.printable import render
from ezd.db.base import utcnow
from ezd.db.counters import next_value
from ezd.db.tables import Unit
from ezd.db.tables_archive import ArchiveEntry, TransferList
from ezd.records.errors import EzdError, InvalidState
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code
from ezd.storage.port import ObjectStore

NDAP_NS = "http://www.mswia.gov.pl/standardy/ndap"
SCHEMA = "SpisZdawczo-odbiorczy.xsd"


class SpisError(EzdError, ValueError):
    pass


def spis_xml(entries: Sequence[ArchiveEntry]) -> bytes:
    """The XML list; raises :class:`SpisError` if it does not validate against the official XSD."""
    if not entries:
        raise SpisError("a transfer list needs at least one case")
    root = etree.Element(f"{{{NDAP_NS}}}SpisZdawczoOdbiorczy", nsmap={"ndap": NDAP_NS})
    for n, e in enumerate(entries, 1):
        sprawa = etree.SubElement(root, f"{{{NDAP_NS}}}Sprawa")
        for name, value in (
            ("LiczbaPorzadkowa", str(n)),
            ("ZnakSprawy", e.case_sign),
            ("HasloKlasyfikacyjne", f"{e.jrwa_symbol} {e.jrwa_title}".strip()),
            ("TytulSprawy", e.title),
            ("DataWszczecia", (e.opened_on or e.closed_on).isoformat()),
            ("DataZakonczenia", e.closed_on.isoformat()),
            ("LiczbaDokumentow", str(e.documents)),
        ):
            etree.SubElement(sprawa, f"{{{NDAP_NS}}}{name}").text = value
        etree.SubElement(sprawa, f"{{{NDAP_NS}}}Uwagi").text = f"kategoria archiwalna {e.category}"
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = xsd.validate(data, SCHEMA)
    if errors:
        raise SpisError(f"transfer list does not match {SCHEMA}: {errors[0]}")
    return data


def spis_html(entries: Sequence[ArchiveEntry], *, office: str, unit: str, number: str) -> bytes:
    rows = [
        (
            n,
            e.case_sign,
            f"{e.jrwa_symbol} {e.jrwa_title}".strip(),
            e.title,
            f"{(e.opened_on or e.closed_on):%d.%m.%Y} – {e.closed_on:%d.%m.%Y}",
            e.category,
            e.documents,
        )
        for n, e in enumerate(entries, 1)
    ]
    return render(
        f"Spis zdawczo-odbiorczy nr {number}",
        [("Jednostka", office), ("Komórka przekazująca", unit), ("Liczba pozycji", str(len(rows)))],
        ["Lp.", "Znak sprawy", "Hasło klasyfikacyjne", "Tytuł sprawy", "Daty skrajne", "Kat.", "Liczba dok."],
        rows,
        signatures=["przekazujący", "przyjmujący (archiwista)"],
    )


def create_transfer_list(
    session: Session, store: ObjectStore, actor: Actor, *, tenant: str, unit: str
) -> TransferList:
    """List every entry of ``unit`` not yet on a transfer list, store XML + HTML, link the entries."""
    actor.require(tenant, Role.ARCHIWISTA)
    t = tenant_by_code(session, tenant)
    entries = list(
        session.execute(
            select(ArchiveEntry)
            .where(
                ArchiveEntry.tenant_id == t.id,
                ArchiveEntry.unit_code == unit,
                ArchiveEntry.transfer_list_id.is_(None),
                ArchiveEntry.source == "transfer",
            )
            .order_by(ArchiveEntry.jrwa_symbol, ArchiveEntry.year, ArchiveEntry.case_sign)
        ).scalars()
    )
    if not entries:
        raise InvalidState(f"no archived cases of unit {unit} await a transfer list")
    year = utcnow().year
    # gapless like every register number: a refusal below (an XSD error) rolls it back
    number = next_value(session, tenant_id=t.id, kind="SPIS", scope="", year=year)
    label = f"{number}/{year}"
    xml_obj = store.put(spis_xml(entries), "application/xml")
    unit_row = session.execute(
        select(Unit).where(Unit.tenant_id == t.id, Unit.code == unit)
    ).scalar_one_or_none()
    unit_name = unit_row.name if unit_row else unit
    html_obj = store.put(spis_html(entries, office=t.name, unit=unit_name, number=label), "text/html")
    tl = TransferList(
        tenant_id=t.id,
        unit_code=unit,
        year=year,
        number=number,
        created_by=actor.login,
        xml_sha256=xml_obj.sha256,
        html_sha256=html_obj.sha256,
    )
    session.add(tl)
    session.flush()
    for e in entries:
        e.transfer_list_id = tl.id
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant),
        tenant_id=t.id,
        actor=actor.login,
        action="spis_zdawczo_odbiorczy",
        details={
            "number": label,
            "unit": unit,
            "cases": [e.case_sign for e in entries],
            "xml": xml_obj.sha256,
        },
    )
    return tl
