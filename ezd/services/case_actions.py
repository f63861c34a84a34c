"""Case actions people take in the web UI/API, with their role checks.

The worker-facing services (:func:`ezd.services.outgoing.confirm_delivery`,
:func:`ezd.services.archive.start_transfer`) run as the system and take a login; these wrappers
check the person first.  Also here: sharing a case with a partner office and the resident
access code printed on the receipt.
"""

from __future__ import annotations

import functools
import secrets
from datetime import date

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import CaseFile, CaseShare, Tenant
from ezd.records.cases import ACTIVE_STATES, CaseSign, CaseState
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.tenancy import Role
from ezd.services import archive, audit, outgoing
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.services.lookup import case_by_sign, tenant_by_code, tenant_by_id
from ezd.services.queries.models import PublicStatus
from ezd.services.scope import acting_in

# no 0/O/1/I/L: the code is read off paper and typed by residents
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
# cheaper than login hashing: a 10-char random code has ~49 bits, the hash only slows bulk guessing
_CODE_HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def _own_case(session: Session, actor: Actor, tenant: str, sign: str) -> CaseFile:
    try:
        t = tenant_by_code(session, tenant)
        case = case_by_sign(session, t.id, sign)
    except NotFound:
        raise NotFound(f"no case {sign} in this office") from None
    if not actor.system and tenant not in actor.tenants():
        raise NotFound(f"no case {sign} in this office")
    return case


def issue_access_code(session: Session, actor: Actor, *, tenant: str, case_sign: str) -> str:
    """A new resident access code for the case; only its argon2 hash is kept (re-issuing replaces it)."""
    case = _own_case(session, actor, tenant, case_sign)
    if not (actor.can(tenant, Role.KANCELARIA) or actor.can(tenant, Role.REFERENT, case.unit.code)):
        on_behalf = actor.require(tenant, Role.KIEROWNIK, case.unit.code)
    else:
        on_behalf = (
            actor.require(tenant, Role.KANCELARIA)
            if actor.can(tenant, Role.KANCELARIA)
            else actor.require(tenant, Role.REFERENT, case.unit.code)
        )
    code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))
    case.access_code_hash = _CODE_HASHER.hash(code)
    audit.on_case(session, case, actor=actor.login, on_behalf_of=on_behalf, action="wydanie_kodu_dostepu")
    return code


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def public_status(session: Session, *, tenant: str, case_sign: str, code: str) -> PublicStatus:
    """Status and deadline of a case for a resident holding its access code; no personal data.

    Every failure gives the same answer so the page cannot be used to probe which signs exist.
    """
    failure = NotFound("no case matches this sign and access code")
    try:
        CaseSign.parse(case_sign)
    except InvalidInput:
        raise failure from None
    normalized = code.strip().upper().replace("-", "").replace(" ", "")
    t = session.execute(select(Tenant).where(Tenant.code == tenant)).scalar_one_or_none()
    case = (
        session.execute(
            select(CaseFile).where(CaseFile.tenant_id == t.id, CaseFile.sign == case_sign.strip())
        ).scalar_one_or_none()
        if t is not None
        else None
    )
    stored = case.access_code_hash if case is not None else None
    try:
        # hash anyway when there is nothing to compare, so timing does not reveal existence
        ok = _CODE_HASHER.verify(stored or _dummy_hash(), normalized) and stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or case is None or t is None:
        raise failure
    audit.log_read(session, actor="resident", tenant_id=t.id, object_type="case-status", object_ref=case.sign)
    return PublicStatus(
        office=t.name,
        sign=case.sign,
        state=case.state,
        opened_on=case.opened_at.date().isoformat(),
        deadline=case.deadline.isoformat() if case.deadline else None,
        closed_on=case.closed_at.date().isoformat() if case.closed_at else None,
        overdue=bool(
            case.deadline and case.state in [s.value for s in ACTIVE_STATES] and case.deadline < date.today()
        ),
    )


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when no code exists, so both paths cost the same (computed once)."""
    return _CODE_HASHER.hash("not-a-code")


def share_case(session: Session, actor: Actor, *, tenant: str, case_sign: str, with_tenant: str) -> None:
    """Share a case read-only with a partner office (the unit head decides)."""
    case = _own_case(session, actor, tenant, case_sign)
    on_behalf = actor.require(tenant, Role.KIEROWNIK, case.unit.code)
    if with_tenant == tenant:
        raise InvalidInput("a case is always visible in its own office")
    partner = tenant_by_code(session, with_tenant)
    exists = session.execute(
        select(CaseShare).where(CaseShare.case_id == case.id, CaseShare.tenant_id == partner.id)
    ).scalar_one_or_none()
    if exists is not None:
        return
    session.add(CaseShare(case_id=case.id, tenant_id=partner.id, shared_by=actor.login))
    audit.on_case(
        session,
        case,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="udostepnienie_sprawy",
        details={"tenant": with_tenant},
    )


def confirm_delivery(deps: Deps, actor: Actor, *, tenant: str, case_sign: str, receipt_ref: str) -> None:
    """Kancelaria records a delivery receipt (UPD/UPO or a paper return slip)."""
    _own_case(deps.session, actor, tenant, case_sign)
    actor.require(tenant, Role.KANCELARIA)
    if not receipt_ref.strip():
        raise InvalidInput("give the receipt reference (UPD/UPO number or the slip's number)")
    outgoing.confirm_delivery(
        deps,
        tenant=tenant,
        case_sign=case_sign,
        receipt_ref=receipt_ref.strip()[:100],
        actor_login=actor.login,
    )


def start_due_transfers(deps: Deps, actor: Actor, *, tenant: str, as_of: date) -> list[str]:
    """The archivist starts the transfer of every case of the office due on ``as_of``."""
    t = acting_in(deps.session, actor, tenant, Role.ARCHIWISTA).tenant
    due = archive.due_for_transfer(deps.session, as_of, t.id)
    for case in due:
        archive.start_transfer(
            deps, tenant=tenant_by_id(deps.session, case.tenant_id).code, case_sign=case.sign
        )
    return [c.sign for c in due]


def start_transfer(deps: Deps, actor: Actor, *, tenant: str, case_sign: str) -> None:
    """Start the transfer of one closed case (the archivist may take it in early)."""
    case = _own_case(deps.session, actor, tenant, case_sign)
    actor.require(tenant, Role.ARCHIWISTA)
    if case.state != CaseState.CLOSED.value:
        raise InvalidInput(f"case {case_sign} is not closed")
    archive.start_transfer(deps, tenant=tenant, case_sign=case_sign)
