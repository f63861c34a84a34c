"""Database engine setup for SQLite (embedded default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, *, sqlite_synchronous: str = "FULL", echo: bool = False) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 60, "check_same_thread": False})
        _configure_sqlite(engine, sqlite_synchronous)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE for every transaction.

    Why BEGIN IMMEDIATE: pysqlite's default deferred BEGIN takes the write lock only at the first
    write, so two transactions that both read a counter and then write would deadlock or fail with
    SQLITE_BUSY mid-transaction.  IMMEDIATE takes the database write lock up front; concurrent
    writers queue on ``busy_timeout`` instead.  This is what makes counters gapless on SQLite.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
