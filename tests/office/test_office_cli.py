"""Issue 12: an office set up from an empty EZD_HOME with the command line only, then a letter.

Everything the office needs is made with ``ezd`` subprocesses, as an IT administrator would type
them (passwords through EZD_USER_PASSWORD / EZD_SEAL_PASSWORD, never argv).  The test inputs --
an ePUAP letter and the office's PKCS#12 e-seal issued by a throw-away CA -- are made here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ezd.cli.errors import PREFIX
from ezd.signatures.pki import create_demo_pki
from tests.conftest import embedded_env
from tests.helpers import letter

ROOT = Path(__file__).resolve().parents[2]
OFFICE = "ug-testowo"
OFFICE_NAME = "Urząd Gminy Testowo"
ADMIN_PASSWORD = "Admin-haslo-testowe-1"
SEAL_PASSWORD = "pieczec-testowa"


def ezd(home: Path, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "ezd.cli.main", *args],
        env=embedded_env(home, COLUMNS="200", **env),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,  # no terminal: secrets come from the environment
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def one_error(proc: subprocess.CompletedProcess[str]) -> str:
    """A user error: exit status 2 and one line on stderr, no traceback."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An office made by ``ezd init`` and the set-up commands from an empty home."""
    work = tmp_path_factory.mktemp("office")
    home = work / "ezd"
    pki = create_demo_pki(work / "pki", OFFICE_NAME, SEAL_PASSWORD.encode())
    ezd(
        home,
        "init",
        "--yes",
        "--office", OFFICE,
        "--name", OFFICE_NAME,
        "--kind", "urzad-gminy",
        "--regon", "431019514",
        "--unit", "KAN=Kancelaria",
        "--unit", "OR=Referat Organizacyjny",
        "--admin", "t.admin",
        "--admin-name", "Alicja Testowa",
        "--jrwa", str(ROOT / "ezd" / "data" / "jrwa_demo.csv"),
        EZD_USER_PASSWORD=ADMIN_PASSWORD,
    )  # fmt: skip
    ezd(home, "unit", "add", OFFICE, "OR-A", "--name", "Stanowisko ds. kadr", "--parent", "OR")
    ezd(home, "user", "add", OFFICE, "t.kanc", "--name", "Anna Kancelaryjna", "--email", "anna@testowo.pl")
    ezd(home, "user", "role", "grant", OFFICE, "t.kanc", "kancelaria", "--unit", "KAN")
    ezd(home, "seal", "import", OFFICE, "--p12", str(pki.eseal_p12), EZD_SEAL_PASSWORD=SEAL_PASSWORD)
    (work / "trust").mkdir()
    (work / "trust" / "ca.pem").write_bytes(pki.ca_pem.read_bytes())
    return home


def test_set_up_lists(
    office: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def ls(*args: str) -> Any:
        return listing(monkeypatch, capsys, office, *args)

    offices = ls("office", "list")
    assert [(o["code"], o["name"], o["kind_label"]) for o in offices] == [
        (OFFICE, OFFICE_NAME, "urząd gminy")
    ]
    units = ls("unit", "list", OFFICE)
    assert [(u["code"], u["parent"]) for u in units] == [("KAN", None), ("OR", None), ("OR-A", "OR")]
    users = {u["login"]: u for u in ls("user", "list", OFFICE)}
    assert (
        users["t.admin"]["grants"] == [{"unit": "KAN", "role": "admin"}] and users["t.admin"]["has_password"]
    )
    assert (
        users["t.kanc"]["grants"] == [{"unit": "KAN", "role": "kancelaria"}]
        and not users["t.kanc"]["has_password"]
    )
    seal = ls("seal", "show", OFFICE)
    assert OFFICE_NAME in seal["subject"] and seal["kind"] == "pkcs12" and seal["days_left"] > 30
    assert seal["warning"] is None
    leaves = ls("jrwa", "show", OFFICE, "0")
    assert leaves and all(c["symbol"].startswith("0") for c in leaves)
    processes = {p["process_key"] for p in ls("bpmn", "list")}
    assert processes == {
        "ezd_incoming",
        "ezd_case",
        "ezd_archive",
        "ezd_ocr",
        "ezd_opinion_request",
        "ezd_opinion_answer",
    }
    # the administrative log: every set-up step is in the office's metryka
    db = sqlite3.connect(office / "ezd.sqlite3")
    actions = [r[0] for r in db.execute("select action from metryka_entry order by id")]
    db.close()
    for action in (
        "utworzenie_urzedu",
        "utworzenie_komorki",
        "utworzenie_konta",
        "nadanie_roli",
        "zmiana_hasla",
    ):
        assert action in actions
    assert "import_jrwa" in actions and "import_pieczeci" in actions


def test_letter_is_registered_and_receipt_sealed_by_this_office(office: Path, tmp_path: Path) -> None:
    ezd(office, "user", "password", OFFICE, "t.kanc", EZD_USER_PASSWORD="Kancelaria-haslo-1")
    xml = tmp_path / "letter.xml"
    xml.write_bytes(letter(7, office=OFFICE_NAME))
    reg = json.loads(ezd(office, "register", str(xml), "-t", OFFICE, "--as", "t.kanc", "--json").stdout)
    assert reg["tenant"] == OFFICE and reg["rpw"].endswith(f"/{reg['rpw'].split('/')[-1]}")
    rpw = json.loads(ezd(office, "rpw", "list", "-t", OFFICE, "--json").stdout)
    assert [r["rpw"] for r in rpw] == [reg["rpw"]]
    db = sqlite3.connect(office / "ezd.sqlite3")
    (upp,) = db.execute("select sha256 from attachment where filename like 'UPP-%'").fetchone()
    db.close()
    (stored,) = list((office / "objects").rglob(upp))
    # the throw-away CA publishes no OCSP/CRL: verified offline against it as the only anchor
    trust = str(office.parent / "trust")
    verdict = json.loads(ezd(office, "verify", str(stored), "--json", "--offline", "--trust", trust).stdout)
    assert verdict["verdict"] == "TOTAL-PASSED"
    assert len(verdict["signatures"]) == 1 and OFFICE_NAME in json.dumps(
        verdict["signatures"], ensure_ascii=False
    )


def run_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path, *args: str
) -> tuple[object, str, str]:
    """``ezd`` in this process (a subprocess costs seconds on a busy machine): (status, out, err)."""
    from ezd.cli.main import run

    secrets = ("EZD_USER_PASSWORD", "EZD_SEAL_PASSWORD")  # set by the test on purpose
    for name in [n for n in os.environ if n.startswith("EZD_") and n not in secrets]:
        monkeypatch.delenv(name)  # e.g. the service URLs services.sh exports
    for name, value in embedded_env(home).items():
        if name.startswith("EZD_"):
            monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exited:
        run(list(args))
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    """A refused command: exit status 2 and one line on stderr, no traceback; returns the line."""
    code, _, err = run_in_process(monkeypatch, capsys, home, *args)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith(PREFIX), lines
    return lines[0]


