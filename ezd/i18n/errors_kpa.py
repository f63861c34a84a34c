"""Page messages for the KPA paths a page offers: re-decree and return, forwarding (art. 65),
suspension, resumption and extension (art. 36).  The services write these lines in Polish (one
lower-case line the API and the CLI show as they are); a page shows the catalogue message."""

from __future__ import annotations

from ezd.i18n import N_

TABLE: tuple[tuple[str, str], ...] = (
    # re-decree and return (ezd.services.redecree)
    ("podaj powód ponownej dekretacji", N_("Podaj powód ponownej dekretacji.")),
    ("powód jest dłuższy niż {n} znaków", N_("Powód może mieć najwyżej %(n)s znaków.")),
    (
        "{x} nie jest zadekretowana; zadekretuj ją najpierw",
        N_("Pismo %(x)s nie jest jeszcze zadekretowane."),
    ),
    (
        "{x} nie jest zadekretowana na żadną komórkę",
        N_("Pismo %(x)s nie jest zadekretowane na żadną komórkę."),
    ),
    ("{x} jest już w komórce {u}", N_("Pismo %(x)s jest już w tej komórce.")),
    (
        "ponownie dekretować może kierownik komórki {u} albo kancelaria; {x} nie ma tych uprawnień",
        N_("Ponownie dekretować może kierownik komórki albo kancelaria."),
    ),
    (
        "{x} ma już referenta albo nie czeka na przydział; ponowna dekretacja jest możliwa "
        "tylko przed przydziałem referenta",
        N_("Pismo %(x)s ma już referenta; ponowna dekretacja jest możliwa tylko przed przydziałem."),
    ),
    # "do wiadomości" copies (ezd.services.copies)
    (
        "{x} nie jest zadekretowana; kopie do wiadomości dodaje się przy dekretacji",
        N_("Kopie do wiadomości dodaje się przy dekretacji pisma."),
    ),
    ("najwyżej {n} kopii do wiadomości naraz", N_("Najwyżej %(n)s kopii do wiadomości naraz.")),
    (
        "pismo jest zadekretowane na komórkę {u}; kopia do wiadomości jest dla innych",
        N_("Kopia do wiadomości jest dla innych komórek niż ta, na którą dekretujesz pismo."),
    ),
    ("w tym urzędzie nie ma osoby {x}", N_("W tym urzędzie nie ma takiej osoby.")),
    # approval paths within the JRWA class (ezd.services.approval_rules, approval)
    (
        "ścieżka akceptacji {x} nie jest dozwolona w klasie JRWA {s}; dozwolone: {a}",
        N_("Klasa JRWA %(s)s nie dopuszcza tej ścieżki akceptacji; dozwolone: %(a)s."),
    ),
    (
        "w klasie JRWA {s} opinie wydają tylko komórki wskazane w klasie; nie można dodać {x}",
        N_("W klasie JRWA %(s)s opinie wydają tylko komórki wskazane w klasie."),
    ),
    ("nieznany krok akceptacji {x}; dozwolone: {y}", N_("Nieznany krok akceptacji %(x)s.")),
    ("krok akceptacji {x} powtórzony w ścieżce", N_("Krok akceptacji powtarza się w ścieżce.")),
    (
        "opinię wydaje inna komórka niż {u}, która prowadzi sprawę",
        N_("Opinię wydaje inna komórka niż ta, która prowadzi sprawę."),
    ),
    (
        "podaj od 1 do {n} dozwolonych ścieżek akceptacji",
        N_("Podaj od 1 do %(n)s dozwolonych ścieżek akceptacji."),
    ),
    (
        "klasa JRWA {s} ma podklasy; regułę ustala się dla klas końcowych",
        N_("Klasa JRWA %(s)s ma podklasy; regułę ustala się dla klas końcowych."),
    ),
    ("w tym urzędzie nie ma klasy JRWA {s}", N_("W tym urzędzie nie ma klasy JRWA %(s)s.")),
    # sending a generated notice (ezd.services.notice_dispatch)
    ("w sprawie {s} nie ma zawiadomienia {x}", N_("W sprawie %(s)s nie ma takiego zawiadomienia.")),
    ("w rejestrze przesyłek wychodzących nie ma {x}", N_("W rejestrze przesyłek wychodzących nie ma %(x)s.")),
    (
        "{x} nie jest zawiadomieniem; doręczenie odpowiedzi potwierdza się w sprawie",
        N_("%(x)s nie jest zawiadomieniem; doręczenie odpowiedzi potwierdza się w sprawie."),
    ),
    # forwarding to the competent office (ezd.services.forwarding)
    (
        "podaj, dlaczego właściwy jest inny urząd (art. 65 § 1 KPA)",
        N_("Podaj, dlaczego właściwy jest inny urząd (art. 65 § 1 KPA)."),
    ),
    ("przekazać można tylko do innego urzędu partnerskiego", N_("Wybierz inny urząd partnerski.")),
    ("nie ma urzędu partnerskiego {x}", N_("Nie ma takiego urzędu partnerskiego.")),
    # the case's term (ezd.services.case_terms)
    ("podaj przyczynę: zawieszenia postępowania", N_("Podaj przyczynę zawieszenia postępowania.")),
    (
        "podaj przyczynę: niezałatwienia sprawy w terminie",
        N_("Podaj przyczynę niezałatwienia sprawy w terminie."),
    ),
    ("przyczyna jest dłuższa niż {n} znaków", N_("Przyczyna może mieć najwyżej %(n)s znaków.")),
    (
        "nowy termin ({d}) musi przypadać po dniu dzisiejszym",
        N_("Nowy termin (%(d)s) musi przypadać po dniu dzisiejszym."),
    ),
    # "niepoprawna data {x}; ..." is in ezd.i18n.errors_pl (one pattern per line)
    ("sprawa {s} jest już zawieszona", N_("Sprawa %(s)s jest już zawieszona.")),
    ("sprawa {s} nie jest zawieszona", N_("Sprawa %(s)s nie jest zawieszona.")),
    (
        "sprawa {s} jest już zakończona; jej termin nie biegnie",
        N_("Odpowiedź w sprawie %(s)s została już wysłana albo sprawa jest zakończona; termin nie biegnie."),
    ),
    (
        "sprawa {s} jest zawieszona; termin nie biegnie",
        N_("Sprawa %(s)s jest zawieszona; termin nie biegnie."),
    ),
    (
        "sprawa {s} nie ma terminu liczonego według KPA",
        N_("Sprawa %(s)s nie ma terminu liczonego według KPA."),
    ),
)

