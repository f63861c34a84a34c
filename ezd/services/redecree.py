"""Re-decree and return: a letter decreed to the wrong unit is never stuck.

While the item waits for a referent (``Task_AssignReferent``), the head of its unit or the
kancelaria re-decrees it to another unit with a reason, and the head returns it to the kancelaria
as "niewłaściwa komórka" (``Task_Decree`` opens again). The kancelaria can act also for a unit
that has no head -- the case that used to leave an item with nobody able to act.
"""

from __future__ import annotations

from ezd.records.errors import InvalidInput, InvalidState, PermissionDenied
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor, unit_by_code
from ezd.services.deps import Deps
from ezd.services.lookup import business_key, item_by_sign, tenant_by_code, unit_code, unit_group
from ezd.services.tasks import complete_task, open_task
from ezd.workflow.port import UserTask

MAX_REASON = 500
WRONG_UNIT = "niewłaściwa komórka"


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise InvalidInput("podaj powód ponownej dekretacji")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"powód jest dłuższy niż {MAX_REASON} znaków")
    return reason


def _head_or_kancelaria(actor: Actor, tenant: str, unit: str) -> str | None:
    if actor.can(tenant, Role.KIEROWNIK, unit):
        return actor.require(tenant, Role.KIEROWNIK, unit)
    if actor.can(tenant, Role.KANCELARIA):
        return actor.require(tenant, Role.KANCELARIA)
    raise PermissionDenied(
        f"ponownie dekretować może kierownik komórki {unit} albo kancelaria; "
        f"{actor.login} nie ma tych uprawnień"
    )


def redecree(deps: Deps, actor: Actor, *, tenant: str, rpw: str, unit: str, reason: str) -> None:
    """Send an item waiting for a referent to another unit, with the reason in the metryka."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    if item.unit_id is None:
        raise InvalidState(f"{rpw} nie jest zadekretowana; zadekretuj ją najpierw")
    current = unit_code(session, item.unit_id)
    on_behalf = _head_or_kancelaria(actor, tenant, current)
    why = _reason(reason)
    target = unit_by_code(session, tenant_row.id, unit)
    if target.id == item.unit_id:
        raise InvalidInput(f"{rpw} jest już w komórce {unit}")
    task = _waiting_for_referent(deps, tenant, rpw)
    item.unit_id = target.id
    item.status = "decreed"
    audit.on_item(
        session,
        item,
        tenant=tenant,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="ponowna_dekretacja",
        document_ref=item.document.uid,
        details={"from": current, "unit": unit, "reason": why},
    )
    complete_task(
        deps.engine,
        task,
        actor,
        {
            "assign_action": "redecree",
            "unit": unit,
            "head_group": unit_group(tenant, unit, Role.KIEROWNIK.value),
        },
    )


def return_to_kancelaria(deps: Deps, actor: Actor, *, tenant: str, rpw: str, reason: str = "") -> None:
    """The head of the unit sends the item back as "niewłaściwa komórka"; the kancelaria decrees it anew."""
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    item = item_by_sign(session, tenant_row.id, rpw)
    if item.unit_id is None:
        raise InvalidState(f"{rpw} nie jest zadekretowana na żadną komórkę")
    current = unit_code(session, item.unit_id)
    on_behalf = actor.require(tenant, Role.KIEROWNIK, current)
    why = " ".join(reason.split())[:MAX_REASON] or WRONG_UNIT
    task = _waiting_for_referent(deps, tenant, rpw)
    item.unit_id = None
    item.status = "returned"
    audit.on_item(
        session,
        item,
        tenant=tenant,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="zwrot_do_kancelarii",
        document_ref=item.document.uid,
        details={"from": current, "reason": why},
    )
    complete_task(deps.engine, task, actor, {"assign_action": "return", "unit": "", "head_group": ""})


def _waiting_for_referent(deps: Deps, tenant: str, rpw: str) -> UserTask:
    try:
        return open_task(deps.engine, business_key(tenant, rpw), "assign_referent")
    except InvalidState:
        raise InvalidState(
            f"{rpw} ma już referenta albo nie czeka na przydział; ponowna dekretacja jest możliwa "
            "tylko przed przydziałem referenta"
        ) from None
