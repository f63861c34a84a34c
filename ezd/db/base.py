"""Declarative base and shared column types.

Every table of ezd is declared on this one :class:`Base`, wherever it lives (the records' tables
in ezd.db, the engine's and the outbox's in ezd.workflow.tables, the idempotency ledger in
ezd.workers.tables), so Alembic and the test schemas see one metadata (ezd.db.all_tables).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite autoincrements only INTEGER PRIMARY KEY; PostgreSQL gets BIGINT identities.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """Naive UTC: the database stores UTC without zone on both SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)
