"""Approval paths per JRWA class: the referent chooses within what the class allows; the class's
required opinions are always asked; the service layer refuses anything else (embedded engine)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import CaseFile, JrwaClass
from ezd.db.tables_kpa import ApprovalStep
from ezd.demo import letters
from ezd.records.errors import InvalidInput, PermissionDenied
from ezd.services import approval_rules, cases
from ezd.services.lookup import business_key
from tests.helpers import actor
from tests.test_kpa_terms import TENANT, open_case


def _symbol(app: App, sign: str) -> str:
    with app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        return str(uow.session.get(JrwaClass, case.jrwa_class_id).symbol)  # type: ignore[union-attr]


def _submit(app: App, sign: str, chain: Sequence[str] | None, opinions: Sequence[str] = ()) -> None:
    reply = letters.reply_letter(
        "Starostwo Powiatowe w Świdniku", sign, "Jan Kowalski", "pismo", date.today()
    )
    with app.uow() as uow:
        cases.submit_draft(
            app.deps(uow.session),
            actor(app, "sw.referent"),
            tenant=TENANT,
            case_sign=sign,
            content=reply,
            filename="o.xml",
            approval_chain=chain,
            opinions=opinions,
        )
        uow.commit()


def _steps(app: App, sign: str) -> list[tuple[str, str, str | None]]:
    with app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        rows = uow.session.execute(
            select(ApprovalStep).where(ApprovalStep.case_id == case.id).order_by(ApprovalStep.id)
        ).scalars()
        return [(r.kind, r.role, r.unit_code) for r in rows]


def test_the_referent_chooses_within_what_the_jrwa_class_allows(seeded_app: App) -> None:
    sign = open_case(seeded_app, 61, received=None)
    symbol = _symbol(seeded_app, sign)
    with seeded_app.uow() as uow, pytest.raises(PermissionDenied):  # the administrator's
        approval_rules.set_rule(
            uow.session,
            actor(seeded_app, "sw.referent"),
            tenant=TENANT,
            symbol=symbol,
            chains=[["kierownik"]],
        )
    with seeded_app.uow() as uow:
        rule = approval_rules.set_rule(
            uow.session,
            actor(seeded_app, "sw.admin"),
            tenant=TENANT,
            symbol=symbol,
            chains=[["kierownik", "sekretarz"], ["sekretarz"]],
            required_opinions=["GK"],
            extra_opinions=False,
        )
        uow.commit()
    assert [[r.value for r in c] for c in rule.chains] == [["kierownik", "sekretarz"], ["sekretarz"]]

    # a chain the class does not allow, or an opinion it does not allow: refused, nothing written
    with pytest.raises(InvalidInput, match="nie jest dozwolona w klasie JRWA"):
        _submit(seeded_app, sign, ["kierownik"])
    with pytest.raises(InvalidInput, match="opinie wydają tylko komórki wskazane"):
        _submit(seeded_app, sign, None, ["AZ"])
    assert _steps(seeded_app, sign) == []

    # no choice: the class's default chain, and its required opinion is asked first
    _submit(seeded_app, sign, None)
    assert _steps(seeded_app, sign) == [
        ("approval", "kierownik", None),
        ("approval", "sekretarz", None),
        ("opinion", "kierownik", "GK"),
    ]
    with seeded_app.uow() as uow:
        tasks = seeded_app.deps(uow.session).engine.user_tasks(business_key=business_key(TENANT, sign))
    assert sorted(t.task_key for t in tasks if t.task_key != "Task_Draft") == ["Task_Opinion"]


def test_a_class_without_a_rule_keeps_any_chain(seeded_app: App) -> None:
    sign = open_case(seeded_app, 62, received=None)
    with seeded_app.uow() as uow:
        assert (
            approval_rules.rule_of_symbol(
                uow.session, actor(seeded_app, "sw.referent"), tenant=TENANT, symbol=_symbol(seeded_app, sign)
            )
            is None
        )
    _submit(seeded_app, sign, ["sekretarz"])
    assert _steps(seeded_app, sign) == [("approval", "sekretarz", None)]
