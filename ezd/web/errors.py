"""Errors → responses, mapped once for the whole web layer: one line, no stack traces.

The API answers :class:`ezd.web.api.responses.ErrorBody` (``{"detail", "code", "fields"}``) for
every error; pages render the error template.  Both read the catalogue (:mod:`ezd.i18n.errors`):
a page in the page's language, the API's ``detail`` in Polish unless ``Accept-Language: en``.
Domain errors are mapped by family (:data:`FAMILIES`), never per route.  Unexpected errors are
logged server-side with a reference and shown as a generic message with that reference.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ezd.i18n import N_
from ezd.i18n.errors import translate
from ezd.web.api.responses import ErrorBody, ErrorCode, FieldError
from ezd.web.dependencies import CsrfRejected, NotAuthenticated
from ezd.web.i18n import api_language, language, translator
from ezd.web.security import TooManyAttempts

log = logging.getLogger("ezd.web")

# The mapping's own lines are catalogue messages (the API says them in its reader's language);
# a page says them its own way (ezd.i18n.errors pairs each with a page message).
SIGN_IN = N_("Zaloguj się, aby kontynuować.")
CSRF = N_("Formularz wygasł albo nie pochodzi z tej witryny; odśwież stronę.")
UNAVAILABLE = N_("Usługa chwilowo niedostępna (silnik procesów lub magazyn dokumentów); spróbuj za chwilę.")
REFUSED = N_("Żądanie odrzucone.")
INVALID = N_("Niepoprawne żądanie.")
INVALID_FIELDS = N_("Niepoprawne żądanie — %(shown)s.")
UNREADABLE = N_("Niepoprawne żądanie — nie da się odczytać jego treści.")
WRONG_LOGIN = N_("Błędny login lub hasło albo konto jest czasowo zablokowane.")
INTERNAL = N_("Błąd wewnętrzny (numer %(ref)s); administrator znajdzie go w dzienniku.")
HTTP_TEXT = {
    401: (ErrorCode.not_authenticated, SIGN_IN),
    404: (ErrorCode.not_found, N_("Nie znaleziono.")),
    405: (ErrorCode.method_not_allowed, N_("Ta metoda nie jest dozwolona pod tym adresem.")),
}
OWN = frozenset(
    {SIGN_IN, CSRF, UNAVAILABLE, REFUSED, INVALID, INVALID_FIELDS, UNREADABLE, WRONG_LOGIN, INTERNAL}
    | {text for _code, text in HTTP_TEXT.values()}
)


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
    first = request.headers.get("accept", "").split(",")[0]
    if request.url.path.startswith("/files/"):
        # a download link is followed by a browser too: a person gets a page, not raw JSON
        return "text/html" not in first
    return request.url.path.startswith("/api/") or "application/json" in first


def api_detail(request: Request, message: str, params: Mapping[str, object] | None = None) -> str:
    """The API's ``detail`` for a service line or one of :data:`OWN`, in the client's language."""
    t = translator(api_language(request))
    if message in OWN:
        return t(message, **(params or {}))
    return translate(message, t)


def error_response(
    request: Request,
    status: int,
    message: str,
    code: ErrorCode,
    *,
    params: Mapping[str, object] | None = None,
    fields: Sequence[FieldError] = (),
    headers: dict[str, str] | None = None,
) -> Response:
    """The error body for the API; for a person, the page with the message in the page's language.

    ``message`` is a service's line, or one of :data:`OWN` with its ``params``."""
    if wants_json(request):
        body = ErrorBody(detail=api_detail(request, message, params), code=code, fields=list(fields))
        return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)
    from ezd.web.ui.render import render_error

    line = message % params if params else message  # a page pairs the filled line with its own text
    return render_error(request, status, translate(line, translator(language(request))))


# pydantic's error types → what a person is told (catalogue messages)
_PROBLEMS = {
    "missing": N_("pole wymagane"),
    "extra_forbidden": N_("nieznane pole"),
    "string_too_long": N_("za długie"),
    "too_long": N_("za dużo elementów"),
    "string_too_short": N_("za krótkie"),
    "too_short": N_("za mało elementów"),
    "string_pattern_mismatch": N_("niepoprawny format"),
    "string_type": N_("oczekiwano tekstu"),
    "int_parsing": N_("oczekiwano liczby całkowitej"),
    "int_type": N_("oczekiwano liczby całkowitej"),
    "int_from_float": N_("oczekiwano liczby całkowitej"),
    "greater_than_equal": N_("wartość za mała"),
    "greater_than": N_("wartość za mała"),
    "less_than_equal": N_("wartość za duża"),
    "less_than": N_("wartość za duża"),
    "bool_parsing": N_("oczekiwano wartości tak/nie (true/false)"),
    "bool_type": N_("oczekiwano wartości tak/nie (true/false)"),
    "date_parsing": N_("oczekiwano daty rrrr-mm-dd"),
    "date_from_datetime_parsing": N_("oczekiwano daty rrrr-mm-dd"),
    "date_from_datetime_inexact": N_("oczekiwano daty rrrr-mm-dd"),
    "date_type": N_("oczekiwano daty rrrr-mm-dd"),
    "enum": N_("niedozwolona wartość"),
    "literal_error": N_("niedozwolona wartość"),
    "json_invalid": N_("niepoprawny JSON"),
    "model_attributes_type": N_("oczekiwano obiektu JSON"),
    "dict_type": N_("oczekiwano obiektu JSON"),
    "model_type": N_("oczekiwano obiektu JSON"),
    "list_type": N_("oczekiwano listy"),
    "value_error": N_("niepoprawna wartość"),
}


def field_errors(errors: Sequence[Any], t: Callable[..., str]) -> list[FieldError]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        where = ".".join(loc[1:]) or (loc[0] if loc else t("żądanie"))
        problem = _PROBLEMS.get(str(err.get("type")), _PROBLEMS["value_error"])
        out.append(FieldError(field=where, problem=t(problem)))
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _unauth(request: Request, exc: NotAuthenticated) -> Response:
        if wants_json(request):
            return error_response(
                request, 401, SIGN_IN, ErrorCode.not_authenticated, headers={"WWW-Authenticate": "Bearer"}
            )
        if exc.typed is not None:
            from ezd.web.ui.public_pages import sign_in_again

            return sign_in_again(request, exc.typed)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return error_response(request, 403, CSRF, ErrorCode.csrf)

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, exc: TooManyAttempts) -> Response:
        return error_response(request, 429, str(exc), ErrorCode.throttled)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not wants_json(request):
            # a page form: the page's own message (the form is shown again next to its fields)
            return error_response(request, 422, "invalid request", ErrorCode.validation)
        fields = field_errors(exc.errors(), translator(api_language(request)))
        shown = "; ".join(f"{f.field}: {f.problem}" for f in fields[:3])
        return error_response(
            request,
            422,
            INVALID_FIELDS if shown else INVALID,
            ErrorCode.validation,
            params={"shown": shown} if shown else None,
            fields=fields,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:
            # FastAPI's own 400 is a body it could not decode (not UTF-8, broken multipart): to a
            # client that is the request not matching its schema, like malformed JSON (422)
            t = translator(api_language(request))
            problem = FieldError(field="body", problem=t(N_("nie da się odczytać treści żądania")))
            return error_response(request, 422, UNREADABLE, ErrorCode.validation, fields=[problem])
        code, text = HTTP_TEXT.get(exc.status_code, (ErrorCode.invalid_input, REFUSED))
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
    return error_response(request, 500, INTERNAL, ErrorCode.internal, params={"ref": ref})
