"""Spis zdawczo-odbiorczy: XML valid against the official NDAP schema, printable HTML, register links."""

from __future__ import annotations

from sqlalchemy import select

from ezd import xsd
from ezd.archive_ops.spis import create_transfer_list
from ezd.bootstrap import App
from ezd.db.tables_archive import ArchiveEntry
from ezd.services.actor import system_actor
from tests.archive.helpers import add_entry
from tests.conftest import REFERENCE


def test_spis_validates_against_the_reference_schema(app: App) -> None:
    add_entry(
        app, tenant="sp-swidnik", sign="OR.0012.1.2023", title="Kontrola zarządcza & <audyt>", unit="OR"
    )
    add_entry(app, tenant="sp-swidnik", sign="OR.0012.2.2023", title="Plan kontroli", unit="OR")
    add_entry(app, tenant="sp-swidnik", sign="GK.6740.1.2023", title="Pozwolenie", unit="GK")
    with app.uow() as uow:
        tl = create_transfer_list(uow.session, app.store, system_actor(), tenant="sp-swidnik", unit="OR")
        xml_d, html_d = tl.xml_sha256, tl.html_sha256
        linked = (
            uow.session.execute(select(ArchiveEntry.case_sign).where(ArchiveEntry.transfer_list_id == tl.id))
            .scalars()
            .all()
        )
        uow.commit()
    data = app.store.get(xml_d)
    assert xsd.validate(data, "SpisZdawczo-odbiorczy.xsd") == []
    # and against the untouched file in shared/reference, not only our vendored copy
    from lxml import etree

    ref = etree.XMLSchema(
        etree.parse(
            str(REFERENCE / "ndap/elektronizacja-prawa/nes/v2.0/pi/Validator/SpisZdawczo-odbiorczy.xsd")
        )
    )
    assert ref.validate(etree.fromstring(data)), ref.error_log
    assert sorted(linked) == ["OR.0012.1.2023", "OR.0012.2.2023"]
    html = app.store.get(html_d).decode()
    assert "Kontrola zarządcza &amp; &lt;audyt&gt;" in html and "<script" not in html
