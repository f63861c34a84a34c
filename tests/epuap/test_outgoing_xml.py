"""Outgoing letters: 1410 structure, case sign, round trip through the ePUAP reader, sealing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ezd import epuap, outgoing_xml, xmlsafe
from ezd.outgoing_xml import Attachment, OutgoingLetter, Party, PostalAddress
from ezd.records.errors import InvalidInput
from ezd.signatures import Pkcs12Signer, XadesVerifier, create_demo_pki


def _letter(**kw: object) -> OutgoingLetter:
    base: dict[str, object] = {
        "case_sign": "OR.0122.7.2025",
        "sender": Party(institution="Urząd Gminy Mełgiew", identifiers=(("REGON", "431019514"),)),
        "addressee": Party(
            first_name="Anna",
            last_name='Nowak "<&>"',
            address=PostalAddress("21-007", "Mełgiew", "Lubelska", "5"),
            identifiers=(("PESEL", "44051401359"),),
        ),
        "title": "Decyzja w sprawie wniosku",
        "paragraphs": ["Na podstawie art. 104 k.p.a. orzekam…", "Pouczenie: …"],
        "letter_date": date(2025, 4, 1),
        "place": "Mełgiew",
        "outgoing_sign": "RPWYCH/3/2025",
        "attachments": [Attachment("uzasadnienie.pdf", "application/pdf", b"%PDF-1.7 \x00\xff")],
    }
    base.update(kw)
    return OutgoingLetter(**base)  # type: ignore[arg-type]


def test_round_trip_through_the_reader() -> None:
    root = xmlsafe.parse(outgoing_xml.build_letter(_letter()))
    assert epuap.validate_letter(root) == []
    back = epuap.parse_letter(root)
    assert back.sender == "Urząd Gminy Mełgiew"
    assert back.addressee == 'Anna Nowak "<&>"'  # markup characters stay text
    assert back.sender_reference == "OR.0122.7.2025"  # the case sign
    assert back.title == "Decyzja w sprawie wniosku"
    assert back.letter_date == date(2025, 4, 1)
    assert back.place == "Mełgiew"
    assert back.addressees[0].identifiers == (("PESEL", "44051401359"),)
    assert back.attachments[0].data == b"%PDF-1.7 \x00\xff"


def test_refuses_missing_sign_and_control_characters() -> None:
    with pytest.raises(InvalidInput, match="case sign"):
        outgoing_xml.build_letter(_letter(case_sign=" "))
    with pytest.raises(InvalidInput, match="control"):
        outgoing_xml.build_letter(_letter(title="Decyzja\x07"))


def test_reply_letter_is_sealed_and_verifies(tmp_path: Path) -> None:
    pki = create_demo_pki(tmp_path, "Urząd Gminy Mełgiew", b"pw", key_type="ec")
    reply = outgoing_xml.reply_letter(
        "Urząd Gminy Mełgiew", "OR.0122.7.2025", "Jan Kowalski", "wniosek", date(2025, 4, 2)
    )
    signed = Pkcs12Signer(pki.eseal_p12, b"pw").sign_enveloped(reply)
    result = XadesVerifier([pki.ca_pem]).verify(signed)
    assert result.passed, result.reasons
    assert result.signed_root is not None
    letter = epuap.parse_letter(result.signed_root)
    assert letter.sender_reference == "OR.0122.7.2025" and letter.addressee == "Jan Kowalski"
    assert epuap.validate_letter(xmlsafe.parse(signed)) == []
