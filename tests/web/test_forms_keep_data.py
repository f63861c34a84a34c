"""No step fails silently and errors keep the form: the Polish message next to its field, what
was typed kept; an expired session during a POST asks for the password and returns to the filled
form; lending shows its confirmation."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import delete

from ezd.db.tables_web import WebSession
from ezd.services import cases
from ezd.services.actor import load_actor
from ezd.services.office_admin import list_jrwa

from .conftest import Site
from .test_pages import csrf_of, sign_in

T = "sp-swidnik"


def d_actor(d):  # type: ignore[no-untyped-def]
    return load_actor(d.session, "sw.referent", date.today())


def _item_url(rpw: str) -> str:
    _, number, year = rpw.split("/")
    return f"/rpw/{T}/{year}/{number}"


def _field_error(html: str, field: str) -> str:
    m = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    assert m, f"no error next to {field}"
    assert re.search(
        rf'name="{field}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*{field}-error', html
    ) or re.search(rf'aria-describedby="[^"]*{field}-error"[^>]*aria-invalid="true"', html), (
        f"{field} is not marked invalid for screen readers"
    )
    return m.group(1)


def test_decree_has_no_default_unit_and_an_empty_choice_is_refused_in_the_form(shared_site: Site) -> None:
    rpw, _ = shared_site.world.register(T)
    kanc = sign_in(shared_site, "sw.kancelaria")
    page = kanc.get(_item_url(rpw)).text
    select = re.search(r'<select id="unit" name="unit" required>(.*?)</select>', page, re.S)
    assert select and re.match(r'<option value="">', select.group(1)) and "selected" not in select.group(1)
    r = kanc.post(f"{_item_url(rpw)}/dekretacja", data={"unit": "", "csrf_token": csrf_of(page)})
    assert r.status_code == 400 and _field_error(r.text, "unit") == "Wybierz komórkę."
    r = kanc.post(f"{_item_url(rpw)}/dekretacja", data={"unit": "NIEMA", "csrf_token": csrf_of(page)})
    assert r.status_code == 404 and "W tym urzędzie nie ma komórki NIEMA." in _field_error(r.text, "unit")
    assert shared_site.world.demo.step(lambda d: None) is None  # nothing half-done remains
    ok = kanc.post(
        f"{_item_url(rpw)}/dekretacja",
        data={"unit": "OR", "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_case_decision_errors_keep_what_was_typed(shared_site: Site) -> None:
    rpw, _ = shared_site.world.assigned(T)
    ref = sign_in(shared_site, "sw.referent")
    page = ref.get(_item_url(rpw)).text
    assert '<datalist id="jrwa-leaves">' in page and 'list="jrwa-leaves"' in page  # searchable picker
    leaves = re.findall(
        r'<option value="(\d+)">', page.split('<datalist id="jrwa-leaves">', 1)[1].split("</datalist>", 1)[0]
    )
    every = [
        e.symbol for e in shared_site.world.demo.step(lambda d: list_jrwa(d.session, d_actor(d), tenant=T))
    ]
    assert leaves and not [s for s in leaves if any(o != s and o.startswith(s) for o in every)]  # only leaves
    data = {"jrwa": "", "title": "Mój tytuł sprawy", "attach_to": "", "csrf_token": csrf_of(page)}
    r = ref.post(f"{_item_url(rpw)}/decyzja", data=data)
    assert r.status_code == 400
    assert "Wybierz klasę JRWA nowej sprawy" in _field_error(r.text, "jrwa")
    assert 'value="Mój tytuł sprawy"' in r.text
    r = ref.post(f"{_item_url(rpw)}/decyzja", data={**data, "jrwa": "01"})  # a class with subclasses
    assert r.status_code == 400 and "klasach końcowych" in _field_error(r.text, "jrwa")
    assert 'value="01"' in r.text and 'value="Mój tytuł sprawy"' in r.text


def test_return_without_comment_is_refused_in_the_form(shared_site: Site) -> None:
    sign = shared_site.world.in_approval(T)
    boss = sign_in(shared_site, "sw.kierownik")
    url = f"/sprawy/{T}/{sign}"
    page = boss.get(url).text
    r = boss.post(
        f"{url}/akceptacja", data={"decision": "return", "comment": "  ", "csrf_token": csrf_of(page)}
    )
    assert r.status_code == 400
    assert _field_error(r.text, "comment") == "Napisz, co poprawić, zwracając projekt."
    assert shared_site.world.case_state(T, sign) == "in_approval"  # nothing happened
    assert "Akceptuj i podpisz" in r.text  # the form is still there


def test_register_form_keeps_typed_data_and_names_the_field(shared_site: Site) -> None:
    kanc = sign_in(shared_site, "sw.kancelaria")
    page = kanc.get("/kancelaria/rejestracja").text
    data = {
        "tenant": T,
        "sender": "",
        "title": "Skarga na hałas",
        "sender_address": "ul. Lipowa 3, 21-040 Świdnik",
        "channel": "poczta",
        "kind": "skarga",
        "attachments": "2",
        "csrf_token": csrf_of(page),
    }
    files = {"file": ("skan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
    r = kanc.post("/kancelaria/rejestracja", data=data, files=files)
    assert r.status_code == 400
    assert "nadawc" in _field_error(r.text, "sender")
    for kept in (
        'value="Skarga na hałas"',
        'value="ul. Lipowa 3, 21-040 Świdnik"',
        'value="skarga"',
        'value="2"',
    ):
        assert kept in r.text
    assert re.search(r'<option value="poczta" selected>', r.text)


def test_lending_shows_its_confirmation_and_errors_keep_the_form(shared_site: Site) -> None:
    sign = shared_site.world.archived(T)
    arch = sign_in(shared_site, "sw.archiwista")
    page = arch.get(f"/sprawy/{T}/{sign}").text
    assert 'action="/archiwum/udostepnienia' in page  # lending from the case page
    past = (date.today() - timedelta(days=3)).isoformat()
    data = {
        "case": sign,
        "borrower": "Wydział Geodezji",
        "due_on": past,
        "purpose": "kontrola",
        "csrf_token": csrf_of(page),
    }
    r = arch.post("/archiwum/udostepnienia", data=data)
    assert r.status_code == 400 and "już minął" in _field_error(r.text, "due_on")
    assert 'value="Wydział Geodezji"' in r.text and 'value="kontrola"' in r.text
    due = date.today() + timedelta(days=14)
    r = arch.post("/archiwum/udostepnienia", data={**data, "due_on": due.isoformat()}, follow_redirects=False)
    assert r.status_code == 303 and "#" not in r.headers["location"].split("?", 1)[0]
    shown = arch.get(r.headers["location"]).text
    confirmation = re.search(r'<div class="notice" role="status" id="lent">(.*?)</div>', shown, re.S)
    assert confirmation, "the lending confirmation is not shown"
    assert sign in confirmation.group(1) and "Wydział Geodezji" in confirmation.group(1)
    assert due.strftime("%d.%m.%Y") in confirmation.group(1)
    r = arch.post("/archiwum/udostepnienia", data={**data, "due_on": due.isoformat()})
    assert r.status_code == 409 and "już wypożyczone" in _field_error(r.text, "case")


def test_expired_session_during_a_post_asks_for_the_password_and_returns_to_the_filled_form(
    shared_site: Site,
) -> None:
    sign = shared_site.world.in_approval(T)
    boss = sign_in(shared_site, "sw.kierownik")
    url = f"/sprawy/{T}/{sign}"
    page = boss.get(url).text
    with shared_site.app.uow() as uow:  # the session ends while the head is typing
        uow.session.execute(delete(WebSession))
        uow.commit()
    comment = "Proszę dopisać pouczenie o odwołaniu"
    r = boss.post(
        f"{url}/akceptacja",
        data={"decision": "return", "comment": comment, "csrf_token": csrf_of(page)},
        headers={"referer": f"http://testserver{url}"},
    )
    assert r.status_code == 401 and "Zaloguj się ponownie" in r.text and "Method Not Allowed" not in r.text
    assert comment not in r.text  # kept in a signed field, not echoed
    kept = re.search(r'name="kept" value="([^"]+)"', r.text)
    back = re.search(r'name="back" value="([^"]+)"', r.text)
    assert kept and back and back.group(1) == url
    wrong = boss.post(
        "/login/ponow",
        data={
            "login": "sw.kierownik",
            "password": "zle-haslo-123",
            "csrf_token": csrf_of(r.text),
            "back": url,
            "kept": kept.group(1),
        },
    )
    assert wrong.status_code == 401 and "Nieprawidłowy login" in wrong.text
    again = boss.post(
        "/login/ponow",
        data={
            "login": "sw.kierownik",
            "password": shared_site.creds["sw.kierownik"],
            "csrf_token": csrf_of(wrong.text),
            "back": url,
            "kept": re.search(r'name="kept" value="([^"]+)"', wrong.text).group(1),  # type: ignore[union-attr]
        },
        follow_redirects=False,
    )
    assert again.status_code == 303 and again.headers["location"] == url
    form_page = boss.get(url).text
    assert 'id="restored"' in form_page and f">{comment}</textarea>" in form_page
    assert f">{comment}</textarea>" not in boss.get(url).text  # the kept values come back once
    # a forged kept token is ignored
    anon = TestClient(shared_site.web, raise_server_exceptions=False)
    login_page = anon.get("/login").text
    r = anon.post(
        "/login/ponow",
        data={
            "login": "sw.kierownik",
            "password": shared_site.creds["sw.kierownik"],
            "csrf_token": csrf_of(login_page.replace("pre_csrf", "")),
            "back": url,
            "kept": "forged.x",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and "ezd_form" not in r.headers.get("set-cookie", "")


def test_a_failed_system_step_shows_on_its_case_in_polish(shared_site: Site) -> None:
    """A step broken on purpose (the sealing worker gives up: retries 0, an engine incident)."""
    world = shared_site.world
    sign = world.in_approval(T)
    boss = world.demo.actor("sw.kierownik")
    world.demo.step(lambda d: cases.decide_approval(d, boss, tenant=T, case_sign=sign, approved=True))

    def break_sealing(d) -> int:  # type: ignore[no-untyped-def]
        tasks = [t for t in d.engine.fetch_external_tasks(["ezd.sign"]) if t.business_key == f"{T}/{sign}"]
        for task in tasks:
            d.engine.fail_external_task(task.id, "only XML replies can be sealed with XAdES here", retries=0)
        return len(tasks)

    assert world.demo.step(break_sealing) == 1
    page = sign_in(shared_site, "sw.kierownik").get(f"/sprawy/{T}/{sign}").text
    box = re.search(r'<div class="error" role="alert" id="failed-steps">(.*?)</div>', page, re.S)
    assert box, "the failed step is not shown on its case"
    assert "Krok systemu nie powiódł się: Podpis (e-pieczęć)." in box.group(1)
    assert re.search(
        r'<details><summary>Szczegóły techniczne</summary><p class="mono" lang="en">only XML', box.group(1)
    )


def test_a_reply_the_office_cannot_seal_is_refused_at_upload(shared_site: Site) -> None:
    """Only PDF (PAdES) and XML (XAdES) replies can be sealed: anything else is refused when it is
    uploaded, in the form and by the API, and the case stays as it was (issue 13)."""
    sign = shared_site.world.opened(T)
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    ref = sign_in(shared_site, "sw.referent")
    page = ref.get(f"/sprawy/{T}/{sign}").text
    r = ref.post(
        f"/sprawy/{T}/{sign}/projekt",
        data={"addressee": "Jan Kowalski", "channel": "poczta", "csrf_token": csrf_of(page)},
        files={"file": ("skan.png", png, "image/png")},
    )
    assert r.status_code == 400
    assert _field_error(r.text, "file").startswith("Odpowiedź musi być plikiem PDF albo XML")
    assert 'value="Jan Kowalski"' in r.text  # what was typed is kept
    api = shared_site.client("sw.referent").post(
        f"/api/v1/tenants/{T}/cases/{sign}/draft", files={"file": ("skan.png", png, "image/png")}
    )
    assert api.status_code == 400 and api.json()["code"] == "invalid_input", api.text
    assert shared_site.world.case_state(T, sign) == "open"
