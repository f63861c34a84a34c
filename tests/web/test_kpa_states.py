"""States people can read: a sealed reply that went out reads "wysłana" until its receipt."""

from __future__ import annotations

import re

from tests.web.test_pages import csrf_of, sign_in

T = "sp-swidnik"


def _resident_sees(site, sign: str, code: str) -> str:  # type: ignore[no-untyped-def]
    """The state on the residents' status page (/sprawdz), as the page prints it."""
    from fastapi.testclient import TestClient

    anon = TestClient(site.web, raise_server_exceptions=False)
    token = csrf_of(anon.get("/sprawdz").text)
    page = anon.post("/sprawdz", data={"tenant": T, "sign": sign, "code": code, "csrf_token": token})
    assert page.status_code == 200, page.text
    m = re.search(r"Stan sprawy: <strong>([^<]+)</strong>", page.text)
    assert m, page.text
    return m.group(1)


def test_a_dispatched_reply_reads_sent_to_staff_and_resident_until_the_receipt(site) -> None:  # type: ignore[no-untyped-def]
    sign = site.world.dispatched(T)
    assert site.world.case_state(T, sign) == "sent"
    code = (
        site.client("sw.kancelaria")
        .post(f"/api/v1/tenants/{T}/cases/{sign}/access-code")
        .json()["access_code"]
    )
    staff = sign_in(site, "sw.kierownik")
    page = staff.get(f"/sprawy/{T}/{sign}").text
    assert re.search(r'<td id="case-state">wysłana</td>', page)
    assert "wysłana" in staff.get("/sprawy?state=sent").text
    assert _resident_sees(site, sign, code) == "wysłana"
    api = site.client().post("/api/v1/public/case-status", json={"tenant": T, "sign": sign, "code": code})
    assert api.json()["state"] == "sent" and api.json()["closed_on"] is None

    kanc = sign_in(site, "sw.kancelaria")
    token = csrf_of(kanc.get(f"/sprawy/{T}/{sign}").text)
    r = kanc.post(
        f"/sprawy/{T}/{sign}/doreczenie",
        data={"receipt_ref": "UPD-1", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    site.world.demo.work()
    assert site.world.case_state(T, sign) == "closed"
    assert _resident_sees(site, sign, code) == "zakończona"
    assert re.search(r'<td id="case-state">zakończona</td>', staff.get(f"/sprawy/{T}/{sign}").text)
