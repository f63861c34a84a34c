"""``ezd mailbox set|show|poll``: the office's incoming e-mail box (IMAP)."""

from __future__ import annotations

from typing import Annotated

import typer

from ezd.cli.common import as_plain, console, make_app, print_json, read_secret, resolve_actor
from ezd.cli.office_cmd import AsLogin, Json

mailbox_app = typer.Typer(help="Skrzynka poczty elektronicznej urzędu (IMAP).", no_args_is_help=True)


@mailbox_app.command("set")
def mailbox_set(
    office: Annotated[str, typer.Argument(help="Office code")],
    host: Annotated[str, typer.Option("--host", help="IMAP server")],
    user: Annotated[str, typer.Option("--user", help="Mailbox user name")],
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 993,
    security: Annotated[
        str, typer.Option("--security", help="tls | starttls | none (127.0.0.1 only)")
    ] = "tls",
    folder: Annotated[str, typer.Option("--folder")] = "INBOX",
    as_login: AsLogin = None,
    as_json: Json = False,
) -> None:
    """Set the office's mailbox; the password is prompted, or EZD_IMAP_PASSWORD without a terminal."""
    from ezd.services.mail_intake import configure

    app = make_app()
    actor = resolve_actor(app, as_login)
    password = read_secret("Hasło skrzynki pocztowej", "EZD_IMAP_PASSWORD")
    with app.uow() as uow:
        info = configure(
            uow.session,
            app.settings,
            actor,
            office=office,
            host=host,
            port=port,
            username=user,
            security=security,
            folder=folder,
            password=password,
        )
        uow.commit()
    if as_json:
        print_json(as_plain(info))
    else:
        console.print(
            f"Skrzynka urzędu {office}: {info.username}@{info.host}:{info.port}, folder {info.folder}"
        )


@mailbox_app.command("show")
def mailbox_show(office: Annotated[str, typer.Argument(help="Office code")], as_json: Json = False) -> None:
    """The office's mailbox settings (never the password)."""
    from ezd.records.errors import NotFound
    from ezd.services.mail_intake import mailbox

    app = make_app()
    with app.uow() as uow:
        info = mailbox(uow.session, app.settings, office)
    if info is None:
        raise NotFound(f"{office} has no mailbox set up; run 'ezd mailbox set'")
    if as_json:
        print_json(as_plain(info))
        return
    console.print(f"Skrzynka urzędu {office}: {info.username}@{info.host}:{info.port} ({info.security})")
    console.print(f"  folder: {info.folder}; hasło {'zapisane' if info.has_password else 'NIE zapisane'}")


@mailbox_app.command("poll")
def mailbox_poll(
    office: Annotated[
        str | None, typer.Argument(help="Office code (default: every office with a mailbox)")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Messages per office in this run")] = 100,
    as_json: Json = False,
) -> None:
    """Register the unread messages of the mailbox(es) in the RPW, once."""
    from ezd.jobs.mailbox import poll
    from ezd.services.mail_intake import offices_with_mailbox
    from ezd.workers.inprocess import run_pending

    app = make_app()
    if office is None:
        with app.uow() as uow:
            offices = offices_with_mailbox(uow.session)
    else:
        offices = [office]
    results = [poll(app, code, limit=limit) for code in offices]
    if app.settings.is_embedded:
        run_pending(app)
    if as_json:
        print_json([as_plain(r) for r in results])
        return
    for r in results:
        console.print(
            f"{r.office}: zarejestrowano {len(r.registered)}, już zarejestrowane {len(r.already)}, "
            f"odrzucone {len(r.refused)}"
        )
        for sign in r.registered:
            console.print(f"  {sign}")
        for uid, reason in r.refused:
            console.print(f"  odrzucona wiadomość {uid}: {reason}")
