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
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    import uvicorn

    from ezd.demo.driver import Demo

    home = tmp_path_factory.mktemp("roles") / "ezd"
    app = seeded_home(home)
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
    yield Office(f"http://127.0.0.1:{port}", read_credentials(home), World(app, Demo(app)))
    srv.should_exit = True
    thread.join(10)
    app.db.dispose()


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
    upload = tmp_path / "wniosek.xml"
    upload.write_bytes(letter)
    kanc.shot("01-zadania")
    kanc.page.get_by_role("link", name="Rejestracja pisma").click()
    kanc.shot("02-rejestracja")
    kanc.page.get_by_label("Plik (XML, PDF, skan)").set_input_files(str(upload))
    kanc.page.get_by_role("button", name="Zarejestruj").click()
    rpw = kanc.page.locator("#rpw-number").inner_text()
    office.world.demo.work()  # validation, receipt (UPP)
    kanc.page.reload()
    kanc.shot("03-pismo-zarejestrowane")
    kanc.page.get_by_label("Komórka").select_option("OR")
    kanc.page.get_by_role("button", name="Dekretuj").click()
    assert kanc.page.locator("#item-status").inner_text() == "zadekretowane"
    kanc.shot("04-dekretacja")
    kanc.page.get_by_role("link", name="Rejestr przesyłek wpływających").click()
    assert kanc.page.get_by_text(rpw, exact=True).count() >= 1
    kanc.shot("05-rpw")
    kanc.page.get_by_role("link", name="Rejestr przesyłek wychodzących").click()
    kanc.shot("06-wychodzace")


