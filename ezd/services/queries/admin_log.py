"""The administrative log's read model (the office's own metryka chain, a page at a time)."""

from __future__ import annotations

from pydantic import JsonValue

from ezd.services.queries.models import ReadModel


class AdminLogEntry(ReadModel):
    seq: int
    at: str  # ISO 8601, naive UTC, as every timestamp of the API
    actor: str
    actor_name: str  # the person's full name; a system step's name as it is
    on_behalf_of: str | None
    action: str
    details: dict[str, JsonValue]


class AdminLogPage(ReadModel):
    entries: list[AdminLogEntry]
    page: int
    pages: int
    total: int
    actions: list[str]  # every action in the office's log, for the filter
