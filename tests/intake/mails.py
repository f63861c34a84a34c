"""E-mail messages for the intake tests, built with the standard library."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def letter(
    *,
    sender: str = "Jan Kowalski <jan.kowalski@example.pl>",
    subject: str = "Wniosek o wydanie zaświadczenia",
    body: str = "Proszę o wydanie zaświadczenia o niezaleganiu w podatkach.\nJan Kowalski",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    message_id: str | None = None,
    html: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "kancelaria@ug-melgiew.example.pl"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="example.pl")
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for name, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


MALFORMED = (
    b"From: Anna Nowak <anna@example.pl>\r\n"
    b"Subject: zepsuta\r\n"
    b"Message-ID: <broken-1@example.pl>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="nigdy-nie-wystapi"\r\n'
    b"\r\n"
    b"--inna-granica\r\ntresc bez granicy\r\n"
)
