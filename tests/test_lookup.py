"""tenant_by_code: the per-database cache of tenant rows (no SQL on a hit, no cached misses)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, select

from ezd.bootstrap import App
from ezd.db.tables import IncomingItem, Unit
from ezd.records.errors import NotFound
from ezd.services import admin
from ezd.services.lookup import tenant_by_code
from tests.conftest import _ready_app, make_settings


@contextmanager
def statements(app: App) -> Iterator[list[str]]:
    seen: list[str] = []

    def log(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(app.db, "before_cursor_execute", log)
    try:
        yield seen
    finally:
        event.remove(app.db, "before_cursor_execute", log)


def test_tenant_rows_are_reused_across_transactions_and_stay_usable(stack: App) -> None:
    with stack.uow() as uow, pytest.raises(NotFound):
        tenant_by_code(uow.session, "ug-kamien")
    with stack.uow() as uow:  # a miss is not remembered: the office just created is found
        admin.create_tenant(uow.session, code="ug-kamien", name="Urząd Gminy Kamień", kind="gmina")
        uow.commit()
    with stack.uow() as uow:
        first = tenant_by_code(uow.session, "ug-kamien")
        uow.commit()
    with stack.uow() as uow, statements(stack) as seen:
        tenant = tenant_by_code(uow.session, "ug-kamien")
        assert seen == []  # served from the cache
        assert (tenant.id, tenant.name, tenant.kind) == (first.id, "Urząd Gminy Kamień", "gmina")
        assert tenant in uow.session  # a persistent object of this session, not a detached copy
        uow.session.add(Unit(tenant_id=tenant.id, code="OR", name="Wydział Organizacyjny"))
        uow.commit()
    with stack.uow() as uow:
        unit = admin.create_unit(uow.session, tenant="ug-kamien", code="GK", name="Gospodarka")
        assert unit.tenant.code == "ug-kamien"


def test_cache_is_per_database(app: App, tmp_path: Path) -> None:
    # two installations in one process (tests, the benchmark): same code, different rows
    other = _ready_app(make_settings(tmp_path / "other"))
    for each, name in ((app, "Gmina A"), (other, "Gmina B")):
        with each.uow() as uow:
            admin.create_tenant(uow.session, code="ug-rybczewice", name=name, kind="gmina")
            uow.commit()
    for each, name in ((app, "Gmina A"), (other, "Gmina B")):
        with each.uow() as uow:
            assert tenant_by_code(uow.session, "ug-rybczewice").name == name
    other.db.dispose()


def test_case_and_item_lookups_by_sign_are_remembered_per_session(app: App) -> None:
    from ezd.demo.driver import Demo
    from ezd.services.lookup import case_by_sign, item_by_sign

    [sign] = Demo(app).run(1).case_signs
    with app.uow() as uow:
        rpw = uow.session.execute(select(IncomingItem.sign)).scalar_one()
    with app.uow() as uow, statements(app) as seen:
        tenant = tenant_by_code(uow.session, "sp-swidnik")
        case = case_by_sign(uow.session, tenant.id, sign)
        item = item_by_sign(uow.session, tenant.id, rpw)
        before = len(seen)
        assert case_by_sign(uow.session, tenant.id, sign) is case  # remembered: no SQL
        assert item_by_sign(uow.session, tenant.id, rpw) is item
        assert len(seen) == before
        uow.session.expunge(case)  # left the session (as after a rollback): looked up again
        again = case_by_sign(uow.session, tenant.id, sign)
        assert again is not case and again.sign == sign and len(seen) == before + 1
        with pytest.raises(NotFound, match=r"no case OR\.0000\.9\.2026"):
            case_by_sign(uow.session, tenant.id, "OR.0000.9.2026")


def test_item_with_content_reads_versions_and_attachments_in_the_same_query(stack: App) -> None:
    from ezd.db.tables import Tenant
    from ezd.demo.driver import Demo
    from ezd.services.lookup import item_with_content

    Demo(stack).run(2)  # one letter in each office, both get a UPP
    with stack.uow() as uow:
        items = uow.session.execute(
            select(Tenant.code, IncomingItem.sign).join(Tenant, Tenant.id == IncomingItem.tenant_id)
        ).all()
    assert len(items) == 2
    for code, rpw in items:
        with stack.uow() as uow, statements(stack) as seen:
            tenant = tenant_by_code(uow.session, code)
            item = item_with_content(uow.session, tenant.id, rpw)
            doc = item.document
            digests = [v.sha256 for v in doc.versions]
            names = sorted(a.filename for a in doc.attachments)
            # item, document, versions and attachments: one query
            assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
            assert len(digests) == 1 and any(n.startswith("UPP-") for n in names)
