"""Handlers of the art. 106 KPA collaboration (``bpmn/opinion_exchange.bpmn``), one per topic."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ezd.services import opinion_steps
from ezd.services.deps import Deps
from ezd.services.seals import SealUnavailable
from ezd.workers.errors import StepHeld
from ezd.workers.task import TaskInput


def _request_id(task: TaskInput) -> int:
    return int(task.require("request_id"))


def send(task: TaskInput, deps: Deps) -> dict[str, Any]:
    return {"rpw_there": opinion_steps.send(deps, request_id=_request_id(task), actor_login=task.actor)}


def seal_answer(task: TaskInput, deps: Deps) -> dict[str, Any]:
    try:
        digest = opinion_steps.seal_answer(deps, request_id=_request_id(task), actor_login=task.actor)
    except SealUnavailable as exc:
        # held like the reply's signature: the step waits until the office has a valid e-seal
        held = str(exc)
        raise StepHeld(
            held, partial(opinion_steps.note_seal_held, request_id=_request_id(task), message=held)
        ) from None
    return {"answer_sha256": digest}


def refuse(task: TaskInput, deps: Deps) -> dict[str, Any]:
    forwarded = opinion_steps.refuse(deps, request_id=_request_id(task), actor_login=task.actor)
    return {"forwarded_rpw": forwarded} if forwarded else {}


def _simple(step: Callable[..., Any]) -> Callable[[TaskInput, Deps], dict[str, Any]]:
    def handler(task: TaskInput, deps: Deps) -> dict[str, Any]:
        step(deps, request_id=_request_id(task), actor_login=task.actor)
        return {}

    handler.__name__ = step.__name__
    return handler


OPINION_HANDLERS: dict[str, Callable[[TaskInput, Deps], dict[str, Any]]] = {
    "ezd.opinion-send": send,
    "ezd.opinion-remind": _simple(opinion_steps.remind),
    "ezd.opinion-escalate": _simple(opinion_steps.escalate),
    "ezd.opinion-delay-noted": _simple(opinion_steps.note_delay),
    "ezd.opinion-received": _simple(opinion_steps.take_answer),
    "ezd.opinion-seal-answer": seal_answer,
    "ezd.opinion-refuse": refuse,
}

__all__ = ["OPINION_HANDLERS"]
