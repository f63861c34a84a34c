"""Approval paths of a draft: a sequential chain (kierownik → sekretarz …) and parallel opinions
of other units (BPMN multi-instance ``Task_Opinion``), with the four-eyes rule at every step.

Each step of a submitted version is an ``approval_step`` row; the process only waits for the
people (``Task_Opinion`` once per opinion group, ``Task_Approve`` once per chain step, its
``head_group`` moved to the next step's group). Who decided what is in the records and the
metryka, never only in process variables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ezd.db.base import utcnow
from ezd.db.tables import CaseFile, Document
from ezd.db.tables_kpa import ApprovalStep
from ezd.records.errors import InvalidInput, InvalidState, PermissionDenied
from ezd.records.tenancy import Role
from ezd.services import audit, notifications
from ezd.services.actor import Actor, unit_by_code
from ezd.services.deps import Deps
from ezd.services.lookup import business_key, case_by_sign, tenant_by_code, tenant_group, unit_group
from ezd.services.tasks import complete_task, task_screen

# the roles a chain may name, in the order the office hierarchy allows them
CHAIN_ROLES = (Role.KIEROWNIK, Role.SEKRETARZ)
DEFAULT_CHAIN = (Role.KIEROWNIK,)


def parse_chain(roles: Sequence[str] | None) -> tuple[Role, ...]:
    if not roles:
        return DEFAULT_CHAIN
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


def group_of(tenant: str, unit: str, role: Role) -> str:
    """Candidate group of a chain step: the unit's head, or the office-wide secretary."""
    if role == Role.KIEROWNIK:
        return unit_group(tenant, unit, role.value)
    return tenant_group(tenant, role.value)


def four_eyes(draft: Document, actor: Actor) -> None:
    """Whoever wrote any version of a draft never approves or opines on it: not with their own
    role, not as a substitute. The system actor (scripted imports) is not a person."""
    if actor.system:
        return
    authors = {draft.created_by, *(v.created_by for v in draft.versions)}
    if actor.login in authors:
        raise PermissionDenied(
            "autor projektu nie może go zaakceptować (zasada dwóch par oczu), także jako zastępca; "
            "akceptuje inna osoba uprawniona"
        )


def plan(
    deps: Deps,
    *,
    tenant: str,
    case: CaseFile,
    draft: Document,
    version: int,
    chain: Sequence[str] | None,
    opinions: Sequence[str],
) -> dict[str, object]:
    """Write the steps of a newly submitted version; return the process variables they need."""
    roles = parse_chain(chain)
    units: list[str] = []
    for code in opinions:
        unit = unit_by_code(deps.session, case.tenant_id, code.strip()).code
        if unit == case.unit.code:
            raise InvalidInput(f"opinię wydaje inna komórka niż {unit}, która prowadzi sprawę")
        if unit not in units:
            units.append(unit)
    for seq, role in enumerate(roles, start=1):
        deps.session.add(
            ApprovalStep(
                case_id=case.id,
                document_id=draft.id,
                version=version,
                kind="approval",
                seq=seq,
                role=role.value,
            )
        )
    for seq, unit in enumerate(units, start=1):
        deps.session.add(
            ApprovalStep(
                case_id=case.id,
                document_id=draft.id,
                version=version,
                kind="opinion",
                seq=seq,
                role=Role.KIEROWNIK.value,
                unit_code=unit,
            )
        )
    deps.session.flush()
    stamp = f"{case.id}:{draft.uid}:v{version}"
    if units:
        for unit in units:
            notifications.notify_role(
                deps.session,
                tenant_id=case.tenant_id,
                role=Role.KIEROWNIK,
                unit_code=unit,
                kind="task",
                ref=case.sign,
                text=f"Prośba o opinię do projektu w sprawie {case.sign} „{case.title}”",
                dedup=f"task:{stamp}:opinion:{unit}",
            )
    else:
        _tell_approvers(deps.session, case, roles[0], f"task:{stamp}:1")
    return {
        "head_group": group_of(tenant, case.unit.code, roles[0]),
        "opinion_groups": [unit_group(tenant, u, Role.KIEROWNIK.value) for u in units],
        "chain_done": len(roles) == 1,
    }


def _tell_approvers(session: Session, case: CaseFile, role: Role, dedup: str) -> None:
    notifications.notify_role(
        session,
        tenant_id=case.tenant_id,
        role=role,
        unit_code=case.unit.code if role == Role.KIEROWNIK else None,
        kind="task",
        ref=case.sign,
        text=f"Projekt w sprawie {case.sign} „{case.title}” czeka na akceptację",
        dedup=dedup,
    )


