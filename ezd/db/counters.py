"""Gapless counters (RPW numbers, outgoing register, case sequence numbers).

How gaplessness is guaranteed
-----------------------------
A number is taken by incrementing a counter row *inside the same transaction* that stores the
record carrying the number.  If that transaction rolls back (validation error, crash, killed
process), the increment rolls back with it: no number is burned.  Two concurrent registrations
cannot get the same number:

* **PostgreSQL** -- ``UPDATE counter SET last = last + 1 ... RETURNING last`` takes a row lock
  on the counter; a concurrent transaction blocks on that row until the first commits or rolls
  back, then sees the committed value (READ COMMITTED re-evaluates the updated row).
* **SQLite** -- every transaction starts with ``BEGIN IMMEDIATE`` (see ``ezd.db.engine``), so
  only one writer runs at a time; the next waits on ``busy_timeout``.  WAL mode with
  ``synchronous=FULL`` makes a committed number survive power loss.

The unique constraints on (tenant, year, number) and on case signs back this up: a logic error
would fail loudly rather than issue a duplicate.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ezd.db.tables import Counter


def next_value(session: Session, *, tenant_id: int, kind: str, scope: str, year: int) -> int:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(Counter)
        .values(tenant_id=tenant_id, kind=kind, scope=scope, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["tenant_id", "kind", "scope", "year"])
    )
    value = session.execute(
        update(Counter)
        .where(
            Counter.tenant_id == tenant_id, Counter.kind == kind, Counter.scope == scope, Counter.year == year
        )
        .values(last=Counter.last + 1)
        .returning(Counter.last)
    ).scalar_one()
    return int(value)
