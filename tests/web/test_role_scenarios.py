"""One browser scenario per role (issue 13): each person's daily job clicked through in Chromium
against a real uvicorn server on one seeded office per module.  What a role only waits for (a
letter registered, a draft approved by someone else) is prepared with the service layer, as the
demo does; the role's own work goes through the pages only.  No background worker thread: the
test runs the workers between clicks (``world.demo.work()``), so nothing depends on timing.

Screenshots of every page go to ``<tmp_path>/<role>/`` (or ``$EZD_SCREENSHOTS/<role>/``).
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from ezd.bootstrap import App
from ezd.demo import letters
from ezd.services import cases
from ezd.web.app import create_app

from .conftest import World, read_credentials, seeded_home
from .test_e2e_browser import Person, _free_port, browser  # noqa: F401  (the browser fixture)
from .test_incidents import import_seal, remove_seal

T = "sp-swidnik"
OFFICE = "Starostwo Powiatowe w Świdniku"

pytestmark = pytest.mark.slow


@dataclass
class Office:
    base: str
    creds: dict[str, str]
    world: World


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, dict[str, str], World]]:
    """One seeded office for the module's scenarios (seeding hashes passwords: slow)."""
    from ezd.demo.driver import Demo

    home = tmp_path_factory.mktemp("roles") / "ezd"
    app = seeded_home(home)
    yield app, read_credentials(home), World(app, Demo(app))
    app.db.dispose()


@pytest.fixture
def office(seeded: tuple[App, dict[str, str], World]) -> Iterator[Office]:
    """A server per scenario (fast): its request threads end with the test, as the leak check wants."""
    import uvicorn

    app, creds, world = seeded
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(app), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield Office(f"http://127.0.0.1:{port}", creds, world)
    srv.should_exit = True
    thread.join(10)


def _file(name: str, data: bytes) -> Any:
    """An upload given as bytes: Playwright reads a path in its event loop's executor, whose
    threads would outlive the test."""
    kind = "application/pdf" if name.endswith(".pdf") else "application/xml"
    return {"name": name, "mimeType": kind, "buffer": data}


def _go(person: Person, target: Any) -> None:
    """Click a link or a form's button and wait until the page it leads to has loaded (a check
    or a worker run right after a bare click could still see the page before)."""
    with person.page.expect_navigation():
        target.click()


def _shot(person: Person, name: str) -> None:
    """A full-page screenshot written here (Playwright would write a path in its event loop's
    executor, whose threads outlive the test)."""
    (person.shots / f"{name}.png").write_bytes(person.page.screenshot(full_page=True))


def _shots(tmp_path: Path, role: str) -> Path:
    root = Path(os.environ["EZD_SCREENSHOTS"]) if os.environ.get("EZD_SCREENSHOTS") else tmp_path
    folder = root / role
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _person(office: Office, browser: Any, login: str, shots: Path) -> Person:  # noqa: F811
    return Person(browser, office.base, login, office.creds[login], shots)


