"""Persistence: SQLAlchemy 2 tables, engine setup, counters, the unit of work."""
