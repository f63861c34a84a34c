"""``ezd case list`` and ``ezd case show``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy import select

from ezd.cli.common import console, make_app, print_json
from ezd.db.tables import CaseFile, Document, MetrykaEntry, Tenant

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
    if as_json:
        print_json(data)
        return
    table = Table(title="Spis spraw")
    for col in ("tenant", "sign", "state", "category", "title"):
        table.add_column(col)
    for row in data:
        table.add_row(*(str(row[c]) for c in ("tenant", "sign", "state", "category", "title")))
    console.print(table)


def case_details(session: Any, case: CaseFile, tenant_code: str) -> dict[str, Any]:
    from ezd.db.tables import IncomingItem
    from ezd.services.audit import item_chain

    docs = (
        session.execute(select(Document).where(Document.case_id == case.id).order_by(Document.id))
        .scalars()
        .all()
    )
    chains = [f"case:{case.id}"] + [
        item_chain(tenant_code, i.sign)
        for i in session.execute(select(IncomingItem).where(IncomingItem.case_id == case.id)).scalars()
    ]
    entries = session.execute(
        select(MetrykaEntry)
        .where(MetrykaEntry.chain_key.in_(chains))
        .order_by(MetrykaEntry.at, MetrykaEntry.id)
    ).scalars()
    return {
        "tenant": tenant_code,
        "sign": case.sign,
        "title": case.title,
        "state": case.state,
        "jrwa": case.jrwa.symbol,
        "category": case.category,
        "unit": case.unit.code,
        "opened_at": case.opened_at.isoformat(timespec="seconds"),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "closed_at": case.closed_at.isoformat(timespec="seconds") if case.closed_at else None,
        "archived_at": case.archived_at.isoformat(timespec="seconds") if case.archived_at else None,
        "documents": [
            {
                "uid": d.uid,
                "direction": d.direction,
                "title": d.title,
                "status": d.status,
                "signed": d.signed,
                "signature_verdict": d.signature_verdict,
                "versions": [
                    {
                        "version": v.version,
                        "sha256": v.sha256,
                        "size": v.size,
                        "media_type": v.media_type,
                        "note": v.note,
                    }
                    for v in d.versions
                ],
                "attachments": [
                    {"filename": a.filename, "sha256": a.sha256, "size": a.size} for a in d.attachments
                ],
            }
            for d in docs
        ],
        "metryka": [
            {
                "at": e.at.isoformat(timespec="seconds"),
                "actor": e.actor,
                "on_behalf_of": e.on_behalf_of,
                "action": e.action,
                "document": e.document_ref,
                "details": e.details,
            }
            for e in entries
        ],
    }


@case_app.command("show")
def case_show(
    sign: Annotated[str, typer.Argument(help="Case sign, e.g. OR.0122.7.2026")],
    tenant: Annotated[str | None, typer.Option("--tenant", "-t")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """A case: state, documents and its metryka."""
    from ezd.services.audit import log_read
    from records.cases import CaseSign
    from records.errors import InvalidInput, NotFound

    CaseSign.parse(sign)
    app = make_app()
    with app.uow() as uow:
        q = (
            select(CaseFile, Tenant.code)
            .join(Tenant, Tenant.id == CaseFile.tenant_id)
            .where(CaseFile.sign == sign)
        )
        if tenant:
            q = q.where(Tenant.code == tenant)
        rows = uow.session.execute(q).all()
        if not rows:
            raise NotFound(f"no case {sign}")
        if len(rows) > 1:
            raise InvalidInput(f"{sign} exists in several offices; pick one with --tenant")
        case, code = rows[0]
        data = case_details(uow.session, case, code)
        log_read(uow.session, actor="cli", tenant_id=case.tenant_id, object_type="case", object_ref=case.sign)
        uow.commit()
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]{data['sign']}[/] — {data['title']}  ({data['state']}, kat. {data['category']})")
    docs = Table(title="Dokumenty")
    for col in ("direction", "title", "status", "versions", "signature"):
        docs.add_column(col)
    for d in data["documents"]:
        docs.add_row(
            d["direction"],
            d["title"],
            d["status"],
            str(len(d["versions"])),
            str(d["signature_verdict"] or ""),
        )
    console.print(docs)
    met = Table(title="Metryka sprawy")
    for col in ("at", "actor", "action", "document"):
        met.add_column(col)
    for e in data["metryka"]:
        who = e["actor"] + (f" (za {e['on_behalf_of']})" if e["on_behalf_of"] else "")
        met.add_row(e["at"], who, e["action"], (e["document"] or "")[:8])
    console.print(met)
