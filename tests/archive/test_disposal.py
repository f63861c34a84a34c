"""Brakowanie end to end: due list, request, consent, destruction protocol, legal hold, records kept."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ezd.archive_ops import disposal
from ezd.bootstrap import App, bootstrap
from ezd.db.migrate import upgrade
from ezd.db.tables_archive import ArchiveEntry, DestructionRecord, DisposalRequest
from ezd.records.errors import InvalidState
from ezd.services.actor import system_actor
from ezd.storage import ObjectLocked
from ezd.storage.s3 import S3ObjectStore
from tests.archive.helpers import add_entry
from tests.conftest import make_settings

PAST = date(2020, 1, 1)
TODAY = date.today()
ARCHIVIST = system_actor("archiwista-test")


def _populate(app: App) -> dict[str, int]:
    s = app.store
    return {
        "b5": add_entry(
            app,
            tenant="sp-swidnik",
            sign="OR.0001.1.2014",
            title="Zaproszenia na narady",
            category="B5",
            retention_until=PAST,
            store=s,
        ),
        "be5": add_entry(
            app,
            tenant="sp-swidnik",
            sign="OR.0002.1.2014",
            title="Opinie do projektów",
            category="BE5",
            retention_until=PAST,
            store=s,
        ),
        "a": add_entry(
            app,
            tenant="sp-swidnik",
            sign="OR.0003.1.2014",
            title="Uchwały rady",
            category="A",
            retention_until=None,
            store=s,
        ),
        "young": add_entry(
            app,
            tenant="sp-swidnik",
            sign="OR.0004.1.2024",
            title="Zaproszenia 2024",
            category="B5",
            retention_until=date(2030, 1, 1),
            store=s,
        ),
        "other": add_entry(
            app,
            tenant="ug-melgiew",
            sign="OR.0001.1.2014",
            title="Zaproszenia Mełgiew",
            category="B2",
            retention_until=PAST,
            store=s,
        ),
    }


@dataclass
class _View:
    status: str
    digests: list[str]


def _entry(app: App, eid: int) -> _View:
    with app.uow() as uow:
        e = uow.session.get(ArchiveEntry, eid)
        assert e is not None
        return _View(e.status, [o.sha256 for o in e.objects])


def test_due_list_has_only_b_records_past_retention(app: App) -> None:
    ids = _populate(app)
    with app.uow() as uow:
        due = {e.id for e in disposal.due_for_disposal(uow.session, TODAY)}
    assert due == {ids["b5"], ids["be5"], ids["other"]}


def test_full_disposal_with_consent_protocol_and_kept_record(app: App) -> None:
    ids = _populate(app)
    b5_digest = _entry(app, ids["b5"]).digests[0]
    with app.uow() as uow:
        req = disposal.request_disposal(uow.session, app.store, ARCHIVIST, tenant="sp-swidnik", as_of=TODAY)
        number = f"{req.number}/{req.year}"
        assert {i.entry_id for i in req.items} == {ids["b5"], ids["be5"]}
        request_html = app.store.get(req.request_sha256).decode()
        uow.commit()
    assert "OR.0001.1.2014" in request_html and "ekspertyza" in request_html
    # nothing can be destroyed before consent
    with app.uow() as uow, pytest.raises(InvalidState, match="consent"):
        disposal.execute_disposal(
            uow.session, app.store, ARCHIVIST, tenant="sp-swidnik", request=number, today=TODAY
        )
    assert app.store.exists(b5_digest)
    # the state archive keeps the BE record after its expert review
    with app.uow() as uow:
        disposal.record_consent(
            uow.session,
            app.store,
            ARCHIVIST,
            tenant="sp-swidnik",
            request=number,
            document=b"%PDF-1.4 zgoda AP Lublin",
            media_type="application/pdf",
            consent_date=TODAY,
            reference="AP.4131.12.2026",
            excluded=["OR.0002.1.2014"],
        )
        uow.commit()
    with app.uow() as uow:
        out = disposal.execute_disposal(
            uow.session, app.store, ARCHIVIST, tenant="sp-swidnik", request=number, today=TODAY
        )
        uow.commit()
    assert out.destroyed == ["OR.0001.1.2014"]
    assert not app.store.exists(b5_digest)
    assert app.store.exists(out.protocol_sha256)
    assert "AP.4131.12.2026" in app.store.get(out.protocol_sha256).decode()
    assert _entry(app, ids["b5"]).status == "destroyed"
    assert _entry(app, ids["be5"]).status == "held"
    with app.uow() as uow:
        rec = uow.session.execute(select(DestructionRecord)).scalar_one()
        assert (rec.case_sign, rec.category, rec.digests) == ("OR.0001.1.2014", "B5", [b5_digest])
        req_row = uow.session.execute(select(DisposalRequest)).scalar_one()
        assert req_row.status == "executed" and req_row.consent_ref == "AP.4131.12.2026"


def test_legal_hold_blocks_destruction(app: App) -> None:
    ids = _populate(app)
    with app.uow() as uow:
        req = disposal.request_disposal(uow.session, app.store, ARCHIVIST, tenant="ug-melgiew", as_of=TODAY)
        number = f"{req.number}/{req.year}"
        disposal.record_consent(
            uow.session,
            app.store,
            ARCHIVIST,
            tenant="ug-melgiew",
            request=number,
            document=b"zgoda",
            media_type="text/plain",
            consent_date=TODAY,
            reference="AP.1",
        )
        disposal.set_legal_hold(
            uow.session,
            app.store,
            ARCHIVIST,
            tenant="ug-melgiew",
            case_sign="OR.0001.1.2014",
            on=True,
            reason="sygn. akt I C 12/26",
        )
        uow.commit()
    digest = _entry(app, ids["other"]).digests[0]
    with app.uow() as uow, pytest.raises(InvalidState, match="legal hold"):
        disposal.execute_disposal(
            uow.session, app.store, ARCHIVIST, tenant="ug-melgiew", request=number, today=TODAY
        )
    with pytest.raises(ObjectLocked):
        app.store.delete(digest)  # the store refuses too, even if someone skips the service
    assert app.store.exists(digest)
    with app.uow() as uow:
        disposal.set_legal_hold(
            uow.session, app.store, ARCHIVIST, tenant="ug-melgiew", case_sign="OR.0001.1.2014", on=False
        )
        disposal.execute_disposal(
            uow.session, app.store, ARCHIVIST, tenant="ug-melgiew", request=number, today=TODAY
        )
        uow.commit()
    assert not app.store.exists(digest)


def test_held_entries_are_not_proposed(app: App) -> None:
    ids = _populate(app)
    with app.uow() as uow:
        disposal.set_legal_hold(
            uow.session,
            app.store,
            ARCHIVIST,
            tenant="sp-swidnik",
            case_sign="OR.0001.1.2014",
            on=True,
            reason="kontrola NIK",
        )
        due = {e.id for e in disposal.due_for_disposal(uow.session, TODAY)}
        uow.commit()
    assert ids["b5"] not in due


def test_shared_content_survives_disposal_of_one_holder(app: App) -> None:
    add_entry(
        app,
        tenant="sp-swidnik",
        sign="OR.0005.1.2014",
        title="Kopia",
        category="B2",
        retention_until=PAST,
        store=app.store,
        text="wspólna treść",
    )
    keep = add_entry(
        app,
        tenant="sp-swidnik",
        sign="OR.0005.1.2099",
        title="Kopia",
        category="A",
        retention_until=None,
        text="wspólna treść",
    )
    shared = app.store.put("OR.0005.1.2014: Kopia\nwspólna treść".encode()).sha256
    with app.uow() as uow:
        from ezd.db.tables_archive import ArchiveObject

        uow.session.add(
            ArchiveObject(
                entry_id=keep,
                role="content",
                sha256=shared,
                size=1,
                media_type="text/plain",
                filename="x",
                title="",
            )
        )
        req = disposal.request_disposal(uow.session, app.store, ARCHIVIST, tenant="sp-swidnik", as_of=TODAY)
        number = f"{req.number}/{req.year}"
        disposal.record_consent(
            uow.session,
            app.store,
            ARCHIVIST,
            tenant="sp-swidnik",
            request=number,
            document=b"zgoda",
            media_type="text/plain",
            consent_date=TODAY,
            reference="AP.2",
        )
        out = disposal.execute_disposal(
            uow.session, app.store, ARCHIVIST, tenant="sp-swidnik", request=number, today=TODAY
        )
        uow.commit()
    assert out.objects_kept_shared == 1
    assert app.store.exists(shared)


def test_s3_lock_still_in_force_stops_destruction(tmp_path: Path, s3_store: S3ObjectStore) -> None:
    """Register says retention ran out, but the object's COMPLIANCE lock has not: the server wins."""
    app = bootstrap(make_settings(tmp_path / "ezd"), store=s3_store)
    upgrade(app.db, "heads")
    eid = add_entry(
        app,
        tenant="sp-swidnik",
        sign="OR.0006.1.2014",
        title="Zaproszenia",
        category="B5",
        retention_until=PAST,
        store=app.store,
    )
    digest = _entry(app, eid).digests[0]
    s3_store.lock(digest, datetime.now(UTC) + timedelta(seconds=4))
    with app.uow() as uow:
        req = disposal.request_disposal(uow.session, app.store, ARCHIVIST, tenant="sp-swidnik", as_of=TODAY)
        number = f"{req.number}/{req.year}"
        disposal.record_consent(
            uow.session,
            app.store,
            ARCHIVIST,
            tenant="sp-swidnik",
            request=number,
            document=b"zgoda",
            media_type="text/plain",
            consent_date=TODAY,
            reference="AP.3",
        )
        uow.commit()
    with app.uow() as uow, pytest.raises(ObjectLocked):
        disposal.execute_disposal(
            uow.session, app.store, ARCHIVIST, tenant="sp-swidnik", request=number, today=TODAY
        )
    assert s3_store.exists(digest)
    assert _entry(app, eid).status == "held"  # the transaction rolled back
    time.sleep(5)
    with app.uow() as uow:
        disposal.execute_disposal(
            uow.session, app.store, ARCHIVIST, tenant="sp-swidnik", request=number, today=TODAY
        )
        uow.commit()
    assert not s3_store.exists(digest)
    app.db.dispose()
