"""The web administration of an office (pages and API) and the system administrator's offices."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from sqlalchemy import select

from ezd.db.tables import MetrykaEntry, Unit, User
from ezd.services.audit import tenant_chain

from .conftest import Site, make_site
from .test_pages import csrf_of, sign_in
from .test_polish_pages import offences

SW, MG = "sp-swidnik", "ug-melgiew"
PAGES = (
    "/admin",
    "/admin/komorki",
    "/admin/uzytkownicy",
    "/admin/zastepstwa",
    "/admin/jrwa",
    "/admin/jrwa/klasa/0",
    "/admin/pieczec",
    "/admin/procesy",
    "/admin/dziennik",
)


def _post(client, path: str, data: dict[str, str], page: str = "/admin"):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(page).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _log(site: Site, tenant: str) -> list[tuple[str, str]]:
    """(actor, action) of the office's chain, oldest first."""
    with site.app.uow() as uow:
        rows = uow.session.execute(
            select(MetrykaEntry.actor, MetrykaEntry.action)
            .where(MetrykaEntry.chain_key == tenant_chain(tenant))
            .order_by(MetrykaEntry.seq)
        ).all()
    return [(actor, action) for actor, action in rows]


def test_an_office_administrator_runs_the_office_from_the_pages(shared_site: Site) -> None:
    site = shared_site
    admin = sign_in(site, "sw.admin")
    for path in PAGES:
        r = admin.get(path)
        assert r.status_code == 200, (path, r.status_code)
        assert not offences(path, r.text), offences(path, r.text)[:5]
    # units: a child of OR, renamed, closed (kept, with its date)
    assert (
        _post(admin, "/admin/komorki", {"code": "OR-P", "name": "Punkt", "parent": "OR"}).status_code == 303
    )
    assert (
        _post(admin, "/admin/komorki/nazwa", {"unit": "OR-P", "new_name": "Punkt obsługi"}).status_code == 303
    )
    bad = _post(admin, "/admin/komorki", {"code": "zły kod", "name": "Dział X"})
    assert (
        bad.status_code == 400 and "Kod komórki" in html.unescape(bad.text) and 'value="Dział X"' in bad.text
    )
    assert _post(admin, "/admin/komorki/zamknij", {"unit": "OR-P"}).status_code == 303
    page = html.unescape(admin.get("/admin/komorki").text)
    assert "Punkt obsługi" in page and "zamknięta od" in page
    # an account with a role and a password, disabled and enabled again
    r = _post(
        admin,
        "/admin/uzytkownicy",
        {
            "login": "sw.nowak",
            "full_name": "Jan Nowak",
            "password": "tajne-haslo-123",
            "unit": "OR",
            "role": "referent",
        },
    )
    assert r.status_code == 303, r.text[-500:]
    short = _post(admin, "/admin/uzytkownicy/haslo", {"login": "sw.nowak", "password": "krotkie"})
    assert short.status_code == 400 and "co najmniej 10 znaków" in html.unescape(short.text)
    assert "krotkie" not in short.text  # a password is never shown back
    assert _post(admin, "/admin/uzytkownicy/konto", {"login": "sw.nowak", "active": "0"}).status_code == 303
    with site.app.uow() as uow:
        user = uow.session.execute(select(User).where(User.login == "sw.nowak")).scalar_one()
        assert not user.active and user.password_hash and "tajne" not in user.password_hash
    assert _post(admin, "/admin/uzytkownicy/konto", {"login": "sw.nowak", "active": "1"}).status_code == 303
    assert (
        _post(
            admin,
            "/admin/uzytkownicy/rola",
            {"login": "sw.nowak", "unit": "KAN", "role": "kancelaria", "op": "grant"},
        ).status_code
        == 303
    )
    assert (
        _post(
            admin,
            "/admin/uzytkownicy/rola",
            {"login": "sw.nowak", "unit": "KAN", "role": "kancelaria", "op": "revoke"},
        ).status_code
        == 303
    )
    # the JRWA: a wrong category keeps the form and names the field; a right one is saved
    r = _post(admin, "/admin/jrwa/klasa/0", {"title": "Zarządzanie", "category": "A"}, "/admin/jrwa/klasa/0")
    assert r.status_code == 400 and "ma podklasy" in html.unescape(r.text)
    r = _post(
        admin, "/admin/jrwa/dodaj", {"symbol": "9", "title": "Sprawy różne", "category": "X9"}, "/admin/jrwa"
    )
    text = html.unescape(r.text)
    assert r.status_code == 400 and "Kategoria archiwalna X9 jest niepoprawna" in text
    assert 'value="Sprawy różne"' in text and 'aria-describedby="category-error"' in text
    assert (
        _post(
            admin, "/admin/jrwa/dodaj", {"symbol": "9", "title": "Sprawy różne", "category": "bc"}
        ).status_code
        == 303
    )
    assert _post(admin, "/admin/jrwa/klasa/9", {"title": "Sprawy inne", "category": "B5"}).status_code == 303
    assert "Sprawy inne" in admin.get("/admin/jrwa").text
    # the seal and the processes
    seal = html.unescape(admin.get("/admin/pieczec").text)
    assert "Ważna do" in seal and "Podmiot" in seal
    assert "Korespondencja przychodząca" in html.unescape(admin.get("/admin/procesy").text)
    # every change is in the admin log, with the person's name and Polish words
    actions = [action for _actor, action in _log(site, SW)]
    for wanted in (
        "utworzenie_komorki",
        "zmiana_nazwy_komorki",
        "zamkniecie_komorki",
        "utworzenie_konta",
        "zmiana_hasla",
        "wylaczenie_konta",
        "wlaczenie_konta",
        "nadanie_roli",
        "odebranie_roli",
        "dodanie_klasy_jrwa",
        "zmiana_klasy_jrwa",
    ):
        assert wanted in actions, wanted
    log = html.unescape(admin.get("/admin/dziennik?czynnosc=zmiana_hasla").text)
    assert "zmiana hasła" in log and "Administrator systemu" in log and "tajne" not in log
    assert "<td>zmiana hasła</td>" in log and "<td>utworzenie komórki</td>" not in log  # the filter
    assert not offences("/admin/dziennik", admin.get("/admin/dziennik").text)


