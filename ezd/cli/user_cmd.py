"""``ezd user add|list|role grant|role revoke|disable|enable|password``: an office's accounts."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ezd.cli.common import as_plain, console, make_app, print_json, read_secret, resolve_actor
from ezd.cli.office_cmd import AsLogin, Json

user_app = typer.Typer(help="Konta użytkowników urzędu (users).", no_args_is_help=True)
role_app = typer.Typer(help="Role of a user in a unit.", no_args_is_help=True)
user_app.add_typer(role_app, name="role")

Office = Annotated[str, typer.Argument(help="Office code")]
Login = Annotated[str, typer.Argument(help="Login")]


@user_app.command("add")
def user_add(
    office: Office,
    login: Login,
    name: Annotated[str, typer.Option("--name", help="'Imię Nazwisko'")],
    email: Annotated[str | None, typer.Option("--email")] = None,
    as_login: AsLogin = None,
    as_json: Json = False,
) -> None:
    """Create an account (no password yet: set it with 'ezd user password')."""
    from ezd.services.office_setup import add_user

    app = make_app()
    with app.uow() as uow:
        info = add_user(
            uow.session, resolve_actor(app, as_login), office=office, login=login, full_name=name, email=email
        )
        uow.commit()
    if as_json:
        print_json(as_plain(info))
    else:
        console.print(f"Utworzono konto {info.login} ({info.full_name})")


@user_app.command("list")
def user_list(office: Office, as_login: AsLogin = None, as_json: Json = False) -> None:
    """The office's accounts and their roles."""
    from ezd.services.office_setup import list_users

    app = make_app()
    with app.uow() as uow:
        users = list_users(uow.session, resolve_actor(app, as_login), office=office)
    if as_json:
        print_json(as_plain(users))
        return
    table = Table(title=f"Konta — {office}")
    for col in ("login", "imię i nazwisko", "e-mail", "aktywne", "hasło", "role"):
        table.add_column(col)
    for u in users:
        roles = ", ".join(f"{g.role} w {g.unit}" for g in u.grants)
        table.add_row(
            u.login,
            u.full_name,
            u.email or "",
            "tak" if u.active else "nie",
            "tak" if u.has_password else "nie",
            roles,
        )
    console.print(table)


def _role(grant: bool, office: str, login: str, role: str, unit: str | None, as_login: str | None) -> None:
    from ezd.services.office_setup import grant_role, revoke_role

    app = make_app()
    change = grant_role if grant else revoke_role
    with app.uow() as uow:
        info = change(
            uow.session, resolve_actor(app, as_login), office=office, login=login, role=role, unit=unit
        )
        uow.commit()
    roles = ", ".join(f"{g.role} w {g.unit}" for g in info.grants) or "brak"
    console.print(f"{info.login}: role {roles}")


Role = Annotated[str, typer.Argument(help="kancelaria, referent, kierownik, sekretarz, archiwista, admin")]
UnitOpt = Annotated[
    str | None, typer.Option("--unit", help="Unit code (may be omitted in a one-unit office)")
]


@role_app.command("grant")
def role_grant(
    office: Office, login: Login, role: Role, unit: UnitOpt = None, as_login: AsLogin = None
) -> None:
    """Grant a role in a unit."""
    _role(True, office, login, role, unit, as_login)


@role_app.command("revoke")
def role_revoke(
    office: Office, login: Login, role: Role, unit: UnitOpt = None, as_login: AsLogin = None
) -> None:
    """Revoke a role in a unit."""
    _role(False, office, login, role, unit, as_login)


def _active(office: str, login: str, active: bool, as_login: str | None) -> None:
    from ezd.services.office_setup import set_active

    app = make_app()
    with app.uow() as uow:
        set_active(uow.session, resolve_actor(app, as_login), office=office, login=login, active=active)
        uow.commit()
    console.print(f"Konto {login} jest {'aktywne' if active else 'zablokowane'}")


@user_app.command("disable")
def user_disable(office: Office, login: Login, as_login: AsLogin = None) -> None:
    """Disable an account (it cannot sign in; its history stays)."""
    _active(office, login, False, as_login)


@user_app.command("enable")
def user_enable(office: Office, login: Login, as_login: AsLogin = None) -> None:
    """Enable an account again."""
    _active(office, login, True, as_login)


@user_app.command("password")
def user_password(office: Office, login: Login, as_login: AsLogin = None) -> None:
    """Set a password: prompted, or EZD_USER_PASSWORD when there is no terminal (never an argument)."""
    from ezd.services.office_setup import set_password

    password = read_secret("Hasło", "EZD_USER_PASSWORD", confirm=True)
    app = make_app()
    with app.uow() as uow:
        set_password(uow.session, resolve_actor(app, as_login), office=office, login=login, password=password)
        uow.commit()
    console.print(f"Ustawiono hasło konta {login}")
