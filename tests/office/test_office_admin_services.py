"""The services behind the web administration: JRWA class edits, the admin log, founding offices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from ezd.bootstrap import App
from ezd.db.tables import JrwaClass, MetrykaEntry, Tenant
from ezd.records.errors import InvalidInput, NotFound, PermissionDenied
from ezd.services import admin_log, jrwa_edit, jrwa_view, office_founding, office_setup
from ezd.services.actor import Actor
from ezd.services.audit import tenant_chain
from tests.helpers import actor

SW, MG = "sp-swidnik", "ug-melgiew"


def _leaf_and_parent(app: App) -> tuple[str, str]:
    with app.uow() as uow:
        rows = jrwa_view.show_jrwa(uow.session, actor(app, "sw.admin"), office=SW)
    leaf = next(r for r in rows if r.is_leaf and r.cases == 0)
    parent = next(r for r in rows if not r.is_leaf)
    return leaf.symbol, parent.symbol


def test_a_jrwa_class_is_edited_by_the_lists_rules_and_logged(seeded_app: App) -> None:
    app, me = seeded_app, actor(seeded_app, "sw.admin")
    leaf, parent = _leaf_and_parent(app)
    with app.uow() as uow:
        s = uow.session
        with pytest.raises(InvalidInput, match="podaj kategorię"):
            jrwa_edit.edit_class(s, me, office=SW, symbol=leaf, title="Nowe hasło", category=" ")
        with pytest.raises(InvalidInput, match="'X7' jest niepoprawna"):
            jrwa_edit.edit_class(s, me, office=SW, symbol=leaf, title="Nowe hasło", category="X7")
        with pytest.raises(InvalidInput, match="ma podklasy"):
            jrwa_edit.edit_class(s, me, office=SW, symbol=parent, title="Hasło", category="A")
        with pytest.raises(InvalidInput, match="podaj hasło"):
            jrwa_edit.edit_class(s, me, office=SW, symbol=leaf, title="  ", category="A")
        done = jrwa_edit.edit_class(s, me, office=SW, symbol=leaf, title="Nowe hasło", category="be 10")
        assert (done.title, done.category, done.is_leaf) == ("Nowe hasło", "BE10", True)
        uow.commit()
    with app.uow() as uow:
        last = (
            uow.session.execute(
                select(MetrykaEntry)
                .where(MetrykaEntry.chain_key == tenant_chain(SW))
                .order_by(MetrykaEntry.seq.desc())
            )
            .scalars()
            .first()
        )
        assert last is not None and last.action == "zmiana_klasy_jrwa" and last.actor == "sw.admin"
        assert last.details["after"] == {"title": "Nowe hasło", "category": "BE10"}


def test_a_class_added_under_a_leaf_makes_it_a_parent_without_category(seeded_app: App) -> None:
    app, me = seeded_app, actor(seeded_app, "sw.admin")
    leaf, _ = _leaf_and_parent(app)
    child = leaf + "1" if len(leaf) < 4 else None
    assert child is not None
    with app.uow() as uow:
        s = uow.session
        with pytest.raises(InvalidInput, match="niepoprawny"):
            jrwa_edit.add_class(s, me, office=SW, symbol="12a", title="X", category="A")
        with pytest.raises(InvalidInput, match="już jest"):
            jrwa_edit.add_class(s, me, office=SW, symbol=leaf, title="X", category="A")
        with pytest.raises(NotFound):
            jrwa_edit.add_class(s, me, office=SW, symbol="9999", title="X", category="A")  # no 999
        added = jrwa_edit.add_class(s, me, office=SW, symbol=child, title="Podklasa", category="B5")
        assert added.is_leaf and added.category == "B5"
        uow.commit()
    with app.uow() as uow:
        row = uow.session.execute(
            select(JrwaClass).where(JrwaClass.symbol == leaf).join(Tenant).where(Tenant.code == SW)
        ).scalar_one()
        assert (row.is_leaf, row.category) == (False, None)


def test_an_admin_of_one_office_cannot_edit_anothers_jrwa_or_read_its_log(seeded_app: App) -> None:
    app, me = seeded_app, actor(seeded_app, "sw.admin")
    referent = actor(app, "sw.referent")
    with app.uow() as uow:
        with pytest.raises(NotFound):
            jrwa_edit.edit_class(uow.session, me, office=MG, symbol="0", title="X", category="")
        with pytest.raises(NotFound):
            admin_log.admin_log(uow.session, me, office=MG)
        with pytest.raises(PermissionDenied):  # a member of the office, but not its administrator
            admin_log.admin_log(uow.session, referent, office=SW)


def test_the_admin_log_pages_by_50_filters_and_names_people(seeded_app: App) -> None:
    app, me = seeded_app, actor(seeded_app, "sw.admin")
    with app.uow() as uow:
        for n in range(55):
            office_setup.add_unit(uow.session, me, office=SW, code=f"T{n}", name=f"Komórka {n}")
        uow.commit()
    with app.uow() as uow:
        first = admin_log.admin_log(uow.session, me, office=SW, who="sw.admin", action="utworzenie_komorki")
        second = admin_log.admin_log(
            uow.session, me, office=SW, who="sw.admin", action="utworzenie_komorki", page=2
        )
        everything = admin_log.admin_log(uow.session, me, office=SW)
    assert (first.total, first.pages, len(first.entries), len(second.entries)) == (55, 2, 50, 5)
    assert first.entries[0].details["unit"] == "T54"  # newest first
    assert first.entries[0].actor_name == "Administrator systemu"
    assert "import_jrwa" in everything.actions and everything.total > 55
    # the day filter is a Warsaw day: an entry at 23:30 UTC on 1 March is on 2 March in Warsaw
    with app.uow() as uow:
        uow.session.execute(
            update(MetrykaEntry)
            .where(MetrykaEntry.chain_key == tenant_chain(SW), MetrykaEntry.seq == first.entries[0].seq)
            .values(at=datetime(2026, 3, 1, 23, 30))
        )
        uow.commit()
    with app.uow() as uow:
        on_2nd = admin_log.admin_log(
            uow.session, me, office=SW, since=date(2026, 3, 2), until=date(2026, 3, 2)
        )
        on_1st = admin_log.admin_log(
            uow.session, me, office=SW, since=date(2026, 3, 1), until=date(2026, 3, 1)
        )
        with pytest.raises(InvalidInput):
            admin_log.admin_log(uow.session, me, office=SW, since=date(2026, 3, 2), until=date(2026, 3, 1))
    assert [e.seq for e in on_2nd.entries] == [first.entries[0].seq] and on_1st.total == 0


def test_only_a_system_administrator_founds_an_office_with_its_first_administrator(seeded_app: App) -> None:
    app = seeded_app
    office_admin = actor(app, "sw.admin")
    sysadmin = replace(office_admin, system_admin=True)
    new = office_founding.NewOffice("ug-wolka", "Urząd Gminy Wólka", "urzad-gminy", regon="123456789")
    first = office_founding.FirstAdmin("wo.admin", "Jan Kowalski", None, "dobre-haslo-123")
    with app.uow() as uow, pytest.raises(PermissionDenied):
        office_founding.found_office(uow.session, office_admin, new, [("OR", "Referat")], first)
    with app.uow() as uow, pytest.raises(InvalidInput, match="co najmniej 10"):
        office_founding.found_office(
            uow.session, sysadmin, new, [("OR", "Referat")], replace(first, password="krotkie")
        )
    with app.uow() as uow:
        info = office_founding.found_office(uow.session, sysadmin, new, [("OR", "Referat")], first)
        uow.commit()
    assert info.name == "Urząd Gminy Wólka"
    wolka_admin: Actor = actor(app, "wo.admin")
    assert wolka_admin.can("ug-wolka", office_setup.Role.ADMIN) and not wolka_admin.can(
        SW, office_setup.Role.ADMIN
    )
    with app.uow() as uow:
        log = admin_log.admin_log(uow.session, wolka_admin, office="ug-wolka")
        # the system administrator holds no right in the office they founded
        with pytest.raises(NotFound):
            office_setup.list_users(uow.session, sysadmin, office="ug-wolka")
    actions = [e.action for e in reversed(log.entries)]
    assert actions == [
        "utworzenie_urzedu",
        "utworzenie_komorki",
        "utworzenie_konta",
        "nadanie_roli",
        "zmiana_hasla",
    ]
    assert {e.actor for e in log.entries} == {"sw.admin"}  # the person who founded it, not "system"
