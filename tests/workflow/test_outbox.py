"""The remote engine's outbox: a step's engine changes are sent only after its commit, once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.uow import commit_hooks
from ezd.records.errors import ConflictError
from ezd.workflow.operaton import EngineUnavailable, TaskAlreadyClaimed
from ezd.workflow.outbox import COMMAND_VARIABLE, OutboxEngine, deliver, relay
from ezd.workflow.port import InstanceState, ProcessInstance, TaskNotFound, UserTask
from ezd.workflow.tables import EngineCommand


@dataclass
class RecordingEngine:
    """A remote engine seen from outside: what it was told, in order; failures on demand."""

    calls: list[tuple[str, Any]] = field(default_factory=list)
    instances: list[InstanceState] = field(default_factory=list)
    open_tasks: dict[str, UserTask] = field(default_factory=dict)
    down: bool = False
    claimed_by: dict[str, str] = field(default_factory=dict)

    def _check(self) -> None:
        if self.down:
            raise EngineUnavailable("engine at 127.0.0.1 did not answer in time")

    def start(self, process_key: str, business_key: str, variables: dict[str, Any]) -> ProcessInstance:
        self._check()
        self.calls.append(("start", business_key))
        iid = f"i{len(self.instances) + 1}"
        self.instances.append(InstanceState(iid, process_key, business_key, False, (), dict(variables)))
        return ProcessInstance(iid, process_key, business_key)

    def find_instances(self, business_key: str, process_key: str | None = None) -> list[InstanceState]:
        self._check()
        return [i for i in self.instances if i.business_key == business_key]

    def user_tasks(self, **_filters: Any) -> list[UserTask]:
        self._check()
        return list(self.open_tasks.values())

    def claim(self, task_id: str, user: str) -> None:
        self._check()
        if task_id not in self.open_tasks:
            raise TaskNotFound(task_id)
        if self.claimed_by.get(task_id, user) != user:
            raise TaskAlreadyClaimed(task_id)
        self.claimed_by[task_id] = user
        self.calls.append(("claim", task_id))

    def correlate_message(self, message: str, business_key: str, variables: dict[str, Any]) -> None:
        self._check()
        self.calls.append(("correlate", business_key))

    def complete_user_task(self, task_id: str, variables: dict[str, Any] | None = None) -> None:
        self._check()
        if self.open_tasks.pop(task_id, None) is None:
            raise TaskNotFound(task_id)
        self.calls.append(("complete", task_id))


def _task(task_id: str = "t1", key: str = "sp/OR.0122.1.2026") -> UserTask:
    return UserTask(task_id, "Akceptacja", "Task_Approve", "p1", "ezd_case", key, None, ())


def _outbox(app: App, session: Any, engine: RecordingEngine) -> OutboxEngine:
    send = lambda ids, unsent: relay(app.sessions, engine, ids, unsent)  # noqa: E731
    return OutboxEngine(engine, session, send, commit_hooks(session))  # type: ignore[arg-type]


def _statuses(app: App) -> list[tuple[str, str]]:
    with app.uow() as uow:
        rows = uow.session.execute(select(EngineCommand).order_by(EngineCommand.id)).scalars()
        return [(r.op, r.status) for r in rows]


def test_nothing_reaches_the_engine_before_commit_or_after_rollback(stack: App) -> None:
    engine = RecordingEngine()
    with stack.uow() as uow:
        _outbox(stack, uow.session, engine).start("ezd_incoming", "sp/RPW/1/2026", {"rpw": "RPW/1/2026"})
        assert engine.calls == []  # not before the commit
        # no commit: the records and the command roll back together
    assert engine.calls == [] and _statuses(stack) == []
    with stack.uow() as uow:
        _outbox(stack, uow.session, engine).start("ezd_incoming", "sp/RPW/1/2026", {"rpw": "RPW/1/2026"})
        assert engine.calls == []
        uow.commit()  # ...and right after it
    assert engine.calls == [("start", "sp/RPW/1/2026")]
    assert engine.instances[0].variables["rpw"] == "RPW/1/2026"
    assert _statuses(stack) == [("start", "done")]


def test_claim_and_complete_travel_together_and_a_second_completion_conflicts(stack: App) -> None:
    engine = RecordingEngine(open_tasks={"t1": _task()})
    with stack.uow() as uow:
        out = _outbox(stack, uow.session, engine)
        [task] = out.user_tasks(business_key="sp/OR.0122.1.2026")
        out.claim(task.id, "sw.kierownik")
        out.complete_user_task(task.id, {"approved": True})
        uow.commit()
    assert engine.calls == [("claim", "t1"), ("complete", "t1")]
    with stack.uow() as uow, pytest.raises(ConflictError):
        _outbox(stack, uow.session, engine).complete_user_task("t1", {"approved": False})
    assert _statuses(stack) == [("complete", "done")]


def test_a_claim_on_its_own_is_written_at_the_commit(stack: App) -> None:
    engine = RecordingEngine(open_tasks={"t1": _task()})
    with stack.uow() as uow:  # rolled back: nothing written, nothing sent
        out = _outbox(stack, uow.session, engine)
        out.user_tasks(business_key="sp/OR.0122.1.2026")
        out.claim("t1", "sw.referent")
    assert engine.calls == [] and _statuses(stack) == []
    with stack.uow() as uow:
        out = _outbox(stack, uow.session, engine)
        out.user_tasks(business_key="sp/OR.0122.1.2026")
        out.claim("t1", "sw.referent")
        uow.commit()
    assert engine.calls == [("claim", "t1")] and engine.claimed_by == {"t1": "sw.referent"}
    assert _statuses(stack) == [("claim", "done")]


def test_crash_after_commit_is_sent_by_the_sweep_once(stack: App) -> None:
    engine = RecordingEngine()
    with stack.uow() as uow:  # the process "dies" after the commit, before the relay
        OutboxEngine(engine, uow.session, lambda ids, unsent: None, uow).start(
            "ezd_case", "sp/OR.0122.2.2026", {}
        )  # type: ignore[arg-type]
        uow.commit()
    assert engine.calls == [] and _statuses(stack) == [("start", "pending")]
    report = relay(stack.sessions, engine)  # type: ignore[arg-type]
    assert report.sent == 1 and engine.calls == [("start", "sp/OR.0122.2.2026")]
    # the relay died after the engine call but before marking the row: the sweep must not start twice
    with stack.uow() as uow:
        cmd = uow.session.execute(select(EngineCommand)).scalar_one()
        assert engine.instances[0].variables[COMMAND_VARIABLE] == cmd.id
        cmd.status = "pending"
        uow.commit()
    assert relay(stack.sessions, engine).sent == 1  # type: ignore[arg-type]
    assert engine.calls == [("start", "sp/OR.0122.2.2026")] and _statuses(stack) == [("start", "done")]


def test_engine_down_keeps_commands_in_order_until_it_is_back(stack: App) -> None:
    engine = RecordingEngine(open_tasks={"t1": _task()}, down=True)
    key = "sp/OR.0122.1.2026"
    with stack.uow() as uow:
        out = _outbox(stack, uow.session, engine)
        out.start("ezd_archive", key, {})
        out.complete_user_task("t1", {})  # same business key: must wait for the start
        uow.commit()  # the relay finds the engine down; the commit stands
    assert _statuses(stack) == [("start", "pending"), ("complete", "pending")]
    engine.down = False
    report = relay(stack.sessions, engine)  # type: ignore[arg-type]
    assert report.sent == 2 and engine.calls == [("start", key), ("complete", "t1")]


def test_deliver_sends_what_a_step_left_pending_once_the_engine_is_back(stack: App) -> None:
    """The demo driver waits for the engine to be idle after a step; a step whose commit met a
    restarting engine must first reach it, or 'idle' only means 'has not heard of it'."""
    engine = RecordingEngine(open_tasks={"t1": _task()})
    key, other = "sp/OR.0122.1.2026", "sp/OR.0122.2.2026"
    with stack.uow() as uow:
        out = _outbox(stack, uow.session, engine)
        out.user_tasks(business_key=key)  # as services do (open_task): tells the task's case
        engine.down = True
        out.complete_user_task("t1", {})
        out.start("ezd_archive", other, {})
        uow.commit()  # the relay finds the engine down; the step stands
    assert _statuses(stack) == [("complete", "pending"), ("start", "pending")]
    back = threading.Timer(0.3, lambda: setattr(engine, "down", False))
    back.start()
    deliver(stack.sessions, engine, [key], poll_s=0.05, timeout_s=10)  # type: ignore[arg-type]
    back.join()
    assert engine.calls == [("complete", "t1")]  # only the key asked for
    assert _statuses(stack) == [("complete", "done"), ("start", "pending")]
    engine.down = True
    with pytest.raises(TimeoutError, match="1 engine command"):
        deliver(stack.sessions, engine, poll_s=0.05, timeout_s=0.3)  # type: ignore[arg-type]
    engine.down = False
    deliver(stack.sessions, engine)  # type: ignore[arg-type]
    assert engine.calls == [("complete", "t1"), ("start", other)]
    assert _statuses(stack) == [("complete", "done"), ("start", "done")]


def test_later_step_waits_for_an_earlier_undelivered_one_of_its_case(stack: App) -> None:
    engine = RecordingEngine(open_tasks={"t1": _task()}, down=True)
    key = "sp/OR.0122.1.2026"
    with stack.uow() as uow:  # step 1 commits while the engine is down
        _outbox(stack, uow.session, engine).start("ezd_archive", key, {})
        uow.commit()
    engine.down = False
    with stack.uow() as uow:  # step 2 of the same case: its own relay must not overtake step 1
        out = _outbox(stack, uow.session, engine)
        [task] = out.user_tasks(business_key=key)  # as services do (open_task): learns the case
        out.complete_user_task(task.id, {})
        uow.commit()
    relay(stack.sessions, engine)  # type: ignore[arg-type]
    assert engine.calls == [("start", key), ("complete", "t1")]
    assert _statuses(stack) == [("start", "done"), ("complete", "done")]


def test_refused_command_is_marked_failed_and_later_ones_go_on(stack: App) -> None:
    engine = RecordingEngine(open_tasks={"t2": _task("t2", "sp/OR.0122.3.2026")})
    with stack.uow() as uow:
        out = _outbox(stack, uow.session, engine)
        out.complete_user_task("gone", {})  # the engine no longer has this task
        out.complete_user_task("t2", {})
        uow.commit()
    assert _statuses(stack) == [("complete", "failed"), ("complete", "done")]
    with stack.uow() as uow:
        failed = uow.session.execute(
            select(EngineCommand).where(EngineCommand.status == "failed")
        ).scalar_one()
        assert "gone" in (failed.last_error or "") and failed.dedup_key is None
    with stack.uow() as uow:  # a refused completion does not block doing the step again
        _outbox(stack, uow.session, engine).complete_user_task("gone", {})
        uow.commit()


def test_next_step_catches_up_with_a_step_the_engine_missed(pg_app: App) -> None:
    """The engine was down when a step committed: the next read of that case sends it first."""
    from ezd.workflow.operaton import EngineUnavailable

    engine = RecordingEngine(down=True)
    key = "sp/OR.0122.4.2026"
    with pg_app.uow() as uow:
        _outbox(pg_app, uow.session, engine).correlate_message("ezd.delivery-confirmed", key, {})
        uow.commit()
    assert _statuses(pg_app) == [("correlate", "pending")]
    with pg_app.uow() as uow, pytest.raises(EngineUnavailable, match="try again"):
        _outbox(pg_app, uow.session, engine).user_tasks(business_key=key)  # still down: try again
    engine.down = False
    with pg_app.uow() as uow:
        assert _outbox(pg_app, uow.session, engine).find_instances(key) == []
    assert engine.calls == [("correlate", key)] and _statuses(pg_app) == [("correlate", "done")]


def test_catch_up_does_not_repeat_a_start_sent_just_before_a_crash(pg_app: App) -> None:
    """A row still pending may have reached the engine (relay died before marking it)."""
    engine = RecordingEngine()
    key = "sp/OR.0122.5.2026"
    with pg_app.uow() as uow:  # the process dies after the commit, before the relay
        OutboxEngine(engine, uow.session, lambda ids, unsent: None, uow).start("ezd_archive", key, {})  # type: ignore[arg-type]
        uow.commit()
    with pg_app.uow() as uow:  # ...another relay got the start through but died before marking
        cmd = uow.session.execute(select(EngineCommand)).scalar_one()
        engine.start("ezd_archive", key, {COMMAND_VARIABLE: cmd.id})
    with pg_app.uow() as uow:  # the next step of the case catches up: idempotently
        assert len(_outbox(pg_app, uow.session, engine).find_instances(key)) == 1
    assert engine.calls == [("start", key)] and _statuses(pg_app) == [("start", "done")]


def test_a_later_command_waits_for_an_earlier_one_another_relay_holds(pg_app: App, pg_url: str) -> None:
    """Two relays at once: the earlier command of a case is locked by the other one (being sent),
    so this relay must not send the later command of that case ahead of it."""
    from sqlalchemy import create_engine, text

    engine = RecordingEngine(open_tasks={"t1": _task()})
    key = "sp/OR.0122.1.2026"
    with pg_app.uow() as uow:  # both left pending (the process died before its relay)
        out = OutboxEngine(engine, uow.session, lambda ids, unsent: None, uow)  # type: ignore[arg-type]
        out.start("ezd_archive", key, {})
        out.user_tasks(business_key=key)  # as services do: the completion is ordered with its case
        out.complete_user_task("t1", {})
        uow.commit()
    with pg_app.uow() as uow:
        first, second = uow.session.execute(select(EngineCommand.id).order_by(EngineCommand.id)).scalars()
    other = create_engine(pg_url)
    try:
        with other.connect() as conn, conn.begin():  # the other relay holds the first command
            conn.execute(text("SELECT id FROM engine_command WHERE id = :i FOR UPDATE"), {"i": first})
            report = relay(pg_app.sessions, engine, [first, second])  # type: ignore[arg-type]
            assert (report.sent, report.waiting) == (0, 1) and engine.calls == []
    finally:
        other.dispose()
    assert relay(pg_app.sessions, engine).sent == 2  # type: ignore[arg-type]
    assert engine.calls == [("start", key), ("complete", "t1")]


def test_operator_commands_list_and_send_what_is_pending(pg_app: App, pg_url: str) -> None:
    """``ezd engine outbox`` / ``ezd engine relay`` against PostgreSQL and an engine that is down."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import embedded_env

    with pg_app.uow() as uow:  # a step committed while its process died before the relay
        OutboxEngine(RecordingEngine(), uow.session, lambda ids, unsent: None, uow).start(
            "ezd_case", "sp/OR.0122.5.2026", {}
        )  # type: ignore[arg-type]
        uow.commit()
    env = embedded_env(
        pg_app.settings.resolved_home,
        EZD_DATABASE_URL=pg_url,
        EZD_ENGINE_URL="http://127.0.0.1:9/engine-rest",  # nothing listens: the engine is down
        COLUMNS="200",
    )

    def ezd(*args: str) -> str:
        root = Path(__file__).resolve().parents[2]
        proc = subprocess.run(
            [sys.executable, "-m", "ezd.cli.main", *args],
            env=env,
            capture_output=True,
            text=True,
            cwd=root,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    assert "0 sent, 0 refused, 1 waiting" in ezd("engine", "relay")
    [row] = json.loads(ezd("engine", "outbox", "--json"))
    assert row["op"] == "start" and row["status"] == "pending" and row["attempts"] == 1
    assert "cannot connect" in row["error"] or "did not answer" in row["error"]
