"""Brakowanie clicked through in Chromium against a real uvicorn: request → the state archive's
consent (a PDF uploaded) → destruction → the destruction protocol downloaded as PDF.
Screenshots go to ``test-artifacts/disposal/``.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from ezd.archive_ops.disposal import office_today
from ezd.web.app import create_app
from tests.archive.helpers import add_entry

from .conftest import read_credentials, seeded_home
from .test_e2e_browser import _free_port, browser  # noqa: F401  (the module's Chromium fixture)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "disposal"
T = "sp-swidnik"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    import uvicorn

    home = tmp_path_factory.mktemp("disposal") / "ezd"
    app = seeded_home(home)
    add_entry(
        app,
        tenant=T,
        sign="OR.0001.1.2014",
        title="Zaproszenia na narady",
        category="B5",
        retention_until=date(2020, 1, 1),
        store=app.store,
    )
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
    yield f"http://127.0.0.1:{port}", read_credentials(home)
    srv.should_exit = True
    thread.join(10)
    app.db.dispose()


def test_disposal_clicked_through_in_chromium(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, creds = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(
        base_url=base, locale="pl-PL", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login")
    page.get_by_label("Login").fill("sw.archiwista")
    page.get_by_label("Hasło").fill(creds["sw.archiwista"])
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url(re.compile(r".*/zadania"))

    # 1. the due list and the request
    page.goto("/archiwum/brakowanie")
    assert "OR.0001.1.2014" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "01-do-brakowania.png"), full_page=True)
    page.get_by_role("button", name="Złóż wniosek o zgodę na brakowanie").click()
    year = office_today().year
    page.wait_for_url(re.compile(rf".*/archiwum/brakowanie/{year}/1$"))
    assert page.locator("h1").inner_text() == f"Wniosek o brakowanie nr 1/{year}"
    assert "czeka na zgodę archiwum państwowego" in page.locator("main").inner_text()

    # 2. the state archive's decision: a PDF, its reference and date
    decision = tmp_path / "zgoda.pdf"
    decision.write_bytes(b"%PDF-1.4\n% zgoda AP Lublin\n")
    page.get_by_label("Decyzja archiwum (PDF albo skan)").set_input_files(str(decision))
    page.get_by_label("Znak pisma archiwum państwowego").fill("AP.4131.12.2026")
    page.get_by_label("Data decyzji").fill(office_today().isoformat())
    page.get_by_role("button", name="Zapisz zgodę").click()
    page.wait_for_load_state()
    assert "AP.4131.12.2026" in page.locator("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "02-zgoda.png"), full_page=True)

    # 3. destruction
    page.get_by_role("button", name="Zniszcz dokumentację i sporządź protokół").click()
    page.wait_for_url(re.compile(r".*wykonano=1$"))
    main = page.locator("main").inner_text()
    assert "Dokumentację zniszczono" in main and "zniszczona" in main
    page.screenshot(path=str(ARTIFACTS / "03-zniszczono.png"), full_page=True)

    # 4. the destruction protocol, as PDF
    with page.expect_download() as got:
        page.get_by_role("link", name="Pobierz protokół zniszczenia (PDF)").click()
    saved = tmp_path / "protokol.pdf"
    got.value.save_as(saved)
    assert got.value.suggested_filename == f"protokol-1-{year}.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    ctx.close()
