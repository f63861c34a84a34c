"""Tables of case handling by the law (migration 0005_kpa): suspensions of the term."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ezd.db.base import Base, utcnow
from ezd.db.tables import BigId


class CasePause(Base):
    """A period not counted into the case's term (art. 35 §5 KPA), e.g. a suspension."""

    __tablename__ = "case_pause"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
