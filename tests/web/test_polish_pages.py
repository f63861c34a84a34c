"""Polish everywhere a person looks.

Every page reachable by each role, with records in every state, is crawled and its visible text
(and the alt/title/aria-label/placeholder texts) checked against raw codes and English words.
The catalogue itself is checked: every message the code and templates use is translated, the
compiled ``.mo`` files are the ``.po`` files, Polish plurals, Warsaw time, and every code and
service error the sources can produce has its Polish label.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from collections.abc import Iterator
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from ezd.i18n import errors as error_text
from ezd.services import cases
from ezd.web import errors, labels
from ezd.web.i18n import LOCALE_DIR, local_time, plural_translator, translator

from .conftest import Site
from .test_pages import sign_in

ROOT = Path(__file__).resolve().parents[2]
T = "sp-swidnik"
ROLES = ("sw.kancelaria", "sw.referent", "sw.kierownik", "sw.sekretarz", "sw.archiwista", "sw.admin")

# raw codes a page must never show (the labels' keys that are not Polish words themselves)
RAW_CODES = sorted(
    {*labels.CASE_STATE, *labels.DOCUMENT_STATUS, *labels.DIRECTION, *labels.VERDICT}
    | {a for a in labels.ACTION if "_" in a}
    | {"e-doreczenia", "osobiscie", "epuap", "sp-swidnik", "ug-melgiew", "system:", "admin", "odpowiedz"}
)
ENGLISH = frozenset(
    [
        "the",
        "of",
        "is",
        "and",
        "not",
        "case",
        "cases",
        "error",
        "Error",
        "None",
        "null",
        "True",
        "False",
        "Method",
        "Allowed",
        "Found",
        "choose",
        "sign",
        "lent",
        "reference",
        "internal",
        "request",
        "page",
        "draft",
        "current",
        "done",
        "detail",
        "Sign",
        "Forbidden",
        "open",
        "closed",
    ]
)
LOGIN = re.compile(r"\b(?:sw|mg)\.[a-z][a-z0-9]*\b")
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}")
FORBIDDEN = re.compile(
    r"(?<![\w./-])(" + "|".join(re.escape(w) for w in [*RAW_CODES, *sorted(ENGLISH)]) + r")(?![\w-])"
)


class VisibleText(HTMLParser):
    """Text a person reads or hears: data outside script/style and the accessible attributes."""

    SKIP = frozenset({"script", "style"})
    ATTRS = frozenset({"alt", "title", "aria-label", "placeholder"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRS and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible(html: str) -> str:
    # English parts (the language switch, a verifier's technical reasons) carry lang="en"
    html = re.sub(r'<(a|span|ul|div|p)\b[^>]*lang="en"[^>]*>.*?</\1>', "", html, flags=re.S)
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def offences(path: str, html: str) -> list[str]:
    text = visible(html)
    found = [
        f"{path}: {m.group(1)!r} in …{text[max(0, m.start() - 40) : m.end() + 40]!r}"
        for m in FORBIDDEN.finditer(text)
    ]
    if not path.startswith("/admin"):  # the administrator manages logins; everyone else sees names
        found += [f"{path}: login {m.group(0)!r}" for m in LOGIN.finditer(text)]
    found += [f"{path}: ISO time {m.group(0)!r}" for m in ISO_TIME.finditer(text)]
    return found


LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
NOT_PAGES = ("/static/", "/api/", "/jezyk/", "/files/", "/oidc/", "/dokumenty/")  # files, not pages
FILES = (".pdf", ".csv", ".xml")  # generated files (a label, a register printout), not pages


def crawl(client: TestClient, starts: list[str], limit: int = 80) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen or path.startswith(NOT_PAGES) or "/pobierz/" in path or path.endswith(FILES):
            continue
        r = client.get(path)
        assert r.status_code in (200, 403), f"{path}: {r.status_code}"
        seen[path] = r.text
        queue.extend(m.group(1) for m in LINK.finditer(r.text))
    return seen


@pytest.fixture(scope="module")
def world_in_every_state(shared_site: Site) -> Iterator[Site]:
    w = shared_site.world
    w.register(T)
    w.decreed(T)
    w.assigned(T)
    w.opened(T)
    w.in_approval(T)
    returned = w.in_approval(T)
    boss = w.demo.actor("sw.kierownik")
    w.demo.step(
        lambda d: cases.decide_approval(
            d, boss, tenant=T, case_sign=returned, approved=False, comment="Popraw adres adresata"
        )
    )
    w.closed(T)
    w.archived(T)
    yield shared_site


@pytest.mark.parametrize("login", ROLES)
def test_no_raw_code_or_english_word_on_any_page(world_in_every_state: Site, login: str) -> None:
    client = sign_in(world_in_every_state, login)
    admin = [
        "/admin/komorki",
        "/admin/uzytkownicy",
        "/admin/zastepstwa",
        "/admin/jrwa",
        "/admin/jrwa/klasa/0",
    ]
    admin += ["/admin/pieczec", "/admin/procesy", "/admin/dziennik"]
    pages = crawl(
        client, ["/zadania", "/sprawy", "/rpw", "/wychodzace", "/archiwum", "/admin", "/pulpit", *admin]
    )
    assert len(pages) >= 8, sorted(pages)
    print(login, len(pages), "pages")
    problems = [p for path, html in pages.items() for p in offences(path, html)]
    assert not problems, "\n".join(problems[:30])
    titles = {re.search(r"<title>(.*?)</title>", html, re.S).group(1) for html in pages.values()}  # type: ignore[union-attr]
    assert len(titles) > 1 and "ezd — ezd" not in titles  # every page has its own title


def test_error_pages_are_polish(world_in_every_state: Site) -> None:
    client = sign_in(world_in_every_state, "sw.kancelaria")
    cases_for = {
        "/nie-ma-takiej-strony": (404, "Nie ma takiej strony"),
        f"/sprawy/{T}/OR.0000.99.2026": (404, "W tym urzędzie nie ma sprawy"),
        "/files/zepsuty-link": (404, "Odnośnik wygasł"),
    }
    for path, (status, text) in cases_for.items():
        r = client.get(path, headers={"accept": "text/html"})
        assert r.status_code == status and text in r.text, (path, r.status_code, r.text[-400:])
        assert not offences(path, r.text)
    r = client.get("/wyloguj")  # a form's address opened as a page
    assert r.status_code == 405 and "Tej strony nie otwiera się w ten sposób" in r.text
    r = client.post("/admin/komorki", data={"code": "X", "name": "X"})  # no CSRF token
    assert r.status_code == 403 and "Formularz wygasł" in r.text and not offences("/admin/komorki", r.text)
    # the API says the same catalogue message: Polish, English on request; its code stays put
    r = client.get(f"/api/v1/tenants/{T}/cases/OR.0000.99.2026")
    assert r.status_code == 404 and r.json()["detail"] == "W tym urzędzie nie ma sprawy OR.0000.99.2026."
    assert r.json()["code"] == "not_found"
    r = client.get(f"/api/v1/tenants/{T}/cases/OR.0000.99.2026", headers={"accept-language": "en"})
    assert r.json() == {
        "detail": "There is no case OR.0000.99.2026 in this office.",
        "code": "not_found",
        "fields": [],
    }


def test_the_english_pages_are_english(world_in_every_state: Site) -> None:
    client = sign_in(world_in_every_state, "sw.kierownik")
    client.get("/jezyk/en")
    page = client.get("/zadania").text
    assert 'lang="en"' in page and "My tasks" in page and "Moje zadania" not in page
    sign = world_in_every_state.world.opened(T)
    page = client.get(f"/sprawy/{T}/{sign}").text
    assert "case opened" in page and "założenie sprawy" not in page


# -- the catalogue ------------------------------------------------------------------------------------


def _extracted() -> set[str | tuple[str, str]]:
    method_map = [
        ("ezd/web/**.py", "python"),
        ("ezd/i18n/**.py", "python"),
        ("ezd/web/templates/**.html", "jinja2"),
    ]
    keywords = {"t": None, "tn": (1, 2), "N_": None}
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def _key(value: object) -> tuple[object, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


def test_every_message_is_in_the_compiled_catalogue_in_both_languages() -> None:
    wanted = _extracted()
    assert "Moje zadania" in wanted and ("%(n)d sprawa", "%(n)d spraw") in wanted
    for lang in ("pl", "en"):
        po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as f:
            po = read_po(f, locale=lang)
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
            mo = read_mo(f)
        ids = {m.id if isinstance(m.id, str) else (m.id[0], m.id[1]) for m in po if m.id}
        missing = wanted - ids
        assert not missing, (
            f"{lang}: run scripts/i18n.sh; not in the catalogue: {sorted(map(str, missing))[:10]}"
        )
        # the shipped .mo is the compiled .po (a forgotten compile would ship old texts)
        compiled = {_key(m.id): _key(m.string) for m in mo if m.id and m.string}
        written = {_key(m.id): _key(m.string) for m in po if m.id and any(_key(m.string)) and not m.fuzzy}
        assert compiled == written, f"{lang}: the .mo is stale; run scripts/i18n.sh"
        if lang == "en":
            untranslated = [m.id for m in po if m.id and not all(_key(m.string) or [""])]
            assert not untranslated, untranslated[:10]


def test_polish_plurals_and_warsaw_time() -> None:
    tn = plural_translator("pl")
    shown = [tn("%(n)d sprawa", "%(n)d spraw", n) for n in (1, 4, 5, 12, 22, 25)]
    assert shown == ["1 sprawa", "4 sprawy", "5 spraw", "12 spraw", "22 sprawy", "25 spraw"]
    assert plural_translator("en")("%(n)d sprawa", "%(n)d spraw", 4) == "4 cases"
    # stored naive UTC; Warsaw is UTC+1 in winter and UTC+2 in summer
    assert local_time(datetime(2026, 1, 15, 23, 30)) == "16.01.2026 00:30"
    assert local_time("2026-07-15T10:05:00") == "15.07.2026 12:05"
    assert local_time(date(2026, 3, 1)) == "01.03.2026"
    assert translator("en")("Sprawy") == "Cases"


def _sources(*roots: str) -> Iterator[ast.AST]:
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            yield ast.parse(path.read_text(encoding="utf-8"))


def test_every_metryka_action_and_system_actor_has_a_label() -> None:
    actions: set[str] = set()
    for tree in _sources("ezd", "workers", "records"):
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "action":
                # a code written in the source (a constant, or one of two); an action read from
                # data (an imported metryka) is not a code of ours
                value = node.value
                options = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                actions |= {
                    c.value for c in options if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    assert {"zapis_tresci", "zwrot_do_poprawy", "rejestracja"} <= actions
    assert not actions - set(labels.ACTION), sorted(actions - set(labels.ACTION))
    topics = set(
        re.findall(r'camunda:topic="([^"]+)"', "".join(p.read_text() for p in (ROOT / "bpmn").glob("*.bpmn")))
    )
    assert topics and not topics - set(labels.SYSTEM_ACTOR), sorted(topics - set(labels.SYSTEM_ACTOR))


def _error_lines() -> set[str]:
    """Every literal line the services, records, workers, handlers and the web layer raise, its
    {parts} filled with a sample."""
    roots = ("ezd/services", "ezd/web", "records", "ezd/archive_ops/lending.py", "workers", "ezd/jobs")
    lines: set[str] = set()
    trees = []
    for root in roots:
        path = ROOT / root
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        trees += [ast.parse(f.read_text(encoding="utf-8")) for f in files]
    for tree in trees:
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            if isinstance(node.exc.func, ast.Name) and node.exc.func.id in NOT_A_LINE:
                continue
            arg = node.exc.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                lines.add(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                lines.add("".join(str(v.value) if isinstance(v, ast.Constant) else "X1" for v in arg.values))
    return lines


# raised for programmers, never shown to a person
INTERNAL = (
    "metryka timestamps are naive UTC",
    "no compiled message catalogue",
    "JRWA entries must be",
    "archival category must be a string",
    "cannot write an empty JRWA",
    "unknown deferred engine call",
    "wait_idle needs the app or an engine",
    "archive.prepare_transfer must give",
)
# exceptions whose first argument is a code for the engine or the broker, not a line to read
NOT_A_LINE = frozenset({"BusinessError", "Reject"})


def test_the_error_mappings_own_lines_have_a_page_message() -> None:
    own = [re.sub(r"%\((\w+)\)s", "X1", ln) for ln in errors.OWN]  # filled as the mapping fills them
    assert errors.SIGN_IN in own and len(own) > 10
    assert not [ln for ln in own if error_text.find(ln) is None]
    t = translator("en")
    assert (
        error_text.translate(errors.UNAVAILABLE, t)
        == "The service is temporarily unavailable. Try again shortly."
    )


def test_every_service_error_has_a_polish_message() -> None:
    lines = {ln for ln in _error_lines() if not ln.startswith(INTERNAL)}
    assert "say what to change when returning a draft" in lines and len(lines) > 60
    unknown = sorted(ln for ln in lines if error_text.find(ln) is None)
    assert not unknown, "add to ezd/i18n/errors.py:\n" + "\n".join(unknown)
    t = translator("pl")
    assert (
        error_text.translate("OR.054.2.2026 is already lent out", t)
        == "Akta sprawy OR.054.2.2026 są już wypożyczone."
    )
    assert error_text.translate("something nobody wrote a message for", t).startswith("Nie udało się")


def test_api_docs_work_offline(shared_site: Site) -> None:
    """Swagger UI comes from ezd itself: a gmina's intranet may have no internet."""
    client = TestClient(shared_site.web)
    page = client.get("/api/docs").text
    assert "SwaggerUIBundle" in page and "/api/openapi.json" in page
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/static/") for a in assets), assets  # nothing from a CDN
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
