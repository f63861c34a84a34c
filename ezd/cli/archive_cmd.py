"""``ezd archive ...``: the office archive (archiwum zakładowe)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from ezd.cli.common import console, make_app

archive_app = typer.Typer(help="The office archive (archiwum zakładowe).", no_args_is_help=True)


@archive_app.command("transfer")
def transfer(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD) to compute eligibility")
    ] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
) -> None:
    """Start the transfer of every closed case that has spent 2 full calendar years in its unit."""
    from ezd.services.archive import due_for_transfer, start_transfer
    from ezd.services.lookup import tenant_by_code, tenant_by_id
    from workers.inprocess import run_pending

    day = date.fromisoformat(as_of) if as_of else date.today()
    app = make_app()
    with app.uow() as uow:
        tenant_id = tenant_by_code(uow.session, tenant).id if tenant else None
        due = due_for_transfer(uow.session, day, tenant_id)
        deps = app.deps(uow.session)
        for case in due:
            start_transfer(deps, tenant=tenant_by_id(uow.session, case.tenant_id).code, case_sign=case.sign)
        uow.commit()
    if app.settings.is_embedded:
        run_pending(app)
    console.print(f"{len(due)} case(s) handed to the archive for acceptance")
