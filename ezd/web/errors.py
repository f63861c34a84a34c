"""Errors → responses, mapped once for the whole web layer: one line, no stack traces.

The API answers :class:`ezd.web.api.responses.ErrorBody` (``{"detail", "code", "fields"}``) for
every error; pages render the error template with the same line.  Domain errors are mapped by
family (:data:`FAMILIES`), never per route.  Unexpected errors are logged server-side with a
reference and shown as a generic message with that reference.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ezd.web.api.responses import ErrorBody, ErrorCode, FieldError
from ezd.web.dependencies import CsrfRejected, NotAuthenticated
from ezd.web.security import TooManyAttempts

log = logging.getLogger("ezd.web")

SIGN_IN = "Zaloguj się, aby kontynuować."
CSRF = "Formularz wygasł albo nie pochodzi z tej witryny; odśwież stronę."
UNAVAILABLE = "Usługa chwilowo niedostępna (silnik procesów lub magazyn dokumentów); spróbuj za chwilę."
HTTP_TEXT = {
    401: (ErrorCode.not_authenticated, SIGN_IN),
    404: (ErrorCode.not_found, "Nie znaleziono."),
    405: (ErrorCode.method_not_allowed, "Ta metoda nie jest dozwolona pod tym adresem."),
}


def families() -> list[tuple[type[Exception], int, ErrorCode]]:
    """Each error family with its status and code; the first match wins (subclasses first)."""
    from ezd.records.errors import (
        ConflictError,
        EzdError,
        InvalidInput,
        InvalidState,
        NotFound,
        PermissionDenied,
    )
    from ezd.records.jrwa import JrwaError
    from ezd.storage.errors import StorageError
    from ezd.workflow.operaton import EngineUnavailable
    from ezd.workflow.port import TaskNotFound, WorkflowError
    from ezd.xmlsafe import XMLRejected

    return [
        (NotFound, 404, ErrorCode.not_found),
        (PermissionDenied, 403, ErrorCode.forbidden),
        (InvalidInput, 400, ErrorCode.invalid_input),
        (InvalidState, 409, ErrorCode.invalid_state),
        (ConflictError, 409, ErrorCode.conflict),
        (JrwaError, 400, ErrorCode.invalid_input),
        (XMLRejected, 400, ErrorCode.invalid_input),
        (TaskNotFound, 409, ErrorCode.invalid_state),  # the step was done meanwhile
        (EngineUnavailable, 503, ErrorCode.unavailable),  # engine down or behind (outbox): try again
        (WorkflowError, 409, ErrorCode.conflict),
        (StorageError, 503, ErrorCode.unavailable),
        (EzdError, 400, ErrorCode.invalid_input),  # the root: any other one-line error for the user
    ]


def _family(exc: Exception) -> tuple[int, ErrorCode] | None:
    for cls, status, code in families():
        if isinstance(exc, cls):
            return status, code
    return None


def _status_of(exc: Exception) -> int | None:
    found = _family(exc)
    return found[0] if found else None


def wants_json(request: Request) -> bool:
    return (
        request.url.path.startswith(("/api/", "/files/"))
        or "application/json" in request.headers.get("accept", "").split(",")[0]
    )


def error_response(
    request: Request,
    status: int,
    message: str,
    code: ErrorCode,
    *,
    fields: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    if wants_json(request):
        body = ErrorBody(detail=message, code=code, fields=list(fields))
        return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)
    from ezd.web.ui.render import render_error

    return render_error(request, status, message)


# pydantic's error types → what a person is told, in Polish
_PROBLEMS = {
    "missing": "pole wymagane",
    "extra_forbidden": "nieznane pole",
    "string_too_long": "za długie",
    "too_long": "za dużo elementów",
    "string_too_short": "za krótkie",
    "too_short": "za mało elementów",
    "string_pattern_mismatch": "niepoprawny format",
    "string_type": "oczekiwano tekstu",
    "int_parsing": "oczekiwano liczby całkowitej",
    "int_type": "oczekiwano liczby całkowitej",
    "int_from_float": "oczekiwano liczby całkowitej",
    "greater_than_equal": "wartość za mała",
    "greater_than": "wartość za mała",
    "less_than_equal": "wartość za duża",
    "less_than": "wartość za duża",
    "bool_parsing": "oczekiwano wartości tak/nie (true/false)",
    "bool_type": "oczekiwano wartości tak/nie (true/false)",
    "date_parsing": "oczekiwano daty rrrr-mm-dd",
    "date_from_datetime_parsing": "oczekiwano daty rrrr-mm-dd",
    "date_from_datetime_inexact": "oczekiwano daty rrrr-mm-dd",
    "date_type": "oczekiwano daty rrrr-mm-dd",
    "enum": "niedozwolona wartość",
    "literal_error": "niedozwolona wartość",
    "json_invalid": "niepoprawny JSON",
    "model_attributes_type": "oczekiwano obiektu JSON",
    "dict_type": "oczekiwano obiektu JSON",
    "model_type": "oczekiwano obiektu JSON",
    "list_type": "oczekiwano listy",
    "value_error": "niepoprawna wartość",
}


def field_errors(errors: Sequence[Any]) -> list[FieldError]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        where = ".".join(loc[1:]) or (loc[0] if loc else "żądanie")
        out.append(
            FieldError(field=where, problem=_PROBLEMS.get(str(err.get("type")), "niepoprawna wartość"))
        )
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _unauth(request: Request, exc: NotAuthenticated) -> Response:
        if wants_json(request):
            return error_response(
                request, 401, SIGN_IN, ErrorCode.not_authenticated, headers={"WWW-Authenticate": "Bearer"}
            )
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return error_response(request, 403, CSRF, ErrorCode.csrf)

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, exc: TooManyAttempts) -> Response:
        return error_response(request, 429, str(exc), ErrorCode.throttled)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = field_errors(exc.errors())
        shown = "; ".join(f"{f.field}: {f.problem}" for f in fields[:3])
        return error_response(
            request,
            422,
            f"Niepoprawne żądanie — {shown}." if shown else "Niepoprawne żądanie.",
            ErrorCode.validation,
            fields=fields,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:
            # FastAPI's own 400 is a body it could not decode (not UTF-8, broken multipart): to a
            # client that is the request not matching its schema, like malformed JSON (422)
            problem = FieldError(field="body", problem="nie da się odczytać treści żądania")
            return error_response(
                request,
                422,
                "Niepoprawne żądanie — nie da się odczytać jego treści.",
                ErrorCode.validation,
                fields=[problem],
            )
        code, text = HTTP_TEXT.get(exc.status_code, (ErrorCode.invalid_input, "Żądanie odrzucone."))
        if exc.status_code == 401 and isinstance(exc.detail, str):
            text = exc.detail  # a route's own line (the sign-in's)
        # keep the headers: 405 carries Allow, 401 WWW-Authenticate
        return error_response(request, exc.status_code, text, code, headers=dict(exc.headers or {}))

    async def _known(request: Request, exc: Exception) -> Response:
        found = _family(exc)
        if found is None:
            return _unexpected(request, exc)
        status, code = found
        if status == 503:
            # the engine's or the store's own words name hosts and buckets: they go to the log
            log.warning("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path, exc)
            return error_response(request, 503, UNAVAILABLE, code, headers={"Retry-After": "5"})
        text = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        return error_response(request, status, text, code)

    for cls, _status, _code in families():
        app.add_exception_handler(cls, _known)

    @app.exception_handler(Exception)
    async def _any(request: Request, exc: Exception) -> Response:
        return _unexpected(request, exc)


def _unexpected(request: Request, exc: Exception) -> Response:
    ref = uuid.uuid4().hex[:12]
    log.error("unhandled error %s on %s %s", ref, request.method, request.url.path, exc_info=exc)
    return error_response(
        request,
        500,
        f"Błąd wewnętrzny (numer {ref}); administrator znajdzie go w dzienniku.",
        ErrorCode.internal,
    )
