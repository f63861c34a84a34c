"""Page messages of the office set-up services' lines (see :mod:`ezd.web.error_text`).

``ezd.services.office_setup`` and its neighbours (founding, JRWA edits, the e-seal, the admin log)
write their lines in Polish for the command line already; a page still shows the catalogue's
message, in the page's language.
"""

from __future__ import annotations

from ezd.web.labels import N_

OFFICE_SETUP: tuple[tuple[str, str], ...] = (
    (
        "login to 1–64 liter, cyfr, kropek, łączników lub podkreśleń",
        N_("Login to od 1 do 64 liter, cyfr albo znaków „.”, „-”, „_”."),
    ),
    ('podaj imię i nazwisko (--name "Imię Nazwisko")', N_("Podaj imię i nazwisko.")),
    ("{x} nie jest adresem e-mail", N_("%(x)s nie jest adresem e-mail.")),
    ("konto {x} już istnieje", N_("Użytkownik %(x)s już istnieje.")),
    ("hasło musi mieć co najmniej {n} znaków", N_("Hasło musi mieć co najmniej 10 znaków.")),
    ("nie ma konta {x} w urzędzie {t}", N_("W tym urzędzie nie ma konta %(x)s.")),
    ("nie można zablokować własnego konta", N_("Nie można wyłączyć własnego konta.")),
    ("{x} nie ma roli {r} w komórce {u}", N_("To konto nie ma roli %(r)s w komórce %(u)s.")),
    (
        "to ostatni administrator urzędu; najpierw nadaj tę rolę komuś innemu",
        N_("To ostatni administrator urzędu — najpierw nadaj tę rolę komuś innemu."),
    ),
    ("nieznana rola {x}; dozwolone: {y}", N_("Nieznana rola %(x)s.")),
    ("podaj komórkę, w której rola ma obowiązywać (--unit)", N_("Wybierz komórkę.")),
    ("komórka {x} już istnieje w urzędzie {t}", N_("Komórka %(x)s już istnieje.")),
    ("podaj nazwę komórki (--name)", N_("Podaj nazwę komórki.")),
    ("podaj nową nazwę komórki (--name)", N_("Podaj nową nazwę komórki.")),
    ("nie ma komórki {u} w urzędzie {t}", N_("W tym urzędzie nie ma komórki %(u)s.")),
    ("komórka nadrzędna {x} jest zamknięta", N_("Komórka nadrzędna %(x)s jest zamknięta.")),
    ("komórka {x} jest zamknięta od {d}", N_("Komórka %(x)s jest zamknięta od %(d)s.")),
    (
        "komórka {x} ma otwarte komórki podrzędne: {y}",
        N_("Komórka %(x)s ma otwarte komórki podrzędne: %(y)s — zamknij je najpierw."),
    ),
    (
        "komórka {x} jest zamknięta; nie można w niej nadawać ról",
        N_("Komórka %(x)s jest zamknięta — nie można w niej nadawać ról."),
    ),
    ("urzędy zakłada tylko administrator systemu", N_("Urzędy zakłada tylko administrator systemu.")),
    ("nieznany rodzaj urzędu {x}; dozwolone: {y}", N_("Nieznany rodzaj urzędu %(x)s.")),
    ("podaj nazwę urzędu (--name)", N_("Podaj nazwę urzędu.")),
    ("REGON {x} ma 9 albo 14 cyfr", N_("REGON ma 9 albo 14 cyfr.")),
    ("urząd {x} już istnieje", N_("Urząd %(x)s już istnieje.")),
    ("nie ma urzędu {x}", N_("Nie ma takiego urzędu.")),
    ("podaj co najmniej jedną komórkę urzędu", N_("Podaj pierwszą komórkę urzędu.")),
    # the JRWA edited on the web (ezd.services.jrwa_edit)
    (
        "podaj kategorię archiwalną klasy końcowej (A, B n, BE n albo Bc)",
        N_("Podaj kategorię archiwalną klasy końcowej (A, B n, BE n albo Bc)."),
    ),
    (
        "kategoria archiwalna {x} jest niepoprawna; podaj A, B n, BE n albo Bc (np. B5, BE10)",
        N_("Kategoria archiwalna %(x)s jest niepoprawna — podaj A, B n, BE n albo Bc (np. B5, BE10)."),
    ),
    ("podaj hasło klasyfikacyjne (tytuł klasy)", N_("Podaj hasło klasyfikacyjne klasy.")),
    (
        "klasa {s} ma podklasy; kategorię archiwalną mają tylko klasy końcowe",
        N_("Klasa %(s)s ma podklasy — kategorię archiwalną mają tylko klasy końcowe."),
    ),
    (
        "symbol klasy {s} jest niepoprawny: od 1 do 4 cyfr",
        N_("Symbol klasy %(s)s jest niepoprawny: od 1 do 4 cyfr."),
    ),
    ("klasa {s} już jest w wykazie akt", N_("Klasa %(s)s już jest w wykazie akt.")),
    ("w wykazie akt urzędu {t} nie ma klasy {s}", N_("Nie ma klasy JRWA %(s)s.")),
    (
        "w klasie {s} są sprawy ({n}); sprawy są tylko w klasach końcowych, więc nie można jej podzielić",
        N_("W klasie %(s)s są sprawy (%(n)s), więc nie można jej podzielić na podklasy."),
    ),
    # the office's e-seal (ezd.services.seals)
    (
        "nie można otworzyć pliku PKCS#12: złe hasło albo brak klucza i certyfikatu",
        N_("Nie można otworzyć pliku PKCS#12: złe hasło albo brak klucza i certyfikatu."),
    ),
    (
        "certyfikat e-pieczęci wygasł {d}; nie zaimportowano",
        N_("Certyfikat e-pieczęci wygasł %(d)s — nie zaimportowano go."),
    ),
    # the administrative log's filter
    ("data początkowa jest późniejsza niż końcowa", N_("Data początkowa jest późniejsza niż końcowa.")),
    ("numer strony zaczyna się od 1", N_("Numer strony zaczyna się od 1.")),
)
