"""Generating realistic incoming ePUAP letters (form 1410 structure) and outgoing replies."""

from __future__ import annotations

import base64
import random
from datetime import date

from lxml import etree

NS_WNIO = "http://crd.gov.pl/wzor/2013/12/12/1410/"
NS_META = "http://crd.gov.pl/xml/schematy/meta/2009/11/16/"
NS_STR = "http://crd.gov.pl/xml/schematy/struktura/2009/11/16/"
NS_ADR = "http://crd.gov.pl/xml/schematy/adres/2009/11/09/"
NS_OSO = "http://crd.gov.pl/xml/schematy/osoba/2009/11/16/"
NS_INST = "http://crd.gov.pl/xml/schematy/instytucja/2009/11/16/"
NSMAP = {"wnio": NS_WNIO, "meta": NS_META, "str": NS_STR, "adr": NS_ADR, "oso": NS_OSO, "inst": NS_INST}

FIRST = ("Jan", "Maria", "Krzysztof", "Agnieszka", "Andrzej", "Barbara", "Marek", "Joanna", "Paweł", "Zofia")
LAST = ("Kowalski", "Zielińska", "Szymański", "Woźniak", "Dąbrowski", "Kozłowska", "Jankowski", "Mazur")
TOWNS = (("21-007", "Mełgiew"), ("21-040", "Świdnik"), ("21-080", "Kamionka"), ("21-050", "Piaski"))
SUBJECTS = (
    ("Wniosek o udostępnienie informacji publicznej", "0122"),
    ("Skarga na działanie pracownika urzędu", "051"),
    ("Petycja w sprawie oświetlenia ulicy", "053"),
    ("Wniosek o dostęp do danych osobowych (RODO)", "0134"),
    ("Pismo skierowane do niewłaściwego organu", "054"),
)


def _el(parent: etree._Element, ns: str, name: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{name}", **attrs)
    if text is not None:
        el.text = text
    return el


def _person(parent: etree._Element, first: str, last: str, town: tuple[str, str], street: str) -> None:
    podmiot = _el(parent, NS_META, "Podmiot")
    osoba = _el(podmiot, NS_OSO, "Osoba")
    _el(osoba, NS_OSO, "Imie", first)
    _el(osoba, NS_OSO, "Nazwisko", last)
    adres = _el(osoba, NS_ADR, "Adres")
    _el(adres, NS_ADR, "KodPocztowy", town[0])
    _el(adres, NS_ADR, "Miejscowosc", town[1])
    _el(adres, NS_ADR, "Ulica", street)
    _el(adres, NS_ADR, "Budynek", str(random.randint(1, 120)))


def _institution(parent: etree._Element, name: str) -> None:
    podmiot = _el(parent, NS_META, "Podmiot")
    inst = _el(podmiot, NS_INST, "Instytucja")
    _el(inst, NS_INST, "NazwaInstytucji", name)


def incoming_letter(rng: random.Random, office: str, n: int, when: date) -> tuple[bytes, str]:
    """An ePUAP 'pismo ogólne' from a resident to ``office``; returns (xml, suggested JRWA)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if first[-1] == "a" and last.endswith("ski"):
        last = last[:-1] + "a"
    subject, jrwa = SUBJECTS[n % len(SUBJECTS)]
    root = etree.Element(f"{{{NS_WNIO}}}Dokument", nsmap=NSMAP)
    opis = _el(root, NS_WNIO, "OpisDokumentu")
    _el(opis, NS_META, "Identyfikator").append(etree.Element(f"{{{NS_META}}}Wartosc"))
    dane = _el(root, NS_WNIO, "DaneDokumentu")
    nagl = _el(dane, NS_STR, "Naglowek")
    _el(nagl, NS_STR, "NazwaDokumentu", "Pismo ogólne do podmiotu publicznego")
    data = _el(dane, NS_META, "Data", typDaty="utworzony")
    _el(data, NS_META, "Czas", when.isoformat())
    ident = _el(dane, NS_META, "Identyfikator", typIdentyfikatora="znak pisma")
    _el(ident, NS_META, "Wartosc", f"{last[:3].upper()}/{n}/{when.year}")
    _institution(_el(dane, NS_STR, "Adresaci"), office)
    _person(
        _el(dane, NS_STR, "Nadawcy"),
        first,
        last,
        rng.choice(TOWNS),
        rng.choice(("Lubelska", "Kwiatowa", "Szkolna")),
    )
    tresc = _el(root, NS_WNIO, "TrescDokumentu", format="text/xml", kodowanie="XML")
    _el(tresc, NS_WNIO, "Tytul", subject)
    _el(
        tresc,
        NS_WNIO,
        "Tresc",
        f"Uprzejmie proszę o załatwienie sprawy: {subject.lower()}. Z poważaniem, {first} {last}.",
    )
    zal = _el(tresc, NS_STR, "Zalaczniki")
    z = _el(
        zal, NS_STR, "Zalacznik", format="text/plain", kodowanie="base64", nazwaPliku=f"uzasadnienie-{n}.txt"
    )
    _el(z, NS_STR, "DaneZalacznika", base64.b64encode(f"Uzasadnienie nr {n}: {subject}.\n".encode()).decode())
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), jrwa


def reply_letter(office: str, case_sign: str, addressee: str, subject: str, when: date) -> bytes:
    """An outgoing reply in the same structure, carrying the case sign."""
    root = etree.Element(f"{{{NS_WNIO}}}Dokument", nsmap=NSMAP)
    _el(_el(root, NS_WNIO, "OpisDokumentu"), NS_META, "Identyfikator")
    dane = _el(root, NS_WNIO, "DaneDokumentu")
    _el(_el(dane, NS_STR, "Naglowek"), NS_STR, "NazwaDokumentu", "Odpowiedź")
    data = _el(dane, NS_META, "Data", typDaty="utworzony")
    _el(data, NS_META, "Czas", when.isoformat())
    ident = _el(dane, NS_META, "Identyfikator", typIdentyfikatora="znak sprawy")
    _el(ident, NS_META, "Wartosc", case_sign)
    _institution(_el(dane, NS_STR, "Nadawcy"), office)
    adr = _el(_el(dane, NS_STR, "Adresaci"), NS_META, "Podmiot")
    _el(adr, NS_META, "Nazwa", addressee)
    tresc = _el(root, NS_WNIO, "TrescDokumentu", format="text/xml", kodowanie="XML")
    _el(tresc, NS_WNIO, "Tytul", f"Odpowiedź: {subject}")
    _el(
        tresc,
        NS_WNIO,
        "Tresc",
        f"W odpowiedzi na pismo w sprawie {case_sign} uprzejmie informuję, że sprawa została załatwiona.",
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def reply_pdf(office: str, case_sign: str, addressee: str, subject: str, when: date) -> bytes:
    """The same standard reply as a PDF, as most offices send them (sealed with PAdES)."""
    import html

    from weasyprint import HTML  # imported on use: pango is loaded only for PDF replies

    from ezd.outgoing_xml import REPLY_TEXT

    esc = html.escape
    page = (
        '<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Odpowiedź</title>'
        "<style>@page { size: A4; margin: 25mm } body { font-family: serif; font-size: 11pt }</style>"
        f"</head><body><p>{esc(office)}</p><p style='text-align:right'>{when:%d.%m.%Y}</p>"
        f"<p>Znak sprawy: {esc(case_sign)}</p><p>{esc(addressee)}</p>"
        f"<h1 style='font-size:13pt'>Odpowiedź: {esc(subject)}</h1>"
        f"<p>{esc(REPLY_TEXT.format(case_sign=case_sign))}</p></body></html>"
    )
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf
