"""``ezd archive import``: real packages of other EZD systems, all-or-nothing, hostile archives."""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ezd.archive_ops.importer import ImportReport, PackageRefused, import_package
from ezd.archive_ops.package import export_package
from ezd.archive_ops.search import SearchQuery, search
from ezd.archive_ops.unpack import Limits
from ezd.bootstrap import App
from ezd.db.tables import MetrykaEntry
from ezd.db.tables_archive import ArchiveEntry, ArchiveObject, ImportBatch
from ezd.records.errors import InvalidInput
from ezd.services.actor import system_actor
from ezd.storage.errors import StorageError
from ezd.storage.port import ObjectStore, StoredObject
from tests.archive.helpers import add_entry, tenant_id

P48 = "paczka_archiwalna_48.tar.extracted"
PUW = "Sprawy_PUW_BIA_20211109_090742.tar.extracted"


def _import(app: App, source: Path, store: ObjectStore | None = None, **kw: Any) -> ImportReport:
    tenant_id(app, "ug-nowa")
    with app.uow() as uow:
        report = import_package(
            uow.session,
            store or app.store,
            system_actor(),
            tenant="ug-nowa",
            source=source,
            **kw,
        )
        uow.commit()
    return report


def _counts(app: App) -> tuple[int, int, int, int]:
    with app.uow() as uow:
        s = uow.session
        return (
            s.execute(select(func.count()).select_from(ArchiveEntry)).scalar_one(),
            s.execute(select(func.count()).select_from(ArchiveObject)).scalar_one(),
            s.execute(select(func.count()).select_from(ImportBatch)).scalar_one(),
            s.execute(
                select(func.count()).select_from(MetrykaEntry).where(MetrykaEntry.action.like("import%"))
            ).scalar_one(),
        )


def test_strict_import_refuses_package_with_missing_documents(app: App, nes_samples: Path) -> None:
    with pytest.raises(PackageRefused) as exc:
        _import(app, nes_samples / P48)
    blocking = [i for i in exc.value.report.issues if i.blocks(False)]
    # the two binary payloads were not copied into shared/reference: reported against their metadata
    assert sorted(i.path for i in blocking) == [
        "metadane/Dok_58164_5870.docx.xml",
        "metadane/Dok_60439_6800.png.xml",
    ]
    assert all("brak pliku" in i.problem for i in blocking)
    assert _counts(app) == (0, 0, 0, 0)


def test_lenient_import_keeps_signs_metadata_and_documents(app: App, nes_samples: Path) -> None:
    report = _import(app, nes_samples / P48, accept_invalid=True)
    assert report.imported and report.cases == ["0401-TEST.000.2.2020", "0401-TEST.102.1.2021"]
    assert report.metadata_files == 7 and report.documents == 3
    with app.uow() as uow:
        entry = uow.session.execute(
            select(ArchiveEntry).where(ArchiveEntry.case_sign == "0401-TEST.000.2.2020")
        ).scalar_one()
        assert (entry.source, entry.category, entry.retention_until) == ("import", "A", None)
        assert (entry.unit_code, entry.jrwa_symbol, entry.year) == ("0401-TEST", "000", 2020)
        assert (entry.title, entry.jrwa_title) == ("test", "")  # the source has no JRWA title
        by_name = {o.filename: o for o in entry.objects}
        src = nes_samples / P48
        for name in ("Dek_58164_5729.txt.xml", "Dok_58164_5870.docx.xml"):  # metadata kept byte for byte
            assert app.store.get(by_name[name].sha256) == (src / "metadane" / name).read_bytes()
        content = by_name["Dek_58164_5729.txt"]
        assert app.store.get(content.sha256) == (src / "dokumenty/Dek_58164_5729.txt").read_bytes()
        assert content.media_type == "text/plain"
        assert by_name["0401-TEST.000.2.2020.xml"].role == "case_metadata"
        hits = search(uow.session, SearchQuery("dekretacji", tenant="ug-nowa")).hits
        assert {h.case_sign for h in hits} == set(report.cases)
        batch = uow.session.execute(select(ImportBatch)).scalar_one()
        assert batch.cases == 2 and len(batch.report["issues"]) == len(report.issues)  # type: ignore[arg-type]


