"""The session cookie's attributes in one place."""

from __future__ import annotations

import os

from fastapi import Request, Response

from ezd.web.security import SESSION_COOKIE, SESSION_HOURS


def secure_cookies(request: Request) -> bool:
    """Secure behind HTTPS (directly or via a proxy that says so) or when forced by the operator."""
    if os.environ.get("EZD_COOKIE_SECURE") == "1":
        return True
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
