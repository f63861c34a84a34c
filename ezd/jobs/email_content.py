"""The store-content step for an e-mail item: the body and every attachment of the registered
``.eml`` become stored files of the item, each under its own SHA-256. The ``.eml`` itself stays
the record, unchanged; what is extracted here is read from it, so a re-run extracts the same."""

from __future__ import annotations

from typing import Any

from ezd import eml
from ezd.db.tables import Attachment, IncomingItem
from ezd.services import audit
from ezd.services.deps import Deps
from ezd.signatures.attachments import verify_attachments
from ezd.workers.task import TaskInput

BODY_NAMES = {"text/plain": "tresc-wiadomosci.txt", "text/html": "tresc-wiadomosci.html"}


def store_email_content(task: TaskInput, deps: Deps, tenant_id: int, item: IncomingItem) -> dict[str, Any]:
    doc = item.document
    original = deps.store.get(doc.versions[0].sha256)
    letter = eml.parse_message(original, max_bytes=deps.settings.max_upload_bytes)
    files: list[eml.EmailPart] = []
    if letter.body.strip():
        media_type = letter.body_media_type
        files.append(
            eml.EmailPart(
                BODY_NAMES.get(media_type, "tresc-wiadomosci.txt"), media_type, letter.body.encode()
            )
        )
    files.extend(letter.attachments)
    # signed PDFs and detached XAdES files among the attachments get their own verdicts
    checks = verify_attachments([(a.filename, a.data) for a in letter.attachments], deps.verifier)
    listed = []
    for part in files:
        stored = deps.store.put(part.data, part.media_type)
        deps.session.add(
            Attachment(
                document_id=doc.id,
                sha256=stored.sha256,
                size=stored.size,
                media_type=part.media_type[:100],
                filename=part.filename[:255],
            )
        )
        listed.append({"name": part.filename, "sha256": stored.sha256, "size": stored.size})
    signatures = [c.as_dict() for c in checks]
    audit.record(
        deps.session,
        chain_key=audit.item_chain(task.require("tenant"), item.sign),
        tenant_id=tenant_id,
        actor=task.actor,
        action="zapis_tresci",
        document_ref=doc.uid,
        details={
            "attachments": len(files),
            "files": listed,
            "message_id": letter.message_id,
            **({"attachment_signatures": signatures} if signatures else {}),
        },
    )
    return {"attachments": len(files), "attachment_signatures": len(signatures)}
