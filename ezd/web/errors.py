"""Errors → responses: one line for people, no stack traces, nothing from other offices.

The API answers JSON ``{"detail": "..."}``; pages render the error template.  Unexpected errors
are logged server-side with a reference and shown as a generic message with that reference.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ezd.web.dependencies import CsrfRejected, NotAuthenticated
from ezd.web.security import TooManyAttempts

log = logging.getLogger("ezd.web")


def _status_of(exc: Exception) -> int | None:
    from ezd.records.errors import ConflictError, InvalidInput, InvalidState, NotFound, PermissionDenied
    from ezd.records.jrwa import JrwaError
    from ezd.storage.errors import StorageError
    from ezd.workflow.operaton import EngineUnavailable
    from ezd.workflow.port import TaskNotFound, WorkflowError
    from ezd.xmlsafe import XMLRejected

    table: list[tuple[type[Exception], int]] = [
        (NotFound, 404),
        (PermissionDenied, 403),
        (InvalidInput, 400),
        (InvalidState, 409),
        (ConflictError, 409),
        (JrwaError, 400),
        (XMLRejected, 400),
        (TaskNotFound, 409),
        (EngineUnavailable, 503),  # engine down or behind (outbox): try again shortly
        (WorkflowError, 409),
        (StorageError, 503),
    ]
    for cls, status in table:
        if isinstance(exc, cls):
            return status
    return None


def wants_json(request: Request) -> bool:
    return (
        request.url.path.startswith(("/api/", "/files/"))
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


def error_response(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    from ezd.web.ui.render import render_error

    return render_error(request, status, message)


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _unauth(request: Request, exc: NotAuthenticated) -> Response:
        if wants_json(request):
            return JSONResponse(
                {"detail": "sign in first"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return error_response(
            request, 403, "the form has expired or did not come from this site; reload the page"
        )

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, exc: TooManyAttempts) -> Response:
        return error_response(request, 429, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
            parts.append(f"{where}: {err.get('msg', 'invalid')}")
        return error_response(request, 422, "; ".join(parts) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        return error_response(request, exc.status_code, detail)

    async def _known(request: Request, exc: Exception) -> Response:
        status = _status_of(exc)
        if status is None or status >= 500:
            return _unexpected(request, exc)
        text = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        return error_response(request, status, text)

    for cls in _known_errors():
        app.add_exception_handler(cls, _known)

    @app.exception_handler(Exception)
    async def _any(request: Request, exc: Exception) -> Response:
        return _unexpected(request, exc)


def _known_errors() -> tuple[type[Exception], ...]:
    from ezd.records.errors import EzdError
    from ezd.records.jrwa import JrwaError
    from ezd.storage.errors import StorageError
    from ezd.workflow.port import WorkflowError
    from ezd.xmlsafe import XMLRejected

    return (EzdError, JrwaError, XMLRejected, WorkflowError, StorageError)


def _unexpected(request: Request, exc: Exception) -> Response:
    ref = uuid.uuid4().hex[:12]
    log.error("unhandled error %s on %s %s", ref, request.method, request.url.path, exc_info=exc)
    return error_response(
        request, 500, f"internal error (reference {ref}); the administrator can find it in the log"
    )
