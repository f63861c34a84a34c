"""PostgreSQL pool: an idle pooled connection is checked before use, a busy one is not."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

import ezd.db.engine as db_engine
from ezd.bootstrap import App
from ezd.db.tables import Tenant


def _terminate_pool_connections(pg_url: str) -> int:
    """What a database restart does to the pool: every server backend of this database ends."""
    killer = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            )
    finally:
        killer.dispose()


def _count_tenants(app: App) -> int:
    with app.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Tenant)) or 0)


def test_idle_connection_killed_by_a_restart_is_replaced_before_use(
    pg_app: App, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _count_tenants(pg_app)  # the pool now holds a connection
    assert _terminate_pool_connections(pg_url) >= 1
    monkeypatch.setattr(db_engine, "PING_AFTER_IDLE_S", 0.0)  # it has been idle "long enough"
    assert _count_tenants(pg_app) == 0  # pinged, found dead, replaced: no error


def test_connection_in_recent_use_is_not_pinged_and_the_pool_recovers(
    pg_app: App, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_engine, "PING_AFTER_IDLE_S", 3600.0)
    _count_tenants(pg_app)
    statements: list[str] = []

    def log(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    from sqlalchemy import event

    event.listen(pg_app.db, "before_cursor_execute", log)
    try:
        _count_tenants(pg_app)
        assert len(statements) == 1  # no ping: only the query itself
        _terminate_pool_connections(pg_url)
        with pytest.raises(DBAPIError) as failed:  # a restart under load: this operation fails...
            _count_tenants(pg_app)
        assert failed.value.connection_invalidated
        assert _count_tenants(pg_app) == 0  # ...and the next one gets a new connection
    finally:
        event.remove(pg_app.db, "before_cursor_execute", log)
