"""Notification e-mails over SMTP (``EZD_SMTP_*``): one e-mail per message, or a daily digest.

A message is marked e-mailed only after the server accepted the e-mail, in a transaction per
person; a failed send is logged and retried on the next run, the inbox keeps the message anyway.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlalchemy import select

from ezd.clock import office_date, polish_date
from ezd.db.base import utcnow
from ezd.db.tables import User
from ezd.db.tables_kpa import Notification
from ezd.services.notifications import KIND_LABELS

if TYPE_CHECKING:
    from ezd.bootstrap import App

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailRun:
    emails: int
    messages: int
    failed: int


def _send(app: App, host: str, message: EmailMessage) -> None:
    s = app.settings
    with smtplib.SMTP(host, s.smtp_port, timeout=30) as smtp:
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password.get_secret_value())
        smtp.send_message(message)


def _message(app: App, to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = app.settings.smtp_from
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(
        body + "\n\n--\nWiadomość z systemu EZD. Wszystkie powiadomienia są w skrzynce w aplikacji.\n"
    )
    return msg


def send_pending(app: App, *, digest_run: bool = False) -> MailRun:
    """Send the messages not e-mailed yet to people with an e-mail address.

    With ``EZD_SMTP_DIGEST`` the regular runs send nothing and the daily run (``digest_run``)
    sends each person one e-mail listing them all.
    """
    host = app.settings.smtp_host
    if host is None or (app.settings.smtp_digest and not digest_run):
        return MailRun(0, 0, 0)
    digest = app.settings.smtp_digest
    with app.uow() as uow:
        rows = uow.session.execute(
            select(
                Notification.id,
                Notification.kind,
                Notification.ref,
                Notification.text,
                Notification.created_at,
                User.id,
                User.email,
            )
            .join(User, User.id == Notification.user_id)
            .where(Notification.emailed_at.is_(None), User.email.is_not(None), User.active.is_(True))
            .order_by(Notification.id)
        ).all()
    per_user: dict[tuple[int, str], list[tuple[int, str, str, str, str]]] = defaultdict(list)
    for nid, kind, ref, text, created, uid, email in rows:
        per_user[(uid, email)].append((nid, KIND_LABELS[kind], ref, text, polish_date(office_date(created))))
    emails = sent = failed = 0
    for (_uid, address), items in per_user.items():
        if digest:
            body = "\n".join(f"{day}  {label}: {text}" for _, label, _, text, day in items)
            batches = [([i[0] for i in items], f"[EZD] Podsumowanie dnia: {len(items)} powiadomień", body)]
        else:
            batches = [([nid], f"[EZD] {label}: {ref}", text) for nid, label, ref, text, _ in items]
        for ids, subject, body in batches:
            try:
                _send(app, host, _message(app, address, subject, body))
            except (OSError, smtplib.SMTPException) as exc:
                failed += len(ids)
                log.warning("notification e-mail not sent (%s); retried on the next run", type(exc).__name__)
                continue
            with app.uow() as uow:
                for n in uow.session.execute(select(Notification).where(Notification.id.in_(ids))).scalars():
                    n.emailed_at = utcnow()
                uow.commit()
            emails += 1
            sent += len(ids)
    return MailRun(emails, sent, failed)