def test_kancelaria_registers_decrees_and_keeps_the_register(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    kanc = _person(office, browser, "sw.kancelaria", _shots(tmp_path, "kancelaria"))
    letter, _ = letters.incoming_letter(random.Random(21), OFFICE, 101, date.today())
    _shot(kanc, "01-zadania")
    _go(kanc, kanc.page.get_by_role("link", name="Rejestracja pisma"))
    _shot(kanc, "02-rejestracja")
    kanc.page.get_by_label("Plik (XML, PDF, skan)").set_input_files(_file("wniosek.xml", letter))
    _go(kanc, kanc.page.get_by_role("button", name="Zarejestruj"))
    rpw = kanc.page.locator("#rpw-number").inner_text()
    office.world.demo.work()  # validation, receipt (UPP)
    kanc.page.reload()
    _shot(kanc, "03-pismo-zarejestrowane")
    kanc.page.get_by_label("Komórka").select_option("OR")
    _go(kanc, kanc.page.get_by_role("button", name="Dekretuj"))
    assert kanc.page.locator("#item-status").inner_text() == "zadekretowane"
    _shot(kanc, "04-dekretacja")
    _go(kanc, kanc.page.get_by_role("link", name="Rejestr przesyłek wpływających"))
    expect(kanc.page.get_by_text(rpw, exact=True).first).to_be_visible()
    _shot(kanc, "05-rpw")
    _go(kanc, kanc.page.get_by_role("link", name="Rejestr przesyłek wychodzących"))
    _shot(kanc, "06-wychodzace")


def test_referent_opens_the_case_and_sends_a_pdf_reply(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    rpw, jrwa = office.world.assigned(T)
    ref = _person(office, browser, "sw.referent", _shots(tmp_path, "referent"))
    _shot(ref, "01-zadania")
    _go(ref, ref.page.get_by_role("link", name=f"Otwórz {rpw}"))
    _shot(ref, "02-pismo")
    ref.page.get_by_label("Załóż nową sprawę w klasie JRWA").fill(jrwa)
    _go(ref, ref.page.get_by_role("button", name="Zapisz decyzję"))
    office.world.demo.work()  # the case is created
    ref.page.goto("/zadania")
    link = ref.page.locator("a[aria-label^='Otwórz OR.']").first
    sign = str(link.get_attribute("aria-label")).removeprefix("Otwórz ")
    _go(ref, link)
    _shot(ref, "03-sprawa")
    reply = letters.reply_pdf(OFFICE, sign, "Jan Kowalski", "Państwa pismo", date.today())
    ref.page.get_by_label("Plik (PDF, XML)").set_input_files(_file("odpowiedz.pdf", reply))
    _go(ref, ref.page.get_by_role("button", name="Wyślij do akceptacji"))
    assert ref.page.locator("#case-state").inner_text() == "w akceptacji"
    _shot(ref, "04-projekt-wyslany")
    _go(ref, ref.page.get_by_role("link", name="Sprawy").first)
    _shot(ref, "05-sprawy")


def test_kierownik_assigns_approves_and_reads_the_dashboard(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    rpw, _ = office.world.decreed(T)
    sign = office.world.in_approval(T)
    boss = _person(office, browser, "sw.kierownik", _shots(tmp_path, "kierownik"))
    _shot(boss, "01-zadania")
    _go(boss, boss.page.get_by_role("link", name=f"Otwórz {rpw}"))
    boss.page.get_by_label("Referent").select_option("sw.referent")
    _go(boss, boss.page.get_by_role("button", name="Przydziel"))
    assert boss.page.locator("#item-status").inner_text() == "przydzielone referentowi"
    _shot(boss, "02-przydzial")
    _go(boss, boss.page.get_by_role("link", name="Akceptacje"))
    _shot(boss, "03-akceptacje")
    _go(boss, boss.page.get_by_role("link", name=sign))
    _shot(boss, "04-projekt-do-akceptacji")
    _go(boss, boss.page.get_by_role("button", name="Akceptuj i podpisz"))
    office.world.demo.work()  # sealed and dispatched
    boss.page.goto(f"/sprawy/{T}/{sign}")
    expect(boss.page.get_by_text("podpisano e-pieczęcią urzędu").first).to_be_visible()
    _shot(boss, "05-podpisano")
    _go(boss, boss.page.get_by_role("link", name="Wydział"))
    _shot(boss, "06-wydzial")
    _go(boss, boss.page.get_by_role("link", name="Pulpit"))
    expect(boss.page.locator("#incident-count")).to_have_count(1)
    _shot(boss, "07-pulpit")


def test_sekretarz_approves_second_and_follows_the_outgoing_register(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    world = office.world
    sign = world.opened(T)
    referent, head = world.demo.actor("sw.referent"), world.demo.actor("sw.kierownik")
    reply = letters.reply_pdf(OFFICE, sign, "Jan Kowalski", "Państwa pismo", date.today())
    world.demo.step(
        lambda d: cases.submit_draft(
            d,
            referent,
            tenant=T,
            case_sign=sign,
            content=reply,
            filename="odpowiedz.pdf",
            approval_chain=["kierownik", "sekretarz"],
        )
    )
    world.demo.step(lambda d: cases.decide_approval(d, head, tenant=T, case_sign=sign, approved=True))
    sec = _person(office, browser, "sw.sekretarz", _shots(tmp_path, "sekretarz"))
    _shot(sec, "01-zadania")
    _go(sec, sec.page.get_by_role("link", name="Akceptacje"))
    _shot(sec, "02-akceptacje")
    _go(sec, sec.page.get_by_role("link", name=sign))
    _go(sec, sec.page.get_by_role("button", name="Akceptuj i podpisz"))
    world.demo.work()
    sec.page.goto(f"/sprawy/{T}/{sign}")
    expect(sec.page.get_by_text("podpisano e-pieczęcią urzędu").first).to_be_visible()
    _shot(sec, "03-podpisano")
    _go(sec, sec.page.get_by_role("link", name="Rejestr przesyłek wychodzących"))
    expect(sec.page.get_by_text(sign).first).to_be_visible()
    _shot(sec, "04-wychodzace")


def test_archiwista_takes_a_case_into_the_archive(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    sign = office.world.closed(T)
    arch = _person(office, browser, "sw.archiwista", _shots(tmp_path, "archiwista"))
    _go(arch, arch.page.get_by_role("link", name="Archiwum"))
    _shot(arch, "01-archiwum")
    # typing into the search replaces the results in place (htmx), so a click on a result could
    # hit the list being replaced: the search is opened as the form's own URL instead
    arch.page.goto(f"/archiwum?q={sign}")
    _go(arch, arch.page.locator("#results").get_by_role("link", name=sign))
    _go(arch, arch.page.get_by_role("button", name="Przekaż do archiwum"))
    office.world.demo.work()
    arch.page.goto(f"/sprawy/{T}/{sign}")
    _shot(arch, "02-przekazanie")
    _go(arch, arch.page.get_by_role("button", name="Przyjmij"))
    office.world.demo.work()
    arch.page.goto(f"/sprawy/{T}/{sign}")
    assert "zarchiwizowana" in arch.page.locator("#case-state").inner_text()
    _shot(arch, "03-zarchiwizowana")
    arch.page.goto("/archiwum/blokady")
    _shot(arch, "04-blokady")
    arch.page.goto("/archiwum/integralnosc")
    _shot(arch, "05-integralnosc")


def test_administrator_adds_a_user_and_retries_a_failed_step(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    world = office.world
    sign = world.in_approval(T)
    remove_seal(world.app)  # the office's e-seal is gone: the sealing step will fail
    try:
        head = world.demo.actor("sw.kierownik")
        world.demo.step(lambda d: cases.decide_approval(d, head, tenant=T, case_sign=sign, approved=True))
        world.demo.work()
        admin = _person(office, browser, "sw.admin", _shots(tmp_path, "administrator"))
        _go(admin, admin.page.get_by_role("link", name="Administracja"))
        _shot(admin, "01-administracja")
        _go(admin, admin.page.get_by_role("link", name="Użytkownicy i role").first)
        admin.page.locator("#u-login").fill("sw.nowy")
        admin.page.locator("#u-name").fill("Ewa Nowicka")
        admin.page.locator("#u-pass").fill("Nowe-haslo-2026")
        _go(admin, admin.page.get_by_role("button", name="Dodaj konto"))
        _shot(admin, "02-nowy-uzytkownik")
        expect(admin.page.get_by_role("cell", name="Ewa Nowicka")).to_have_count(1)
        _go(admin, admin.page.get_by_role("link", name="Incydenty"))
        expect(admin.page.locator("#incidents").get_by_role("link", name=sign)).to_have_count(1)
        admin.page.locator("#incidents details summary").first.click()
        _shot(admin, "03-incydenty")
    finally:
        import_seal(world.app)  # the cause fixed
    _go(admin, admin.page.get_by_role("button", name=f"Ponów {sign}"))
    world.demo.work()
    admin.page.reload()
    expect(admin.page.locator("#no-incidents")).to_have_count(1)
    _shot(admin, "04-ponowiono")
    assert world.case_state(T, sign) == "sent"  # "wysłana": waits for the delivery receipt only
    assert world.demo.step(lambda d: cases.current_draft(d.session, _case(d, sign)).status) == "dispatched"


def _case(d: Any, sign: str) -> Any:
    from ezd.services.lookup import case_by_sign, tenant_by_code

    return case_by_sign(d.session, tenant_by_code(d.session, T).id, sign)
