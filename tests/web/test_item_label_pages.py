"""The label link on the item page and the code search field of the RPW page."""

from __future__ import annotations

from tests.web.conftest import Site


def test_label_pdf_and_finding_by_a_scanned_code(site: Site) -> None:
    sign, _ = site.world.register("ug-melgiew")
    _, number, year = sign.split("/")
    kanc = site.client("mg.kancelaria")
    page = kanc.get(f"/rpw/ug-melgiew/{year}/{number}")
    assert page.status_code == 200 and "etykieta.pdf" in page.text
    pdf = kanc.get(f"/rpw/ug-melgiew/{year}/{number}/etykieta.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'id="kod"' in kanc.get("/rpw").text
    found = kanc.get("/rpw/kod", params={"kod": f"EZD:ug-melgiew:{sign}"}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/rpw/ug-melgiew/{year}/{number}"
    bad = kanc.get("/rpw/kod", params={"kod": "nie-kod"})
    assert bad.status_code == 400 and "nie jest numerem RPW ani kodem z etykiety" in bad.text
    # another office's clerk gets nothing from the code, nor the label
    other = site.client("sw.kancelaria")
    assert other.get("/rpw/kod", params={"kod": f"EZD:ug-melgiew:{sign}"}).status_code in (403, 404)
    assert other.get(f"/rpw/ug-melgiew/{year}/{number}/etykieta.pdf").status_code in (403, 404)
