"""Child processes of the test session: free ports, a service process, waiting for readiness.

The private PostgreSQL, RabbitMQ and Operaton instances of a test session (tests/infra/*.py)
are started here. Ports come from the kernel (bind port 0) and are handed to the service; the
tiny window between closing the probe socket and the service binding it is covered by
:func:`start_with_retry`, which starts again on fresh ports when a start fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

from tests.infra import leaks

T = TypeVar("T")


class ServiceStartError(RuntimeError):
    """A private service did not come up; the message names its log."""


def free_ports(n: int) -> list[int]:
    """``n`` distinct loopback ports that are free right now (all probes held open together)."""
    socks: list[socket.socket] = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def start_with_retry(start: Callable[[], T], what: str, attempts: int = 3) -> T:
    """Call ``start`` (which picks fresh ports each time) until it succeeds.

    Another process may bind a port between our probe and the service's own bind; that start
    then fails and a new one on other ports is the remedy. The last error is raised as is.
    """
    for attempt in range(1, attempts + 1):
        try:
            return start()
        except ServiceStartError:
            if attempt == attempts:
                raise
    raise AssertionError(f"unreachable: {what}")


class ServiceProcess:
    """A long-running service of the session, in its own process group, output in ``log``.

    Its pid is registered with :mod:`tests.infra.leaks` as owned by the session, so the
    per-test leak check does not report it (or its children, such as PostgreSQL backends);
    :meth:`stop` unregisters it, and the session-end check reports it if it is still alive.
    """

    def __init__(
        self, name: str, args: Sequence[str], log: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.name = name
        self.args = list(args)
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "ab") as out:
            self.popen = subprocess.Popen(
                self.args,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=dict(env) if env is not None else None,
                # Own process group: a Ctrl-C in the terminal must not kill the services
                # before the session's teardown has used them (and stopped them in order).
                start_new_session=True,
            )
        leaks.own(self.popen.pid, name)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_ready(self, ready: Callable[[], bool], timeout: float) -> None:
        """Poll ``ready`` until true; fail early when the process exits, late after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not ready():
            if not self.alive():
                raise ServiceStartError(
                    f"{self.name} exited with {self.popen.returncode} during startup "
                    f"(log {self.log}):\n{self.tail()}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise ServiceStartError(
                    f"{self.name} not ready after {timeout:.0f}s (log {self.log}):\n{self.tail()}"
                )
            time.sleep(0.2)

    def stop(self, timeout: float = 30.0, sig: int = signal.SIGTERM) -> None:
        """Signal the whole process group, wait ``timeout``, then SIGKILL it."""
        if self.alive():
            self._signal_group(sig)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.popen.wait(10)
        # Wrappers (runuser, the rabbitmq-server script) may exit before what they started;
        # the group id is still ours only while some member is alive (checked first, so a
        # reused id of an unrelated process group is never signalled).
        if leaks.group_members(self.popen.pid):
            self._signal_group(signal.SIGKILL)
        leaks.disown(self.popen.pid)

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)
