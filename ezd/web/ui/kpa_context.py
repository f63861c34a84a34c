"""What the item and case pages offer on the KPA paths (the forms themselves: ``kpa_pages``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ezd.db.tables import RoleGrant, Tenant, Unit, User
from ezd.records.cases import ACTIVE_STATES, CaseState
from ezd.records.tenancy import Role
from ezd.services import approval_rules, case_terms
from ezd.services.actor import Actor
from ezd.services.approval_rules import CHAIN_ROLES
from ezd.services.deps import Deps
from ezd.services.lookup import case_by_sign, tenant_by_code
from ezd.services.queries.models import CaseView


def partner_offices(deps: Deps, tenant: str) -> list[str]:
    """The other offices of the partnership (a page shows them by name)."""
    return sorted(c for c in deps.session.execute(select(Tenant.code)).scalars() if c != tenant)


@dataclass(frozen=True)
class TermActions:
    """What the case page offers about the term: suspend or resume, and extend."""

    offered: bool
    suspended: bool
    may_send: bool = False  # the case's notices can be sent (the same people, any state but closed)


def term_actions(deps: Deps, actor: Actor, tenant: str, view: CaseView) -> TermActions:
    # the referent (or their substitute) and the head of the unit handle the term while the
    # reply has not gone out yet; the service checks it again on every action
    handler = view.access == "full" and (view.can.draft or actor.can(tenant, Role.KIEROWNIK, view.unit))
    may_send = handler and view.state in [s.value for s in ACTIVE_STATES]
    running = view.state in (CaseState.OPEN.value, CaseState.IN_APPROVAL.value)
    if not (handler and running):
        return TermActions(False, False, may_send)
    case = case_by_sign(deps.session, tenant_by_code(deps.session, tenant).id, view.sign)
    return TermActions(True, case_terms.is_suspended(deps.session, case.id), may_send)


def office_people(deps: Deps, tenant: str) -> list[tuple[str, str]]:
    """(login, full name) of the office's active people, for the "do wiadomości" choice."""
    rows = deps.session.execute(
        select(User.login, User.full_name)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .join(Tenant, Tenant.id == Unit.tenant_id)
        .where(Tenant.code == tenant, User.active.is_(True))
        .distinct()
        .order_by(User.full_name)
    ).all()
    return [(login, name) for login, name in rows]


@dataclass(frozen=True)
class ApprovalChoice:
    """What the referent may choose when sending a draft: the class's chains and opinions."""

    chains: list[list[str]]  # role values in order; the first is the default
    required: list[str]  # units whose opinion the JRWA class always asks
    extra: bool  # the referent may ask other units too
    units: list[tuple[str, str]]  # (code, name) of the units that may be asked


def approval_choice(deps: Deps, tenant: str, view: CaseView) -> ApprovalChoice | None:
    if not view.can.draft:
        return None
    t = tenant_by_code(deps.session, tenant)
    case = case_by_sign(deps.session, t.id, view.sign)
    rule = approval_rules.rule_for(deps.session, case.jrwa_class_id)
    units = [
        (u.code, u.name)
        for u in deps.session.execute(
            select(Unit).where(Unit.tenant_id == t.id).order_by(Unit.code)
        ).scalars()
        if u.code != view.unit
    ]
    if rule is None:  # no rule: the unit head alone, or with the secretary after them
        chains = [[CHAIN_ROLES[0].value], [r.value for r in CHAIN_ROLES]]
        return ApprovalChoice(chains, [], True, units)
    return ApprovalChoice(
        [[r.value for r in c] for c in rule.chains], list(rule.required_opinions), rule.extra_opinions, units
    )
