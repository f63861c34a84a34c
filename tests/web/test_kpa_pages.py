"""The KPA paths on the pages: re-decree and return, art. 65 forwarding, the case's term, the inbox,
and the states people read (a dispatched reply is "wysłana" until its receipt).

Each form is sent once wrong (one Polish message next to its field, what was typed kept) and once
right (the metryka and the state show it)."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from ezd.db.tables import AccessLog, CaseFile, IncomingItem, MetrykaEntry, OutgoingItem
from ezd.demo import letters
from ezd.records.tenancy import Role
from ezd.services import admin, audit
from tests.web.test_pages import csrf_of, sign_in

T = "sp-swidnik"


def _item_url(rpw: str) -> str:
    _, number, year = rpw.split("/")
    return f"/rpw/{T}/{year}/{number}"


def _item_actions(site, rpw: str) -> list[str]:  # type: ignore[no-untyped-def]
    with site.app.uow() as uow:
        q = select(MetrykaEntry.action).where(MetrykaEntry.chain_key == audit.item_chain(T, rpw))
        return list(uow.session.execute(q.order_by(MetrykaEntry.seq)).scalars())


def _post(client, page: str, action: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


def test_redecree_and_return_on_the_item_page(shared_site) -> None:  # type: ignore[no-untyped-def]
    rpw, _ = shared_site.world.decreed(T)
    page = _item_url(rpw)
    kanc = sign_in(shared_site, "sw.kancelaria")
    assert 'id="redecree-form"' in kanc.get(page).text
    assert 'id="return-form"' not in kanc.get(page).text  # returning is the head's

    r = _post(kanc, page, f"{page}/ponowna-dekretacja", {"unit": "GK", "reason": "  "})
    assert r.status_code == 400
    assert '<p class="field-error" id="reason-error">Podaj powód ponownej dekretacji.</p>' in r.text
    assert re.search(r'<option value="GK" selected>', r.text)  # the choice is kept
    r = _post(kanc, page, f"{page}/ponowna-dekretacja", {"unit": "GK", "reason": "sprawa drogowa"})
    assert r.status_code == 303, r.text

    # the head of GK returns it: "niewłaściwa komórka"; the kancelaria decrees it again
    shared_site.world.demo.step(
        lambda d: admin.grant_role(d.session, login="sw.referent2", tenant=T, unit="GK", role=Role.KIEROWNIK)
    )
    head = sign_in(shared_site, "sw.referent2")
    assert 'id="return-form"' in head.get(page).text
    r = _post(head, page, f"{page}/zwrot", {"return_reason": ""})
    assert r.status_code == 303 and r.headers["location"] == "/zadania?ok=1", r.text
    assert head.get(page).status_code == 403  # the letter has left GK
    assert "zwrócone do kancelarii" in kanc.get(page).text
    assert _item_actions(shared_site, rpw)[-2:] == ["ponowna_dekretacja", "zwrot_do_kancelarii"]
    assert "Dekretuj" in kanc.get(page).text


def test_forwarding_to_the_competent_office_asks_for_a_confirmation(shared_site) -> None:  # type: ignore[no-untyped-def]
    rpw, _ = shared_site.world.assigned(T)
    page = _item_url(rpw)
    ref = sign_in(shared_site, "sw.referent")
    assert 'id="forward-form"' in ref.get(page).text
    data = {"to_tenant": "ug-melgiew", "forward_reason": "droga gminna"}
    r = _post(ref, page, f"{page}/przekazanie", data)
    assert r.status_code == 400
    assert "Potwierdź przekazanie pisma do innego urzędu." in r.text
    assert 'value="droga gminna"' in r.text
    r = _post(ref, page, f"{page}/przekazanie", {**data, "confirm": "tak"})
    assert r.status_code == 303, r.text
    shared_site.world.demo.work()
    with shared_site.app.uow() as uow:
        statuses = sorted(uow.session.execute(select(IncomingItem.status)).scalars())
    assert "forwarded" in statuses
    assert "przekazane do urzędu właściwego" in ref.get(page).text
    assert "przekazanie_wg_wlasciwosci" in _item_actions(shared_site, rpw)


def test_suspend_resume_and_extend_on_the_case_page(shared_site) -> None:  # type: ignore[no-untyped-def]
    sign = shared_site.world.opened(T)
    page = f"/sprawy/{T}/{sign}"
    ref = sign_in(shared_site, "sw.referent")
    r = _post(ref, page, f"{page}/przedluzenie", {"until": "31.02.2030", "extend_reason": "biegły"})
    assert r.status_code == 400
    assert 'id="until-error">Niepoprawna data 31.02.2030' in r.text and 'value="biegły"' in r.text
    r = _post(ref, page, f"{page}/przedluzenie", {"until": "01.01.2020", "extend_reason": "biegły"})
    assert r.status_code == 400 and "musi przypadać po dniu dzisiejszym" in r.text
    r = _post(ref, page, f"{page}/przedluzenie", {"until": "15.12.2099", "extend_reason": "opinia biegłego"})
    assert r.status_code == 303, r.text
    with shared_site.app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        assert case.deadline is not None and case.deadline.year == 2099

    r = _post(ref, page, f"{page}/zawieszenie", {"suspend_reason": ""})
    assert r.status_code == 400 and 'id="suspend_reason-error"' in r.text
    r = _post(ref, page, f"{page}/zawieszenie", {"suspend_reason": "czekamy na opinię"})
    assert r.status_code == 303
    shown = ref.get(page).text
    assert 'id="case-suspended"' in shown and "zawieszenie biegu terminu" in shown
    r = _post(ref, page, f"{page}/podjecie", {})
    assert r.status_code == 303
    shown = ref.get(page).text
    assert 'id="suspend-form"' in shown and "podjęcie biegu terminu" in shown
    # another unit's referent is refused by the service layer
    other = sign_in(shared_site, "sw.referent2")
    r = _post(other, "/zadania", f"{page}/zawieszenie", {"suspend_reason": "nie moja"})
    assert r.status_code in (403, 404)


def test_inbox_page_and_the_unread_count_in_the_header(shared_site) -> None:  # type: ignore[no-untyped-def]
    shared_site.world.assigned(T)  # the referent is told about the new task
    ref = sign_in(shared_site, "sw.referent")
    head = ref.get("/zadania").text
    m = re.search(r'id="unread-count">(\d+)<', head)
    assert m and int(m.group(1)) >= 1
    inbox = ref.get("/powiadomienia").text
    ids = re.findall(r'name="id" value="(\d+)"', inbox)
    assert ids and "Nowe zadanie" in inbox
    token = csrf_of(inbox)
    r = ref.post(
        "/powiadomienia/przeczytane",
        data={"id": ids, "t": T, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert 'id="unread-count"' not in ref.get("/zadania").text
    r = ref.post("/powiadomienia/przeczytane", data={"id": ids}, follow_redirects=False)
    assert r.status_code == 403  # no CSRF token: nothing changes


def _resident_sees(shared_site, sign: str, code: str) -> str:  # type: ignore[no-untyped-def]
    """The state on the residents' status page (/sprawdz), as the page prints it."""
    anon = TestClient(shared_site.web, raise_server_exceptions=False)
    token = csrf_of(anon.get("/sprawdz").text)
    page = anon.post("/sprawdz", data={"tenant": T, "sign": sign, "code": code, "csrf_token": token})
    assert page.status_code == 200, page.text
    m = re.search(r"Stan sprawy: <strong>([^<]+)</strong>", page.text)
    assert m, page.text
    return m.group(1)


