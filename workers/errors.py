"""Worker error tree.

HandlerError
└── BusinessError   -- a business outcome modelled in BPMN: becomes a BPMN error with ``code``
Any other exception is a technical failure: retried with backoff, then an incident.
"""

from ezd.records.errors import EzdError


class HandlerError(EzdError):
    pass


class BusinessError(HandlerError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
