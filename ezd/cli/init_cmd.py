"""``ezd init``: the first set-up of an office, guided (prompts) or with flags (``--yes``).

The same steps as the separate commands, in one transaction: the office, its units, its first
administrator (with a password), optionally its JRWA and its e-seal; then the processes are
deployed.  Whatever fails, nothing of the office is left half made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.prompt import Confirm, Prompt

from ezd.cli.common import console, make_app, read_secret, resolve_actor
from ezd.records.errors import InvalidInput


def _ask(value: str | None, question: str, interactive: bool, *, default: str | None = None) -> str:
    if value:
        return value
    if not interactive:
        if default is not None:
            return default
        raise InvalidInput(f"brak wartości: {question.lower()} (podaj ją opcją albo uruchom bez --yes)")
    return Prompt.ask(question, default=default) if default is not None else Prompt.ask(question)


def _units(given: list[str], interactive: bool) -> list[tuple[str, str]]:
    pairs = list(given)
    if not pairs and interactive:
        console.print("Komórki organizacyjne: kod i nazwa, np. KAN Kancelaria; pusty wiersz kończy.")
        while line := Prompt.ask("komórka", default="").strip():
            pairs.append(line.replace(" ", "=", 1))
    if not pairs:
        pairs = ["KAN=Kancelaria"]
    out: list[tuple[str, str]] = []
    for pair in pairs:
        code, sep, name = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"komórka {pair!r}: podaj KOD=Nazwa, np. KAN=Kancelaria")
        out.append((code.strip(), name.strip()))
    return out


def init(
    office: Annotated[str | None, typer.Option("--office", help="Office code, e.g. ug-melgiew")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Office name")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="starostwo, urzad-gminy, urzad-miasta, ...")
    ] = None,
    regon: Annotated[str | None, typer.Option("--regon")] = None,
    epuap_box: Annotated[str | None, typer.Option("--epuap-box")] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    unit: Annotated[
        list[str], typer.Option("--unit", help="CODE=Name, repeatable; the first holds the admin")
    ] = [],  # noqa: B006
    admin: Annotated[str | None, typer.Option("--admin", help="Login of the first administrator")] = None,
    admin_name: Annotated[str | None, typer.Option("--admin-name", help="'Imię Nazwisko'")] = None,
    admin_email: Annotated[str | None, typer.Option("--admin-email")] = None,
    jrwa: Annotated[Path | None, typer.Option("--jrwa", help="JRWA file (WykazAkt XML or CSV)")] = None,
    p12: Annotated[Path | None, typer.Option("--p12", help="The office e-seal (PKCS#12)")] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Non-interactive: take every value from the flags")
    ] = False,
) -> None:
    """First set-up of an office; passwords from prompts or EZD_USER_PASSWORD / EZD_SEAL_PASSWORD."""
    import sys

    from ezd.jrwa_io import load_jrwa_file
    from ezd.services import office_founding, seals
    from ezd.services.admin import import_jrwa

    interactive = not yes and sys.stdin.isatty()
    code = _ask(office, "Kod urzędu (np. ug-melgiew)", interactive)
    full_name = _ask(name, "Pełna nazwa urzędu", interactive)
    office_kind = _ask(kind, "Rodzaj (starostwo, urzad-gminy, urzad-miasta, ...)", interactive)
    units = _units(unit, interactive)
    login = _ask(admin, "Login pierwszego administratora", interactive)
    person = _ask(admin_name, "Imię i nazwisko administratora", interactive)
    if interactive and jrwa is None and Confirm.ask("Zaimportować JRWA z pliku?", default=False):
        jrwa = Path(Prompt.ask("plik JRWA (XML lub CSV)"))
    if interactive and p12 is None and Confirm.ask("Zaimportować e-pieczęć (PKCS#12)?", default=False):
        p12 = Path(Prompt.ask("plik PKCS#12"))
    # read files and secrets before anything is written: a typo loses nothing
    entries = load_jrwa_file(jrwa) if jrwa else None
    seal_data = p12.read_bytes() if p12 else None
    password = read_secret("Hasło administratora", "EZD_USER_PASSWORD", confirm=True)
    seal_password = read_secret("Hasło pliku PKCS#12", "EZD_SEAL_PASSWORD") if seal_data is not None else ""

    app = make_app()
    actor = resolve_actor(app, None)
    with app.uow() as uow:
        s = uow.session
        info = office_founding.found_office(
            s,
            actor,
            office_founding.NewOffice(code, full_name, office_kind, regon, epuap_box, address),
            units,
            office_founding.FirstAdmin(login, person, admin_email, password),
        )
        classes = import_jrwa(s, actor, tenant=code, entries=entries) if entries is not None else 0
        seal = (
            seals.import_p12(s, app.settings, actor, office=code, data=seal_data, password=seal_password)
            if seal_data is not None
            else None
        )
        uow.commit()
    deployed = app.deploy_processes()
    console.print(f"Utworzono urząd {info.code}: {info.name}")
    console.print(f"  komórki: {', '.join(c for c, _ in units)}; administrator: {login}")
    console.print(f"  JRWA: {classes} klas" if classes else "  JRWA: brak (ezd jrwa import PLIK -t KOD)")
    console.print(
        f"  e-pieczęć: {seal.subject}" if seal else f"  e-pieczęć: brak (ezd seal import {code} --p12 PLIK)"
    )
    console.print(f"  procesy: {', '.join(f'{d.process_key} v{d.version}' for d in deployed)}")
