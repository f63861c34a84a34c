"""Each office's e-seal: importing it (PKCS#12 file or PKCS#11 token), showing it, signing with it.

The key never enters the database.  An imported PKCS#12 file is copied to
``$EZD_HOME/keys/offices/<code>/eseal.p12`` with its password in ``eseal.password`` beside it
(both mode 0600, as the demo keys); a token's PIN goes to ``eseal.pin``.  The certificate's
subject, issuer and validity are copied into ``office_seal`` so that the expiry warning needs
no key.  A missing or expired seal raises :class:`SealUnavailable` with a message for a person.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.config import Settings
from ezd.db.base import utcnow
from ezd.db.tables import Tenant
from ezd.db.tables_office import OfficeSeal
from ezd.records.errors import InvalidInput, InvalidState, NotFound
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.signatures.errors import SignerKeyError
from ezd.signatures.port import Signer

WARN_DAYS = 30
# the steps that seal with the office's e-seal: held (errors.StepHeld) while it has none
SEALING_TOPICS = ("ezd.issue-upp", "ezd.sign")


class SealUnavailable(InvalidState):
    """The office cannot seal: no e-seal imported, or its certificate is not valid today."""


@dataclass(frozen=True)
class SealInfo:
    office: str
    kind: str  # pkcs12 | pkcs11
    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    days_left: int
    warning: str | None  # Polish text when the seal expires within WARN_DAYS or has expired


def seal_dir(settings: Settings, office: str) -> Path:
    return settings.keys_dir / "offices" / office


def _write_secret(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _info(office: str, row: OfficeSeal, now: datetime) -> SealInfo:
    days = (row.not_after - now).days
    warning = None
    if row.not_after <= now:
        warning = f"e-pieczęć wygasła {row.not_after:%d.%m.%Y}; zaimportuj nową"
    elif days < WARN_DAYS:
        warning = f"e-pieczęć wygasa za {days} dni ({row.not_after:%d.%m.%Y}); zamów nową"
    return SealInfo(
        office, row.kind, row.subject, row.issuer, row.serial, row.not_before, row.not_after, days, warning
    )


def _office(session: Session, actor: Actor, office: str) -> Tenant:
    tenant = session.execute(select(Tenant).where(Tenant.code == office)).scalar_one_or_none()
    if tenant is None or (not actor.system and office not in actor.tenants()):
        raise NotFound(f"nie ma urzędu {office!r}")
    actor.require(office, Role.ADMIN)
    return tenant


def _store(
    session: Session, actor: Actor, tenant: Tenant, signer: Signer, kind: str, **where: str | None
) -> SealInfo:
    cert = x509.load_pem_x509_certificate(signer.certificate_pem)
    now = utcnow()
    not_after = _naive_utc(cert.not_valid_after_utc)
    if not_after <= now:
        raise InvalidInput(f"certyfikat e-pieczęci wygasł {not_after:%d.%m.%Y}; nie zaimportowano")
    row = session.execute(select(OfficeSeal).where(OfficeSeal.tenant_id == tenant.id)).scalar_one_or_none()
    if row is None:
        row = OfficeSeal(tenant_id=tenant.id)
        session.add(row)
    row.kind = kind
    row.p12_path, row.pkcs11_lib = where.get("p12_path"), where.get("pkcs11_lib")
    row.pkcs11_token, row.pkcs11_key_label = where.get("pkcs11_token"), where.get("pkcs11_key_label")
    row.subject, row.issuer = cert.subject.rfc4514_string()[:500], cert.issuer.rfc4514_string()[:500]
    row.serial = format(cert.serial_number, "x")
    row.not_before, row.not_after = _naive_utc(cert.not_valid_before_utc), not_after
    row.imported_at, row.imported_by = now, actor.login
    session.flush()
    audit.record(
        session,
        chain_key=audit.tenant_chain(tenant.code),
        tenant_id=tenant.id,
        actor=actor.login,
        action="import_pieczeci",
        details={
            "kind": kind,
            "subject": row.subject,
            "serial": row.serial,
            "not_after": not_after.isoformat(),
        },
    )
    return _info(tenant.code, row, now)


def import_p12(
    session: Session, settings: Settings, actor: Actor, *, office: str, data: bytes, password: str
) -> SealInfo:
    """Check that the file opens with ``password``, keep a copy for the office and record it."""
    from ezd.signatures.pkcs12 import Pkcs12Signer

    tenant = _office(session, actor, office)
    try:
        signer = Pkcs12Signer(data, password.encode() or None)
    except SignerKeyError:
        raise InvalidInput(
            "nie można otworzyć pliku PKCS#12: złe hasło albo brak klucza i certyfikatu"
        ) from None
    folder = seal_dir(settings, office)
    # a new name per import: a worker that still holds the old seal open keeps a consistent file
    path = folder / f"eseal-{utcnow():%Y%m%d%H%M%S%f}.p12"
    _write_secret(path, data)
    _write_secret(path.with_suffix(".password"), password.encode())
    return _store(session, actor, tenant, signer, "pkcs12", p12_path=str(path))


def import_pkcs11(
    session: Session,
    settings: Settings,
    actor: Actor,
    *,
    office: str,
    lib: Path,
    token: str,
    key_label: str,
    pin: str,
) -> SealInfo:
    """Log in to the token and sign a probe (the signer's constructor) before recording it."""
    from ezd.signatures.hsm import Pkcs11Signer

    tenant = _office(session, actor, office)
    if not lib.is_file():
        raise InvalidInput(f"nie ma biblioteki PKCS#11 {lib}")
    try:
        signer = Pkcs11Signer(lib, token, pin, key_label)
    except SignerKeyError as exc:
        raise InvalidInput(f"nie można użyć klucza {key_label!r} z tokenu {token!r}: {exc}") from None
    _write_secret(seal_dir(settings, office) / "eseal.pin", pin.encode())
    return _store(
        session,
        actor,
        tenant,
        signer,
        "pkcs11",
        pkcs11_lib=str(lib),
        pkcs11_token=token,
        pkcs11_key_label=key_label,
    )


def show_seal(session: Session, actor: Actor, *, office: str) -> SealInfo:
    tenant = session.execute(select(Tenant).where(Tenant.code == office)).scalar_one_or_none()
    if tenant is None or (not actor.system and office not in actor.tenants()):
        raise NotFound(f"nie ma urzędu {office!r}")
    row = session.execute(select(OfficeSeal).where(OfficeSeal.tenant_id == tenant.id)).scalar_one_or_none()
    if row is None:
        raise NotFound(
            f"urząd {office} nie ma e-pieczęci; zaimportuj ją: ezd seal import {office} --p12 PLIK"
        )
    return _info(office, row, utcnow())


@dataclass(frozen=True)
class SealKey:
    """Where an office's seal key is, read once per signing step (see :func:`office_seal_key`)."""

    office: str
    office_name: str
    row_id: int
    imported_at: datetime
    kind: str
    p12_path: str | None
    pkcs11_lib: str | None
    pkcs11_token: str | None
    pkcs11_key_label: str | None


def office_seal_key(session: Session, office: str) -> SealKey:
    """The seal key the office signs with today; :class:`SealUnavailable` in words for the case."""
    tenant = session.execute(select(Tenant).where(Tenant.code == office)).scalar_one()
    row = session.execute(select(OfficeSeal).where(OfficeSeal.tenant_id == tenant.id)).scalar_one_or_none()
    if row is None:
        raise SealUnavailable(
            f"Podpis wstrzymany: {tenant.name} nie ma e-pieczęci. "
            f"Administrator importuje ją poleceniem 'ezd seal import {office}'."
        )
    now = utcnow()
    if row.not_after <= now or row.not_before > now:
        raise SealUnavailable(
            f"Podpis wstrzymany: e-pieczęć urzędu {tenant.name} jest ważna od {row.not_before:%d.%m.%Y} "
            f"do {row.not_after:%d.%m.%Y}. Nową importuje: 'ezd seal import {office}'."
        )
    return SealKey(
        office,
        tenant.name,
        row.id,
        row.imported_at,
        row.kind,
        row.p12_path,
        row.pkcs11_lib,
        row.pkcs11_token,
        row.pkcs11_key_label,
    )


def open_signer(settings: Settings, key: SealKey) -> Signer:
    """Open the key (slow: PKCS#12 decryption or a token login); callers cache by ``key``."""
    folder = seal_dir(settings, key.office)
    try:
        if key.kind == "pkcs11":
            from ezd.signatures.hsm import Pkcs11Signer

            pin = (folder / "eseal.pin").read_text()
            return Pkcs11Signer(
                Path(key.pkcs11_lib or ""), key.pkcs11_token or "", pin, key.pkcs11_key_label or ""
            )
        from ezd.signatures.pkcs12 import Pkcs12Signer

        path = Path(key.p12_path or "")
        return Pkcs12Signer(path, path.with_suffix(".password").read_bytes() or None)
    except (OSError, SignerKeyError) as exc:
        raise SealUnavailable(
            f"Podpis wstrzymany: nie można otworzyć e-pieczęci urzędu {key.office_name} ({exc})."
        ) from None


__all__ = [
    "SEALING_TOPICS",
    "WARN_DAYS",
    "SealInfo",
    "SealKey",
    "SealUnavailable",
    "import_p12",
    "import_pkcs11",
    "office_seal_key",
    "open_signer",
    "show_seal",
]
