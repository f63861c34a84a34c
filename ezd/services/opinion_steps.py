"""The worker steps of ``opinion_exchange.bpmn`` (art. 106 KPA), one function per topic.

Office A's pool: send (the request becomes an RPW item of B, channel "urząd partnerski", and
starts B's pool), remind, escalate, note a delay, take the answer into A's case. Office B's pool:
seal the answer with B's e-seal and return it, or refuse (not competent: art. 65 forwarding).
Each step writes the metryka of the office whose process runs it; B's steps reach A only through
:func:`ezd.services.opinions.message_to_asking_office`.
"""

from __future__ import annotations

import uuid
from datetime import date

from lxml import etree
from sqlalchemy.orm import Session

from ezd.clock import office_today, polish_date
from ezd.db.base import utcnow
from ezd.db.tables import CaseFile, Document, DocumentVersion, Tenant
from ezd.db.tables_opinion import OpinionRequest
from ezd.records.errors import NotFound
from ezd.records.intake import Channel, IncomingMetadata
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import system_actor
from ezd.services.deps import Deps
from ezd.services.lookup import business_key, tenant_group, unit_code
from ezd.services.notifications import notify_role
from ezd.services.opinions import ANSWER_MESSAGE, ANSWER_PROCESS, KINDS, message_to_asking_office

ANSWER_NS = "https://ezd.example/art106"


def _request(deps: Deps, request_id: int) -> OpinionRequest:
    request = deps.session.get(OpinionRequest, request_id)
    if request is None:
        raise NotFound(f"no art. 106 request {request_id}")
    return request


def _sides(deps: Deps, request: OpinionRequest) -> tuple[Tenant, CaseFile, Tenant]:
    session = deps.session
    return (
        session.get_one(Tenant, request.from_tenant_id),
        session.get_one(CaseFile, request.case_id),
        session.get_one(Tenant, request.to_tenant_id),
    )


def _letter(asking: Tenant, case: CaseFile, asked: Tenant, request: OpinionRequest) -> bytes:
    lines = [
        asking.name,
        f"Data: {polish_date(office_today())}",
        f"Znak sprawy: {case.sign}",
        "",
        asked.name,
        "",
        f"WYSTĄPIENIE O {KINDS[request.kind].upper()} (art. 106 § 1 Kodeksu postępowania administracyjnego)",
        "",
        request.subject,
        "",
        f"Termin zajęcia stanowiska: {polish_date(request.deadline)} (art. 106 § 3 KPA).",
        *(["", "Załączniki:"] if request.documents else []),
        *(f"- {d['title']} (SHA-256 {d['sha256']})" for d in request.documents),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def send(deps: Deps, *, request_id: int, actor_login: str) -> str:
    """A's send task: register the request in B's RPW and start B's pool; B's RPW sign."""
    from ezd.services.intake import register_incoming

    session = deps.session
    request = _request(deps, request_id)
    if request.rpw_there is not None:  # a repeated step: the request is already registered
        return request.rpw_there
    asking, case, asked = _sides(deps, request)
    metadata = IncomingMetadata(
        sender=asking.name,
        title=f"Wystąpienie o {KINDS[request.kind]}: {request.subject}"[:500],
        letter_date=office_today(),
        received_date=office_today(),
        channel=Channel.PARTNER_OFFICE,
        kind="wystapienie_art106",
        attachments=len(request.documents),
        format="text/plain",
        sender_reference=case.sign,
    )
    registered = register_incoming(
        deps,
        system_actor(actor_login),
        tenant=asked.code,
        data=_letter(asking, case, asked, request),
        filename=f"wystapienie-art106-{request.id}.txt",
        media_type="text/plain; charset=utf-8",
        metadata=metadata,
        channel=Channel.PARTNER_OFFICE,
        duplicate_reason=f"wystąpienie art. 106 KPA z {asking.name} ({case.sign})",
        start_process=False,
    )
    request.rpw_there = registered.sign
    request.status = "received"
    audit.record(
        session,
        chain_key=audit.item_chain(asked.code, registered.sign),
        tenant_id=asked.id,
        actor=actor_login,
        action="wplyw_wystapienia_art106",
        document_ref=registered.document_uid,
        details={"from": asking.code, "kind": request.kind, "deadline": request.deadline.isoformat()},
    )
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="doreczenie_wystapienia_art106",
        details={"to": asked.code, "rpw_there": registered.sign},
    )
    deps.engine.start(
        ANSWER_PROCESS,
        business_key(asked.code, registered.sign),
        {
            "tenant": asked.code,
            "rpw": registered.sign,
            "request_id": request.id,
            "kancelaria_group": tenant_group(asked.code, Role.KANCELARIA.value),
        },
    )
    return registered.sign


