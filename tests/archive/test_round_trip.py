"""The paczka archiwalna holds the whole case, and export -> import -> export is exact.

One demo office (real workflow: letters with ePUAP attachments and UPP receipts, replies returned
for changes and sealed, so documents have several versions) exports its category A cases; a
fresh office imports the package and exports it again.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from ezd import xsd
from ezd.archive_ops import metryka_doc
from ezd.archive_ops.bagit_export import validate_bag, write_bag
from ezd.archive_ops.importer import ImportReport, PackageRefused, import_package
from ezd.archive_ops.package import export_package
from ezd.archive_ops.package_meta import declared
from ezd.bootstrap import App, bootstrap
from ezd.db.migrate import upgrade
from ezd.db.tables import Attachment, CaseFile, Document, DocumentVersion, Tenant
from ezd.demo.driver import Demo
from ezd.records.plural import DOKUMENT, SPRAWA, count
from ezd.services.actor import system_actor
from tests.archive.helpers import tenant_id
from tests.conftest import make_settings

TENANT = "sp-swidnik"
WHEN = datetime(2029, 1, 15, 9, 30)
SIGN = "OR.0641.1.2029"
NDAP = {"n": "http://www.mswia.gov.pl/standardy/ndap"}


def _export(app: App, out: Path) -> None:
    with app.uow() as uow:
        export_package(
            uow.session,
            app.store,
            system_actor(),
            tenant=TENANT,
            out=out,
            request_sign=SIGN,
            prepared_at=WHEN,
        )
        uow.commit()


def _import(app: App, source: Path) -> ImportReport:
    with app.uow() as uow:
        report = import_package(uow.session, app.store, system_actor(), tenant=TENANT, source=source)
        uow.commit()
    return report


def _fresh_office(home: Path) -> App:
    app = bootstrap(make_settings(home))
    upgrade(app.db, "heads")
    tenant_id(app, TENANT, "Starostwo Powiatowe w Świdniku")
    return app


@pytest.fixture(scope="module")
def office(seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, Path]]:
    """A demo office with archived cases and its first package."""
    root = tmp_path_factory.mktemp("round-trip")
    shutil.copytree(seeded_template, root / "ezd")
    app = bootstrap(make_settings(root / "ezd"))
    upgrade(app.db, "heads")
    assert Demo(app).run(10, prepare=False).cases_archived >= 8
    _export(app, root / "p1")
    yield app, root / "p1"
    app.db.dispose()


def _payload(bag: Path) -> dict[str, bytes]:
    data = bag / "data"
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


def test_package_holds_every_version_attachment_and_the_metryka(office: tuple[App, Path]) -> None:
    app, bag = office
    assert validate_bag(bag) == []
    files = _payload(bag)
    docs = {k.split("/", 1)[1]: v for k, v in files.items() if k.startswith("dokumenty/")}
    with app.uow() as uow:
        s = uow.session
        t = s.execute(select(Tenant).where(Tenant.code == TENANT)).scalar_one()
        cases = list(
            s.execute(select(CaseFile).where(CaseFile.tenant_id == t.id, CaseFile.category == "A")).scalars()
        )
        assert cases
        want: set[str] = set()
        multi_version = 0
        for case in cases:
            ids = [d.id for d in s.execute(select(Document).where(Document.case_id == case.id)).scalars()]
            versions = list(
                s.execute(select(DocumentVersion).where(DocumentVersion.document_id.in_(ids))).scalars()
            )
            attachments = list(s.execute(select(Attachment).where(Attachment.document_id.in_(ids))).scalars())
            assert attachments, "the demo's letters carry ePUAP attachments and UPP receipts"
            want |= {v.sha256 for v in versions} | {a.sha256 for a in attachments}
            multi_version += sum(1 for i in ids if sum(v.document_id == i for v in versions) > 1)
            for ext in ("xml", "html"):
                assert f"{case.sign}_metryka.{ext}" in docs
    assert multi_version >= 2
    have = {hashlib.sha256(v).hexdigest() for v in docs.values()}
    assert want <= have  # every version of every document and every attachment
    for name, data in docs.items():
        assert name.count("OR.") == 1, name  # the case sign once, never doubled
        meta = files[f"metadane/{name}.xml"]
        assert (
            xsd.validate(meta, "Metadane-1.7.xsd") == []
            and xsd.validate(meta, "schemat_paczka_archiwalna.xsd") == []
        )
        facts = declared(etree.fromstring(meta))
        # each file's metadata are its own: size and SHA-256 of exactly this file
        assert (facts.size, facts.sha256) == (len(data), hashlib.sha256(data).hexdigest()), name
        if name.endswith("_metryka.xml"):
            assert metryka_doc.verify_metryka_xml(data) == []
            assert b"zalozenie_sprawy" in data and b"rejestracja" in data  # case and item chains
    html = next(v for k, v in docs.items() if k.endswith("_metryka.html")).decode()
    assert (
        "Założenie sprawy" in html and "system EZD" in html and "sw.referent" not in html
    )  # names, not logins
    opis = etree.fromstring(files["wniosek.xml"]).findtext("szczegoly_spisu_zo/opis")
    assert (
        opis == f"Materiały archiwalne kategorii A: {count(len(cases), SPRAWA)}, {count(len(docs), DOKUMENT)}"
    )
    assert xsd.validate(files["spis.xml"], "SpisZdawczo-odbiorczy.xsd") == []


def test_export_import_export_gives_identical_manifests(office: tuple[App, Path], tmp_path: Path) -> None:
    _, p1 = office
    second = _fresh_office(tmp_path / "office2")
    try:
        report = _import(second, p1)
        assert report.imported and report.issues == []
        _export(second, tmp_path / "p2")
    finally:
        second.db.dispose()
    p2 = tmp_path / "p2"
    assert validate_bag(p2) == []
    for alg in ("sha256", "sha512"):
        assert (p2 / f"manifest-{alg}.txt").read_text() == (p1 / f"manifest-{alg}.txt").read_text()
    assert _payload(p2) == _payload(p1)


def _rebag(files: dict[str, bytes], out: Path) -> Path:
    """A bag with valid manifests around a payload: only the metadata themselves can tell."""
    return write_bag(out, list(files.items()), {"Source-Organization": "test"})


def test_metadata_that_lie_about_a_document_are_refused(office: tuple[App, Path], tmp_path: Path) -> None:
    _, p1 = office
    files = _payload(p1)
    first = next(k for k in files if k.startswith("metadane/") and "_wersja1" in k)
    second = first.replace("_wersja1", "_wersja2")
    assert second in files
    files[second] = files[first]  # the defect found: version 2's metadata a copy of version 1's
    other = _fresh_office(tmp_path / "office2")
    try:
        for source in (_rebag(files, tmp_path / "bag"), tmp_path / "bare"):
            if source.name == "bare":
                for rel, data in files.items():
                    (source / rel).parent.mkdir(parents=True, exist_ok=True)
                    (source / rel).write_bytes(data)
            with pytest.raises(PackageRefused, match="nie została zaimportowana") as exc:
                _import(other, source)
            errors = {i.path: i.problem for i in exc.value.report.issues if i.severity == "error"}
            assert set(errors) == {second}, errors
            assert "rozmiar" in errors[second] or "skrót SHA-256" in errors[second]
        with other.uow() as uow:
            assert uow.session.execute(select(CaseFile)).first() is None
    finally:
        other.db.dispose()


def test_a_broken_metryka_chain_is_refused(office: tuple[App, Path], tmp_path: Path) -> None:
    _, p1 = office
    files = _payload(p1)
    name = next(k for k in files if k.endswith("_metryka.xml"))
    edited = files[name].replace(b"<czynnosc>akceptacja</czynnosc>", b"<czynnosc>zwrot</czynnosc>", 1)
    assert edited != files[name]
    problems = metryka_doc.verify_metryka_xml(edited)
    assert problems and "treść wpisu nie zgadza się z jego skrótem" in problems[0]
    # the metadata are made to tell the truth about the edited file: the chain still tells
    meta = files[f"metadane/{name.split('/', 1)[1]}.xml"]
    old = files[name]
    meta = meta.replace(hashlib.sha256(old).hexdigest().encode(), hashlib.sha256(edited).hexdigest().encode())
    meta = meta.replace(f">{len(old)}<".encode(), f">{len(edited)}<".encode())
    files[name], files[f"metadane/{name.split('/', 1)[1]}.xml"] = edited, meta
    other = _fresh_office(tmp_path / "office2")
    try:
        with pytest.raises(PackageRefused) as exc:
            _import(other, _rebag(files, tmp_path / "bag"))
    finally:
        other.db.dispose()
    errors = [i for i in exc.value.report.issues if i.severity == "error"]
    assert [i.path for i in errors] == [name] and "naruszony" in errors[0].problem
