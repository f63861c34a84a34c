"""A private PostgreSQL cluster for one test session: initdb in a tmp folder, a free port.

PostgreSQL refuses to run as root, so when the tests run as root (CI, the sandbox) the cluster
belongs to the ``postgres`` system user (``runuser``), like ``scripts/services.sh`` does it.
Durability is switched off (fsync, synchronous_commit, full_page_writes): the data is thrown
away after the session, and per-test ``CREATE DATABASE`` is much faster without it.

The role ``ezd`` (password random per session) may create databases but is no superuser, as
on a real server; the superuser ``postgres`` logs in over the Unix socket only.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.infra.procs import ServiceProcess, ServiceStartError, free_ports, start_with_retry

RUN_AS = "postgres"


def pg_bindir() -> Path | None:
    """The newest installed server binaries (Debian: /usr/lib/postgresql/<v>/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", RUN_AS, "--", *args] if os.geteuid() == 0 else args


@dataclass
class PostgresCluster:
    root: Path
    port: int
    password: str
    process: ServiceProcess

    @property
    def admin_url(self) -> str:
        """SQLAlchemy URL of the ``postgres`` database as the (non-superuser) role ezd."""
        return f"postgresql+psycopg://ezd:{self.password}@127.0.0.1:{self.port}/postgres"

    def jdbc_url(self, database: str) -> str:
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser over the cluster's private socket."""
        bindir = pg_bindir()
        assert bindir is not None
        out = subprocess.run(
            _as_owner(
                [
                    str(bindir / "psql"),
                    "-qAtX",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-h",
                    str(self.root / "run"),
                    "-p",
                    str(self.port),
                    "-U",
                    "postgres",
                    "-d",
                    database,
                ]
            ),
            input=sql,  # stdin, not argv: the SQL may carry the role's password
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"psql failed: {out.stderr.strip()}")
        return out.stdout.strip()

    def stop(self) -> None:
        # SIGINT = "fast" shutdown: ends sessions, no checkpoint wait worth having here
        import signal

        self.process.stop(timeout=30, sig=signal.SIGINT)
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(logdir: Path, timeout: float = 120.0) -> PostgresCluster:
    """Create and start the cluster; its log goes to ``logdir`` (kept after the session)."""
    bindir = pg_bindir()
    if bindir is None:
        raise ServiceStartError("PostgreSQL server binaries (initdb) not installed")
    # Not under pytest's tmp folder: that is private to root (0700) and the cluster runs as
    # the postgres user.
    root = Path(tempfile.mkdtemp(prefix="ezd-test-pg-"))
    (root / "run").mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, RUN_AS)
        shutil.chown(root / "run", RUN_AS)
    password = secrets.token_hex(12)
    init = subprocess.run(
        _as_owner(
            [
                str(bindir / "initdb"),
                "-D",
                str(root / "data"),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=trust",
                "--auth-host=reject",
                "-N",
            ]
        ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr.strip()[-2000:]}")
    # Password logins over TCP for every role except the superuser (local socket only).
    (root / "data" / "pg_hba.conf").write_text(
        "local all postgres trust\nhost all postgres 0.0.0.0/0 reject\nhost all all 127.0.0.1/32 scram-sha-256\n"
    )

    def launch() -> PostgresCluster:
        [port] = free_ports(1)
        args = [str(bindir / "postgres"), "-D", str(root / "data"), "-p", str(port)]
        for setting in (
            "listen_addresses=127.0.0.1",
            f"unix_socket_directories={root / 'run'}",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
            "max_connections=300",
            "shared_buffers=64MB",
        ):
            args += ["-c", setting]
        proc = ServiceProcess("postgres", _as_owner(args), logdir / f"postgres-{port}.log")
        cluster = PostgresCluster(root, port, password, proc)

        def ready() -> bool:
            try:
                cluster.psql("select 1")
            except RuntimeError:
                return False
            return True

        proc.wait_ready(ready, timeout)
        return cluster

    cluster = start_with_retry(launch, "postgres")
    cluster.psql(f"CREATE ROLE ezd LOGIN CREATEDB PASSWORD '{password}'")
    return cluster
