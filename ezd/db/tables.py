"""Tables of ezd (SQLAlchemy 2 declarative, ``Mapped[...]``).

Domain rules live in :mod:`records`; these classes are the persistent shape only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ezd.db.base import Base, BigId, utcnow

# the engine's tables are in ezd.workflow.tables, the idempotency ledger in ezd.workers.tables
__all__ = ["BigId"]


class Tenant(Base):
    __tablename__ = "tenant"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # see ezd.services.office_setup.OFFICE_KINDS
    regon: Mapped[str | None] = mapped_column(String(14))
    epuap_box: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(500))


class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    # units form a tree; a closed unit keeps its row (its cases' signs name it) but takes no new work
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    closed_on: Mapped[date | None] = mapped_column(Date)
    tenant: Mapped[Tenant] = relationship(lazy="joined")


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))  # set-up commands; notifications (EZD_SMTP_*)
    # the office that created the account (set-up commands); older accounts belong via grants only
    home_tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class RoleGrant(Base):
    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    role: Mapped[str] = mapped_column(String(20))
    unit: Mapped[Unit] = relationship(lazy="joined")


class Substitution(Base):
    __tablename__ = "substitution"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    absent_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    substitute_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(64))


class JrwaClass(Base):
    __tablename__ = "jrwa_class"
    __table_args__ = (UniqueConstraint("tenant_id", "symbol"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    symbol: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(500))
    category: Mapped[str | None] = mapped_column(String(8))
    is_leaf: Mapped[bool] = mapped_column(Boolean)
    # records.deadlines.MatterKind of the matters this class holds; None = administrative
    matter_kind: Mapped[str | None] = mapped_column(String(20))


class Counter(Base):
    """Gapless counters: RPW and outgoing register per tenant/year, case seq per unit/JRWA/year."""

    __tablename__ = "counter"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "scope", "year"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    kind: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Document(Base):
    __tablename__ = "document"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    direction: Mapped[str] = mapped_column(String(10))  # incoming | outgoing | internal
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    signature_verdict: Mapped[str | None] = mapped_column(String(20))
    versions: Mapped[list[DocumentVersion]] = relationship(
        order_by="DocumentVersion.version", back_populates="document"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="document")


class DocumentVersion(Base):
    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    document: Mapped[Document] = relationship(back_populates="versions")


class Attachment(Base):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    document: Mapped[Document] = relationship(back_populates="attachments")


class IncomingItem(Base):
    """One entry of the RPW (rejestr przesyłek wpływających)."""

    __tablename__ = "incoming_item"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "number"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    sign: Mapped[str] = mapped_column(String(30))
    registered_at: Mapped[datetime] = mapped_column(DateTime)
    registered_by: Mapped[str] = mapped_column(String(64))
    sender: Mapped[str] = mapped_column(String(300))
    sender_address: Mapped[str | None] = mapped_column(String(500))
    sender_id: Mapped[str | None] = mapped_column(String(100))
    letter_date: Mapped[date | None] = mapped_column(Date)
    received_date: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    access: Mapped[str] = mapped_column(String(20))
    attachments: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(100))
    sender_reference: Mapped[str | None] = mapped_column(String(100))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # dekretacja
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    status: Mapped[str] = mapped_column(String(20), default="registered")
    # registered although it looked like a duplicate of the item with this RPW sign, for a reason
    duplicate_of: Mapped[str | None] = mapped_column(String(30))
    duplicate_reason: Mapped[str | None] = mapped_column(String(500))
    document: Mapped[Document] = relationship(lazy="joined")


class CaseFile(Base):
    """A case (sprawa). Named case_file because CASE is an SQL keyword."""

    __tablename__ = "case_file"
    __table_args__ = (
        UniqueConstraint("tenant_id", "unit_id", "jrwa_class_id", "year", "seq"),
        UniqueConstraint("tenant_id", "sign"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    jrwa_class_id: Mapped[int] = mapped_column(ForeignKey("jrwa_class.id"))
    sign: Mapped[str] = mapped_column(String(60))
    seq: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(8))
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    deadline: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    access_code_hash: Mapped[str | None] = mapped_column(String(200))
    # the deadline's inputs (records.deadlines.case_deadline): kind, the day the term starts
    # (the received date of the letter that started the case) and an art. 36 extension
    matter_kind: Mapped[str | None] = mapped_column(String(20))
    term_start: Mapped[date | None] = mapped_column(Date)
    extension_notified: Mapped[date | None] = mapped_column(Date)
    extension_until: Mapped[date | None] = mapped_column(Date)
    unit: Mapped[Unit] = relationship(lazy="joined")
    jrwa: Mapped[JrwaClass] = relationship(lazy="joined")


class CaseShare(Base):
    """A case explicitly shared with another partner institution."""

    __tablename__ = "case_share"
    __table_args__ = (UniqueConstraint("case_id", "tenant_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    shared_by: Mapped[str] = mapped_column(String(64))
    shared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OutgoingItem(Base):
    """Outgoing register (rejestr przesyłek wychodzących)."""

    __tablename__ = "outgoing_item"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "number"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    sign: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    channel: Mapped[str] = mapped_column(String(20))
    addressee: Mapped[str] = mapped_column(String(300))
    dispatched_at: Mapped[datetime] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    channel_message_id: Mapped[str | None] = mapped_column(String(100))


class MetrykaChain(Base):
    """Head of each hash chain; its row lock serialises appends to one chain."""

    __tablename__ = "metryka_chain"
    chain_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class MetrykaEntry(Base):
    __tablename__ = "metryka_entry"
    __table_args__ = (UniqueConstraint("chain_key", "seq"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    chain_key: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    actor: Mapped[str] = mapped_column(String(64))
    on_behalf_of: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    document_ref: Mapped[str | None] = mapped_column(String(60))
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class AccessLog(Base):
    """Every read of a record (who, when, what)."""

    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenant.id"))
    object_type: Mapped[str] = mapped_column(String(30))
    object_ref: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(30), default="read")
