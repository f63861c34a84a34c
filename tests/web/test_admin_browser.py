"""The office administrator in Chromium: a unit, an account with a role and a JRWA class set up
through the pages, then found in the administrative log (screenshots in test-artifacts/admin/)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .test_e2e_browser import Person, browser, server  # noqa: F401  (fixtures of this module too)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin"

pytestmark = pytest.mark.slow


def test_an_office_is_set_up_in_the_browser_and_the_admin_log_shows_it(server, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, creds, _home = server
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    admin = Person(browser, base, "sw.admin", creds["sw.admin"], ARTIFACTS)
    page = admin.page
    page.get_by_role("link", name="Administracja", exact=True).click()

    # a unit under OR
    page.get_by_role("link", name="Komórki", exact=True).click()
    page.locator("#unit-code").fill("OR-K")
    page.locator("#unit-name").fill("Punkt kasowy")
    page.locator("#unit-parent").select_option("OR")
    page.get_by_role("button", name="Dodaj", exact=True).click()
    assert page.locator("#saved").is_visible()
    assert page.get_by_role("cell", name="Punkt kasowy", exact=True).count() == 1
    admin.shot("01-komorka")

    # an account with a role in it; a too short password first: the form keeps what was typed
    page.get_by_role("link", name="Użytkownicy i role").click()
    page.locator("#u-login").fill("sw.kasjer")
    page.locator("#u-name").fill("Barbara Kasjer")
    page.locator("#u-pass").fill("krotkie")
    page.locator("#u-unit").select_option("OR-K")
    page.locator("#u-role").select_option("kancelaria")
    page.get_by_role("button", name="Dodaj konto").click()
    assert "co najmniej 10 znaków" in page.locator("#form-error").inner_text()
    assert page.locator("#u-name").input_value() == "Barbara Kasjer"
    assert page.locator("#u-pass").input_value() == ""  # a password is never sent back
    page.locator("#u-pass").fill("haslo-kasjera-1")
    page.get_by_role("button", name="Dodaj konto").click()
    assert page.locator("#saved").is_visible()
    row = page.get_by_role("row").filter(has_text="sw.kasjer")
    assert "kancelaria (OR-K)" in row.inner_text()
    admin.shot("02-konto")

    # a JRWA class: a wrong category is named at its field, then a right one
    page.get_by_role("link", name="JRWA", exact=True).click()
    page.locator("#c-symbol").fill("9")
    page.locator("#c-title").fill("Sprawy różne")
    page.locator("#c-category").fill("C3")
    page.get_by_role("button", name="Dodaj klasę").click()
    assert "C3" in page.locator("#category-error").inner_text()
    assert page.locator("#c-title").input_value() == "Sprawy różne"
    page.locator("#c-category").fill("B5")
    page.get_by_role("button", name="Dodaj klasę").click()
    assert page.get_by_role("link", name="Sprawy różne").count() == 1
    admin.shot("03-jrwa")

    # the administrative log shows all three, by name, in Warsaw time
    page.get_by_role("link", name="Dziennik administracyjny").click()
    log = page.locator("main table").inner_text()
    for action in (
        "utworzenie komórki",
        "utworzenie konta",
        "nadanie roli",
        "zmiana hasła",
        "dodanie klasy JRWA",
    ):
        assert action in log, action
    assert "Administrator systemu" in log and "Punkt kasowy" in log and "Sprawy różne" in log
    assert re.search(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", log)
    page.locator("#f-action").select_option("dodanie_klasy_jrwa")
    page.get_by_role("button", name="Pokaż").click()
    filtered = page.locator("main table tbody").inner_text()
    assert "Sprawy różne" in filtered and "Punkt kasowy" not in filtered
    admin.shot("04-dziennik")
    admin.ctx.close()
