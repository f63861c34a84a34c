"""``ezd inbox``: a person's notifications; ``ezd notify``: deadline scan and e-mails (cron)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from ezd.cli.common import console, make_app, print_json, resolve_actor

notify_app = typer.Typer(help="Powiadomienia: terminy i e-mail (EZD_SMTP_*).", no_args_is_help=True)


def inbox(
    tenant: Annotated[str, typer.Option("--tenant", "-t", help="Kod urzędu")],
    as_login: Annotated[str, typer.Option("--as", help="Czyja skrzynka")],
    unread: Annotated[bool, typer.Option("--unread", help="Tylko nieprzeczytane")] = False,
    mark_read: Annotated[bool, typer.Option("--mark-read", help="Oznacz pokazane jako przeczytane")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The in-app inbox of one person in one office."""
    from ezd.services.notifications import inbox as read_inbox
    from ezd.services.notifications import mark_read as do_mark

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        messages = read_inbox(uow.session, actor, tenant=tenant, unread_only=unread)
        if mark_read:
            do_mark(uow.session, actor, [m.id for m in messages])
        uow.commit()
    if as_json:
        print_json([asdict(m) for m in messages])
        return
    if not messages:
        console.print("Brak powiadomień.")
    for m in messages:
        console.print(f"{'  ' if m.read else '● '}{m.created_on}  {m.label}: {m.text}")


@notify_app.command("run")
def run(
    digest: Annotated[bool, typer.Option("--digest", help="Wyślij dzienne podsumowanie")] = False,
) -> None:
    """Scan deadlines into the inboxes and send the e-mails (the beat does it every 5 minutes)."""

    app = make_app()
    if digest:
        console.print(f"Podsumowania: {app.jobs.mail_digest()}")
        return
    result = app.jobs.deadline_reminders()
    console.print(f"Nowe powiadomienia: {result['notified']}, spraw po terminie: {len(result['overdue'])}")
