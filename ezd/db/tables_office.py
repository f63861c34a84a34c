"""Office set-up: each office's e-seal and the BPMN deployment ledger (migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ezd.db.base import Base, utcnow
from ezd.db.tables import BigId


class OfficeSeal(Base):
    """The e-seal an office seals its UPP receipts and replies with (one per office).

    The key itself never enters the database: a PKCS#12 file is kept under
    ``$EZD_HOME/keys/offices/<code>/`` (mode 0600, its password beside it), a token key stays in
    the token.  The certificate's facts are copied here so that ``ezd seal show`` and the web
    can warn before expiry without opening the key.
    """

    __tablename__ = "office_seal"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenant.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # pkcs12 | pkcs11
    p12_path: Mapped[str | None] = mapped_column(String(500))
    pkcs11_lib: Mapped[str | None] = mapped_column(String(500))
    pkcs11_token: Mapped[str | None] = mapped_column(String(100))
    pkcs11_key_label: Mapped[str | None] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(500))
    serial: Mapped[str] = mapped_column(String(100))
    not_before: Mapped[datetime] = mapped_column(DateTime)
    not_after: Mapped[datetime] = mapped_column(DateTime)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(64))


class BpmnDeployment(Base):
    """One process version this installation deployed to its engine, with the file's digest."""

    __tablename__ = "bpmn_deployment"
    __table_args__ = (UniqueConstraint("engine", "process_key", "version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    engine: Mapped[str] = mapped_column(String(300))  # "embedded" or the engine URL (+ tenant)
    process_key: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    definition_id: Mapped[str] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DeployLock(Base):
    """A single row every deploying process updates first: concurrent start-ups deploy one at a time."""

    __tablename__ = "deploy_lock"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