def test_invalid_metadata_reported_per_file(app: App, nes_samples: Path) -> None:
    with pytest.raises(PackageRefused) as exc:
        _import(app, nes_samples / PUW)
    invalid = {i.path for i in exc.value.report.issues if "niezgodne z żadnym schematem NES" in i.problem}
    # the five files with <data><typ>dostepnyPo</typ></data> and no time (see SOURCES.md)
    assert invalid == {
        "metadane/181508_2867223.txt.xml",
        "metadane/2949240_2867177.pdf.xml",
        "metadane/2949266_2867222.doc.xml",
        "metadane/2949632_2867434.7z.xml",
        "metadane/2949633_2867435.zip.xml",
    }
    assert _counts(app) == (0, 0, 0, 0)
    report = _import(app, nes_samples / PUW, accept_invalid=True)
    assert report.cases == ["BI-I.014.11.2019"] and report.documents == 5 and report.metadata_files == 10
    with app.uow() as uow:
        e = uow.session.execute(select(ArchiveEntry)).scalar_one()
        assert (e.unit_code, e.jrwa_symbol, e.title) == ("BI-I", "014", "Paczka 5")
        assert e.jrwa_title.startswith("Usprawnianie organizacji urzędów")
        audit = uow.session.execute(
            select(MetrykaEntry).where(MetrykaEntry.action == "import_z_innego_ezd")
        ).scalar_one()
        listed = audit.details["invalid_metadata"]
        assert isinstance(listed, list) and set(listed) == invalid


def test_valid_package_imports_in_strict_mode_and_only_once(
    app: App, nes_samples: Path, tmp_path: Path
) -> None:
    pkg = tmp_path / "p48"
    shutil.copytree(nes_samples / P48, pkg)
    for name in ("Dok_58164_5870.docx.xml", "Dok_60439_6800.png.xml"):  # drop the payload-less ones
        (pkg / "metadane" / name).unlink()
    report = _import(app, pkg)
    assert report.imported and not [i for i in report.issues if i.severity != "note"]
    with pytest.raises(PackageRefused, match="nie została zaimportowana") as exc:
        _import(app, pkg)
    assert {i.problem for i in exc.value.report.issues if i.severity == "error"} == {
        f"sprawa {s} jest już w rejestrze archiwum (Urząd ug-nowa)" for s in report.cases
    }
    assert _counts(app)[0] == 2


class _FailingStore:
    """The real store, with the disk 'failing' at the n-th write (fault injection)."""

    def __init__(self, inner: ObjectStore, fail_at: int) -> None:
        self.inner, self.left = inner, fail_at

    def put(self, data: bytes, media_type: str = "application/octet-stream") -> StoredObject:
        self.left -= 1
        if self.left == 0:
            raise StorageError("disk full")
        return self.inner.put(data, media_type)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_failure_midway_registers_nothing(app: App, nes_samples: Path) -> None:
    failing = _FailingStore(app.store, fail_at=9)  # the second case fails while being stored
    with pytest.raises(StorageError):
        _import(app, nes_samples / P48, store=failing, accept_invalid=True)  # type: ignore[arg-type]
    assert _counts(app) == (0, 0, 0, 0)
    assert _import(app, nes_samples / P48, accept_invalid=True).imported  # and a retry works


def test_round_trip_of_our_own_bag_as_tar_and_zip(app: App, tmp_path: Path) -> None:
    add_entry(
        app,
        tenant="sp-swidnik",
        sign="OR.0012.1.2015",
        title="Statut gminy",
        category="A",
        text="uchwała w sprawie statutu",
        store=app.store,
    )
    bag = tmp_path / "bag"
    with app.uow() as uow:
        export_package(uow.session, app.store, system_actor(), tenant="sp-swidnik", out=bag)
        uow.commit()
    tar = Path(shutil.make_archive(str(tmp_path / "paczka"), "gztar", root_dir=tmp_path, base_dir="bag"))
    report = _import(app, tar)
    assert report.cases == ["OR.0012.1.2015"] and report.documents == 1 and report.issues == []
    with app.uow() as uow:
        hits = search(uow.session, SearchQuery("uchwały statutu", tenant="ug-nowa")).hits
        assert [h.case_sign for h in hits] == ["OR.0012.1.2015"]
    zipped = Path(shutil.make_archive(str(tmp_path / "paczka"), "zip", root_dir=bag))
    with pytest.raises(PackageRefused, match="nie została zaimportowana"):  # same signs: already imported
        _import(app, zipped)
    # a tampered bag is refused before anything else
    victim = next((bag / "data" / "dokumenty").iterdir())
    raw = victim.read_bytes()
    victim.write_bytes(bytes([raw[0] ^ 1]) + raw[1:])
    with pytest.raises(PackageRefused) as exc:
        _import(app, bag, dry_run=True)
    assert any(i.path == "bagit.txt" and i.severity == "error" for i in exc.value.report.issues)


