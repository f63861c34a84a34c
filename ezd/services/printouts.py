"""Printable registers: the RPW and the outgoing register for a period, the spis spraw of a teczka
(unit, JRWA class, year) -- as CSV (for a spreadsheet) and PDF (WeasyPrint).

Cells a spreadsheet would run as formulas (a sender can write such a title) are neutralised by
:mod:`ezd.records.csvsafe`.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.clock import WARSAW, office_date, polish_date
from ezd.db.tables import CaseFile, IncomingItem, JrwaClass, OutgoingItem, Unit
from ezd.records.csvsafe import safe_row
from ezd.records.errors import InvalidInput, PermissionDenied
from ezd.records.tenancy import Role
from ezd.services.actor import Actor, unit_by_code
from ezd.services.audit import log_read
from ezd.services.lookup import tenant_by_code

CHANNELS = {
    "epuap": "ePUAP",
    "e-doreczenia": "e-Doręczenia",
    "poczta": "poczta",
    "osobiscie": "osobiście",
    "email": "e-mail",
    "kurier": "kurier",
}
CASE_STATES = {
    "open": "w toku",
    "in_approval": "w akceptacji",
    "sent": "wysłana",
    "closed": "zakończona",
    "archived": "w archiwum",
}
MAX_DAYS = 366


@dataclass(frozen=True)
class Printout:
    title: str
    office: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


def _day(value: date | None) -> str:
    return polish_date(value) if value else ""


def _utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The naive-UTC range of the Warsaw days ``start``..``end`` (as the database stores times)."""
    lo = datetime.combine(start, time.min, tzinfo=WARSAW).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=WARSAW).astimezone(UTC)
    return lo.replace(tzinfo=None), hi.replace(tzinfo=None)


def _period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("koniec okresu przypada przed jego początkiem")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(f"okres rejestru może mieć najwyżej {MAX_DAYS} dni")


def incoming_register(session: Session, actor: Actor, *, tenant: str, start: date, end: date) -> Printout:
    """The RPW entries registered on the Warsaw days ``start``..``end``."""
    t = tenant_by_code(session, tenant)
    actor.require(tenant, Role.KANCELARIA)
    _period(start, end)
    lo, hi = _utc_bounds(start, end)
    units = dict(session.execute(select(Unit.id, Unit.code).where(Unit.tenant_id == t.id)).tuples().all())
    items = session.execute(
        select(IncomingItem)
        .where(
            IncomingItem.tenant_id == t.id, IncomingItem.registered_at >= lo, IncomingItem.registered_at < hi
        )
        .order_by(IncomingItem.year, IncomingItem.number)
    ).scalars()
    rows = [
        (
            i.sign,
            _day(office_date(i.registered_at)),
            _day(i.received_date),
            i.sender,
            i.sender_reference or "",
            _day(i.letter_date),
            i.title,
            CHANNELS.get(i.channel, i.channel),
            str(i.attachments),
            units.get(i.unit_id or 0, ""),
        )
        for i in items
    ]
    log_read(
        session, actor=actor.login, tenant_id=t.id, object_type="rpw-print", object_ref=f"{start}..{end}"
    )
    return Printout(
        f"Rejestr przesyłek wpływających {polish_date(start)}–{polish_date(end)}",
        t.name,
        (
            "Numer",
            "Data rejestracji",
            "Data wpływu",
            "Nadawca",
            "Znak pisma",
            "Data pisma",
            "Dotyczy",
            "Sposób doręczenia",
            "Załączniki",
            "Komórka",
        ),
        rows,
    )


