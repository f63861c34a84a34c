"""The embedded engine's in-memory workflows never run ahead of (or behind) the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from ezd.bootstrap import App, bootstrap
from ezd.workflow.spiff import engine as engine_module
from ezd.workflow.spiff.cache import InstanceCache, Loaded
from ezd.workflow.spiff.engine import SpiffEngine

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
VARS = {
    "referent": "jan",
    "head_group": "t:OR:kierownik",
    "reminder_after": "P23D",
    "tenant": "t",
    "opinion_groups": [],
    "chain_done": True,
}
KEY = "t/OR.0122.9.2026"


def _engine(app: App, session: object) -> SpiffEngine:
    engine = app.engine(session)  # type: ignore[arg-type]
    assert isinstance(engine, SpiffEngine)
    return engine


def _started(app: App) -> str:
    with app.uow() as uow:
        e = _engine(app, uow.session)
        e.deploy(sorted(BPMN.glob("*.bpmn")))
        inst = e.start("ezd_case", KEY, VARS)
        uow.commit()
    return inst.id


def _open_keys(app: App) -> list[str]:
    with app.uow() as uow:
        return [t.task_key for t in _engine(app, uow.session).user_tasks(business_key=KEY)]


def _complete_draft(app: App, draft_uid: str) -> None:
    """Complete the draft task in its own committed transaction."""
    with app.uow() as uow:
        e = _engine(app, uow.session)
        [draft] = e.user_tasks(assignee="jan")
        e.complete_user_task(draft.id, {"draft_uid": draft_uid})
        uow.commit()


def _complete_draft_in_other_process(app: App, draft_uid: str) -> None:
    """The same from a second App on the same database: its own engine cache, like another process."""
    other = bootstrap(app.settings)
    try:
        _complete_draft(other, draft_uid)
    finally:
        other.db.dispose()


def _approval_draft_uid(app: App) -> str:
    with app.uow() as uow:
        e = _engine(app, uow.session)
        [approve] = e.user_tasks(business_key=KEY)
        assert approve.task_key == "Task_Approve"
        return str(e.task_variables(approve.id)["draft_uid"])


def test_lru_keeps_only_the_revision_it_was_saved_at() -> None:
    cache = InstanceCache(capacity=2)
    cache.put("a", Loaded(1, "wf-a", frozenset()))
    assert cache.take("a", 2) is None  # stale: dropped, not returned
    assert cache.take("a", 1) is None  # ...and gone
    for key in ("a", "b", "c"):
        cache.put(key, Loaded(1, key, frozenset()))
    assert len(cache) == 2 and cache.take("a", 1) is None  # least recently used evicted
    assert InstanceCache(capacity=0).take("x", 1) is None


def test_rolled_back_step_is_not_reused(app: App) -> None:
    _started(app)
    with app.uow() as uow:  # complete the draft, then roll back
        e = _engine(app, uow.session)
        [draft] = e.user_tasks(assignee="jan")
        e.complete_user_task(draft.id, {"draft_uid": "d1"})
        assert [t.task_key for t in e.user_tasks(business_key=KEY)] == ["Task_Approve"]
    assert _open_keys(app) == ["Task_Draft"]
    _complete_draft(app, "d2")
    assert _approval_draft_uid(app) == "d2"


def test_savepoint_rollback_drops_the_transactions_workflows(app: App) -> None:
    _started(app)
    with app.uow() as uow:
        e = _engine(app, uow.session)
        [draft] = e.user_tasks(assignee="jan")
        with pytest.raises(RuntimeError), uow.session.begin_nested():
            e.complete_user_task(draft.id, {"draft_uid": "lost"})
            raise RuntimeError("handler failed")
        uow.commit()
    assert _open_keys(app) == ["Task_Draft"]
    # another process now takes the instance to the revision the rolled-back save had reached:
    # this process must read that, not its own discarded workflow
    _complete_draft_in_other_process(app, "kept")
    assert _approval_draft_uid(app) == "kept"


def test_released_savepoint_of_a_rolled_back_transaction_is_not_kept(app: App) -> None:
    _started(app)
    with app.uow() as uow:
        e = _engine(app, uow.session)
        [draft] = e.user_tasks(assignee="jan")
        with uow.session.begin_nested():  # released (a handler that succeeded)...
            e.complete_user_task(draft.id, {"draft_uid": "lost"})
        # ...but the transaction itself rolls back
    # another process reaches the revision the discarded save had
    _complete_draft_in_other_process(app, "kept")
    assert _approval_draft_uid(app) == "kept"


def test_step_failing_half_way_leaves_nothing_to_reuse(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    _started(app)
    with app.uow() as uow:  # warm the cache with the committed revision
        _engine(app, uow.session).user_tasks(assignee="jan")
        uow.commit()

    def broken(_wf: object) -> str:
        raise OSError("disk full")

    with app.uow() as uow, monkeypatch.context() as m:
        e = _engine(app, uow.session)
        [draft] = e.user_tasks(assignee="jan")
        m.setattr(engine_module._CODEC, "dumps", broken)
        with pytest.raises(OSError):
            e.complete_user_task(draft.id, {"draft_uid": "half"})  # task.run() happened in memory
        uow.commit()  # the caller swallowed the error and committed the rest
    _complete_draft(app, "ok")  # still open: the half-done workflow was not kept
    assert _approval_draft_uid(app) == "ok"


def test_change_by_another_process_is_seen(app: App) -> None:
    """Two processes on one database (web server and worker): each has its own cache."""
    instance_id = _started(app)
    other = bootstrap(app.settings)
    try:
        with app.uow() as uow:  # this process caches the revision with the draft open
            e = _engine(app, uow.session)
            [draft] = e.user_tasks(assignee="jan")
            assert e.task_variables(draft.id)["referent"] == "jan"
            uow.commit()
        _complete_draft(other, "from-other")  # the other one completes the draft
        with app.uow() as uow:
            e = _engine(app, uow.session)
            [approve] = e.user_tasks(business_key=KEY)
            assert approve.task_key == "Task_Approve"
            e.complete_user_task(approve.id, {"approved": True})
            uow.commit()
        with other.uow() as uow:
            state = _engine(other, uow.session).instance(instance_id)
            assert "Task_Approve" not in state.active_activities
            assert state.variables["draft_uid"] == "from-other"
    finally:
        other.db.dispose()
