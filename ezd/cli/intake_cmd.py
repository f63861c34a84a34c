"""``ezd register`` and ``ezd rpw list``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from ezd.cli.common import console, log_operator_read, make_app, print_json, resolve_actor
from ezd.db.tables import IncomingItem, Tenant

if TYPE_CHECKING:
    from ezd.bootstrap import App
    from ezd.services.actor import Actor

rpw_app = typer.Typer(help="The register of incoming items (RPW).", no_args_is_help=True)


def _default_tenant(app_session: object, tenant: str | None) -> str:
    if tenant:
        return tenant
    from sqlalchemy.orm import Session

    assert isinstance(app_session, Session)
    first = app_session.execute(select(Tenant.code).order_by(Tenant.id).limit(1)).scalar_one_or_none()
    if first is None:
        from ezd.records.errors import InvalidState

        raise InvalidState("no offices are set up yet; run 'ezd demo' or create a tenant")
    return str(first)


def register(
    file: Annotated[Path, typer.Argument(help="The incoming item: an ePUAP XML letter")],
    tenant: Annotated[str | None, typer.Option("--tenant", "-t", help="Office code, e.g. ug-melgiew")] = None,
    as_login: Annotated[str | None, typer.Option("--as", help="Register as this kancelaria user")] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="Data wpływu przesyłki papierowej (dd.mm.rrrr)")
    ] = None,
    channel: Annotated[
        str, typer.Option("--channel", help="epuap | e-doreczenia | poczta | osobiscie | email | kurier")
    ] = "epuap",
    duplicate_reason: Annotated[
        str | None,
        typer.Option("--duplicate-reason", help="Powód ponownej rejestracji podobnej przesyłki"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Register an incoming item in the RPW and start its workflow."""
    from ezd.eml import looks_like_email
    from ezd.records.deadlines import parse_day
    from ezd.records.intake import parse_channel
    from ezd.services.intake import register_incoming
    from ezd.workers.inprocess import run_pending

    app = make_app()
    limit = app.settings.max_upload_bytes
    if file.stat().st_size > limit:
        from ezd.records.errors import InvalidInput

        raise InvalidInput(f"{file} is {file.stat().st_size} bytes; the limit is {limit} bytes")
    day = parse_day(received) if received else None
    via = parse_channel(channel)
    data = file.read_bytes()
    actor = resolve_actor(app, as_login)
    if looks_like_email(data, "", file.name):
        _register_email(app, actor, tenant, data, file.name, as_json)
        return
    with app.uow() as uow:
        code = _default_tenant(uow.session, tenant)
        reg = register_incoming(
            app.deps(uow.session),
            actor,
            tenant=code,
            data=data,
            filename=file.name,
            channel=via,
            received=day,
            duplicate_reason=duplicate_reason,
        )
        uow.commit()
    if app.settings.is_embedded:
        run_pending(app)
    if as_json:
        print_json({"rpw": reg.sign, "tenant": code, "document": reg.document_uid, "sha256": reg.sha256})
    else:
        console.print(f"Zarejestrowano {reg.sign} ({code}), SHA-256 {reg.sha256[:16]}…")


def _register_email(
    app: App, actor: Actor, tenant: str | None, data: bytes, name: str, as_json: bool
) -> None:
    """An ``.eml`` file: registered as the mailbox poll registers it (once per Message-ID)."""
    from ezd.records.errors import ConflictError
    from ezd.services.mail_intake import register_email
    from ezd.workers.inprocess import run_pending

    with app.uow() as uow:
        code = _default_tenant(uow.session, tenant)
        reg = register_email(app.deps(uow.session), actor, tenant=code, data=data, filename=name)
        uow.commit()
    if not reg.new:
        raise ConflictError(f"this e-mail message is already registered as {reg.rpw}")
    if app.settings.is_embedded:
        run_pending(app)
    if as_json:
        done = reg.registered
        print_json(
            {
                "rpw": reg.rpw,
                "tenant": code,
                "document": done.document_uid if done else None,
                "sha256": done.sha256 if done else None,
            }
        )
    else:
        console.print(f"Zarejestrowano wiadomość e-mail jako {reg.rpw} ({code})")


@rpw_app.command("list")
def rpw_list(
    year: Annotated[int | None, typer.Option("--year", "-y")] = None,
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the RPW for a year (default: this year)."""
    app = make_app()
    year = year or date.today().year
    with app.uow() as uow:
        q = (
            select(IncomingItem, Tenant.code)
            .join(Tenant, Tenant.id == IncomingItem.tenant_id)
            .where(IncomingItem.year == year)
        )
        if tenant:
            q = q.where(Tenant.code == tenant)
        rows = uow.session.execute(q.order_by(Tenant.code, IncomingItem.number)).all()
        data = [
            {
                "tenant": code,
                "rpw": i.sign,
                "number": i.number,
                "registered_at": i.registered_at.isoformat(timespec="seconds"),
                "sender": i.sender,
                "title": i.title,
                "channel": i.channel,
                "letter_date": i.letter_date.isoformat() if i.letter_date else None,
                "received_date": i.received_date.isoformat(),
                "sender_reference": i.sender_reference,
                "attachments": i.attachments,
                "status": i.status,
            }
            for i, code in rows
        ]
        # the operator's read of the register is logged like any other read of records
        log_operator_read(uow.session, "rpw-list", {code for _, code in rows})
        uow.commit()
    if as_json:
        print_json(data)
        return
    table = Table(title=f"RPW {year}")
    for col in ("tenant", "rpw", "registered_at", "sender", "title", "status"):
        table.add_column(col)
    for row in data:
        table.add_row(*(str(row[c]) for c in ("tenant", "rpw", "registered_at", "sender", "title", "status")))
    console.print(table)


@rpw_app.command("label")
def rpw_label(
    sign: Annotated[str, typer.Argument(help="RPW number, e.g. RPW/12/2026, or a scanned label code")],
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="PDF file to write")] = None,
    as_login: Annotated[str | None, typer.Option("--as", help="Print as this kancelaria user")] = None,
) -> None:
    """Print the label of a paper letter: office, RPW number, received date and a QR code."""
    from ezd.services import item_labels

    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        office, found = item_labels.find(
            uow.session, actor, text=sign, default_tenant=_default_tenant(uow.session, tenant)
        )
        lab = item_labels.label(uow.session, actor, tenant=office, rpw=found)
        uow.commit()
    target = output or Path(f"etykieta-{found.replace('/', '-')}.pdf")
    target.write_bytes(item_labels.label_pdf(lab))
    console.print(f"Etykieta {lab.sign} ({lab.office_name}) zapisana w {target}")
