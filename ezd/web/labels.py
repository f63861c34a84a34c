"""What a person reads instead of a stored code: states, roles, channels, metryka actions, actors.

Every label is a Polish catalogue message (marked with :func:`N_` so ``pybabel extract`` finds
it); the template translates it to the page's language.  An unknown code is shown through
:func:`label` as a neutral Polish phrase rather than raw, so a code added later without a label
never leaks an English word onto a Polish page (``tests/web/test_polish_pages.py`` lists every
code the sources use and fails on a missing label).
"""

from __future__ import annotations

from ezd.i18n import N_ as N_
from ezd.i18n.roles import ROLE as ROLE  # the service errors name roles too (ezd.i18n.errors)

CASE_STATE = {
    "open": N_("otwarta"),
    "in_approval": N_("w akceptacji"),
    "sent": N_("wysłana"),
    "closed": N_("zakończona"),
    "archived": N_("zarchiwizowana"),
}

ITEM_STATUS = {
    "registered": N_("zarejestrowane"),
    "decreed": N_("zadekretowane"),
    "assigned": N_("przydzielone referentowi"),
    "in_case": N_("w sprawie"),
    "returned": N_("zwrócone do kancelarii (niewłaściwa komórka)"),
    "forwarded": N_("przekazane do urzędu właściwego"),
}

DOCUMENT_STATUS = {
    **ITEM_STATUS,
    "draft": N_("projekt"),
    "in_approval": N_("w akceptacji"),
    "returned": N_("zwrócony do poprawy"),
    "approved": N_("zaakceptowany"),
    "signed": N_("podpisany"),
    "dispatched": N_("wysłany"),
    "delivered": N_("doręczony"),
}

DIRECTION = {
    "incoming": N_("przychodzący"),
    "outgoing": N_("wychodzący"),
    "internal": N_("wewnętrzny"),
}

DOCUMENT_KIND = {
    "pismo": N_("pismo"),
    "odpowiedz": N_("odpowiedź"),
    "wniosek": N_("wniosek"),
    "decyzja": N_("decyzja"),
    "postanowienie": N_("postanowienie"),
    "skarga": N_("skarga"),
    "faktura": N_("faktura"),
    "upp": N_("urzędowe poświadczenie przedłożenia"),
    "wystapienie_art106": N_("wystąpienie organu (art. 106 KPA)"),
    "stanowisko_art106": N_("stanowisko organu (art. 106 KPA)"),
    "odmowa_art106": N_("odmowa zajęcia stanowiska"),
    "zawiadomienie_art36": N_("zawiadomienie o nowym terminie (art. 36 KPA)"),
    "zawiadomienie_art65": N_("zawiadomienie o przekazaniu (art. 65 KPA)"),
}

OPINION_KIND = {
    "opinia": N_("opinia"),
    "uzgodnienie": N_("uzgodnienie"),
    "informacja": N_("informacja"),
}

OPINION_STATUS = {
    "sent": N_("wysłane"),
    "received": N_("w organie opiniującym"),
    "answered": N_("stanowisko zajęte"),
    "refused": N_("odmowa: organ niewłaściwy"),
}

CHANNEL = {
    "epuap": N_("ePUAP"),
    "e-doreczenia": N_("e-Doręczenia"),
    "poczta": N_("poczta tradycyjna"),
    "osobiscie": N_("osobiście"),
    "email": N_("poczta elektroniczna"),
    "kurier": N_("kurier"),
    "urzad-partnerski": N_("urząd partnerski"),
}

VERDICT = {
    "TOTAL-PASSED": N_("podpis ważny"),
    "INDETERMINATE": N_("podpis nierozstrzygnięty"),
    "TOTAL-FAILED": N_("podpis nieważny"),
}

