"""Shared fixtures.

* ``settings`` / ``app``: a fresh embedded installation (SQLite + local object store) in tmp.
* ``seeded_app``: the demo partnership seeded, keys created, BPMN deployed.
* ``pg_url`` / ``pg_app``: a fresh PostgreSQL database per test, on the session's own cluster
  (tests/infra/postgres.py: initdb in tmp, a free port), or on the server named by
  ``EZD_TEST_POSTGRES_URL`` when that is set (the per-test databases are the namespace there).
* ``broker_url`` / ``rabbit``: the session's own RabbitMQ node (tests/infra/rabbitmq.py).
* ``engine_url`` / ``operaton``: the session's own Operaton engine on a free port, its database
  in the session's PostgreSQL (tests/infra/engine.py).
* ``stack``: parametrizes a test over both stacks (sqlite, postgres).

The services are started once per session, lazily (only when a test asks for them), and
stopped at its end; nothing attaches to what answers on the standard ports (5432, 5672, 8080,
8333), which other sessions and the developer's own stack use. With ``EZD_REQUIRE_SERVICES=1``
(set by ``scripts/test.sh`` and CI) a service that cannot be started fails the tests that need
it instead of skipping them.

Every test must stop the threads and processes it starts: tests/infra/leaks.py fails a test
(in its teardown) that leaves any running, and the session if anything is left at its end.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, make_url, text

from ezd.bootstrap import App, bootstrap
from ezd.config import Settings
from ezd.db.migrate import upgrade
from tests.infra import engine as infra_engine
from tests.infra import leaks
from tests.infra.engine import EngineProcess, start_engine
from tests.infra.postgres import start_postgres
from tests.infra.procs import ServiceStartError
from tests.infra.rabbitmq import RabbitNode, start_rabbitmq

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("tests.infra.leaks"):
        config.pluginmanager.register(leaks, "tests.infra.leaks")


def embedded_env(home: Path, **extra: str) -> dict[str, str]:
    """Process environment for an embedded ezd subprocess: no inherited EZD_* service URLs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EZD_")}
    env.update(EZD_HOME=str(home), EZD_OBJECT_FSYNC="false", **extra)
    return env


def services_required() -> bool:
    return os.environ.get("EZD_REQUIRE_SERVICES") == "1"


def need_service(reason: str) -> None:
    if services_required():
        pytest.fail(f"required service unavailable: {reason}")
    pytest.skip(reason)


def make_settings(home: Path, **overrides: object) -> Settings:
    """Embedded settings regardless of the developer's environment (EZD_* exports of services.sh)."""
    values: dict[str, object] = {
        "database_url": None,
        "engine_url": None,
        "broker_url": None,
        "s3_endpoint": None,
        "object_fsync": False,
        "sqlite_synchronous": "NORMAL",
    }
    if overrides.get("engine_url") and "engine_password" not in overrides:
        # the session's own engine (tests/infra/engine.py) has a password of this session
        values["engine_password"] = SecretStr(infra_engine.PASSWORD)
    values.update(overrides)
    return Settings(home=home, **values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "ezd")


def _ready_app(settings: Settings) -> App:
    app = bootstrap(settings)
    upgrade(app.db, "heads")
    return app


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    app = _ready_app(settings)
    yield app
    app.db.dispose()


def seed_and_deploy(app: App) -> App:
    from ezd.demo.driver import Demo

    Demo(app).prepare()
    return app


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded embedded home per test session (seeding hashes passwords and makes keys: slow)."""
    home = tmp_path_factory.mktemp("seeded") / "ezd"
    template = _ready_app(make_settings(home))
    seed_and_deploy(template)
    template.db.dispose()
    return home


@pytest.fixture
def seeded_app(seeded_template: Path, tmp_path: Path) -> Iterator[App]:
    home = tmp_path / "ezd"
    shutil.copytree(seeded_template, home)
    app = _ready_app(make_settings(home))
    yield app
    app.db.dispose()


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Admin URL (a role that may create databases) of the session's PostgreSQL."""
    url = os.environ.get("EZD_TEST_POSTGRES_URL")
    if url:
        try:
            eng = create_engine(url, isolation_level="AUTOCOMMIT")
            with eng.connect() as conn:
                conn.execute(text("select 1"))
            eng.dispose()
        except Exception as exc:
            need_service(f"PostgreSQL not reachable at {url.split('@')[-1]}: {type(exc).__name__}")
        yield url
        return
    try:
        cluster = start_postgres(tmp_path_factory.mktemp("postgres"))
    except (ServiceStartError, RuntimeError) as exc:
        need_service(f"cannot start a private PostgreSQL: {exc}")
        raise
    yield cluster.admin_url
    cluster.stop()


@pytest.fixture(scope="session")
def rabbit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitNode]:
    """The session's own RabbitMQ node (the fault test restarts it)."""
    try:
        node = start_rabbitmq(tmp_path_factory.mktemp("rabbitmq"))
    except ServiceStartError as exc:
        need_service(f"cannot start a private RabbitMQ: {exc}")
        raise
    yield node
    node.stop()


@pytest.fixture(scope="session")
def broker_url(rabbit: RabbitNode) -> str:
    return rabbit.url


@pytest.fixture(scope="session")
def operaton(pg_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """The session's own Operaton engine, on a fresh database of the session's PostgreSQL."""
    name = f"ezd_engine_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_admin_url)
    jdbc = f"jdbc:postgresql://{url.host or '127.0.0.1'}:{url.port or 5432}/{name}"
    try:
        engine = start_engine(jdbc, url.username or "", url.password or "", tmp_path_factory.mktemp("engine"))
    except ServiceStartError as exc:
        drop_scratch_database(admin, name)
        need_service(f"cannot start a private Operaton engine: {exc}")
        raise
    yield engine
    engine.stop()
    drop_scratch_database(admin, name)
    admin.dispose()


@pytest.fixture(scope="session")
def engine_url(operaton: EngineProcess) -> str:
    return operaton.url


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    name = f"ezd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = pg_admin_url.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    drop_scratch_database(admin, name)
    admin.dispose()


def drop_scratch_database(admin: Engine, name: str, attempts: int = 20) -> None:
    """Drop a per-test database, ending its connections.

    ``WITH (FORCE)`` must terminate every backend on the database; when autovacuum happens to
    be working on the fresh database, its (superuser) backend cannot be signalled by our role
    and the drop fails -- so wait for it briefly. A scratch database that still cannot be
    dropped is left behind with a warning rather than failing the test that used it.
    """
    from sqlalchemy.exc import DBAPIError

    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError as exc:
            if attempt == attempts - 1:
                warnings.warn(f"scratch database {name} left behind: {exc.orig}", stacklevel=2)
                return
            time.sleep(0.25)


@pytest.fixture
def pg_app(tmp_path: Path, pg_url: str) -> Iterator[App]:
    app = _ready_app(make_settings(tmp_path / "ezd", database_url=pg_url))
    yield app
    app.db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    """The same test on the embedded SQLite default and on PostgreSQL."""
    if request.param == "sqlite":
        app = _ready_app(make_settings(tmp_path / "ezd"))
        yield app
        app.db.dispose()
    else:
        url = request.getfixturevalue("pg_url")
        app = _ready_app(make_settings(tmp_path / "ezd", database_url=url))
        yield app
        app.db.dispose()
