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