def listing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path, *args: str
) -> Any:
    code, out, err = run_in_process(monkeypatch, capsys, home, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_bad_input_gets_one_polish_error(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("EZD_USER_PASSWORD", "EZD_SEAL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    wrong = tmp_path / "seal.p12"
    wrong.write_bytes(b"not a pkcs12 file")
    monkeypatch.setenv("EZD_SEAL_PASSWORD", "x")
    assert "Nie można otworzyć pliku PKCS#12" in cli(
        monkeypatch, capsys, office, "seal", "import", OFFICE, "--p12", str(wrong)
    )
    # no terminal and no EZD_USER_PASSWORD: refused (a password is never an argument)
    assert "EZD_USER_PASSWORD" in cli(monkeypatch, capsys, office, "user", "password", OFFICE, "t.kanc")
    monkeypatch.setenv("EZD_USER_PASSWORD", "krotkie")
    assert "co najmniej 10" in cli(monkeypatch, capsys, office, "user", "password", OFFICE, "t.kanc")
    refused = cli(
        monkeypatch, capsys, office, "office", "create", "ug-inny", "--name", "Inny", "--kind", "wojsko"
    )
    assert "rodzaj urzędu" in refused
    assert "podrzędne: OR-A" in cli(monkeypatch, capsys, office, "unit", "close", OFFICE, "OR")
    last_admin = cli(
        monkeypatch, capsys, office, "user", "role", "revoke", OFFICE, "t.admin", "admin", "--unit", "KAN"
    )
    assert "ostatni administrator" in last_admin
    assert "Nie ma konta nikt w urzędzie" in cli(
        monkeypatch, capsys, office, "user", "disable", OFFICE, "nikt"
    )
    # nothing of the refused steps was written
    db = sqlite3.connect(office / "ezd.sqlite3")
    assert db.execute("select count(*) from tenant where code = 'ug-inny'").fetchone() == (0,)
    assert db.execute("select count(*) from unit where closed_on is not null").fetchone() == (0,)
    db.close()


def test_closed_unit_and_disabled_account(
    office: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_in_process(monkeypatch, capsys, office, "unit", "close", OFFICE, "OR-A")[0] == 0
    closed = cli(
        monkeypatch, capsys, office, "user", "role", "grant", OFFICE, "t.kanc", "referent", "--unit", "OR-A"
    )
    assert "zamknięta" in closed
    units = listing(monkeypatch, capsys, office, "unit", "list", OFFICE)
    assert [u["code"] for u in units if u["closed_on"]] == ["OR-A"]  # kept, with its history
    assert run_in_process(monkeypatch, capsys, office, "user", "disable", OFFICE, "t.kanc")[0] == 0
    xml = tmp_path / "letter.xml"
    xml.write_bytes(letter(8, office=OFFICE_NAME))
    assert "t.kanc" in cli(monkeypatch, capsys, office, "register", str(xml), "-t", OFFICE, "--as", "t.kanc")
    assert run_in_process(monkeypatch, capsys, office, "user", "enable", OFFICE, "t.kanc")[0] == 0