def _pending(session: Session, draft: Document, kind: str) -> list[ApprovalStep]:
    version = len(draft.versions)
    return list(
        session.execute(
            select(ApprovalStep)
            .where(
                ApprovalStep.document_id == draft.id,
                ApprovalStep.version == version,
                ApprovalStep.kind == kind,
                ApprovalStep.state == "pending",
            )
            .order_by(ApprovalStep.seq)
        ).scalars()
    )


@dataclass(frozen=True)
class Decision:
    on_behalf_of: str | None
    step: int
    role: str
    variables: dict[str, object]


def decide(
    deps: Deps, actor: Actor, *, tenant: str, case: CaseFile, draft: Document, approved: bool, comment: str
) -> Decision:
    """Record the decision of the chain's current step; return what the process is told."""
    steps = _pending(deps.session, draft, "approval")
    if not steps:
        # a version submitted before chains existed: its one step is the unit head
        steps = [ApprovalStep(seq=1, role=Role.KIEROWNIK.value, state="pending")]
    step = steps[0]
    role = Role(step.role)
    on_behalf = actor.require(tenant, role, case.unit.code if role == Role.KIEROWNIK else None)
    if approved:
        four_eyes(draft, actor)
    step.state = "approved" if approved else "returned"
    step.decided_by, step.on_behalf_of, step.decided_at = actor.login, on_behalf, utcnow()
    step.comment = comment or None
    rest = steps[1:]
    stamp = f"{case.id}:{draft.uid}:v{len(draft.versions)}"
    if approved and rest:
        _tell_approvers(deps.session, case, Role(rest[0].role), f"task:{stamp}:{rest[0].seq}")
        variables: dict[str, object] = {
            "approved": True,
            "chain_done": False,
            "head_group": group_of(tenant, case.unit.code, Role(rest[0].role)),
        }
    else:
        for other in rest:  # a return ends the chain of this version
            other.state = "cancelled"
        if not approved and case.referent_id is not None:
            notifications.notify(
                deps.session,
                tenant_id=case.tenant_id,
                user_id=case.referent_id,
                kind="returned",
                ref=case.sign,
                text=f"Projekt w sprawie {case.sign} zwrócony do poprawy: {comment}",
                dedup=f"returned:{stamp}:{case.referent_id}",
            )
        variables = {"approved": approved, "chain_done": True}
    return Decision(on_behalf, step.seq, step.role, variables)


def give_opinion(
    deps: Deps,
    actor: Actor,
    *,
    tenant: str,
    case_sign: str,
    unit: str,
    positive: bool,
    comment: str = "",
) -> None:
    """The head of a unit asked for an opinion gives it; the draft goes on when all have answered."""
    from ezd.services.cases import current_draft

    session = deps.session
    case = case_by_sign(session, tenant_by_code(session, tenant).id, case_sign)
    draft = current_draft(session, case)
    on_behalf = actor.require(tenant, Role.KIEROWNIK, unit)
    four_eyes(draft, actor)
    if not positive and not comment.strip():
        raise InvalidInput("uzasadnij opinię negatywną")
    steps = [s for s in _pending(session, draft, "opinion") if s.unit_code == unit]
    if not steps:
        raise InvalidState(f"komórka {unit} nie ma do wydania opinii w sprawie {case_sign}")
    group = unit_group(tenant, unit, Role.KIEROWNIK.value)
    tasks = [
        t
        for t in deps.engine.user_tasks(business_key=business_key(tenant, case_sign))
        if group in t.candidate_groups and task_screen(deps.engine, t) == "opinion"
    ]
    if not tasks:
        raise InvalidState(f"sprawa {case_sign} nie czeka na opinię komórki {unit}")
    step = steps[0]
    step.state = "positive" if positive else "negative"
    step.decided_by, step.on_behalf_of, step.decided_at = actor.login, on_behalf, utcnow()
    step.comment = comment.strip()[:1000] or None
    audit.record(
        session,
        chain_key=audit.case_chain(case.id),
        tenant_id=case.tenant_id,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="opinia",
        case_id=case.id,
        document_ref=draft.uid,
        details={"unit": unit, "positive": positive, **({"comment": step.comment} if step.comment else {})},
    )
    complete_task(deps.engine, tasks[0], actor, {"opinion_positive": positive})


def steps_of(session: Session, draft: Document) -> list[ApprovalStep]:
    """Every step of the draft's last submitted version (later versions are the sealed copies),
    chain first (for views and tests)."""
    version = session.scalar(
        select(func.max(ApprovalStep.version)).where(ApprovalStep.document_id == draft.id)
    )
    return list(
        session.execute(
            select(ApprovalStep)
            .where(ApprovalStep.document_id == draft.id, ApprovalStep.version == version)
            .order_by(ApprovalStep.kind, ApprovalStep.seq)
        ).scalars()
    )
