"""Every test stops what it starts: a check after each test and at the end of the session.

After a test's teardown, every thread and child process that appeared since its setup began
must be gone. Each is given a short grace period (threads are joined, processes polled) and
then the test FAILS in its teardown, naming what was left running. A worker thread that
outlives its test keeps fetching and locking the next tests' tasks (it did, under load: "outbox
sweep failed: database ... does not exist", then "timed out waiting for 1 external task(s)");
this check makes such a leak fail where it happens instead of somewhere later.

What fixtures of a wider scope (module, session) start during their setup belongs to them until
their teardown, so it is not reported by the tests in between; the private services of the
session (:class:`tests.infra.procs.ServiceProcess`) register their pids with :func:`own`.

The pytest process is made a child subreaper (Linux ``prctl``): a process that daemonizes
(double fork) is re-parented to us rather than to init, so it is still seen here.

At the end of the session, after every fixture is torn down, no thread but the main one and
no child process may be left; otherwise the session fails with a list of them.
"""

from __future__ import annotations

import ctypes
import gc
import os
import threading
import time
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

# A thread or process told to stop gets this long to finish (generous: a busy machine is slow).
GRACE_S = float(os.environ.get("EZD_LEAK_GRACE_S", "15"))
PR_SET_CHILD_SUBREAPER = 36

_owned_pids: dict[int, str] = {}  # pid -> owner (its whole process tree belongs to the owner)
_owned_threads: dict[threading.Thread, str] = {}
_by_fixture: dict[int, tuple[set[int], set[threading.Thread]]] = {}
_baseline: dict[str, tuple[set[threading.Thread], set[int]]] = {}


class LeftRunning(Exception):
    """Threads or processes outlived the test (or session) that started them."""


def own(pid: int, owner: str) -> None:
    _owned_pids[pid] = owner


def disown(pid: int) -> None:
    _owned_pids.pop(pid, None)


def become_subreaper() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: daemonized processes are just not seen
        pass


# --------------------------------------------------------------------------- processes
@dataclass(frozen=True)
class ProcInfo:
    pid: int
    ppid: int
    pgrp: int
    state: str
    cmdline: str


def _read(pid: int) -> ProcInfo | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    # "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses
    comm_end = stat.rfind(")")
    fields = stat[comm_end + 2 :].split()
    cmd = raw.replace(b"\0", b" ").decode(errors="replace").strip() or stat[stat.find("(") : comm_end + 1]
    return ProcInfo(pid, int(fields[1]), int(fields[2]), fields[0], cmd[:200])


def _all_processes() -> dict[int, ProcInfo]:
    found: dict[int, ProcInfo] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (info := _read(int(entry))) is not None:
            found[info.pid] = info
    return found


def group_members(pgid: int) -> list[int]:
    return [p.pid for p in _all_processes().values() if p.pgrp == pgid and p.state != "Z"]


def _descendants(procs: dict[int, ProcInfo], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for p in procs.values():
        children.setdefault(p.ppid, []).append(p.pid)
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def running_children() -> dict[int, ProcInfo]:
    """Live descendants of this process that no session service or wide fixture owns."""
    if not Path("/proc/self/stat").exists():
        return {}
    procs = _all_processes()
    mine = _descendants(procs, os.getpid())
    for owner in list(_owned_pids):
        if owner in mine:
            mine -= {owner, *_descendants(procs, owner)}
    return {pid: procs[pid] for pid in mine if procs[pid].state != "Z"}


# --------------------------------------------------------------------------- threads
def running_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.is_alive() and t not in _owned_threads}


def _describe_thread(t: threading.Thread) -> str:
    return f"thread {t.name!r} (daemon={t.daemon})"


def _still_running(threads: Iterable[threading.Thread], pids: Iterable[int]) -> list[str]:
    """Give each a grace period to end; describe those that did not."""
    deadline = time.monotonic() + GRACE_S
    left: list[str] = []
    alive_threads = [t for t in threads if t.is_alive()]
    if alive_threads:
        # Idle pool threads of an executor nobody references any more end when the executor is
        # collected (concurrent.futures); a collection separates those from threads that
        # still do (or wait for) work. A running thread references itself: never collected.
        gc.collect()
    for t in alive_threads:
        t.join(max(deadline - time.monotonic(), 0.0))
        if t.is_alive():
            left.append(_describe_thread(t))
    pids = set(pids)
    while pids:
        alive = running_children()
        pids &= set(alive)
        if not pids or time.monotonic() > deadline:
            left += [f"process {pid}: {alive[pid].cmdline}" for pid in sorted(pids)]
            break
        time.sleep(0.1)
    return left


# --------------------------------------------------------------------------- pytest hooks
def pytest_configure(config: pytest.Config) -> None:
    become_subreaper()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[object]) -> Generator[None, object, object]:
    if fixturedef.scope == "function":
        return (yield)
    threads, pids = running_threads(), set(running_children())
    try:
        return (yield)
    finally:
        new_threads = running_threads() - threads
        new_pids = set(running_children()) - pids
        owner = f"fixture {fixturedef.argname} ({fixturedef.scope})"
        for t in new_threads:
            _owned_threads[t] = owner
        for pid in new_pids:
            own(pid, owner)
        _by_fixture[id(fixturedef)] = (new_pids, new_threads)


def pytest_fixture_post_finalizer(fixturedef: pytest.FixtureDef[object]) -> None:
    # After a wide fixture's teardown what it started is no longer excused: if still alive,
    # the next check reports it.
    pids, threads = _by_fixture.pop(id(fixturedef), (set(), set()))
    for pid in pids:
        disown(pid)
    for t in threads:
        _owned_threads.pop(t, None)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    _baseline[item.nodeid] = (running_threads(), set(running_children()))
    return (yield)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        threads, pids = _baseline.pop(item.nodeid, (set(), set()))
        left = _still_running(running_threads() - threads, set(running_children()) - pids)
        if left:
            raise LeftRunning("left running after the test:\n  " + "\n  ".join(left))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    main = threading.main_thread()
    threads = {t for t in threading.enumerate() if t.is_alive() and t is not main}
    left = _still_running(threads, running_children())
    left += [f"service {name} (pid {pid}) was not stopped" for pid, name in _owned_pids.items()]
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        text = "LEFT RUNNING at the end of the test session:\n  " + "\n  ".join(left)
        if reporter is not None:
            reporter.write_sep("=", "left running", red=True)
            reporter.write_line(text)
        else:
            print(text)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
