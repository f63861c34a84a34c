"""What a person reads instead of a stored code: states, roles, channels, metryka actions, actors.

Every label is a Polish catalogue message (marked with :func:`N_` so ``pybabel extract`` finds
it); the template translates it to the page's language.  An unknown code is shown through
:func:`label` as a neutral Polish phrase rather than raw, so a code added later without a label
never leaks an English word onto a Polish page (``tests/web/test_polish_pages.py`` lists every
code the sources use and fails on a missing label).
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark a message for extraction; translated later, where the language is known."""
    return text


CASE_STATE = {
    "open": N_("otwarta"),
    "in_approval": N_("w akceptacji"),
    "closed": N_("zakończona"),
    "archived": N_("zarchiwizowana"),
}

ITEM_STATUS = {
    "registered": N_("zarejestrowane"),
    "decreed": N_("zadekretowane"),
    "assigned": N_("przydzielone referentowi"),
    "in_case": N_("w sprawie"),
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
}

CHANNEL = {
    "epuap": N_("ePUAP"),
    "e-doreczenia": N_("e-Doręczenia"),
    "poczta": N_("poczta tradycyjna"),
    "osobiscie": N_("osobiście"),
    "email": N_("poczta elektroniczna"),
    "kurier": N_("kurier"),
}

ROLE = {
    "kancelaria": N_("kancelaria"),
    "referent": N_("referent"),
    "kierownik": N_("kierownik"),
    "sekretarz": N_("sekretarz"),
    "archiwista": N_("archiwista"),
    "admin": N_("administrator"),
}

VERDICT = {
    "TOTAL-PASSED": N_("podpis ważny"),
    "INDETERMINATE": N_("podpis nierozstrzygnięty"),
    "TOTAL-FAILED": N_("podpis nieważny"),
}

ACTION = {
    "akceptacja": N_("akceptacja projektu"),
    "archiwizacja": N_("archiwizacja"),
    "audyt_integralnosci": N_("audyt integralności"),
    "blokada_prawna": N_("blokada prawna"),
    "dekretacja": N_("dekretacja"),
    "dolaczenie_dokumentu": N_("dołączenie dokumentu"),
    "ignore": N_("pominięcie"),
    "import_jrwa": N_("import JRWA"),
    "import_paczki_archiwalnej": N_("import paczki archiwalnej"),
    "import_z_innego_ezd": N_("import z innego systemu EZD"),
    "konfiguracja_skrzynki": N_("ustawienie skrzynki poczty elektronicznej"),
    "lokalizacja_w_archiwum": N_("lokalizacja w archiwum"),
    "nadanie_roli": N_("nadanie roli"),
    "odblokowanie_konta": N_("odblokowanie konta"),
    "odczyt": N_("odczyt"),
    "odrzucenie_wiadomosci": N_("odrzucenie wiadomości e-mail"),
    "paczka_archiwalna": N_("paczka archiwalna"),
    "podpis": N_("podpis (e-pieczęć)"),
    "potwierdzenie_doreczenia": N_("potwierdzenie doręczenia"),
    "projekt_do_akceptacji": N_("projekt przekazany do akceptacji"),
    "przydzial": N_("przydział referenta"),
    "przygotowanie_do_archiwum": N_("przygotowanie do archiwum"),
    "przyjecie_do_archiwum": N_("przyjęcie do archiwum"),
    "przypomnienie_o_terminie": N_("przypomnienie o terminie"),
    "rejestracja": N_("rejestracja pisma"),
    "spis_zdawczo_odbiorczy": N_("spis zdawczo-odbiorczy"),
    "udostepnienie": N_("udostępnienie akt"),
    "udostepnienie_sprawy": N_("udostępnienie sprawy innemu urzędowi"),
    "upp": N_("urzędowe poświadczenie przedłożenia"),
    "utworzenie_komorki": N_("utworzenie komórki"),
    "utworzenie_konta": N_("utworzenie konta"),
    "walidacja": N_("sprawdzenie poprawności pisma"),
    "weryfikacja_podpisu": N_("weryfikacja podpisu"),
    "uzupelnienie_paczki": N_("uzupełnienie paczki archiwalnej"),
    "wniosek_o_brakowanie": N_("wniosek o brakowanie"),
    "wydanie_kodu_dostepu": N_("wydanie kodu dostępu"),
    "wysylka": N_("wysyłka"),
    "zakonczenie_sprawy": N_("zakończenie sprawy"),
    "zalozenie_sprawy": N_("założenie sprawy"),
    "zapis_tresci": N_("zapis treści pisma"),
    "zastepstwo": N_("zastępstwo"),
    "zdjecie_blokady_prawnej": N_("zdjęcie blokady prawnej"),
    "zgoda_na_brakowanie": N_("zgoda na brakowanie"),
    "zniszczenie_dokumentacji": N_("zniszczenie dokumentacji"),
    "zwrot_akt_do_uzupelnienia": N_("zwrot akt do uzupełnienia"),
    "zwrot_do_poprawy": N_("zwrot projektu do poprawy"),
    "zwrot_udostepnienia": N_("zwrot udostępnionych akt"),
}

# system actors are recorded as ``system:<topic or source>``
SYSTEM_ACTOR = {
    "ezd.validate-xml": N_("system (sprawdzenie pisma XML)"),
    "ezd.verify-signature": N_("system (weryfikacja podpisu)"),
    "ezd.store-content": N_("system (zapis treści)"),
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
}

# the system's own steps (BPMN service tasks), named in a failure shown on a page
SYSTEM_STEP = {
    "Task_ValidateXml": N_("Walidacja dokumentu"),
    "Task_VerifySignature": N_("Weryfikacja podpisu"),
    "Task_StoreContent": N_("Zapis treści i metadanych"),
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

# a disposal request (brakowanie) on its way: filed, consented by the state archive, carried out
DISPOSAL_STATUS = {
    "requested": N_("czeka na zgodę archiwum państwowego"),
    "consented": N_("zgoda archiwum państwowego"),
    "executed": N_("wykonany — dokumentację zniszczono"),
    "refused": N_("odmowa archiwum państwowego"),
}

TABLES: dict[str, dict[str, str]] = {
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