def _tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Path:
    with tarfile.open(path, "w") as tf:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name: str) -> tarfile.TarInfo:
    return tarfile.TarInfo(name)


def _link(name: str, target: str, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([(_file("../../evil.txt"), b"x")], "path traversal"),
        ([(_file("/etc/evil.txt"), b"x")], "absolute path"),
        ([(_link("sprawy", "/etc", tarfile.SYMTYPE), None)], "link"),
        ([(_link("sprawy/a.xml", "/etc/passwd", tarfile.LNKTYPE), None)], "link"),
        ([(_file("sprawy/a.xml"), b"x"), (_file("sprawy/A.XML"), b"y")], "twice"),
        ([(_file("dokumenty/big.bin"), b"0" * 5000)], "over 4096 bytes"),
    ],
)
def test_hostile_tar_is_refused(
    app: App, tmp_path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]], message: str
) -> None:
    archive = _tar(tmp_path / "evil.tar", members)
    with pytest.raises(InvalidInput, match=message):
        _import(app, archive, limits=Limits(max_file_bytes=4096))
    assert not (tmp_path.parent / "evil.txt").exists()
    assert _counts(app) == (0, 0, 0, 0)


def test_zip_bomb_and_traversal_are_refused(app: App, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("dokumenty/zeros.bin", b"\0" * (20 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(InvalidInput, match="over 1048576 bytes"):
        _import(app, bomb, limits=Limits(max_total_bytes=1024 * 1024))
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../escape.txt", b"x")
    with pytest.raises(InvalidInput, match="path traversal"):
        _import(app, evil)
    not_an_archive = tmp_path / "x.tar"
    not_an_archive.write_bytes(b"hello")
    with pytest.raises(InvalidInput, match="neither a folder"):
        _import(app, not_an_archive)


def test_hostile_xml_inside_a_package_is_an_error(app: App, nes_samples: Path, tmp_path: Path) -> None:
    pkg = tmp_path / "p"
    shutil.copytree(nes_samples / P48, pkg)
    (pkg / "metadane" / "Dek_58164_5729.txt.xml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'
    )
    with pytest.raises(PackageRefused) as exc:
        _import(app, pkg, accept_invalid=True)  # errors block even in lenient mode
    errors = [i for i in exc.value.report.issues if i.severity == "error"]
    by_path = {i.path: i.problem for i in errors}
    assert "DOCTYPE" in by_path["metadane/Dek_58164_5729.txt.xml"]
    assert "bez metadanych" in by_path["dokumenty/Dek_58164_5729.txt"]  # its file is now orphaned
    assert _counts(app) == (0, 0, 0, 0)


def test_an_imported_package_without_digests_is_handed_on_verbatim(
    app: App, nes_samples: Path, tmp_path: Path
) -> None:
    """Other EZD systems' metadata state no SHA-256: the export hands them on as they came."""
    pkg = tmp_path / "p48"
    shutil.copytree(nes_samples / P48, pkg)
    for name in ("Dok_58164_5870.docx.xml", "Dok_60439_6800.png.xml"):
        (pkg / "metadane" / name).unlink()
    report = _import(app, pkg)
    assert any("nie podają skrótu SHA-256" in i.problem and i.severity == "note" for i in report.issues)
    out = tmp_path / "out"
    with app.uow() as uow:
        export_package(uow.session, app.store, system_actor(), tenant="ug-nowa", out=out)
        uow.commit()
    for meta in (pkg / "metadane").iterdir():
        if (out / "data" / "metadane" / meta.name).is_file():
            assert (out / "data" / "metadane" / meta.name).read_bytes() == meta.read_bytes()
    exported = {p.name for p in (out / "data" / "dokumenty").iterdir()}
    source = {p.name for p in (pkg / "dokumenty").iterdir()}
    # under the names they came with; a file whose bytes equal another's is kept once (the
    # register holds content once per case), which the import reported
    assert exported <= source
    once = {i.path.rsplit("/", 1)[-1] for i in report.issues if "ta sama treść" in i.problem}
    assert source - exported == once
