"""``ezd case list`` and ``ezd case show``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from ezd.cli.common import console, log_operator_read, make_app, print_json, resolve_actor
from ezd.db.tables import CaseFile, Tenant

case_app = typer.Typer(help="Cases (sprawy).", no_args_is_help=True)


@case_app.command("list")
def case_list(
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
    state: Annotated[str | None, typer.Option("--state")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The spis spraw: every case with its state."""
    app = make_app()
    with app.uow() as uow:
        q = select(CaseFile, Tenant.code).join(Tenant, Tenant.id == CaseFile.tenant_id)
        if tenant:
            q = q.where(Tenant.code == tenant)
        if state:
            q = q.where(CaseFile.state == state)
        rows = uow.session.execute(q.order_by(Tenant.code, CaseFile.id)).all()
        data = [
            {
                "tenant": code,
                "sign": c.sign,
                "title": c.title,
                "state": c.state,
                "category": c.category,
                "opened_at": c.opened_at.isoformat(timespec="seconds"),
                "closed_at": c.closed_at.isoformat(timespec="seconds") if c.closed_at else None,
                "deadline": c.deadline.isoformat() if c.deadline else None,
            }
            for c, code in rows
        ]
        # the operator's read of the register is logged like any other read of records
        log_operator_read(uow.session, "case-list", {code for _, code in rows})
        uow.commit()
    if as_json:
        print_json(data)
        return
    table = Table(title="Spis spraw")
    for col in ("tenant", "sign", "state", "category", "title"):
        table.add_column(col)
    for row in data:
        table.add_row(*(str(row[c]) for c in ("tenant", "sign", "state", "category", "title")))
    console.print(table)


@case_app.command("show")
def case_show(
    sign: Annotated[str, typer.Argument(help="Case sign, e.g. OR.0122.7.2026")],
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
    as_login: Annotated[str | None, typer.Option("--as", help="Read as this user")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A case: state, documents and its metryka."""
    from ezd.records.cases import CaseSign
    from ezd.records.errors import InvalidInput, NotFound
    from ezd.services.queries import case_view

    CaseSign.parse(sign)
    app = make_app()
    actor = resolve_actor(app, as_login)
    with app.uow() as uow:
        q = select(Tenant.code).join(CaseFile, CaseFile.tenant_id == Tenant.id).where(CaseFile.sign == sign)
        if tenant:
            q = q.where(Tenant.code == tenant)
        codes = list(uow.session.execute(q).scalars())
        if not codes:
            raise NotFound(f"nie ma sprawy {sign}")
        if len(codes) > 1:
            raise InvalidInput(f"sprawa {sign} jest w kilku urzędach; wskaż urząd opcją --tenant")
        # the same read model as the web case view; the read is logged in the access log
        data = case_view(uow.session, app.engine(uow.session), actor, tenant=codes[0], sign=sign)
        uow.commit()
    if as_json:
        print_json(data.model_dump(mode="json"))
        return
    console.print(f"[bold]{data.sign}[/] — {data.title}  ({data.state}, kat. {data.category})")
    docs = Table(title="Dokumenty")
    for col in ("direction", "title", "status", "versions", "signature"):
        docs.add_column(col)
    for d in data.documents:
        docs.add_row(d.direction, d.title, d.status, str(len(d.versions)), str(d.signature_verdict or ""))
    console.print(docs)
    met = Table(title="Metryka sprawy")
    for col in ("at", "actor", "action", "document"):
        met.add_column(col)
    for e in data.metryka:
        who = e.actor + (f" (za {e.on_behalf_of})" if e.on_behalf_of else "")
        met.add_row(e.at or "", who, e.action, (e.document or "")[:8])
    console.print(met)
