"""Deadlines the law sets for handling a case (KPA art. 35–36, art. 57; UDIP art. 13; petitions act).

Pure date arithmetic, standard library only (no I/O, no third-party calendars): the holiday list
is the one the statute sets (ustawa o dniach wolnych od pracy), computed here so the domain core
stays importable anywhere. Tests compare it with the ``holidays`` package over a century.

Counting (art. 57 KPA):

* a term in days ends on the last day counted, the day of the event that starts it not counted
  (§1) -- received on the 10th, 14 days → the 24th;
* a term in weeks ends on the weekday with the same name as the starting day (§2);
* a term in months ends on the day with the same number; when that month is shorter, on its
  last day (§3: 31 January + 1 month → 28/29 February);
* an end on a Saturday or a public holiday (a Sunday is one) moves to the next working day
  (§4).

Periods set aside by art. 35 §5 (suspension, delays caused by the party or beyond the office's
control) are not counted: each full day inside such a period pushes the deadline one day on.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from ezd.records.errors import InvalidInput


class MatterKind(StrEnum):
    """What the law sets for the kind of matter a JRWA class holds."""

    SIMPLE = "simple"  # art. 35 §2: without delay
    ADMINISTRATIVE = "administrative"  # art. 35 §3: 1 month
    COMPLEX = "complex"  # art. 35 §3: 2 months for a particularly complicated case
    PUBLIC_INFORMATION = "public-information"  # art. 13 UDIP: 14 days
    PETITION = "petition"  # art. 10 ustawy o petycjach: 3 months
    COMPLAINT = "complaint"  # art. 237 §1 KPA: skarga or wniosek, 1 month


@dataclass(frozen=True, slots=True)
class Term:
    """A length of time as the statute writes it."""

    days: int = 0
    weeks: int = 0
    months: int = 0

    def __post_init__(self) -> None:
        if min(self.days, self.weeks, self.months) < 0:
            raise InvalidInput("termin nie może być ujemny")
        if sum(1 for n in (self.days, self.weeks, self.months) if n) > 1:
            raise InvalidInput("termin liczy się w dniach, tygodniach albo miesiącach, nie łącznie")


TERMS: dict[MatterKind, Term] = {
    MatterKind.SIMPLE: Term(),
    MatterKind.ADMINISTRATIVE: Term(months=1),
    MatterKind.COMPLEX: Term(months=2),
    MatterKind.PUBLIC_INFORMATION: Term(days=14),
    MatterKind.PETITION: Term(months=3),
    MatterKind.COMPLAINT: Term(months=1),
}

# what a person reads for each kind (never the raw code)
KIND_LABELS: dict[MatterKind, str] = {
    MatterKind.SIMPLE: "sprawa niewymagająca postępowania wyjaśniającego (niezwłocznie)",
    MatterKind.ADMINISTRATIVE: "postępowanie administracyjne (1 miesiąc)",
    MatterKind.COMPLEX: "sprawa szczególnie skomplikowana (2 miesiące)",
    MatterKind.PUBLIC_INFORMATION: "dostęp do informacji publicznej (14 dni)",
    MatterKind.PETITION: "petycja (3 miesiące)",
    MatterKind.COMPLAINT: "skarga lub wniosek (1 miesiąc)",
}


def parse_kind(text: str) -> MatterKind:
    try:
        return MatterKind(text.strip().lower())
    except ValueError:
        names = ", ".join(k.value for k in MatterKind)
        raise InvalidInput(f"nieznany rodzaj sprawy {text!r}; dozwolone: {names}") from None


def parse_day(text: str) -> date:
    """A date as a person types it: dd.mm.rrrr (the Polish form) or ISO rrrr-mm-dd."""
    raw = text.strip()
    try:
        if "." in raw:
            day, month, year = (int(part) for part in raw.split("."))
            return date(year, month, day)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"niepoprawna data {text!r}; podaj ją jako dd.mm.rrrr, np. 11.10.2026") from None


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


# set by their own acts: 12.11.2018, the centenary of independence (Dz.U. 2018 poz. 2128)
ONE_OFF_HOLIDAYS = frozenset({date(2018, 11, 12)})


@cache
def public_holidays(year: int) -> frozenset[date]:
    """Days free from work by the act of 18 January 1951 as amended (Sundays aside).

    Epiphany (6 January) is one again from 2011; Christmas Eve (24 December) from 2025.
    """
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1),
        easter,
        easter + timedelta(days=1),  # Easter Monday
        date(year, 5, 1),
        date(year, 5, 3),
        easter + timedelta(days=49),  # Pentecost (a Sunday)
        easter + timedelta(days=60),  # Corpus Christi
        date(year, 8, 15),
        date(year, 11, 1),
        date(year, 11, 11),
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year >= 2011:
        days.add(date(year, 1, 6))
    if year >= 2025:
        days.add(date(year, 12, 24))
    days.update(d for d in ONE_OFF_HOLIDAYS if d.year == year)
    return frozenset(days)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday (art. 57 §4 treats Saturday like a holiday)."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def next_working_day(day: date) -> date:
    """The day itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """Same day number ``months`` later, or the last day of a shorter month (art. 57 §3)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def term_end(start: date, term: Term) -> date:
    """The last day of a term counted from the event on ``start`` (before the §4 shift)."""
    if term.months:
        return add_months(start, term.months)
    return start + timedelta(days=term.days, weeks=term.weeks)


@dataclass(frozen=True, slots=True)
class Pause:
    """A period not counted into the term (art. 35 §5), both days inclusive; open while ``end`` is None."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise InvalidInput("okres wyłączony z biegu terminu kończy się przed swoim początkiem")

    def days(self) -> int:
        if self.end is None:
            raise InvalidInput("okres wyłączony z biegu terminu jeszcze trwa")
        return (self.end - self.start).days + 1