# the field each message concerns, so the page puts it next to that field
FIELDS: dict[str, str] = {
    "Podaj powód ponownej dekretacji.": "reason",
    "Powód może mieć najwyżej %(n)s znaków.": "reason",
    "Pismo %(x)s jest już w tej komórce.": "unit",
    "Podaj, dlaczego właściwy jest inny urząd (art. 65 § 1 KPA).": "forward_reason",
    "Wybierz inny urząd partnerski.": "to_tenant",
    "Nie ma takiego urzędu partnerskiego.": "to_tenant",
    "Podaj przyczynę zawieszenia postępowania.": "suspend_reason",
    "Klasa JRWA %(s)s nie dopuszcza tej ścieżki akceptacji; dozwolone: %(a)s.": "approval_chain",
    "Nieznany krok akceptacji %(x)s.": "approval_chain",
    "W klasie JRWA %(s)s opinie wydają tylko komórki wskazane w klasie.": "opinions",
    "Opinię wydaje inna komórka niż ta, która prowadzi sprawę.": "opinions",
    "Podaj przyczynę niezałatwienia sprawy w terminie.": "extend_reason",
    "Nowy termin (%(d)s) musi przypadać po dniu dzisiejszym.": "until",
    "Niepoprawna data %(x)s; podaj ją jako dd.mm.rrrr, np. 11.10.2026.": "until",
}
