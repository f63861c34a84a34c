"""The letter on screen: a PDF or image version shown inline, attachments, the original download.

The item and case pages embed ``/dokumenty/.../podglad`` (PDF in the browser's viewer, images as
``<img>``); XML is never sent inline (an XML file can carry script), the page shows it as the
letter read by :mod:`ezd.services.letter_view` instead.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from ezd.records.errors import NotFound
from ezd.services import letter_view
from ezd.web.dependencies import Me, ServiceDeps
from ezd.web.links import download_link

router = APIRouter()


def _safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name) or "plik"


@router.get("/dokumenty/{tenant}/{uid}/{version}/podglad")
def inline(tenant: str, uid: str, version: int, me: Me, deps: ServiceDeps) -> Response:
    name, media_type, data = letter_view.version_content(
        deps, me.actor, tenant=tenant, uid=uid, version=version
    )
    if media_type not in letter_view.INLINE_TYPES:
        raise NotFound("no such document in this office")
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'inline; filename="{_safe_name(name)}"',
            "Cache-Control": "private, no-store",
            # the item and case pages frame it; nothing else may
            "X-Frame-Options": "SAMEORIGIN",
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; frame-ancestors 'self'",
        },
    )


@router.get("/dokumenty/{tenant}/{uid}/{version}/pobierz")
def download(request: Request, tenant: str, uid: str, version: int, me: Me, deps: ServiceDeps) -> Response:
    letter_view.version_content(deps, me.actor, tenant=tenant, uid=uid, version=version)  # checks access
    url, _ttl = download_link(request, tenant=tenant, uid=uid, version=version, login=me.actor.login)
    return RedirectResponse(url, status_code=303)


@router.get("/dokumenty/{tenant}/{uid}/zalaczniki/{index}")
def attachment(tenant: str, uid: str, index: int, me: Me, deps: ServiceDeps) -> Response:
    name, media_type, data = letter_view.attachment_content(
        deps, me.actor, tenant=tenant, uid=uid, index=index
    )
    shown = media_type if media_type in letter_view.INLINE_TYPES else "application/octet-stream"
    disposition = "inline" if shown != "application/octet-stream" else "attachment"
    return Response(
        data,
        media_type=shown,
        headers={
            "Content-Disposition": f'{disposition}; filename="{_safe_name(name)}"',
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; frame-ancestors 'self'",
        },
    )
