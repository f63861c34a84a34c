"""The leak check (tests/infra/leaks.py) fails a test that leaves threads or processes running.

Runs a small inner pytest session with the check as its only plugin: a test that leaves a
thread, one that leaves a child process, one whose process daemonizes (double fork), and tests
that clean up (or use a module fixture's thread) -- only the leaking ones may fail, each
naming what it left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

INNER = """
import subprocess, threading, time
from pathlib import Path
import pytest

PIDS = Path(__file__).with_name("pids")

@pytest.fixture(scope="module")
def module_server():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, name="module-owned", daemon=True)
    t.start()
    yield
    stop.set()
    t.join(5)

def test_leaves_a_thread():
    threading.Thread(target=time.sleep, args=(600,), name="forgotten-poller", daemon=True).start()

def test_leaves_a_process():
    p = subprocess.Popen(["sleep", "600"])
    with PIDS.open("a") as f:
        f.write(f"{p.pid}\\n")

def test_leaves_a_daemon():
    out = subprocess.run(["sh", "-c", "sleep 601 >/dev/null 2>&1 & echo $!"], capture_output=True, text=True)
    with PIDS.open("a") as f:
        f.write(out.stdout)

def test_cleans_up():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, daemon=True)
    t.start()
    p = subprocess.Popen(["sleep", "600"])
    p.terminate()
    p.wait()
    stop.set()
    t.join()

def test_uses_the_module_thread(module_server):
    pass

def test_after_the_module_thread(module_server):
    pass
"""


def _kill_all(pids_file: Path) -> None:
    if not pids_file.exists():
        return
    for line in pids_file.read_text().split():
        pid = int(line)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        # orphaned by the inner session, they were re-parented to this one (a subreaper)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def test_leaks_fail_the_test_that_left_them_and_name_them(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(INNER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTEST_ADDOPTS", None)
    try:
        # The inner session runs the check as its only plugin, with a short grace period.
        inner = ["-q", "-rE", "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path / "test_inner.py")]
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "tests.infra.leaks", "-p", "no:cacheprovider", *inner],
            cwd=tmp_path,
            env={**env, "EZD_LEAK_GRACE_S": "1"},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        _kill_all(tmp_path / "pids")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "6 passed, 3 errors" in out, out  # the three leaking tests error in their teardown
    assert "ERROR at teardown of test_leaves_a_thread" in out and "forgotten-poller" in out, out
    assert "ERROR at teardown of test_leaves_a_process" in out and "process" in out and "sleep 600" in out
    assert "ERROR at teardown of test_leaves_a_daemon" in out and "sleep 601" in out, out
    for clean in ("test_cleans_up", "test_uses_the_module_thread", "test_after_the_module_thread"):
        assert f"teardown of {clean}" not in out, out
    # the session's end lists what is still running (the inner session did not stop its leaks)
    assert "LEFT RUNNING at the end of the test session" in out, out