def test_referent_opens_the_case_and_sends_a_pdf_reply(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    rpw, jrwa = office.world.assigned(T)
    ref = _person(office, browser, "sw.referent", _shots(tmp_path, "referent"))
    ref.shot("01-zadania")
    ref.page.get_by_role("link", name=f"Otwórz {rpw}").click()
    ref.shot("02-pismo")
    ref.page.get_by_label("Załóż nową sprawę w klasie JRWA").fill(jrwa)
    ref.page.get_by_role("button", name="Zapisz decyzję").click()
    office.world.demo.work()  # the case is created
    ref.page.goto("/zadania")
    link = ref.page.locator("a[aria-label^='Otwórz OR.']").first
    sign = str(link.get_attribute("aria-label")).removeprefix("Otwórz ")
    link.click()
    ref.shot("03-sprawa")
    reply = tmp_path / "odpowiedz.pdf"
    reply.write_bytes(letters.reply_pdf(OFFICE, sign, "Jan Kowalski", "Państwa pismo", date.today()))
    ref.page.get_by_label("Plik (PDF, XML)").set_input_files(str(reply))
    ref.page.get_by_role("button", name="Wyślij do akceptacji").click()
    assert ref.page.locator("#case-state").inner_text() == "w akceptacji"
    ref.shot("04-projekt-wyslany")
    ref.page.get_by_role("link", name="Sprawy").first.click()
    ref.shot("05-sprawy")


def test_kierownik_assigns_approves_and_reads_the_dashboard(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    rpw, _ = office.world.decreed(T)
    sign = office.world.in_approval(T)
    boss = _person(office, browser, "sw.kierownik", _shots(tmp_path, "kierownik"))
    boss.shot("01-zadania")
    boss.page.get_by_role("link", name=f"Otwórz {rpw}").click()
    boss.page.get_by_label("Referent").select_option("sw.referent")
    boss.page.get_by_role("button", name="Przydziel").click()
    assert boss.page.locator("#item-status").inner_text() == "przydzielone referentowi"
    boss.shot("02-przydzial")
    boss.page.get_by_role("link", name="Akceptacje").click()
    boss.shot("03-akceptacje")
    boss.page.get_by_role("link", name=sign).click()
    boss.shot("04-projekt-do-akceptacji")
    boss.page.get_by_role("button", name="Akceptuj i podpisz").click()
    office.world.demo.work()  # sealed and dispatched
    boss.page.goto(f"/sprawy/{T}/{sign}")
    assert boss.page.get_by_text("podpisano e-pieczęcią urzędu").count() >= 1
    boss.shot("05-podpisano")
    boss.page.get_by_role("link", name="Wydział").click()
    boss.shot("06-wydzial")
    boss.page.get_by_role("link", name="Pulpit").click()
    assert boss.page.locator("#incident-count").count() == 1
    boss.shot("07-pulpit")


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
    sec.shot("01-zadania")
    sec.page.get_by_role("link", name="Akceptacje").click()
    sec.shot("02-akceptacje")
    sec.page.get_by_role("link", name=sign).click()
    sec.page.get_by_role("button", name="Akceptuj i podpisz").click()
    world.demo.work()
    sec.page.goto(f"/sprawy/{T}/{sign}")
    assert sec.page.get_by_text("podpisano e-pieczęcią urzędu").count() >= 1
    sec.shot("03-podpisano")
    sec.page.get_by_role("link", name="Rejestr przesyłek wychodzących").click()
    assert sec.page.get_by_text(sign).count() >= 1
    sec.shot("04-wychodzace")


def test_archiwista_takes_a_case_into_the_archive(
    office: Office,
    browser: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    sign = office.world.closed(T)
    arch = _person(office, browser, "sw.archiwista", _shots(tmp_path, "archiwista"))
    arch.page.get_by_role("link", name="Archiwum").click()
    arch.shot("01-archiwum")
    arch.page.get_by_label("Szukaj", exact=True).fill(sign)
    arch.page.get_by_role("button", name="Szukaj").click()
    arch.page.locator("#results").get_by_role("link", name=sign).click()
    arch.page.get_by_role("button", name="Przekaż do archiwum").click()
    office.world.demo.work()
    arch.page.goto(f"/sprawy/{T}/{sign}")
    arch.shot("02-przekazanie")
    arch.page.get_by_role("button", name="Przyjmij").click()
    office.world.demo.work()
    arch.page.goto(f"/sprawy/{T}/{sign}")
    assert "zarchiwizowana" in arch.page.locator("#case-state").inner_text()
    arch.shot("03-zarchiwizowana")
    arch.page.goto("/archiwum/blokady")
    arch.shot("04-blokady")
    arch.page.goto("/archiwum/integralnosc")
    arch.shot("05-integralnosc")


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
        admin.page.get_by_role("link", name="Administracja").click()
        admin.shot("01-administracja")
        admin.page.get_by_label("Login", exact=True).fill("sw.nowy")
        admin.page.get_by_label("Imię i nazwisko").fill("Ewa Nowicka")
        admin.page.get_by_label("Hasło").fill("Nowe-haslo-2026")
        admin.page.get_by_role("button", name="Dodaj").first.click()
        assert admin.page.get_by_text("Ewa Nowicka").count() == 1
        admin.shot("02-nowy-uzytkownik")
        admin.page.get_by_role("link", name="Incydenty").click()
        assert admin.page.locator("#incidents").get_by_role("link", name=sign).count() == 1
        admin.page.locator("#incidents details summary").first.click()
        admin.shot("03-incydenty")
    finally:
        import_seal(world.app)  # the cause fixed
    admin.page.get_by_role("button", name=f"Ponów {sign}").click()
    world.demo.work()
    admin.page.reload()
    assert admin.page.locator("#no-incidents").count() == 1
    admin.shot("04-ponowiono")
    assert world.case_state(T, sign) == "in_approval"  # waits for the delivery receipt only
    assert world.demo.step(lambda d: cases.current_draft(d.session, _case(d, sign)).status) == "dispatched"


def _case(d: Any, sign: str) -> Any:
    from ezd.services.lookup import case_by_sign, tenant_by_code

    return case_by_sign(d.session, tenant_by_code(d.session, T).id, sign)
