"""Brakowanie over the API and in the pages: request, consent, execution, protocol; roles and offices."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ezd.archive_ops.disposal import office_today
from ezd.db.tables import AccessLog, MetrykaEntry
from ezd.db.tables_archive import ArchiveEntry
from tests.archive.helpers import add_entry
from tests.web.conftest import Site
from tests.web.test_pages import csrf_of, sign_in

T = "sp-swidnik"
API = f"/api/v1/tenants/{T}/archive/disposal/requests"
PDF = b"%PDF-1.4\n% decyzja AP Lublin\n"


def _due(site: Site, sign: str = "OR.0001.1.2014", category: str = "B5") -> str:
    add_entry(
        site.app,
        tenant=T,
        sign=sign,
        title="Zaproszenia na narady",
        category=category,
        retention_until=date(2020, 1, 1),
        store=site.app.store,
    )
    return sign


def test_disposal_over_the_api_every_step_in_the_metryka(site: Site) -> None:
    b5 = _due(site)
    be5 = _due(site, "OR.0002.1.2014", "BE5")
    arch = site.client("sw.archiwista")
    assert arch.get(API).json() == []
    future = (office_today() + timedelta(days=1)).isoformat()
    r = arch.post(API, json={"as_of": future})
    assert r.status_code == 400 and "przyszłości" in r.text
    # another role, another office's archivist: refused, nothing filed
    assert site.client("sw.referent").post(API, json={}).status_code == 403
    assert site.client("mg.archiwista").post(API, json={}).status_code in (403, 404)
    r = arch.post(API, json={})
    assert r.status_code == 201, r.text
    req = r.json()
    year = office_today().year
    assert req["number"] == f"1/{year}" and req["status"] == "requested"
    assert [(i["case_sign"], i["expert_review"]) for i in req["items"]] == [(b5, False), (be5, True)]
    one = f"{API}/{year}/1"
    # the decision must be a PDF or a scan, dated, not in the future
    r = arch.post(
        f"{one}/consent",
        files={"file": ("x.txt", b"hello", "text/plain")},
        data={"reference": "AP.1", "consent_date": office_today().isoformat()},
    )
    assert r.status_code == 400 and "PDF" in r.text
    r = arch.post(
        f"{one}/consent",
        files={"file": ("z.pdf", PDF, "application/pdf")},
        data={"reference": "AP.1", "consent_date": future},
    )
    assert r.status_code == 400
    assert arch.post(f"{one}/execute").status_code == 409  # nothing is destroyed before consent
    r = arch.post(
        f"{one}/consent",
        files={"file": ("z.pdf", PDF, "application/pdf")},
        data={"reference": "AP.4131.12.2026", "consent_date": office_today().isoformat(), "excluded": [be5]},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "consented" and [i["case_sign"] for i in r.json()["items"]] == [b5]
    r = arch.post(f"{one}/execute")
    assert r.status_code == 200, r.text
    assert r.json()["destroyed"] == [b5] and r.json()["objects_deleted"] == 1
    pdf = arch.get(f"{one}/protocol.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert site.client("sw.referent").get(f"{one}/protocol.pdf").status_code == 403
    with site.app.uow() as uow:
        actions = set(uow.session.execute(select(MetrykaEntry.action)).scalars())
        reads = set(
            uow.session.execute(
                select(AccessLog.object_type).where(AccessLog.actor == "sw.archiwista")
            ).scalars()
        )
        states = dict(uow.session.execute(select(ArchiveEntry.case_sign, ArchiveEntry.status)).tuples().all())
    assert {"wniosek_o_brakowanie", "zgoda_na_brakowanie", "zniszczenie_dokumentacji"} <= actions
    assert {"disposal_requests", "disposal_protokol"} <= reads
    assert states == {b5: "destroyed", be5: "held"}


def test_disposal_pages_refuse_a_wrong_decision_in_polish_and_keep_the_typed(site: Site) -> None:
    sign = _due(site)
    client = sign_in(site, "sw.archiwista")
    page = client.get("/archiwum/brakowanie")
    assert (
        page.status_code == 200 and sign in page.text and "Nie złożono jeszcze żadnego wniosku" in page.text
    )
    token = csrf_of(page.text)
    r = client.post("/archiwum/brakowanie/wnioski", data={"csrf_token": token})
    year = office_today().year
    assert r.status_code == 200 and f"Wniosek o brakowanie nr 1/{year}" in r.text
    r = client.post(
        f"/archiwum/brakowanie/{year}/1/zgoda",
        data={
            "csrf_token": token,
            "reference": "AP.4131.12.2026",
            "consent_date": office_today().isoformat(),
        },
        files={"decision": ("zgoda.docx", b"PK\x03\x04 not a pdf", "application/octet-stream")},
    )
    assert r.status_code == 400
    assert "musi być plikiem PDF albo skanem" in r.text and 'value="AP.4131.12.2026"' in r.text
    # filing again finds nothing due: the record is in the request already
    r = client.post("/archiwum/brakowanie/wnioski", data={"csrf_token": token})
    assert r.status_code == 409 and "Żadna dokumentacja nie czeka na brakowanie" in r.text
    assert sign_in(site, "sw.referent").get("/archiwum/brakowanie").status_code == 403
