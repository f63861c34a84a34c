"""What the pages show about a case's letters: the head's comments on returned drafts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ezd.services.queries.models import DocumentView, MetrykaView
from ezd.web.labels import N_
from ezd.workflow.port import WorkflowEngine

MAX_INCOMING_SHOWN = 3


@dataclass(frozen=True)
class ReturnNote:
    comment: str
    actor: str
    at: str | None


def return_notes(metryka: Iterable[MetrykaView]) -> dict[tuple[str, int], ReturnNote]:
    """(document uid, version) → the comment it was returned with.

    The metryka records the version sent for approval (``projekt_do_akceptacji``) and the
    return (``zwrot_do_poprawy``) on the same document, in order; a return concerns the
    version sent last.
    """
    sent: dict[str, int] = {}
    notes: dict[tuple[str, int], ReturnNote] = {}
    for entry in metryka:
        uid = entry.document
        details = entry.details
        if not uid:
            continue
        version = details.get("version")
        if entry.action == "projekt_do_akceptacji" and isinstance(version, int):
            sent[uid] = version
        elif entry.action == "zwrot_do_poprawy" and uid in sent:
            notes[(uid, sent[uid])] = ReturnNote(
                comment=str(details.get("comment", "")), actor=entry.actor, at=entry.at
            )
    return notes


def shown_letters(documents: Iterable[DocumentView]) -> list[tuple[str, str]]:
    """(heading, uid) of the letters a case page shows: its incoming letters, then the reply."""
    docs = list(documents)
    incoming = [d for d in docs if d.direction == "incoming"][:MAX_INCOMING_SHOWN]
    replies = [d for d in docs if d.direction == "outgoing"]
    shown = [(N_("Pismo w sprawie"), d.uid) for d in incoming]
    if replies:
        shown.append((N_("Projekt odpowiedzi"), replies[-1].uid))
    return shown


@dataclass(frozen=True)
class FailedStep:
    activity: str  # the BPMN id; the page names it through labels.SYSTEM_STEP
    detail: str  # the worker's technical message, shown folded away


def failed_steps(engine: WorkflowEngine, business_keys: Iterable[str]) -> list[FailedStep]:
    """Steps of the system that failed for good (engine incidents) in these processes."""
    found: list[FailedStep] = []
    for key in business_keys:
        for inst in engine.find_instances(key):
            for incident in inst.incidents:
                activity, _, detail = incident.partition(": ")
                found.append(FailedStep(activity, detail))
    return found