def _answer_xml(asked: Tenant, request: OpinionRequest, rpw: str) -> bytes:
    root = etree.Element(f"{{{ANSWER_NS}}}Stanowisko", nsmap={None: ANSWER_NS})
    for name, value in (
        ("Organ", asked.name),
        ("Rodzaj", KINDS[request.kind]),
        ("ZnakWplywu", rpw),
        ("Data", office_today().isoformat()),
        ("Tresc", request.answer_text or ""),
    ):
        etree.SubElement(root, f"{{{ANSWER_NS}}}{name}").text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def seal_answer(deps: Deps, *, request_id: int, actor_login: str) -> str:
    """B's approved answer sealed with B's e-seal, recorded in B's metryka and sent to A."""
    session = deps.session
    request = _request(deps, request_id)
    _, _, asked = _sides(deps, request)
    rpw = request.rpw_there or ""
    if request.answer_sha256 is None:
        signer = deps.office_signer(asked.code)
        stored = deps.store.put(signer.sign_enveloped(_answer_xml(asked, request, rpw)), "application/xml")
        request.answer_sha256 = stored.sha256
        request.status, request.answered_at = "answered", utcnow()
        audit.record(
            session,
            chain_key=audit.item_chain(asked.code, rpw),
            tenant_id=asked.id,
            actor=actor_login,
            action="odeslanie_stanowiska_art106",
            details={"sha256": stored.sha256, "signer": signer.subject},
        )
    message_to_asking_office(
        deps, request, from_tenant=asked.code, message=ANSWER_MESSAGE, variables={"outcome": "answered"}
    )
    return request.answer_sha256


def refuse(deps: Deps, *, request_id: int, actor_login: str) -> str | None:
    """B is not competent: forward the request to the competent office (art. 65), tell A."""
    from ezd.services import forwarding

    request = _request(deps, request_id)
    _, _, asked = _sides(deps, request)
    rpw = request.rpw_there or ""
    forwarded = None
    if request.status != "refused":
        if request.forwarded_to:
            forwarded = forwarding.forward_item(
                deps,
                tenant=asked.code,
                rpw=rpw,
                to_tenant=request.forwarded_to,
                reason=request.answer_text or "",
                actor_login=actor_login,
            ).rpw_there
        request.status, request.answered_at = "refused", utcnow()
    message_to_asking_office(
        deps, request, from_tenant=asked.code, message=ANSWER_MESSAGE, variables={"outcome": "refused"}
    )
    return forwarded


def take_answer(deps: Deps, *, request_id: int, actor_login: str) -> str:
    """A's step: the answer (sealed by B) or the refusal becomes a document of A's case."""
    session = deps.session
    request = _request(deps, request_id)
    asking, case, asked = _sides(deps, request)
    if request.answer_document_uid is not None:
        return request.answer_document_uid
    refused = request.status == "refused"
    if refused:
        text = f"{asked.name}: odmowa zajęcia stanowiska (organ niewłaściwy).\n{request.answer_text or ''}\n"
        stored = deps.store.put(text.encode("utf-8"), "text/plain; charset=utf-8")
        sha, media, size = stored.sha256, "text/plain; charset=utf-8", stored.size
    else:
        sha, media = request.answer_sha256 or "", "application/xml"
        size = len(deps.store.get(sha))
    doc = Document(
        uid=str(uuid.uuid4()),
        tenant_id=asking.id,
        case_id=case.id,
        direction="incoming",
        kind="odmowa_art106" if refused else "stanowisko_art106",
        title=f"{'Odmowa' if refused else 'Stanowisko'}: {asked.name} ({KINDS[request.kind]})",
        status="registered",
        created_by=actor_login,
        signed=not refused,
    )
    session.add(doc)
    session.flush()
    filename = f"{'odmowa' if refused else 'stanowisko'}-art106-{request.id}.{'txt' if refused else 'xml'}"
    session.add(
        DocumentVersion(
            document_id=doc.id,
            version=1,
            sha256=sha,
            size=size,
            media_type=media,
            filename=filename,
            created_by=actor_login,
        )
    )
    request.answer_document_uid = doc.uid
    audit.on_case(
        session,
        case,
        actor=actor_login,
        action="odmowa_art106" if refused else "stanowisko_art106",
        document_ref=doc.uid,
        details={
            "from": asked.code,
            "rpw_there": request.rpw_there,
            "sha256": sha,
            "forwarded_to": request.forwarded_to,
        },
    )
    return doc.uid


