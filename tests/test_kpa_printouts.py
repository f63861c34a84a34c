"""Printable registers: the RPW, the outgoing register and the spis spraw as CSV and PDF; cells
a spreadsheet would run as formulas are neutralised."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.clock import office_today
from ezd.db.tables import CaseFile
from ezd.demo.driver import Demo
from ezd.records.errors import InvalidInput, PermissionDenied
from ezd.records.intake import Channel, IncomingMetadata
from ezd.services import intake, printouts
from tests.helpers import actor
from tests.test_kpa_registration import ezd

TENANT = "sp-swidnik"


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_registers_and_spis_as_csv_and_pdf(seeded_app: App, tmp_path: object) -> None:
    Demo(seeded_app).run(2)  # one case archived in each office: RPW and outgoing entries
    hostile = IncomingMetadata(
        sender="@SUM(1+1)*cmd|' /C calc'!A0",
        title='=HYPERLINK("http://zlo.example";"kliknij")',
        letter_date=None,
        received_date=office_today(),
        channel=Channel.POST,
        sender_reference="-2+3",
    )
    kanc = actor(seeded_app, "sw.kancelaria")
    with seeded_app.uow() as uow:
        intake.register_incoming(
            seeded_app.deps(uow.session),
            kanc,
            tenant=TENANT,
            data=b"%PDF-1.4 skan",
            filename="skan.pdf",
            media_type="application/pdf",
            metadata=hostile,
            channel=Channel.POST,
        )
        uow.commit()
    today = office_today()
    boss = actor(seeded_app, "sw.kierownik")
    with seeded_app.uow() as uow:
        rpw = printouts.incoming_register(
            uow.session, kanc, tenant=TENANT, start=today - timedelta(days=1), end=today
        )
        out = printouts.outgoing_register(uow.session, kanc, tenant=TENANT, start=today, end=today)
        case = uow.session.execute(select(CaseFile).order_by(CaseFile.id)).scalars().first()
        assert case is not None
        spis = printouts.case_list(
            uow.session,
            boss,
            tenant=TENANT,
            unit="OR",
            jrwa=case.jrwa.symbol,
            year=case.year,
        )
        uow.commit()
    rows = _rows(printouts.to_csv(rpw))
    assert rows[0][:3] == ["Numer", "Data rejestracji", "Data wpływu"] and len(rows) == 3
    evil = rows[-1]
    assert evil[3].startswith("'@") and evil[4] == "'-2+3" and evil[6].startswith("'=HYPERLINK")
    assert evil[1] == today.strftime("%d.%m.%Y") and evil[7] == "poczta"
    [(_, sent, _, sign, channel, _)] = [tuple(r) for r in _rows(printouts.to_csv(out))[1:]]
    assert sign == case.sign and channel == "ePUAP" and sent == today.strftime("%d.%m.%Y")
    [entry] = _rows(printouts.to_csv(spis))[1:]
    assert entry[0] == "1" and entry[1] == case.sign and entry[6] == "w archiwum"
    pdf = printouts.to_pdf(rpw)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert pdf.startswith(b"%PDF") and "Rejestr przesyłek wpływających" in text and "Starostwo" in text


def test_who_may_print_and_bad_periods(seeded_app: App) -> None:
    today = office_today()
    referent, kanc = actor(seeded_app, "sw.referent"), actor(seeded_app, "sw.kancelaria")
    with seeded_app.uow() as uow, pytest.raises(PermissionDenied):
        printouts.incoming_register(uow.session, referent, tenant=TENANT, start=today, end=today)
    with seeded_app.uow() as uow, pytest.raises(InvalidInput, match="przed jego początkiem"):
        printouts.incoming_register(
            uow.session,
            kanc,
            tenant=TENANT,
            start=today,
            end=today - timedelta(days=1),
        )
    with seeded_app.uow() as uow, pytest.raises(PermissionDenied):
        printouts.case_list(uow.session, kanc, tenant=TENANT, unit="OR", jrwa="0122", year=2026)


def test_print_commands(seeded_app: App, tmp_path: object) -> None:
    from pathlib import Path

    home = seeded_app.settings.home
    seeded_app.db.dispose()
    target = Path(str(tmp_path)) / "rpw.csv"
    day = office_today().strftime("%d.%m.%Y")
    ok = ezd(
        home,
        "rpw",
        "print",
        "-t",
        TENANT,
        "--from",
        day,
        "--to",
        day,
        "-o",
        str(target),
        "--format",
        "csv",
        "--as",
        "sw.kancelaria",
    )
    assert ok.returncode == 0, ok.stderr
    assert _rows(target.read_bytes())[0][0] == "Numer"
    bad = ezd(
        home, "rpw", "print", "-t", TENANT, "--from", day, "--to", day, "-o", str(target), "--format", "xls"
    )
    assert bad.returncode == 2 and "nieznany format" in bad.stderr
    pdf = Path(str(tmp_path)) / "spis.pdf"
    spis = ezd(
        home,
        "case",
        "spis",
        "-t",
        TENANT,
        "--unit",
        "OR",
        "--jrwa",
        "0122",
        "--year",
        "2026",
        "-o",
        str(pdf),
        "--as",
        "sw.kierownik",
    )
    assert spis.returncode == 0, spis.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
