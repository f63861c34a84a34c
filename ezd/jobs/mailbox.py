"""Polling an office's IMAP mailbox: each unread message becomes one RPW item.

The order of steps is what makes a crash harmless. A message is fetched with ``BODY.PEEK[]``
(which does not mark it read), registered and committed, and only then flagged ``\\Seen``. A
crash after the commit leaves it unread; the next poll finds its key already registered and
only marks it read. A crash before the commit registers nothing, and the message is still
unread. Either way nothing is lost and nothing is registered twice.

A message ezd refuses (oversize, malformed MIME, no sender) stays in the mailbox, unread, with
the keyword ``$EzdOdrzucona`` so later polls skip it; the refusal and its Polish reason go to
the office's administrative log, where the administrator sees it. Anything else that fails (the
database, the engine) leaves the message as it was, for the next poll.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ezd.records.errors import EzdError, InvalidInput
from ezd.services import audit
from ezd.services.actor import system_actor
from ezd.services.lookup import tenant_by_code
from ezd.services.mail_intake import MailboxInfo, mailbox, read_password, register_email

if TYPE_CHECKING:
    from ezd.bootstrap import App

log = logging.getLogger("ezd.intake.imap")

ACTOR = "system:ezd.imap"
REFUSED = b"$EzdOdrzucona"
SEEN = b"\\Seen"
TIMEOUT = 60.0


class MailboxUnavailable(EzdError):
    """The mailbox server cannot be reached or refuses the login (retried at the next poll)."""


@dataclass
class PollResult:
    office: str
    registered: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (IMAP UID, reason)


def connect(box: MailboxInfo, password: str) -> IMAPClient:
    context = ssl.create_default_context()
    try:
        client = IMAPClient(
            box.host, port=box.port, ssl=box.security == "tls", ssl_context=context, timeout=TIMEOUT
        )
        if box.security == "starttls":
            client.starttls(context)
        client.login(box.username, password)
    except LoginError:
        raise MailboxUnavailable(
            f"the mailbox server {box.host} refused the login of {box.username}"
        ) from None
    except (OSError, IMAPClientError) as exc:
        raise MailboxUnavailable(
            f"the mailbox server {box.host}:{box.port} cannot be reached ({exc})"
        ) from None
    return client


def poll(
    app: App, office: str, *, limit: int = 100, after_commit: Callable[[int], None] | None = None
) -> PollResult:
    """Register up to ``limit`` unread messages of ``office``'s mailbox.

    ``after_commit(uid)`` runs between the commit and the ``\\Seen`` flag; the crash test uses it
    to stop exactly there.
    """
    with app.uow() as uow:
        box = mailbox(uow.session, app.settings, office)
    if box is None or not box.enabled:
        raise InvalidInput(f"{office} has no mailbox set up; run 'ezd mailbox set'")
    password = read_password(app.settings, office)
    result = PollResult(office)
    client = connect(box, password)
    try:
        client.select_folder(box.folder)
        uids = sorted(client.search(["UNSEEN", "NOT", "KEYWORD", REFUSED.decode()]))[:limit]
        max_bytes = app.settings.max_upload_bytes
        for uid in uids:
            _one(app, client, office, uid, max_bytes, result, after_commit)
    finally:
        try:
            client.logout()
        except (OSError, IMAPClientError):  # the server went away; the session is over anyway
            log.info("mailbox %s: logout failed", office)
    return result


def _one(
    app: App,
    client: IMAPClient,
    office: str,
    uid: int,
    max_bytes: int,
    result: PollResult,
    after_commit: Callable[[int], None] | None,
) -> None:
    size = int(client.fetch([uid], ["RFC822.SIZE"]).get(uid, {}).get(b"RFC822.SIZE", 0))
    try:
        if size > max_bytes:  # refused before it is downloaded
            raise InvalidInput(f"the e-mail message is {size} bytes; the limit is {max_bytes}")
        data = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
        with app.uow() as uow:
            reg = register_email(app.deps(uow.session), system_actor(ACTOR), tenant=office, data=data)
            uow.commit()
    except InvalidInput as exc:
        _refuse(app, client, office, uid, str(exc), result)
        return
    if after_commit is not None:
        after_commit(uid)
    client.add_flags([uid], [SEEN])
    (result.registered if reg.new else result.already).append(reg.rpw)
    log.info(
        "mailbox %s: message %d %s %s", office, uid, "registered as" if reg.new else "was already", reg.rpw
    )


def _refuse(app: App, client: IMAPClient, office: str, uid: int, reason: str, result: PollResult) -> None:
    headers = client.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (FROM SUBJECT MESSAGE-ID)]"]).get(uid, {})
    raw = next((v for k, v in headers.items() if k.startswith(b"BODY[HEADER")), b"")
    summary = " ".join(raw.decode("utf-8", errors="replace").split())[:500] if isinstance(raw, bytes) else ""
    with app.uow() as uow:
        audit.on_office(
            uow.session,
            tenant_by_code(uow.session, office),
            actor=ACTOR,
            action="odrzucenie_wiadomosci",
            details={"uid": uid, "headers": summary, "reason": reason},
        )
        uow.commit()
    client.add_flags([uid], [REFUSED])
    result.refused.append((uid, reason))
    log.warning("mailbox %s: message %d refused: %s", office, uid, reason)


__all__ = ["MailboxUnavailable", "PollResult", "connect", "poll"]
