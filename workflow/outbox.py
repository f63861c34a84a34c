"""Transactional outbox for a remote workflow engine.

With Operaton the records (PostgreSQL) and the process state (the engine) are two systems. If a
person's step told the engine first and then failed to commit, the process would have moved on
without the records (a completed "draft" task whose draft was never stored). So, on the remote
engine, a step's *changes* to the engine -- ``start``, ``claim``, ``complete_user_task``,
``correlate_message`` -- are written as ``engine_command`` rows in the step's own transaction
(:class:`OutboxEngine`) and sent only after it commits (:func:`relay`):

* the entrypoint's commit runs :func:`relay` for that transaction's commands right away, so the
  engine has moved on before the response is sent (or the demo driver's next step);
* a crash between the commit and the relay leaves the rows ``pending``; :func:`relay` without
  ids (``ezd engine relay``, the external worker's periodic sweep) sends them later, making
  each call idempotent first (a start carries the command id and is skipped if an instance
  with it exists; a completion or message whose task/subscription is gone was delivered);
* commands of one business key run in order: a command waits while an earlier one of its key
  is pending;
* completing a user task writes a unique ``dedup_key``, so two people completing the same task
  at once conflict in the database and the second step rolls back with a clear error -- as it
  did when the engine call came first.

Reads (task lists, variables, instances) go to the engine directly.  The embedded engine needs
none of this: its state is in the same database transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, cast

from sqlalchemy import Insert, Table, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from ezd.db.base import utcnow
from ezd.records.errors import ConflictError
from ezd.workflow.port import (
    CommitHooks,
    DeferredCall,
    DefinitionInfo,
    Deployment,
    DeploymentRejected,
    ExternalTask,
    HistoryEntry,
    Incident,
    InstanceState,
    NoMatchingInstance,
    ProcessInstance,
    TaskNotFound,
    UserTask,
    Variables,
    WorkflowEngine,
    WorkflowError,
)
from ezd.workflow.tables import EngineCommand

log = logging.getLogger("ezd.engine.outbox")

_PENDING_FOR_KEY = (
    select(EngineCommand.id)
    .where(EngineCommand.business_key == bindparam("key"), EngineCommand.status == "pending")
    .order_by(EngineCommand.id)
)

COMMAND_VARIABLE = "ezd_command"


class OutboxEngine:
    """A :class:`WorkflowEngine` whose changes wait in ``engine_command`` until the commit.

    ``hooks`` is the unit of work of ``session`` (:class:`ezd.workflow.port.CommitHooks`): a
    held-back claim is written just before its commit, the commands are sent right after it.
    Every other call goes to the remote engine as it is.
    """

    def __init__(
        self,
        engine: WorkflowEngine,
        session: Session,
        send: Callable[[list[int], bool], None],
        hooks: CommitHooks,
    ) -> None:
        self._engine = engine
        self._session = session
        self._send = send  # (ids, unsent): relay these commands; see relay()
        self._hooks = hooks
        self._task_keys: dict[str, str] = {}  # task id -> business key, from task lists read
        self._claims: dict[str, str] = {}  # task id -> user, claims not yet written

    # -- calls that change nothing in the engine's process state, or are the worker's ---------
    def deploy(self, paths: Sequence[Path]) -> list[Deployment]:
        return self._engine.deploy(paths)

    def definitions(self) -> list[DefinitionInfo]:
        return self._engine.definitions()

    def task_definition_xml(self, task_id: str) -> bytes:
        return self._engine.task_definition_xml(task_id)

    def retry_exhausted_tasks(self, topics: Sequence[str], business_key_prefix: str, retries: int) -> int:
        # not a step's change of a process: asked after the seal import has committed
        return self._engine.retry_exhausted_tasks(topics, business_key_prefix, retries)

    def incidents(self, business_key_prefix: str) -> list[Incident]:
        return self._engine.incidents(business_key_prefix)

    def retry_task(self, task_id: str, retries: int) -> None:
        # a person's retry, not a step's change of a process: no outbox entry needed
        self._engine.retry_task(task_id, retries)

    def fetch_external_tasks(self, topics: Sequence[str], max_tasks: int = 10) -> list[ExternalTask]:
        return self._engine.fetch_external_tasks(topics, max_tasks)

    def complete_external_task(self, task_id: str, variables: Variables | None = None) -> None:
        self._engine.complete_external_task(task_id, variables)

    def fail_external_task(self, task_id: str, message: str, retries: int, retry_timeout_ms: int = 0) -> None:
        self._engine.fail_external_task(task_id, message, retries, retry_timeout_ms)

    def bpmn_error(
        self, task_id: str, error_code: str, message: str = "", variables: Variables | None = None
    ) -> None:
        self._engine.bpmn_error(task_id, error_code, message, variables)

    def instance(self, instance_id: str) -> InstanceState:
        return self._engine.instance(instance_id)

    def history(self, instance_id: str) -> list[HistoryEntry]:
        return self._engine.history(instance_id)

    def fire_due_timers(self, now: datetime | None = None, limit: int = 100) -> int:
        return self._engine.fire_due_timers(now, limit)

    def drain_deferred(self) -> list[DeferredCall]:
        return []  # nothing is left to the caller: the unit of work's hooks send the commands

    # -- reads: first catch up with earlier steps of the same business key ---------------------
    def user_tasks(
        self,
        *,
        assignee: str | None = None,
        candidate_groups: Sequence[str] | None = None,
        business_key: str | None = None,
        process_instance_id: str | None = None,
    ) -> list[UserTask]:
        if business_key:
            self._catch_up(business_key)
        tasks = self._engine.user_tasks(
            assignee=assignee,
            candidate_groups=candidate_groups,
            business_key=business_key,
            process_instance_id=process_instance_id,
        )
        self._task_keys.update((t.id, t.business_key) for t in tasks)
        return tasks

    def find_instances(self, business_key: str, process_key: str | None = None) -> list[InstanceState]:
        self._catch_up(business_key)
        return self._engine.find_instances(business_key, process_key)

    def _catch_up(self, business_key: str) -> None:
        """Read your writes: send this key's commands that earlier steps left pending.

        They are left when the engine was unavailable at their commit (or their process died
        before the relay). If they still cannot be sent, the step stops with "try again" rather
        than act on a process that has not yet heard of the previous step.  (On SQLite this
        transaction holds the database write lock, so the relay could not mark the rows: there
        the sweep sends them; the distributed deployment runs on PostgreSQL.)
        """
        if self._session.get_bind().dialect.name == "sqlite":
            return
        own = {
            i for h in self._hooks.pending_after_commit() if isinstance(h, _SendAfterCommit) for i in h.ids
        }
        waiting = [
            i
            for i in self._session.execute(_PENDING_FOR_KEY, {"key": business_key}).scalars()
            if i not in own
        ]
        if not waiting:
            return
        self._send(waiting, False)  # left by another step: maybe sent before a crash
        if any(
            i not in own for i in self._session.execute(_PENDING_FOR_KEY, {"key": business_key}).scalars()
        ):
            from ezd.workflow.operaton import EngineUnavailable

            raise EngineUnavailable(
                f"the workflow engine has not yet received an earlier step of {business_key}; try again"
            )

    # -- changes: recorded, sent after commit ---------------------------------------------------
    def start(
        self, process_key: str, business_key: str, variables: Variables | None = None
    ) -> ProcessInstance:
        self._record(
            "start",
            business_key,
            {"process_key": process_key, "variables": dict(variables or {})},
        )
        # The engine's id is not known before the relay; services do not use it.
        return ProcessInstance(id="", process_key=process_key, business_key=business_key)

    def claim(self, task_id: str, user: str) -> None:
        # Held back: services claim right before completing, and both travel as one command
        # (both or neither). A claim not followed by a completion is written before the commit.
        if not self._claims:
            self._hooks.before_commit(self._write_claims)
        self._claims[task_id] = user

    def _write_claims(self) -> None:
        for task_id, user in self._claims.items():
            self._record("claim", self._key_of(task_id), {"task_id": task_id, "user": user})
        self._claims.clear()

    def complete_user_task(self, task_id: str, variables: Variables | None = None) -> None:
        args: dict[str, Any] = {"task_id": task_id, "variables": dict(variables or {})}
        claim_as = self._claims.pop(task_id, None)
        if claim_as is not None:
            args["claim_as"] = claim_as
        self._record("complete", self._key_of(task_id), args, dedup_key=f"complete:{task_id}")

    def correlate_message(
        self, message_name: str, business_key: str, variables: Variables | None = None
    ) -> None:
        self._record("correlate", business_key, {"message": message_name, "variables": dict(variables or {})})

    def _key_of(self, task_id: str) -> str:
        # Services find a task through a task list first (open_task), which tells us its case.
        # A task completed blind is keyed by itself: still sent, but not ordered with its case.
        return self._task_keys.get(task_id, f"task:{task_id}")

    def _record(self, op: str, business_key: str, args: dict[str, Any], dedup_key: str | None = None) -> None:
        row = {"op": op, "business_key": business_key, "args": args, "dedup_key": dedup_key}
        command_id = self._session.execute(_insert_command(self._session), row).scalar()
        if command_id is None:  # ON CONFLICT (dedup_key) DO NOTHING: someone completed it first
            raise ConflictError(
                "this task has just been completed by someone else; reload and check the case"
            )
        pending = self._hooks.pending_after_commit()
        send = next((h for h in pending if isinstance(h, _SendAfterCommit)), None)
        if send is None:
            send = _SendAfterCommit(self._send)
            self._hooks.after_commit(send)
        send.ids.append(int(command_id))


def _insert_command(session: Session) -> Insert:
    """INSERT ... ON CONFLICT (dedup_key) DO NOTHING RETURNING id, for this database.

    A second completion of the same task gets no id back instead of an error, so the step is
    refused without a savepoint (a concurrent one waits for the first to commit or roll back).
    """
    dialect = session.get_bind().dialect.name
    stmt = _INSERTS.get(dialect)
    if stmt is None:
        dialect_insert = sqlite_insert if dialect == "sqlite" else pg_insert
        stmt = _INSERTS[dialect] = (
            dialect_insert(_COMMANDS)
            .on_conflict_do_nothing(index_elements=[_COMMANDS.c.dedup_key])
            .returning(_COMMANDS.c.id)
        )
    return stmt


_INSERTS: dict[str, Insert] = {}


class _SendAfterCommit:
    """The unit of work's after-commit hook: relay this transaction's commands."""

    def __init__(self, send: Callable[[list[int], bool], None]) -> None:
        self.send = send
        self.ids: list[int] = []

    def __call__(self) -> None:
        self.send(list(self.ids), True)  # just committed by us: certainly never sent


@dataclass
class RelayReport:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # left pending: the engine was unavailable or an earlier command waits


class _Transient(Exception):
    pass


def relay(
    sessions: sessionmaker[Session],
    engine: WorkflowEngine,
    ids: Sequence[int] | None = None,
    unsent: bool = False,
    *,
    limit: int = 500,
    min_age_s: float = 0.0,
) -> RelayReport:
    """Send pending commands (only ``ids`` if given) in order; return what happened.

    The commands are sent while their rows are locked (``FOR UPDATE SKIP LOCKED``), so two
    relays never send the same command; they are marked in the same transaction.  A command
    whose business key has an earlier pending command that this relay does not hold waits.
    ``unsent``: the caller has just committed ``ids`` and nobody can have sent them yet;
    any other command (the sweep's, one an earlier step left) may have reached the engine
    before a crash, so it is made idempotent first.  A crash after sending but before the
    commit leaves the rows pending: the sweep sends them again, idempotently.
    """
    report = RelayReport()
    fresh = unsent and ids is not None
    candidates = list(ids) if ids is not None else _pending_ids(sessions, limit, min_age_s)
    if not candidates:
        return report
    with sessions() as session, session.begin():
        locked = session.execute(_LOCK, {"ids": candidates}).all()
        if not locked:  # done meanwhile, rolled back, or another relay holds them
            return report
        held = [r[0] for r in locked]
        if len(held) < len(candidates):
            # Some were done meanwhile or are held by another relay: ask again for the rows we
            # hold (already locked by us), so that a command held elsewhere counts as earlier.
            locked = session.execute(_LOCK, {"ids": held}).all()
        rows = [_Command(*r[:5]) for r in locked]
        earliest_other = {c.business_key: r[5] for c, r in zip(rows, locked, strict=True) if r[5]}
        blocked: set[str] = set()
        sent: list[int] = []
        for cmd in rows:
            first = earliest_other.get(cmd.business_key)
            if cmd.business_key in blocked or (first is not None and first < cmd.id):
                blocked.add(cmd.business_key)
                report.waiting += 1
                continue
            retry = not fresh or cmd.attempts > 1
            try:
                _send(engine, cmd, retry=retry)
            except _Transient as exc:
                session.execute(_RETRY_LATER, {"cid": cmd.id, "error": str(exc)[:2000]})
                blocked.add(cmd.business_key)
                report.waiting += 1
                continue
            except WorkflowError as exc:
                # the step may be done again (dedup_key freed): the engine never took this one
                session.execute(_FAILED, {"cid": cmd.id, "error": str(exc)[:2000], "at": utcnow()})
                report.failed += 1
                log.error(
                    "engine command %s (%s %s) failed for good: %s", cmd.id, cmd.op, cmd.business_key, exc
                )
                continue
            sent.append(cmd.id)
        if sent:
            session.execute(_SENT, {"ids": sent, "at": utcnow()})
        report.sent += len(sent)
    return report


def deliver(
    sessions: sessionmaker[Session],
    engine: WorkflowEngine,
    business_keys: Sequence[str] = (),
    *,
    timeout_s: float = 120.0,
    poll_s: float = 0.5,
) -> None:
    """Send what is still pending (of ``business_keys``, or every command), waiting out an
    unavailable engine; raise ``TimeoutError`` if something is still pending after ``timeout_s``.

    A step's commands normally reach the engine at its commit. If the engine was restarting
    then, the step still succeeded and its commands wait for the sweep or for the next step of
    the same case. Whoever next *waits for the engine to act* on those steps (the demo driver's
    "let the workers run") must send them first: an engine that has not heard of a step is idle
    too. Commands are resent idempotently, as by the sweep.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        with sessions() as session:
            query = _PENDING.where(_C.business_key.in_(business_keys)) if business_keys else _PENDING
            ids = list(session.execute(query).scalars())
        if not ids:
            return
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{len(ids)} engine command(s) still pending after {timeout_s:.0f} s")
        if relay(sessions, engine, ids).sent < len(ids):
            time.sleep(poll_s)  # engine unavailable, or another relay is sending them


class _Command(NamedTuple):
    id: int
    op: str
    business_key: str
    args: dict[str, Any]
    attempts: int  # including the attempt being made


_COMMANDS = cast(Table, EngineCommand.__table__)
_C = _COMMANDS.c
_OTHER = _COMMANDS.alias("other")
_LOCK = (
    select(
        _C.id,
        _C.op,
        _C.business_key,
        _C.args,
        _C.attempts + 1,
        # per row, the first pending command of its key that is not among the ids: later
        # commands of that key wait for it (exact when this relay holds all the ids)
        select(func.min(_OTHER.c.id))
        .where(
            _OTHER.c.business_key == _C.business_key,
            _OTHER.c.status == "pending",
            _OTHER.c.id.not_in(bindparam("ids", expanding=True)),
        )
        .scalar_subquery(),
    )
    .where(_C.id.in_(bindparam("ids", expanding=True)), _C.status == "pending")
    .order_by(_C.id)
    .with_for_update(skip_locked=True, of=_COMMANDS)
)
_PENDING = select(_C.id).where(_C.status == "pending").order_by(_C.id)
_SENT = (
    update(_COMMANDS)
    .where(_C.id.in_(bindparam("ids", expanding=True)))
    .values(status="done", done_at=bindparam("at"), attempts=_C.attempts + 1, last_error=None)
)
_RETRY_LATER = (
    update(_COMMANDS)
    .where(_C.id == bindparam("cid"))
    .values(attempts=_C.attempts + 1, last_error=bindparam("error"))
)
_FAILED = (
    update(_COMMANDS)
    .where(_C.id == bindparam("cid"))
    .values(
        status="failed",
        attempts=_C.attempts + 1,
        last_error=bindparam("error"),
        done_at=bindparam("at"),
        dedup_key=None,
    )
)


def _pending_ids(sessions: sessionmaker[Session], limit: int, min_age_s: float) -> list[int]:
    older_than = utcnow() - timedelta(seconds=min_age_s)
    with sessions() as session:
        return list(session.execute(_PENDING.where(_C.created_at <= older_than).limit(limit)).scalars())


MAX_ATTEMPTS = 8
# The engine said no: sending again cannot help.
_FINAL = (TaskNotFound, NoMatchingInstance, DeploymentRejected)


def _send(engine: WorkflowEngine, cmd: _Command, *, retry: bool) -> None:
    from ezd.workflow.operaton import EngineUnavailable, TaskAlreadyClaimed

    args: dict[str, Any] = dict(cmd.args)
    try:
        if cmd.op == "start":
            variables = {**dict(args.get("variables") or {}), COMMAND_VARIABLE: cmd.id}
            if retry and _started_already(engine, cmd, str(args["process_key"])):
                return
            engine.start(str(args["process_key"]), cmd.business_key, variables)
        elif cmd.op == "claim":
            engine.claim(str(args["task_id"]), str(args["user"]))
        elif cmd.op == "complete":
            if args.get("claim_as"):
                engine.claim(str(args["task_id"]), str(args["claim_as"]))
            engine.complete_user_task(str(args["task_id"]), dict(args.get("variables") or {}))
        elif cmd.op == "correlate":
            engine.correlate_message(
                str(args["message"]), cmd.business_key, dict(args.get("variables") or {})
            )
        else:
            raise DeploymentRejected(f"unknown engine command {cmd.op!r}")
    except (TaskNotFound, NoMatchingInstance):
        if retry:  # an earlier attempt got through before the crash: delivered
            return
        raise
    except (*_FINAL, TaskAlreadyClaimed):
        raise
    except EngineUnavailable as exc:
        raise _Transient(str(exc)) from exc
    except WorkflowError as exc:  # e.g. the engine's optimistic locking: try again, a few times
        if cmd.attempts < MAX_ATTEMPTS:
            raise _Transient(str(exc)) from exc
        raise


def _started_already(engine: WorkflowEngine, cmd: _Command, process_key: str) -> bool:
    return any(
        i.variables.get(COMMAND_VARIABLE) == cmd.id
        for i in engine.find_instances(cmd.business_key, process_key)
    )


def pending_summary(session: Session) -> list[tuple[int, str, str, str, int, str | None, datetime]]:
    """Commands not yet sent or failed for good, oldest first (for operators)."""
    rows = session.execute(
        select(EngineCommand).where(EngineCommand.status != "done").order_by(EngineCommand.id).limit(200)
    ).scalars()
    return [(r.id, r.op, r.business_key, r.status, r.attempts, r.last_error, r.created_at) for r in rows]
