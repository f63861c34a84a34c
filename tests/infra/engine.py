"""A private Operaton engine for one test session: the project's jar on a free port.

Its database is a fresh one in the session's PostgreSQL, so no process, task or lock of an
earlier run or of another session is ever seen; no external worker but the session's own can
fetch its tasks. The jar is ``engine/target/ezd-engine.jar`` (built with Maven when missing).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.infra.procs import ServiceProcess, ServiceStartError, free_ports, start_with_retry

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "engine" / "target" / "ezd-engine.jar"
USER = "ezd"
# One per test session (this module is imported once): settings and clients of the tests that
# talk to the session's engine take it from here.
PASSWORD = secrets.token_hex(12)
JAVA_OPTS = ["-Xmx400m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"]


def ensure_jar() -> Path:
    if not JAR.exists():
        build = subprocess.run(
            ["mvn", "-q", "-B", "-f", str(ROOT / "engine" / "pom.xml"), "package", "-DskipTests"],
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
        if build.returncode != 0 or not JAR.exists():
            raise ServiceStartError(f"cannot build {JAR}: {(build.stdout + build.stderr)[-2000:]}")
    return JAR


@dataclass
class EngineProcess:
    """The engine with what is needed to restart it on the same port (fault tests)."""

    port: int
    password: str
    env: dict[str, str]
    log: Path
    process: ServiceProcess
    timeout: float = field(default=300.0)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/engine-rest"

    def healthy(self) -> bool:
        try:
            r = requests.get(f"{self.url}/version", auth=(USER, self.password), timeout=5)
        except requests.RequestException:
            return False
        return r.status_code == 200

    def stop(self) -> None:
        self.process.stop(timeout=60)

    def restart(self) -> None:
        """Stop and start again on the same port and database (workers keep their URL)."""
        self.stop()
        self.process = _spawn(self.env, self.log)
        self.process.wait_ready(self.healthy, self.timeout)


def _spawn(env: dict[str, str], log: Path) -> ServiceProcess:
    return ServiceProcess("operaton", ["java", *JAVA_OPTS, "-jar", str(ensure_jar())], log, env)


def start_engine(
    jdbc_url: str, db_user: str, db_password: str, workdir: Path, timeout: float = 300.0
) -> EngineProcess:
    """Start the engine on ``jdbc_url`` (an empty database); wait until its REST API answers."""
    ensure_jar()
    password = PASSWORD

    def launch() -> EngineProcess:
        [port] = free_ports(1)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("EZD_")},
            "EZD_ENGINE_PORT": str(port),
            "EZD_ENGINE_BIND": "127.0.0.1",
            "EZD_ENGINE_DB_URL": jdbc_url,
            "EZD_ENGINE_DB_USER": db_user,
            "EZD_ENGINE_DB_PASSWORD": db_password,
            "EZD_ENGINE_USER": USER,
            "EZD_ENGINE_PASSWORD": password,
            "EZD_ENGINE_DB_POOL": "20",
        }
        log = workdir / f"engine-{uuid.uuid4().hex[:6]}.log"
        engine = EngineProcess(port, password, env, log, _spawn(env, log), timeout)
        engine.process.wait_ready(engine.healthy, timeout)
        return engine

    return start_with_retry(launch, "operaton")
