"""Inputs bench/fuzz.py found (issue 18): each was an uncaught exception out of code that reads
untrusted input; now each is one clean refusal."""

from __future__ import annotations

import base64
import contextlib
import io
import zipfile
from pathlib import Path

import pytest

from ezd.archive_ops.unpack import UnsafePackage, unpack
from ezd.workflow.juel import JuelError, evaluate

# zip archives the unpacker target produced (libFuzzer crash-* files), base64
ZIP_FINDINGS = {
    # central directory says "version needed 16.9": NotImplementedError out of zipfile.ZipFile()
    "version-16.9": "UEsDBBQAAAAAAOAihF2w5csIBAAAAAQAAAATAAAAcGFjemthL21ldGFkYW5lLnhtbDxtLz5QSwMEFAAAAAAA4CKEXfINcNEFAAAABQAAABcAAABwYWN6a2Evc3ByYXd5L3Bpc21vLnR4dHRla3N0UEsBAhQDqQAAAAAA4CKEXbDlywgEAAAABAAAABMAAAAAAAAAAAAAAIABAAAAAHBhY3prYS9tZXRhZGFuZS54bWxQSwECFAMUAAAAAADgIoRd8g1w0QUAAAAFAAAAFwAAAAAAAAAAAAAAgAE1AAAAcGFjemthL3NwcmF3eS9waXNtby50eHRQSwUGAAAAAAIAAgCGAAAAbwAAAAAA",
    # a member's header offset before the start of the file: OSError (EINVAL) from its seek
    "negative-seek": "UEsDBBQAAAABAOsihF2w5csIBAAAAAQAAAATAAAAcGFjemthL21ldGFkYW5lLnhtbDxtLz5QSwMEFAAAAAAA6yKEXfINcNEFAAAABQAAABcAAABwYWN6a2Evc3ByYXd5L3Bpa3N0UEsBAhQDFAAAAAAA6yKEXbDlywgEAAAABAAAABMAAAAAAAAAAAAAAIABAAAAAHBhY3prYS9tZXRhZGFuZS54bWxQSwECFAMUAAAAAADrIoRd8g1w0QUAAAAFAAAAFwAAAAAAAAD/9wAAgAE1AAAAcGFjemthL3NwcmF3eS9waXNtby50eHRQSwUGAAAAAAIAAgCGAAAAbwAAAAAA",
    # a member with an empty name: IndexError out of ZipInfo.is_dir()
    "empty-name": "UEsDBBQAAAAAAPgihF2w5csIBAAAAAQAAAATAAAAcGFjemthL21ldGFkYW5lLnhtbDxtLz5QSwMEFAAAAAAA+CKEXfINcNEFAAAABQAAABcAAABwYWN6a2Evc3ByYXd5L3Bpc21vLnR4dHRla3N0UEsBAhQDFAAAAAAA+CKEXbDlywgEAAAA/////xMAAAAAAAAAAAAAAIABAAAAAHBhY3prYS9tZXRhZGFuZS54bWxQSwECFAMUAAAAAAD4IoRd8g1w0QUAIoRd8g1w0QUAAAAFAAAAFwAAAAAAAAAAAAAAgP7KL3NwcmF3eS9waXNtby50eHRQSwUGAAAAAGAAAgCGAAAAbwAAAAAA",
}


