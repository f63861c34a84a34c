"""Every table module, so that ``Base.metadata`` is complete (Alembic, test schemas)."""

from ezd.db import tables, tables_archive, tables_engine, tables_web

__all__ = ["tables", "tables_archive", "tables_engine", "tables_web"]
