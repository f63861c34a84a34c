"""``ezd fixity audit``: re-hash stored objects, report damage, record the audit in the metryka."""

from __future__ import annotations

from typing import Annotated

import typer

from ezd.cli.common import console, err_console, make_app, print_json

fixity_app = typer.Typer(help="Fixity (integrity) audits of the object store.", no_args_is_help=True)


@fixity_app.command("audit")
def audit(
    sample: Annotated[
        float, typer.Option("--sample", help="Percent of objects to check, chosen at random (default all)")
    ] = 100.0,
    workers: Annotated[int | None, typer.Option("--workers", help="Hashing threads (default: cores)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Re-hash stored objects in parallel; exit 1 if any object is missing or corrupted."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ezd.archive_ops.fixity import run_audit

    app = make_app()
    with Progress(
        TextColumn("fixity"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("objects", total=None)
        report = run_audit(
            app,
            sample_percent=sample,
            workers=workers,
            on_total=lambda n: bar.update(task, total=n),
            progress=lambda n: bar.advance(task, n),
        )
    if as_json:
        print_json({**report.as_dict(), "damaged": report.damaged})
    else:
        console.print(
            f"fixity: {report.checked} object(s), {report.bytes / 1e6:.1f} MB in {report.seconds:.2f} s"
            f" ({report.mb_per_s:.0f} MB/s), sample {report.sample_percent:g}%"
        )
        for digest in sorted(report.missing):
            err_console.print(f"MISSING   {digest}")
        for digest in sorted(report.corrupted):
            err_console.print(f"CORRUPTED {digest}")
    if report.damaged:
        typer.echo(
            f"ezd: fixity audit FAILED: {len(report.missing)} missing, {len(report.corrupted)} corrupted",
            err=True,
        )
        raise typer.Exit(1)
