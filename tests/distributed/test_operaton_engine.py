"""OperatonEngine against a running Operaton engine (see conftest.py).

The test process (bpmn/ezd_test_review.bpmn) uses the camunda: extension namespace like the
project's own files: user tasks with candidate groups, external service tasks with topics, an
exclusive gateway on ${approved}, a message catch event, an error boundary event and a
non-interrupting timer with a ${reminder_after} duration. Each session deploys it under a
unique key and topic prefix so data left by earlier runs cannot interfere.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from ezd.workflow.operaton import (
    EngineUnavailable,
    InstanceNotFound,
    LockLost,
    OperatonEngine,
    TaskAlreadyClaimed,
)
from ezd.workflow.port import (
    DeploymentRejected,
    ExternalTask,
    NoMatchingInstance,
    TaskNotFound,
    WorkflowEngine,
    WorkflowError,
)
from tests.distributed.conftest import ENGINE_PASSWORD, ENGINE_USER

SOURCE = Path(__file__).resolve().parent / "bpmn" / "ezd_test_review.bpmn"
T = TypeVar("T")


@dataclass(frozen=True)
class Proc:
    key: str
    register: str  # topic of Task_Register
    archive: str  # topic of Task_Archive
    message: str
    version: int


def _write_variant(directory: Path, key: str, prefix: str, review_name: str = "Review document") -> Path:
    text = SOURCE.read_text(encoding="utf-8")
    text = text.replace('id="ezd_test_review"', f'id="{key}"')
    text = text.replace("ezd.test.", f"{prefix}.")
    text = text.replace('name="Review document"', f'name="{review_name}"')
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SOURCE.name  # same resource name: deploy-changed-only compares by name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def proc(engine: OperatonEngine, run_id: str, tmp_path_factory: pytest.TempPathFactory) -> Proc:
    key = f"ezd_test_review_{run_id}"
    prefix = f"ezd.test.{run_id}"
    path = _write_variant(tmp_path_factory.mktemp("bpmn"), key, prefix)
    [deployment] = engine.deploy([path])
    assert deployment.process_key == key
    return Proc(key, f"{prefix}.register", f"{prefix}.archive", f"{prefix}.signed", deployment.version)


def wait_until(fn: Callable[[], T | None], timeout: float = 20.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def fetch_mine(
    engine: OperatonEngine, topics: Sequence[str], business_keys: Sequence[str], count: int = 1
) -> list[ExternalTask]:
    """Fetch until ``count`` tasks of the given business keys are locked; give others back."""
    mine: list[ExternalTask] = []

    def attempt() -> bool:
        for task in engine.fetch_external_tasks(topics, max_tasks=50):
            if task.business_key in business_keys:
                mine.append(task)
            else:
                engine.unlock(task.id)
        return len(mine) >= count

    wait_until(attempt, 10, f"{count} external task(s) for {business_keys}")
    return mine


def start_approved(engine: OperatonEngine, proc: Proc, business_key: str, **variables: Any) -> str:
    """Start an instance and approve its review: it then waits at Task_Register."""
    instance = engine.start(proc.key, business_key, {"reminder_after": "PT1H", **variables})
    [task] = engine.user_tasks(business_key=business_key)
    engine.complete_user_task(task.id, {"approved": True})
    return instance.id


class CountingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str]] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls.append((method, url))
        return super().request(method, url, *args, **kwargs)


# --------------------------------------------------------------------------- tests


def test_adapter_implements_the_port(engine: OperatonEngine) -> None:
    assert isinstance(engine, WorkflowEngine)


def test_deploy_versions_and_running_instances_stay_on_their_version(
    engine: OperatonEngine, run_id: str, tmp_path: Path
) -> None:
    key = f"ezd_test_versions_{run_id}"
    prefix = f"ezd.test.{run_id}.v"
    v1_path = _write_variant(tmp_path / "v1", key, prefix)
    [d1] = engine.deploy([v1_path])
    assert (d1.process_key, d1.version) == (key, 1)
    [same] = engine.deploy([v1_path])  # unchanged file: no new version
    assert same == d1

    old = engine.start(key, f"old-{run_id}", {"reminder_after": "PT1H"})
    assert old.version == 1

    [d2] = engine.deploy([_write_variant(tmp_path / "v2", key, prefix, review_name="Review document v2")])
    assert d2.version == 2 and d2.definition_id != d1.definition_id

    new = engine.start(key, f"new-{run_id}", {"reminder_after": "PT1H"})
    assert new.version == 2
    [old_task] = engine.user_tasks(process_instance_id=old.id)
    [new_task] = engine.user_tasks(process_instance_id=new.id)
    assert old_task.name == "Review document"  # still runs v1
    assert new_task.name == "Review document v2"


def test_deploy_rejects_process_without_history_time_to_live(engine: OperatonEngine, tmp_path: Path) -> None:
    path = tmp_path / "no_ttl.bpmn"
    text = SOURCE.read_text(encoding="utf-8").replace('camunda:historyTimeToLive="P30D"', "")
    path.write_text(text.replace('id="ezd_test_review"', f'id="ezd_no_ttl_{uuid.uuid4().hex[:6]}"'))
    with pytest.raises(DeploymentRejected, match=r"(?i)time to live"):
        engine.deploy([path])


def test_user_task_candidates_claim_complete_and_gateway(
    engine: OperatonEngine, proc: Proc, business_key: str
) -> None:
    instance = engine.start(
        proc.key, business_key, {"reminder_after": "PT1H", "case": {"sign": "ABC.0001.2024", "pages": [1, 2]}}
    )
    assert instance.business_key == business_key and instance.version == proc.version

    [task] = engine.user_tasks(candidate_groups=["sekretariat", "kancelaria"], business_key=business_key)
    assert task.task_key == "Task_Review"
    assert task.candidate_groups == ("kancelaria",)
    assert task.process_key == proc.key and task.business_key == business_key
    assert task.process_instance_id == instance.id and task.assignee is None
    assert task.variables["case"] == {"sign": "ABC.0001.2024", "pages": [1, 2]}
    assert engine.user_tasks(candidate_groups=["sekretariat"], business_key=business_key) == []

    engine.claim(task.id, "jan.kowalski")
    [mine] = engine.user_tasks(assignee="jan.kowalski", business_key=business_key)
    assert mine.id == task.id and mine.assignee == "jan.kowalski"
    with pytest.raises(TaskAlreadyClaimed):
        engine.claim(task.id, "anna.nowak")

    engine.complete_user_task(task.id, {"approved": False})
    state = engine.instance(instance.id)
    assert state.ended and state.active_activities == ()
    assert state.variables["approved"] is False
    assert state.variables["case"] == {"sign": "ABC.0001.2024", "pages": [1, 2]}
    assert "End_Rejected" in [h.activity_id for h in engine.history(instance.id)]
    assert "Task_Register" not in [h.activity_id for h in engine.history(instance.id)]
    with pytest.raises(TaskNotFound):
        engine.complete_user_task(task.id)


def test_one_fetch_for_all_topics_and_json_variables_round_trip(
    engine: OperatonEngine, engine_url: str, proc: Proc
) -> None:
    bk_a, bk_b = f"a-{uuid.uuid4().hex}", f"b-{uuid.uuid4().hex}"
    a = start_approved(engine, proc, bk_a)
    b = start_approved(engine, proc, bk_b)
    [b_register] = fetch_mine(engine, [proc.register], [bk_b])
    engine.complete_external_task(b_register.id)
    engine.correlate_message(proc.message, bk_b)  # b now waits at Task_Archive

    session = CountingSession()
    with OperatonEngine(engine_url, ENGINE_USER, ENGINE_PASSWORD, session=session) as worker:
        assert worker.worker_id != engine.worker_id
        tasks = worker.fetch_external_tasks([proc.register, proc.archive], max_tasks=50)
        fetches = [url for method, url in session.calls if url.endswith("/external-task/fetchAndLock")]
        assert len(fetches) == 1
        by_bk = {t.business_key: t for t in tasks if t.business_key in (bk_a, bk_b)}
        for t in tasks:
            if t.business_key not in (bk_a, bk_b):
                worker.unlock(t.id)
        assert set(by_bk) == {bk_a, bk_b}
        assert (by_bk[bk_a].topic, by_bk[bk_a].activity_id) == (proc.register, "Task_Register")
        assert (by_bk[bk_b].topic, by_bk[bk_b].activity_id) == (proc.archive, "Task_Archive")
        assert by_bk[bk_a].process_instance_id == a and by_bk[bk_a].process_key == proc.key
        assert by_bk[bk_a].variables["approved"] is True

        record = {"sign": "ABC.0001.2024", "tags": ["pilne", "zażółć"], "meta": {"pages": 3, "x": None}}
        worker.complete_external_task(
            by_bk[bk_a].id,
            {
                "record": record,
                "items": [1, "two", {"three": 3.5}],
                "count": 7,
                "big": 2**40,
                "ratio": 0.25,
                "note": None,
                "when": datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
            },
        )
        worker.complete_external_task(by_bk[bk_b].id)

    state_a = engine.instance(a)
    assert state_a.active_activities == ("Wait_Signed",)
    assert state_a.variables["record"] == record and isinstance(state_a.variables["record"], dict)
    assert state_a.variables["items"] == [1, "two", {"three": 3.5}]
    assert state_a.variables["count"] == 7 and state_a.variables["big"] == 2**40
    assert state_a.variables["ratio"] == 0.25 and state_a.variables["note"] is None
    assert state_a.variables["when"] == datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert engine.instance(b).ended

    engine.correlate_message(proc.message, bk_a)
    [archive] = fetch_mine(engine, [proc.archive], [bk_a])
    assert archive.variables["record"] == record  # Json comes back parsed on fetch too
    assert isinstance(archive.variables["items"], list)


def test_failure_decreases_retries_then_incident(
    engine: OperatonEngine, proc: Proc, business_key: str
) -> None:
    instance_id = start_approved(engine, proc, business_key)
    [task] = fetch_mine(engine, [proc.register], [business_key])
    assert task.retries is None  # never failed yet

    engine.fail_external_task(task.id, "records service down", retries=2, retry_timeout_ms=60_000)
    assert not [t for t in engine.fetch_external_tasks([proc.register], 50) if t.business_key == business_key]

    engine.unlock(task.id)  # skip the retry timeout
    [task] = fetch_mine(engine, [proc.register], [business_key])
    assert task.retries == 2
    engine.fail_external_task(task.id, "still down", retries=1)
    [task] = fetch_mine(engine, [proc.register], [business_key])
    assert task.retries == 1
    assert engine.instance(instance_id).incidents == ()

    engine.fail_external_task(task.id, "gave up", retries=0, details="Traceback: ...")
    state = engine.instance(instance_id)
    assert state.incidents == ("Task_Register: gave up",)
    assert state.active_activities == ("Task_Register",) and not state.ended
    fetched = engine.fetch_external_tasks([proc.register], 50)
    assert business_key not in [t.business_key for t in fetched]
    for t in fetched:
        engine.unlock(t.id)


def test_bpmn_error_takes_the_error_path(engine: OperatonEngine, proc: Proc, business_key: str) -> None:
    instance_id = start_approved(engine, proc, business_key)
    [task] = fetch_mine(engine, [proc.register], [business_key])
    engine.bpmn_error(task.id, "REGISTER_FAILED", "no such case file", {"reason": {"code": 17}})

    [fix] = engine.user_tasks(business_key=business_key)
    assert fix.task_key == "Task_Fix"
    state = engine.instance(instance_id)
    assert state.active_activities == ("Task_Fix",)
    assert state.variables["reason"] == {"code": 17}
    activities = [h.activity_id for h in engine.history(instance_id)]
    assert "Error_RegisterFailed" in activities and "Wait_Signed" not in activities


def test_message_correlation_and_history(engine: OperatonEngine, proc: Proc, business_key: str) -> None:
    with pytest.raises(NoMatchingInstance):
        engine.correlate_message(proc.message, business_key)  # nothing started yet

    instance_id = start_approved(engine, proc, business_key)
    with pytest.raises(NoMatchingInstance):  # waiting at the external task, not the message
        engine.correlate_message(proc.message, business_key)
    [task] = fetch_mine(engine, [proc.register], [business_key])
    engine.complete_external_task(task.id)
    assert engine.instance(instance_id).active_activities == ("Wait_Signed",)

    engine.correlate_message(proc.message, business_key, {"signature": {"signer": "Jan Kowalski"}})
    [archive] = fetch_mine(engine, [proc.archive], [business_key])
    assert archive.variables["signature"] == {"signer": "Jan Kowalski"}
    engine.complete_external_task(archive.id)

    [state] = engine.find_instances(business_key, proc.key)
    assert state.id == instance_id and state.ended and state.business_key == business_key
    assert state.variables["signature"] == {"signer": "Jan Kowalski"}
    assert engine.find_instances(business_key, "no_such_process") == []

    history = engine.history(instance_id)
    ids = [h.activity_id for h in history]
    order = [
        "Start",
        "Task_Review",
        "Gateway_Approved",
        "Task_Register",
        "Wait_Signed",
        "Task_Archive",
        "End_Done",
    ]
    assert [i for i in ids if i in order] == order
    review = history[ids.index("Task_Review")]
    assert review.activity_type == "userTask" and review.name == "Review document"
    assert review.started is not None and review.ended is not None and review.started <= review.ended
    assert history[ids.index("Wait_Signed")].activity_type == "intermediateMessageCatch"


def test_non_interrupting_timer_with_expression_duration(
    engine: OperatonEngine, proc: Proc, business_key: str
) -> None:
    instance = engine.start(proc.key, business_key, {"reminder_after": "PT1S"})
    remind = wait_until(
        lambda: engine.user_tasks(candidate_groups=["kierownik"], business_key=business_key),
        timeout=60,
        what="the reminder task created by the job executor",
    )
    assert [t.task_key for t in remind] == ["Task_Remind"]
    assert sorted(engine.instance(instance.id).active_activities) == ["Task_Remind", "Task_Review"]


def test_extend_lock_unlock_and_lock_lost(engine: OperatonEngine, engine_url: str, proc: Proc) -> None:
    business_key = f"lock-{uuid.uuid4().hex}"
    start_approved(engine, proc, business_key)
    with (
        OperatonEngine(engine_url, ENGINE_USER, ENGINE_PASSWORD, lock_duration_ms=1_000) as first,
        OperatonEngine(engine_url, ENGINE_USER, ENGINE_PASSWORD) as second,
    ):
        [task] = fetch_mine(first, [proc.register], [business_key])
        first.extend_lock(task.id, 60_000)
        time.sleep(1.5)  # past the original 1 s lock: the extension must hold
        assert business_key not in [t.business_key for t in fetch_mine_none(second, proc)]
        with pytest.raises(WorkflowError):
            second.extend_lock(task.id, 60_000)  # not the locking worker

        first.unlock(task.id)
        [taken] = fetch_mine(second, [proc.register], [business_key])
        assert taken.id == task.id
        with pytest.raises(LockLost):
            first.complete_external_task(task.id)
        second.complete_external_task(taken.id)


def fetch_mine_none(engine: OperatonEngine, proc: Proc) -> list[ExternalTask]:
    tasks = engine.fetch_external_tasks([proc.register], 50)
    for t in tasks:
        engine.unlock(t.id)
    return tasks


def test_long_polling_returns_when_a_task_arrives(
    engine: OperatonEngine, proc: Proc, business_key: str
) -> None:
    began = time.monotonic()
    assert engine.fetch_external_tasks([f"{proc.register}.idle"], 1, async_response_timeout_ms=1_500) == []
    assert time.monotonic() - began >= 1.2  # the engine held the request open


def test_error_mapping(engine: OperatonEngine, engine_url: str) -> None:
    missing = str(uuid.uuid4())
    with pytest.raises(TaskNotFound):
        engine.complete_user_task(missing)
    with pytest.raises(TaskNotFound):
        engine.claim(missing, "jan")
    with pytest.raises(TaskNotFound):
        engine.complete_external_task(missing)
    with pytest.raises(InstanceNotFound):
        engine.instance(missing)
    with pytest.raises(WorkflowError, match="no_such_process"):
        engine.start("no_such_process", "x")

    secret = f"wrong-{uuid.uuid4().hex}"
    with OperatonEngine(engine_url, ENGINE_USER, secret) as bad, pytest.raises(EngineUnavailable) as info:
        bad.user_tasks()
    assert "401" in str(info.value) and secret not in str(info.value)
    assert secret not in repr(bad)
    with OperatonEngine("http://127.0.0.1:9/engine-rest", "u", "p") as down, pytest.raises(EngineUnavailable):
        down.instance("x")
    assert "\n" not in str(info.value)


NESTED_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_{key}" targetNamespace="https://ezd.example/bpmn/test">
  <bpmn:process id="{key}" isExecutable="true" camunda:historyTimeToLive="P30D">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Sub" />
    <bpmn:subProcess id="Sub">
      <bpmn:extensionElements>
        <camunda:inputOutput>
          <camunda:inputParameter name="scope_note">inner</camunda:inputParameter>
        </camunda:inputOutput>
      </bpmn:extensionElements>
      <bpmn:startEvent id="SubStart" />
      <bpmn:sequenceFlow id="S1" sourceRef="SubStart" targetRef="Task_Inner" />
      <bpmn:userTask id="Task_Inner" camunda:candidateGroups="kancelaria" />
      <bpmn:sequenceFlow id="S2" sourceRef="Task_Inner" targetRef="SubEnd" />
      <bpmn:endEvent id="SubEnd" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="F2" sourceRef="Sub" targetRef="Task_Outer" />
    <bpmn:userTask id="Task_Outer" camunda:candidateGroups="kancelaria" />
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Outer" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_user_task_variables_batched_and_with_inner_scopes(
    engine: OperatonEngine, run_id: str, tmp_path: Path
) -> None:
    """Variables of several tasks come from one query; a task inside an inner scope (here a
    subprocess with a local variable) still sees exactly what the engine shows for it."""
    key = f"ezd_test_nested_{run_id}"
    path = tmp_path / "ezd_test_nested.bpmn"
    path.write_text(NESTED_BPMN.format(key=key), encoding="utf-8")
    engine.deploy([path])
    bk_a, bk_b = f"n-{uuid.uuid4().hex}", f"n-{uuid.uuid4().hex}"
    engine.start(key, bk_a, {"doc": {"a": 1}, "n": 1})
    engine.start(key, bk_b, {"doc": {"b": 2}, "n": 2})

    inner = {
        t.business_key: t for t in engine.user_tasks(candidate_groups=["kancelaria"]) if t.process_key == key
    }
    assert set(inner) >= {bk_a, bk_b}
    assert inner[bk_a].variables == {"doc": {"a": 1}, "n": 1, "scope_note": "inner"}
    assert inner[bk_b].variables == {"doc": {"b": 2}, "n": 2, "scope_note": "inner"}
    assert inner[bk_a].candidate_groups == ("kancelaria",)

    engine.complete_user_task(inner[bk_a].id, {"n": 10})
    [outer] = engine.user_tasks(business_key=bk_a)
    assert outer.task_key == "Task_Outer" and outer.business_key == bk_a
    assert outer.variables == {"doc": {"a": 1}, "n": 10}  # the subprocess scope is gone


def _recording_http_server() -> tuple[Any, list[str]]:
    """A local HTTP server answering every GET with {"count": 7}; records each request line."""
    import http.server
    import threading

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.requestline)
            body = b'{"count": 7}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def test_environment_proxy_settings_are_read_once_and_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter pins the environment's proxy settings at construction (requests would
    rescan os.environ on every call): a proxy from HTTP_PROXY is still used, NO_PROXY still
    bypasses it, and a changed environment does not matter afterwards."""
    server, seen = _recording_http_server()
    proxy = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy)
        via_proxy = OperatonEngine("http://engine.invalid:8080/engine-rest", "u", "p")
        monkeypatch.delenv("HTTP_PROXY")  # read at construction, not per call
        assert via_proxy.count_external_tasks() == 7
        assert seen[-1].startswith("GET http://engine.invalid:8080/engine-rest/external-task/count")

        monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        direct = OperatonEngine(f"{proxy}/engine-rest", "u", "p")
        assert direct.count_external_tasks() == 7
        assert seen[-1].startswith("GET /engine-rest/external-task/count")
    finally:
        server.shutdown()
        server.server_close()


