"""``ezd seal import|show``: the office's own e-seal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ezd.cli.common import as_plain, console, make_app, print_json, read_secret, resolve_actor, warsaw
from ezd.cli.office_cmd import AsLogin, Json

seal_app = typer.Typer(help="E-pieczęć urzędu (the office e-seal).", no_args_is_help=True)


@seal_app.command("import")
def seal_import(
    office: Annotated[str, typer.Argument(help="Office code")],
    p12: Annotated[
        Path | None, typer.Option("--p12", help="PKCS#12 file with the e-seal key and certificate")
    ] = None,
    pkcs11_lib: Annotated[
        Path | None, typer.Option("--pkcs11-lib", help="PKCS#11 module of the token")
    ] = None,
    token: Annotated[str | None, typer.Option("--token", help="PKCS#11 token label")] = None,
    key_label: Annotated[str, typer.Option("--key-label", help="CKA_LABEL of the private key")] = "eseal",
    as_login: AsLogin = None,
    as_json: Json = False,
) -> None:
    """Import the office's e-seal; password/PIN prompted, or EZD_SEAL_PASSWORD without a terminal."""
    from ezd.records.errors import InvalidInput
    from ezd.services.seals import import_p12, import_pkcs11

    if (p12 is None) == (pkcs11_lib is None):
        raise InvalidInput("podaj --p12 PLIK albo --pkcs11-lib BIBLIOTEKA --token ETYKIETA")
    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        if p12 is not None:
            data = p12.read_bytes()
            secret = read_secret("Hasło pliku PKCS#12", "EZD_SEAL_PASSWORD")
            info = import_p12(uow.session, app.settings, actor, office=office, data=data, password=secret)
        elif pkcs11_lib is not None:
            if not token:
                raise InvalidInput("podaj etykietę tokenu (--token)")
            secret = read_secret("PIN tokenu", "EZD_SEAL_PASSWORD")
            info = import_pkcs11(
                uow.session,
                app.settings,
                actor,
                office=office,
                lib=pkcs11_lib,
                token=token,
                key_label=key_label,
                pin=secret,
            )
        uow.commit()
    if as_json:
        print_json(as_plain(info))
    else:
        console.print(
            f"Zaimportowano e-pieczęć urzędu {office}: {info.subject}, ważna do {warsaw(info.not_after)}"
        )


@seal_app.command("show")
def seal_show(office: Annotated[str, typer.Argument(help="Office code")], as_json: Json = False) -> None:
    """Subject, issuer, validity and days to expiry of the office's e-seal."""
    from ezd.services.seals import show_seal

    app = make_app()
    with app.uow() as uow:
        info = show_seal(uow.session, resolve_actor(app, None), office=office)
    if as_json:
        print_json(as_plain(info))
        return
    console.print(
        f"E-pieczęć urzędu {office} ({'plik PKCS#12' if info.kind == 'pkcs12' else 'token PKCS#11'})"
    )
    console.print(f"  podmiot:   {info.subject}")
    console.print(f"  wystawca:  {info.issuer}")
    console.print(f"  ważna od:  {warsaw(info.not_before)}")
    console.print(f"  ważna do:  {warsaw(info.not_after)} (pozostało dni: {info.days_left})")
    if info.warning:
        console.print(f"  [bold red]uwaga: {info.warning}[/]")
