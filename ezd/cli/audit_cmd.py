"""``ezd audit verify``."""

from __future__ import annotations

import typer

from ezd.cli.common import console, make_app

audit_app = typer.Typer(help="The metryka hash chains.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Verify every metryka chain; exit 1 naming the first broken entry."""
    from ezd.services.audit import verify_all

    app = make_app()
    with app.uow() as uow:
        chains, entries, brk = verify_all(uow.session)
    if brk is not None:
        typer.echo(f"ezd: audit FAILED: {brk}", err=True)
        raise typer.Exit(1)
    console.print(f"metryka OK: {chains} chains, {entries} entries verified")
