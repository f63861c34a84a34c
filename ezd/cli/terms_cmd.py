"""``ezd case suspend|resume|extend``: the case's term by the law (KPA art. 35 §5, art. 36)."""

from __future__ import annotations

from typing import Annotated

import typer

from ezd.cli.common import console, make_app, print_json, resolve_actor

Sign = Annotated[str, typer.Argument(help="Znak sprawy, np. OR.0122.7.2026")]
TenantOpt = Annotated[str, typer.Option("--tenant", "-t", help="Kod urzędu, np. ug-melgiew")]
AsOpt = Annotated[str | None, typer.Option("--as", help="Działaj jako ten użytkownik")]


def suspend(
    sign: Sign,
    tenant: TenantOpt,
    reason: Annotated[str, typer.Option("--reason", help="Przyczyna zawieszenia")],
    as_login: AsOpt = None,
) -> None:
    """Suspend the case: its term stops running from today."""
    from ezd.services.case_terms import suspend as do_suspend

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        do_suspend(app.deps(uow.session), actor, tenant=tenant, case_sign=sign, reason=reason)
        uow.commit()
    console.print(f"Sprawa {sign} zawieszona; termin nie biegnie.")


def resume(
    sign: Sign,
    tenant: TenantOpt,
    as_login: AsOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Resume a suspended case: its term runs again, pushed by the days of the suspension."""
    from ezd.clock import polish_date
    from ezd.services.case_terms import resume as do_resume

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        due = do_resume(app.deps(uow.session), actor, tenant=tenant, case_sign=sign)
        uow.commit()
    if as_json:
        print_json({"sign": sign, "deadline": due.isoformat() if due else None})
        return
    console.print(f"Sprawa {sign} podjęta; termin załatwienia: {polish_date(due) if due else 'brak'}.")


def extend(
    sign: Sign,
    tenant: TenantOpt,
    until: Annotated[str, typer.Option("--until", help="Nowy termin (dd.mm.rrrr)")],
    reason: Annotated[str, typer.Option("--reason", help="Przyczyna zwłoki")],
    as_login: AsOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Art. 36 KPA: set a new date with the reason; the notice to the party is generated."""
    from ezd.clock import polish_date
    from ezd.records.deadlines import parse_day
    from ezd.services.case_terms import extend as do_extend

    day = parse_day(until)
    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        notice = do_extend(
            app.deps(uow.session), actor, tenant=tenant, case_sign=sign, until=day, reason=reason
        )
        uow.commit()
    if as_json:
        print_json({"sign": sign, "deadline": notice.deadline.isoformat(), "notice": notice.notice_document})
        return
    console.print(
        f"Nowy termin sprawy {sign}: {polish_date(notice.deadline)}; zawiadomienie stron dodane do sprawy."
    )
