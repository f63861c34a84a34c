"""The archivist's search over the API is inflection-aware and tenant-scoped."""

from __future__ import annotations

from ezd.demo.driver import Demo


def test_search_finds_inflected_forms(site) -> None:  # type: ignore[no-untyped-def]
    Demo(site.app).run(10)  # archived cases in both offices; titles from the demo letters
    arch = site.client("sw.archiwista")

    def signs(q: str, tenant: str = "sp-swidnik") -> set[str]:
        r = arch.get(f"/api/v1/tenants/{tenant}/archive/search", params={"q": q})
        assert r.status_code == 200, r.text
        return {c["sign"] for c in r.json()}

    wniosek = signs("wniosek")
    assert wniosek, "demo titles start with 'Wniosek o udostępnienie…'"
    assert signs("wniosku") == wniosek  # genitive finds the nominative
    assert signs("informacji publicznej") <= wniosek
    assert signs("petycji") and signs("petycji").isdisjoint(wniosek)
    assert signs("zupełnieinnesłowo") == set()
    # another office's archive is not searchable by this archivist
    other = arch.get("/api/v1/tenants/ug-melgiew/archive/search", params={"q": "wniosek"})
    assert other.status_code in (403, 404)


def test_lending_over_the_api_is_logged(site) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    from sqlalchemy import select

    from ezd.db.tables import AccessLog, MetrykaEntry

    Demo(site.app).run(2)
    arch = site.client("sw.archiwista")
    archived = {
        c["sign"] for c in arch.get("/api/v1/tenants/sp-swidnik/archive/search", params={"q": ""}).json()
    }
    sign = next(iter(archived))
    due = (date.today() + timedelta(days=14)).isoformat()
    r = arch.post(
        "/api/v1/tenants/sp-swidnik/archive/loans",
        json={"case": sign, "borrower": "Wydział GK", "due_on": due},
    )
    assert r.status_code == 201, r.text
    again = arch.post(
        "/api/v1/tenants/sp-swidnik/archive/loans", json={"case": sign, "borrower": "X", "due_on": due}
    )
    assert again.status_code == 409 and "są już wypożyczone" in again.text
    assert [x["case"] for x in arch.get("/api/v1/tenants/sp-swidnik/archive/loans").json()] == [sign]
    assert arch.post(f"/api/v1/tenants/sp-swidnik/archive/loans/{sign}/return").status_code == 200
    assert arch.get("/api/v1/tenants/sp-swidnik/archive/loans").json() == []
    with site.app.uow() as uow:
        actions = set(uow.session.execute(select(MetrykaEntry.action)).scalars())
        reads = set(
            uow.session.execute(
                select(AccessLog.object_ref).where(AccessLog.actor == "sw.archiwista")
            ).scalars()
        )
    assert {"udostepnienie", "zwrot_udostepnienia"} <= actions
    assert sign in reads