def test_wait_idle_for_some_business_keys_ignores_other_processes(
    engine: OperatonEngine, proc: Proc, business_key: str
) -> None:
    """Several demo drivers at once: each waits for its own processes only (bench --clerks)."""
    import threading

    from ezd.workers.external import wait_idle

    mine, other = business_key, business_key + "-other"
    mine_id = start_approved(engine, proc, mine)
    start_approved(engine, proc, other)
    assert engine.running_instance_ids(mine) == [mine_id]
    assert engine.count_external_tasks(process_instance_ids=[mine_id]) == 1
    assert engine.count_external_tasks(process_instance_ids=[]) == 0
    fetched = engine.fetch_external_tasks([proc.register], 10)
    [my_task] = [t for t in fetched if t.business_key == mine]

    def finish_mine() -> None:
        time.sleep(0.5)
        engine.clone().complete_external_task(my_task.id, {})

    worker = threading.Thread(target=finish_mine)
    started = time.monotonic()
    worker.start()
    wait_idle(None, engine=engine, business_keys=[mine], timeout_s=20)
    waited = time.monotonic() - started
    worker.join()
    assert waited >= 0.45  # it did wait for my task ...
    with pytest.raises(TimeoutError):  # ... and the other letter's task is still there
        wait_idle(None, engine=engine, business_keys=[other], timeout_s=1)
    for t in fetched:
        if t.business_key == other:
            engine.unlock(t.id)


