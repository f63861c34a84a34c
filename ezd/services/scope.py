"""The preamble of a service call, written once: which office, is the actor allowed, on whose behalf.

Every write starts the same way -- look the office up, check role × unit × tenant, note the
absent colleague the actor substitutes for -- and ends with a metryka entry
(:func:`ezd.services.audit.on_case` / :func:`~ezd.services.audit.on_office`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ezd.db.tables import Tenant
from ezd.records.errors import NotFound
from ezd.records.tenancy import Role
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code


@dataclass(frozen=True)
class Acting:
    """An actor allowed to act in an office with a role (``on_behalf_of``: whom they substitute)."""

    tenant: Tenant
    on_behalf_of: str | None


def acting_in(session: Session, actor: Actor, tenant: str, role: Role, unit: str | None = None) -> Acting:
    """Check the role first (a refused actor learns nothing about the office), then look it up."""
    on_behalf = actor.require(tenant, role, unit)
    return Acting(tenant_by_code(session, tenant), on_behalf)


def member_office(session: Session, actor: Actor, tenant: str) -> Tenant:
    """The office, for someone with any role in it; to anyone else it does not exist."""
    row = tenant_by_code(session, tenant)
    if not actor.system and tenant not in actor.tenants():
        raise NotFound(f"no office (tenant) {tenant!r}")
    return row
