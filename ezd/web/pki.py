"""The demo CA's published revocation data: ``GET /pki/<name>.crl`` (and ``/pki/ca.pem``).

The demo certificates name ``http://127.0.0.1:8000/pki/...`` as their CRL distribution points, so
any validator (DSS, pyHanko, ezd itself) can fetch them from ``ezd serve``; ``ezd verify`` also
finds the same files offline in the trust directory.  Only plain ``*.crl`` / ``ca.pem`` names of
that directory are served.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response

router = APIRouter(include_in_schema=False)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.crl$|^ca\.pem$")
_TYPES = {".crl": "application/pkix-crl", ".pem": "application/x-pem-file"}


@router.get("/pki/{name}")
def published(name: str, request: Request) -> Response:
    settings = request.app.state.core.settings
    trust = Path(settings.trust_dir or settings.keys_dir / "trust")
    path = trust / name
    if not _NAME.match(name) or not path.is_file():
        raise HTTPException(status_code=404, detail="Nie ma takiego pliku.")
    return Response(
        path.read_bytes(),
        media_type=_TYPES[path.suffix],
        headers={"Cache-Control": "public, max-age=3600"},
    )
