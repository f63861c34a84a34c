"""The KPA paths clicked through in Chromium against a real ``ezd serve`` stack.

A letter decreed to a unit with no head is re-decreed by the kancelaria (a reason is required:
the form keeps the choice), returned by the head of OR as "niewłaściwa komórka", decreed again
and assigned; the referent sees the new task in the inbox (unread count in the header), opens
the case and extends its term (a wrong date is refused, the reason kept), suspends and resumes
it.  A second letter is forwarded to the competent office after the confirmation.  Each new
page state passes axe-core (WCAG 2.1 AA).  Screenshots go to ``test-artifacts/e2e-kpa/``.
"""

from __future__ import annotations

import random
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ezd.demo import letters

from .test_accessibility import _axe
from .test_e2e_browser import Person, browser, server  # noqa: F401 -- fixtures of this module too

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e-kpa"

pytestmark = pytest.mark.slow


class AxePerson(Person):
    """A signed-in person whose pages axe-core can check (injected inline: the CSP is bypassed
    in this browser context only, as in test_accessibility)."""

    def __init__(self, chromium, base: str, login: str, password: str, shots: Path) -> None:  # type: ignore[no-untyped-def]
        self.ctx = chromium.new_context(
            base_url=base, locale="pl-PL", viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(15_000)
        self.login, self.shots = login, shots
        self.page.goto("/login")
        self.page.get_by_label("Login").fill(login)
        self.page.get_by_label("Hasło").fill(password)
        self.page.get_by_role("button", name="Zaloguj").click()
        self.page.wait_for_url(re.compile(r".*/zadania"))


def _clean(page: Any) -> None:
    violations = _axe(page)
    assert not violations, violations


def _register(kanc: Person, tmp_path: Path, n: int) -> tuple[str, str]:
    letter, jrwa = letters.incoming_letter(
        random.Random(40 + n), "Starostwo Powiatowe w Świdniku", n, date.today()
    )
    path = tmp_path / f"wniosek{n}.xml"
    path.write_bytes(letter)
    kanc.page.goto("/kancelaria/rejestracja")
    kanc.page.get_by_label("Plik (XML, PDF, skan)").set_input_files(str(path))
    kanc.page.get_by_role("button", name="Zarejestruj").click()
    rpw = kanc.page.locator("#rpw-number").inner_text()
    kanc.reload_until("select#unit")
    return rpw, jrwa


def test_kpa_paths_clicked_through_in_chromium(server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    base, creds, _home = server
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)

    def person(login: str) -> Person:
        return AxePerson(browser, base, login, creds[login], ARTIFACTS)

    kanc = person("sw.kancelaria")
    rpw, jrwa = _register(kanc, tmp_path, 1)
    item_url = kanc.page.url.split("?")[0]
    kanc.page.get_by_label("Komórka").select_option("GK")  # GK has no head: the letter would be stuck
    kanc.page.get_by_role("button", name="Dekretuj").click()

    # re-decree: without a reason the form comes back with the choice kept
    kanc.page.get_by_label("Nowa komórka").select_option("OR")
    kanc.page.locator("#reason").fill(" ")
    kanc.page.get_by_role("button", name="Dekretuj ponownie").click()
    assert kanc.page.locator("#reason-error").inner_text() == "Podaj powód ponownej dekretacji."
    assert kanc.page.get_by_label("Nowa komórka").input_value() == "OR"
    _clean(kanc.page)
    kanc.shot("01-ponowna-dekretacja-blad")
    kanc.page.locator("#reason").fill("sprawa organizacyjna")
    kanc.page.get_by_role("button", name="Dekretuj ponownie").click()
    assert kanc.page.locator("#saved").count() == 1

    # the head of OR returns it as "niewłaściwa komórka"
    boss = person("sw.kierownik")
    boss.page.goto(item_url)
    _clean(boss.page)
    boss.page.get_by_role("button", name="Zwróć jako niewłaściwa komórka").click()
    boss.page.wait_for_url(re.compile(r".*/zadania\?ok=1"))

    # decreed again to OR and assigned
    kanc.page.goto(item_url)
    assert "zwrócone do kancelarii" in kanc.page.locator("#item-status").inner_text()
    kanc.shot("02-zwrot-do-kancelarii")
    kanc.page.get_by_label("Komórka").select_option("OR")
    kanc.page.get_by_role("button", name="Dekretuj").click()
    boss.page.goto(item_url)
    boss.page.get_by_label("Referent").select_option("sw.referent")
    boss.page.get_by_role("button", name="Przydziel").click()

    # the referent sees the new task in the inbox
    ref = person("sw.referent")
    assert int(ref.page.locator("#unread-count").inner_text()) >= 1
    ref.page.locator("#inbox-link").click()
    assert ref.page.locator("#inbox").get_by_text(rpw).count() >= 1
    _clean(ref.page)
    ref.shot("03-powiadomienia")
    for box in ref.page.locator("#inbox input[type=checkbox]").all():
        box.check()
    ref.page.get_by_role("button", name="Oznacz wybrane jako przeczytane").click()
    assert ref.page.locator("#unread-count").count() == 0

    # … opens the case and handles its term
    ref.page.goto(item_url)
    ref.page.get_by_label("Załóż nową sprawę w klasie JRWA").fill(jrwa)
    ref.page.get_by_role("button", name="Zapisz decyzję").click()
    ref.page.goto("/zadania")
    ref.reload_until("a[aria-label^='Otwórz OR.']")
    ref.page.locator("a[aria-label^='Otwórz OR.']").first.click()
    ref.page.get_by_label("Nowy termin").fill("31.02.2030")
    ref.page.get_by_label("Przyczyna niezałatwienia sprawy w terminie").fill("opinia biegłego")
    ref.page.get_by_role("button", name="Przedłuż termin i zawiadom stronę").click()
    assert "Niepoprawna data" in ref.page.locator("#until-error").inner_text()
    assert (
        ref.page.get_by_label("Przyczyna niezałatwienia sprawy w terminie").input_value() == "opinia biegłego"
    )
    _clean(ref.page)
    ref.shot("04-przedluzenie-blad")
    ref.page.get_by_label("Nowy termin").fill("15.12.2099")
    ref.page.get_by_role("button", name="Przedłuż termin i zawiadom stronę").click()
    assert "15.12.2099" in ref.page.locator("main").inner_text()
    ref.page.get_by_label("Przyczyna zawieszenia").fill("czekamy na opinię")
    ref.page.get_by_role("button", name="Zawieś postępowanie").click()
    assert ref.page.locator("#case-suspended").count() == 1
    _clean(ref.page)
    ref.shot("05-zawieszenie")
    ref.page.get_by_role("button", name="Podejmij postępowanie").click()
    assert ref.page.locator("#suspend-form").count() == 1
    metryka = ref.page.locator("main").inner_text()
    for entry in ("przedłużenie terminu", "zawieszenie biegu terminu", "podjęcie biegu terminu"):
        assert entry in metryka

    # a second letter belongs to the gmina: forwarded after the confirmation
    rpw2, _ = _register(kanc, tmp_path, 2)
    second = kanc.page.url.split("?")[0]
    kanc.page.get_by_label("Komórka").select_option("OR")
    kanc.page.get_by_role("button", name="Dekretuj").click()
    boss.page.goto(second)
    boss.page.get_by_label("Referent").select_option("sw.referent")
    boss.page.get_by_role("button", name="Przydziel").click()
    ref.page.goto(second)
    ref.page.get_by_label("Urząd właściwy").select_option("ug-melgiew")
    ref.page.get_by_label("Dlaczego właściwy jest ten urząd").fill("droga gminna")
    ref.page.get_by_role("button", name="Przekaż do urzędu właściwego").click()
    assert "Potwierdź przekazanie" in ref.page.locator("#form-error").inner_text()
    assert ref.page.get_by_label("Dlaczego właściwy jest ten urząd").input_value() == "droga gminna"
    _clean(ref.page)
    ref.page.locator("#confirm").check()
    ref.page.get_by_role("button", name="Przekaż do urzędu właściwego").click()
    ref.reload_until("#item-status:has-text('przekazane do urzędu właściwego')")
    assert re.search(r"RPW/\d+/\d{4}", rpw2)
    ref.shot("06-przekazanie")
