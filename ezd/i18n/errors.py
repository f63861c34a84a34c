"""Service errors in the reader's language: pages, the API's ``detail`` and the CLI's line.

A service reports one line (English, or Polish in the newer modules) -- the text of its
:class:`~ezd.records.errors.EzdError`.  What a person reads is the catalogue message that
:data:`PATTERNS` pairs with it, its parts (a case sign, a number) carried over: a page in the
page's language, the API in Polish unless ``Accept-Language: en``, the CLI in Polish.  A line no
pattern knows is logged and shown as a general Polish message, so an English sentence never
reaches a Polish reader; ``tests/web/test_polish_pages.py`` reads every error the services,
records and workers can raise and fails on one without a pattern.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from ezd.i18n import N_, errors_kpa
from ezd.i18n.errors_pl import POLISH_LINES
from ezd.i18n.roles import ROLE

log = logging.getLogger("ezd.i18n")

GENERAL = N_("Nie udało się wykonać tej czynności. Sprawdź dane i spróbuj ponownie.")

# (English line with {name} parts, Polish catalogue message with %(name)s parts)
_TABLE: tuple[tuple[str, str], ...] = (
    # registering and metadata
    (
        "XML that is not an ePUAP form needs the metadata form filled in",
        N_("Plik XML nie jest formularzem ePUAP — wypełnij metadane pisma."),
    ),
    (
        "a non-XML item needs its metadata (sender, title, dates)",
        N_("Pismo, które nie jest formularzem ePUAP, wymaga metadanych: nadawcy, tytułu i dat."),
    ),
    ("the sender of an incoming item is required", N_("Podaj nadawcę pisma.")),
    ("the title of an incoming item is required", N_("Podaj tytuł pisma.")),
    ("the letter date must be a date (YYYY-MM-DD)", N_("Data pisma musi być datą (dd.mm.rrrr).")),
    ("the letter date {x} is not a date", N_("Data pisma %(x)s nie jest poprawną datą.")),
    ("the letter is dated after the day it was received", N_("Data pisma jest późniejsza niż data wpływu.")),
    ("number of attachments cannot be negative", N_("Liczba załączników nie może być ujemna.")),
    ("title longer than {n} characters", N_("Tytuł może mieć najwyżej %(n)s znaków.")),
    ("the file is empty", N_("Plik jest pusty.")),
    (
        "the file is larger than the upload limit of {n} bytes",
        N_("Plik jest większy niż dopuszczalne %(n)s bajtów."),
    ),
    (
        "the file is {m} bytes; the limit is {n} bytes",
        N_("Plik ma %(m)s bajtów; dopuszczalne jest %(n)s bajtów."),
    ),
    ("the draft is larger than the upload limit", N_("Projekt jest większy niż dopuszczalny rozmiar pliku.")),
    ("the ePUAP letter names no sender (Nadawcy/Podmiot)", N_("Pismo ePUAP nie wskazuje nadawcy.")),
    (
        "not an ePUAP form (the root element is not in a crd.gov.pl/wzor namespace)",
        N_("Plik nie jest formularzem ePUAP."),
    ),
    ("XML document is empty", N_("Dokument XML jest pusty.")),
    (
        "XML document is {m} bytes; the limit is {n}",
        N_("Dokument XML ma %(m)s bajtów; dopuszczalne jest %(n)s."),
    ),
    ("XML nesting deeper than {n} levels is refused", N_("Dokument XML jest zagnieżdżony zbyt głęboko.")),
    (
        "XML with a DOCTYPE declaration is refused (entities and external DTDs are not allowed)",
        N_("Dokument XML z deklaracją DOCTYPE jest odrzucany."),
    ),
    ("malformed XML: {x}", N_("Plik XML jest uszkodzony lub niepoprawny.")),
    ("attachment {x} is larger than the limit", N_("Załącznik %(x)s jest za duży.")),
    ("attachment {x} is not valid base64", N_("Załącznik %(x)s jest uszkodzony.")),
    ("unknown delivery channel {x}", N_("Nieznany kanał doręczenia %(x)s.")),
    ("registering incoming mail is the kancelaria's task", N_("Rejestrowanie pism należy do kancelarii.")),
    # decree, assignment, case decision
    ("{rpw} has no unit; decree it first", N_("Pismo %(rpw)s nie ma komórki — najpierw je zadekretuj.")),
    ("{rpw} has not been decreed to a unit yet", N_("Pismo %(rpw)s nie zostało jeszcze zadekretowane.")),
    ("the item has not been decreed to a unit", N_("Pismo nie zostało jeszcze zadekretowane.")),
    (
        "choose a JRWA class for the new case, or a case to attach to",
        N_("Wybierz klasę JRWA nowej sprawy albo sprawę, do której dołączyć pismo."),
    ),
    (
        "JRWA class {s} is not a leaf class; cases can only be kept in leaf classes such as {e}",
        N_("Klasa JRWA %(s)s ma podklasy; sprawy zakłada się w klasach końcowych, np. %(e)s."),
    ),
    (
        "JRWA class {s} is not a leaf class; cases can only be kept in leaf classes",
        N_("Klasa JRWA %(s)s ma podklasy; sprawy zakłada się w klasach końcowych."),
    ),
    ("JRWA class {s} has no archival category", N_("Klasa JRWA %(s)s nie ma kategorii archiwalnej.")),
    ("unknown JRWA symbol {s}", N_("Nie ma klasy JRWA %(s)s.")),
    (
        "case {s} is archived; documents cannot be added",
        N_("Sprawa %(s)s jest zarchiwizowana — nie można dodać do niej dokumentów."),
    ),
    (
        "not a case sign: {s} (expected UNIT.JRWA.seq.year, e.g. OR.0012.7.2026)",
        N_("%(s)s nie jest znakiem sprawy (np. OR.0012.7.2026)."),
    ),
    (
        "not a register number: {s} (expected e.g. RPW/15/2026)",
        N_("%(s)s nie jest numerem RPW (np. RPW/15/2026)."),
    ),
    ("invalid JRWA symbol in case sign: {s}", N_("Znak sprawy zawiera niepoprawny symbol JRWA %(s)s.")),
    ("case sequence numbers start at 1", N_("Numer kolejny sprawy zaczyna się od 1.")),
    # drafts, approval, dispatch
    ("say what to change when returning a draft", N_("Napisz, co poprawić, zwracając projekt.")),
    ("case {s} has no reply draft", N_("Sprawa %(s)s nie ma projektu odpowiedzi.")),
    (
        "a reply must be a PDF (sealed with PAdES) or an XML file (sealed with XAdES)",
        N_(
            "Odpowiedź musi być plikiem PDF albo XML — tylko takie urząd opieczętowuje "
            "e-pieczęcią. Zapisz pismo jako PDF i dodaj je ponownie."
        ),
    ),
    (
        "the PDF reply cannot be sealed: {x}",
        N_("Nie można opieczętować odpowiedzi PDF (plik uszkodzony lub zaszyfrowany): %(x)s"),
    ),
    ("a case cannot go from {a} to {b}", N_("Sprawy nie można przenieść do tego stanu.")),
    ("the reply in {s} is not approved", N_("Odpowiedź w sprawie %(s)s nie jest zaakceptowana.")),
    ("the reply in {s} is not signed", N_("Odpowiedź w sprawie %(s)s nie jest podpisana.")),
    ("nothing was dispatched in {s}", N_("W sprawie %(s)s nic nie wysłano.")),
    (
        "give the receipt reference (UPD/UPO number or the slip's number)",
        N_("Podaj numer potwierdzenia doręczenia (UPD/UPO albo numer zwrotki)."),
    ),
    (
        "{rpw} arrived via {c}; UPP is issued only for electronic delivery",
        N_("Pismo %(rpw)s nie wpłynęło drogą elektroniczną; UPP się nie wydaje."),
    ),
    ("{s} is not waiting for '{task}'", N_("%(s)s nie czeka już na tę czynność — odśwież stronę.")),
    # cases, archive, lending
    ("case {s} is not closed", N_("Sprawa %(s)s nie jest zakończona.")),
    ("{rpw} points to a case that does not exist", N_("Pismo %(rpw)s wskazuje sprawę, której nie ma.")),
    ("a case is always visible in its own office", N_("Sprawa jest zawsze widoczna we własnym urzędzie.")),
    ("borrower (who receives the records) is required", N_("Podaj, komu udostępniasz akta.")),
    ("due date {d} is in the past", N_("Termin zwrotu %(d)s już minął.")),
    ("the due date must be a date (YYYY-MM-DD)", N_("Termin zwrotu musi być datą (dd.mm.rrrr).")),
    # brakowanie (disposal)
    ("no records of {t} are due for disposal on {d}", N_("Żadna dokumentacja nie czeka na brakowanie.")),
    ("no disposal request {r}", N_("Nie ma wniosku o brakowanie nr %(r)s.")),
    ("disposal request number must look like N/YYYY, not {r}", N_("Numer wniosku ma postać N/RRRR.")),
    (
        "disposal request {r} is {s}, not awaiting consent",
        N_("Wniosek o brakowanie nr %(r)s nie czeka już na zgodę archiwum państwowego."),
    ),
    (
        "disposal request {r} has no recorded consent of the state archive",
        N_("Wniosek o brakowanie nr %(r)s nie ma jeszcze zgody archiwum państwowego."),
    ),
    (
        "disposal request {r} has no document {w}",
        N_("Ten dokument wniosku nr %(r)s nie jest jeszcze dostępny."),
    ),
    ("the consent document is empty", N_("Dołącz decyzję archiwum państwowego (plik PDF albo skan).")),
    (
        "the consent document must be a PDF or a scan (JPEG, PNG, TIFF)",
        N_("Decyzja archiwum państwowego musi być plikiem PDF albo skanem (JPEG, PNG, TIFF)."),
    ),
    (
        "the consent reference (znak pisma archiwum państwowego) is required",
        N_("Podaj znak pisma archiwum państwowego."),
    ),
    ("the consent date must be a date (YYYY-MM-DD)", N_("Data decyzji musi być datą (dd.mm.rrrr).")),
    ("the consent cannot predate the request", N_("Zgoda nie może być wcześniejsza niż wniosek.")),
    (
        "zgoda archiwum państwowego nie może mieć daty z przyszłości ({d})",
        N_("Zgoda archiwum państwowego nie może mieć daty z przyszłości (%(d)s)."),
    ),
    (
        "wniosek o brakowanie nie może mieć daty z przyszłości ({d}; dziś jest {t})",
        N_("Wniosek o brakowanie nie może mieć daty z przyszłości (%(d)s; dziś jest %(t)s)."),
    ),
    ("not in request {r}: {s}", N_("Tych spraw nie ma we wniosku nr %(r)s: %(s)s.")),
    ("legal hold blocks destruction of: {s}", N_("Blokada prawna nie pozwala zniszczyć akt: %(s)s.")),
    ("retention has not run out for: {s}", N_("Okres przechowywania jeszcze nie upłynął: %(s)s.")),
    (
        "records are not in the archive (lent out?): {s}",
        N_("Akta nie są w archiwum (może wypożyczone): %(s)s."),
    ),
    # spis zdawczo-odbiorczy
    (
        "no archived cases of unit {u} await a transfer list",
        N_("Żadna zarchiwizowana sprawa komórki %(u)s nie czeka na spis."),
    ),
    ("no transfer list {n}", N_("Nie ma spisu zdawczo-odbiorczego nr %(n)s.")),
    ("transfer list {n} has no {k} form", N_("Spisu nr %(n)s nie można pobrać w tej postaci.")),
    ("a transfer list needs at least one case", N_("Spis musi obejmować co najmniej jedną sprawę.")),
    (
        "transfer list does not match {s}: {e}",
        N_("Spis nie jest zgodny ze schematem archiwów państwowych; zgłoś to administratorowi."),
    ),
    ("{s} is already lent out", N_("Akta sprawy %(s)s są już wypożyczone.")),
    ("{s} is not lent out", N_("Akta sprawy %(s)s nie są wypożyczone.")),
    (
        "{s} was destroyed; it cannot be lent",
        N_("Akta sprawy %(s)s zostały zniszczone; nie można ich udostępnić."),
    ),
    ("the year must be a number", N_("Rok musi być liczbą.")),
    ("dates must be YYYY-MM-DD", N_("Daty muszą być datami (dd.mm.rrrr).")),
    # lookups and permissions
    ("no case {s} in this office", N_("W tym urzędzie nie ma sprawy %(s)s.")),
    ("no incoming item {s} in this office", N_("W tym urzędzie nie ma pisma %(s)s.")),
    ("no such document in this office", N_("W tym urzędzie nie ma takiego dokumentu.")),
    ("document has no version {n}", N_("Dokument nie ma wersji %(n)s.")),
    ("no unit {u} in this office", N_("W tym urzędzie nie ma komórki %(u)s.")),
    ("no office (tenant) {x}", N_("Nie ma takiego urzędu.")),
    ("no tenant #{x}", N_("Nie ma takiego urzędu.")),
    ("no user {x} in this office", N_("W tym urzędzie nie ma użytkownika %(x)s.")),
    ("no active user {x}", N_("Nie ma aktywnego użytkownika %(x)s.")),
    ("no user {x}", N_("Nie ma użytkownika %(x)s.")),
    ("no {what} {s} in this office", N_("W tym urzędzie nie ma %(s)s.")),  # after the named kinds
    (
        "this link has expired or is not valid; ask for a new one",
        N_("Odnośnik wygasł lub jest nieważny — otwórz dokument ponownie ze strony sprawy."),
    ),
    ("your account has no role in any office yet", N_("Twoje konto nie ma jeszcze roli w żadnym urzędzie.")),
    ("{who} has no kierownik role in unit {u} of {t}", N_("Nie jesteś kierownikiem komórki %(u)s.")),
    ("{who} has no role in {t}", N_("Nie masz roli w tym urzędzie.")),
    ("{who} does not work in {t}", N_("Nie pracujesz w tym urzędzie.")),
    ("{who} has none of the roles {r} in {w}", N_("Nie masz uprawnień do tej czynności.")),
    ("{who} has no {r} role in {w}", N_("Ta czynność wymaga roli: %(r)s.")),
    ("{who} is not a head of any unit in {t}", N_("Nie jesteś kierownikiem żadnej komórki w tym urzędzie.")),
    ("{who} may not read cases in {t}", N_("Nie masz dostępu do spraw tego urzędu.")),
    ("{who} may not read cases of unit {u}", N_("Nie masz dostępu do spraw komórki %(u)s.")),
    ("{who} may not read the RPW of {t}", N_("Nie masz dostępu do rejestru przesyłek tego urzędu.")),
    ("{who} may not read {s}", N_("Nie masz dostępu do pisma %(s)s.")),
    # administration
    (
        "a login is 1-64 letters, digits, '.', '-' or '_'",
        N_("Login to od 1 do 64 liter, cyfr albo znaków „.”, „-”, „_”."),
    ),
    ("a user needs a full name", N_("Podaj imię i nazwisko.")),
    ("passwords must have at least 10 characters", N_("Hasło musi mieć co najmniej 10 znaków.")),
    ("user {x} already exists", N_("Użytkownik %(x)s już istnieje.")),
    ("a unit needs a name", N_("Podaj nazwę komórki.")),
    ("unit {x} already exists", N_("Komórka %(x)s już istnieje.")),
    (
        "invalid unit code {x}: use capital letters and digits, e.g. 'OR' or 'OR-A'",
        N_("Kod komórki %(x)s jest niepoprawny: wielkie litery i cyfry, np. OR albo OR-A."),
    ),
    (
        "invalid tenant code {x}: use lowercase letters, digits and '-', e.g. 'sp-swidnik'",
        N_("Kod urzędu %(x)s jest niepoprawny."),
    ),
    ("tenant kind is 'starostwo' or 'gmina'", N_("Rodzaj urzędu to starostwo albo gmina.")),
    ("a person cannot substitute for themselves", N_("Nikt nie może zastępować samego siebie.")),
    (
        "a substitution must end on or after its start date",
        N_("Zastępstwo musi się kończyć nie wcześniej niż się zaczyna."),
    ),
    (
        "both the absent person and the substitute must be users",
        N_("Nieobecny i zastępca muszą być użytkownikami."),
    ),
    # JRWA import (the administrator's page)
    ("JRWA is empty", N_("Wykaz JRWA jest pusty.")),
    ("JRWA CSV is empty", N_("Plik CSV z JRWA jest pusty.")),
    ("JRWA CSV has a header but no classes", N_("Plik CSV z JRWA ma nagłówek, ale nie ma klas.")),
    ("JRWA CSV is not valid UTF-8 (byte {n})", N_("Plik CSV z JRWA nie jest zapisany w UTF-8.")),
    ("JRWA CSV line {n}: {rest}", N_("Plik CSV z JRWA, wiersz %(n)s: niepoprawny wiersz.")),
    (
        "JRWA CSV must start with the header 'symbol;haslo;kategoria', got {x}",
        N_("Plik CSV z JRWA musi zaczynać się nagłówkiem symbol;haslo;kategoria."),
    ),
    (
        "JRWA XML does not match WykazAkt.xsd: {x}",
        N_("Plik XML z JRWA nie jest zgodny ze schematem WykazAkt."),
    ),
    ("JRWA file is {m} bytes; the limit is {n}", N_("Plik JRWA ma %(m)s bajtów; dopuszczalne jest %(n)s.")),
    (
        "JRWA file {f} is {m} bytes; the limit is {n}",
        N_("Plik JRWA ma %(m)s bajtów; dopuszczalne jest %(n)s."),
    ),
    ("not a JRWA (WykazAkt) document: {x}", N_("Plik nie jest wykazem akt (WykazAkt).")),
    ("JRWA class {s} has no title (hasło)", N_("Klasa JRWA %(s)s nie ma hasła.")),
    ("JRWA class {s} has no parent class {p}", N_("Klasa JRWA %(s)s nie ma klasy nadrzędnej %(p)s.")),
    (
        "JRWA class {s} has subclasses, so it must not have an archival category (it has {c})",
        N_("Klasa JRWA %(s)s ma podklasy, więc nie może mieć kategorii archiwalnej."),
    ),
    (
        "JRWA leaf class {s} has no archival category",
        N_("Klasa końcowa JRWA %(s)s nie ma kategorii archiwalnej."),
    ),
    ("duplicate JRWA symbol {s}", N_("Symbol JRWA %(s)s występuje dwa razy.")),
    (
        "invalid JRWA symbol {s}: expected 1 to 4 digits",
        N_("Symbol JRWA %(s)s jest niepoprawny: od 1 do 4 cyfr."),
    ),
    ("invalid archival category {x}", N_("Niepoprawna kategoria archiwalna %(x)s.")),
    ("archival category is empty; expected A, B<years>, BE<years> or Bc", N_("Podaj kategorię archiwalną.")),
    (
        "archival category {k} needs a retention period in years, e.g. {e}",
        N_("Kategoria archiwalna %(k)s wymaga okresu przechowywania w latach."),
    ),
    (
        "archival category {k} takes no retention period",
        N_("Kategoria archiwalna %(k)s nie ma okresu przechowywania."),
    ),
    (
        "retention period of {k} must be between 1 and {n} years",
        N_("Okres przechowywania musi wynosić od 1 do %(n)s lat."),
    ),
    (
        "unknown archival category kind {k}; expected one of A, B, BE, Bc",
        N_("Nieznana kategoria archiwalna %(k)s."),
    ),
    *POLISH_LINES,  # the newer modules write their lines in Polish (ezd.i18n.errors_pl)
    # the web layer itself
    (
        "the form has expired or did not come from this site; reload the page",
        N_("Formularz wygasł albo nie pochodzi z tej strony — odśwież stronę i spróbuj ponownie."),
    ),
    (
        "internal error (reference {ref}); the administrator can find it in the log",
        N_("Wystąpił błąd wewnętrzny (numer %(ref)s). Administrator znajdzie go w dzienniku."),
    ),
    # the one mapping's own lines (ezd.web.errors, Polish for the API): a page says them its way
    ("Nie znaleziono.", N_("Nie ma takiej strony.")),
    (
        "Ta metoda nie jest dozwolona pod tym adresem.",
        N_("Tej strony nie otwiera się w ten sposób. Wróć i użyj przycisku formularza."),
    ),
    (
        "Formularz wygasł albo nie pochodzi z tej witryny; odśwież stronę.",
        N_("Formularz wygasł albo nie pochodzi z tej strony — odśwież stronę i spróbuj ponownie."),
    ),
    ("Zaloguj się, aby kontynuować.", N_("Najpierw się zaloguj.")),
    (
        "Błędny login lub hasło albo konto jest czasowo zablokowane.",
        N_("Nieprawidłowy login lub hasło albo konto czasowo zablokowane."),
    ),
    (
        "Usługa chwilowo niedostępna (silnik procesów lub magazyn dokumentów); spróbuj za chwilę.",
        N_("Usługa jest chwilowo niedostępna. Spróbuj ponownie za chwilę."),
    ),
    (
        "Błąd wewnętrzny (numer {ref}); administrator znajdzie go w dzienniku.",
        N_("Wystąpił błąd wewnętrzny (numer %(ref)s). Administrator znajdzie go w dzienniku."),
    ),
    ("Niepoprawne żądanie — {x}.", N_("Formularz zawiera niepoprawne dane.")),
    ("Niepoprawne żądanie.", N_("Formularz zawiera niepoprawne dane.")),
    ("Żądanie odrzucone.", GENERAL),
    ("Not Found", N_("Nie ma takiej strony.")),
    ("Method Not Allowed", N_("Tej strony nie otwiera się w ten sposób. Wróć i użyj przycisku formularza.")),
    ("sign in first", N_("Najpierw się zaloguj.")),
    ("request failed", GENERAL),
    ("invalid request", N_("Formularz zawiera niepoprawne dane.")),
    # sign-in
    (
        "too many failed sign-ins from this address; try again later",
        N_("Zbyt wiele nieudanych prób logowania z tego adresu — spróbuj później."),
    ),
    ("single sign-on is not configured", N_("Logowanie jednokrotne (SSO) nie jest skonfigurowane.")),
    (
        "no active ezd account {x}; ask the administrator",
        N_("Nie ma aktywnego konta %(x)s — zwróć się do administratora."),
    ),
    ("the identity provider refused the sign-in", N_("Dostawca tożsamości odmówił logowania.")),
    (
        "the identity provider reports a different issuer",
        N_("Odpowiedź logowania pochodzi od innego dostawcy tożsamości."),
    ),
    ("the identity provider's token is not valid ({x})", N_("Token dostawcy tożsamości jest nieważny.")),
    (
        "the sign-in response does not belong to this browser session; try again",
        N_("Odpowiedź logowania nie należy do tej sesji przeglądarki — spróbuj ponownie."),
    ),
    (
        "the sign-in response does not belong to this browser session",
        N_("Odpowiedź logowania nie należy do tej sesji przeglądarki — spróbuj ponownie."),
    ),
    ("the token has expired; sign in again", N_("Sesja wygasła — zaloguj się ponownie.")),
    ("the token was issued for another application", N_("Token wydano dla innej aplikacji.")),
    (
        "{x} is not an RPW number or a label code",
        N_("%(x)s nie jest numerem RPW ani kodem z etykiety (np. RPW/12/2026)."),
    ),
    # e-mail intake (ezd.eml, ezd.services.mail_intake, ezd.jobs.mailbox)
    ("the e-mail message is empty", N_("Wiadomość e-mail jest pusta.")),
    (
        "the e-mail message is {m} bytes; the limit is {n}",
        N_("Wiadomość e-mail ma %(m)s bajtów; dopuszczalne jest %(n)s bajtów."),
    ),
    (
        "the e-mail message has no header block followed by a body",
        N_("Plik nie jest wiadomością e-mail: brak nagłówków oddzielonych od treści."),
    ),
    ("the e-mail message could not be read", N_("Nie udało się odczytać wiadomości e-mail.")),
    (
        "the e-mail message nests MIME parts deeper than {n} levels",
        N_("Wiadomość e-mail ma części zagnieżdżone głębiej niż %(n)s poziomów."),
    ),
    (
        "the e-mail message is malformed (broken MIME structure)",
        N_("Wiadomość e-mail jest uszkodzona (błędna struktura MIME)."),
    ),
    (
        "the e-mail message has more than {n} MIME parts",
        N_("Wiadomość e-mail ma więcej niż %(n)s części."),
    ),
    ("the e-mail message names no sender (From)", N_("Wiadomość e-mail nie wskazuje nadawcy (pole From).")),
    (
        "this e-mail message is already registered as {x}",
        N_("Ta wiadomość e-mail jest już zarejestrowana jako %(x)s."),
    ),
    (
        "no mailbox password is set for {x}; run 'ezd mailbox set'",
        N_("Nie zapisano hasła skrzynki pocztowej urzędu %(x)s — użyj „ezd mailbox set”."),
    ),
    (
        "unknown mailbox security {x}; allowed: tls, starttls, none",
        N_("Nieznany sposób zabezpieczenia połączenia %(x)s; dozwolone: tls, starttls, none."),
    ),
    (
        "an unencrypted mailbox connection is allowed only to this machine (127.0.0.1)",
        N_("Połączenie ze skrzynką bez szyfrowania jest dozwolone tylko z tym komputerem (127.0.0.1)."),
    ),
    ("the mailbox needs a server and a user name", N_("Podaj serwer i nazwę użytkownika skrzynki.")),
    ("port {n} is not a TCP port", N_("%(n)s nie jest poprawnym numerem portu.")),
    (
        "the mailbox server {x} refused the login of {u}",
        N_("Serwer poczty %(x)s odrzucił logowanie użytkownika %(u)s."),
    ),
    (
        "the mailbox server {x} cannot be reached ({e})",
        N_("Brak połączenia z serwerem poczty %(x)s — wiadomości poczekają do następnej próby."),
    ),
    (
        "{x} has no mailbox set up; run 'ezd mailbox set'",
        N_("Urząd %(x)s nie ma skonfigurowanej skrzynki pocztowej — użyj „ezd mailbox set”."),
    ),
)


def _regex(english: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", english)
    out = []
    for i, part in enumerate(parts):
        out.append(f"(?P<{part}>.+?)" if i % 2 else re.escape(part))
    return re.compile("^" + "".join(out) + "$", re.DOTALL)


# the KPA pages' patterns first: their messages are the ones the pages' field map knows
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_regex(en), pl) for en, pl in (*errors_kpa.TABLE, *_TABLE)
)


def find(message: str) -> tuple[str, dict[str, str]] | None:
    """The catalogue message for a service error line and its parts, or None."""
    for pattern, msgid in PATTERNS:
        m = pattern.match(message)
        if m:
            return msgid, {k: v.strip("'\"") for k, v in m.groupdict().items()}
    return None


def known(message: str, t: Callable[..., str]) -> str | None:
    """The catalogue message for a service error line in ``t``'s language, or None."""
    found = find(message)
    if found is None:
        return None
    msgid, parts = found
    if parts.get("r") in ROLE:  # a role is named as people know it ("administrator", not "admin")
        parts["r"] = t(ROLE[parts["r"]])
    return t(msgid, **parts)


def translate(message: str, t: Callable[..., str]) -> str:
    """:func:`known`, or (logged) the general message: never the line itself."""
    shown = known(message, t)
    if shown is None:
        log.warning("no catalogue message for the error %r", message)
        return t(GENERAL)
    return shown
