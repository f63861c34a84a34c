"""``ezd engine relay|outbox``: the remote engine's outbox, for operators (workflow/outbox.py)."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from ezd.cli.common import console, make_app, print_json

engine_app = typer.Typer(help="The workflow engine's outbox (distributed deployment).", no_args_is_help=True)


@engine_app.command("relay")
def relay_cmd(
    every: Annotated[
        float,
        typer.Option("--every", help="Keep running, sending pending commands every N seconds (0 = once)"),
    ] = 0.0,
) -> None:
    """Send engine commands that steps committed but could not deliver (engine down, crash)."""
    from ezd.workflow.outbox import relay

    app = make_app()
    if app.remote_engine is None:
        console.print("embedded engine: there is no outbox (engine steps are part of each transaction)")
        return
    while True:
        report = relay(app.sessions, app.remote_engine)
        if report.sent or report.failed or report.waiting or not every:
            console.print(f"outbox: {report.sent} sent, {report.failed} refused, {report.waiting} waiting")
        if not every:
            return
        time.sleep(every)


@engine_app.command("outbox")
def outbox_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False) -> None:
    """List engine commands not yet delivered and those the engine refused."""
    from ezd.workflow.outbox import pending_summary

    app = make_app()
    with app.uow() as uow:
        rows = pending_summary(uow.session)
    if as_json:
        print_json(
            [
                {
                    "id": i,
                    "op": op,
                    "business_key": key,
                    "status": st,
                    "attempts": n,
                    "error": err,
                    "created_at": at,
                }
                for i, op, key, st, n, err, at in rows
            ]
        )
        return
    if not rows:
        console.print("outbox: nothing pending")
    for i, op, key, st, n, err, at in rows:
        console.print(f"{i:>8} {at:%Y-%m-%d %H:%M:%S} {st:<8} {op:<9} {key}  attempts={n}  {err or ''}")
