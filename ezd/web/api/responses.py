"""The API's one error body and the per-route list of statuses it documents.

Every error the API answers -- a domain error, a refused sign-in, a request that does not match
the schema, an engine that is down -- is the same JSON object::

    {"detail": "<one line for a person>", "code": "<stable machine code>", "fields": [...]}

``detail`` is what a person reads; ``code`` is what a client branches on (it never changes with
the wording); ``fields`` lists the fields a 422 refused (empty otherwise).  Routes declare with
:func:`errors` exactly the statuses they can answer, so the OpenAPI spec names each one with
this body (tests/web/test_schemathesis.py holds the API to it).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class ErrorCode(StrEnum):
    invalid_input = "invalid_input"  # 400: data the schema cannot judge (unknown unit, bad XML…)
    not_authenticated = "not_authenticated"  # 401
    forbidden = "forbidden"  # 403: role × unit × tenant
    csrf = "csrf"  # 403: a cookie request without the form's token
    not_found = "not_found"  # 404, also for records of other offices
    method_not_allowed = "method_not_allowed"  # 405
    invalid_state = "invalid_state"  # 409: not allowed in the record's current state
    conflict = "conflict"  # 409: someone else changed it first
    duplicate = "duplicate"  # 409: the letter looks registered already (register again with a reason)
    validation = "validation"  # 422: the request does not match the schema
    throttled = "throttled"  # 429
    internal = "internal"  # 500, with a reference for the log
    unavailable = "unavailable"  # 503: engine or object store down; try again shortly


class FieldError(BaseModel):
    field: str = Field(description="Where: a dotted path inside the body, query or path")
    problem: str = Field(description="What is wrong, in Polish")


class ErrorBody(BaseModel):
    """The body of every error answer of the API."""

    detail: str = Field(description="One line for a person")
    code: ErrorCode
    fields: list[FieldError] = Field(default_factory=list, description="Refused fields (422 only)")


class DuplicateBody(ErrorBody):
    """409 of a registration that looks like an earlier one: the clerk compares, then registers
    again with ``duplicate_reason`` (other 409s of the route leave both links empty)."""

    earlier: str | None = Field(default=None, description="RPW sign of the earlier item")
    earlier_url: str | None = Field(default=None, description="API address of the earlier item")


_WHAT = {
    400: "Niepoprawne dane (np. nieznana komórka, odrzucony XML)",
    401: "Brak ważnej sesji: zaloguj się",
    403: "Brak uprawnień (rola × komórka × urząd) albo brak tokenu CSRF",
    404: "Nie znaleziono (także rekordy innego urzędu)",
    409: "Czynność niedozwolona w obecnym stanie albo równoczesna zmiana",
    422: "Żądanie niezgodne ze schematem",
    429: "Zbyt wiele prób; spróbuj później",
    503: "Silnik procesów lub magazyn obiektów chwilowo niedostępny; spróbuj ponownie",
}

READ = (401, 403, 404, 422)  # a tenant-scoped read
WRITE = (400, 401, 403, 404, 409, 422, 503)  # a write that may reach the engine or the store


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each status with the error body."""
    return {s: {"model": ErrorBody, "description": _WHAT[s]} for s in sorted(set(statuses))}
