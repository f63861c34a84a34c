"""Tables of case handling by the law (migration 0005_kpa): suspensions of the term, approval steps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
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


class ApprovalStep(Base):
    """One step a draft version must pass: an approval of the chain (in ``seq`` order) or an opinion
    of another unit (all at once). The records hold who decided; the process only waits."""

    __tablename__ = "approval_step"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # approval | opinion
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(12), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    on_behalf_of: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(String(1000))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)


class Notification(Base):
    """One message of a person's in-app inbox; ``dedup_key`` keeps a periodic scan from repeating it."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(String(1000))
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)


class DecreeCopy(Base):
    """ "Do wiadomości": a unit or a person that sees a decreed item and is told, but does not act
    on it (migration 0009_kpa_web). Exactly one of ``unit_id`` and ``user_id`` is set."""

    __tablename__ = "decree_copy"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("incoming_item.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class JrwaApprovalRule(Base):
    """The approval rule of one JRWA class (migration 0009_kpa_web)."""

    __tablename__ = "jrwa_approval_rule"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    jrwa_class_id: Mapped[int] = mapped_column(ForeignKey("jrwa_class.id"), unique=True)
    chains: Mapped[str] = mapped_column(String(300))  # "kierownik|kierownik,sekretarz"
    required_opinions: Mapped[str] = mapped_column(String(300), default="")  # "GK,RG"
    extra_opinions: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
