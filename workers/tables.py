"""The workers' own table: the idempotency ledger (:mod:`ezd.workers.ledger`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ezd.db.base import Base, utcnow


class ProcessedTask(Base):
    """Idempotency ledger: an external task's effect is applied once, keyed by task id."""

    __tablename__ = "processed_task"
    task_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    topic: Mapped[str] = mapped_column(String(80))
    done_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    result: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
