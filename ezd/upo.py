"""UPP — urzędowe poświadczenie przedłożenia (official receipt) in the UPO namespace.

For every electronically received item the office issues a ``Dokument/UPP`` in
``http://crd.gov.pl/xml/schematy/UPO/2008/05/09/`` and seals it with its e-seal (enveloped XAdES as
the root's last child, like ePUAP's own UPP/UPD).  Element names and order follow the ePUAP UPO
2008/05/09 structure (the one ePUAP's own UPP stylesheet renders)::

    pos:Dokument
      pos:UPP
        pos:IdentyfikatorPoswiadczenia        certificate identifier
        pos:Adresat   {Nazwa, Adres?, IdentyfikatorPodmiotu@TypIdentyfikatora?}
        pos:Nadawca   {Nazwa, Adres?, IdentyfikatorPodmiotu@TypIdentyfikatora?}
        pos:DataDoreczenia                    when the item reached the office (xs:dateTime, UTC)
        pos:DataWytworzeniaPoswiadczenia      when this receipt was made
        pos:IdentyfikatorDokumentu            the RPW number / document id of the item
        pos:IdentyfikatorSprawy?              case sign, when known
        pos:Dokument {NazwaPliku, ds:DigestMethod, ds:DigestValue}   digest of the item's bytes
        pos:InformacjaUzupelniajaca*          @TypInformacjiUzupelniajacej
      ds:Signature                            added by the signer

The official UPO.xsd is not available offline; :func:`read_upp` checks this structure when reading.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from ezd import xmlsafe
from ezd.records.errors import InvalidInput

NS_UPO = "http://crd.gov.pl/xml/schematy/UPO/2008/05/09/"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
SHA256_URI = "http://www.w3.org/2001/04/xmlenc#sha256"
NSMAP = {"pos": NS_UPO, "ds": NS_DS}


@dataclass(frozen=True)
class UppParty:
    name: str
    identifier: str | None = None  # e.g. PESEL / NIP / REGON value or an ePUAP box address
    identifier_type: str | None = None  # e.g. "PESEL", "REGON", "adres skrytki"
    address: str | None = None


@dataclass(frozen=True)
class Upp:
    certificate_id: str
    addressee: UppParty
    sender: UppParty
    delivered_at: str
    created_at: str
    document_id: str
    case_id: str | None
    filename: str
    digest_algorithm: str
    digest_b64: str
    extra: dict[str, str]

    @property
    def sha256_hex(self) -> str | None:
        if self.digest_algorithm != SHA256_URI:
            return None
        return base64.b64decode(self.digest_b64).hex()


def _iso(t: dt.datetime) -> str:
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)  # ezd stores naive UTC timestamps
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent: etree._Element, name: str, text: str | None = None, ns: str = NS_UPO) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        el.text = text
    return el


def _party(parent: etree._Element, tag: str, party: UppParty) -> None:
    if not party.name.strip():
        raise InvalidInput(f"UPP {tag}: name is required")
    el = _sub(parent, tag)
    _sub(el, "Nazwa", party.name)
    if party.address:
        _sub(el, "Adres", party.address)
    if party.identifier:
        ident = _sub(el, "IdentyfikatorPodmiotu", party.identifier)
        if party.identifier_type:
            ident.set("TypIdentyfikatora", party.identifier_type)


def build_upp(
    *,
    certificate_id: str,
    addressee: UppParty,
    sender: UppParty,
    delivered_at: dt.datetime,
    created_at: dt.datetime,
    document_id: str,
    document: bytes,
    filename: str,
    case_id: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> bytes:
    """The unsigned UPP XML for ``document`` (the item's original bytes, digested with SHA-256).

    Sign the result with the office e-seal (``Signer.sign_enveloped``) before issuing it.
    """
    if not certificate_id or not document_id:
        raise InvalidInput("UPP needs a certificate identifier and a document identifier")
    root = etree.Element(f"{{{NS_UPO}}}Dokument", nsmap=NSMAP)
    upp = _sub(root, "UPP")
    _sub(upp, "IdentyfikatorPoswiadczenia", certificate_id)
    _party(upp, "Adresat", addressee)
    _party(upp, "Nadawca", sender)
    _sub(upp, "DataDoreczenia", _iso(delivered_at))
    _sub(upp, "DataWytworzeniaPoswiadczenia", _iso(created_at))
    _sub(upp, "IdentyfikatorDokumentu", document_id)
    if case_id:
        _sub(upp, "IdentyfikatorSprawy", case_id)
    doc = _sub(upp, "Dokument")
    _sub(doc, "NazwaPliku", filename)
    _sub(doc, "DigestMethod", ns=NS_DS).set("Algorithm", SHA256_URI)
    _sub(doc, "DigestValue", base64.b64encode(hashlib.sha256(document).digest()).decode(), ns=NS_DS)
    for key, value in (extra or {}).items():
        _sub(upp, "InformacjaUzupelniajaca", value).set("TypInformacjiUzupelniajacej", key)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _party_from(el: etree._Element | None) -> UppParty:
    if el is None:
        raise InvalidInput("UPP: party missing")
    ident = el.find("pos:IdentyfikatorPodmiotu", NSMAP)
    return UppParty(
        name=el.findtext("pos:Nazwa", default="", namespaces=NSMAP),
        identifier=ident.text if ident is not None else None,
        identifier_type=ident.get("TypIdentyfikatora") if ident is not None else None,
        address=el.findtext("pos:Adres", namespaces=NSMAP),
    )


def read_upp(data: bytes | etree._Element) -> Upp:
    """Read a UPP (our own or ePUAP's).  For a signed one pass the verifier's ``signed_root``."""
    root = xmlsafe.parse(data) if isinstance(data, bytes) else data
    if root.tag != f"{{{NS_UPO}}}Dokument":
        raise InvalidInput("not a UPO/UPP document (root must be pos:Dokument)")
    upp = root.find("pos:UPP", NSMAP)
    if upp is None:
        raise InvalidInput("no pos:UPP in the document")

    def req(name: str) -> str:
        value = upp.findtext(f"pos:{name}", namespaces=NSMAP)
        if not value:
            raise InvalidInput(f"UPP: {name} missing")
        return value

    doc = upp.find("pos:Dokument", NSMAP)
    dm = doc.find("ds:DigestMethod", NSMAP) if doc is not None else None
    return Upp(
        certificate_id=req("IdentyfikatorPoswiadczenia"),
        addressee=_party_from(upp.find("pos:Adresat", NSMAP)),
        sender=_party_from(upp.find("pos:Nadawca", NSMAP)),
        delivered_at=req("DataDoreczenia"),
        created_at=req("DataWytworzeniaPoswiadczenia"),
        document_id=req("IdentyfikatorDokumentu"),
        case_id=upp.findtext("pos:IdentyfikatorSprawy", namespaces=NSMAP),
        filename=(doc.findtext("pos:NazwaPliku", default="", namespaces=NSMAP) if doc is not None else ""),
        digest_algorithm=(dm.get("Algorithm") or "") if dm is not None else "",
        digest_b64=(doc.findtext("ds:DigestValue", default="", namespaces=NSMAP) if doc is not None else ""),
        extra={
            el.get("TypInformacjiUzupelniajacej", ""): el.text or ""
            for el in upp.iterfind("pos:InformacjaUzupelniajaca", NSMAP)
        },
    )


def matches(upp: Upp, document: bytes) -> bool:
    """Does the receipt certify exactly these bytes?"""
    return (
        upp.digest_algorithm == SHA256_URI
        and upp.digest_b64 == base64.b64encode(hashlib.sha256(document).digest()).decode()
    )


__all__ = ["NS_UPO", "Upp", "UppParty", "build_upp", "matches", "read_upp"]
