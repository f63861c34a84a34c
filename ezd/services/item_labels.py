"""The label the kancelaria sticks on a paper letter: office, RPW number, received date, and a QR
code that a scanner reads back into the item.

The code is plain text, ``EZD:<office>:<RPW sign>`` (for example ``EZD:ug-melgiew:RPW/12/2026``):
a hand-held scanner types it into the search field like a keyboard, and a person can type the
sign alone. It carries no secret and grants nothing -- finding an item by its code goes through
the same access check as opening it, and the read is logged.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

import segno
from sqlalchemy.orm import Session

from ezd.clock import polish_date
from ezd.records.errors import InvalidInput
from ezd.services import queries
from ezd.services.actor import Actor
from ezd.services.lookup import tenant_by_code

PREFIX = "EZD"
_CODE = re.compile(r"^\s*(?:EZD[:;](?P<tenant>[a-z0-9-]{1,40})[:;])?(?P<sign>RPW/\d{1,7}/\d{4})\s*$", re.I)


@dataclass(frozen=True)
class ItemLabel:
    office: str
    office_name: str
    sign: str
    received: date | None
    code: str


def code_of(tenant: str, sign: str) -> str:
    return f"{PREFIX}:{tenant}:{sign}"


def parse_code(text: str) -> tuple[str | None, str]:
    """(office or None, RPW sign) from a scanned or typed code. Some scanners with a Polish
    keyboard layout send ``;`` for ``:``, which is accepted too."""
    m = _CODE.match(text)
    if m is None:
        raise InvalidInput(f"{text.strip()[:60]!r} is not an RPW number or a label code")
    tenant = m.group("tenant")
    return (tenant.lower() if tenant else None), m.group("sign").upper()


def find(session: Session, actor: Actor, *, text: str, default_tenant: str) -> tuple[str, str]:
    """(office, sign) of the item a code names, when the actor may open it (the read is logged)."""
    tenant, sign = parse_code(text)
    office = tenant or default_tenant
    queries.item_view(session, actor, tenant=office, rpw=sign)
    return office, sign


def label(session: Session, actor: Actor, *, tenant: str, rpw: str) -> ItemLabel:
    item = queries.item_view(session, actor, tenant=tenant, rpw=rpw)
    received = date.fromisoformat(item.received_date[:10]) if item.received_date else None
    return ItemLabel(
        tenant, tenant_by_code(session, tenant).name, item.rpw, received, code_of(tenant, item.rpw)
    )


def label_html(lab: ItemLabel) -> str:
    qr = segno.make(lab.code, error="m").svg_inline(scale=3, border=1)
    received = polish_date(lab.received) if lab.received else ""
    return f"""<!doctype html>
<html lang="pl"><head><meta charset="utf-8"><title>Etykieta {html.escape(lab.sign)}</title>
<style>
@page {{ size: 70mm 36mm; margin: 2mm; }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 8pt; margin: 0; display: flex; }}
.qr {{ width: 30mm; }} .qr svg {{ width: 30mm; height: 30mm; }}
.text {{ padding-left: 2mm; }} .sign {{ font-size: 13pt; font-weight: bold; margin: 1mm 0; }}
</style></head>
<body><div class="qr">{qr}</div><div class="text">
<div>{html.escape(lab.office_name)}</div>
<div class="sign">{html.escape(lab.sign)}</div>
<div>Data wpływu: {html.escape(received)}</div>
<div>{html.escape(lab.code)}</div>
</div></body></html>"""


def label_pdf(lab: ItemLabel) -> bytes:
    from weasyprint import HTML  # imported on use: pango is loaded only by printouts

    pdf: bytes = HTML(string=label_html(lab)).write_pdf()
    return pdf
