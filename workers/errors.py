"""Worker error tree.

HandlerError
├── BusinessError   -- a business outcome modelled in BPMN: becomes a BPMN error with ``code``
└── StepHeld        -- the step cannot go on until a person acts (e.g. imports the office e-seal):
                       its note goes to the metryka and the task stops at once (an incident)
Any other exception is a technical failure: retried with backoff, then an incident.
"""

from collections.abc import Callable

from sqlalchemy.orm import Session

from ezd.records.errors import EzdError


class HandlerError(EzdError):
    pass


class BusinessError(HandlerError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class StepHeld(HandlerError):
    """Stop the step with ``message`` (Polish, for the case); ``note`` records it in the metryka.

    The handler's own effects are rolled back; ``note`` then runs in the transaction that records
    the failure, so the reason is on the case even though the step did nothing else.
    """

    def __init__(self, message: str, note: Callable[[Session], None]) -> None:
        super().__init__(message)
        self.message = message
        self.note = note
