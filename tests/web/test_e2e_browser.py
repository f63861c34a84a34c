"""The main job clicked through in Chromium (Debian's, headless) against a real ``ezd serve``
stack: uvicorn on 127.0.0.1 with the in-process worker thread, on a seeded embedded home.

kancelaria registers and decrees → kierownik assigns → referent opens the case, issues the
resident's code and sends a draft → kierownik approves (the worker seals and dispatches) →
kancelaria records delivery → archiwista takes the case in and finds it archived; a resident
checks the status.  Screenshots of every step go to ``test-artifacts/e2e/``.
"""

from __future__ import annotations

import random
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ezd.demo import letters
from ezd.web.app import create_app
from ezd.web.worker import InProcessWorker

from .conftest import read_credentials, seeded_home

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
T = "sp-swidnik"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str], Path]]:
    import uvicorn

    home = tmp_path_factory.mktemp("e2e") / "ezd"
    app = seeded_home(home)
    worker = InProcessWorker(app, interval=0.5)
    web = create_app(app, worker=worker)
    worker.start()
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", read_credentials(home), home
    srv.should_exit = True
    thread.join(10)
    worker.stop()
    app.db.dispose()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        from tests.conftest import need_service  # type: ignore[import-not-found]

        need_service("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


class Person:
    def __init__(self, browser, base: str, login: str, password: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
        self.ctx = browser.new_context(base_url=base, locale="pl-PL", viewport={"width": 1280, "height": 900})
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(15_000)
        self.login, self.shots = login, shots
        self.page.goto("/login")
        self.page.get_by_label("Login").fill(login)
        self.page.get_by_label("Hasło").fill(password)
        self.page.get_by_role("button", name="Zaloguj").click()
        self.page.wait_for_url(re.compile(r".*/zadania"))

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def reload_until(self, selector: str, timeout_s: float = 30) -> None:
        """The worker runs in the background: reload until its result shows."""
        deadline = time.monotonic() + timeout_s
        while True:
            if self.page.locator(selector).count():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{selector} did not appear on {self.page.url}")
            time.sleep(0.5)
            self.page.reload()


def test_main_job_clicked_through_in_chromium(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base, creds, _home = server
    shots = ARTIFACTS
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)

    def person(login: str) -> Person:
        return Person(browser, base, login, creds[login], shots)

    letter, jrwa = letters.incoming_letter(
        random.Random(11), "Starostwo Powiatowe w Świdniku", 1, date.today()
    )
    letter_file = tmp_path / "wniosek.xml"
    letter_file.write_bytes(letter)

    # 1. kancelaria registers the letter and sees the RPW number
    kanc = person("sw.kancelaria")
    kanc.page.get_by_role("link", name="Rejestracja pisma").click()
    kanc.page.get_by_label("Plik (XML, PDF, skan)").set_input_files(str(letter_file))
    kanc.page.get_by_role("button", name="Zarejestruj").click()
    rpw = kanc.page.locator("#rpw-number").inner_text()
    assert re.fullmatch(rf"RPW/\d+/{date.today().year}", rpw)
    kanc.shot("01-kancelaria-rejestracja")

    # 2. … and decrees it to the OR unit once validation has run
    kanc.reload_until("select#unit")
    kanc.page.get_by_label("Komórka").select_option("OR")
    kanc.page.get_by_role("button", name="Dekretuj").click()
    assert kanc.page.locator("#item-status").inner_text() == "zadekretowane"
    kanc.shot("02-kancelaria-dekretacja")

    # 3. kierownik assigns the referent from the task list
    boss = person("sw.kierownik")
    boss.page.get_by_role("link", name=f"Otwórz {rpw}").click()
    boss.page.get_by_label("Referent").select_option("sw.referent")
    boss.page.get_by_role("button", name="Przydziel").click()
    assert boss.page.locator("#item-status").inner_text() == "przydzielone referentowi"
    boss.shot("03-kierownik-przydzial")

    # 4. referent opens a case in the JRWA class
    ref = person("sw.referent")
    ref.page.get_by_role("link", name=f"Otwórz {rpw}").click()
    ref.page.get_by_label("Załóż nową sprawę w klasie JRWA").fill(jrwa)
    ref.page.get_by_role("button", name="Zapisz decyzję").click()
    ref.page.goto("/zadania")
    ref.reload_until("a[aria-label^='Otwórz OR.']")
    link = ref.page.locator("a[aria-label^='Otwórz OR.']").first
    sign = link.get_attribute("aria-label").removeprefix("Otwórz ")  # type: ignore[union-attr]
    ref.shot("04-referent-zadania")
    link.click()
    assert ref.page.locator("#case-sign").inner_text() == sign
    ref.page.wait_for_function(  # the diagram is a separate request: wait until it has loaded
        "() => { const i = document.querySelector('#case-diagram');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    ref.shot("05-referent-sprawa")

    # 5. … issues the resident's access code for the receipt
    ref.page.get_by_role("button", name="Wydaj kod").click()
    code = ref.page.locator("#access-code").inner_text()
    ref.shot("06-referent-kod-dostepu")
    ref.page.goto(f"/sprawy/{T}/{sign}")

    # 6. … uploads the reply draft and sends it for approval
    reply = tmp_path / "odpowiedz.xml"
    reply.write_bytes(
        letters.reply_letter("Starostwo Powiatowe w Świdniku", sign, "Jan Kowalski", "pismo", date.today())
    )
    ref.page.get_by_label("Plik (PDF, XML)").set_input_files(str(reply))
    ref.page.get_by_role("button", name="Wyślij do akceptacji").click()
    assert ref.page.locator("#case-state").inner_text() == "w akceptacji"
    ref.shot("07-referent-projekt")

    # 7. kierownik approves from the approval queue; the worker seals and dispatches
    boss.page.get_by_role("link", name="Akceptacje").click()
    boss.shot("08-kierownik-kolejka")
    boss.page.get_by_role("link", name=sign).click()
    boss.page.get_by_role("button", name="Akceptuj i podpisz").click()
    boss.reload_until("text=podpisano e-pieczęcią urzędu")
    boss.shot("09-kierownik-akceptacja-podpis")

    # 8. kancelaria records the delivery receipt; the case closes
    kanc.page.goto(f"/sprawy/{T}/{sign}")
    kanc.reload_until("#receipt_ref")
    kanc.page.get_by_label("Numer UPD/UPO").fill("UPD-2026-1")
    kanc.page.get_by_role("button", name="Zapisz").click()
    kanc.reload_until("#case-state:has-text('zakończona')")
    kanc.shot("10-kancelaria-doreczenie")

    # 9. archiwista takes the case into the archive and finds it
    arch = person("sw.archiwista")
    arch.page.get_by_role("link", name="Archiwum").click()
    arch.page.get_by_label("Szukaj", exact=True).fill(sign)
    arch.page.get_by_role("button", name="Szukaj").click()
    arch.page.locator("#results").get_by_role("link", name=sign).click()
    arch.page.get_by_role("button", name="Przekaż do archiwum").click()
    arch.reload_until("button:has-text('Przyjmij')")
    arch.page.get_by_role("button", name="Przyjmij").click()
    arch.reload_until("#case-state:has-text('zarchiwizowana')")
    arch.page.goto("/archiwum?state=archived")
    assert arch.page.locator("#results").get_by_role("link", name=sign).count() == 1
    arch.shot("11-archiwista-wyszukiwanie")

    # 10. a resident checks the status with the sign and the code (no sign-in)
    resident = browser.new_context(base_url=base, locale="pl-PL").new_page()
    resident.goto("/sprawdz")
    resident.get_by_label("Urząd").select_option(T)
    resident.get_by_label("Znak sprawy").fill(sign)
    resident.get_by_label("Kod dostępu").fill(code)
    resident.get_by_role("button", name="Sprawdź").click()
    status = resident.locator("#public-status").inner_text()
    assert "zarchiwizowana" in status and "Kowalski" not in status
    resident.screenshot(path=str(shots / "12-mieszkaniec-status.png"), full_page=True)

    # 11. the dashboard and the English switch render for the head
    boss.page.get_by_role("link", name="Pulpit").click()
    assert boss.page.locator("svg[role=img]").count() >= 2
    boss.page.get_by_role("link", name="English").click()
    assert boss.page.get_by_role("link", name="My tasks").count() == 1
    boss.shot("13-kierownik-pulpit-en")
