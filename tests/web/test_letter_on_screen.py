"""The letter on screen at every step: the RPW item (decree, assignment, case decision), the case
page with its reply draft; PDF and images inline, the signature badge with its report, the
head's comment next to the returned version."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from ezd.db.tables import AccessLog
from ezd.demo import letters
from ezd.records.intake import Access, Channel, IncomingMetadata
from ezd.services import cases, intake

from .conftest import Site
from .test_pages import sign_in

T = "sp-swidnik"
# smallest valid files of each kind: the browser shows them, the server does not parse them
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def _item_url(rpw: str) -> str:
    _, number, year = rpw.split("/")
    return f"/rpw/{T}/{year}/{number}"


def _register_file(site: Site, data: bytes, name: str, media_type: str) -> str:
    demo = site.world.demo
    kanc = demo.actor("sw.kancelaria")
    meta = IncomingMetadata(
        sender="Jan Kowalski",
        title="Wniosek o wydanie zaświadczenia",
        letter_date=date.today(),
        received_date=date.today(),
        channel=Channel.POST,
        kind="wniosek",
        access=Access.PUBLIC,
        attachments=0,
        format=media_type,
    )
    reg = demo.step(
        lambda d: intake.register_incoming(
            d, kanc, tenant=T, data=data, filename=name, media_type=media_type, metadata=meta
        )
    )
    demo.work()
    return str(reg.sign)


def test_epuap_letter_is_read_on_the_item_page_at_decree_assignment_and_decision(shared_site: Site) -> None:
    site = shared_site
    rpw, _ = site.world.register(T)
    kanc = sign_in(site, "sw.kancelaria")
    page = kanc.get(_item_url(rpw)).text
    letter = re.search(r'<article class="letter".*?</article>', page, re.S)
    assert letter, "the ePUAP letter is not shown as a letter"
    text = letter.group(0)
    assert "Nadawca" in text and "Adresat" in text and "Starostwo Powiatowe w Świdniku" in text
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", text)  # the letter's date, Polish style
    assert "<p>" in text  # its paragraphs
    assert "Dekretuj" in page and "Pobierz oryginał" in page
    # the head assigning and the referent deciding see the same letter
    rpw2, _ = site.world.decreed(T)
    boss = sign_in(site, "sw.kierownik")
    page = boss.get(_item_url(rpw2)).text
    assert "Przydziel" in page and '<article class="letter"' in page
    rpw3, _ = site.world.assigned(T)
    ref = sign_in(site, "sw.referent")
    page = ref.get(_item_url(rpw3)).text
    assert "Zapisz decyzję" in page and '<article class="letter"' in page
    # every view is in the access log
    with site.app.uow() as uow:
        reads = (
            uow.session.execute(select(AccessLog).where(AccessLog.object_type == "document")).scalars().all()
        )
        assert {r.actor for r in reads} >= {"sw.kancelaria", "sw.kierownik", "sw.referent"}


def test_signed_letter_shows_its_badge_and_the_report_one_click_away(shared_site: Site) -> None:
    site = shared_site
    xml, _ = letters.incoming_letter(site.world.rng, "Starostwo Powiatowe w Świdniku", 99, date.today())
    signed = site.world.demo._resident_signer().sign_enveloped(xml)
    rpw = _register_file(site, signed, "podpisane.xml", "application/xml")
    page = sign_in(site, "sw.kancelaria").get(_item_url(rpw)).text
    assert re.search(r'<span class="badge ok" id="signature-[^"]+">podpis ważny</span>', page), page[-3000:]
    report = re.search(r'<details class="report">.*?</details>', page, re.S)
    assert report and "Raport weryfikacji podpisu" in report.group(0) and "podpis ważny" in report.group(0)
    assert "Treść odczytana z podpisanej części pisma." in page


def test_pdf_and_image_are_shown_inline_and_xml_never_is(shared_site: Site) -> None:
    site = shared_site
    kanc = sign_in(site, "sw.kancelaria")
    rpw = _register_file(site, PDF, "wniosek.pdf", "application/pdf")
    page = kanc.get(_item_url(rpw)).text
    m = re.search(r'<iframe class="pdf" src="([^"]+)" title="Podgląd pisma: ([^"]+)"', page)
    assert m, "no inline PDF viewer"
    r = kanc.get(m.group(1))
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline")
    assert (
        r.headers["x-frame-options"] == "SAMEORIGIN"
        and "frame-ancestors 'self'" in r.headers["content-security-policy"]
    )
    assert re.search(r'<a href="/dokumenty/[^"]+/1/pobierz">Pobierz oryginał', page)

    rpw = _register_file(site, PNG, "skan.png", "image/png")
    page = kanc.get(_item_url(rpw)).text
    m = re.search(r'<img class="scan" src="([^"]+)" alt="Skan pisma: ', page)
    assert m and kanc.get(m.group(1)).content == PNG

    rpw, _ = site.world.register(T)
    page = kanc.get(_item_url(rpw)).text
    uid = re.search(r'href="/dokumenty/sp-swidnik/([^/]+)/1/pobierz"', page).group(1)  # type: ignore[union-attr]
    assert kanc.get(f"/dokumenty/{T}/{uid}/1/podglad").status_code == 404  # XML is never sent inline
    # another office's person cannot see it at all
    outsider = sign_in(site, "mg.kierownik")
    assert outsider.get(f"/dokumenty/{T}/{uid}/1/pobierz", follow_redirects=False).status_code == 404


def test_case_page_shows_the_letter_the_reply_and_why_a_draft_came_back(shared_site: Site) -> None:
    site = shared_site
    sign = site.world.in_approval(T)
    boss = sign_in(site, "sw.kierownik")
    page = boss.get(f"/sprawy/{T}/{sign}").text
    assert "Pismo w sprawie" in page and "Projekt odpowiedzi" in page
    assert page.count('<article class="letter"') == 2  # the incoming letter and the reply to approve
    assert f"W odpowiedzi na pismo w sprawie {sign}" in page
    demo = site.world.demo
    head = demo.actor("sw.kierownik")
    demo.step(
        lambda d: cases.decide_approval(
            d, head, tenant=T, case_sign=sign, approved=False, comment="Dopisz podstawę prawną"
        )
    )
    page = sign_in(site, "sw.referent").get(f"/sprawy/{T}/{sign}").text
    note = re.search(r'<p class="returned" id="return-[^"]+-1">(.*?)</p>', page, re.S)
    assert note and "Dopisz podstawę prawną" in note.group(1) and "Zwrócono do poprawy" in note.group(1)
    assert "Projekt zwrócony do poprawy" in page  # above the form the referent sends the new version with
    assert "zwrot projektu do poprawy" in page  # and in the metryka, by its Polish name
