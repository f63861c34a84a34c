"""Shared CLI plumbing: app construction, actor resolution, JSON output, one-line errors."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterable
from datetime import date
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
