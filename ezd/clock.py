"""Office time: the law counts deadlines in days of the Europe/Warsaw calendar.

The database stores naive UTC (``ezd.db.base.utcnow``); a letter received at 00:30 on
12 November in Warsaw was received on the 12th, although it is still the 11th in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


def office_today() -> date:
    return datetime.now(WARSAW).date()


def office_date(utc_naive: datetime) -> date:
    """The Warsaw calendar day of a naive-UTC timestamp from the database."""
    return utc_naive.replace(tzinfo=UTC).astimezone(WARSAW).date()


def polish_date(day: date) -> str:
    """dd.mm.rrrr, as every date shown to a person."""
    return day.strftime("%d.%m.%Y")
