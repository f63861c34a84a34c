"""Art. 65 KPA forwarding between partner offices: refusals and the notice to the sender."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import Document, MetrykaEntry
from ezd.records.errors import InvalidInput, NotFound, PermissionDenied
from ezd.services import forwarding, intake
from ezd.services.lookup import item_by_sign, tenant_by_code
from ezd.workers.inprocess import run_pending
from tests.helpers import actor, letter

TENANT = "sp-swidnik"


def _assigned(app: App, n: int) -> str:
    kanc = actor(app, "sw.kancelaria")
    with app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session), kanc, tenant=TENANT, data=letter(n), filename="a.xml"
        )
        uow.commit()
    run_pending(app)
    with app.uow() as uow:
        intake.decree(app.deps(uow.session), kanc, tenant=TENANT, rpw=reg.sign, unit="OR")
        uow.commit()
    with app.uow() as uow:
        intake.assign_referent(
            app.deps(uow.session),
            actor(app, "sw.kierownik"),
            tenant=TENANT,
            rpw=reg.sign,
            referent="sw.referent",
        )
        uow.commit()
    return reg.sign


@pytest.mark.parametrize(
    ("login", "to", "reason", "error", "message"),
    [
        ("sw.referent", "sp-swidnik", "x", InvalidInput, "innego urzędu"),
        ("sw.referent", "ug-nieistniejaca", "x", NotFound, "nie ma urzędu partnerskiego"),
        ("sw.referent", "ug-melgiew", "  ", InvalidInput, "art. 65"),
        ("sw.kancelaria", "ug-melgiew", "x", PermissionDenied, "kierownik"),
    ],
)
def test_refusals(
    seeded_app: App, login: str, to: str, reason: str, error: type[Exception], message: str
) -> None:
    rpw = _assigned(seeded_app, 61)
    with seeded_app.uow() as uow, pytest.raises(error, match=message):
        forwarding.decide_forward(
            seeded_app.deps(uow.session),
            actor(seeded_app, login),
            tenant=TENANT,
            rpw=rpw,
            to_tenant=to,
            reason=reason,
        )


def test_forwarded_with_a_notice_to_the_sender(seeded_app: App) -> None:
    rpw = _assigned(seeded_app, 62)
    with seeded_app.uow() as uow:
        forwarding.decide_forward(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.referent"),
            tenant=TENANT,
            rpw=rpw,
            to_tenant="ug-melgiew",
            reason="zajęcie pasa drogi gminnej",
        )
        uow.commit()
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        [entry] = uow.session.execute(
            select(MetrykaEntry).where(MetrykaEntry.action == "przekazanie_wg_wlasciwosci")
        ).scalars()
        notice = uow.session.execute(
            select(Document).where(Document.uid == entry.details["notice"])
        ).scalar_one()
        text = seeded_app.store.get(notice.versions[0].sha256).decode("utf-8")
        here_id = tenant_by_code(uow.session, TENANT).id
        there_id = tenant_by_code(uow.session, "ug-melgiew").id
        original = item_by_sign(uow.session, here_id, rpw)
        there = item_by_sign(uow.session, there_id, str(entry.details["rpw_there"]))
        assert there.document.versions[0].sha256 == original.document.versions[0].sha256
        assert there.sender == original.sender and there.status != "forwarded"
        sender, rpw_there = original.sender, str(entry.details["rpw_there"])
    assert "art. 65" in text and "Urząd Gminy Mełgiew" in text and rpw_there in text
    assert sender in text and "zajęcie pasa drogi gminnej" in text
