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


def _open(app: App, sign: str) -> list[tuple[str, tuple[str, ...]]]:
    from ezd.services.lookup import business_key

    with app.uow() as uow:
        tasks = app.engine(uow.session).user_tasks(business_key=business_key(TENANT, sign))
        return sorted((t.task_key, t.candidate_groups) for t in tasks)


def test_parallel_opinions_then_a_sequential_chain(seeded_app: App) -> None:
    from ezd.records.errors import InvalidState
    from ezd.records.tenancy import Role
    from ezd.services import approval

    with seeded_app.uow() as uow:  # heads for two more units, to be asked for opinions
        admin.grant_role(uow.session, login="sw.referent2", tenant=TENANT, unit="GK", role=Role.KIEROWNIK)
        admin.grant_role(uow.session, login="sw.archiwista", tenant=TENANT, unit="AZ", role=Role.KIEROWNIK)
        uow.commit()
    sign = open_case(seeded_app, 43, received=None)
    reply = letters.reply_letter(
        "Starostwo Powiatowe w Świdniku", sign, "Jan Kowalski", "pismo", date.today()
    )
    with seeded_app.uow() as uow:
        cases.submit_draft(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.referent"),
            tenant=TENANT,
            case_sign=sign,
            content=reply,
            filename="o.xml",
            approval_chain=["kierownik", "sekretarz"],
            opinions=["GK", "AZ"],
        )
        uow.commit()
    # both opinions are asked at once (multi-instance), the chain waits for them
    assert _open(seeded_app, sign) == [
        ("Task_Opinion", ("sp-swidnik:AZ:kierownik",)),
        ("Task_Opinion", ("sp-swidnik:GK:kierownik",)),
    ]
    with pytest.raises(InvalidState):
        _approve(seeded_app, sign, "sw.kierownik")
    with seeded_app.uow() as uow, pytest.raises(PermissionDenied):  # only the head of GK opines for GK
        approval.give_opinion(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kierownik"),
            tenant=TENANT,
            case_sign=sign,
            unit="GK",
            positive=True,
        )
    with seeded_app.uow() as uow:
        approval.give_opinion(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.referent2"),
            tenant=TENANT,
            case_sign=sign,
            unit="GK",
            positive=True,
        )
        uow.commit()
    assert _open(seeded_app, sign) == [("Task_Opinion", ("sp-swidnik:AZ:kierownik",))]
    with seeded_app.uow() as uow:
        approval.give_opinion(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.archiwista"),
            tenant=TENANT,
            case_sign=sign,
            unit="AZ",
            positive=False,
            comment="brak podstawy prawnej",
        )
        uow.commit()
    assert _open(seeded_app, sign) == [("Task_Approve", ("sp-swidnik:OR:kierownik",))]
    with pytest.raises(PermissionDenied):  # the secretary's step comes second
        _approve(seeded_app, sign, "sw.sekretarz")
    _approve(seeded_app, sign, "sw.kierownik")
    assert _open(seeded_app, sign) == [("Task_Approve", ("sp-swidnik:sekretarz",))]
    _approve(seeded_app, sign, "sw.sekretarz")
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        draft = cases.current_draft(uow.session, case)
        steps = [
            (s.kind, s.seq, s.role, s.unit_code, s.state, s.decided_by)
            for s in approval.steps_of(uow.session, draft)
        ]
        actions = [
            m.action
            for m in uow.session.execute(
                select(MetrykaEntry).where(MetrykaEntry.case_id == case.id).order_by(MetrykaEntry.seq)
            ).scalars()
        ]
    assert steps == [
        ("approval", 1, "kierownik", None, "approved", "sw.kierownik"),
        ("approval", 2, "sekretarz", None, "approved", "sw.sekretarz"),
        ("opinion", 1, "kierownik", "GK", "positive", "sw.referent2"),
        ("opinion", 2, "kierownik", "AZ", "negative", "sw.archiwista"),
    ]
    assert actions[actions.index("projekt_do_akceptacji") :][:6] == [
        "projekt_do_akceptacji",
        "opinia",
        "opinia",
        "akceptacja",
        "akceptacja",
        "podpis",
    ]
