"""Approval paths configured per JRWA class: the chains a referent may choose (the first is the
default), the units whose opinion is always required, and whether the referent may ask more.

A class without a rule keeps the general behaviour: any chain of the chain roles, default the unit
head, any opinions.  ``ezd.services.approval.plan`` applies the rule when a draft is submitted, so
the service layer enforces it whatever the client (page, API, CLI).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import JrwaClass
from ezd.db.tables_kpa import JrwaApprovalRule
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor, unit_by_code
from ezd.services.lookup import tenant_by_code

# the roles a chain may name, in the order the office hierarchy allows them
CHAIN_ROLES = (Role.KIEROWNIK, Role.SEKRETARZ)
DEFAULT_CHAIN = (Role.KIEROWNIK,)
MAX_CHAINS = 5


@dataclass(frozen=True)
class ApprovalRule:
    jrwa: str
    chains: tuple[tuple[Role, ...], ...]  # allowed; the first is the default
    required_opinions: tuple[str, ...]
    extra_opinions: bool

    def chain(self, chosen: tuple[Role, ...] | None) -> tuple[Role, ...]:
        if chosen is None:
            return self.chains[0]
        if chosen not in self.chains:
            allowed = "; ".join(" → ".join(r.value for r in c) for c in self.chains)
            raise InvalidInput(
                f"ścieżka akceptacji {' → '.join(r.value for r in chosen)} nie jest dozwolona "
                f"w klasie JRWA {self.jrwa}; dozwolone: {allowed}"
            )
        return chosen

    def opinions(self, chosen: Sequence[str]) -> list[str]:
        extra = [u for u in chosen if u not in self.required_opinions]
        if extra and not self.extra_opinions:
            raise InvalidInput(
                f"w klasie JRWA {self.jrwa} opinie wydają tylko komórki wskazane w klasie; "
                f"nie można dodać {', '.join(extra)}"
            )
        return [*self.required_opinions, *extra]


def parse_chain(roles: Sequence[str] | None) -> tuple[Role, ...] | None:
    """A chain as typed (role names in order); None when none was given."""
    if not roles:
        return None
    chain: list[Role] = []
    for raw in roles:
        try:
            role = Role(raw.strip().lower())
        except ValueError:
            role = None
        if role not in CHAIN_ROLES:
            names = ", ".join(r.value for r in CHAIN_ROLES)
            raise InvalidInput(f"nieznany krok akceptacji {raw!r}; dozwolone: {names}")
        if role in chain:
            raise InvalidInput(f"krok akceptacji {role.value} powtórzony w ścieżce")
        chain.append(role)
    return tuple(chain)


def rule_for(session: Session, jrwa_class_id: int) -> ApprovalRule | None:
    row = session.execute(
        select(JrwaApprovalRule).where(JrwaApprovalRule.jrwa_class_id == jrwa_class_id)
    ).scalar_one_or_none()
    if row is None:
        return None
    symbol = session.get(JrwaClass, jrwa_class_id)
    chains = tuple(parse_chain(c.split(",")) or DEFAULT_CHAIN for c in row.chains.split("|") if c)
    required = tuple(u for u in row.required_opinions.split(",") if u)
    return ApprovalRule(
        symbol.symbol if symbol else "?", chains or (DEFAULT_CHAIN,), required, row.extra_opinions
    )


def set_rule(
    session: Session,
    actor: Actor,
    *,
    tenant: str,
    symbol: str,
    chains: Sequence[Sequence[str]],
    required_opinions: Sequence[str] = (),
    extra_opinions: bool = True,
) -> ApprovalRule:
    """The office administrator sets the approval rule of a JRWA leaf class (metryka: admin log)."""
    on_behalf = actor.require(tenant, Role.ADMIN)
    t = tenant_by_code(session, tenant)
    leaf = session.execute(
        select(JrwaClass).where(JrwaClass.tenant_id == t.id, JrwaClass.symbol == symbol)
    ).scalar_one_or_none()
    if leaf is None:
        raise NotFound(f"w tym urzędzie nie ma klasy JRWA {symbol}")
    if not leaf.is_leaf:
        raise InvalidInput(f"klasa JRWA {symbol} ma podklasy; regułę ustala się dla klas końcowych")
    parsed = [parse_chain(c) for c in chains if c]
    allowed = [c for c in parsed if c is not None]
    if not allowed or len(allowed) > MAX_CHAINS:
        raise InvalidInput(f"podaj od 1 do {MAX_CHAINS} dozwolonych ścieżek akceptacji")
    units = sorted({unit_by_code(session, t.id, u.strip()).code for u in required_opinions if u.strip()})
    row = session.execute(
        select(JrwaApprovalRule).where(JrwaApprovalRule.jrwa_class_id == leaf.id)
    ).scalar_one_or_none()
    if row is None:
        row = JrwaApprovalRule(jrwa_class_id=leaf.id, updated_by=actor.login)
        session.add(row)
    row.chains = "|".join(",".join(r.value for r in c) for c in allowed)
    row.required_opinions = ",".join(units)
    row.extra_opinions = extra_opinions
    row.updated_by = actor.login
    session.flush()
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant),
        tenant_id=t.id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="regula_akceptacji_jrwa",
        details={
            "jrwa": symbol,
            "chains": row.chains,
            "opinions": row.required_opinions,
            "extra": extra_opinions,
        },
    )
    rule = rule_for(session, leaf.id)
    if rule is None:  # written just above in this transaction
        raise NotFound(f"reguła klasy JRWA {symbol} nie została zapisana")
    return rule


def rule_of_symbol(session: Session, actor: Actor, *, tenant: str, symbol: str) -> ApprovalRule | None:
    """The rule of a JRWA class, for anyone working in the office (the referent chooses within it)."""
    if tenant not in actor.tenants() and not actor.system:
        raise NotFound(f"w tym urzędzie nie ma klasy JRWA {symbol}")
    t = tenant_by_code(session, tenant)
    leaf = session.execute(
        select(JrwaClass).where(JrwaClass.tenant_id == t.id, JrwaClass.symbol == symbol)
    ).scalar_one_or_none()
    if leaf is None:
        raise NotFound(f"w tym urzędzie nie ma klasy JRWA {symbol}")
    return rule_for(session, leaf.id)
