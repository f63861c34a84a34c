"""``ezd db upgrade`` and ``ezd work``."""

from __future__ import annotations

import typer

from ezd.cli.common import console, make_app

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (also done automatically by every command) and deploy changed BPMN."""
    app = make_app()
    console.print("database schema is current")
    if not app.settings.is_embedded:
        return  # distributed: the engine may not be up yet; 'ezd serve' and the workers deploy on start
    for d in app.deploy_processes():
        console.print(
            f"{d.process_key} v{d.version} ({d.source_name}): {'nowa wersja' if d.new else 'bez zmian'}"
        )


def work() -> None:
    """Run pending worker tasks and due timers in-process (embedded default), then exit."""
    from ezd.workers.inprocess import run_pending

    app = make_app()
    ran = run_pending(app)
    console.print(f"{ran} task(s) run")
