"""Local outbox channel: writes each letter into a folder (print room, manual upload, post).

It is the embedded default for every channel name until a real adapter is configured.
Idempotent: the file name is derived from the idempotency key.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ezd.channels.port import DispatchRejected, Envelope, SendReceipt


class OutboxChannel:
    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.root = Path(root) / name
        self.root.mkdir(parents=True, exist_ok=True)

    def send(self, envelope: Envelope) -> SendReceipt:
        if not envelope.addressee.strip():
            raise DispatchRejected("the letter has no addressee")
        if self.name == "poczta" and not (envelope.address or "").strip():
            raise DispatchRejected("a postal letter needs the addressee's address")
        message_id = hashlib.sha256(envelope.idempotency_key.encode()).hexdigest()[:32]
        target = self.root / f"{message_id}.xml"
        if not target.exists():
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(envelope.document)
            os.replace(tmp, target)
            meta = {
                "tenant": envelope.tenant,
                "case": envelope.case_sign,
                "outgoing": envelope.outgoing_sign,
                "addressee": envelope.addressee,
                "address": envelope.address,
                "filename": envelope.filename,
            }
            target.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False))
        return SendReceipt(self.name, message_id)
