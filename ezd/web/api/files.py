"""``/files/{token}``: serving a stored version through a short-lived signed link."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from ezd.records.errors import NotFound
from ezd.services import audit, queries
from ezd.services.actor import load_actor
from ezd.web.api.responses import errors
from ezd.web.dependencies import UoW, core
from ezd.web.links import read_link

router = APIRouter(tags=["files"])


@router.get(
    "/files/{token}",
    summary="Download through a signed link from .../link",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **errors(403, 404, 422, 503)},
)
def download(token: Annotated[str, Path(max_length=2000)], request: Request, uow: UoW) -> Response:
    data = read_link(request, token)
    if data is None:
        raise NotFound("this link has expired or is not valid; ask for a new one")
    # rights are checked again at use: a link outlives nothing the person has lost since
    actor = load_actor(uow.session, str(data["a"]), date.today())
    doc, ver = queries.document_version(
        uow.session, actor, tenant=str(data["t"]), uid=str(data["u"]), version=int(str(data["v"]))
    )
    content = core(request).store.get(ver.sha256)
    audit.log_read(
        uow.session,
        actor=actor.login,
        tenant_id=doc.tenant_id,
        object_type="document",
        object_ref=f"{doc.uid}/v{ver.version}",
    )
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in ver.filename) or "plik"
    return Response(
        content,
        media_type=ver.media_type
        if ver.media_type in ("application/pdf", "application/xml")
        else "application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
