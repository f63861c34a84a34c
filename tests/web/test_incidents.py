"""No step fails silently (issue 13): a sealing step broken on purpose (the office's e-seal
removed) shows on its case page and on the administrator's "Incydenty" page with a Polish
explanation, the head's dashboard counts it, a retry before the cause is fixed fails again, and
after the seal is back "Ponów" lets the case go on; the retry is in the metryka.  Operaton's side
of the port: tests/distributed/test_operaton_engine.py::test_an_incident_is_listed_and_retried..."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select

from ezd.bootstrap import App
from ezd.db.tables import MetrykaEntry, Tenant
from ezd.db.tables_office import OfficeSeal
from ezd.demo.seed import office_p12
from ezd.services import cases, seals
from ezd.services.actor import system_actor
from ezd.services.lookup import case_by_sign, tenant_by_code

from .conftest import Site
from .test_pages import csrf_of, sign_in

T = "sp-swidnik"
PAGE = "/admin/incydenty"


def remove_seal(app: App) -> None:
    with app.uow() as uow:
        tenant = uow.session.execute(select(Tenant).where(Tenant.code == T)).scalar_one()
        uow.session.execute(delete(OfficeSeal).where(OfficeSeal.tenant_id == tenant.id))
        uow.commit()


def import_seal(app: App) -> None:
    settings = app.settings
    with app.uow() as uow:
        seals.import_p12(
            uow.session,
            settings,
            system_actor("test"),
            office=T,
            data=office_p12(settings, T).read_bytes(),
            password=(settings.keys_dir / "eseal.password").read_text(),
        )
        uow.commit()


@pytest.fixture
def no_seal(shared_site: Site) -> Iterator[tuple[Site, str]]:
    """A case whose reply waits for approval, in an office that has just lost its e-seal (the
    letter's receipt was sealed before)."""
    sign = shared_site.world.in_approval(T)
    remove_seal(shared_site.app)
    try:
        yield shared_site, sign
    finally:  # the module's other tests seal again
        import_seal(shared_site.app)


def _rows(html: str) -> list[str]:
    table = re.search(r'<table id="incidents"[^>]*>.*?<tbody>(.*?)</tbody>', html, re.S)
    return re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S) if table else []


def test_a_broken_step_is_shown_counted_and_retried(no_seal: tuple[Site, str]) -> None:
    site, sign = no_seal
    world = site.world
    boss = world.demo.actor("sw.kierownik")
    world.demo.step(lambda d: cases.decide_approval(d, boss, tenant=T, case_sign=sign, approved=True))
    world.demo.work()  # the sealing step holds: the office has no e-seal

    head = sign_in(site, "sw.kierownik")
    case_page = head.get(f"/sprawy/{T}/{sign}").text
    box = re.search(r'<div class="error" role="alert" id="failed-steps">(.*?)</div>', case_page, re.S)
    assert box and "Krok systemu nie powiódł się: Podpis (e-pieczęć)." in box.group(1)
    assert "Urząd nie ma ważnej e-pieczęci" in box.group(1)
    dashboard = head.get("/pulpit").text
    count = re.search(r'<section class="card" id="incident-count">(.*?)</section>', dashboard, re.S)
    assert count and '<p class="big">1</p>' in count.group(1)
    assert "1 krok systemu czeka na ponowienie" in count.group(1)
    assert head.get(PAGE).status_code == 403  # the page is the administrator's

    admin = sign_in(site, "sw.admin")
    page = admin.get(PAGE).text
    [row] = [r for r in _rows(page) if sign in r]
    assert f'href="/sprawy/{T}/{sign}"' in row and "Podpis (e-pieczęć)" in row
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", row), "no time (dd.mm.rrrr gg:mm)"
    assert "Urząd nie ma ważnej e-pieczęci" in row
    assert re.search(r'<details><summary>Szczegóły techniczne</summary><p class="mono" lang="en">', row)
    task_id = re.search(r'name="task_id" value="([^"]+)"', row)
    assert task_id
    # retried before the cause is fixed: the step holds again, still listed
    r = admin.post(
        f"{PAGE}/ponow?t={T}",
        data={"task_id": task_id.group(1), "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    world.demo.work()
    assert [r for r in _rows(admin.get(PAGE).text) if sign in r], "the held step vanished unfixed"

    import_seal(site.app)  # the cause fixed, without the import's own resume: "Ponów" does it
    page = admin.get(PAGE).text
    [row] = [r for r in _rows(page) if sign in r]
    task_id = re.search(r'name="task_id" value="([^"]+)"', row)
    assert task_id
    r = admin.post(
        f"{PAGE}/ponow?t={T}",
        data={"task_id": task_id.group(1), "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    world.demo.work()
    page = admin.get(PAGE).text
    assert not [r for r in _rows(page) if sign in r] and 'id="no-incidents"' in page
    assert 'id="failed-steps"' not in head.get(f"/sprawy/{T}/{sign}").text
    with site.app.uow() as uow:
        case = case_by_sign(uow.session, tenant_by_code(uow.session, T).id, sign)
        actions = list(
            uow.session.execute(
                select(MetrykaEntry.action).where(MetrykaEntry.case_id == case.id).order_by(MetrykaEntry.id)
            ).scalars()
        )
    assert actions.count("ponowienie_kroku") == 2
    assert actions[-2:] == ["podpis", "wysylka"], actions  # the case went on: sealed and sent
    metryka = head.get(f"/sprawy/{T}/{sign}").text
    assert "ponowienie kroku systemu" in metryka


def test_another_office_cannot_retry_this_one(shared_site: Site) -> None:
    admin = sign_in(shared_site, "mg.admin")
    page = admin.get(PAGE).text
    r = admin.post(
        f"{PAGE}/ponow?t={T}", data={"task_id": "x", "csrf_token": csrf_of(page)}, follow_redirects=False
    )
    assert r.status_code in (403, 404)