ACTION = {
    "ponowienie_kroku": N_("ponowienie kroku systemu"),
    "akceptacja": N_("akceptacja projektu"),
    "archiwizacja": N_("archiwizacja"),
    "audyt_integralnosci": N_("audyt integralności"),
    "blokada_prawna": N_("blokada prawna"),
    "dekretacja": N_("dekretacja"),
    "dodanie_klasy_jrwa": N_("dodanie klasy JRWA"),
    "dolaczenie_dokumentu": N_("dołączenie dokumentu"),
    "ignore": N_("pominięcie"),
    "import_jrwa": N_("import JRWA"),
    "import_paczki_archiwalnej": N_("import paczki archiwalnej"),
    "import_pieczeci": N_("import e-pieczęci urzędu"),
    "import_z_innego_ezd": N_("import z innego systemu EZD"),
    "konfiguracja_skrzynki": N_("ustawienie skrzynki poczty elektronicznej"),
    "lokalizacja_w_archiwum": N_("lokalizacja w archiwum"),
    "nadanie_roli": N_("nadanie roli"),
    "odblokowanie_konta": N_("odblokowanie konta"),
    "odczyt": N_("odczyt"),
    "odebranie_roli": N_("odebranie roli"),
    "odrzucenie_wiadomosci": N_("odrzucenie wiadomości e-mail"),
    "opinia": N_("opinia komórki"),
    "paczka_archiwalna": N_("paczka archiwalna"),
    "podjecie_biegu_terminu": N_("podjęcie biegu terminu"),
    "podpis": N_("podpis (e-pieczęć)"),
    "podpis_wstrzymany": N_("podpis wstrzymany"),
    "ponowna_dekretacja": N_("ponowna dekretacja"),
    "potwierdzenie_doreczenia": N_("potwierdzenie doręczenia"),
    "projekt_do_akceptacji": N_("projekt przekazany do akceptacji"),
    "przedluzenie_terminu": N_("przedłużenie terminu"),
    "przekazanie_wg_wlasciwosci": N_("przekazanie według właściwości"),
    "przydzial": N_("przydział referenta"),
    "przygotowanie_do_archiwum": N_("przygotowanie do archiwum"),
    "przyjecie_do_archiwum": N_("przyjęcie do archiwum"),
    "przyjecie_z_przekazania": N_("przyjęcie z przekazania"),
    "przypomnienie_o_terminie": N_("przypomnienie o terminie"),
    "rejestracja": N_("rejestracja pisma"),
    "rozpoznanie_tekstu": N_("rozpoznanie tekstu skanu (OCR)"),
    "spis_zdawczo_odbiorczy": N_("spis zdawczo-odbiorczy"),
    "udostepnienie": N_("udostępnienie akt"),
    "udostepnienie_sprawy": N_("udostępnienie sprawy innemu urzędowi"),
    "upp": N_("urzędowe poświadczenie przedłożenia"),
    "upp_wstrzymane": N_("poświadczenie przedłożenia wstrzymane"),
    "utworzenie_komorki": N_("utworzenie komórki"),
    "utworzenie_konta": N_("utworzenie konta"),
    "utworzenie_urzedu": N_("utworzenie urzędu"),
    "walidacja": N_("sprawdzenie poprawności pisma"),
    "weryfikacja_podpisu": N_("weryfikacja podpisu"),
    "wlaczenie_konta": N_("włączenie konta"),
    "uzupelnienie_paczki": N_("uzupełnienie paczki archiwalnej"),
    "wniosek_o_brakowanie": N_("wniosek o brakowanie"),
    "wydanie_kodu_dostepu": N_("wydanie kodu dostępu"),
    "wylaczenie_konta": N_("wyłączenie konta"),
    "wysylka": N_("wysyłka"),
    "zadanie_wykonane": N_("zadanie wykonane"),
    "zakonczenie_sprawy": N_("zakończenie sprawy"),
    "zalozenie_sprawy": N_("założenie sprawy"),
    "zamkniecie_komorki": N_("zamknięcie komórki"),
    "zapis_tresci": N_("zapis treści pisma"),
    "zastepstwo": N_("zastępstwo"),
    "zawieszenie_biegu_terminu": N_("zawieszenie biegu terminu"),
    "zdjecie_blokady_prawnej": N_("zdjęcie blokady prawnej"),
    "zgoda_na_brakowanie": N_("zgoda na brakowanie"),
    "zmiana_hasla": N_("zmiana hasła"),
    "zmiana_klasy_jrwa": N_("zmiana klasy JRWA"),
    "zmiana_nazwy_komorki": N_("zmiana nazwy komórki"),
    "zniszczenie_dokumentacji": N_("zniszczenie dokumentacji"),
    "zwrot_akt_do_uzupelnienia": N_("zwrot akt do uzupełnienia"),
    "zwrot_do_kancelarii": N_("zwrot do kancelarii"),
    "zwrot_do_poprawy": N_("zwrot projektu do poprawy"),
    "zwrot_udostepnienia": N_("zwrot udostępnionych akt"),
    # art. 106 KPA between partner offices
    "wystapienie_art106": N_("wystąpienie do innego organu (art. 106 KPA)"),
    "doreczenie_wystapienia_art106": N_("doręczenie wystąpienia organowi"),
    "wplyw_wystapienia_art106": N_("wpływ wystąpienia innego organu (art. 106 KPA)"),
    "projekt_stanowiska_art106": N_("projekt stanowiska"),
    "odmowa_art106": N_("odmowa zajęcia stanowiska: organ niewłaściwy"),
    "odeslanie_stanowiska_art106": N_("odesłanie stanowiska z e-pieczęcią"),
    "stanowisko_art106": N_("stanowisko innego organu w aktach sprawy"),
    "przypomnienie_art106": N_("przypomnienie o terminie stanowiska"),
    "eskalacja_art106": N_("termin stanowiska minął: zgłoszono kierownikowi"),
    "zawiadomienie_o_zwloce_art106": N_("zawiadomienie o zwłoce (art. 106 § 4 KPA)"),
    "do_wiadomosci": N_("kopia do wiadomości"),
    "wysylka_zawiadomienia": N_("wysyłka zawiadomienia"),
    "potwierdzenie_doreczenia_zawiadomienia": N_("potwierdzenie doręczenia zawiadomienia"),
    "regula_akceptacji_jrwa": N_("reguła akceptacji klasy JRWA"),
}

