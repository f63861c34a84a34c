"""Alembic environment: the connection comes from ezd (``config.attributes['connection']``)."""

from __future__ import annotations

from alembic import context

from ezd.db import all_tables  # noqa: F401  (registers every table on Base.metadata)
from ezd.db.base import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=Base.metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
