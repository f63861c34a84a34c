"""Shared CLI plumbing: app construction, actor resolution, JSON output, one-line errors."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from rich.console import Console
from sqlalchemy.orm import Session

from ezd.bootstrap import App, bootstrap
from ezd.db.migrate import is_current, upgrade
from ezd.services.actor import Actor, load_actor, system_actor

console = Console()
err_console = Console(stderr=True)


def make_app() -> App:
    app = bootstrap()
    if not is_current(app.db):
        upgrade(app.db, "heads")
    return app


def started_app() -> App:
    """:func:`make_app` for a long-running process: deploys the changed BPMN before it serves.

    ``ezd serve`` and every ``ezd worker`` start with it (so do the compose stack's services);
    deploying is idempotent and serialized by the deploy lock, see ezd.services.processes.
    """
    app = make_app()
    for d in app.deploy_processes():
        if d.new:
            err_console.print(f"ezd: wdrożono {d.process_key} v{d.version} ({d.source_name})")
    return app


def resolve_actor(app: App, as_login: str | None) -> Actor:
    if as_login is None:
        return system_actor(f"cli:{getpass.getuser()}")
    with app.uow() as uow:
        return load_actor(uow.session, as_login, date.today())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def log_operator_read(session: Session, object_type: str, tenants: Iterable[str]) -> None:
    """Access-log entry per office for a register listing read from the command line."""
    from sqlalchemy import select

    from ezd.db.tables import Tenant
    from ezd.services.audit import log_read

    actor = f"cli:{getpass.getuser()}"
    codes = sorted(set(tenants))
    for tenant in session.execute(select(Tenant).where(Tenant.code.in_(codes))).scalars():
        log_read(session, actor=actor, tenant_id=tenant.id, object_type=object_type, object_ref=tenant.code)


def read_secret(what: str, env_var: str, *, confirm: bool = False) -> str:
    """A password or PIN: prompted on a terminal, else read from ``env_var``; never from argv."""
    import os

    if sys.stdin.isatty():
        value = getpass.getpass(f"{what}: ")
        if confirm and getpass.getpass(f"{what} (powtórz): ") != value:
            from ezd.records.errors import InvalidInput

            raise InvalidInput("podane wartości się różnią")
        return value
    from_env = os.environ.get(env_var)
    if from_env is None:
        from ezd.records.errors import InvalidInput

        raise InvalidInput(f"brak terminala: podaj {what.lower()} w zmiennej środowiskowej {env_var}")
    return from_env


def as_plain(value: Any) -> Any:
    """A typed service result (dataclasses, tuples, dates) as JSON-ready data for ``--json``."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [as_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def warsaw(moment: datetime) -> str:
    """A stored (naive UTC) moment as a person in Poland reads it: dd.mm.rrrr gg:mm, Warsaw time."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Warsaw")).strftime("%d.%m.%Y %H:%M")