def deadline(start: date, term: Term, pauses: Iterable[Pause] = ()) -> date:
    """When a term counted from ``start`` ends, pauses left out, moved off a non-working day.

    Each day of a pause after ``start`` pushes the end by one day; pauses are merged first so
    overlapping ones are not counted twice.
    """
    return next_working_day(_pushed(term_end(start, term), start, pauses))


def _pushed(end: date, start: date, pauses: Iterable[Pause]) -> date:
    for pause in _merged(pauses):
        first = max(pause.start, start + timedelta(days=1))
        if pause.end is not None and pause.end >= first:
            end += timedelta(days=(pause.end - first).days + 1)
    return end


def _merged(pauses: Iterable[Pause]) -> list[Pause]:
    ordered = sorted(pauses, key=lambda p: p.start)
    out: list[Pause] = []
    for pause in ordered:
        if pause.end is None:
            raise InvalidInput("termin nie biegnie: sprawa jest zawieszona")
        if out and out[-1].end is not None and pause.start <= out[-1].end + timedelta(days=1):
            out[-1] = Pause(out[-1].start, max(out[-1].end, pause.end))
        else:
            out.append(pause)
    return out


def deadline_for(kind: MatterKind, received: date, pauses: Iterable[Pause] = ()) -> date:
    """The deadline of a matter of ``kind`` started by a letter received on ``received``.

    A simple matter is to be handled without delay: its deadline is the received day itself, or
    the next working day when the letter came on a day off.
    """
    return deadline(received, TERMS[kind], pauses)


@dataclass(frozen=True, slots=True)
class Extension:
    """Art. 36: the office names a new date, on ``notified`` (the day the notice was made)."""

    notified: date
    until: date

    def __post_init__(self) -> None:
        if self.until <= self.notified:
            raise InvalidInput("nowy termin załatwienia sprawy musi przypadać po dniu zawiadomienia")


def case_deadline(
    kind: MatterKind, received: date, pauses: Iterable[Pause] = (), extension: Extension | None = None
) -> date | None:
    """The deadline of one case, or None while it is suspended (the clock does not run).

    After an art. 36 extension the new date is the term's end; only pauses after the notice
    push it further (the ones before were already weighed when the new date was set).
    """
    pauses = list(pauses)
    if any(p.end is None for p in pauses):
        return None
    if extension is None:
        return deadline_for(kind, received, pauses)
    return next_working_day(_pushed(extension.until, extension.notified, pauses))


def days_late(due: date, today: date) -> int:
    """Days past ``due`` (0 when not late); art. 36 requires a notice as soon as it is known."""
    return max(0, (today - due).days)
