"""Retention arithmetic of the instrukcja archiwalna on its edge cases."""

from __future__ import annotations

from datetime import date

import pytest

from ezd.records.jrwa import ArchivalCategory
from ezd.records.retention import PERMANENT_LOCK_YEARS, disposal_date, lock_until, transfer_due


@pytest.mark.parametrize(
    ("category", "closed", "expected"),
    [
        ("B5", date(2020, 12, 31), date(2026, 1, 1)),  # closed on the last day: the year still counts
        ("B5", date(2020, 1, 1), date(2026, 1, 1)),  # closed on the first day: same result
        ("B5", date(2021, 1, 1), date(2027, 1, 1)),  # one day later, one year later
        ("B10", date(2019, 6, 15), date(2030, 1, 1)),
        ("BE5", date(2020, 12, 31), date(2026, 1, 1)),  # BE runs like B (review happens at the end)
        ("BE10", date(2021, 1, 1), date(2032, 1, 1)),
        ("Bc", date(2024, 3, 3), date(2026, 1, 1)),  # kept one full year
        ("B50", date(2000, 7, 1), date(2051, 1, 1)),
    ],
)
def test_disposal_date(category: str, closed: date, expected: date) -> None:
    assert disposal_date(ArchivalCategory.parse(category), closed) == expected
    assert lock_until(ArchivalCategory.parse(category), closed) == expected


def test_category_a_is_never_disposed_and_locked_for_a_century() -> None:
    a = ArchivalCategory.parse("A")
    assert disposal_date(a, date(2020, 12, 31)) is None
    assert lock_until(a, date(2020, 12, 31)) == date(2021 + PERMANENT_LOCK_YEARS, 1, 1)


@pytest.mark.parametrize(
    ("closed", "due"),
    [
        (date(2023, 12, 31), date(2026, 1, 1)),
        (date(2023, 1, 1), date(2026, 1, 1)),
        (date(2024, 1, 1), date(2027, 1, 1)),
    ],
)
def test_transfer_after_two_full_calendar_years(closed: date, due: date) -> None:
    assert transfer_due(closed) == due
