"""Transfer of closed cases to the archiwum zakładowe, with retention locks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd import nes
from ezd.archive_ops.register import load_case_documents, register_case
from ezd.db.base import utcnow
from ezd.db.tables import CaseFile, Tenant
from ezd.records.cases import CaseState, transition
from ezd.records.jrwa import ArchivalCategory
from ezd.records.retention import disposal_date, lock_until, transfer_due
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.services.lookup import business_key, case_by_sign, tenant_by_code, tenant_group, unit_group
from ezd.services.tasks import complete_task, open_task

ARCHIVE_PROCESS = "ezd_archive"


def due_for_transfer(session: Session, as_of: date, tenant_id: int | None = None) -> list[CaseFile]:
    """Closed cases that have spent 2 full calendar years in their unit."""
    q = select(CaseFile).where(CaseFile.state == CaseState.CLOSED.value)
    if tenant_id is not None:
        q = q.where(CaseFile.tenant_id == tenant_id)
    return [
        c
        for c in session.execute(q.order_by(CaseFile.id)).scalars()
        if c.closed_at and transfer_due(c.closed_at.date()) <= as_of
    ]


def start_transfer(deps: Deps, *, tenant: str, case_sign: str) -> None:
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    key = business_key(tenant, case_sign)
    if any(not i.ended for i in deps.engine.find_instances(key, ARCHIVE_PROCESS)):
        return
    deps.engine.start(
        ARCHIVE_PROCESS,
        key,
        {
            "tenant": tenant,
            "case_sign": case_sign,
            "archivist_group": tenant_group(tenant, Role.ARCHIWISTA.value),
            "head_group": unit_group(tenant, case.unit.code, Role.KIEROWNIK.value),
        },
    )


def _institution(tenant: Tenant) -> nes.Institution:
    return nes.Institution(nazwa=tenant.name, regon=tenant.regon)


def _when(value: datetime | None) -> datetime:
    return (value or utcnow()).replace(microsecond=0)


def prepare_transfer(deps: Deps, *, tenant: str, case_sign: str, actor_login: str) -> dict[str, object]:
    """Check fixity of every stored version and write NES metadata for the case and its documents.

    Every version is read back (and its digest checked) before any metadata is written, so a
    damaged or missing object stops the preparation with nothing stored.  Returns the metadata
    digests (``case_metadata_sha256``, ``document_metadata`` by document uid) and their sizes
    (``metadata_sizes``, by digest), which the archive step needs for its register.
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    inst = _institution(tenant_row)
    content = load_case_documents(session, case.id)
    # attachments (ePUAP attachments, UPP) are archived with the case: check them too
    versions = content.version_digests() + content.attachment_digests()
    # On S3 the reads start now and overlap the metadata building below.
    fixity = deps.store.get_many(versions)
    xmls: list[bytes] = []
    for doc in content.documents:
        last = doc.versions[-1]
        item = content.item_of(doc)
        xmls.append(
            nes.document_metadata_xml(
                nes.NesDocument(
                    system_id=doc.uid,
                    title=doc.title,
                    institution=inst,
                    media_type=last.media_type,
                    size_bytes=last.size,
                    rpw_number=item.sign if item else None,
                    sender_reference=item.sender_reference if item else None,
                    created=_when(doc.created_at),
                    received=item.received_date if item else None,
                    sender=nes.Institution(nazwa=item.sender) if item else None,
                    case_sign=case.sign,
                    case_title=case.title,
                    category=case.category,
                    qualified_on=_when(case.opened_at),
                    rodzaj=doc.kind,
                )
            )
        )
    xmls.append(
        nes.case_metadata_xml(
            nes.NesCase(
                case_sign=case.sign,
                title=case.title,
                institution=inst,
                date_from=_when(case.opened_at),
                date_to=_when(case.closed_at),
                jrwa_symbol=case.jrwa.symbol,
                jrwa_title=case.jrwa.title,
                category=case.category,
                qualified_on=_when(case.opened_at),
            )
        )
    )
    for _ in fixity:  # raises IntegrityError/ObjectNotFound on damage
        pass
    checked = len(versions)
    *doc_meta, case_meta = deps.store.put_many([(xml, "application/xml") for xml in xmls])
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="przygotowanie_do_archiwum",
        details={"objects_checked": checked, "case_metadata": case_meta.sha256},
    )
    return {
        "objects_checked": checked,
        "case_metadata_sha256": case_meta.sha256,
        "document_metadata": {
            doc.uid: stored.sha256 for doc, stored in zip(content.documents, doc_meta, strict=True)
        },
        "metadata_sizes": {stored.sha256: stored.size for stored in (case_meta, *doc_meta)},
    }


def decide_transfer(
    deps: Deps, actor: Actor, *, tenant: str, case_sign: str, accepted: bool, note: str = ""
) -> None:
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    on_behalf = actor.require(tenant, Role.ARCHIWISTA)
    task = open_task(deps.engine, business_key(tenant, case_sign), "accept_transfer")
    audit.on_case(
        session,
        case,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="przyjecie_do_archiwum" if accepted else "zwrot_akt_do_uzupelnienia",
        details={"note": note} if note else {},
    )
    complete_task(deps.engine, task, actor, {"accepted": accepted, "archive_note": note})


def archive_case(
    deps: Deps,
    *,
    tenant: str,
    case_sign: str,
    actor_login: str,
    metadata: list[str],
    metadata_sizes: Mapping[str, object] | None = None,
) -> str:
    """Lock every object of the case until the end of its retention and mark the case archived.

    ``metadata_sizes`` (digest -> bytes, from :func:`prepare_transfer`) spares asking the store
    for the metadata objects' sizes; without it (or for a digest it lacks) the store is asked.
    """
    session = deps.session
    tenant_row = tenant_by_code(session, tenant)
    case = case_by_sign(session, tenant_row.id, case_sign)
    if case.state == CaseState.ARCHIVED.value:
        return case.state
    closed = (case.closed_at or utcnow()).date()
    until_day = lock_until(ArchivalCategory.parse(case.category), closed)
    until = datetime(until_day.year, until_day.month, until_day.day, tzinfo=UTC)
    content = load_case_documents(session, case.id)
    digests = set(content.version_digests())
    digests.update(content.attachment_digests())
    digests.update(metadata)
    # On S3 the reads for the search index start now and overlap the locks.
    texts = deps.store.get_many(content.last_digests(), skip_unreadable=True)
    deps.store.lock_many(sorted(digests), until)
    case.state = transition(CaseState(case.state), CaseState.ARCHIVED).value
    case.archived_at = utcnow()
    register_case(
        session,
        deps.store,
        case,
        tenant=tenant_row,
        retention_until=disposal_date(ArchivalCategory.parse(case.category), closed),
        metadata=sorted(set(metadata)),
        metadata_sizes=metadata_sizes,
        documents=content,
        contents=texts,
    )
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="archiwizacja",
        details={
            "locked_objects": len(digests),
            "retention_until": until_day.isoformat(),
            "category": case.category,
        },
    )
    return case.state
