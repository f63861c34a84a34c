"""``ezd bpmn deploy|list``: the processes of this installation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ezd.cli.common import as_plain, console, make_app, print_json, warsaw
from ezd.cli.office_cmd import Json

bpmn_app = typer.Typer(help="Procesy BPMN (deployment).", no_args_is_help=True)


@bpmn_app.command("deploy")
def bpmn_deploy(
    folder: Annotated[
        Path | None, typer.Argument(help="Folder of .bpmn files (default: EZD_BPMN_DIR)")
    ] = None,
    as_json: Json = False,
) -> None:
    """Check and deploy the changed BPMN files as new versions; running instances keep theirs."""
    app = make_app()
    result = app.deploy_processes(folder)
    if as_json:
        print_json(as_plain(result))
        return
    for d in result:
        state = "nowa wersja" if d.new else "bez zmian"
        console.print(f"{d.process_key} v{d.version} ({d.source_name}): {state}")


@bpmn_app.command("list")
def bpmn_list(as_json: Json = False) -> None:
    """Deployed processes, their versions and running instances per version."""
    app = make_app()
    versions = app.process_versions()
    if as_json:
        print_json(as_plain(versions))
        return
    table = Table(title="Procesy")
    for col in ("proces", "wersja", "trwające instancje", "plik", "wdrożono"):
        table.add_column(col)
    for v in versions:
        when = warsaw(v.deployed_at) if v.deployed_at else ""
        table.add_row(v.process_key, str(v.version), str(v.running), v.source_name or "", when)
    console.print(table)