# system actors are recorded as ``system:<topic or source>``
SYSTEM_ACTOR = {
    "ezd.validate-xml": N_("system (sprawdzenie pisma XML)"),
    "ezd.verify-signature": N_("system (weryfikacja podpisu)"),
    "ezd.store-content": N_("system (zapis treści)"),
    "ezd.ocr": N_("system (rozpoznanie tekstu skanu)"),
    "ezd.create-case": N_("system (założenie sprawy)"),
    "ezd.attach-to-case": N_("system (dołączenie do sprawy)"),
    "ezd.sign": N_("system (e-pieczęć urzędu)"),
    "ezd.dispatch": N_("system (wysyłka)"),
    "ezd.issue-upp": N_("system (poświadczenie przedłożenia)"),
    "ezd.close-case": N_("system (zakończenie sprawy)"),
    "ezd.archive": N_("system (archiwizacja)"),
    "ezd.archive-prepare": N_("system (przygotowanie do archiwum)"),
    "ezd.deadline-reminder": N_("system (przypomnienie o terminie)"),
    "ezd.delivery-confirmed": N_("system (potwierdzenie doręczenia)"),
    "ezd.forward-to-office": N_("system (przekazanie do właściwego urzędu)"),
    "ezd.opinion-send": N_("system (wysłanie wystąpienia do organu)"),
    "ezd.opinion-remind": N_("system (przypomnienie o terminie stanowiska)"),
    "ezd.opinion-escalate": N_("system (eskalacja: termin stanowiska minął)"),
    "ezd.opinion-delay-noted": N_("system (zawiadomienie o zwłoce)"),
    "ezd.opinion-received": N_("system (stanowisko do akt sprawy)"),
    "ezd.opinion-seal-answer": N_("system (e-pieczęć i odesłanie stanowiska)"),
    "ezd.opinion-refuse": N_("system (odmowa i przekazanie według właściwości)"),
    "epuap": N_("system (skrzynka ePUAP)"),
    "ezd.imap": N_("system (skrzynka poczty elektronicznej)"),
    "upp": N_("system (poświadczenie przedłożenia)"),
    "fixity": N_("system (audyt integralności)"),
    "fixity-beat": N_("system (audyt integralności)"),
}

# user tasks by their BPMN id (the BPMN names are Polish, but English pages need them too)
TASK = {
    "Task_Decree": N_("Dekretacja na komórkę"),
    "Task_AssignReferent": N_("Przydział referenta"),
    "Task_CaseDecision": N_("Założenie sprawy lub dołączenie do sprawy"),
    "Task_Draft": N_("Przygotowanie projektu odpowiedzi"),
    "Task_Approve": N_("Akceptacja"),
    "Task_FixDispatch": N_("Poprawa danych wysyłki"),
    "Task_CompleteFiles": N_("Uzupełnienie akt"),
    "Task_AcceptTransfer": N_("Przyjęcie akt do archiwum"),
    "Task_DecreeRequest": N_("Dekretacja wystąpienia"),
    "Task_PrepareAnswer": N_("Przygotowanie stanowiska"),
    "Task_ApproveAnswer": N_("Akceptacja stanowiska"),
}

