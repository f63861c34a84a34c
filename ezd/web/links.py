"""Short-lived signed download links (the local-store stand-in for an S3 presigned URL).

The link names one stored version and the person it was issued to; it works without the
session cookie (so it can be opened in a viewer) for :data:`LINK_TTL_S` seconds, and each use is
written to the access log under that person's login.
"""

from __future__ import annotations

from fastapi import Request

from ezd.web.security import read_payload, sign_payload

LINK_TTL_S = 300
PURPOSE = "download"


def download_link(request: Request, *, tenant: str, uid: str, version: int, login: str) -> tuple[str, int]:
    token = sign_payload(
        request.app.state.secret, PURPOSE, {"t": tenant, "u": uid, "v": version, "a": login}, LINK_TTL_S
    )
    return f"/files/{token}", LINK_TTL_S


def read_link(request: Request, token: str) -> dict[str, object] | None:
    return read_payload(request.app.state.secret, PURPOSE, token)
