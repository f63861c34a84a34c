"""Every table module, so that ``Base.metadata`` is complete (Alembic, test schemas)."""

from ezd.db import tables, tables_archive, tables_intake, tables_kpa, tables_office, tables_web
from ezd.workers import tables as tables_workers
from ezd.workflow import tables as tables_engine

__all__ = [
    "tables",
    "tables_archive",
    "tables_engine",
    "tables_intake",
    "tables_kpa",
    "tables_office",
    "tables_web",
    "tables_workers",
]
