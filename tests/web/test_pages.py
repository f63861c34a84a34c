"""Server-rendered pages: form sign-in with CSRF, role navigation, Polish/English, errors."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

T = "sp-swidnik"


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field in the form"
    return m.group(1)


def sign_in(site, login: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(site.web, raise_server_exceptions=False)
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"login": login, "password": site.creds[login], "csrf_token": token, "next": "/zadania"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/zadania"
    return client


def test_sign_in_form_needs_its_csrf_token_and_rejects_bad_passwords(site) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(site.web, raise_server_exceptions=False)
    client.get("/login")
    good = {"login": "sw.admin", "password": site.creds["sw.admin"]}
    r = client.post("/login", data={**good, "csrf_token": "x"})
    assert r.status_code == 403 and "ezd_session" not in r.headers.get("set-cookie", "")
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"login": "sw.admin", "password": "nope-nope-nope", "csrf_token": token})
    assert r.status_code == 401 and "Nieprawidłowy login" in r.text
    # an open redirect through ?next= is not possible
    r = client.post(
        "/login",
        data={**good, "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/zadania"


def test_forms_of_a_signed_in_person_need_the_session_csrf_token(site) -> None:  # type: ignore[no-untyped-def]
    admin = sign_in(site, "sw.admin")
    page = admin.get("/admin").text
    assert admin.post("/admin/komorki", data={"code": "NOWY", "name": "Nowy"}).status_code == 403
    form = {"code": "NOWY", "name": "Nowy", "csrf_token": csrf_of(page)}
    ok = admin.post("/admin/komorki", data=form, follow_redirects=False)
    assert ok.status_code == 303
    assert "NOWY" in admin.get("/admin").text


def test_navigation_follows_roles_and_language_switches(site) -> None:  # type: ignore[no-untyped-def]
    kanc = sign_in(site, "sw.kancelaria")
    page = kanc.get("/zadania").text
    assert 'lang="pl"' in page and "Rejestracja pisma" in page and "Administracja" not in page
    assert 'href="#main"' in page  # skip link for keyboard users
    kanc.get("/jezyk/en")
    page = kanc.get("/zadania").text
    assert 'lang="en"' in page and "My tasks" in page and "Register incoming" in page
    archivist = sign_in(site, "sw.archiwista")
    page = archivist.get("/zadania").text
    assert "Archiwum" in page and "Rejestracja pisma" not in page
    assert archivist.get("/kancelaria/rejestracja").status_code == 403  # only the kancelaria registers mail
    assert archivist.get("/rpw").status_code == 403  # the register itself is refused by the service


def test_pages_redirect_to_sign_in_and_errors_are_pages_without_internals(site) -> None:  # type: ignore[no-untyped-def]
    anon = TestClient(site.web, raise_server_exceptions=False)
    r = anon.get("/sprawy", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    sign = site.world.opened(T)
    outsider = sign_in(site, "mg.kierownik")
    r = outsider.get(f"/sprawy/{T}/{sign}")
    assert r.status_code == 404 and "<html" in r.text and "Traceback" not in r.text


def test_case_page_shows_documents_metryka_deadline_and_diagram(site) -> None:  # type: ignore[no-untyped-def]
    sign = site.world.in_approval(T)
    boss = sign_in(site, "sw.kierownik")
    page = boss.get(f"/sprawy/{T}/{sign}").text
    for text in ("Metryka sprawy", "Dokumenty", "Termin załatwienia", "Akceptuj i podpisz", "diagram.svg"):
        assert text in page
    svg = boss.get(f"/api/v1/tenants/{T}/cases/{sign}/diagram.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert re.search(r'data-id="Task_Approve" data-status="current"', svg.text)
    assert re.search(r'data-id="Task_Draft" data-status="done"', svg.text)
    dashboard = boss.get("/pulpit").text
    assert dashboard.count('role="img"') >= 2  # intake and open/closed; nothing is overdue yet
