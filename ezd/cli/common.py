"""Shared CLI plumbing: app construction, actor resolution, JSON output, one-line errors."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date
from typing import Any

from rich.console import Console

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
