"""Archivist pages: legal holds (list, set, lift) and fixity audits with their incidents."""

from __future__ import annotations

from sqlalchemy import select

from ezd.archive_ops.fixity import run_audit
from ezd.db.tables_archive import ArchiveEntry
from ezd.storage.local import LocalObjectStore
from tests.web.conftest import Site
from tests.web.test_pages import csrf_of, sign_in


def test_legal_hold_is_set_listed_and_lifted_in_the_browser(site: Site) -> None:
    sign = site.world.archived("sp-swidnik")
    client = sign_in(site, "sw.archiwista")
    page = client.get("/archiwum/blokady")
    assert page.status_code == 200 and "Żadna sprawa nie jest objęta blokadą" in page.text
    token = csrf_of(page.text)
    refused = client.post("/archiwum/blokady", data={"case": sign, "reason": " ", "csrf_token": token})
    assert refused.status_code == 400  # a hold needs a reason; nothing changed
    r = client.post(
        "/archiwum/blokady", data={"case": sign, "reason": "postępowanie II SA/Lu 12/26", "csrf_token": token}
    )
    assert r.status_code == 200 and sign in r.text and "postępowanie II SA/Lu 12/26" in r.text
    with site.app.uow() as uow:
        entry = uow.session.execute(select(ArchiveEntry).where(ArchiveEntry.case_sign == sign)).scalar_one()
        assert entry.legal_hold
    r = client.post("/archiwum/blokady/zniesienie", data={"case": sign, "csrf_token": token})
    assert r.status_code == 200 and "Żadna sprawa nie jest objęta blokadą" in r.text
    # a referent sees neither the page nor can set a hold
    other = sign_in(site, "sw.referent")
    assert other.get("/archiwum/blokady").status_code == 403
    mine = csrf_of(other.get("/zadania").text)  # the sign-out form of every page carries it
    r = other.post("/archiwum/blokady", data={"case": sign, "reason": "x", "csrf_token": mine})
    assert r.status_code == 403 and "archiwista" in r.text  # the service's role check, not the CSRF check
    with site.app.uow() as uow:
        entry = uow.session.execute(select(ArchiveEntry).where(ArchiveEntry.case_sign == sign)).scalar_one()
        assert not entry.legal_hold


def test_fixity_page_names_the_damaged_case(site: Site) -> None:
    sign = site.world.archived("sp-swidnik")
    store = site.app.store
    assert isinstance(store, LocalObjectStore)
    with site.app.uow() as uow:
        entry = uow.session.execute(select(ArchiveEntry).where(ArchiveEntry.case_sign == sign)).scalar_one()
        digest = next(o.sha256 for o in entry.objects if o.role == "content")
    path = store.path_of(digest)
    path.chmod(0o644)
    raw = path.read_bytes()
    path.write_bytes(bytes([raw[0] ^ 1]) + raw[1:])
    assert run_audit(site.app).damaged
    for login in ("sw.archiwista", "sw.admin"):
        page = sign_in(site, login).get("/archiwum/integralnosc")
        assert page.status_code == 200, page.text
        assert f"sprawa {sign}" in page.text and "obiekt uszkodzony" in page.text
    assert sign_in(site, "sw.referent").get("/archiwum/integralnosc").status_code == 403
