"""One handler per BPMN topic.  Each is ``handler(task, deps) -> variables``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ezd import eml, epuap, xmlsafe
from ezd.channels.port import DispatchRejected
from ezd.db.tables import Attachment, IncomingItem
from ezd.jobs.email_content import store_email_content
from ezd.services import archive, audit, cases, outgoing
from ezd.services.deps import Deps
from ezd.services.lookup import item_with_content, tenant_by_code
from ezd.services.seals import SealUnavailable
from ezd.signatures.attachments import verify_attachments
from ezd.workers.errors import BusinessError, StepHeld
from ezd.workers.task import TaskInput

Handler = Callable[[TaskInput, Deps], dict[str, Any]]


def _item(task: TaskInput, deps: Deps) -> tuple[int, IncomingItem]:
    tenant = tenant_by_code(deps.session, task.require("tenant"))
    return tenant.id, item_with_content(deps.session, tenant.id, task.require("rpw"))


def _original(deps: Deps, item: IncomingItem) -> bytes:
    return deps.store.get(item.document.versions[0].sha256)


def validate_xml(task: TaskInput, deps: Deps) -> dict[str, Any]:
    tenant_id, item = _item(task, deps)
    version = item.document.versions[0]
    if version.media_type != "application/xml":
        return {"xml_valid": False, "xml_form": None}
    root = xmlsafe.parse(_original(deps, item), max_bytes=deps.settings.max_upload_bytes)
    form = epuap.parse_letter(root).form if epuap.is_epuap_form(root) else None
    audit.record(
        deps.session,
        chain_key=audit.item_chain(task.require("tenant"), item.sign),
        tenant_id=tenant_id,
        actor=task.actor,
        action="walidacja",
        document_ref=item.document.uid,
        details={"form": form},
    )
    return {"xml_valid": True, "xml_form": form, "signed": epuap.has_signature(root)}


def verify_signature(task: TaskInput, deps: Deps) -> dict[str, Any]:
    """Verify and, when valid, re-read the letter from the signed data only (anti-wrapping)."""
    tenant_id, item = _item(task, deps)
    if item.document.versions[0].media_type == eml.MEDIA_TYPE:
        result = deps.verifier.verify_smime(_original(deps, item))
    else:
        result = deps.verifier.verify(_original(deps, item))
    doc = item.document
    doc.signature_verdict = result.verdict.value
    changed: dict[str, str] = {}
    if result.signed_root is not None and epuap.is_epuap_form(result.signed_root):
        letter = epuap.parse_letter(result.signed_root)
        for field, value in (("sender", letter.sender), ("title", letter.title)):
            if getattr(item, field) != value:
                changed[field] = value
                setattr(item, field, value)
    audit.record(
        deps.session,
        chain_key=audit.item_chain(task.require("tenant"), item.sign),
        tenant_id=tenant_id,
        actor=task.actor,
        action="weryfikacja_podpisu",
        document_ref=doc.uid,
        details={
            "verdict": result.verdict.value,
            "reasons": list(result.reasons)[:5],
            "signers": [s.signer_subject for s in result.signatures][:5],
            "metadata_from_signed_data": changed,
        },
    )
    return {"signature_verdict": result.verdict.value}


def store_content(task: TaskInput, deps: Deps) -> dict[str, Any]:
    """Extract base64 attachments of an ePUAP letter into storage, each with its own SHA-256."""
    tenant_id, item = _item(task, deps)
    doc = item.document
    if not doc.attachments and doc.versions[0].media_type == eml.MEDIA_TYPE:
        return store_email_content(task, deps, tenant_id, item)
    if doc.attachments or doc.versions[0].media_type != "application/xml":
        return {"attachments": len(doc.attachments)}
    original = _original(deps, item)
    root = xmlsafe.parse(original, max_bytes=deps.settings.max_upload_bytes)
    count = 0
    skipped = None
    if doc.signed:
        # a signed letter's attachments are taken from what was signed, never from the raw upload
        signed_root = deps.verifier.verify(original).signed_root
        if signed_root is None:
            skipped = "signature invalid: attachments kept only inside the original record"
        root = signed_root if signed_root is not None else root
    signatures: list[dict[str, object]] = []
    if epuap.is_epuap_form(root) and skipped is None:
        attachments = epuap.parse_letter(
            root, max_attachment_bytes=deps.settings.max_upload_bytes
        ).attachments
        # signed PDFs and detached XAdES files among the attachments get their own verdicts
        checks = verify_attachments([(a.filename, a.data) for a in attachments], deps.verifier)
        signatures = [c.as_dict() for c in checks]
        for att in attachments:
            stored = deps.store.put(att.data, att.media_type)
            deps.session.add(
                Attachment(
                    document_id=doc.id,
                    sha256=stored.sha256,
                    size=stored.size,
                    media_type=att.media_type,
                    filename=att.filename[:255],
                )
            )
            count += 1
    audit.record(
        deps.session,
        chain_key=audit.item_chain(task.require("tenant"), item.sign),
        tenant_id=tenant_id,
        actor=task.actor,
        action="zapis_tresci",
        document_ref=doc.uid,
        details={
            "attachments": count,
            **({"skipped": skipped} if skipped else {}),
            **({"attachment_signatures": signatures} if signatures else {}),
        },
    )
    return {"attachments": count, "attachment_signatures": len(signatures)}


def issue_upp(task: TaskInput, deps: Deps) -> dict[str, Any]:
    """UPP (official receipt) for electronically received items; other channels get none."""
    from ezd.services import receipts

    _, item = _item(task, deps)
    if item.channel not in receipts.ELECTRONIC_CHANNELS:
        return {"upp_sha256": None}
    tenant, rpw = task.require("tenant"), item.sign
    try:
        return {"upp_sha256": receipts.issue_upp(deps, tenant, rpw, actor_login=task.actor)}
    except SealUnavailable as exc:
        held = str(exc)
        raise StepHeld(held, partial(receipts.note_upp_held, tenant=tenant, rpw=rpw, message=held)) from None


def create_case(task: TaskInput, deps: Deps) -> dict[str, Any]:
    opened = cases.open_case_for_item(
        deps,
        tenant=task.require("tenant"),
        rpw=task.require("rpw"),
        jrwa=task.require("jrwa"),
        title=task.var("case_title") or "",
        actor_login=task.actor,
        matter_kind=task.var("matter_kind") or None,
    )
    return {"case_sign": opened.sign}


def attach_to_case(task: TaskInput, deps: Deps) -> dict[str, Any]:
    cases.attach_item(
        deps,
        tenant=task.require("tenant"),
        rpw=task.require("rpw"),
        case_sign=task.require("case_sign"),
        actor_login=task.actor,
    )
    return {}


def forward_to_office(task: TaskInput, deps: Deps) -> dict[str, Any]:
    from ezd.services import forwarding

    done = forwarding.forward_item(
        deps,
        tenant=task.require("tenant"),
        rpw=task.require("rpw"),
        to_tenant=task.require("forward_to"),
        reason=task.var("forward_reason") or "",
        actor_login=task.actor,
    )
    return {"forwarded_rpw": done.rpw_there}


def deadline_reminder(task: TaskInput, deps: Deps) -> dict[str, Any]:
    tenant = tenant_by_code(deps.session, task.require("tenant"))
    from ezd.services.lookup import case_by_sign

    case = case_by_sign(deps.session, tenant.id, task.require("case_sign"))
    audit.record(
        deps.session,
        chain_key=audit.case_chain(case.id),
        tenant_id=tenant.id,
        actor=task.actor,
        action="przypomnienie_o_terminie",
        case_id=case.id,
        details={
            "referent": task.var("referent"),
            "deadline": case.deadline.isoformat() if case.deadline else None,
        },
    )
    return {"reminded": True}


def sign(task: TaskInput, deps: Deps) -> dict[str, Any]:
    tenant, case_sign = task.require("tenant"), task.require("case_sign")
    try:
        digest = outgoing.sign_draft(deps, tenant=tenant, case_sign=case_sign, actor_login=task.actor)
    except SealUnavailable as exc:
        held = str(exc)
        raise StepHeld(
            held, partial(outgoing.note_sign_held, tenant=tenant, case_sign=case_sign, message=held)
        ) from None
    return {"signed_sha256": digest}


def dispatch(task: TaskInput, deps: Deps) -> dict[str, Any]:
    try:
        sign_out = outgoing.dispatch_reply(
            deps,
            tenant=task.require("tenant"),
            case_sign=task.require("case_sign"),
            channel=task.var("channel") or "epuap",
            addressee=task.var("addressee") or None,
            actor_login=task.actor,
            electronic_address=task.var("electronic_address") or None,
        )
    except DispatchRejected as exc:
        raise BusinessError("DISPATCH_REJECTED", str(exc)) from exc
    return {"outgoing_sign": sign_out}


def close_case(task: TaskInput, deps: Deps) -> dict[str, Any]:
    cases.close_case(
        deps, tenant=task.require("tenant"), case_sign=task.require("case_sign"), actor_login=task.actor
    )
    return {"closed": True}


def archive_prepare(task: TaskInput, deps: Deps) -> dict[str, Any]:
    """Fixity check and NES metadata.  Variables out:

    * ``metadata_objects``: digests of the metadata objects, the case's first (a list of str);
    * ``metadata_sizes``: ``{digest: size in bytes}`` of the same objects, so ``ezd.archive``
      need not ask the store.  A separate dict, not a richer ``metadata_objects``, so that process
      instances and workers that know only the list keep working.
    """
    result = archive.prepare_transfer(
        deps, tenant=task.require("tenant"), case_sign=task.require("case_sign"), actor_login=task.actor
    )
    doc_meta = result["document_metadata"]
    sizes = result["metadata_sizes"]
    assert isinstance(doc_meta, dict) and isinstance(sizes, dict)
    return {
        "metadata_objects": [str(result["case_metadata_sha256"]), *map(str, doc_meta.values())],
        "metadata_sizes": {str(digest): int(size) for digest, size in sizes.items()},
    }


def archive_store(task: TaskInput, deps: Deps) -> dict[str, Any]:
    """Locks and the archive register.  ``metadata_sizes`` is absent in instances prepared before
    it existed: then the store is asked for each metadata object's size."""
    sizes = task.var("metadata_sizes")
    state = archive.archive_case(
        deps,
        tenant=task.require("tenant"),
        case_sign=task.require("case_sign"),
        actor_login=task.actor,
        metadata=list(task.var("metadata_objects") or []),
        metadata_sizes=sizes if isinstance(sizes, dict) else None,
    )
    return {"case_state": state}


HANDLERS: dict[str, Handler] = {
    "ezd.validate-xml": validate_xml,
    "ezd.verify-signature": verify_signature,
    "ezd.store-content": store_content,
    "ezd.issue-upp": issue_upp,
    "ezd.create-case": create_case,
    "ezd.attach-to-case": attach_to_case,
    "ezd.forward-to-office": forward_to_office,
    "ezd.deadline-reminder": deadline_reminder,
    "ezd.sign": sign,
    "ezd.dispatch": dispatch,
    "ezd.close-case": close_case,
    "ezd.archive-prepare": archive_prepare,
    "ezd.archive": archive_store,
}

__all__ = ["HANDLERS", "Handler"]
