"""The case's deadline by the law, wired: received date → term, kind from the JRWA class or chosen
at opening, suspension and resumption, art. 36 extension with its notice (embedded default)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from ezd.bootstrap import App
from ezd.clock import office_today
from ezd.db.tables import CaseFile, Document, JrwaClass, MetrykaEntry
from ezd.db.tables_kpa import CasePause
from ezd.demo import letters
from ezd.records.deadlines import MatterKind, deadline_for, next_working_day
from ezd.records.errors import InvalidInput, InvalidState, PermissionDenied
from ezd.records.intake import Channel
from ezd.services import case_terms, cases, intake
from ezd.workers.inprocess import run_pending
from tests.helpers import actor

TENANT = "sp-swidnik"


def _letter(n: int) -> tuple[bytes, str]:
    return letters.incoming_letter(random.Random(n), "Starostwo Powiatowe w Świdniku", n, office_today())


def open_case(app: App, n: int, *, received: date | None, kind: str | None = None) -> str:
    """A paper letter registered with its envelope date, decreed, assigned, opened as a case."""
    xml, jrwa = _letter(n)
    kanc = actor(app, "sw.kancelaria")
    with app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session),
            kanc,
            tenant=TENANT,
            data=xml,
            filename="skan.xml",
            channel=Channel.POST,
            received=received,
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
    with app.uow() as uow:
        cases.case_decision(
            app.deps(uow.session),
            actor(app, "sw.referent"),
            tenant=TENANT,
            rpw=reg.sign,
            jrwa=jrwa,
            matter_kind=kind,
        )
        uow.commit()
    run_pending(app)
    with app.uow() as uow:
        return uow.session.execute(select(CaseFile.sign).order_by(CaseFile.id.desc()).limit(1)).scalar_one()


def _case(app: App, sign: str) -> CaseFile:
    with app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        uow.session.expunge(case)
        return case


def _actions(app: App, case_id: int) -> list[tuple[str, dict[str, object]]]:
    with app.uow() as uow:
        rows = uow.session.execute(
            select(MetrykaEntry).where(MetrykaEntry.case_id == case_id).order_by(MetrykaEntry.id)
        ).scalars()
        return [(r.action, dict(r.details)) for r in rows]


def test_deadline_counts_from_the_received_date(seeded_app: App) -> None:
    sign = open_case(seeded_app, 1, received=date(2026, 10, 11))
    case = _case(seeded_app, sign)
    # 11.10.2026 + 1 month = 11.11.2026, Independence Day → Thursday 12.11.2026
    assert case.term_start == date(2026, 10, 11)
    assert case.matter_kind == "administrative"
    assert case.deadline == date(2026, 11, 12)
    opened = dict(_actions(seeded_app, case.id))["zalozenie_sprawy"]
    assert opened["deadline"] == "2026-11-12" and opened["matter_kind"] == "administrative"


def test_kind_from_the_jrwa_class_and_chosen_at_opening(seeded_app: App) -> None:
    _, jrwa = _letter(2)
    with seeded_app.uow() as uow:
        uow.session.execute(update(JrwaClass).where(JrwaClass.symbol == jrwa).values(matter_kind="petition"))
        uow.commit()
    by_class = _case(seeded_app, open_case(seeded_app, 2, received=date(2026, 11, 30)))
    assert by_class.matter_kind == "petition"
    assert by_class.deadline == date(2027, 3, 1)  # 28.02.2027 is a Sunday
    chosen = _case(seeded_app, open_case(seeded_app, 3, received=date(2026, 11, 30), kind="complex"))
    assert chosen.matter_kind == "complex"
    assert chosen.deadline == deadline_for(MatterKind.COMPLEX, date(2026, 11, 30)) == date(2027, 2, 1)


def test_an_unknown_kind_is_refused_before_the_step(seeded_app: App) -> None:
    with pytest.raises(InvalidInput, match="nieznany rodzaj sprawy"):
        open_case(seeded_app, 4, received=None, kind="urgent")


def test_suspension_stops_the_clock_and_resuming_pushes_it(seeded_app: App) -> None:
    sign = open_case(seeded_app, 5, received=date(2026, 10, 11))
    referent = actor(seeded_app, "sw.referent")
    with seeded_app.uow() as uow:
        case_terms.suspend(
            seeded_app.deps(uow.session), referent, tenant=TENANT, case_sign=sign, reason="opinia biegłego"
        )
        uow.commit()
    case = _case(seeded_app, sign)
    assert case.deadline is None  # not counted as overdue while the clock is stopped
    with seeded_app.uow() as uow, pytest.raises(InvalidState, match="już zawieszona"):
        case_terms.suspend(seeded_app.deps(uow.session), referent, tenant=TENANT, case_sign=sign, reason="x")
    # the suspension began ten days ago: those ten days are not counted
    with seeded_app.uow() as uow:
        uow.session.execute(
            update(CasePause)
            .where(CasePause.case_id == case.id)
            .values(start=office_today() - timedelta(days=10))
        )
        uow.commit()
    with seeded_app.uow() as uow:
        due = case_terms.resume(seeded_app.deps(uow.session), referent, tenant=TENANT, case_sign=sign)
        uow.commit()
    # 11.11.2026 + 10 days = 21.11.2026, a Saturday → Monday 23.11.2026
    assert due == _case(seeded_app, sign).deadline == date(2026, 11, 23)
    actions = [a for a, _ in _actions(seeded_app, case.id)]
    assert "zawieszenie_biegu_terminu" in actions and "podjecie_biegu_terminu" in actions
    with seeded_app.uow() as uow, pytest.raises(InvalidState, match="nie jest zawieszona"):
        case_terms.resume(seeded_app.deps(uow.session), referent, tenant=TENANT, case_sign=sign)


def test_resumed_the_same_day_leaves_no_day_out(seeded_app: App) -> None:
    sign = open_case(seeded_app, 6, received=date(2026, 10, 11))
    boss = actor(seeded_app, "sw.kierownik")  # the head of the unit may do it too
    with seeded_app.uow() as uow:
        case_terms.suspend(
            seeded_app.deps(uow.session), boss, tenant=TENANT, case_sign=sign, reason="wezwanie strony"
        )
        uow.commit()
    with seeded_app.uow() as uow:
        case_terms.resume(seeded_app.deps(uow.session), boss, tenant=TENANT, case_sign=sign)
        uow.commit()
    case = _case(seeded_app, sign)
    assert case.deadline == date(2026, 11, 12)
    with seeded_app.uow() as uow:
        assert uow.session.execute(select(CasePause).where(CasePause.case_id == case.id)).first() is None


def test_extension_records_the_date_reason_and_the_notice(seeded_app: App) -> None:
    sign = open_case(seeded_app, 7, received=date(2026, 10, 11))
    until = office_today() + timedelta(days=20)
    with seeded_app.uow() as uow:
        notice = case_terms.extend(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.referent"),
            tenant=TENANT,
            case_sign=sign,
            until=until,
            reason="oczekiwanie na opinię Regionalnej Dyrekcji Ochrony Środowiska",
        )
        uow.commit()
    case = _case(seeded_app, sign)
    assert notice.deadline == case.deadline == next_working_day(until)
    [(_, details)] = [(a, d) for a, d in _actions(seeded_app, case.id) if a == "przedluzenie_terminu"]
    assert details["deadline_before"] == "2026-11-12" and details["deadline"] == notice.deadline.isoformat()
    assert "Regionalnej" in str(details["reason"])
    with seeded_app.uow() as uow:
        doc = uow.session.execute(select(Document).where(Document.uid == notice.notice_document)).scalar_one()
        assert doc.case_id == case.id and doc.kind == case_terms.NOTICE_KIND
        text = seeded_app.store.get(doc.versions[0].sha256).decode("utf-8")
    assert "art. 36" in text and "12.11.2026" in text and notice.deadline.strftime("%d.%m.%Y") in text
    assert "Przyczyna zwłoki: oczekiwanie na opinię" in text


@pytest.mark.parametrize(
    ("login", "until_days", "reason", "error", "message"),
    [
        ("sw.kancelaria", 20, "powód", PermissionDenied, "kierownik"),
        ("sw.referent", 0, "powód", InvalidInput, "po dniu dzisiejszym"),
        ("sw.referent", 20, "   ", InvalidInput, "podaj przyczynę"),
    ],
)
def test_extension_refusals(
    seeded_app: App, login: str, until_days: int, reason: str, error: type[Exception], message: str
) -> None:
    sign = open_case(seeded_app, 8, received=date(2026, 10, 11))
    with seeded_app.uow() as uow, pytest.raises(error, match=message):
        case_terms.extend(
            seeded_app.deps(uow.session),
            actor(seeded_app, login),
            tenant=TENANT,
            case_sign=sign,
            until=office_today() + timedelta(days=until_days),
            reason=reason,
        )
    assert _case(seeded_app, sign).deadline == date(2026, 11, 12)  # nothing changed
