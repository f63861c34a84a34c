"""Registration by the rules: duplicate warning with the earlier item, registration with a
reason; the received date of a paper letter; ``ezd deadline`` and ``ezd register`` as run by a clerk."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from ezd.bootstrap import App
from ezd.clock import office_today
from ezd.db.base import utcnow
from ezd.db.tables import IncomingItem, MetrykaEntry
from ezd.records.errors import InvalidInput
from ezd.records.intake import Channel
from ezd.services import intake
from ezd.services.duplicates import DuplicateSuspected
from tests.conftest import embedded_env
from tests.helpers import actor, letter

ROOT = Path(__file__).resolve().parents[1]
TENANT = "ug-melgiew"


def _register(app: App, data: bytes, **kw: object) -> intake.Registered:
    with app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session),
            actor(app, "mg.kancelaria"),
            tenant=TENANT,
            data=data,
            filename="a.xml",
            **kw,
        )  # type: ignore[arg-type]
        uow.commit()
    return reg


def _items(app: App) -> list[IncomingItem]:
    with app.uow() as uow:
        rows = list(uow.session.execute(select(IncomingItem).order_by(IncomingItem.id)).scalars())
        uow.session.expunge_all()
        return rows


def test_same_content_is_a_suspected_duplicate(seeded_app: App) -> None:
    data = letter(21)
    first = _register(seeded_app, data)
    with pytest.raises(DuplicateSuspected) as caught:
        _register(seeded_app, data)
    assert caught.value.earlier.sign == first.sign and caught.value.earlier.same_content
    assert first.sign in str(caught.value) and "ta sama treść" in str(caught.value)
    assert [i.sign for i in _items(seeded_app)] == [first.sign]  # nothing numbered, nothing lost
    again = _register(seeded_app, data, duplicate_reason="  nadawca przysłał pismo ponownie  ")
    assert again.sign != first.sign
    item = _items(seeded_app)[-1]
    assert item.duplicate_of == first.sign and item.duplicate_reason == "nadawca przysłał pismo ponownie"
    with seeded_app.uow() as uow:
        details = (
            uow.session.execute(
                select(MetrykaEntry.details)
                .where(MetrykaEntry.action == "rejestracja")
                .order_by(MetrykaEntry.id.desc())
            )
            .scalars()
            .first()
        )
    assert details is not None and details["duplicate_of"] == first.sign


def test_same_sender_and_reference_with_other_bytes(seeded_app: App) -> None:
    data = letter(22)
    first = _register(seeded_app, data)
    # the same letter scanned again: other bytes, the same sender and znak pisma
    rescanned = data + b"\n<!-- ponowny skan -->\n"
    with pytest.raises(DuplicateSuspected, match="ten sam nadawca i znak pisma") as caught:
        _register(seeded_app, rescanned)
    assert caught.value.earlier.sign == first.sign and not caught.value.earlier.same_content
    # a different letter of another sender registers without a question
    _register(seeded_app, letter(23))


def test_the_window_is_thirty_days(seeded_app: App) -> None:
    data = letter(24)
    first = _register(seeded_app, data)
    with seeded_app.uow() as uow:
        uow.session.execute(
            update(IncomingItem)
            .where(IncomingItem.sign == first.sign)
            .values(registered_at=utcnow() - timedelta(days=31))
        )
        uow.commit()
    again = _register(seeded_app, data)
    assert _items(seeded_app)[-1].duplicate_of is None and again.sign != first.sign


def test_received_date_of_a_paper_letter(seeded_app: App) -> None:
    stamped = office_today() - timedelta(days=3)
    reg = _register(seeded_app, letter(25), channel=Channel.POST, received=stamped)
    [item] = [i for i in _items(seeded_app) if i.sign == reg.sign]
    assert item.received_date == stamped and item.channel == "poczta"
    with pytest.raises(InvalidInput, match="późniejsza niż dzisiejsza"):
        _register(seeded_app, letter(26), channel=Channel.POST, received=office_today() + timedelta(days=1))
    with pytest.raises(InvalidInput, match="tylko dla przesyłek papierowych"):
        _register(seeded_app, letter(27), channel=Channel.EPUAP, received=stamped)
    assert len(_items(seeded_app)) == 1


def ezd(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ezd.cli.main", *args],
        env=embedded_env(home, COLUMNS="200"),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_deadline_command() -> None:
    home = ROOT / ".unused-home"  # the command reads no installation
    out = ezd(home, "deadline", "--received", "31.01.2027", "--kind", "administrative", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "received": "2027-01-31",
        "kind": "administrative",
        "term_end": "2027-02-28",
        "deadline": "2027-03-01",
        "moved_to_working_day": True,
    }
    text = ezd(home, "deadline", "--received", "11.10.2026", "--kind", "administrative").stdout
    assert "12.11.2026 (czwartek)" in text and "11.11.2026 (środa)" in text
    bad = ezd(home, "deadline", "--received", "31.02.2027", "--kind", "petition")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "dd.mm.rrrr" in bad.stderr
    bad = ezd(home, "deadline", "--received", "01.02.2027", "--kind", "urgent")
    assert bad.returncode == 2 and "Nieznany rodzaj sprawy" in bad.stderr
    assert not home.exists()


def test_register_command_received_and_duplicate(seeded_app: App, tmp_path: Path) -> None:
    home = seeded_app.settings.home
    seeded_app.db.dispose()
    f = tmp_path / "skan.xml"
    f.write_bytes(letter(28))
    stamped = (office_today() - timedelta(days=2)).strftime("%d.%m.%Y")
    args = ("register", str(f), "-t", TENANT, "--as", "mg.kancelaria", "--json")
    first = ezd(home, *args, "--channel", "poczta", "--received", stamped)
    assert first.returncode == 0, first.stderr
    sign = json.loads(first.stdout)["rpw"]
    dup = ezd(home, *args)
    assert dup.returncode == 2 and sign in dup.stderr and dup.stderr.count("\n") == 1
    ok = ezd(home, *args, "--duplicate-reason", "drugi egzemplarz z ePUAP")
    assert ok.returncode == 0, ok.stderr
    future = (office_today() + timedelta(days=1)).strftime("%d.%m.%Y")
    f.write_bytes(letter(29))
    late = ezd(home, *args, "--channel", "poczta", "--received", future)
    assert late.returncode == 2 and "późniejsza niż dzisiejsza" in late.stderr
    rows = json.loads(ezd(home, "rpw", "list", "-t", TENANT, "--json").stdout)
    [row] = [r for r in rows if r["rpw"] == sign]
    assert row["received_date"] == (office_today() - timedelta(days=2)).isoformat()
