"""``ezd rpw print`` and ``ezd case spis``: printable registers as CSV or PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ezd.cli.common import console, make_app, resolve_actor

if TYPE_CHECKING:
    from ezd.services.printouts import Printout

TenantOpt = Annotated[str, typer.Option("--tenant", "-t", help="Kod urzędu")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Drukuj jako ten użytkownik")]
FormatOpt = Annotated[str, typer.Option("--format", help="csv albo pdf")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Plik wynikowy")]


def _check_format(fmt: str) -> None:
    from ezd.records.errors import InvalidInput

    if fmt not in ("csv", "pdf"):
        raise InvalidInput(f"nieznany format {fmt!r}; dozwolone: csv, pdf")


def _write(printout: Printout, fmt: str, out: Path) -> None:
    from ezd.services.printouts import to_csv, to_pdf

    out.write_bytes(to_csv(printout) if fmt == "csv" else to_pdf(printout))
    console.print(f"{printout.title}: {len(printout.rows)} pozycji → {out}")


def rpw_print(
    tenant: TenantOpt,
    start: Annotated[str, typer.Option("--from", help="Pierwszy dzień (dd.mm.rrrr)")],
    end: Annotated[str, typer.Option("--to", help="Ostatni dzień (dd.mm.rrrr)")],
    out: OutOpt,
    register: Annotated[str, typer.Option("--register", help="incoming (RPW) albo outgoing")] = "incoming",
    fmt: FormatOpt = "pdf",
    as_login: AsOpt = None,
) -> None:
    """The RPW or the outgoing register of a period, to print."""
    from ezd.records.deadlines import parse_day
    from ezd.records.errors import InvalidInput
    from ezd.services.printouts import incoming_register, outgoing_register

    _check_format(fmt)
    if register not in ("incoming", "outgoing"):
        raise InvalidInput(f"nieznany rejestr {register!r}; dozwolone: incoming, outgoing")
    first, last = parse_day(start), parse_day(end)
    app = make_app()
    actor = resolve_actor(app, as_login)
    build = incoming_register if register == "incoming" else outgoing_register
    with app.uow() as uow:
        printout = build(uow.session, actor, tenant=tenant, start=first, end=last)
        uow.commit()
    _write(printout, fmt, out)


def case_spis(
    tenant: TenantOpt,
    unit: Annotated[str, typer.Option("--unit", help="Komórka, np. OR")],
    jrwa: Annotated[str, typer.Option("--jrwa", help="Symbol klasy JRWA")],
    year: Annotated[int, typer.Option("--year", min=2000, max=2999)],
    out: OutOpt,
    fmt: FormatOpt = "pdf",
    as_login: AsOpt = None,
) -> None:
    """The spis spraw of a teczka (unit, JRWA class, year), to print."""
    from ezd.services.printouts import case_list

    _check_format(fmt)
    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        printout = case_list(uow.session, actor, tenant=tenant, unit=unit, jrwa=jrwa, year=year)
        uow.commit()
    _write(printout, fmt, out)
