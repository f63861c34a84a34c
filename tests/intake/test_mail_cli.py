"""The command line of the e-mail intake: ``ezd mailbox set|show|poll`` and ``ezd register x.eml``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import embedded_env
from tests.infra.dovecot import ImapAccount
from tests.intake.mails import letter
from tests.intake.test_imap_intake import _deliver

ROOT = Path(__file__).resolve().parents[2]


def ezd(home: Path, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "ezd.cli.main", *args],
        env=embedded_env(home, COLUMNS="200", **env),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,  # no terminal: the password comes from the environment
    )
    assert (proc.returncode == 0) == ok, proc.stdout + proc.stderr
    return proc


def test_set_show_and_poll_a_mailbox_then_register_an_eml_file(
    seeded_template: Path, tmp_path: Path, imap_account: ImapAccount
) -> None:
    home = tmp_path / "ezd"
    shutil.copytree(seeded_template, home)
    office = "ug-melgiew"
    args = ["--host", "127.0.0.1", "--port", str(imap_account.port), "--user", imap_account.user]
    ezd(home, "mailbox", "set", office, *args, "--security", "none", EZD_IMAP_PASSWORD=imap_account.password)
    shown = json.loads(ezd(home, "mailbox", "show", office, "--json").stdout)
    assert shown["has_password"] and shown["username"] == imap_account.user
    assert imap_account.password not in json.dumps(shown)
    # plaintext IMAP to another machine is refused, in Polish
    far = ezd(
        home,
        "mailbox",
        "set",
        office,
        "--host",
        "mail.example.pl",
        "--user",
        "x",
        "--security",
        "none",
        ok=False,
        EZD_IMAP_PASSWORD="x",
    )
    assert far.returncode == 2 and "127.0.0.1" in far.stderr

    _deliver(imap_account, letter(subject="Z poczty", message_id="<cli-1@example.pl>"))
    polled = json.loads(ezd(home, "mailbox", "poll", "--json").stdout)
    assert [len(p["registered"]) for p in polled] == [1]

    eml = tmp_path / "wniosek.eml"
    eml.write_bytes(letter(subject="Z pliku", message_id="<cli-2@example.pl>"))
    first = json.loads(ezd(home, "register", str(eml), "-t", office, "--json").stdout)
    assert first["rpw"].startswith("RPW/")
    again = ezd(home, "register", str(eml), "-t", office, ok=False)
    assert (
        again.returncode == 2 and first["rpw"] in again.stderr and len(again.stderr.strip().splitlines()) == 1
    )
    # the message polled from the box and registered by hand are the same once each
    rpw = json.loads(ezd(home, "rpw", "list", "-t", office, "--json").stdout)
    assert sorted(r["title"] for r in rpw if r["channel"] == "email") == ["Z pliku", "Z poczty"]
