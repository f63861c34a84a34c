"""What the pages show about a case's letters: the head's comments on returned drafts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ezd.i18n import errors as error_text
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


SEAL_HELD = N_(
    "Urząd nie ma ważnej e-pieczęci, więc system nie mógł opieczętować dokumentu. Administrator "
    "importuje e-pieczęć urzędu (ezd seal import), potem ponawia ten krok."
)
STEP_FAILED = N_(
    "System kilka razy próbował wykonać ten krok i za każdym razem się nie udało. Usuń przyczynę "
    "opisaną w szczegółach technicznych (albo przekaż je administratorowi systemu), potem ponów krok."
)
# the sealing steps hold themselves with this line when the office cannot seal (services.seals)
_SEAL_HELD_PREFIX = "Podpis wstrzymany"


def explain_step(message: str, topic: str, t: Callable[..., str]) -> str:
    """Why a system step failed, in the page's language: a known service error as its catalogue
    message, a held seal as what to do about it, anything else as the general advice."""
    if message.startswith(_SEAL_HELD_PREFIX):
        return t(SEAL_HELD)
    if error_text.find(message) is not None:
        return error_text.translate(message, t)
    return t(STEP_FAILED)
