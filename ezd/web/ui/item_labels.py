"""The paper letter's label (PDF with a QR code), and finding an item by a scanned code."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ezd.services import item_labels
from ezd.web.dependencies import Me, UoW
from ezd.web.ui.common import rpw_parts, tenant_of

router = APIRouter()


@router.get("/rpw/kod")
def find_by_code(request: Request, me: Me, uow: UoW, kod: str = "") -> Response:
    """What a hand-held scanner types (``EZD:office:RPW/n/yyyy``), or an RPW sign typed by hand."""
    tenant, sign = item_labels.find(uow.session, me.actor, text=kod, default_tenant=tenant_of(me, request))
    year, number = rpw_parts(sign)
    return RedirectResponse(f"/rpw/{tenant}/{year}/{number}", status_code=303)


@router.get("/rpw/{tenant}/{year}/{number}/etykieta.pdf")
def label_pdf(tenant: str, year: int, number: int, me: Me, uow: UoW) -> Response:
    lab = item_labels.label(uow.session, me.actor, tenant=tenant, rpw=f"RPW/{number}/{year}")
    return Response(
        item_labels.label_pdf(lab),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="etykieta-RPW-{number}-{year}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
