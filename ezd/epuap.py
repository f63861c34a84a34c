"""Reading ePUAP letters ("pismo ogólne" and other crd.gov.pl forms) into RPW metadata.

Works for the 1410 form (``http://crd.gov.pl/wzor/2013/12/12/1410/``) and the newer 4566 form,
matching elements by local name inside the crd.gov.pl namespaces so both generations map the
same way.  The caller passes the tree it may trust: for a signed letter, the verifier's
``signed_root``, never the raw upload.

What is mapped (see :class:`EpuapLetter`): every sender and addressee (``meta:Podmiot`` holding
``oso:Osoba`` or ``inst:Instytucja``) with name, postal address and identifiers (PESEL, NIP,
REGON, KRS, ePUAP id); the title, the document date, the sender's reference (``meta:Identyfikator``),
the content paragraphs; attachments: base64 ones decoded (the caller stores each with its own
SHA-256), URI ones (4566 "kodowanie=URI" links to the ePUAP file servlet) only listed.

Schemas: the official form XSDs (1410/4566) are not available offline, so :func:`validate_letter`
checks the structure those schemas require (and the signature position); the ePUAP
emergency-download descriptor (``Deskryptor.xml``) is validated against its vendored XSD by
:func:`read_descriptor`.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from ezd.records.errors import InvalidInput

FORM_NAMESPACES = ("http://crd.gov.pl/wzor/",)
DS = "http://www.w3.org/2000/09/xmldsig#"


@dataclass(frozen=True)
class EpuapAttachment:
    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class EpuapAttachmentRef:
    """An attachment the form only links to (``kodowanie="URI"``): not downloaded, never trusted."""

    filename: str
    media_type: str
    uri: str


@dataclass(frozen=True)
class EpuapParty:
    """One ``meta:Podmiot``: a person (``oso:Osoba``) or an institution (``inst:Instytucja``)."""

    kind: str  # "osoba" | "instytucja" | "inny"
    name: str
    address: str | None = None
    identifiers: tuple[tuple[str, str], ...] = ()  # (type, value), e.g. ("PESEL", "...")

    @property
    def first_identifier(self) -> str | None:
        return f"{self.identifiers[0][0]}:{self.identifiers[0][1]}" if self.identifiers else None


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
    # added later; defaults keep older constructors working
    senders: tuple[EpuapParty, ...] = ()
    addressees: tuple[EpuapParty, ...] = ()
    document_name: str | None = None  # str:Naglowek/str:NazwaDokumentu
    place: str | None = None  # MiejscowoscDokumentu
    letter_kind: str | None = None  # RodzajWnioskuRozszerzony/@rodzaj (4566)
    linked_attachments: tuple[EpuapAttachmentRef, ...] = ()

    @property
    def sender_ids(self) -> tuple[str, ...]:
        return tuple(f"{t}:{v}" for p in self.senders for t, v in p.identifiers)


def is_epuap_form(root: etree._Element) -> bool:
    return isinstance(root.tag, str) and any(root.tag.startswith("{" + ns) for ns in FORM_NAMESPACES)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _find(root: etree._Element, *path: str) -> etree._Element | None:
    """First element reached by a chain of local names (any depth between steps)."""
    current: list[etree._Element] = [root]
    for name in path:
        # "{*}name": that local name in any namespace (or none), filtered inside lxml
        found = [el for c in current for el in c.iter("{*}" + name) if el is not c]
        if not found:
            return None
        current = found
    return current[0]


def _text(el: etree._Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


IDENTIFIER_KEYS = ("PESEL", "NIP", "REGON", "KRS", "IdentyfikatorEPUAP")


def _parties(root: etree._Element, container: str) -> tuple[EpuapParty, ...]:
    holder = _find(root, "DaneDokumentu", container)
    if holder is None:
        holder = _find(root, container)
    if holder is None:
        return ()
    out = []
    for podmiot in holder.iter():
        if _local(podmiot) != "Podmiot":
            continue
        name, address, _ = _party(podmiot)
        if not name:
            continue
        kind = (
            "instytucja"
            if _find(podmiot, "Instytucja") is not None
            else "osoba"
            if _find(podmiot, "Osoba") is not None
            else "inny"
        )
        idents: list[tuple[str, str]] = []
        for el in podmiot.iter():
            key = _local(el)
            if key in IDENTIFIER_KEYS and _text(el):
                idents.append((key, _text(el)))
            elif key == "Identyfikator" and el.get("typIdentyfikatora") and _text(el):
                idents.append((el.get("typIdentyfikatora", ""), _text(el)))
        out.append(EpuapParty(kind, name, address, tuple(dict.fromkeys(idents))))
    return tuple(out)


def _attr(el: etree._Element | None, name: str) -> str | None:
    return (el.get(name) or None) if el is not None else None


def _party(el: etree._Element | None) -> tuple[str, str | None, str | None]:
    if el is None:
        return "", None, None
    inst = _find(el, "NazwaInstytucji")
    if inst is not None:
        name = _text(inst)
    else:
        name = " ".join(x for x in (_text(_find(el, "Imie")), _text(_find(el, "Nazwisko"))) if x)
    if not name:
        name = _text(_find(el, "Nazwa"))  # free-form party name (used in replies)
    addr_el = _find(el, "Adres")
    address = None
    if addr_el is not None:
        parts = [_text(c) for c in addr_el if isinstance(c.tag, str) and _text(c)]
        address = ", ".join(parts) or None
    ident = None
    for key in ("PESEL", "REGON", "NIP", "KRS", "IdentyfikatorEPUAP"):
        found = _find(el, key)
        if found is not None and _text(found):
            ident = f"{key}:{_text(found)}"
            break
    if ident is None:  # the meta schema's form: <Identyfikator typIdentyfikatora="NIP">...</...>
        for found in el.iter("{*}Identyfikator"):
            kind = (found.get("typIdentyfikatora") or "").upper()
            if kind in ("PESEL", "NIP", "REGON", "KRS") and _text(found):
                ident = f"{kind}:{_text(found)}"
                break
    if not name and ident is not None and ident.split(":", 1)[0] in ("PESEL", "NIP", "REGON"):
        # forms such as DT-1 identify a party by a number and the address, with empty names:
        # the party is named as the clerk would write it ("NIP 5260250274, 20-001 Lublin, ...")
        kind, value = ident.split(":", 1)
        name = f"{kind} {value}" + (f", {address}" if address else "")
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
    linked: list[EpuapAttachmentRef] = []
    total = 0
    for z in root.iter():
        if _local(z) != "Zalacznik":
            continue
        encoding = z.get("kodowanie", "").lower()
        if encoding == "uri":
            linked.append(
                EpuapAttachmentRef(
                    z.get("nazwaPliku") or "zalacznik",
                    z.get("format") or "application/octet-stream",
                    _text(_find(z, "DaneZalacznika")),
                )
            )
            continue
        if encoding != "base64":
            continue
        payload = _find(z, "DaneZalacznika")
        raw_b64 = "".join((payload.text or "").split()) if payload is not None else ""
        total += len(raw_b64) * 3 // 4
        if len(raw_b64) * 3 // 4 > max_attachment_bytes or total > max_attachment_bytes:
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
        senders=_parties(root, "Nadawcy"),
        addressees=_parties(root, "Adresaci"),
        document_name=_text(_find(root, "Naglowek", "NazwaDokumentu")) or None,
        place=(_text(_find(tresc, "MiejscowoscDokumentu")) or None) if tresc is not None else None,
        letter_kind=_attr(_find(tresc, "RodzajWnioskuRozszerzony") if tresc is not None else None, "rodzaj"),
        linked_attachments=tuple(linked),
    )


def has_signature(root: etree._Element) -> bool:
    return any(True for _ in root.iter(f"{{{DS}}}Signature"))


# --- structure and schema checks ---------------------------------------------------------------

KNOWN_FORMS = {
    "http://crd.gov.pl/wzor/2013/12/12/1410/": "pismo ogólne do podmiotu publicznego (1410)",
    "http://crd.gov.pl/wzor/2017/10/24/4566/": "pismo ogólne do podmiotu publicznego (4566)",
}
CRD_SCHEMAS = "http://crd.gov.pl/xml/schematy/"


def validate_letter(root: etree._Element) -> list[str]:
    """Structural checks the crd.gov.pl form schemas impose (their XSDs are not available offline).

    Returns one-line problems; empty means the letter has the structure we rely on.  Checked:
    the root is a crd.gov.pl ``Dokument``; ``DaneDokumentu`` with ``Nadawcy`` and ``Adresaci``,
    each holding at least one ``Podmiot`` from the meta namespace; ``TrescDokumentu``; every
    ``Zalacznik`` names its encoding and file; at most one enveloped ``ds:Signature`` and only as the
    root's last child (where ePUAP puts it).
    """
    problems: list[str] = []
    if not is_epuap_form(root):
        return ["the root element is not in a crd.gov.pl/wzor namespace"]
    if _local(root) != "Dokument":
        problems.append(f"the root element is {_local(root)!r}, not Dokument")
    children = [c for c in root if isinstance(c.tag, str)]
    names = [_local(c) for c in children]
    for required in ("DaneDokumentu", "TrescDokumentu"):
        if required not in names:
            problems.append(f"{required} is missing")
    dane = next((c for c in children if _local(c) == "DaneDokumentu"), None)
    if dane is not None:
        for container in ("Nadawcy", "Adresaci"):
            holder = next((c for c in dane if _local(c) == container), None)
            if holder is None:
                problems.append(f"DaneDokumentu/{container} is missing")
                continue
            if not (etree.QName(holder).namespace or "").startswith(CRD_SCHEMAS + "struktura/"):
                problems.append(f"{container} is not in the crd.gov.pl struktura namespace")
            podmioty = [p for p in holder if _local(p) == "Podmiot"]
            if not podmioty:
                problems.append(f"{container} holds no Podmiot")
            for p in podmioty:
                if not (etree.QName(p).namespace or "").startswith(CRD_SCHEMAS + "meta/"):
                    problems.append(f"{container}/Podmiot is not in the crd.gov.pl meta namespace")
    for z in root.iter():
        if _local(z) == "Zalacznik":
            if (z.get("kodowanie") or "").lower() not in ("base64", "uri", "xml"):
                problems.append(
                    f"Zalacznik {z.get('nazwaPliku')!r} has unknown kodowanie {z.get('kodowanie')!r}"
                )
            if not z.get("nazwaPliku"):
                problems.append("a Zalacznik has no nazwaPliku")
            if _find(z, "DaneZalacznika") is None:
                problems.append(f"Zalacznik {z.get('nazwaPliku')!r} has no DaneZalacznika")
    sigs = [c for c in children if c.tag == f"{{{DS}}}Signature"]
    if len(sigs) > 1:
        problems.append("more than one enveloped ds:Signature")
    if sigs and children[-1] is not sigs[0]:
        problems.append("the ds:Signature is not the root's last child")
    return problems


@dataclass(frozen=True)
class EpuapDelivery:
    """One entry of an ePUAP emergency-download package descriptor (``Deskryptor.xml``)."""

    subject_id: str
    subject_kind: str  # TypOsoby
    subject_name: str
    nip: str | None
    pesel: str | None
    regon: str | None
    sent_at: str  # DataNadania as given (ePUAP uses dd.MM.yyyyTHH:mm:ss.SSS here)
    box_name: str
    box_address: str
    reply_address: str | None
    filename: str
    path: str


def read_descriptor(data: bytes) -> list[EpuapDelivery]:
    """Parse and schema-validate a ``Deskryptor.xml`` (EmergencyDownload.xsd, vendored).

    Raises :class:`InvalidInput` with the first schema problem.
    """
    from ezd import xmlsafe, xsd

    try:
        root = xmlsafe.parse(data)
    except xmlsafe.XMLRejected as exc:
        raise InvalidInput(str(exc)) from None
    errors = xsd.validate(root, "EmergencyDownload.xsd")
    if errors:
        raise InvalidInput(f"Deskryptor.xml does not match EmergencyDownload.xsd: {errors[0]}")
    out = []
    for d in root.iterfind("Dokument"):

        def t(path: str, d: etree._Element = d) -> str:
            return (d.findtext(path) or "").strip()

        out.append(
            EpuapDelivery(
                subject_id=t("DanePodmiotu/Identyfikator"),
                subject_kind=t("DanePodmiotu/TypOsoby"),
                subject_name=" ".join(
                    x for x in (t("DanePodmiotu/ImieSkrot"), t("DanePodmiotu/NazwiskoNazwa")) if x
                ),
                nip=t("DanePodmiotu/Nip") or None,
                pesel=t("DanePodmiotu/Pesel") or None,
                regon=t("DanePodmiotu/Regon") or None,
                sent_at=t("DataNadania"),
                box_name=t("NazwaSkrytki"),
                box_address=t("AdresSkrytki"),
                reply_address=t("AdresOdpowiedzi") or None,
                filename=t("NazwaPliku"),
                path=t("SciezkaWArchiwum"),
            )
        )
    return out
