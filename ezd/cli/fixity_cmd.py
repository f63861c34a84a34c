"""``ezd fixity audit``: re-hash stored objects, report damage, record the audit in the metryka."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from ezd.cli.common import console, err_console, make_app, print_json


def local_time(at: datetime) -> str:
    """dd.mm.rrrr HH:MM in Warsaw time (stored times are naive UTC)."""
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Warsaw")).strftime("%d.%m.%Y %H:%M")


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
    from ezd.records.plural import OBIEKT, count

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
            f"audyt integralności: {count(report.checked, OBIEKT)}, {report.bytes / 1e6:.1f} MB w "
            f"{report.seconds:.2f} s ({report.mb_per_s:.0f} MB/s), próbka {report.sample_percent:g}%"
        )
        for a in report.affected:
            err_console.print(a.label, markup=False, soft_wrap=True)
    if report.damaged:
        typer.echo(
            f"ezd: audyt integralności wykrył szkody: brak {count(len(report.missing), OBIEKT)}, "
            f"uszkodzone {count(len(report.corrupted), OBIEKT)}; zgłoszono incydent administratorowi",
            err=True,
        )
        raise typer.Exit(1)


@fixity_app.command("incidents")
def incidents_cmd(
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fixity incidents recorded for the administrator (newest first)."""
    from dataclasses import asdict

    from ezd.archive_ops.fixity_report import incidents

    app = make_app()
    with app.uow() as uow:
        found = incidents(uow.session, tenant)
    if as_json:
        print_json([asdict(i) | {"at": i.at.isoformat()} for i in found])
        return
    if not found:
        console.print("brak incydentów integralności")
    for inc in found:
        console.print(
            f"{inc.tenant} {local_time(inc.at)}: {', '.join(inc.cases) or 'bez spraw'}", markup=False
        )
        for a in inc.affected:
            console.print(f"  {a.label}", markup=False, soft_wrap=True)
