"""XAdES v1.1.1 (ETSI TS 101 903 v1.1.1, namespace ``http://uri.etsi.org/01903/v1.1.1#``), as the
Austrian plugtest and older signing tools write it, read through the v1.3.2 checks.

The signed properties ezd reads (SigningTime, SigningCertificate, SignaturePolicyIdentifier,
DataObjectFormat) have the same structure in both versions except that v1.1.1's CertDigest carries
its own ``DigestMethod``/``DigestValue`` where v1.3.2 uses the XMLDSig ones.  So the *verified*
v1.1.1 SignedProperties (parsed from the digested bytes) is copied under v1.3.2 names and the one
set of checks reads it; nothing of v1.1.1 is read from unsigned data.
"""

from __future__ import annotations

from lxml import etree

from ezd.signatures.outcome import DS, XADES

XADES111 = "http://uri.etsi.org/01903/v1.1.1#"
SIGNED_PROPERTIES_111 = f"{{{XADES111}}}SignedProperties"
QUALIFYING_PROPERTIES = (f"{{{XADES}}}QualifyingProperties", f"{{{XADES111}}}QualifyingProperties")
_CERT_DIGEST_111 = f"{{{XADES111}}}CertDigest"


def as_v132(sp: etree._Element) -> etree._Element:
    """A v1.3.2-named copy of a verified v1.1.1 SignedProperties (the original is not touched)."""

    def rename(el: etree._Element, parent_tag: str | None) -> etree._Element:
        tag = el.tag
        if isinstance(tag, str) and tag.startswith(f"{{{XADES111}}}"):
            local = tag[len(XADES111) + 2 :]
            ns = DS if parent_tag == _CERT_DIGEST_111 and local in ("DigestMethod", "DigestValue") else XADES
            tag = f"{{{ns}}}{local}"
        out = etree.Element(tag, dict(el.attrib))
        out.text = el.text
        for child in el:
            if isinstance(child.tag, str):
                copied = rename(child, el.tag)
                copied.tail = child.tail
                out.append(copied)
        return out

    return rename(sp, None)


__all__ = ["QUALIFYING_PROPERTIES", "SIGNED_PROPERTIES_111", "XADES111", "as_v132"]
