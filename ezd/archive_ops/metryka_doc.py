"""The metryka sprawy as documents of the paczka archiwalna: XML to verify, HTML to read.

The XML carries every field that an entry's hash covers (``ezd.records.metryka.entry_hash``), so
the hash chains can be checked from the package alone, without the office's database:
:func:`verify_metryka_xml` recomputes every hash and link.  A case's metryka is its own chain
plus the chains of the incoming items that joined it (their registration, validation and
decree happened before the case existed).

    <metryka xmlns="urn:ezd:metryka:1" znak_sprawy="OR.053.1.2026">
      <lancuch klucz="case:3">
        <wpis lp="1" poprzedni="000…" skrot="5f4f…">
          <czas>2026-12-04T00:59:01.123456</czas>  naive UTC, as hashed
          <wykonawca>sw.referent</wykonawca>
          <w_zastepstwie>…</w_zastepstwie>         only when someone acted for another
          <czynnosc>zalozenie_sprawy</czynnosc>
          <dokument>…</dokument>                   the document's uid, when the entry names one
          <szczegoly>{"sign": …}</szczegoly>       the details as JSON
        </wpis>
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd import xmlsafe
from ezd.archive_ops.printable import render
from ezd.db.tables import IncomingItem, MetrykaEntry, Tenant, User
from ezd.db.tables_archive import ArchiveEntry
from ezd.records.metryka import GENESIS, Entry, verify_chain
from ezd.services import audit

NS = "urn:ezd:metryka:1"
WARSAW = ZoneInfo("Europe/Warsaw")
RODZAJ = "metryka sprawy"  # NES typ/rodzaj of the two documents; the importer recognises it

# What a person reads in the printable metryka instead of the stored action codes.
ACTIONS: Mapping[str, str] = {
    "rejestracja": "Rejestracja przesyłki",
    "walidacja": "Sprawdzenie formatu",
    "weryfikacja_podpisu": "Weryfikacja podpisu",
    "zapis_tresci": "Zapis treści i załączników",
    "upp": "Urzędowe poświadczenie przedłożenia",
    "dekretacja": "Dekretacja",
    "przydzial": "Przydział referentowi",
    "zalozenie_sprawy": "Założenie sprawy",
    "dolaczenie_dokumentu": "Dołączenie dokumentu do sprawy",
    "projekt_do_akceptacji": "Projekt przekazany do akceptacji",
    "akceptacja": "Akceptacja projektu",
    "podpis": "Podpisanie (e-pieczęć)",
    "ponowienie_kroku": "Ponowienie kroku systemu",
    "wysylka": "Wysyłka",
    "potwierdzenie_doreczenia": "Potwierdzenie doręczenia",
    "zakonczenie_sprawy": "Zakończenie sprawy",
    "przypomnienie_o_terminie": "Przypomnienie o terminie",
    "przygotowanie_do_archiwum": "Przygotowanie do przekazania do archiwum",
    "przyjecie_do_archiwum": "Przyjęcie do archiwum zakładowego",
    "zwrot_akt_do_uzupelnienia": "Zwrot akt do uzupełnienia",
    "archiwizacja": "Archiwizacja (blokada obiektów)",
    "lokalizacja_w_archiwum": "Miejsce przechowywania w archiwum",
    "udostepnienie": "Udostępnienie akt",
    "zwrot_udostepnienia": "Zwrot udostępnionych akt",
    "udostepnienie_sprawy": "Udostępnienie sprawy innej instytucji",
    "blokada_prawna": "Blokada prawna",
    "wniosek_o_brakowanie": "Wniosek o zgodę na brakowanie",
    "zgoda_na_brakowanie": "Zgoda archiwum państwowego na brakowanie",
    "zniszczenie_dokumentacji": "Zniszczenie dokumentacji",
    "import_z_innego_ezd": "Przejęcie z innego systemu EZD",
    "wydanie_kodu_dostepu": "Wydanie kodu dostępu",
}


@dataclass(frozen=True)
class Chain:
    key: str
    entries: Sequence[Entry]


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _entries(session: Session, chain_key: str) -> list[Entry]:
    rows = session.execute(
        select(MetrykaEntry).where(MetrykaEntry.chain_key == chain_key).order_by(MetrykaEntry.seq)
    ).scalars()
    return [
        Entry(
            chain_key=r.chain_key,
            seq=r.seq,
            prev_hash=r.prev_hash,
            at=r.at,
            actor=r.actor,
            on_behalf_of=r.on_behalf_of,
            action=r.action,
            document_ref=r.document_ref,
            details=r.details or {},
            hash=r.hash,
        )
        for r in rows
    ]


def case_chains(session: Session, entry: ArchiveEntry) -> list[Chain]:
    """The chains of a transferred case: its incoming items' (in RPW order), then its own."""
    if entry.case_id is None:
        return []
    tenant = session.get(Tenant, entry.tenant_id)
    items = session.execute(
        select(IncomingItem.sign).where(IncomingItem.case_id == entry.case_id).order_by(IncomingItem.id)
    ).scalars()
    keys = [audit.item_chain(tenant.code, sign) for sign in items] if tenant else []
    keys.append(audit.case_chain(entry.case_id))
    return [Chain(k, e) for k in keys if (e := _entries(session, k))]