def test_a_dispatched_reply_reads_sent_to_staff_and_resident_until_the_receipt(shared_site) -> None:  # type: ignore[no-untyped-def]
    sign = shared_site.world.dispatched(T)
    assert shared_site.world.case_state(T, sign) == "sent"
    code = (
        shared_site.client("sw.kancelaria")
        .post(f"/api/v1/tenants/{T}/cases/{sign}/access-code")
        .json()["access_code"]
    )
    staff = sign_in(shared_site, "sw.kierownik")
    page = staff.get(f"/sprawy/{T}/{sign}").text
    assert re.search(r'<td id="case-state">wysłana</td>', page)
    assert "wysłana" in staff.get("/sprawy?state=sent").text
    assert _resident_sees(shared_site, sign, code) == "wysłana"
    api = shared_site.client().post(
        "/api/v1/public/case-status", json={"tenant": T, "sign": sign, "code": code}
    )
    assert api.json()["state"] == "sent" and api.json()["closed_on"] is None

    kanc = sign_in(shared_site, "sw.kancelaria")
    token = csrf_of(kanc.get(f"/sprawy/{T}/{sign}").text)
    r = kanc.post(
        f"/sprawy/{T}/{sign}/doreczenie",
        data={"receipt_ref": "UPD-1", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    shared_site.world.demo.work()
    assert shared_site.world.case_state(T, sign) == "closed"
    assert _resident_sees(shared_site, sign, code) == "zakończona"
    assert re.search(r'<td id="case-state">zakończona</td>', staff.get(f"/sprawy/{T}/{sign}").text)


def test_copies_do_wiadomosci_see_and_are_told_but_cannot_act(shared_site) -> None:  # type: ignore[no-untyped-def]
    rpw, _ = shared_site.world.register(T)
    page = _item_url(rpw)
    kanc = sign_in(shared_site, "sw.kancelaria")
    # GK's people and the archivist in person get the copy; OR acts on the item
    r = _post(
        kanc, page, f"{page}/dekretacja", {"unit": "OR", "copy_units": "GK", "copy_people": "sw.archiwista"}
    )
    assert r.status_code == 303, r.text
    shown = kanc.get(page).text
    assert re.search(r'id="item-copies">GK, Ewa Lewandowska<', shown), shown
    assert "do_wiadomosci" in _item_actions(shared_site, rpw)

    # the archivist reads it (the read is logged) and has it in the inbox ...
    arch = sign_in(shared_site, "sw.archiwista")
    assert arch.get(page).status_code == 200
    assert rpw in arch.get("/powiadomienia").text and "Do wiadomości" in arch.get("/powiadomienia").text
    with shared_site.app.uow() as uow:
        reads = uow.session.execute(
            select(AccessLog.object_ref).where(AccessLog.actor == "sw.archiwista")
        ).scalars()
        assert rpw in set(reads)
    # ... but cannot act on it: the service layer refuses (403), through the API too
    api = shared_site.client("sw.archiwista")
    _, number, year = rpw.split("/")
    refused = api.post(
        f"/api/v1/tenants/{T}/incoming/{year}/{number}/assign", json={"referent": "sw.referent"}
    )
    assert refused.status_code == 403
    refused = api.post(
        f"/api/v1/tenants/{T}/incoming/{year}/{number}/decree", json={"unit": "GK", "copies_units": ["AZ"]}
    )
    assert refused.status_code == 403
    r = _post(arch, page, f"{page}/ponowna-dekretacja", {"unit": "GK", "reason": "nie moje"})
    assert r.status_code == 403


def test_the_draft_form_offers_the_chains_the_jrwa_class_allows(shared_site) -> None:  # type: ignore[no-untyped-def]
    sign = shared_site.world.opened(T)
    symbol = sign.split(".")[1]
    url = f"/api/v1/tenants/{T}/jrwa/{symbol}/approval-rule"
    body = {"chains": [["kierownik", "sekretarz"]], "required_opinions": ["GK"], "extra_opinions": False}
    assert shared_site.client("sw.referent").put(url, json=body).status_code == 403
    saved = shared_site.client("sw.admin").put(url, json=body)
    assert saved.status_code == 200, saved.text
    assert shared_site.client("sw.referent").get(url).json() == {"jrwa": symbol, **body}

    page = f"/sprawy/{T}/{sign}"
    ref = sign_in(shared_site, "sw.referent")
    shown = ref.get(page).text
    options = re.findall(r'<select id="approval_chain" name="approval_chain">(.*?)</select>', shown)
    assert options and re.findall(r'<option value="([^"]+)"', options[0]) == ["kierownik,sekretarz"]
    assert 'id="required-opinions"' in shown and 'id="opinions"' not in shown  # no extra opinions
    # a chain sent past the page (a stale form, a script) is refused by the service, next to the field
    reply = letters.reply_letter(
        "Starostwo Powiatowe w Świdniku", sign, "Jan Kowalski", "pismo", date.today()
    )
    r = ref.post(
        f"{page}/projekt",
        data={"approval_chain": "kierownik", "channel": "epuap", "csrf_token": csrf_of(shown)},
        files={"file": ("odp.xml", reply, "application/xml")},
        follow_redirects=False,
    )
    assert r.status_code == 400
    assert 'id="approval_chain-error">Klasa JRWA' in r.text
    assert shared_site.world.case_state(T, sign) == "open"


def test_the_extension_notice_is_sent_from_the_case_page(shared_site) -> None:  # type: ignore[no-untyped-def]
    sign = shared_site.world.opened(T)
    page = f"/sprawy/{T}/{sign}"
    ref = sign_in(shared_site, "sw.referent")
    r = _post(ref, page, f"{page}/przedluzenie", {"until": "15.12.2099", "extend_reason": "opinia biegłego"})
    assert r.status_code == 303
    shown = ref.get(page).text
    uid = re.search(r'<input type="hidden" name="uid" value="([^"]+)">', shown)
    assert uid and "zawiadomienie o nowym terminie (art. 36 KPA)" in shown
    other = sign_in(shared_site, "sw.referent2")
    r = _post(other, "/zadania", f"{page}/zawiadomienie", {"uid": uid.group(1), "channel": "poczta"})
    assert r.status_code == 403  # not their case
    r = _post(ref, page, f"{page}/zawiadomienie", {"uid": uid.group(1), "channel": "poczta"})
    assert r.status_code == 303, r.text
    shown = ref.get(page).text
    assert f'id="notice-{uid.group(1)}"' not in shown and "wysyłka zawiadomienia" in shown
    with shared_site.app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        out = uow.session.execute(select(OutgoingItem).where(OutgoingItem.case_id == case.id)).scalars().all()
        assert [o.channel for o in out] == ["poczta"]
