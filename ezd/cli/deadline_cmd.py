"""``ezd deadline``: the deadline the law gives a matter, for a clerk to check a date."""

from __future__ import annotations

from typing import Annotated

import typer

from ezd.cli.common import console, print_json

WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")


def deadline(
    received: Annotated[str, typer.Option("--received", help="Data wpływu (dd.mm.rrrr)")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="simple | administrative | complex | public-information | petition | complaint",
        ),
    ] = "administrative",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print the deadline for handling a matter received on a day (KPA art. 35, 57)."""
    from ezd.clock import polish_date
    from ezd.records.deadlines import KIND_LABELS, TERMS, deadline_for, parse_day, parse_kind, term_end

    day = parse_day(received)
    matter = parse_kind(kind)
    due = deadline_for(matter, day)
    end = term_end(day, TERMS[matter])
    if as_json:
        print_json(
            {
                "received": day.isoformat(),
                "kind": matter.value,
                "term_end": end.isoformat(),
                "deadline": due.isoformat(),
                "moved_to_working_day": due != end,
            }
        )
        return
    console.print(
        f"Termin załatwienia: {polish_date(due)} ({WEEKDAYS[due.weekday()]}) — {KIND_LABELS[matter]}, "
        f"wpływ {polish_date(day)}"
    )
    if due != end:
        console.print(
            f"Termin upływałby {polish_date(end)} ({WEEKDAYS[end.weekday()]}), dzień wolny od pracy; "
            "przesunięty na następny dzień roboczy (art. 57 § 4 KPA)."
        )
