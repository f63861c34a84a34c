"""The dispatch-channel port."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ezd.records.errors import EzdError


class DispatchRejected(EzdError):
    """The channel refused the letter for a reason the referent can fix (bad address, ...).

    Workers turn it into the BPMN error ``DISPATCH_REJECTED``.
    """


class ChannelUnavailable(EzdError):
    """The channel could not take the letter now (network, 5xx, expired token): retry later.

    Nothing was delivered; the same envelope (same idempotency key) may be sent again.
    """


@dataclass(frozen=True)
class Envelope:
    tenant: str
    case_sign: str
    outgoing_sign: str
    addressee: str
    address: str | None
    document: bytes
    filename: str
    idempotency_key: str  # the same letter sent twice must be delivered once
    # ePUAP box ("/urzad/skrytka") or e-Doręczenia address ("AE:PL-…"); None = not known
    electronic_address: str | None = None
    media_type: str = "application/xml"


@dataclass(frozen=True)
class SendReceipt:
    channel: str
    message_id: str
    evidence: str | None = None  # e.g. ePUAP identyfikatorUpp, post "numer nadawczy"


@runtime_checkable
class DispatchChannel(Protocol):
    name: str

    def send(self, envelope: Envelope) -> SendReceipt: ...