def test_a_class_that_holds_cases_is_not_split(shared_site: Site) -> None:
    site = shared_site
    sign = site.world.opened(SW)
    symbol = sign.split(".")[1]  # OR.0012.7.2026: the case is kept in JRWA class 0012
    admin = sign_in(site, "sw.admin")
    child = symbol + "1"
    r = _post(
        admin, "/admin/jrwa/dodaj", {"symbol": child, "title": "Podklasa", "category": "B5"}, "/admin/jrwa"
    )
    assert r.status_code == 409 and "nie można jej podzielić" in html.unescape(r.text)
    api = site.client("sw.admin")
    r = api.post(
        f"/api/v1/tenants/{SW}/admin/jrwa", json={"symbol": child, "title": "Podklasa", "category": "B5"}
    )
    assert r.status_code == 409


def test_an_administrator_of_one_office_never_touches_another(shared_site: Site) -> None:
    site = shared_site
    admin = sign_in(site, "sw.admin")
    for path in PAGES:
        r = admin.get(f"{path}?t={MG}")
        assert r.status_code in (403, 404), (path, r.status_code)
        assert "Mełgiew" not in r.text.split("<main", 1)[-1] or r.status_code == 404
    token = csrf_of(admin.get("/admin").text)
    for path, data in (
        ("/admin/komorki", {"code": "OBCY", "name": "Obca"}),
        ("/admin/komorki/zamknij", {"unit": "RG"}),
        ("/admin/uzytkownicy/konto", {"login": "mg.referent", "active": "0"}),
        ("/admin/uzytkownicy/haslo", {"login": "mg.referent", "password": "przejete-haslo-1"}),
        ("/admin/jrwa/klasa/0", {"title": "Przejęte", "category": ""}),
    ):
        r = admin.post(f"{path}?t={MG}", data={**data, "csrf_token": token}, follow_redirects=False)
        assert r.status_code in (403, 404), (path, r.status_code)
    api = site.client("sw.admin")
    base = f"/api/v1/tenants/{MG}/admin"
    assert api.post(f"{base}/units", json={"code": "OBCY", "name": "Obca"}).status_code == 404
    assert api.post(f"{base}/users/mg.referent/active", json={"active": False}).status_code == 404
    assert api.put(f"{base}/jrwa/0", json={"title": "Przejęte"}).status_code == 404
    assert api.get(f"{base}/log").status_code == 404
    with site.app.uow() as uow:
        assert uow.session.execute(select(Unit).where(Unit.code == "OBCY")).first() is None
        mg = uow.session.execute(select(User).where(User.login == "mg.referent")).scalar_one()
        assert mg.active
    assert not [e for e in _log(site, MG) if e[0] == "sw.admin"]


