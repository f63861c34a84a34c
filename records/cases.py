"""Cases (sprawy): the case sign and the state machine.

Case sign (znak sprawy) per the instrukcja kancelaryjna: ``UNIT.JRWA.seq.year``, e.g.
``OR.0012.7.2026`` -- the 7th case of 2026 that unit OR opened in JRWA class 0012.  ``seq`` is
gapless per (tenant, unit, JRWA class, year); the list of those numbers is the spis spraw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ezd.records.errors import InvalidInput, InvalidState
from ezd.records.tenancy import check_unit_code

_SIGN = re.compile(r"^([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)\.(\d{1,4})\.(\d+)\.(\d{4})$")


@dataclass(frozen=True, slots=True, order=True)
class CaseSign:
    unit: str
    jrwa: str
    seq: int
    year: int

    def __post_init__(self) -> None:
        check_unit_code(self.unit)
        if not self.jrwa.isdigit() or not 1 <= len(self.jrwa) <= 4:
            raise InvalidInput(f"invalid JRWA symbol in case sign: {self.jrwa!r}")
        if self.seq < 1:
            raise InvalidInput("case sequence numbers start at 1")

    def __str__(self) -> str:
        return f"{self.unit}.{self.jrwa}.{self.seq}.{self.year}"

    @classmethod
    def parse(cls, text: str) -> CaseSign:
        m = _SIGN.match(text.strip())
        if not m:
            raise InvalidInput(
                f"not a case sign: {text!r} (expected UNIT.JRWA.seq.year, e.g. OR.0012.7.2026)"
            )
        return cls(m.group(1), m.group(2), int(m.group(3)), int(m.group(4)))


class CaseState(StrEnum):
    OPEN = "open"
    IN_APPROVAL = "in_approval"
    # the sealed reply is in the outgoing register and with the channel; the case closes when its
    # delivery receipt (UPD/UPO or the paper slip) comes back -- until then staff and the resident
    # read "wysłana", not "w akceptacji"
    SENT = "sent"
    CLOSED = "closed"
    ARCHIVED = "archived"


# The case is still being handled (its deadline runs, reminders and escalation apply): the reply is
# not delivered yet, so a sent case counts too -- it only closes on the delivery receipt.
ACTIVE_STATES: tuple[CaseState, ...] = (CaseState.OPEN, CaseState.IN_APPROVAL, CaseState.SENT)

_TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.OPEN: frozenset({CaseState.IN_APPROVAL, CaseState.CLOSED}),
    # a head may return a draft for changes (back to OPEN); the sealed reply goes out (SENT); a case
    # dispatched before this state existed still closes straight from IN_APPROVAL on its receipt
    CaseState.IN_APPROVAL: frozenset({CaseState.OPEN, CaseState.SENT, CaseState.CLOSED}),
    # only the delivery receipt moves a sent case on: it closes
    CaseState.SENT: frozenset({CaseState.CLOSED}),
    # reopening is allowed until the case leaves the unit for the archive
    CaseState.CLOSED: frozenset({CaseState.ARCHIVED, CaseState.OPEN}),
    CaseState.ARCHIVED: frozenset(),
}


def transition(current: CaseState, target: CaseState) -> CaseState:
    if target not in _TRANSITIONS[current]:
        raise InvalidState(f"a case cannot go from {current.value} to {target.value}")
    return target


class DraftState(StrEnum):
    """Life of an outgoing reply inside a case."""

    DRAFT = "draft"
    IN_APPROVAL = "in_approval"
    RETURNED = "returned"
    APPROVED = "approved"
    SIGNED = "signed"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
