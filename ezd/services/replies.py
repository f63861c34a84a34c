"""Which replies the office can seal: PDF (PAdES) and XML (XAdES), decided by the bytes.

A clerk's browser may send a PDF as ``application/octet-stream`` and a scanner's file may be
named ``.xml`` without being XML, so the content, not the declared type, picks the seal.
"""

from __future__ import annotations

from ezd import xmlsafe
from ezd.records.errors import InvalidInput
from ezd.signatures.pades import is_pdf
from ezd.signatures.pades_sign import sealing_problem

PDF = "application/pdf"
XML = "application/xml"
NOT_SEALABLE = "a reply must be a PDF (sealed with PAdES) or an XML file (sealed with XAdES)"


def reply_media_type(content: bytes) -> str:
    """``application/pdf`` or ``application/xml`` for a reply that can be sealed.

    Raises :class:`InvalidInput` (one message) for anything else, a PDF that cannot be sealed,
    and :class:`ezd.xmlsafe.XMLRejected` for XML the hardened parser refuses.
    """
    if is_pdf(content):
        problem = sealing_problem(content)
        if problem is not None:
            raise InvalidInput(f"the PDF reply cannot be sealed: {problem}")
        return PDF
    if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        xmlsafe.parse(content)  # raises XMLRejected with its own message
        return XML
    raise InvalidInput(NOT_SEALABLE)


__all__ = ["NOT_SEALABLE", "PDF", "XML", "reply_media_type"]
