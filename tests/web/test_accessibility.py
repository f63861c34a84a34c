"""Accessible by law (WCAG 2.1 AA, ustawa z 4 kwietnia 2019 r. o dostępności cyfrowej): axe-core
in Chromium, with the WCAG 2.1 A and AA rules, on every page of every role, with records in
every state; any violation fails.  Also: each page has its own title, and pages reflow at 320 px
(no sideways scrolling of the page itself; wide tables scroll inside their own box).

axe-core comes from npm (``tests/web/node``, installed by ``scripts/test.sh``).  Pages are
found by following the links each role sees, one page per kind of address (every RPW item and
case page is kept: their forms differ by state).
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

from ezd.db.tables import Tenant
from ezd.db.tables_office import OfficeSeal
from ezd.services import cases
from ezd.web.app import create_app

from .conftest import World, read_credentials, seeded_home
from .test_e2e_browser import CHROMIUM, _free_port

AXE = Path(__file__).resolve().parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "axe"
T = "sp-swidnik"
ROLES = ("sw.kancelaria", "sw.referent", "sw.kierownik", "sw.sekretarz", "sw.archiwista", "sw.admin")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NOT_PAGES = ("/static/", "/api/", "/jezyk/", "/files/", "/oidc/", "/dokumenty/", "/wyloguj")
FILES = (".pdf", ".csv", ".xml")  # generated files (a label, a register printout), not pages
PER_ROLE = 40

pytestmark = pytest.mark.slow


def _disposal_request(app: Any) -> None:
    """A disposal request awaiting consent and a transfer list: their pages (and forms) are crawled."""
    from ezd.archive_ops import disposal
    from ezd.services.actor import system_actor
    from tests.archive.helpers import add_entry

    for n in (1, 2):
        add_entry(
            app,
            tenant=T,
            sign=f"OR.0001.{n}.2014",
            title="Zaproszenia",
            category="BE5",
            retention_until=date(2020, 1, 1),
            store=app.store,
        )
    with app.uow() as uow:
        disposal.request_disposal(
            uow.session, app.store, system_actor("archiwista-a11y"), tenant=T, as_of=disposal.office_today()
        )
        uow.commit()
    # a transfer list made (its page is crawled), then one more record: pending for the next
    # list, and due for disposal, so both forms show too
    from ezd.archive_ops.spis import create_transfer_list

    with app.uow() as uow:
        create_transfer_list(uow.session, app.store, system_actor("archiwista-a11y"), tenant=T, unit="OR")
        uow.commit()
    add_entry(
        app,
        tenant=T,
        sign="OR.0001.3.2014",
        title="Zaproszenia",
        category="B5",
        retention_until=date(2020, 1, 1),
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    import uvicorn

    from ezd.demo.driver import Demo

    if not AXE.exists():
        from tests.conftest import need_service  # type: ignore[import-not-found]

        need_service("axe-core is not installed: npm ci --prefix tests/web/node")
    home = tmp_path_factory.mktemp("axe") / "ezd"
    app = seeded_home(home)
    world = World(app, Demo(app))
    world.register(T)
    world.decreed(T)
    world.assigned(T)
    world.opened(T)
    world.in_approval(T)
    returned = world.in_approval(T)
    boss = world.demo.actor("sw.kierownik")
    world.demo.step(
        lambda d: cases.decide_approval(
            d, boss, tenant=T, case_sign=returned, approved=False, comment="Popraw"
        )
    )
    world.closed(T)
    world.in_transfer(T)
    world.archived(T)
    _disposal_request(app)
    # last, a failed system step (the office's e-seal gone): the incidents page, the case page's
    # alert and the dashboard's count are crawled in that state too
    held = world.in_approval(T)
    with app.uow() as uow:
        office = uow.session.execute(select(Tenant).where(Tenant.code == T)).scalar_one()
        uow.session.execute(delete(OfficeSeal).where(OfficeSeal.tenant_id == office.id))
        uow.commit()
    world.demo.step(lambda d: cases.decide_approval(d, boss, tenant=T, case_sign=held, approved=True))
    world.demo.work()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(app), host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", read_credentials(home)
    server.should_exit = True
    thread.join(10)
    app.db.dispose()


@pytest.fixture(scope="module")
def chromium():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        from tests.conftest import need_service  # type: ignore[import-not-found]

        need_service("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-sync"]
        )
        yield browser
        browser.close()


def _kind(path: str) -> str:
    """One page per kind of address, except items and cases (their forms differ by state)."""
    if path.startswith(("/rpw/", "/sprawy/")) and path.count("/") >= 3:
        return path
    return re.sub(r"\d+", "N", path)


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false});
            return r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary)}));
        }""",
        WCAG,
    )
    return list(result)


