"""Four eyes: the author of a draft never approves it, not as the head's substitute either."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import CaseFile, Document, MetrykaEntry
from ezd.demo import letters
from ezd.records.errors import PermissionDenied
from ezd.services import admin, cases
from ezd.services.actor import system_actor
from ezd.workers.inprocess import run_pending
from tests.helpers import actor
from tests.test_kpa_terms import TENANT, open_case


def _submit(app: App, sign: str, login: str) -> None:
    reply = letters.reply_letter(
        "Starostwo Powiatowe w Świdniku", sign, "Jan Kowalski", "pismo", date.today()
    )
    with app.uow() as uow:
        cases.submit_draft(
            app.deps(uow.session),
            actor(app, login),
            tenant=TENANT,
            case_sign=sign,
            content=reply,
            filename="o.xml",
        )
        uow.commit()


def _approve(app: App, sign: str, login: str) -> None:
    with app.uow() as uow:
        cases.decide_approval(
            app.deps(uow.session), actor(app, login), tenant=TENANT, case_sign=sign, approved=True
        )
        uow.commit()


def test_a_substitute_head_cannot_approve_own_draft(seeded_app: App) -> None:
    sign = open_case(seeded_app, 41, received=None)
    _submit(seeded_app, sign, "sw.referent")
    with seeded_app.uow() as uow:
        admin.add_substitution(
            uow.session,
            system_actor("admin-test"),
            tenant=TENANT,
            absent="sw.kierownik",
            substitute="sw.referent",
            start=date.today() - timedelta(days=1),
            end=date.today() + timedelta(days=3),
        )
        uow.commit()
    with pytest.raises(PermissionDenied, match="autor projektu nie może go zaakceptować"):
        _approve(seeded_app, sign, "sw.referent")
    with seeded_app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        draft = cases.current_draft(uow.session, case)
        assert draft.status == "in_approval"  # nothing changed
    _approve(seeded_app, sign, "sw.kierownik")  # another person may
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        entry = uow.session.execute(
            select(MetrykaEntry).where(MetrykaEntry.action == "akceptacja")
        ).scalar_one()
        assert entry.actor == "sw.kierownik"


def test_the_head_who_wrote_the_draft_cannot_approve_it(seeded_app: App) -> None:
    sign = open_case(seeded_app, 42, received=None)
    _submit(seeded_app, sign, "sw.kierownik")  # the head drafts in the referent's place
    with pytest.raises(PermissionDenied, match="zasada dwóch par oczu"):
        _approve(seeded_app, sign, "sw.kierownik")
    with seeded_app.uow() as uow:
        authors = {
            d.created_by for d in uow.session.execute(select(Document)).scalars() if d.direction == "outgoing"
        }
    assert authors == {"sw.kierownik"}
