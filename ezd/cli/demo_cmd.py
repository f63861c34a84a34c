"""``ezd demo``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ezd.cli.common import console, make_app, print_json


def demo(
    documents: Annotated[
        int, typer.Option("--documents", "-n", min=1, help="How many incoming letters")
    ] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable summary")] = False,
) -> None:
    """Seed a demo partnership (first run) and drive N letters from RPW to the archive."""
    from ezd.demo.driver import Demo

    app = make_app()
    runner = Demo(app)
    progress = Progress(
        TextColumn("[bold]Sprawy[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=as_json,
        transient=as_json,
    )
    with progress:
        bar = progress.add_task("letters", total=documents)
        result = runner.run(documents, progress=lambda k: progress.advance(bar, k))
    if as_json:
        print_json(result.as_dict())
        return
    table = Table(title="ezd demo", show_header=False)
    for key, value in result.as_dict().items():
        table.add_row(key, str(value))
    console.print(table)
    if result.credentials_file:
        console.print(f"Demo accounts (passwords) were written to {result.credentials_file}")
    if result.case_signs:
        console.print(f"Try: ezd case show {result.case_signs[-1]}")