SIGNATURE_JS = """() => [location.pathname.replace(/[0-9]+/g, 'N').replace(/[A-Z]{2}[.][0-9N.]+/, 'SIGN'),
    ...[...document.querySelectorAll('main h2, main form')].map(e => e.tagName + ':' + (e.getAttribute('action') || e.textContent.trim().slice(0, 40)).replace(/[0-9]+/g, 'N'))].join('|')"""


def _check_role(
    page: Any, login: str, password: str, checked: set[str], problems: list[str]
) -> dict[str, str]:
    """Sign in as ``login`` and check every page rendering not yet checked; return their titles."""
    shots = ARTIFACTS / login
    shots.mkdir(parents=True, exist_ok=True)
    page.goto("/login")
    if "login" not in checked:
        checked.add("login")
        problems += [f"/login: {v['id']}: {v['nodes']}" for v in _axe(page)]
    page.get_by_label("Login").fill(login)
    page.get_by_label("Hasło").fill(password)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url(re.compile(r".*/zadania"))
    titles: dict[str, str] = {}
    seen: set[str] = set()
    queue = deque(START)
    while queue and len(seen) < PER_ROLE:
        path = queue.popleft()
        if _kind(path) in seen or path.startswith(NOT_PAGES) or "/pobierz/" in path or path.endswith(FILES):
            continue
        seen.add(_kind(path))
        response = page.goto(path)
        if response is None or response.status == 403:
            continue  # a page of another role: the refusal page is checked once, below
        final = page.evaluate("location.pathname")
        titles.setdefault(final, page.title())
        links = page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
        queue.extend(str(h).split("?", 1)[0].split("#", 1)[0] for h in links)
        signature = page.evaluate(SIGNATURE_JS)
        if signature in checked:
            continue  # this rendering (same page, same sections and forms) was checked for a role before
        checked.add(signature)
        problems += [f"{login} {path}: {v['id']} ({v['help']}): {v['nodes']}" for v in _axe(page)]
        # reflow at 320 px: the page itself never scrolls sideways (WCAG 1.4.10)
        page.set_viewport_size({"width": 320, "height": 800})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            widest = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .slice(-3).map(e => e.tagName + '.' + e.className + '#' + e.id)"""
            )
            problems.append(f"{login} {path}: does not reflow at 320 px ({overflow} px wider): {widest}")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(
            path=str(shots / (re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") + ".png")), full_page=True
        )
    page.goto("/archiwum" if login != "sw.archiwista" else "/admin")  # a refusal page, once
    if "refusal" not in checked:
        checked.add("refusal")
        problems += [f"{login} refusal page: {v['id']}: {v['nodes']}" for v in _axe(page)]
    page.locator("form[action='/wyloguj'] button").click()
    return titles


START = [
    "/zadania",
    "/sprawy",
    "/rpw",
    "/wychodzace",
    "/akceptacje",
    "/wydzial",
    "/pulpit",
    "/archiwum",
    "/archiwum/brakowanie",
    "/admin",
    "/admin/incydenty",
    "/admin/komorki",
    "/admin/uzytkownicy",
    "/admin/zastepstwa",
    "/admin/jrwa",
    "/admin/jrwa/klasa/0",
    "/admin/pieczec",
    "/admin/procesy",
    "/admin/dziennik",
    "/kancelaria/rejestracja",
]


def test_every_page_of_every_role_meets_wcag_21_aa(stack: tuple[str, dict[str, str]], chromium: Any) -> None:
    base, creds = stack
    # bypass_csp: axe is injected as an inline script, which the pages' CSP rightly refuses
    ctx = chromium.new_context(
        base_url=base, locale="pl-PL", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    checked: set[str] = set()
    problems: list[str] = []
    for login in ROLES:
        titles = _check_role(page, login, creds[login], checked, problems)
        assert len(titles) >= 2, (login, titles)
        assert len(set(titles.values())) == len(titles), titles  # every page has its own title
    page.goto("/sprawdz")  # the residents' page, signed out
    problems += [f"/sprawdz: {v['id']}: {v['nodes']}" for v in _axe(page)]
    ctx.close()
    assert len(checked) >= 20, sorted(checked)
    assert not problems, "\n".join(problems[:40])
