"""What services need from the outside world, bundled for injection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ezd.channels.port import DispatchChannel
from ezd.config import Settings
from ezd.signatures.port import Signer, Verifier
from ezd.storage.port import ObjectStore
from ezd.workflow.port import WorkflowEngine


@dataclass
class Deps:
    session: Session
    engine: WorkflowEngine
    store: ObjectStore
    settings: Settings
    channels: dict[str, DispatchChannel]
    get_signer: Callable[[], Signer]  # resolved lazily: loading a key is slow and not always needed
    get_verifier: Callable[[], Verifier]
    # (session, office code) -> that office's own e-seal; raises services.seals.SealUnavailable
    get_office_signer: Callable[[Session, str], Signer]

    @property
    def signer(self) -> Signer:
        return self.get_signer()

    def office_signer(self, office: str) -> Signer:
        """The e-seal of ``office``: UPP receipts and replies are sealed by the office that owns them."""
        return self.get_office_signer(self.session, office)

    @property
    def verifier(self) -> Verifier:
        return self.get_verifier()
