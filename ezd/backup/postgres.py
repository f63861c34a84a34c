"""PostgreSQL: ``pg_dump``/``pg_restore`` in directory format.

The password reaches the tools through ``PGPASSWORD`` in their environment, never the command
line (``ps`` shows every argument to every user of the machine); host, port, user and database
go the same way, so argv holds only options and paths.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from ezd.backup.manifest import BackupError


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def libpq_env(url: str) -> dict[str, str]:
    parsed: URL = make_url(url)
    env = dict(os.environ)
    for var, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", str(parsed.port) if parsed.port else None),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
        ("PGDATABASE", parsed.database),
    ):
        if value:
            env[var] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"brak programu {name} (pakiet postgresql-client) potrzebnego do kopii bazy")
    return path


def _run(argv: list[str], url: str, what: str) -> None:
    done = subprocess.run(argv, env=libpq_env(url), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # the tools' stderr names the object that failed; the password is not in it (env only)
        detail = (done.stderr.strip().splitlines() or ["bez komunikatu"])[-1]
        raise BackupError(f"{what} nie powiódł się: {detail}")


def dump(url: str, target: Path) -> None:
    """A consistent snapshot (one repeatable-read transaction) of the database into ``target``."""
    _run([_tool("pg_dump"), "--format=directory", "--no-owner", "--file", str(target)], url, "pg_dump")


def database_name(url: str) -> str:
    return make_url(url).database or ""


def is_empty(url: str) -> bool:
    """True if the database has no tables of its own (a fresh ``CREATE DATABASE``)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text(
                    "select count(*) from pg_catalog.pg_class c join pg_catalog.pg_namespace n"
                    " on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S')"
                    " and n.nspname not in ('pg_catalog', 'information_schema')"
                    " and n.nspname not like 'pg_toast%'"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return int(count) == 0


def check_dump(source: Path) -> None:
    """The dump's table of contents is readable (pg_restore --list)."""
    done = subprocess.run(
        [_tool("pg_restore"), "--list", str(source)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"zrzut bazy {source} jest nieczytelny dla pg_restore")


def restore(url: str, source: Path) -> None:
    """Load the dump into the (empty) database ``url`` in one transaction: all or nothing."""
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            database_name(url),
            str(source),
        ],
        url,
        "pg_restore",
    )
