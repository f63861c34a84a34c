"""The ``ezd.ocr`` step: a scan's searchable PDF/A and its text, beside the unchanged original."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from sqlalchemy import select

from ezd import ocr
from ezd.db.tables import Attachment
from ezd.db.tables_intake import DocumentText
from ezd.services import audit
from ezd.services.deps import Deps
from ezd.services.lookup import item_with_content, tenant_by_code
from ezd.workers.task import TaskInput


def recognise_text(task: TaskInput, deps: Deps) -> dict[str, Any]:
    tenant = tenant_by_code(deps.session, task.require("tenant"))
    item = item_with_content(deps.session, tenant.id, task.require("rpw"))
    doc = item.document
    version = doc.versions[0]
    done = deps.session.execute(select(DocumentText.id).where(DocumentText.document_id == doc.id)).first()
    if done is not None or version.media_type not in ocr.OCR_TYPES:
        return {"ocr": done is not None}
    try:
        result = ocr.recognise(deps.store.get(version.sha256), version.media_type)
    except ocr.OcrRefused as exc:
        # the scan stays the record without a text layer; the refusal is on the item's metryka
        audit.record(
            deps.session,
            chain_key=audit.item_chain(tenant.code, item.sign),
            tenant_id=tenant.id,
            actor=task.actor,
            action="rozpoznanie_tekstu",
            document_ref=doc.uid,
            details={"refused": str(exc)},
        )
        return {"ocr": False}
    stored = deps.store.put(result.pdf, "application/pdf")
    name = f"{PurePath(version.filename).stem}-ocr.pdf"[:255]
    deps.session.add(
        Attachment(
            document_id=doc.id,
            sha256=stored.sha256,
            size=stored.size,
            media_type="application/pdf",
            filename=name,
        )
    )
    deps.session.add(DocumentText(document_id=doc.id, source="ocr", text=result.text))
    audit.record(
        deps.session,
        chain_key=audit.item_chain(tenant.code, item.sign),
        tenant_id=tenant.id,
        actor=task.actor,
        action="rozpoznanie_tekstu",
        document_ref=doc.uid,
        details={
            "rendition": name,
            "sha256": stored.sha256,
            "pdfa": result.pdfa,
            "characters": len(result.text),
        },
    )
    return {"ocr": True}
