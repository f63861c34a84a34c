"""Approval rules per JRWA class: the chains a referent may choose and the required opinions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from ezd.services import approval_rules
from ezd.services.lookup import tenant_by_code
from ezd.web.api.models import TENANT, Body, UnitCode
from ezd.web.api.responses import READ, errors
from ezd.web.dependencies import Me, UoW

router = APIRouter(prefix="/api/v1/tenants/{tenant}", tags=["admin"])

Tenant = Annotated[str, Path(pattern=TENANT)]
Symbol = Annotated[str, Path(pattern=r"^\d{1,4}$")]
ChainRole = Annotated[str, Field(pattern="^(kierownik|sekretarz)$")]


class ApprovalRuleBody(Body):
    chains: list[Annotated[list[ChainRole], Field(min_length=1, max_length=2)]] = Field(
        min_length=1, max_length=5
    )
    required_opinions: list[UnitCode] = Field(default_factory=list, max_length=20)
    extra_opinions: bool = True


class ApprovalRuleView(BaseModel):
    jrwa: str
    chains: list[list[str]]  # allowed, in order; the first is the default
    required_opinions: list[str]
    extra_opinions: bool


def _view(rule: approval_rules.ApprovalRule) -> ApprovalRuleView:
    return ApprovalRuleView(
        jrwa=rule.jrwa,
        chains=[[r.value for r in c] for c in rule.chains],
        required_opinions=list(rule.required_opinions),
        extra_opinions=rule.extra_opinions,
    )


@router.put(
    "/jrwa/{symbol}/approval-rule",
    summary="Set the approval paths of a JRWA class (the administrator)",
    responses=errors(400, 401, 403, 404, 422),
)
def set_rule(tenant: Tenant, symbol: Symbol, body: ApprovalRuleBody, me: Me, uow: UoW) -> ApprovalRuleView:
    rule = approval_rules.set_rule(
        uow.session,
        me.actor,
        tenant=tenant,
        symbol=symbol,
        chains=body.chains,
        required_opinions=body.required_opinions,
        extra_opinions=body.extra_opinions,
    )
    return _view(rule)


@router.get(
    "/jrwa/{symbol}/approval-rule",
    summary="The approval paths a JRWA class allows (none: any chain, default the unit head)",
    responses=errors(*READ),
)
def get_rule(tenant: Tenant, symbol: Symbol, me: Me, uow: UoW) -> ApprovalRuleView | None:
    tenant_by_code(uow.session, tenant)
    return (
        _view(rule)
        if (rule := approval_rules.rule_of_symbol(uow.session, me.actor, tenant=tenant, symbol=symbol))
        else None
    )
