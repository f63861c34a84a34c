"""Gapless counters (RPW numbers, outgoing register, case sequence numbers).

How gaplessness is guaranteed
-----------------------------
A number is taken by incrementing a counter row *inside the same transaction* that stores the
record carrying the number.  If that transaction rolls back (validation error, crash, killed
process), the increment rolls back with it: no number is burned.  Two concurrent registrations
cannot get the same number:

* **PostgreSQL** -- one upsert, ``INSERT ... VALUES (..., 1) ON CONFLICT DO UPDATE SET last =
  counter.last + 1 RETURNING last``: the first number of a year creates the row, every later one
  takes the existing row's lock for its update; a concurrent transaction blocks on that row
  until the first commits or rolls back, then updates the committed value (ON CONFLICT DO
  UPDATE always works on the latest committed row version). Two transactions creating the same
  year's row at once: the second waits on the unique index and then takes the update branch.
* **SQLite** -- every transaction starts with ``BEGIN IMMEDIATE`` (see ``ezd.db.engine``), so
  only one writer runs at a time; the next waits on ``busy_timeout``.  WAL mode with
  ``synchronous=FULL`` makes a committed number survive power loss.

The unique constraints on (tenant, year, number) and on case signs back this up: a logic error
would fail loudly rather than issue a duplicate.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ezd.db.tables import Counter


def next_value(session: Session, *, tenant_id: int, kind: str, scope: str, year: int) -> int:
    dialect = session.get_bind().dialect.name
    value = session.execute(
        _NEXT[dialect],
        {"tenant_id": tenant_id, "kind": kind, "scope": scope, "year": year},
    ).scalar_one()
    return int(value)


def _next(dialect: str) -> Any:
    """The counter's next value in one statement (created at 1 on first use)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, Counter.__table__)
    return (
        insert(table)
        .values(
            tenant_id=bindparam("tenant_id"),
            kind=bindparam("kind"),
            scope=bindparam("scope"),
            year=bindparam("year"),
            last=1,
        )
        .on_conflict_do_update(
            index_elements=["tenant_id", "kind", "scope", "year"], set_={"last": table.c.last + 1}
        )
        .returning(table.c.last)
    )


_NEXT = {name: _next(name) for name in ("postgresql", "sqlite")}
