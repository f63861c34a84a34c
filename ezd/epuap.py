"""Reading ePUAP letters ("pismo ogólne" and other crd.gov.pl forms) into RPW metadata.

Works for the 1410 form (``http://crd.gov.pl/wzor/2013/12/12/1410/``) and the newer 4566 form,
matching elements by local name inside the crd.gov.pl namespaces so both generations map the
same way.  The caller passes the tree it may trust: for a signed letter, the verifier's
``signed_root``, never the raw upload.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from records.errors import InvalidInput

FORM_NAMESPACES = ("http://crd.gov.pl/wzor/",)
DS = "http://www.w3.org/2000/09/xmldsig#"


@dataclass(frozen=True)
class EpuapAttachment:
    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class EpuapLetter:
    form: str  # namespace of the form
    sender: str
    sender_address: str | None
    sender_id: str | None
    addressee: str | None
    title: str
    letter_date: date | None
    sender_reference: str | None
    body: str
    attachments: tuple[EpuapAttachment, ...] = field(default_factory=tuple)


def is_epuap_form(root: etree._Element) -> bool:
    return isinstance(root.tag, str) and any(root.tag.startswith("{" + ns) for ns in FORM_NAMESPACES)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _find(root: etree._Element, *path: str) -> etree._Element | None:
    """First element reached by a chain of local names (any depth between steps)."""
    current: list[etree._Element] = [root]
    for name in path:
        found = [el for c in current for el in c.iter() if el is not c and _local(el) == name]
        if not found:
            return None
        current = found
    return current[0]


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _party(el: etree._Element | None) -> tuple[str, str | None, str | None]:
    if el is None:
        return "", None, None
    inst = _find(el, "NazwaInstytucji")
    if inst is not None:
        name = _text(inst)
    else:
        name = " ".join(x for x in (_text(_find(el, "Imie")), _text(_find(el, "Nazwisko"))) if x)
    addr_el = _find(el, "Adres")
    address = None
    if addr_el is not None:
        parts = [_text(c) for c in addr_el if isinstance(c.tag, str) and _text(c)]
        address = ", ".join(parts) or None
    ident = None
    for key in ("PESEL", "REGON", "NIP", "IdentyfikatorEPUAP"):
        found = _find(el, key)
        if found is not None and _text(found):
            ident = f"{key}:{_text(found)}"
            break
    return name, address, ident


def parse_letter(root: etree._Element, *, max_attachment_bytes: int = 20 * 1024 * 1024) -> EpuapLetter:
    if not is_epuap_form(root):
        raise InvalidInput("not an ePUAP form (the root element is not in a crd.gov.pl/wzor namespace)")
    form = etree.QName(root).namespace or ""
    sender, sender_addr, sender_id = _party(_find(root, "Nadawcy", "Podmiot"))
    addressee, _, _ = _party(_find(root, "Adresaci", "Podmiot"))
    if not sender:
        raise InvalidInput("the ePUAP letter names no sender (Nadawcy/Podmiot)")
    tresc = _find(root, "TrescDokumentu")
    title = _text(_find(tresc, "Tytul")) if tresc is not None else ""
    if not title:
        title = _text(_find(root, "Naglowek", "NazwaDokumentu")) or _text(_find(root, "Tytul"))
    letter_date = None
    data_el = _find(root, "DaneDokumentu", "Data")
    if data_el is not None:
        raw = _text(_find(data_el, "Czas")) or _text(data_el)
        try:
            letter_date = date.fromisoformat(raw[:10])
        except ValueError:
            raise InvalidInput(f"the letter date {raw!r} is not a date") from None
    reference = None
    ident = _find(root, "DaneDokumentu", "Identyfikator")
    if ident is not None:
        reference = _text(_find(ident, "Wartosc")) or _text(ident) or None
    body_parts = []
    if tresc is not None:
        body_parts = [_text(el) for el in tresc.iter() if _local(el) in ("Informacja", "Tresc", "Wnosze")]
    attachments: list[EpuapAttachment] = []
    for z in root.iter():
        if _local(z) != "Zalacznik" or z.get("kodowanie", "").lower() != "base64":
            continue
        payload = _find(z, "DaneZalacznika")
        raw_b64 = "".join((payload.text or "").split()) if payload is not None else ""
        if len(raw_b64) * 3 // 4 > max_attachment_bytes:
            raise InvalidInput(f"attachment {z.get('nazwaPliku')!r} is larger than the limit")
        try:
            data = base64.b64decode(raw_b64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(f"attachment {z.get('nazwaPliku')!r} is not valid base64") from None
        attachments.append(
            EpuapAttachment(
                z.get("nazwaPliku") or "zalacznik", z.get("format") or "application/octet-stream", data
            )
        )
    return EpuapLetter(
        form=form,
        sender=sender,
        sender_address=sender_addr,
        sender_id=sender_id,
        addressee=addressee or None,
        title=title or "(bez tytułu)",
        letter_date=letter_date,
        sender_reference=reference,
        body="\n".join(p for p in body_parts if p),
        attachments=tuple(attachments),
    )


def has_signature(root: etree._Element) -> bool:
    return any(True for _ in root.iter(f"{{{DS}}}Signature"))
