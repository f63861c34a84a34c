"""Reading e-mail messages: what is mapped, and what is refused before it costs anything."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from ezd import eml
from ezd.records.errors import InvalidInput
from tests.intake.mails import MALFORMED, letter

LIMIT = 5_000_000


def test_sender_subject_date_body_and_attachments_are_read() -> None:
    data = letter(attachments=(("wniosek.pdf", "application/pdf", b"%PDF-1.4 wniosek"),), html="<p>Treść</p>")
    got = eml.parse_message(data, max_bytes=LIMIT)
    assert (got.sender, got.sender_address) == ("Jan Kowalski", "jan.kowalski@example.pl")
    assert got.title == "Wniosek o wydanie zaświadczenia"
    assert got.letter_date is not None and got.letter_date.isoformat() == "2026-12-01"
    assert got.body.startswith("Proszę o wydanie") and got.body_media_type == "text/plain"
    assert [(a.filename, a.media_type, a.data) for a in got.attachments] == [
        ("wniosek.pdf", "application/pdf", b"%PDF-1.4 wniosek")
    ]
    assert got.message_id and got.message_id.endswith("@example.pl>")
    assert not got.smime_signed


def test_a_sender_without_a_display_name_is_named_by_the_address() -> None:
    got = eml.parse_message(letter(sender="anna.nowak@example.pl"), max_bytes=LIMIT)
    assert (got.sender, got.sender_address) == ("anna.nowak@example.pl", "anna.nowak@example.pl")


def test_attachment_names_lose_their_paths() -> None:
    data = letter(
        attachments=(("../../etc/cron.d/x", "text/plain", b"x"), ("C:\\tmp\\a.txt", "text/plain", b"y"))
    )
    assert [a.filename for a in eml.parse_message(data, max_bytes=LIMIT).attachments] == ["x", "a.txt"]


def test_an_unknown_charset_does_not_stop_the_reading() -> None:
    data = letter().replace(b'charset="utf-8"', b'charset="x-nieznany"')
    assert b"x-nieznany" in data
    assert "Proszę o wydanie" in eml.parse_message(data, max_bytes=LIMIT).body


def test_smime_signed_messages_are_recognised() -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.pl"
    msg["Subject"] = "podpisana"
    msg.set_content("treść")
    signed = EmailMessage()
    signed["From"] = "a@example.pl"
    signed["Subject"] = "podpisana"
    signed.make_mixed()
    signed.attach(msg)
    signed.add_attachment(
        b"\x30\x80", maintype="application", subtype="pkcs7-signature", filename="smime.p7s"
    )
    signed.replace_header(
        "Content-Type", 'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256'
    )
    raw = signed.as_bytes()
    assert eml.parse_message(raw, max_bytes=LIMIT).smime_signed


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"From: a@example.pl\r\nSubject: x\r\n\r\n" + b"x" * 2000, "bytes; the limit is 1000"),
        (b"Subject: bez nadawcy\r\nMessage-ID: <1@x>\r\n\r\ntresc", "names no sender"),
        (MALFORMED, "malformed"),
    ],
)
def test_bad_messages_are_refused_with_one_line(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        eml.parse_message(data, max_bytes=1000 if b"x" * 2000 in data else LIMIT)


def test_too_many_parts_and_too_deep_nesting_are_refused() -> None:
    many = EmailMessage()
    many["From"] = "a@example.pl"
    many.set_content("x")
    for i in range(eml.MAX_PARTS + 1):
        many.add_attachment(b"x", maintype="application", subtype="octet-stream", filename=f"{i}.bin")
    with pytest.raises(InvalidInput, match="more than"):
        eml.parse_message(many.as_bytes(), max_bytes=LIMIT)
    inner = EmailMessage()
    inner["From"] = "a@example.pl"
    inner.set_content("x")
    for _ in range(eml.MAX_DEPTH + 2):
        outer = EmailMessage()
        outer["From"] = "a@example.pl"
        outer.make_mixed()
        outer.attach(inner)
        inner = outer
    with pytest.raises(InvalidInput, match="deeper"):
        eml.parse_message(inner.as_bytes(), max_bytes=LIMIT)


def test_what_looks_like_an_email() -> None:
    assert eml.looks_like_email(letter(), "", "upload.bin")
    assert eml.looks_like_email(b"anything", "", "list.EML")
    assert not eml.looks_like_email(b"<?xml version='1.0'?><a/>", "", "a.xml")
    assert not eml.looks_like_email(b"%PDF-1.7\nFrom: x\nSubject: y\n", "", "a.pdf")
