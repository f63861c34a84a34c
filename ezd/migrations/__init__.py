"""Alembic migrations (run with ``ezd db upgrade``; CLI commands upgrade automatically)."""