def outgoing_register(session: Session, actor: Actor, *, tenant: str, start: date, end: date) -> Printout:
    """The outgoing register: items dispatched on the Warsaw days ``start``..``end``."""
    t = tenant_by_code(session, tenant)
    actor.require(tenant, Role.KANCELARIA)
    _period(start, end)
    lo, hi = _utc_bounds(start, end)
    rows = [
        (
            o.sign,
            _day(office_date(o.dispatched_at)),
            o.addressee,
            sign,
            CHANNELS.get(o.channel, o.channel),
            _day(office_date(o.delivered_at)) if o.delivered_at else "",
        )
        for o, sign in session.execute(
            select(OutgoingItem, CaseFile.sign)
            .join(CaseFile, CaseFile.id == OutgoingItem.case_id)
            .where(
                OutgoingItem.tenant_id == t.id,
                OutgoingItem.dispatched_at >= lo,
                OutgoingItem.dispatched_at < hi,
            )
            .order_by(OutgoingItem.year, OutgoingItem.number)
        ).tuples()
    ]
    log_read(
        session, actor=actor.login, tenant_id=t.id, object_type="outgoing-print", object_ref=f"{start}..{end}"
    )
    return Printout(
        f"Rejestr przesyłek wychodzących {polish_date(start)}–{polish_date(end)}",
        t.name,
        ("Numer", "Data wysłania", "Adresat", "Znak sprawy", "Sposób wysyłki", "Data doręczenia"),
        rows,
    )


def case_list(session: Session, actor: Actor, *, tenant: str, unit: str, jrwa: str, year: int) -> Printout:
    """The spis spraw of one teczka: the cases of a unit in a JRWA class opened in a year."""
    t = tenant_by_code(session, tenant)
    unit_row = unit_by_code(session, t.id, unit)
    if not any(actor.can(tenant, role, unit) for role in (Role.KIEROWNIK, Role.REFERENT, Role.SEKRETARZ)):
        raise PermissionDenied(f"spis spraw komórki {unit} widzą jej pracownicy i sekretarz")
    klass = session.execute(
        select(JrwaClass).where(JrwaClass.tenant_id == t.id, JrwaClass.symbol == jrwa)
    ).scalar_one_or_none()
    if klass is None:
        raise InvalidInput(f"nie ma klasy JRWA {jrwa}")
    cases = session.execute(
        select(CaseFile)
        .where(
            CaseFile.tenant_id == t.id, CaseFile.unit_id == unit_row.id, CaseFile.jrwa_class_id == klass.id
        )
        .where(CaseFile.year == year)
        .order_by(CaseFile.seq)
    ).scalars()
    rows = []
    for case in cases:
        first = session.execute(
            select(IncomingItem.sender)
            .where(IncomingItem.case_id == case.id)
            .order_by(IncomingItem.id)
            .limit(1)
        ).scalar_one_or_none()
        rows.append(
            (
                str(case.seq),
                case.sign,
                case.title,
                first or "",
                _day(office_date(case.opened_at)),
                _day(office_date(case.closed_at)) if case.closed_at else "",
                CASE_STATES.get(case.state, case.state),
            )
        )
    log_read(
        session,
        actor=actor.login,
        tenant_id=t.id,
        object_type="case-spis",
        object_ref=f"{unit}.{jrwa}.{year}",
    )
    return Printout(
        f"Spis spraw {unit}.{jrwa} — {klass.title} — {year}",
        t.name,
        ("Lp.", "Znak sprawy", "Sprawa", "Od kogo wpłynęła", "Data wszczęcia", "Data zakończenia", "Uwagi"),
        rows,
    )


def to_csv(printout: Printout) -> bytes:
    """UTF-8 with a BOM and ';' (what a Polish spreadsheet opens as columns)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(printout.headers)
    for row in printout.rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_html(printout: Printout) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in printout.headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in printout.rows)
    return (
        '<!doctype html><html lang="pl"><head><meta charset="utf-8">'
        "<style>@page { size: A4 landscape; margin: 12mm } body { font-family: sans-serif; font-size: 8pt }"
        " table { border-collapse: collapse; width: 100% } th, td { border: 0.5pt solid #444; padding: 2pt }"
        " th { background: #eee }</style>"
        f"<title>{esc(printout.title)}</title></head><body>"
        f"<p>{esc(printout.office)}</p><h1>{esc(printout.title)}</h1>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p>Pozycji: {len(printout.rows)}</p></body></html>"
    )


def to_pdf(printout: Printout) -> bytes:
    from weasyprint import HTML  # imported on use: pango is loaded only by printouts

    pdf: bytes = HTML(string=to_html(printout)).write_pdf()
    return pdf
