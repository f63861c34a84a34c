"""What became of each case handed to the archive: the honest report of ``ezd archive transfer``.

Starting a transfer only starts the ``ezd_archive`` process; the preparation (fixity of every
object, NES metadata) is a worker step that can fail -- a damaged object stops it.  The report
reads each case's process back from the engine port instead of counting the starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ezd.services.archive import ARCHIVE_PROCESS
from ezd.services.lookup import business_key
from ezd.workflow.port import WorkflowEngine

PREPARE_STEP = "Task_PrepareTransfer"
ACCEPT_STEP = "Task_AcceptTransfer"

Outcome = Literal["ready", "archived", "failed", "in_progress"]

LABELS: dict[str, str] = {
    "ready": "przygotowana, czeka na przyjęcie przez archiwistę",
    "archived": "w archiwum",
    "failed": "przygotowanie nie powiodło się",
    "in_progress": "w przygotowaniu",
}


@dataclass(frozen=True)
class TransferOutcome:
    tenant: str
    case_sign: str
    outcome: Outcome
    problem: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.outcome] + (f": {self.problem}" if self.problem else "")


def outcome_of(engine: WorkflowEngine, tenant: str, case_sign: str, *, workers_ran: bool) -> TransferOutcome:
    """The state of the case's newest archive process.

    ``workers_ran``: the caller has just run every due worker task in-process (embedded
    default), so a preparation still waiting has failed and waits for its retry; with remote
    workers it may simply not have been fetched yet.
    """
    states = engine.find_instances(business_key(tenant, case_sign), ARCHIVE_PROCESS)
    if not states:
        return TransferOutcome(tenant, case_sign, "failed", "proces przekazania nie wystartował")
    state = states[-1]
    if state.incidents:
        return TransferOutcome(tenant, case_sign, "failed", "; ".join(state.incidents))
    if state.ended:
        return TransferOutcome(tenant, case_sign, "archived")
    if ACCEPT_STEP in state.active_activities:
        return TransferOutcome(tenant, case_sign, "ready")
    if PREPARE_STEP in state.active_activities and workers_ran:
        return TransferOutcome(
            tenant,
            case_sign,
            "failed",
            "krok przygotowania zgłosił błąd i czeka na ponowienie (zob. incydenty)",
        )
    return TransferOutcome(tenant, case_sign, "in_progress")
