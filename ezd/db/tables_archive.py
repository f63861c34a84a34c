"""Tables of the archive feature (see its migration ``ezd/migrations/versions/0002_archive.py``).

The archive keeps its own register (``archive_entry``: one row per archived case, also for cases
imported from another EZD), where each entry is stored (``archive_location``), the transfer
lists (``transfer_list``), loans, disposal requests and the destruction records kept forever.

Full-text search: ``archive_entry.search_text`` holds the stemmed words (see
:mod:`ezd.archive_ops.stemmer`) plus facet tokens; SQLite indexes it with the FTS5 table
``archive_fts`` (external content, kept in step by triggers), PostgreSQL with the generated
``search_tsv`` tsvector column and its GIN index.  Both are created by the migration only.
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
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ezd.db.base import Base, BigId, utcnow


class ArchiveLocation(Base):
    """A place in the archive store room (regał/półka) or an electronic repository."""

    __tablename__ = "archive_location"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    code: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(300), default="")


class TransferList(Base):
    """Spis zdawczo-odbiorczy: one transfer of a unit's cases to the archiwum zakładowe."""

    __tablename__ = "transfer_list"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "number"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    unit_code: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    xml_sha256: Mapped[str] = mapped_column(String(64))
    html_sha256: Mapped[str] = mapped_column(String(64))


class ArchiveEntry(Base):
    """One archived case in the archive's register (and its search document)."""

    __tablename__ = "archive_entry"
    __table_args__ = (
        UniqueConstraint("tenant_id", "case_sign"),
        Index("ix_archive_entry_filters", "tenant_id", "category", "year"),
        Index("ix_archive_entry_jrwa", "tenant_id", "jrwa_symbol"),
        Index("ix_archive_entry_unit", "tenant_id", "unit_code"),
        Index("ix_archive_entry_retention", "retention_until"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), unique=True)
    source: Mapped[str] = mapped_column(String(20))  # transfer | import
    case_sign: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(1000))
    unit_code: Mapped[str] = mapped_column(String(30))
    jrwa_symbol: Mapped[str] = mapped_column(String(8))
    jrwa_title: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date] = mapped_column(Date)
    sender: Mapped[str | None] = mapped_column(String(1000))
    documents: Mapped[int] = mapped_column(Integer, default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")
    retention_until: Mapped[date | None] = mapped_column(Date)  # None: category A, permanent
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="held")  # held | lent | destroyed | handed_over
    location_id: Mapped[int | None] = mapped_column(ForeignKey("archive_location.id"))
    transfer_list_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_list.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    location: Mapped[ArchiveLocation | None] = relationship(lazy="joined")
    objects: Mapped[list[ArchiveObject]] = relationship(
        back_populates="entry", lazy="selectin", order_by="ArchiveObject.id"
    )


class ArchiveObject(Base):
    """Content and metadata objects of an entry (digests into the object store)."""

    __tablename__ = "archive_object"
    __table_args__ = (UniqueConstraint("entry_id", "sha256", "role"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("archive_entry.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # content | metadata | case_metadata
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(1000), default="")
    document_uid: Mapped[str | None] = mapped_column(String(100))
    entry: Mapped[ArchiveEntry] = relationship(back_populates="objects")


class Loan(Base):
    """Udostępnienie: an entry lent to a person, with a due date and its return."""

    __tablename__ = "archive_loan"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("archive_entry.id"), index=True)
    borrower: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(500), default="")
    lent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lent_by: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    returned_to: Mapped[str | None] = mapped_column(String(64))


class DisposalRequest(Base):
    """Brakowanie: the request to the state archive, its consent and the execution."""

    __tablename__ = "disposal_request"
    __table_args__ = (UniqueConstraint("tenant_id", "year", "number"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # requested | consented | refused | executed
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    request_sha256: Mapped[str] = mapped_column(String(64))
    consent_sha256: Mapped[str | None] = mapped_column(String(64))
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_ref: Mapped[str | None] = mapped_column(String(100))
    executed_at: Mapped[datetime | None] = mapped_column(DateTime)
    protocol_sha256: Mapped[str | None] = mapped_column(String(64))
    items: Mapped[list[DisposalItem]] = relationship(lazy="selectin", order_by="DisposalItem.id")


class DisposalItem(Base):
    __tablename__ = "disposal_item"
    __table_args__ = (UniqueConstraint("request_id", "entry_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("disposal_request.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("archive_entry.id"))
    entry: Mapped[ArchiveEntry] = relationship(lazy="joined")


class DestructionRecord(Base):
    """What was destroyed, when, on whose consent -- kept forever (no foreign key to delete through)."""

    __tablename__ = "destruction_record"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    request_id: Mapped[int] = mapped_column(ForeignKey("disposal_request.id"))
    case_sign: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(1000))
    jrwa_symbol: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(8))
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    digests: Mapped[list[str]] = mapped_column(JSON, default=list)
    destroyed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    destroyed_by: Mapped[str] = mapped_column(String(64))
    protocol_sha256: Mapped[str] = mapped_column(String(64))


class ImportBatch(Base):
    """One paczka archiwalna imported from another EZD system."""

    __tablename__ = "archive_import"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"))
    package_name: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(64))
    cases: Mapped[int] = mapped_column(Integer)
    files: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
