"""The FastAPI application: the REST API, the pages, static assets.

``create_app(app)`` only wires routes around an already bootstrapped :class:`ezd.bootstrap.App`;
it starts nothing.  ``ezd serve`` adds the in-process worker on the embedded default.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from ezd.bootstrap import App
from ezd.web import errors
from ezd.web.security import AddressThrottle, load_secret
from ezd.web.worker import InProcessWorker

STATIC = Path(__file__).resolve().parent / "static"

API_DESCRIPTION = """REST API of ezd. Sign in with `POST /api/v1/auth/login` and send the returned token as
`Authorization: Bearer <token>` (browsers use the session cookie plus the `X-CSRF-Token` header).
Authorization is role × unit × tenant; records of other offices answer 404."""


def create_app(app: App, *, worker: InProcessWorker | None = None) -> FastAPI:
    from ezd.web import oidc, pki
    from ezd.web.api import (
        admin,
        approval_rules,
        archive,
        auth,
        cases,
        disposal,
        files,
        form_tasks,
        intake,
        office_admin_api,
        opinions,
        public,
        spis,
    )
    from ezd.web.ui import pages

    web = FastAPI(
        title="ezd",
        version="1",
        description=API_DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,  # served below from our own static files: a gmina's intranet may have no internet
        redoc_url=None,
    )
    web.state.core = app
    web.state.secret = load_secret(app.settings)
    web.state.throttle = AddressThrottle()
    web.state.public_throttle = AddressThrottle(limit=20, window_s=600)
    web.state.kick_worker = worker.kick if worker is not None else None
    web.state.worker = worker
    web.state.oidc = oidc.config_from_settings(app.settings)
    web.state.db_gate = threading.Lock() if app.db.dialect.name == "sqlite" else None
    errors.install(web)
    for router in (
        auth.router,
        intake.router,
        cases.router,
        archive.router,
        disposal.router,
        spis.router,
        admin.router,
        office_admin_api.router,
        approval_rules.router,
        public.router,
        files.router,
        form_tasks.router,
        opinions.router,
    ):
        web.include_router(router)
    web.include_router(pages.router)
    web.include_router(oidc.router)
    web.include_router(pki.router)
    web.mount("/static", StaticFiles(directory=STATIC), name="static")

    @web.get("/api/docs", include_in_schema=False)
    def _docs() -> Response:
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="ezd — API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )

    @web.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/api/docs"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                "frame-ancestors 'none'; form-action 'self'",
            )
        return response

    return web
