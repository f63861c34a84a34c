"""KPA deadline arithmetic: worked examples from the issue, the statute's rules as properties,
and the holiday calendar against the independent ``holidays`` package."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ezd.records.deadlines import (
    TERMS,
    MatterKind,
    Pause,
    Term,
    add_months,
    deadline,
    deadline_for,
    easter_sunday,
    is_working_day,
    next_working_day,
    parse_kind,
    public_holidays,
    term_end,
)
from ezd.records.errors import InvalidInput

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 10, 31))


@pytest.mark.parametrize(
    ("received", "kind", "expected"),
    [
        # 11.11 is Independence Day → the next working day
        (date(2026, 10, 11), MatterKind.ADMINISTRATIVE, date(2026, 11, 12)),
        # 28.02.2027 is a Sunday → Monday 1 March
        (date(2027, 1, 31), MatterKind.ADMINISTRATIVE, date(2027, 3, 1)),
        # 31 March + 2 months → 31 May 2027, a Monday
        (date(2027, 3, 31), MatterKind.COMPLEX, date(2027, 5, 31)),
        # 14 days from 10.12.2026 → 24.12.2026, Christmas Eve (a holiday from 2025) → 28.12 (Mon)
        (date(2026, 12, 10), MatterKind.PUBLIC_INFORMATION, date(2026, 12, 28)),
        # the same in 2024, before 24 December became a holiday: a Tuesday
        (date(2024, 12, 10), MatterKind.PUBLIC_INFORMATION, date(2024, 12, 24)),
        # 3 months from 30.11.2026 → 28.02.2027 (Sunday) → 01.03.2027
        (date(2026, 11, 30), MatterKind.PETITION, date(2027, 3, 1)),
        # a letter received on Easter Saturday, to be handled without delay → Tuesday after Easter
        (date(2027, 3, 27), MatterKind.SIMPLE, date(2027, 3, 30)),
        # leap year: 31.01.2028 + 1 month → 29.02.2028, a Tuesday
        (date(2028, 1, 31), MatterKind.COMPLAINT, date(2028, 2, 29)),
    ],
)
def test_worked_examples(received: date, kind: MatterKind, expected: date) -> None:
    assert deadline_for(kind, received) == expected


def test_easter_dates_known() -> None:
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2038) == date(2038, 4, 25)  # the latest possible
    assert easter_sunday(2285) == date(2285, 3, 22)  # the earliest possible


@pytest.mark.parametrize("year", range(1990, 2100))
def test_holidays_match_the_holidays_package(year: int) -> None:
    # the package lists the statutory days off, including Sundays that are holidays (Easter,
    # Pentecost); compare dates only
    theirs = set(holidays.country_holidays("PL", years=year).keys())
    assert public_holidays(year) == theirs


def test_christmas_eve_is_a_holiday_only_from_2025() -> None:
    assert not is_working_day(date(2025, 12, 24))
    assert is_working_day(date(2024, 12, 24))


def test_weeks_end_on_the_same_weekday() -> None:
    # a Wednesday + 2 weeks → a Wednesday (not a holiday)
    assert deadline(date(2026, 3, 4), Term(weeks=2)) == date(2026, 3, 18)


@given(dates, st.integers(min_value=0, max_value=36))
def test_month_term_same_day_or_last_day_of_month(start: date, months: int) -> None:
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, last)


@given(dates, st.sampled_from(list(MatterKind)))
def test_deadline_is_the_first_working_day_on_or_after_the_term_end(start: date, kind: MatterKind) -> None:
    due = deadline_for(kind, start)
    end = term_end(start, TERMS[kind])
    assert is_working_day(due)
    assert due >= end
    # every day between the term's own end and the deadline is a Saturday, Sunday or holiday
    assert all(not is_working_day(end + timedelta(days=n)) for n in range((due - end).days))


@given(dates, st.integers(min_value=1, max_value=400))
def test_day_terms_count_from_the_next_day(start: date, days: int) -> None:
    due = deadline(start, Term(days=days))
    assert due == next_working_day(start + timedelta(days=days))


@given(dates, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=90))
@settings(max_examples=200)
def test_a_pause_pushes_the_end_by_its_length(start: date, offset: int, length: int) -> None:
    pause = Pause(start + timedelta(days=1 + offset), start + timedelta(days=1 + offset + length))
    term = Term(days=30)
    assert deadline(start, term, [pause]) == next_working_day(start + timedelta(days=30 + length + 1))


def test_overlapping_pauses_count_once() -> None:
    start = date(2026, 3, 2)
    a = Pause(date(2026, 3, 5), date(2026, 3, 14))  # 10 days
    b = Pause(date(2026, 3, 10), date(2026, 3, 19))  # overlaps: 5 new days
    one = deadline(start, Term(days=30), [Pause(date(2026, 3, 5), date(2026, 3, 19))])
    assert deadline(start, Term(days=30), [a, b]) == one
    assert one == next_working_day(start + timedelta(days=30 + 15))


def test_a_pause_before_the_start_does_not_count() -> None:
    start = date(2026, 3, 2)
    assert deadline(start, Term(days=14), [Pause(date(2026, 2, 1), date(2026, 3, 2))]) == deadline(
        start, Term(days=14)
    )


def test_an_open_pause_has_no_deadline() -> None:
    with pytest.raises(InvalidInput, match="zawieszona"):
        deadline(date(2026, 3, 2), Term(days=14), [Pause(date(2026, 3, 5))])


def test_bad_input_is_one_polish_error() -> None:
    with pytest.raises(InvalidInput, match="nieznany rodzaj sprawy"):
        parse_kind("urgent")
    with pytest.raises(InvalidInput):
        Term(days=-1)
    with pytest.raises(InvalidInput):
        Pause(date(2026, 3, 5), date(2026, 3, 4))
    assert parse_kind(" Complex ") is MatterKind.COMPLEX
