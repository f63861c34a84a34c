"""The ``ezd`` command line, run as a user would run it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import embedded_env

ROOT = Path(__file__).resolve().parents[1]


def ezd(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = embedded_env(home, COLUMNS="200")
    proc = subprocess.run(
        [sys.executable, "-m", "ezd.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli") / "ezd"
    out = json.loads(ezd(home, "demo", "--documents", "4", "--json").stdout)
    assert out["documents"] == 4 and out["cases_archived"] == 4 and out["seeded"] is True
    assert set(out) >= {"documents", "cases_archived", "elapsed_s", "cases_per_s"}
    return home


def test_demo_again_adds_more(home: Path) -> None:
    out = json.loads(ezd(home, "demo", "-n", "2", "--json").stdout)
    assert out["seeded"] is False and out["documents"] == 2
    rpw = json.loads(ezd(home, "rpw", "list", "--json").stdout)
    assert len(rpw) == 6
    db = sqlite3.connect(home / "ezd.sqlite3")
    logged = {r[0] for r in db.execute("select object_ref from access_log where object_type = 'rpw-list'")}
    db.close()
    assert logged == {"sp-swidnik", "ug-melgiew"}  # every read of a register is in the access log


def test_case_list_and_show(home: Path) -> None:
    cases = json.loads(ezd(home, "case", "list", "--json").stdout)
    assert cases and all(c["state"] == "archived" for c in cases)
    first = cases[0]
    shown = json.loads(ezd(home, "case", "show", first["sign"], "--tenant", first["tenant"], "--json").stdout)
    assert shown["state"] == "archived"
    assert [d["direction"] for d in shown["documents"]] == ["incoming", "outgoing"]
    actions = [m["action"] for m in shown["metryka"]]
    assert actions[0] == "rejestracja" and actions[-1] == "archiwizacja"
    assert {"dekretacja", "akceptacja", "podpis", "wysylka"} <= set(actions)
    text = ezd(home, "case", "show", first["sign"], "--tenant", first["tenant"]).stdout
    assert "Metryka sprawy" in text


def test_register_file(home: Path, tmp_path: Path) -> None:
    from tests.helpers import letter

    f = tmp_path / "pismo.xml"
    f.write_bytes(letter(42))
    out = json.loads(ezd(home, "register", str(f), "--tenant", "ug-melgiew", "--json").stdout)
    assert out["rpw"].startswith("RPW/") and out["tenant"] == "ug-melgiew"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("register", "/nonexistent/file.xml"), "nie ma takiego pliku"),
        (("case", "show", "not-a-sign"), "not-a-sign nie jest znakiem sprawy (np. OR.0012.7.2026)."),
        (("case", "show", "OR.0122.999.2026"), "nie ma sprawy OR.0122.999.2026"),
    ],
)
def test_user_errors_are_one_line(home: Path, args: tuple[str, ...], message: str) -> None:
    proc = ezd(home, *args, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_hostile_upload_is_one_line(home: Path, tmp_path: Path) -> None:
    f = tmp_path / "evil.xml"
    f.write_bytes(b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>')
    proc = ezd(home, "register", str(f), check=False)
    assert proc.returncode == 2 and "DOCTYPE" in proc.stderr and "Traceback" not in proc.stderr


def test_jrwa_import_errors(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "jrwa.csv"
    bad.write_text("symbol;haslo;kategoria\n0;Zarządzanie;\n01;Organizacja;\n0123;Sierota;B5\n")
    proc = ezd(home, "jrwa", "import", str(bad), check=False)
    assert proc.returncode == 2 and "nie ma klasy nadrzędnej" in proc.stderr


def _tamper(home: Path, sql: str) -> None:
    con = sqlite3.connect(home / "ezd.sqlite3")
    con.execute(sql)
    con.commit()
    con.close()


def test_audit_verify_detects_tampering(tmp_path: Path) -> None:
    home = tmp_path / "ezd"
    ezd(home, "demo", "-n", "2", "--json")
    assert "metryka OK" in ezd(home, "audit", "verify").stdout
    db = sqlite3.connect(home / "ezd.sqlite3")
    key, seq = db.execute(
        "select chain_key, seq from metryka_entry where action='akceptacja' limit 1"
    ).fetchone()
    db.close()

    _tamper(home, f"update metryka_entry set actor='ktos.inny' where chain_key='{key}' and seq={seq}")
    proc = ezd(home, "audit", "verify", check=False)
    assert (
        proc.returncode == 1
        and f"entry {seq}" in proc.stderr
        and key in proc.stderr
        and "edited" in proc.stderr
    )


def test_audit_verify_detects_delete_and_reorder(tmp_path: Path) -> None:
    home = tmp_path / "ezd"
    ezd(home, "demo", "-n", "1", "--json")
    db = sqlite3.connect(home / "ezd.sqlite3")
    key = db.execute("select chain_key from metryka_entry where chain_key like 'case:%' limit 1").fetchone()[
        0
    ]
    db.close()
    _tamper(home, f"update metryka_entry set seq = 100 where chain_key='{key}' and seq = 2")
    _tamper(home, f"update metryka_entry set seq = 2 where chain_key='{key}' and seq = 3")
    _tamper(home, f"update metryka_entry set seq = 3 where chain_key='{key}' and seq = 100")
    proc = ezd(home, "audit", "verify", check=False)
    assert proc.returncode == 1 and "broken at entry 2" in proc.stderr
    _tamper(home, f"delete from metryka_entry where chain_key='{key}' and seq = 3")
    proc = ezd(home, "audit", "verify", check=False)
    assert proc.returncode == 1 and key in proc.stderr
    last = sqlite3.connect(home / "ezd.sqlite3")
    last_key, last_seq = last.execute(
        "select chain_key, max(seq) from metryka_entry where chain_key like 'rpw:%' group by chain_key limit 1"
    ).fetchone()
    last.close()
    _tamper(home, f"delete from metryka_entry where chain_key='{key}'")  # remove the broken chain entirely…
    _tamper(
        home, f"delete from metryka_entry where chain_key='{last_key}' and seq={last_seq}"
    )  # …and a tail entry
    proc = ezd(home, "audit", "verify", check=False)
    assert proc.returncode == 1


def test_case_show_as_a_user_checks_their_rights(home: Path) -> None:
    case = json.loads(ezd(home, "case", "list", "--tenant", "sp-swidnik", "--json").stdout)[0]
    mine = ezd(home, "case", "show", case["sign"], "-t", "sp-swidnik", "--as", "sw.referent", "--json")
    assert json.loads(mine.stdout)["sign"] == case["sign"]
    other_office = ezd(
        home, "case", "show", case["sign"], "-t", "sp-swidnik", "--as", "mg.referent", check=False
    )
    assert other_office.returncode == 2 and "nie ma sprawy" in other_office.stderr
