"""The catalogue messages of the lines the services, records and workers write in Polish.

Each pairs the line (``{name}`` parts) with its catalogue message: the line itself, capitalised
and with a full stop, so the English page and the API's English (``Accept-Language: en``) get
theirs.  :mod:`ezd.i18n.errors` tries them in order after its own table; the first pattern that
matches wins, so a longer line comes before a shorter one it would also match.
"""

from __future__ import annotations

from ezd.i18n import N_

POLISH_LINES: tuple[tuple[str, str], ...] = (
    # approval (KPA opinions, two pairs of eyes)
    (
        "autor projektu nie może go zaakceptować (zasada dwóch par oczu), także jako zastępca; akceptuje inna osoba uprawniona",
        N_(
            "Autor projektu nie może go zaakceptować (zasada dwóch par oczu), także jako zastępca; akceptuje inna osoba uprawniona."
        ),
    ),
    ("uzasadnij opinię negatywną", N_("Uzasadnij opinię negatywną.")),
    (
        "komórka {u} nie ma do wydania opinii w sprawie {s}",
        N_("Komórka %(u)s nie ma do wydania opinii w sprawie %(s)s."),
    ),
    ("sprawa {s} nie czeka na opinię komórki {u}", N_("Sprawa %(s)s nie czeka na opinię komórki %(u)s.")),
    (
        "nieznany krok akceptacji {x}; dozwolone: {names}",
        N_("Nieznany krok akceptacji %(x)s; dozwolone: %(names)s."),
    ),
    ("krok akceptacji {x} powtórzony w ścieżce", N_("Krok akceptacji %(x)s powtórzony w ścieżce.")),
    (
        "opinię wydaje inna komórka niż {u}, która prowadzi sprawę",
        N_("Opinię wydaje inna komórka niż %(u)s, która prowadzi sprawę."),
    ),
    # KPA terms
    ("podaj przyczynę: {x}", N_("Podaj przyczynę: %(x)s.")),
    ("przyczyna jest dłuższa niż {n} znaków", N_("Przyczyna jest dłuższa niż %(n)s znaków.")),
    (
        "sprawa {s} jest już zakończona; jej termin nie biegnie",
        N_("Sprawa %(s)s jest już zakończona; jej termin nie biegnie."),
    ),
    ("sprawa {s} jest już zawieszona", N_("Sprawa %(s)s jest już zawieszona.")),
    ("sprawa {s} nie jest zawieszona", N_("Sprawa %(s)s nie jest zawieszona.")),
    (
        "nowy termin ({d}) musi przypadać po dniu dzisiejszym",
        N_("Nowy termin (%(d)s) musi przypadać po dniu dzisiejszym."),
    ),
    (
        "sprawa {s} nie ma terminu liczonego według KPA",
        N_("Sprawa %(s)s nie ma terminu liczonego według KPA."),
    ),
    (
        "sprawa {s} jest zawieszona; termin nie biegnie",
        N_("Sprawa %(s)s jest zawieszona; termin nie biegnie."),
    ),
    (
        "podaj, dlaczego właściwy jest inny urząd (art. 65 § 1 KPA)",
        N_("Podaj, dlaczego właściwy jest inny urząd (art. 65 § 1 KPA)."),
    ),
    (
        "przekazać można tylko do innego urzędu partnerskiego",
        N_("Przekazać można tylko do innego urzędu partnerskiego."),
    ),
    ("nie ma urzędu partnerskiego {x}", N_("Nie ma urzędu partnerskiego %(x)s.")),
    # generic tasks (form fields)
    ("nie ma otwartego zadania {x}", N_("Nie ma otwartego zadania %(x)s.")),
    ("zadanie {x} nie jest przydzielone do {who}", N_("Zadanie %(x)s nie jest przydzielone do %(who)s.")),
    (
        "zadanie {x} ma własny ekran; nie wykonuje się go formularzem ogólnym",
        N_("Zadanie %(x)s ma własny ekran; nie wykonuje się go formularzem ogólnym."),
    ),
    # (the "znaków" variants before the plain "co najmniej": the first pattern that matches wins)
    ("{f}: co najmniej {n} znaków", N_("%(f)s: co najmniej %(n)s znaków.")),
    ("{f}: co najwyżej {n} znaków", N_("%(f)s: co najwyżej %(n)s znaków.")),
    ("formularz nie ma pól: {x}", N_("Formularz nie ma pól: %(x)s.")),
    ("{f}: co najmniej {n}", N_("%(f)s: co najmniej %(n)s.")),
    ("{f}: co najwyżej {n}", N_("%(f)s: co najwyżej %(n)s.")),
    ("{f}: odpowiedz tak albo nie", N_("%(f)s: odpowiedz tak albo nie.")),
    ("{f}: wybierz jedną z wartości: {x}", N_("%(f)s: wybierz jedną z wartości: %(x)s.")),
    ("{f}: podaj liczbę całkowitą", N_("%(f)s: podaj liczbę całkowitą.")),
    ("{f}: podaj datę dd.mm.rrrr", N_("%(f)s: podaj datę dd.mm.rrrr.")),
    ("pole „{f}” jest wymagane", N_("Pole „%(f)s” jest wymagane.")),
    (
        "zadanie {x} nie należy do sprawy ani przesyłki",
        N_("Zadanie %(x)s nie należy do sprawy ani przesyłki."),
    ),
    # registering (received date)
    (
        "data wpływu {d} jest późniejsza niż dzisiejsza ({today})",
        N_("Data wpływu %(d)s jest późniejsza niż dzisiejsza (%(today)s)."),
    ),
    (
        "datę wpływu wpisuje się tylko dla przesyłek papierowych (poczta, osobiście, kurier); przesyłka elektroniczna wpływa w chwili odbioru przez system",
        N_(
            "Datę wpływu wpisuje się tylko dla przesyłek papierowych (poczta, osobiście, kurier); przesyłka elektroniczna wpływa w chwili odbioru przez system."
        ),
    ),
    ("{what}: nie ma takiego dnia ({x})", N_("%(what)s: nie ma takiego dnia (%(x)s).")),
    (
        "ta przesyłka wygląda na zarejestrowaną już jako {s} ({why}, {d}); aby mimo to ją zarejestrować, podaj powód ponownej rejestracji",
        N_(
            "Ta przesyłka wygląda na zarejestrowaną już jako %(s)s (%(why)s, %(d)s); aby mimo to ją zarejestrować, podaj powód ponownej rejestracji."
        ),
    ),
    # JRWA view, notifications
    ("w wykazie akt urzędu {t} nie ma klasy {x}", N_("W wykazie akt urzędu %(t)s nie ma klasy %(x)s.")),
    ("nieznany rodzaj powiadomienia {x}", N_("Nieznany rodzaj powiadomienia %(x)s.")),
    # office set-up (the administrator's CLI and pages)
    ("nie ma urzędu {t}", N_("Nie ma urzędu %(t)s.")),
    ("urzędy zakłada tylko administrator systemu", N_("Urzędy zakłada tylko administrator systemu.")),
    ("podaj nazwę urzędu (--name)", N_("Podaj nazwę urzędu (--name).")),
    ("REGON {x} ma 9 albo 14 cyfr", N_("REGON %(x)s ma 9 albo 14 cyfr.")),
    ("urząd {t} już istnieje", N_("Urząd %(t)s już istnieje.")),
    ("nie ma komórki {u} w urzędzie {t}", N_("Nie ma komórki %(u)s w urzędzie %(t)s.")),
    ("podaj nazwę komórki (--name)", N_("Podaj nazwę komórki (--name).")),
    ("komórka {u} już istnieje w urzędzie {t}", N_("Komórka %(u)s już istnieje w urzędzie %(t)s.")),
    ("komórka nadrzędna {u} jest zamknięta", N_("Komórka nadrzędna %(u)s jest zamknięta.")),
    ("podaj nową nazwę komórki (--name)", N_("Podaj nową nazwę komórki (--name).")),
    ("komórka {u} jest zamknięta od {d}", N_("Komórka %(u)s jest zamknięta od %(d)s.")),
    (
        "komórka {u} ma otwarte komórki podrzędne: {x}",
        N_("Komórka %(u)s ma otwarte komórki podrzędne: %(x)s."),
    ),
    ("nie ma konta {x} w urzędzie {t}", N_("Nie ma konta %(x)s w urzędzie %(t)s.")),
    (
        "login to 1–64 liter, cyfr, kropek, łączników lub podkreśleń",
        N_("Login to 1–64 liter, cyfr, kropek, łączników lub podkreśleń."),
    ),
    ('podaj imię i nazwisko (--name "Imię Nazwisko")', N_('Podaj imię i nazwisko (--name "Imię Nazwisko").')),
    ("{x} nie jest adresem e-mail", N_("%(x)s nie jest adresem e-mail.")),
    ("konto {x} już istnieje", N_("Konto %(x)s już istnieje.")),
    (
        "podaj komórkę, w której rola ma obowiązywać (--unit)",
        N_("Podaj komórkę, w której rola ma obowiązywać (--unit)."),
    ),
    (
        "komórka {u} jest zamknięta; nie można w niej nadawać ról",
        N_("Komórka %(u)s jest zamknięta; nie można w niej nadawać ról."),
    ),
    ("{x} nie ma roli {r} w komórce {u}", N_("%(x)s nie ma roli %(r)s w komórce %(u)s.")),
    (
        "to ostatni administrator urzędu; najpierw nadaj tę rolę komuś innemu",
        N_("To ostatni administrator urzędu; najpierw nadaj tę rolę komuś innemu."),
    ),
    ("nie można zablokować własnego konta", N_("Nie można zablokować własnego konta.")),
    ("hasło musi mieć co najmniej {n} znaków", N_("Hasło musi mieć co najmniej %(n)s znaków.")),
    ("nieznana rola {x}; dozwolone: {names}", N_("Nieznana rola %(x)s; dozwolone: %(names)s.")),
    # printouts, processes
    ("koniec okresu przypada przed jego początkiem", N_("Koniec okresu przypada przed jego początkiem.")),
    ("okres rejestru może mieć najwyżej {n} dni", N_("Okres rejestru może mieć najwyżej %(n)s dni.")),
    (
        "spis spraw komórki {u} widzą jej pracownicy i sekretarz",
        N_("Spis spraw komórki %(u)s widzą jej pracownicy i sekretarz."),
    ),
    ("nie ma klasy JRWA {s}", N_("Nie ma klasy JRWA %(s)s.")),
    ("nie ma katalogu z procesami BPMN: {x}", N_("Nie ma katalogu z procesami BPMN: %(x)s.")),
    ("w katalogu {x} nie ma plików .bpmn", N_("W katalogu %(x)s nie ma plików .bpmn.")),
    # re-decree
    (
        "ponownie dekretować może kierownik komórki {u} albo kancelaria; {x} nie ma tych uprawnień",
        N_("Ponownie dekretować może kierownik komórki %(u)s albo kancelaria; %(x)s nie ma tych uprawnień."),
    ),
    ("podaj powód ponownej dekretacji", N_("Podaj powód ponownej dekretacji.")),
    ("powód jest dłuższy niż {n} znaków", N_("Powód jest dłuższy niż %(n)s znaków.")),
    (
        "{rpw} nie jest zadekretowana; zadekretuj ją najpierw",
        N_("%(rpw)s nie jest zadekretowana; zadekretuj ją najpierw."),
    ),
    ("{rpw} jest już w komórce {u}", N_("%(rpw)s jest już w komórce %(u)s.")),
    ("{rpw} nie jest zadekretowana na żadną komórkę", N_("%(rpw)s nie jest zadekretowana na żadną komórkę.")),
    (
        "{rpw} ma już referenta albo nie czeka na przydział; ponowna dekretacja jest możliwa tylko przed przydziałem referenta",
        N_(
            "%(rpw)s ma już referenta albo nie czeka na przydział; ponowna dekretacja jest możliwa tylko przed przydziałem referenta."
        ),
    ),
    # the office e-seal
    (
        "certyfikat e-pieczęci wygasł {d}; nie zaimportowano",
        N_("Certyfikat e-pieczęci wygasł %(d)s; nie zaimportowano."),
    ),
    ("nie ma biblioteki PKCS#11 {x}", N_("Nie ma biblioteki PKCS#11 %(x)s.")),
    (
        "urząd {t} nie ma e-pieczęci; zaimportuj ją: ezd seal import {t2} --p12 PLIK",
        N_("Urząd %(t)s nie ma e-pieczęci; zaimportuj ją: ezd seal import %(t2)s --p12 PLIK."),
    ),
    (
        "Podpis wstrzymany: {name} nie ma e-pieczęci. Administrator importuje ją poleceniem 'ezd seal import {t}'.",
        N_(
            "Podpis wstrzymany: %(name)s nie ma e-pieczęci. Administrator importuje ją poleceniem „ezd seal import %(t)s”."
        ),
    ),
    (
        "Podpis wstrzymany: e-pieczęć urzędu {name} jest ważna od {a} do {b}. Nową importuje: 'ezd seal import {t}'.",
        N_(
            "Podpis wstrzymany: e-pieczęć urzędu %(name)s jest ważna od %(a)s do %(b)s. Nową importuje: „ezd seal import %(t)s”."
        ),
    ),
    (
        "nie można otworzyć pliku PKCS#12: złe hasło albo brak klucza i certyfikatu",
        N_("Nie można otworzyć pliku PKCS#12: złe hasło albo brak klucza i certyfikatu."),
    ),
    (
        "nie można użyć klucza {k} z tokenu {x}: {why}",
        N_("Nie można użyć klucza %(k)s z tokenu %(x)s: %(why)s."),
    ),
    (
        "Podpis wstrzymany: nie można otworzyć e-pieczęci urzędu {name} ({why}).",
        N_("Podpis wstrzymany: nie można otworzyć e-pieczęci urzędu %(name)s (%(why)s)."),
    ),
    # KPA deadlines (records)
    ("termin nie może być ujemny", N_("Termin nie może być ujemny.")),
    (
        "termin liczy się w dniach, tygodniach albo miesiącach, nie łącznie",
        N_("Termin liczy się w dniach, tygodniach albo miesiącach, nie łącznie."),
    ),
    (
        "nieznany rodzaj sprawy {x}; dozwolone: {names}",
        N_("Nieznany rodzaj sprawy %(x)s; dozwolone: %(names)s."),
    ),
    (
        "niepoprawna data {x}; podaj ją jako dd.mm.rrrr, np. 11.10.2026",
        N_("Niepoprawna data %(x)s; podaj ją jako dd.mm.rrrr, np. 11.10.2026."),
    ),
    (
        "okres wyłączony z biegu terminu kończy się przed swoim początkiem",
        N_("Okres wyłączony z biegu terminu kończy się przed swoim początkiem."),
    ),
    ("okres wyłączony z biegu terminu jeszcze trwa", N_("Okres wyłączony z biegu terminu jeszcze trwa.")),
    ("termin nie biegnie: sprawa jest zawieszona", N_("Termin nie biegnie: sprawa jest zawieszona.")),
    (
        "nowy termin załatwienia sprawy musi przypadać po dniu zawiadomienia",
        N_("Nowy termin załatwienia sprawy musi przypadać po dniu zawiadomienia."),
    ),
    (
        "nieznany sposób doręczenia {x}; dozwolone: {names}",
        N_("Nieznany sposób doręczenia %(x)s; dozwolone: %(names)s."),
    ),
    (
        "nieznany rodzaj urzędu {x}; dozwolone: {names}",
        N_("Nieznany rodzaj urzędu %(x)s; dozwolone: %(names)s."),
    ),
    # workers (an operator's command line, or a failed step shown on its case)
    (
        "EZD_ENGINE_URL is not set: external workers need the Operaton engine",
        N_("Nie ustawiono EZD_ENGINE_URL: zewnętrzne procesy robocze potrzebują silnika Operaton."),
    ),
    (
        "a worker needs at least one slot",
        N_("Proces roboczy potrzebuje co najmniej jednego miejsca na zadanie."),
    ),
    (
        "{n} external task(s) not done after {s}s: is 'ezd worker external' running?",
        N_("Zadania zewnętrzne niewykonane po %(s)s s (%(n)s): czy działa „ezd worker external”?"),
    ),
    ("task {x} is missing process variable {name}", N_("Krokowi %(x)s brakuje zmiennej procesu %(name)s.")),
    ("task {x} is {a}, not {b}", N_("Zadanie %(x)s to krok %(a)s, a nie %(b)s.")),
    (
        "no ezd app for the Celery tasks: start them with 'ezd worker celery'",
        N_("Zadania Celery nie mają aplikacji ezd: uruchom je poleceniem „ezd worker celery”."),
    ),
    # art. 106 KPA between offices, incidents
    ("no failed step {x} in {t}", N_("W urzędzie %(t)s nie ma nieudanego kroku %(x)s.")),
    ("no art. 106 request {x}", N_("Nie ma wystąpienia (art. 106 KPA) %(x)s.")),
    (
        "rodzaj wystąpienia: opinia, uzgodnienie albo informacja",
        N_("Rodzaj wystąpienia: opinia, uzgodnienie albo informacja."),
    ),
    (
        "wystąpić można tylko do innego urzędu partnerskiego",
        N_("Wystąpić można tylko do innego urzędu partnerskiego."),
    ),
    ("podaj, czego dotyczy wystąpienie", N_("Podaj, czego dotyczy wystąpienie.")),
    (
        "termin zajęcia stanowiska musi przypadać po dniu wystąpienia",
        N_("Termin zajęcia stanowiska musi przypadać po dniu wystąpienia."),
    ),
    ("w sprawie {s} nie ma dokumentu {x}", N_("W sprawie %(s)s nie ma dokumentu %(x)s.")),
    ("w {name} nie ma wystąpienia {rpw}", N_("W %(name)s nie ma wystąpienia %(rpw)s.")),
    ("w urzędzie nie ma komórki {u}", N_("W urzędzie nie ma komórki %(u)s.")),
    (
        "autor stanowiska nie może go zaakceptować (zasada czterech oczu)",
        N_("Autor stanowiska nie może go zaakceptować (zasada czterech oczu)."),
    ),
    ("na to wystąpienie już odpowiedziano", N_("Na to wystąpienie już odpowiedziano.")),
    ("podaj przyczynę zwłoki (art. 106 § 4 KPA)", N_("Podaj przyczynę zwłoki (art. 106 § 4 KPA).")),
    ("nowy termin musi przypadać po dotychczasowym", N_("Nowy termin musi przypadać po dotychczasowym.")),
    (
        "wiadomość do procesu innego urzędu odrzucona: to nie jego wystąpienie",
        N_("Wiadomość do procesu innego urzędu odrzucona: to nie jego wystąpienie."),
    ),
    (
        "przekazać według właściwości można tylko przy odmowie",
        N_("Przekazać według właściwości można tylko przy odmowie."),
    ),
    (
        "przekazać można tylko do innego organu niż pytający i opiniujący",
        N_("Przekazać można tylko do innego organu niż pytający i opiniujący."),
    ),
    # the web administration (ezd.services.office_founding, jrwa_edit, admin_log)
    ("podaj co najmniej jedną komórkę urzędu", N_("Podaj co najmniej jedną komórkę urzędu.")),
    (
        "podaj kategorię archiwalną klasy końcowej (A, B n, BE n albo Bc)",
        N_("Podaj kategorię archiwalną klasy końcowej (A, B n, BE n albo Bc)."),
    ),
    (
        "kategoria archiwalna {x} jest niepoprawna; podaj A, B n, BE n albo Bc (np. B5, BE10)",
        N_("Kategoria archiwalna %(x)s jest niepoprawna; podaj A, B n, BE n albo Bc (np. B5, BE10)."),
    ),
    ("podaj hasło klasyfikacyjne (tytuł klasy)", N_("Podaj hasło klasyfikacyjne (tytuł klasy).")),
    (
        "klasa {s} ma podklasy; kategorię archiwalną mają tylko klasy końcowe",
        N_("Klasa %(s)s ma podklasy; kategorię archiwalną mają tylko klasy końcowe."),
    ),
    (
        "symbol klasy {s} jest niepoprawny: od 1 do 4 cyfr",
        N_("Symbol klasy %(s)s jest niepoprawny: od 1 do 4 cyfr."),
    ),
    ("klasa {s} już jest w wykazie akt", N_("Klasa %(s)s już jest w wykazie akt.")),
    (
        "w klasie {s} są sprawy ({n}); sprawy są tylko w klasach końcowych, więc nie można jej podzielić",
        N_(
            "W klasie %(s)s są sprawy (%(n)s); sprawy są tylko w klasach końcowych, więc nie można jej podzielić."
        ),
    ),
    ("data początkowa jest późniejsza niż końcowa", N_("Data początkowa jest późniejsza niż końcowa.")),
    ("numer strony zaczyna się od 1", N_("Numer strony zaczyna się od 1.")),
    (
        "reguła klasy JRWA {s} nie została zapisana",
        N_("Klasa JRWA %(s)s nie ma zapisanej reguły akceptacji."),
    ),
    ("no case of {x}", N_("Pismo wychodzące %(x)s nie należy do żadnej sprawy.")),
)