def test_the_api_administers_with_the_same_rules(shared_site: Site) -> None:
    site = shared_site
    api = site.client("sw.admin")
    base = f"/api/v1/tenants/{SW}/admin"
    r = api.post(
        f"{base}/users",
        json={
            "login": "sw.api",
            "full_name": "Ala Api",
            "password": "haslo-api-1234",
            "unit": "OR",
            "role": "referent",
        },
    )
    assert r.status_code == 201 and r.json()["has_password"] and "haslo-api" not in r.text
    assert api.post(f"{base}/users/sw.api/password", json={"password": "krotkie"}).status_code == 400
    assert api.post(f"{base}/users/sw.admin/active", json={"active": False}).status_code == 409  # oneself
    r = api.post(f"{base}/users/sw.admin/roles/revoke", json={"role": "admin", "unit": "OR"})
    assert r.status_code == 409  # the office's last administrator
    assert api.put(f"{base}/jrwa/0", json={"title": "Zarządzanie", "category": "A"}).status_code == 400
    seal = api.get(f"{base}/seal").json()
    assert seal["days_left"] > 30 and seal["warning"] is None
    assert {p["process_key"] for p in api.get(f"{base}/processes").json()} >= {"ezd_incoming", "ezd_case"}
    log = api.get(f"{base}/log", params={"who": "sw.admin"}).json()
    assert [e["action"] for e in log["entries"][:3]] == [
        "nadanie_roli",
        "zmiana_hasla",
        "utworzenie_konta",
    ] and log["entries"][0]["actor_name"] == "Administrator systemu"
    assert api.post("/api/v1/offices", json={}).status_code == 422


@pytest.fixture
def sysadmin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    monkeypatch.setenv("EZD_SYSTEM_ADMINS", "sw.admin")
    s = make_site(tmp_path / "ezd")
    yield s  # type: ignore[misc]
    s.app.db.dispose()


def test_a_system_administrator_founds_an_office_and_its_administrator_signs_in(sysadmin_site: Site) -> None:
    site = sysadmin_site
    boss = sign_in(site, "sw.admin")
    assert 'href="/admin/urzedy"' in boss.get("/zadania").text
    form = {
        "code": "ug-wolka",
        "name": "Urząd Gminy Wólka",
        "kind": "urzad-gminy",
        "unit_code": "OR",
        "unit_name": "Referat Organizacyjny",
        "login": "wo.admin",
        "full_name": "Jan Wolski",
        "password": "krotkie",
    }
    r = _post(boss, "/admin/urzedy", form, "/admin/urzedy")
    assert r.status_code == 400 and 'value="Urząd Gminy Wólka"' in html.unescape(r.text)
    assert (
        _post(boss, "/admin/urzedy", {**form, "password": "haslo-wolki-123"}, "/admin/urzedy").status_code
        == 303
    )
    assert "Urząd Gminy Wólka" in html.unescape(boss.get("/admin/urzedy").text)
    assert boss.get("/admin/komorki?t=ug-wolka").status_code in (403, 404)  # founding gives no rights in it
    site.creds["wo.admin"] = "haslo-wolki-123"
    wolka = sign_in(site, "wo.admin")
    page = html.unescape(wolka.get("/admin/dziennik").text)
    assert "utworzenie urzędu" in page and "Administrator systemu" in page  # who founded it, by name
    assert sign_in(site, "sw.kierownik").get("/admin/urzedy").status_code == 403
    r = site.client("sw.admin").post(
        "/api/v1/offices",
        json={
            "code": "ug-api",
            "name": "Urząd Gminy Api",
            "kind": "urzad-gminy",
            "unit_code": "OR",
            "unit_name": "Referat",
            "admin_login": "ap.admin",
            "admin_name": "Anna Api",
            "admin_password": "haslo-api-12345",
        },
    )
    assert r.status_code == 201 and r.json()["kind_label"] == "urząd gminy"
    assert site.client("sw.kierownik").post(
        "/api/v1/offices", json={**r.json(), "code": "x"}
    ).status_code in (403, 422)
