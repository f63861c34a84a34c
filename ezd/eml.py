"""Reading an e-mail message (RFC 5322 / MIME, an ``.eml`` file) into RPW metadata.

The original bytes are the record; this module only reads them. What is mapped (see
:class:`EmailLetter`): the sender from ``From`` (display name, else the address), the subject as
the title, ``Date`` as the letter date (in Europe/Warsaw), ``Message-ID`` (the idempotency key of
the IMAP intake), the text body (plain, else HTML), the attachments (each one a file the caller
stores under its own SHA-256) and whether the message is S/MIME-signed.

Hostile input is bounded before it costs anything: the size, the number of MIME parts and their
nesting depth are limited (MIME transfer encodings never expand -- base64 and quoted-printable
decode smaller -- so the message limit bounds the decoded parts too), and a message
whose structure the parser had to guess (a multipart without its boundary, a broken header
block) is refused instead of being read as something it may not be. Every refusal is one
:class:`~ezd.records.errors.InvalidInput` line.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from dataclasses import dataclass, field
from datetime import date
from email import errors as mime_errors
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime

from ezd.clock import office_date
from ezd.records.errors import InvalidInput

MEDIA_TYPE = "message/rfc822"
MAX_PARTS = 200
MAX_DEPTH = 10
MAX_HEADER_BYTES = 256 * 1024
NO_SUBJECT = "(bez tematu)"

# defects after which the parser's reading is a guess: refused, never registered as read
FATAL_DEFECTS = (
    mime_errors.StartBoundaryNotFoundDefect,
    mime_errors.CloseBoundaryNotFoundDefect,
    mime_errors.MultipartInvariantViolationDefect,
    mime_errors.MissingHeaderBodySeparatorDefect,
    mime_errors.NoBoundaryInMultipartDefect,
)
SIGNED_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature")


@dataclass(frozen=True)
class EmailPart:
    filename: str
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class EmailLetter:
    message_id: str | None
    sender: str
    sender_address: str | None
    title: str
    letter_date: date | None
    body: str
    body_media_type: str  # text/plain or text/html
    attachments: tuple[EmailPart, ...] = field(default_factory=tuple)
    smime_signed: bool = False
    recipients: tuple[str, ...] = ()  # To: display names, else addresses


def looks_like_email(data: bytes, media_type: str, filename: str) -> bool:
    """An ``.eml`` upload, ``message/rfc822``, or bytes that open with RFC 5322 headers."""
    if media_type == MEDIA_TYPE or filename.lower().endswith(".eml"):
        return True
    head = data[:2048].lstrip()
    if head.startswith(b"<") or head.startswith(b"%PDF"):
        return False
    names = {line.split(b":", 1)[0].strip().lower() for line in head.splitlines()[:40] if b":" in line}
    return b"from" in names and bool(names & {b"subject", b"message-id", b"date", b"mime-version"})


def parse_message(data: bytes, *, max_bytes: int) -> EmailLetter:
    """Read ``data`` as one e-mail message; one :class:`InvalidInput` line for what is refused."""
    if not data.strip():
        raise InvalidInput("the e-mail message is empty")
    if len(data) > max_bytes:
        raise InvalidInput(f"the e-mail message is {len(data)} bytes; the limit is {max_bytes}")
    header_end = data.find(b"\r\n\r\n") if b"\r\n\r\n" in data[:MAX_HEADER_BYTES] else data.find(b"\n\n")
    if header_end < 0 or header_end > MAX_HEADER_BYTES:
        raise InvalidInput("the e-mail message has no header block followed by a body")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(msg, EmailMessage):  # the default policy always builds EmailMessage
        raise InvalidInput("the e-mail message could not be read")
    parts = _walk(msg)
    sender_name, sender_address = _sender(msg)
    body, body_type = _body(msg)
    attachments = tuple(_attachments(parts))
    return EmailLetter(
        message_id=_header(msg, "Message-ID"),
        sender=sender_name,
        sender_address=sender_address,
        title=(_header(msg, "Subject") or NO_SUBJECT)[:500],
        letter_date=_letter_date(msg),
        body=body,
        body_media_type=body_type,
        attachments=attachments,
        smime_signed=is_smime_signed(msg),
        recipients=_recipients(msg),
    )


def is_smime_signed(msg: Message) -> bool:
    """``multipart/signed`` with a PKCS#7 signature part, or an opaque ``application/pkcs7-mime``."""
    ctype = msg.get_content_type()
    if ctype == "multipart/signed":
        protocol = str(msg.get_param("protocol", "") or "").lower()
        return protocol in SIGNED_TYPES
    if ctype in ("application/pkcs7-mime", "application/x-pkcs7-mime"):
        return str(msg.get_param("smime-type", "") or "").lower() == "signed-data"
    return False


def _walk(msg: Message) -> list[Message]:
    """Every part, depth-first, with the count and nesting bounded and fatal defects refused."""
    out: list[Message] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InvalidInput(f"the e-mail message nests MIME parts deeper than {MAX_DEPTH} levels")
        if any(isinstance(d, FATAL_DEFECTS) for d in part.defects):
            raise InvalidInput("the e-mail message is malformed (broken MIME structure)")
        out.append(part)
        if len(out) > MAX_PARTS:
            raise InvalidInput(f"the e-mail message has more than {MAX_PARTS} MIME parts")
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))
    return out


def _header(msg: Message, name: str) -> str | None:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):  # an undecodable header is treated as absent
        return None
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _sender(msg: Message) -> tuple[str, str | None]:
    raw = _header(msg, "From")
    if not raw:
        raise InvalidInput("the e-mail message names no sender (From)")
    pairs = [(n.strip(), a.strip()) for n, a in getaddresses([raw]) if a.strip() or n.strip()]
    if not pairs:
        raise InvalidInput("the e-mail message names no sender (From)")
    name, address = pairs[0]
    if address and "@" not in address:
        address = ""
    return (name or address or raw)[:300], (address or None)


def _recipients(msg: Message) -> tuple[str, ...]:
    raw = _header(msg, "To")
    if not raw:
        return ()
    return tuple((n.strip() or a.strip())[:300] for n, a in getaddresses([raw]) if n.strip() or a.strip())[
        :50
    ]


def _letter_date(msg: Message) -> date | None:
    raw = _header(msg, "Date")
    if not raw:
        return None
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 5322 "-0000": the zone is unknown; the day is the best we know
        return moment.date()
    return office_date(moment)


def _text_of(part: Message) -> str:
    raw = part.get_payload(decode=True)
    data = raw if isinstance(raw, bytes) else b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name: the bytes are kept in the record anyway
        return data.decode("utf-8", errors="replace")


def _body(msg: EmailMessage) -> tuple[str, str]:
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except (KeyError, TypeError):
        part = None
    if part is None:
        return "", "text/plain"
    return _text_of(part), part.get_content_type()


def _attachments(parts: list[Message]) -> list[EmailPart]:
    out: list[EmailPart] = []
    for part in parts:
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        ctype = part.get_content_type()
        filename = part.get_filename()
        if ctype in SIGNED_TYPES and disposition != "attachment" and filename is None:
            filename = "smime.p7s"
        if disposition != "attachment" and filename is None:
            continue
        raw = part.get_payload(decode=True)
        data = raw if isinstance(raw, bytes) else b""
        name = _safe_name(filename or f"zalacznik-{len(out) + 1}")
        out.append(EmailPart(filename=name, media_type=ctype, data=data))
    return out


def _safe_name(name: str) -> str:
    """A file name without a path or control characters (a header may carry ``../../x``)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip(" .")
    return (cleaned or "zalacznik")[:200]