# the system's own steps (BPMN service tasks), named in a failure shown on a page
SYSTEM_STEP = {
    "Task_ValidateXml": N_("Walidacja dokumentu"),
    "Task_VerifySignature": N_("Weryfikacja podpisu"),
    "Task_StoreContent": N_("Zapis treści i metadanych"),
    "Task_Ocr": N_("Rozpoznanie tekstu (OCR)"),
    "Task_IssueUpp": N_("Wystawienie UPP"),
    "Task_CreateCase": N_("Założenie sprawy"),
    "Task_AttachToCase": N_("Dołączenie do sprawy"),
    "Task_Sign": N_("Podpis (e-pieczęć)"),
    "Task_Dispatch": N_("Wysyłka"),
    "Task_Close": N_("Zakończenie sprawy"),
    "Task_Remind": N_("Przypomnienie o terminie"),
    "Task_PrepareTransfer": N_("Przygotowanie akt do przekazania"),
    "Task_Archive": N_("Przechowanie w archiwum"),
}

# deployed processes by their BPMN id (the names in bpmn/*.bpmn)
PROCESS = {
    "ezd_incoming": N_("Korespondencja przychodząca"),
    "ezd_case": N_("Załatwienie sprawy"),
    "ezd_archive": N_("Przekazanie do archiwum zakładowego"),
}

# the keys of the administrative log's details, as a person reads them
DETAIL = {
    "absent": N_("nieobecny"),
    "substitute": N_("zastępca"),
    "from": N_("od"),
    "to": N_("do"),
    "login": N_("konto"),
    "full_name": N_("imię i nazwisko"),
    "unit": N_("komórka"),
    "role": N_("rola"),
    "name": N_("nazwa"),
    "parent": N_("komórka nadrzędna"),
    "old": N_("poprzednia nazwa"),
    "new": N_("nowa nazwa"),
    "closed_on": N_("zamknięta od"),
    "code": N_("urząd"),
    "kind": N_("rodzaj"),
    "classes": N_("klasy"),
    "leaves": N_("klasy końcowe"),
    "symbol": N_("symbol"),
    "title": N_("hasło"),
    "category": N_("kategoria"),
    "before": N_("przed zmianą"),
    "after": N_("po zmianie"),
    "subject": N_("podmiot"),
    "serial": N_("numer seryjny"),
    "not_after": N_("ważna do"),
}

# kinds of inbox messages (ezd.services.notifications)
NOTIFICATION = {
    "task": N_("Nowe zadanie"),
    "returned": N_("Projekt zwrócony do poprawy"),
    "due_soon": N_("Zbliża się termin"),
    "overdue": N_("Termin minął"),
    "escalation": N_("Sprawa po terminie w komórce"),
    "copy": N_("Do wiadomości"),
}

# a disposal request (brakowanie) on its way: filed, consented by the state archive, carried out
DISPOSAL_STATUS = {
    "requested": N_("czeka na zgodę archiwum państwowego"),
    "consented": N_("zgoda archiwum państwowego"),
    "executed": N_("wykonany — dokumentację zniszczono"),
    "refused": N_("odmowa archiwum państwowego"),
}

TABLES: dict[str, dict[str, str]] = {
    "process": PROCESS,
    "detail": DETAIL,
    "notification": NOTIFICATION,
    "system_step": SYSTEM_STEP,
    "task": TASK,
    "case_state": CASE_STATE,
    "item_status": ITEM_STATUS,
    "document_status": DOCUMENT_STATUS,
    "direction": DIRECTION,
    "kind": DOCUMENT_KIND,
    "channel": CHANNEL,
    "role": ROLE,
    "verdict": VERDICT,
    "action": ACTION,
    "opinion_kind": OPINION_KIND,
    "opinion_status": OPINION_STATUS,
    "disposal_status": DISPOSAL_STATUS,
}

UNKNOWN = N_("(inna wartość)")


def label(table: str, code: str | None) -> str:
    """The Polish catalogue message for ``code``; kinds typed in by the kancelaria pass as they are."""
    if code is None or code == "":
        return "—"
    found = TABLES[table].get(str(code))
    if found is not None:
        return found
    # a free-text document kind is Polish already (the register form takes any word)
    return str(code) if table == "kind" else UNKNOWN