def _details_json(details: Mapping[str, object]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def metryka_xml(case_sign: str, chains: Sequence[Chain]) -> bytes:
    root = etree.Element(_q("metryka"), {"znak_sprawy": case_sign}, nsmap={None: NS})
    for chain in chains:
        ch = etree.SubElement(root, _q("lancuch"), {"klucz": chain.key})
        for e in chain.entries:
            w = etree.SubElement(
                ch, _q("wpis"), {"lp": str(e.seq), "poprzedni": e.prev_hash, "skrot": e.hash}
            )
            etree.SubElement(w, _q("czas")).text = e.at.strftime("%Y-%m-%dT%H:%M:%S.%f")
            etree.SubElement(w, _q("wykonawca")).text = e.actor
            if e.on_behalf_of is not None:
                etree.SubElement(w, _q("w_zastepstwie")).text = e.on_behalf_of
            etree.SubElement(w, _q("czynnosc")).text = e.action
            if e.document_ref is not None:
                etree.SubElement(w, _q("dokument")).text = e.document_ref
            etree.SubElement(w, _q("szczegoly")).text = _details_json(e.details)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def _local(at: datetime) -> str:
    return at.replace(tzinfo=UTC).astimezone(WARSAW).strftime("%d.%m.%Y %H:%M:%S")


def _who(login: str, names: Mapping[str, str]) -> str:
    if login.startswith("system:"):
        return "system EZD"
    return names.get(login, login)


def people(session: Session, chains: Sequence[Chain]) -> dict[str, str]:
    """Full names of everyone who appears in the chains (a person reads names, not logins)."""
    logins = {e.actor for c in chains for e in c.entries} | {
        e.on_behalf_of for c in chains for e in c.entries if e.on_behalf_of
    }
    if not logins:
        return {}
    rows = session.execute(select(User.login, User.full_name).where(User.login.in_(sorted(logins))))
    return {login: name for login, name in rows}


def metryka_html(case_sign: str, office: str, chains: Sequence[Chain], names: Mapping[str, str]) -> bytes:
    rows: list[list[object]] = []
    for chain in chains:
        for e in chain.entries:
            who = _who(e.actor, names)
            if e.on_behalf_of:
                who += f" (w zastępstwie: {_who(e.on_behalf_of, names)})"
            rows.append([len(rows) + 1, _local(e.at), who, ACTIONS.get(e.action, e.action.replace("_", " "))])
    return render(
        f"Metryka sprawy {case_sign}",
        [("Instytucja", office), ("Znak sprawy", case_sign), ("Liczba czynności", str(len(rows)))],
        ["Lp.", "Data i godzina", "Kto", "Czynność"],
        rows,
        footer="Czas urzędowy (Europe/Warsaw). Wersja do weryfikacji łańcucha skrótów: plik XML metryki.",
    )


def last_moment(chains: Sequence[Chain]) -> datetime | None:
    moments = [e.at for c in chains for e in c.entries]
    return max(moments) if moments else None


def verify_metryka_xml(data: bytes) -> list[str]:
    """Problems of a metryka XML (Polish, one per line); [] when every chain is intact."""
    try:
        root = xmlsafe.parse(data)
    except xmlsafe.XMLRejected as exc:
        return [f"metryka nieczytelna: {exc}"]
    if root.tag != _q("metryka"):
        return ["to nie jest metryka sprawy (brak elementu metryka)"]
    problems: list[str] = []
    for ch in root.findall(_q("lancuch")):
        key = ch.get("klucz") or ""
        entries: list[Entry] = []
        try:
            for w in ch.findall(_q("wpis")):
                details = json.loads(w.findtext(_q("szczegoly")) or "{}")
                entries.append(
                    Entry(
                        chain_key=key,
                        seq=int(w.get("lp") or "0"),
                        prev_hash=w.get("poprzedni") or "",
                        at=datetime.strptime(w.findtext(_q("czas")) or "", "%Y-%m-%dT%H:%M:%S.%f"),
                        actor=w.findtext(_q("wykonawca")) or "",
                        on_behalf_of=w.findtext(_q("w_zastepstwie")),
                        action=w.findtext(_q("czynnosc")) or "",
                        document_ref=w.findtext(_q("dokument")),
                        details=details if isinstance(details, dict) else {},
                        hash=w.get("skrot") or "",
                    )
                )
        except ValueError as exc:
            problems.append(f"łańcuch {key}: wpis nieczytelny ({exc})")
            continue
        broken = verify_chain(entries)
        if broken is not None:
            problems.append(f"łańcuch {key}: naruszony przy wpisie {broken.seq} ({_polish(broken.reason)})")
    return problems


def _polish(reason: str) -> str:
    if "missing or moved" in reason:
        return "brak wpisu lub zmieniona kolejność"
    if "previous-hash" in reason:
        return "skrót poprzedniego wpisu się nie zgadza"
    if "content" in reason:
        return "treść wpisu nie zgadza się z jego skrótem"
    return reason


__all__ = ["GENESIS", "RODZAJ", "Chain", "case_chains", "metryka_html", "metryka_xml", "verify_metryka_xml"]