def _case_unit(deps: Deps, case: CaseFile) -> str:
    return unit_code(deps.session, case.unit_id)


def remind(deps: Deps, *, request_id: int, actor_login: str) -> None:
    """The term ends in a few days: a reminder in both metryki and in B's unit head's inbox."""
    request = _request(deps, request_id)
    asking, case, asked = _sides(deps, request)
    request.reminded_at = utcnow()
    due = (request.delay_until or request.deadline).isoformat()
    audit.on_case(
        deps.session, case, actor=actor_login, action="przypomnienie_art106", details={"deadline": due}
    )
    if request.rpw_there:
        audit.record(
            deps.session,
            chain_key=audit.item_chain(asked.code, request.rpw_there),
            tenant_id=asked.id,
            actor=actor_login,
            action="przypomnienie_art106",
            details={"deadline": due, "from": asking.code},
        )
        if request.unit_there:
            notify_role(
                deps.session,
                tenant_id=asked.id,
                role=Role.KIEROWNIK,
                unit_code=request.unit_there,
                kind="due_soon",
                ref=request.rpw_there,
                text=f"Wystąpienie {asking.name} ({request.rpw_there}): termin "
                f"{polish_date(date.fromisoformat(due))}",
                dedup=f"art106-remind:{request.id}:{due}",
            )


def escalate(deps: Deps, *, request_id: int, actor_login: str) -> None:
    """The term has passed without an answer: A's case metryka and A's unit heads' inbox."""
    request = _request(deps, request_id)
    _, case, asked = _sides(deps, request)
    request.escalated_at = utcnow()
    due = (request.delay_until or request.deadline).isoformat()
    audit.on_case(
        deps.session,
        case,
        actor=actor_login,
        action="eskalacja_art106",
        details={"deadline": due, "to": asked.code},
    )
    notify_role(
        deps.session,
        tenant_id=case.tenant_id,
        role=Role.KIEROWNIK,
        unit_code=_case_unit(deps, case),
        kind="escalation",
        ref=case.sign,
        text=f"{asked.name} nie zajął stanowiska w sprawie {case.sign} w terminie",
        dedup=f"art106-escalate:{request.id}:{due}",
    )


def note_delay(deps: Deps, *, request_id: int, actor_login: str) -> None:
    """B's notice of delay (art. 106 § 4) in A's case metryka; the timers restart at the new date."""
    request = _request(deps, request_id)
    _, case, asked = _sides(deps, request)
    audit.on_case(
        deps.session,
        case,
        actor=actor_login,
        action="zawiadomienie_o_zwloce_art106",
        details={
            "from": asked.code,
            "until": request.delay_until.isoformat() if request.delay_until else None,
            "reason": request.delay_reason,
        },
    )


def note_seal_held(session: Session, *, request_id: int, message: str) -> None:
    """B has no valid e-seal: the answer waits; the reason goes to B's metryka of the request."""
    request = session.get_one(OpinionRequest, request_id)
    asked = session.get_one(Tenant, request.to_tenant_id)
    audit.record(
        session,
        chain_key=audit.item_chain(asked.code, request.rpw_there or ""),
        tenant_id=asked.id,
        actor="system",
        action="podpis_wstrzymany",
        details={"message": message},
    )


__all__ = [
    "escalate",
    "note_delay",
    "note_seal_held",
    "refuse",
    "remind",
    "seal_answer",
    "send",
    "take_answer",
]