@pytest.mark.parametrize("name", sorted(ZIP_FINDINGS))
def test_damaged_zip_is_one_refusal(tmp_path: Path, name: str) -> None:
    archive = tmp_path / "paczka.zip"
    archive.write_bytes(base64.b64decode(ZIP_FINDINGS[name]))
    with pytest.raises(UnsafePackage):
        unpack(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # the partial output is removed


@pytest.mark.parametrize(
    "members",
    [[("a", b"plik"), ("a/b", b"pod plikiem")], [("a/", b""), ("a", b"folder i plik")]],
    ids=["file-then-child", "folder-then-file"],
)
def test_file_and_folder_of_one_name(tmp_path: Path, members: list[tuple[str, bytes]]) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for member, data in members:
            z.writestr(member, data)
    archive = tmp_path / "paczka.zip"
    archive.write_bytes(buf.getvalue())
    with pytest.raises(UnsafePackage):
        unpack(archive, tmp_path / "out")


def test_juel_comparison_of_unlike_types() -> None:
    # found by the juel target: "${n ge ' && !em3 or not o ' && !emk}" raised TypeError
    with pytest.raises(JuelError, match="cannot compare int with str"):
        evaluate("${n ge 'tekst'}", {"n": 3})
    with pytest.raises(JuelError):
        evaluate("${x < 1}", {"x": None})
    assert evaluate("${n ge 2}", {"n": 3}) is True


def test_juel_deep_nesting_is_refused() -> None:
    # found by the juel target: 250 nested parentheses raised RecursionError (now also over the
    # token cap; 100 levels stay under it)
    with pytest.raises(JuelError, match="nested deeper"):
        evaluate("${" + "(" * 100 + "approved" + ")" * 100 + "}", {"approved": True})
    with pytest.raises(JuelError, match="longer than"):
        evaluate("${" + " && ".join(["approved"] * 300) + "}", {"approved": True})
    assert evaluate("${" + "(" * 20 + "approved" + ")" * 20 + "}", {"approved": True}) is True


def test_juel_empty_chain_is_evaluated_once_per_level() -> None:
    # each "empty" evaluated its operand up to three times: 3**depth work for a chain of them
    assert evaluate("${" + "empty " * 30 + "uwagi}", {"uwagi": ""}) is False


def test_epuap_namespace_with_a_brace() -> None:
    """Found by the xml target (tests/fuzz/findings/xml-brace-ns.xml, a mutated ePUAP sample): a
    namespace URI containing "}" made etree.QName raise ValueError inside validate_letter; the
    letter is now judged (and refused) like any other."""
    from ezd import epuap, xmlsafe

    root = xmlsafe.parse((Path(__file__).parent / "findings" / "xml-brace-ns.xml").read_bytes())
    assert epuap.is_epuap_form(root)
    assert any("}" in str(el.tag)[1:].rpartition("}")[0] for el in root.iter())
    assert epuap.validate_letter(root)  # problems reported, not raised


def test_email_from_that_parses_as_a_group() -> None:
    """Found by the email target (tests/fuzz/findings/email-group-from.eml): the stdlib address
    parser raised AttributeError ('Group' object has no attribute 'local_part') for its From."""
    from ezd import eml
    from ezd.records.errors import InvalidInput

    data = (Path(__file__).parent / "findings" / "email-group-from.eml").read_bytes()
    with pytest.raises(InvalidInput, match="sender"):
        eml.parse_message(data, max_bytes=1024 * 1024)


@pytest.mark.parametrize("charset", ["utf-8\x00x", "idna"])
def test_email_charset_names_that_do_not_decode(charset: str) -> None:
    """Found by the email target (tests/fuzz/findings/email-nul-charset.eml): a charset name with a
    NUL raised ValueError out of bytes.decode; such a body is read as UTF-8."""
    from ezd import eml

    found = (Path(__file__).parent / "findings" / "email-nul-charset.eml").read_bytes()
    with contextlib.suppress(eml.InvalidInput):  # refused for another reason is fine; raising
        eml.parse_message(found, max_bytes=1024 * 1024)  # anything else is not
    data = (
        b'From: Jan Kowalski <jan@example.pl>\r\nSubject: Wniosek\r\nContent-Type: text/plain; charset="'
        + charset.encode()
        + b'"\r\n\r\ntre\xc5\x9b\xc4\x87\r\n'
    )
    letter = eml.parse_message(data, max_bytes=1024 * 1024)
    assert "treść" in letter.body
