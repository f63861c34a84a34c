"""``ezd jrwa import``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ezd.cli.common import console, make_app, resolve_actor

jrwa_app = typer.Typer(help="The JRWA (uniform file list).", no_args_is_help=True)


@jrwa_app.command("import")
def jrwa_import(
    file: Annotated[Path, typer.Argument(help="WykazAkt XML or CSV (symbol;haslo;kategoria)")],
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Office code")] = "",
    as_login: Annotated[str | None, typer.Option("--as", help="Admin user")] = None,
) -> None:
    """Import (replace) an office's JRWA; the whole list is validated before anything changes."""
    from sqlalchemy import select

    from ezd.db.tables import Tenant
    from ezd.jrwa_io import load_jrwa_file
    from ezd.services.admin import import_jrwa

    entries = load_jrwa_file(file)
    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        codes = (
            [tenant]
            if tenant
            else list(uow.session.execute(select(Tenant.code).order_by(Tenant.id)).scalars())
        )
        if not codes:
            from ezd.records.errors import InvalidState

            raise InvalidState("nie ma jeszcze żadnego urzędu; utwórz go: ezd office create albo ezd init")
        for code in codes:
            count = import_jrwa(uow.session, actor, tenant=code, entries=entries)
        uow.commit()
    console.print(f"JRWA imported: {count} classes into {', '.join(codes)}")


@jrwa_app.command("show")
def jrwa_show(
    office: Annotated[str, typer.Argument(help="Office code")],
    symbol: Annotated[
        str | None, typer.Argument(help="A class symbol: show it and the classes below it")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show an office's JRWA (uniform file list) or one class of it."""
    from rich.table import Table

    from ezd.cli.common import as_plain, print_json
    from ezd.services.jrwa_view import show_jrwa

    app = make_app()
    with app.uow() as uow:
        classes = show_jrwa(uow.session, resolve_actor(app, None), office=office, symbol=symbol)
    if as_json:
        print_json(as_plain(classes))
        return
    table = Table(title=f"Jednolity rzeczowy wykaz akt — {office}")
    for col in ("symbol", "hasło", "kategoria", "teczka spraw", "sprawy"):
        table.add_column(col)
    for c in classes:
        table.add_row(c.symbol, c.title, c.category or "", "tak" if c.is_leaf else "", str(c.cases))
    console.print(table)
