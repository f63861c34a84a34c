"""The REST API of registration: a suspected duplicate answers 409 with a link to the earlier
item; registering again with a reason and a paper letter's received date work."""

from __future__ import annotations

from datetime import timedelta

from ezd.clock import office_today
from tests.helpers import letter

T = "sp-swidnik"


def test_duplicate_link_reason_and_received_date(site) -> None:  # type: ignore[no-untyped-def]
    kanc = site.client("sw.kancelaria")
    data = letter(81, office="Starostwo Powiatowe w Świdniku")
    stamped = office_today() - timedelta(days=4)
    url = f"/api/v1/tenants/{T}/incoming"
    first = kanc.post(
        url,
        files={"file": ("skan.xml", data, "application/xml")},
        data={"channel": "poczta", "received_date": stamped.isoformat()},
    )
    assert first.status_code == 201, first.text
    sign = first.json()["rpw"]
    dup = kanc.post(url, files={"file": ("skan.xml", data, "application/xml")})
    assert dup.status_code == 409
    body = dup.json()
    assert body["earlier"] == sign and sign in body["detail"]
    shown = kanc.get(body["earlier_url"])
    assert shown.status_code == 200 and shown.json()["received_date"] == stamped.isoformat()
    again = kanc.post(
        url,
        files={"file": ("skan.xml", data, "application/xml")},
        data={"duplicate_reason": "drugi egzemplarz przesłany e-mailem"},
    )
    assert again.status_code == 201 and again.json()["rpw"] != sign
    future = kanc.post(
        url,
        files={"file": ("inny.xml", letter(82), "application/xml")},
        data={"channel": "poczta", "received_date": (office_today() + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 400 and "późniejsza niż dzisiejsza" in future.json()["detail"]