def test_an_incident_is_listed_and_retried_through_the_port(
    engine: OperatonEngine, proc: Proc, business_key: str
) -> None:
    """The office administrator's "Incydenty" page and its "Ponów" (issue 13) on Operaton."""
    from ezd.workflow.port import TaskNotFound

    instance_id = start_approved(engine, proc, business_key)
    [task] = fetch_mine(engine, [proc.register], [business_key])
    assert engine.incidents(business_key) == []
    engine.fail_external_task(task.id, "seal missing", retries=0)
    [incident] = engine.incidents(business_key)
    assert (incident.task_id, incident.topic, incident.activity_id, incident.message) == (
        task.id,
        proc.register,
        "Task_Register",
        "seal missing",
    )
    assert incident.business_key == business_key
    assert incident.at is not None and incident.at.tzinfo is None  # naive UTC, as the embedded engine's
    assert engine.incidents(business_key + "-other") == []  # another office's prefix sees nothing

    engine.retry_task(incident.task_id, 3)
    assert engine.incidents(business_key) == [] and engine.instance(instance_id).incidents == ()
    [again] = fetch_mine(engine, [proc.register], [business_key])
    assert again.id == task.id and again.retries == 3
    engine.complete_external_task(again.id, {})
    assert "Task_Register" not in engine.instance(instance_id).active_activities
    with pytest.raises(TaskNotFound):
        engine.retry_task(again.id, 3)  # completed: nothing to retry
