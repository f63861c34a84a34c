"""``ezd office create|list`` and ``ezd unit add|list|rename|close``: an office and its unit tree."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from ezd.cli.common import as_plain, console, make_app, print_json, resolve_actor

office_app = typer.Typer(help="Urzędy (offices).", no_args_is_help=True)
unit_app = typer.Typer(help="Komórki organizacyjne urzędu (units).", no_args_is_help=True)

AsLogin = Annotated[str | None, typer.Option("--as", help="Act as this administrator (default: system)")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable output")]


@office_app.command("create")
def office_create(
    code: Annotated[str, typer.Argument(help="Office code, e.g. ug-melgiew")],
    name: Annotated[str, typer.Option("--name", help="Full name, e.g. 'Urząd Gminy Mełgiew'")],
    kind: Annotated[str, typer.Option("--kind", help="starostwo, urzad-gminy, urzad-miasta, ...")],
    regon: Annotated[str | None, typer.Option("--regon")] = None,
    epuap_box: Annotated[str | None, typer.Option("--epuap-box", help="ePUAP box, /code/skrytka")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    as_json: Json = False,
) -> None:
    """Create an office (system administrator: the command line's operator)."""
    from ezd.services.office_setup import create_office

    app = make_app()
    with app.uow() as uow:
        info = create_office(
            uow.session,
            resolve_actor(app, None),
            code=code,
            name=name,
            kind=kind,
            regon=regon,
            epuap_box=epuap_box,
            address=address,
        )
        uow.commit()
    if as_json:
        print_json(as_plain(info))
    else:
        console.print(f"Utworzono urząd {info.code}: {info.name} ({info.kind_label})")


@office_app.command("list")
def office_list(as_json: Json = False) -> None:
    """List the offices."""
    from ezd.services.office_setup import list_offices

    app = make_app()
    with app.uow() as uow:
        offices = list_offices(uow.session, resolve_actor(app, None))
    if as_json:
        print_json(as_plain(offices))
        return
    table = Table(title="Urzędy")
    for col in ("kod", "nazwa", "rodzaj", "REGON", "skrytka ePUAP"):
        table.add_column(col)
    for o in offices:
        table.add_row(o.code, o.name, o.kind_label, o.regon or "", o.epuap_box or "")
    console.print(table)


@unit_app.command("add")
def unit_add(
    office: Annotated[str, typer.Argument(help="Office code")],
    code: Annotated[str, typer.Argument(help="Unit code, the first part of case signs: OR, GK, OR-A")],
    name: Annotated[str, typer.Option("--name")],
    parent: Annotated[str | None, typer.Option("--parent", help="Parent unit code")] = None,
    as_login: AsLogin = None,
    as_json: Json = False,
) -> None:
    """Add a unit (optionally under a parent unit)."""
    from ezd.services.office_setup import add_unit

    app = make_app()
    with app.uow() as uow:
        info = add_unit(
            uow.session, resolve_actor(app, as_login), office=office, code=code, name=name, parent=parent
        )
        uow.commit()
    if as_json:
        print_json(as_plain(info))
    else:
        console.print(
            f"Dodano komórkę {info.code}: {info.name}" + (f" (w {info.parent})" if info.parent else "")
        )


@unit_app.command("list")
def unit_list(office: Annotated[str, typer.Argument(help="Office code")], as_json: Json = False) -> None:
    """The unit tree of an office."""
    from ezd.services.office_setup import list_units

    app = make_app()
    with app.uow() as uow:
        units = list_units(uow.session, resolve_actor(app, None), office=office)
    if as_json:
        print_json(as_plain(units))
        return
    table = Table(title=f"Komórki organizacyjne — {office}")
    for col in ("kod", "nazwa", "nadrzędna", "zamknięta"):
        table.add_column(col)
    for u in units:
        table.add_row(u.code, u.name, u.parent or "", f"{u.closed_on:%d.%m.%Y}" if u.closed_on else "")
    console.print(table)


@unit_app.command("rename")
def unit_rename(
    office: Annotated[str, typer.Argument(help="Office code")],
    code: Annotated[str, typer.Argument(help="Unit code")],
    name: Annotated[str, typer.Option("--name", help="The new name")],
    as_login: AsLogin = None,
) -> None:
    """Rename a unit (its code, used in case signs, stays)."""
    from ezd.services.office_setup import rename_unit

    app = make_app()
    with app.uow() as uow:
        info = rename_unit(uow.session, resolve_actor(app, as_login), office=office, code=code, name=name)
        uow.commit()
    console.print(f"Komórka {info.code} nazywa się teraz: {info.name}")


@unit_app.command("close")
def unit_close(
    office: Annotated[str, typer.Argument(help="Office code")],
    code: Annotated[str, typer.Argument(help="Unit code")],
    as_login: AsLogin = None,
) -> None:
    """Close a unit: its history and its cases' signs stay, it takes no new roles or units."""
    from ezd.services.office_setup import close_unit

    app = make_app()
    with app.uow() as uow:
        info = close_unit(
            uow.session, resolve_actor(app, as_login), office=office, code=code, on=date.today()
        )
        uow.commit()
    console.print(f"Zamknięto komórkę {info.code} ({info.name})")
