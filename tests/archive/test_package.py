"""Paczka archiwalna: XML valid against the official schemas, and a BagIt bag that ``bagit`` validates."""

from __future__ import annotations

import hashlib
from pathlib import Path

import bagit
import pytest
from lxml import etree
from sqlalchemy import select

from ezd import xsd
from ezd.archive_ops.bagit_export import BagError, validate_bag, write_bag
from ezd.archive_ops.package import export_package
from ezd.bootstrap import App
from ezd.db.tables import MetrykaEntry
from ezd.records.errors import InvalidInput, InvalidState
from ezd.services.actor import system_actor
from tests.archive.helpers import add_entry
from tests.conftest import REFERENCE

PI = REFERENCE / "ndap/elektronizacja-prawa/nes/v2.0/pi"


def _reference_schema(path: Path) -> etree.XMLSchema:
    """The untouched file from shared/reference (these two have no imports)."""
    return etree.XMLSchema(etree.parse(str(path)))


def _populate(app: App) -> None:
    add_entry(
        app,
        tenant="sp-swidnik",
        sign="OR.0012.1.2015",
        title="Statut — zmiany & <uchwały>",
        category="A",
        text="uchwała rady",
        store=app.store,
    )
    add_entry(
        app,
        tenant="sp-swidnik",
        sign="OR.0012.2.2016",
        title="Protokoły sesji",
        category="A",
        jrwa="0012",
        store=app.store,
    )
    add_entry(
        app, tenant="sp-swidnik", sign="GK.6740.1.2015", title="Pozwolenie", category="B5", store=app.store
    )


def _export(app: App, out: Path, **kw: object) -> None:
    with app.uow() as uow:
        export_package(uow.session, app.store, system_actor(), tenant="sp-swidnik", out=out, **kw)  # type: ignore[arg-type]
        uow.commit()


def test_package_is_a_valid_bag_with_valid_metadata(app: App, tmp_path: Path) -> None:
    _populate(app)
    out = tmp_path / "paczka"
    _export(app, out, request_sign="OR.0641.3.2026")
    assert validate_bag(out) == []
    bag = bagit.Bag(str(out))
    assert bag.is_valid() and set(bag.algorithms) == {"sha256", "sha512"}
    assert (out / "tagmanifest-sha256.txt").is_file() and (out / "tagmanifest-sha512.txt").is_file()
    data = out / "data"
    assert sorted(p.name for p in (data / "sprawy").iterdir()) == ["OR.0012.1.2015.xml", "OR.0012.2.2016.xml"]
    docs = sorted(p.name for p in (data / "dokumenty").iterdir())
    assert sorted(p.name for p in (data / "metadane").iterdir()) == [f"{d}.xml" for d in docs]
    assert len(docs) == 2  # the B5 case stays out: only category A goes to the state archive
    paczka = _reference_schema(PI / "schemat_paczka_archiwalna.xsd")
    for xml in [*(data / "sprawy").iterdir(), *(data / "metadane").iterdir()]:
        raw = xml.read_bytes()
        assert xsd.validate(raw, "Metadane-1.7.xsd") == [], xml.name
        assert paczka.validate(etree.fromstring(raw)), (xml.name, paczka.error_log)
    wniosek = etree.fromstring((data / "wniosek.xml").read_bytes())
    assert _reference_schema(PI / "wniosek.xsd").validate(wniosek)
    assert wniosek.findtext("znak_sprawy_wysylajacego") == "OR.0641.3.2026"
    assert wniosek.findtext("szczegoly_spisu_zo/ilosc_pozycji") == "2"
    assert xsd.validate((data / "spis.xml").read_bytes(), "SpisZdawczo-odbiorczy.xsd") == []
    # manifests list every payload file with both digests
    for alg in ("sha256", "sha512"):
        lines: dict[str, str] = {}
        for line in (out / f"manifest-{alg}.txt").read_text().splitlines():
            digest, rel_path = line.split("  ", 1)
            lines[rel_path] = digest
        for f in data.rglob("*"):
            if f.is_file():
                rel = f.relative_to(out).as_posix()
                assert lines[rel] == hashlib.new(alg, f.read_bytes()).hexdigest()
    with app.uow() as uow:
        logged = uow.session.execute(
            select(MetrykaEntry).where(MetrykaEntry.action == "paczka_archiwalna")
        ).scalar_one()
        assert logged.details["cases"] == ["OR.0012.1.2015", "OR.0012.2.2016"]


def test_damaged_bag_is_detected(app: App, tmp_path: Path) -> None:
    _populate(app)
    out = tmp_path / "paczka"
    _export(app, out)
    victim = next((out / "data" / "dokumenty").iterdir())
    raw = victim.read_bytes()
    victim.write_bytes(bytes([raw[0] ^ 1]) + raw[1:])  # same size: only the checksums can tell
    problems = validate_bag(out)
    assert problems and any(victim.name in p for p in problems)
    victim.write_bytes(raw + b"x")
    assert any("Payload-Oxum" in p for p in validate_bag(out))


def test_only_category_a_can_be_exported(app: App, tmp_path: Path) -> None:
    _populate(app)
    with pytest.raises(InvalidInput, match=r"GK\.6740\.1\.2015"):
        _export(app, tmp_path / "x", signs=["GK.6740.1.2015"])
    add_entry(app, tenant="ug-melgiew", sign="OR.1.1.2015", title="B", category="B10")
    with app.uow() as uow, pytest.raises(InvalidState):
        export_package(uow.session, app.store, system_actor(), tenant="ug-melgiew", out=tmp_path / "y")


def test_bag_writer_against_conformance_suite(tmp_path: Path) -> None:
    for version in ("v0.97", "v1.0"):
        suite = REFERENCE / "bagit-conformance" / version
        for bag in sorted(p for p in (suite / "valid").iterdir() if p.is_dir()):
            assert validate_bag(bag) == [], bag
        for bag in sorted(p for p in (suite / "invalid").iterdir() if p.is_dir()):
            assert validate_bag(bag), bag
    # awkward names (spaces, Polish letters) round-trip through our manifests
    out = write_bag(tmp_path / "b", [("a b/1 0.txt", b"1"), ("zażółć.txt", b"2")], {"Contact-Name": "Ala"})
    assert validate_bag(out) == []
    for i, bad in enumerate(("100%.txt", "../x", "/abs", "a\nb")):
        with pytest.raises(BagError, match="payload path"):
            write_bag(tmp_path / f"bad{i}", [(bad, b"1")], {})
