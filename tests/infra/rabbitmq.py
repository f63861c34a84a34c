"""A private RabbitMQ node for one test session: own node name, ports, epmd, data and cookie.

Every port is free-chosen: AMQP, Erlang distribution, and the port of the node's own epmd
(``ERL_EPMD_PORT``), so the node neither registers with nor depends on an epmd that other
nodes of the machine use, and the epmd it starts is ours to stop. ``HOME`` is the node's folder,
so its Erlang cookie is private too. The node runs as the current user from the server's own
scripts (/usr/lib/rabbitmq/bin), not Debian's wrapper, which would switch to the system user.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.infra.procs import ServiceProcess, ServiceStartError, free_ports, port_open, start_with_retry

SBIN_CANDIDATES = (Path("/usr/lib/rabbitmq/bin"), Path("/usr/sbin"))


def rabbit_bindir() -> Path | None:
    for d in SBIN_CANDIDATES:
        if (d / "rabbitmq-server").exists() and (d / "rabbitmqctl").exists():
            return d
    return None


@dataclass
class RabbitNode:
    root: Path
    node: str
    port: int
    env: dict[str, str]
    user: str
    password: str
    process: ServiceProcess

    @property
    def url(self) -> str:
        return f"amqp://{self.user}:{self.password}@127.0.0.1:{self.port}//"

    def ctl(self, *args: str, timeout: float = 120.0) -> str:
        bindir = rabbit_bindir()
        assert bindir is not None
        out = subprocess.run(
            [str(bindir / "rabbitmqctl"), "-q", "-n", self.node, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {out.stderr.strip()[-1000:]}")
        return out.stdout

    def restart_app(self) -> None:
        """Stop and start the broker application (the Erlang node stays; durable queues survive)."""
        self.ctl("stop_app")
        time.sleep(1)
        self.ctl("start_app")
        self.ctl("await_startup")

    def stop(self) -> None:
        # a node that does not answer is stopped through its process group below
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self.ctl("shutdown", timeout=60)
        self.process.stop(timeout=30)
        # The node started its epmd as a daemon (outside its process group); that epmd listens
        # on our private port only, so stopping it cannot disturb any other Erlang node.
        epmd = shutil.which("epmd") or "/usr/lib/erlang/bin/epmd"
        if Path(epmd).exists():
            subprocess.run([epmd, "-kill"], env=self.env, capture_output=True, timeout=30, check=False)
        shutil.rmtree(self.root / "mnesia", ignore_errors=True)  # the logs stay with pytest's tmp


def _amqp_ready(node: RabbitNode) -> bool:
    if not port_open(node.port):
        return False
    from kombu import Connection

    try:
        with Connection(node.url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception:
        return False
    return True


def start_rabbitmq(workdir: Path, timeout: float = 180.0) -> RabbitNode:
    """Start the node with its data and logs in a new folder under ``workdir``."""
    bindir = rabbit_bindir()
    if bindir is None:
        raise ServiceStartError("RabbitMQ (rabbitmq-server) not installed")

    def launch() -> RabbitNode:
        amqp, dist, epmd = free_ports(3)
        root = Path(tempfile.mkdtemp(prefix="rabbit-", dir=workdir))
        name = f"ezdtest{amqp}@localhost"
        user, password = "ezd-test", secrets.token_hex(12)
        (root / "rabbitmq.conf").write_text(
            f"listeners.tcp.1 = 127.0.0.1:{amqp}\n"
            "loopback_users = none\n"
            # the test user is created at boot from these, never on a command line
            f"default_user = {user}\ndefault_pass = {password}\n"
            # a busy test machine's disk and memory must not block publishers
            "disk_free_limit.absolute = 1MB\nvm_memory_high_watermark.relative = 0.9\n"
        )
        (root / "enabled_plugins").write_text("[].\n")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))},
            "HOME": str(root),
            "ERL_EPMD_PORT": str(epmd),
            "RABBITMQ_NODENAME": name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(amqp),
            "RABBITMQ_DIST_PORT": str(dist),
            "RABBITMQ_CONFIG_FILE": str(root / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(root / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(root / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(root / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(root / "mnesia"),
            "RABBITMQ_LOG_BASE": str(root / "log"),
            "RABBITMQ_PID_FILE": str(root / "rabbit.pid"),
        }
        proc = ServiceProcess("rabbitmq", [str(bindir / "rabbitmq-server")], root / "server.log", env)
        node = RabbitNode(root, name, amqp, env, user, password, proc)
        try:
            proc.wait_ready(lambda: _amqp_ready(node), timeout)
        except ServiceStartError as exc:
            logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in (root / "log").glob("*.log"))
            raise ServiceStartError(f"{exc}\n{logs}") from exc
        return node

    return start_with_retry(launch, "rabbitmq")
