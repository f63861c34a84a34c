"""Requests between partner offices under art. 106 KPA (migration 0008_xoffice).

One row is the whole exchange: the asking office's case, the asked office's RPW item, the term
and its notice of delay, the answer on both sides. Each office reads only its own side of it
(``ezd.services.opinions``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ezd.db.base import Base, utcnow
from ezd.db.tables import BigId


class OpinionRequest(Base):
    __tablename__ = "opinion_request"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # the random half of the asking process's business key: a message for this exchange must
    # name it, so no office can reach another office's process by guessing a case sign
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # opinia | uzgodnienie | informacja
    from_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    to_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), index=True)
    rpw_there: Mapped[str | None] = mapped_column(String(30))  # the RPW sign in the asked office
    subject: Mapped[str] = mapped_column(String(500))
    # the exchanged documents: [{"title", "sha256", "media_type", "filename"}]
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    deadline: Mapped[date] = mapped_column(Date)
    delay_until: Mapped[date | None] = mapped_column(Date)
    delay_reason: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default="sent")  # sent|received|answered|refused
    unit_there: Mapped[str | None] = mapped_column(String(30))
    answer_text: Mapped[str | None] = mapped_column(String(4000))
    answer_by: Mapped[str | None] = mapped_column(String(64))
    answer_sha256: Mapped[str | None] = mapped_column(String(64))  # B's sealed answer
    answer_document_uid: Mapped[str | None] = mapped_column(String(36))  # the answer in A's case
    forwarded_to: Mapped[str | None] = mapped_column(String(20))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
