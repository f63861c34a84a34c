"""Tables of the intake channels (migration 0006_mail): an office's IMAP mailbox, and the
e-mail messages already registered (the idempotency record of the mailbox poll)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ezd.db.base import Base, utcnow
from ezd.db.tables import BigId


class OfficeMailbox(Base):
    """The office's incoming e-mail box. The password is not here: it is a secret file beside
    the office's seal (``$EZD_HOME/keys/offices/<code>/imap.password``, mode 0600)."""

    __tablename__ = "office_mailbox"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(255))
    security: Mapped[str] = mapped_column(String(10))  # tls | starttls | none (loopback only)
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EmailIntake(Base):
    """One e-mail message registered in the RPW, by its key (Message-ID, else the SHA-256 of the
    message): a message seen again (a re-poll after a crash, a copy) is never registered twice."""

    __tablename__ = "email_intake"
    __table_args__ = (UniqueConstraint("tenant_id", "message_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    message_key: Mapped[str] = mapped_column(String(300))
    rpw: Mapped[str] = mapped_column(String(30))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
