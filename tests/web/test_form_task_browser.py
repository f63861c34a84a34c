"""A user task added as in Camunda Modeler, done in the web UI (Chromium, headless).

"Kontrola formalna" (an enum, a bounded long, a boolean and a date, and a gateway on the enum)
goes into a copy of bpmn/incoming.bpmn, deployed with ``ezd bpmn deploy``; the kancelaria's
clerk finds it in "Moje zadania", fills the generated form (labels, one Polish error beside its
field, typed data kept, dates dd.mm.rrrr, axe-core clean) and takes one letter on to the decree
and the other to the end for formal gaps.  The values land in the item's metryka.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ezd.bootstrap import App
from ezd.web.app import create_app
from ezd.web.worker import InProcessWorker
from tests.office.test_generic_task import open_keys, with_formal_check
from tests.office.test_office_cli import listing
from tests.office.test_office_seal import item_entries, register

from .conftest import read_credentials
from .test_accessibility import AXE, _axe
from .test_e2e_browser import CHROMIUM, _free_port, browser  # noqa: F401  (the browser fixture)

MG = "ug-melgiew"
pytestmark = pytest.mark.slow


def _serve(app: App) -> Iterator[str]:
    import uvicorn

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
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
        worker.stop()


def _field_error(page: Any, field: str) -> str:
    """The message beside a field, checked to be tied to it for screen readers."""
    control = page.locator(f"#ff-{field}")
    assert control.get_attribute("aria-invalid") == "true"
    assert control.get_attribute("aria-describedby") == f"{field}-error"
    return str(page.locator(f"#{field}-error").inner_text())


def test_modeler_task_done_in_the_browser(
    seeded_app: App,
    browser: Any,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not AXE.exists():
        from tests.conftest import need_service  # type: ignore[import-not-found]

        need_service("axe-core is not installed: npm ci --prefix tests/web/node")
    app, home = seeded_app, seeded_app.settings.resolved_home
    deployed = listing(monkeypatch, capsys, home, "bpmn", "deploy", str(with_formal_check(tmp_path)))
    assert [(d["process_key"], d["version"]) for d in deployed if d["new"]] == [("ezd_incoming", 2)]
    complete = register(app, MG, "mg.kancelaria", "Urząd Gminy Mełgiew", 31)
    gaps = register(app, MG, "mg.kancelaria", "Urząd Gminy Mełgiew", 32)
    password = read_credentials(home)["mg.kancelaria"]

    for base in _serve(app):
        # bypass_csp: axe is injected as an inline script, which the pages' CSP rightly refuses
        ctx = browser.new_context(
            base_url=base, locale="pl-PL", viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        page.goto("/login")
        page.get_by_label("Login").fill("mg.kancelaria")
        page.get_by_label("Hasło").fill(password)
        page.get_by_role("button", name="Zaloguj").click()
        page.wait_for_url(re.compile(r".*/zadania"))

        # the list names the task as drawn in the Modeler and offers its form
        rows = page.locator("#task-table tbody tr", has_text="Kontrola formalna")
        assert rows.count() == 2
        page.get_by_role("link", name=f"Wykonaj: Kontrola formalna {complete}").click()
        assert page.locator("h1").inner_text() == "Kontrola formalna"
        assert complete in page.locator("main").inner_text()
        assert page.get_by_label("Wynik kontroli").get_attribute("aria-required") == "true"
        assert [
            o.strip() for o in page.get_by_label("Wynik kontroli").locator("option").all_inner_texts()
        ] == [
            "— wybierz —",
            "Kompletne",
            "Braki formalne",
        ]
        assert not _axe(page)

        # a required choice left empty: one Polish message beside it, the typed values kept
        page.get_by_label("Liczba stron").fill("0")
        page.get_by_label("Termin uzupełnienia").fill("jutro")
        page.get_by_label("Pilne").check()
        page.get_by_role("button", name="Wykonaj zadanie").click()
        assert _field_error(page, "wynik") == "Pole „Wynik kontroli” jest wymagane."
        assert page.get_by_label("Liczba stron").input_value() == "0"
        assert page.get_by_label("Termin uzupełnienia").input_value() == "jutro"
        assert page.get_by_label("Pilne").is_checked()
        assert not _axe(page)  # the refused form is accessible too

        page.get_by_label("Wynik kontroli").select_option(label="Kompletne")
        page.get_by_role("button", name="Wykonaj zadanie").click()
        assert _field_error(page, "liczba_stron") == "pole „Liczba stron”: co najmniej 1."
        assert page.get_by_label("Wynik kontroli").input_value() == "kompletne"

        page.get_by_label("Liczba stron").fill("3")
        page.get_by_role("button", name="Wykonaj zadanie").click()
        assert _field_error(page, "termin") == "pole „Termin uzupełnienia”: podaj datę dd.mm.rrrr."
        assert page.get_by_label("Liczba stron").input_value() == "3"

        page.get_by_label("Termin uzupełnienia").fill("15.01.2027")
        page.get_by_role("button", name="Wykonaj zadanie").click()
        page.wait_for_url(re.compile(r".*/zadania\?ok=1"))
        assert page.locator("#saved").inner_text() == "Zapisano."

        # the other letter goes the "braki" way: the gateway ends its process
        page.get_by_role("link", name=f"Wykonaj: Kontrola formalna {gaps}").click()
        page.get_by_label("Wynik kontroli").select_option(label="Braki formalne")
        page.get_by_role("button", name="Wykonaj zadanie").click()
        page.wait_for_url(re.compile(r".*/zadania\?ok=1"))
        assert page.locator("#task-table tbody tr", has_text="Kontrola formalna").count() == 0
        ctx.close()

    assert open_keys(app, f"{MG}/{complete}") == ["Task_Decree"]
    assert open_keys(app, f"{MG}/{gaps}") == []
    [done] = [e for e in item_entries(app, MG, complete) if e.action == "zadanie_wykonane"]
    assert done.details["zadanie"] == "Kontrola formalna"
    assert done.details["wartosci"] == {
        "wynik": "kompletne",
        "liczba_stron": 3,
        "pilne": True,
        "termin": "2027-01-15",
    }
    [braki] = [e for e in item_entries(app, MG, gaps) if e.action == "zadanie_wykonane"]
    assert braki.details["wartosci"]["wynik"] == "braki" and braki.details["wartosci"]["pilne"] is False
