"""Art. 106 KPA through the API with two offices' people: the exchange, and that each office sees
only its own side -- B never A's case or other records, A never B's RPW item or records."""

from __future__ import annotations

from typing import Any

from tests.web.test_pages import sign_in

A, B = "sp-swidnik", "ug-melgiew"


def test_exchange_and_isolation(site: Any) -> None:
    world = site.world
    case = world.opened(A)
    other_a = world.opened(A)  # a case of A that is never part of any exchange
    own_b = world.opened(B)  # B's own case
    ref_a, kanc_b = site.client("sw.referent"), site.client("mg.kancelaria")
    head_b, sec_b = site.client("mg.kierownik"), site.client("mg.sekretarz")

    url = f"/api/v1/tenants/{A}/cases/{case}/opinion-requests"
    assert ref_a.post(url, json={"to_tenant": A, "kind": "opinia", "subject": "x"}).status_code == 400
    assert ref_a.post(url, json={"to_tenant": B, "kind": "opinia", "subject": ""}).status_code == 422
    sent = ref_a.post(url, json={"to_tenant": B, "kind": "uzgodnienie", "subject": "Uzgodnienie projektu"})
    assert sent.status_code == 201, sent.text
    world.demo.work()

    [row] = kanc_b.get(f"/api/v1/tenants/{B}/opinion-requests/received").json()
    assert row["other_office"] == "Starostwo Powiatowe w Świdniku" and row["status"] == "received"
    assert row["deadline"] == sent.json()["deadline"] and row["overdue"] is False
    year, number = row["ref"].split("/")[2], row["ref"].split("/")[1]
    base = f"/api/v1/tenants/{B}/opinion-requests/{year}/{number}"

    # B's side never names A's case, A's side never B's RPW sign
    assert case not in str(row)
    [mine] = ref_a.get(f"/api/v1/tenants/{A}/opinion-requests/sent").json()
    assert mine["ref"] == case and row["ref"] not in str(mine)

    # nobody of B reads A's records, nobody of A reads B's, nor acts on B's request
    for client in (kanc_b, head_b, sec_b):
        assert client.get(f"/api/v1/tenants/{A}/cases/{case}").status_code in (403, 404)
        assert client.get(f"/api/v1/tenants/{A}/cases/{other_a}").status_code in (403, 404)
        assert client.get(f"/api/v1/tenants/{A}/opinion-requests/sent").status_code == 403
    assert ref_a.get(f"/api/v1/tenants/{B}/opinion-requests/received").status_code == 403
    assert ref_a.get(f"/api/v1/tenants/{B}/incoming/{year}/{number}").status_code in (403, 404)
    assert ref_a.get(f"/api/v1/tenants/{B}/cases/{own_b}").status_code in (403, 404)
    assert ref_a.post(f"{base}/decree", json={"unit": "OR"}).status_code == 403
    assert ref_a.post(f"{base}/delay", json={"until": "2099-01-01", "reason": "x"}).status_code == 403

    assert kanc_b.post(f"{base}/decree", json={"unit": "OR"}).status_code == 200
    assert head_b.post(f"{base}/delay", json={"until": "2099-01-01", "reason": ""}).status_code == 422
    assert head_b.post(f"{base}/answer", json={"text": "Uzgadniam bez uwag."}).status_code == 200
    four_eyes = head_b.post(f"{base}/approval", json={"approved": True})
    assert four_eyes.status_code == 403 and "czterech oczu" in four_eyes.json()["detail"]
    assert sec_b.post(f"{base}/approval", json={"approved": True}).status_code == 200
    world.demo.work()

    [done] = ref_a.get(f"/api/v1/tenants/{A}/opinion-requests/sent").json()
    assert done["status"] == "answered" and done["answered_at"]
    view = ref_a.get(f"/api/v1/tenants/{A}/cases/{case}").json()
    assert any("Urząd Gminy Mełgiew" in d["title"] for d in view["documents"]), view["documents"]
    late = head_b.post(f"{base}/delay", json={"until": "2099-01-01", "reason": "za późno"})
    assert late.status_code == 409

    # the overview pages of both offices: the request with its term, in Polish, nothing of the other
    page_a = sign_in(site, "sw.referent").get("/wystapienia")
    assert page_a.status_code == 200 and case in page_a.text and "Urząd Gminy Mełgiew" in page_a.text
    assert "stanowisko zajęte" in page_a.text and row["ref"] not in page_a.text
    page_b = sign_in(site, "mg.kancelaria").get("/wystapienia")
    assert page_b.status_code == 200 and row["ref"] in page_b.text and case not in page_b.text
    assert "Starostwo Powiatowe w Świdniku" in page_b.text and "uzgodnienie" in page_b.text
