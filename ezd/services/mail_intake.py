"""Incoming e-mail: the office's mailbox settings, and registering one message in the RPW.

A message is registered once: its key (the ``Message-ID``, else the SHA-256 of the message) is
recorded in ``email_intake`` in the same transaction as its RPW number, under a unique
constraint. A message seen again -- the mailbox poll repeated after a crash between the commit
and marking the message read, or the same ``.eml`` registered by hand -- is answered with the
earlier number and registers nothing; two pollers racing for one message cannot both commit.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd import eml
from ezd.config import Settings
from ezd.db.base import utcnow
from ezd.db.tables_intake import EmailIntake, OfficeMailbox
from ezd.records.errors import InvalidInput, NotFound
from ezd.records.intake import Channel
from ezd.records.tenancy import Role
from ezd.services import audit
from ezd.services.actor import Actor
from ezd.services.deps import Deps
from ezd.services.intake import Registered, register_incoming
from ezd.services.lookup import tenant_by_code

SECURITY = ("tls", "starttls", "none")
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class MailboxInfo:
    office: str
    host: str
    port: int
    username: str
    security: str
    folder: str
    enabled: bool
    has_password: bool


@dataclass(frozen=True)
class EmailRegistration:
    rpw: str
    new: bool  # False: the message was registered earlier under ``rpw``
    registered: Registered | None = None


def password_path(settings: Settings, office: str) -> Path:
    return settings.keys_dir / "offices" / office / "imap.password"


def _write_secret(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def read_password(settings: Settings, office: str) -> str:
    path = password_path(settings, office)
    if not path.exists():
        raise NotFound(f"no mailbox password is set for {office}; run 'ezd mailbox set'")
    return path.read_text(encoding="utf-8")


def configure(
    session: Session,
    settings: Settings,
    actor: Actor,
    *,
    office: str,
    host: str,
    port: int,
    username: str,
    security: str,
    folder: str = "INBOX",
    password: str | None = None,
) -> MailboxInfo:
    """Set the office's mailbox (administrator only); the password goes to a 0600 file."""
    tenant = tenant_by_code(session, office)
    on_behalf = actor.require(office, Role.ADMIN)
    if security not in SECURITY:
        raise InvalidInput(f"unknown mailbox security {security!r}; allowed: tls, starttls, none")
    if security == "none" and host not in LOOPBACK:
        raise InvalidInput("an unencrypted mailbox connection is allowed only to this machine (127.0.0.1)")
    if not host.strip() or not username.strip():
        raise InvalidInput("the mailbox needs a server and a user name")
    if not 0 < port < 65536:
        raise InvalidInput(f"port {port} is not a TCP port")
    row = session.execute(
        select(OfficeMailbox).where(OfficeMailbox.tenant_id == tenant.id)
    ).scalar_one_or_none()
    if row is None:
        row = OfficeMailbox(tenant_id=tenant.id)
        session.add(row)
    row.host, row.port, row.username, row.security = host.strip(), port, username.strip(), security
    row.folder, row.enabled, row.updated_at = folder.strip() or "INBOX", True, utcnow()
    if password is not None:
        _write_secret(password_path(settings, office), password.encode())
    audit.on_office(
        session,
        tenant,
        actor=actor.login,
        on_behalf_of=on_behalf,
        action="konfiguracja_skrzynki",
        details={
            "host": row.host,
            "port": port,
            "user": row.username,
            "security": security,
            "folder": row.folder,
        },
    )
    session.flush()
    return _info(office, row, settings)


def mailbox(session: Session, settings: Settings, office: str) -> MailboxInfo | None:
    tenant = tenant_by_code(session, office)
    row = session.execute(
        select(OfficeMailbox).where(OfficeMailbox.tenant_id == tenant.id)
    ).scalar_one_or_none()
    return _info(office, row, settings) if row is not None else None


def offices_with_mailbox(session: Session) -> list[str]:
    from ezd.db.tables import Tenant

    q = select(Tenant.code).join(OfficeMailbox, OfficeMailbox.tenant_id == Tenant.id)
    return list(session.execute(q.where(OfficeMailbox.enabled).order_by(Tenant.code)).scalars())


def _info(office: str, row: OfficeMailbox, settings: Settings) -> MailboxInfo:
    return MailboxInfo(
        office=office,
        host=row.host,
        port=row.port,
        username=row.username,
        security=row.security,
        folder=row.folder,
        enabled=row.enabled,
        has_password=password_path(settings, office).exists(),
    )


def message_key(letter: eml.EmailLetter, data: bytes) -> str:
    if letter.message_id:
        return "mid:" + letter.message_id[:290]
    return "sha256:" + hashlib.sha256(data).hexdigest()


def register_email(
    deps: Deps, actor: Actor, *, tenant: str, data: bytes, filename: str = "wiadomosc.eml"
) -> EmailRegistration:
    """Register one message (the ``.eml`` is the record), or name the earlier registration."""
    letter = eml.parse_message(data, max_bytes=deps.settings.max_upload_bytes)
    key = message_key(letter, data)
    tenant_row = tenant_by_code(deps.session, tenant)
    earlier = deps.session.execute(
        select(EmailIntake.rpw).where(EmailIntake.tenant_id == tenant_row.id, EmailIntake.message_key == key)
    ).scalar_one_or_none()
    if earlier is not None:
        return EmailRegistration(earlier, new=False)
    if not filename.lower().endswith(".eml"):
        filename += ".eml"
    reg = register_incoming(
        deps,
        actor,
        tenant=tenant,
        data=data,
        filename=filename,
        media_type=eml.MEDIA_TYPE,
        channel=Channel.EMAIL,
        duplicate_reason=None,
    )
    deps.session.add(EmailIntake(tenant_id=tenant_row.id, message_key=key, rpw=reg.sign))
    deps.session.flush()  # the unique key is checked now, inside the registering transaction
    return EmailRegistration(reg.sign, new=True, registered=reg)
