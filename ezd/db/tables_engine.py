"""The engine outbox (see workflow/outbox.py and its migration 0004_engine_outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ezd.db.base import Base, utcnow
from ezd.db.tables import BigId


class EngineCommand(Base):
    """A call to the remote workflow engine, stored with the records it belongs to.

    ``dedup_key`` is unique while set: the second transaction that tries to complete the same
    user task conflicts here, in the database, instead of after both have committed.
    """

    __tablename__ = "engine_command"
    __table_args__ = (Index("ix_engine_command_pending", "status", "id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    op: Mapped[str] = mapped_column(String(30))  # start | claim | complete | correlate
    business_key: Mapped[str] = mapped_column(String(140), index=True)
    args: Mapped[dict[str, object]] = mapped_column(JSON)
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
