"""Spis zdawczo-odbiorczy over the API and in the pages: preview, making the list, XML and PDF."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ezd import xsd
from ezd.archive_ops.spis import SCHEMA
from ezd.db.tables import MetrykaEntry
from tests.archive.helpers import add_entry
from tests.web.conftest import Site
from tests.web.test_pages import csrf_of, sign_in

T = "sp-swidnik"
API = f"/api/v1/tenants/{T}/archive/transfer-lists"


def test_spis_over_the_api_valid_xml_pdf_and_numbered(site: Site) -> None:
    sign = site.world.archived(T)
    arch = site.client("sw.archiwista")
    pending = arch.get(f"{API}/pending").json()
    assert [(u["unit"], [e["case_sign"] for e in u["entries"]]) for u in pending] == [("OR", [sign])]
    assert pending[0]["unit_name"] != "OR"  # the unit by its name
    assert site.client("sw.referent").post(API, json={"unit": "OR"}).status_code == 403
    assert site.client("mg.archiwista").get(f"{API}/pending").status_code in (403, 404)
    assert arch.post(API, json={"unit": "ZZ"}).status_code == 400  # no such unit
    r = arch.post(API, json={"unit": "OR"})
    assert r.status_code == 201, r.text
    year = date.today().year
    assert r.json()["number"] == f"1/{year}" and [e["case_sign"] for e in r.json()["entries"]] == [sign]
    again = arch.post(API, json={"unit": "OR"})
    assert again.status_code == 409  # every case is on a list already; no number is burned
    xml = arch.get(f"{API}/{year}/1/spis.xml")
    assert xml.status_code == 200 and xsd.validate(xml.content, SCHEMA) == [] and sign.encode() in xml.content
    pdf = arch.get(f"{API}/{year}/1/spis.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert [x["number"] for x in arch.get(API).json()] == [f"1/{year}"]
    assert arch.get(f"{API}/{year}/2").status_code == 404
    # the next list (of new cases) takes the next number
    add_entry(site.app, tenant=T, sign="OR.0001.1.2014", title="Zaproszenia")
    assert arch.post(API, json={"unit": "OR"}).json()["number"] == f"2/{year}"
    with site.app.uow() as uow:
        made = uow.session.execute(
            select(MetrykaEntry).where(MetrykaEntry.action == "spis_zdawczo_odbiorczy")
        ).scalars()
        assert [e.details["number"] for e in made] == [f"1/{year}", f"2/{year}"]


def test_spis_pages_preview_make_and_download(site: Site) -> None:
    sign = site.world.archived(T)
    client = sign_in(site, "sw.archiwista")
    page = client.get("/archiwum/spisy")
    assert (
        page.status_code == 200 and sign in page.text and "Nie sporządzono jeszcze żadnego spisu" in page.text
    )
    token = csrf_of(page.text)
    r = client.post("/archiwum/spisy", data={"unit": "ZZ", "csrf_token": token})
    assert r.status_code == 400 and "W tym urzędzie nie ma komórki ZZ" in r.text
    r = client.post("/archiwum/spisy", data={"unit": "OR", "csrf_token": token})
    year = date.today().year
    assert r.status_code == 200 and f"Spis zdawczo-odbiorczy nr 1/{year}" in r.text and sign in r.text
    xml = client.get(f"/archiwum/spisy/{year}/1/pobierz/xml")
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert client.get(f"/archiwum/spisy/{year}/1/pobierz/pdf").content.startswith(b"%PDF")
    assert client.get(f"/archiwum/spisy/{year}/1/pobierz/doc").status_code == 404
    assert sign_in(site, "sw.referent").get("/archiwum/spisy").status_code == 403
