"""Retention arithmetic from the archival category (instrukcja archiwalna).

* ``Bn`` / ``BEn``: kept *n* full calendar years counted from 1 January of the year after the
  case was closed; the record may be disposed of (BE after expert review) from 1 January of
  year ``closed.year + 1 + n``.
* ``Bc``: may be disposed of once it has served its purpose; we keep it one full year.
* ``A``: permanent; it goes to the state archive and is never disposed of here.  Object locks
  need a date, so archived A content is locked for :data:`PERMANENT_LOCK_YEARS`.
* Transfer to the archiwum zakładowe happens after 2 full calendar years: from 1 January of
  ``closed.year + 3``.
"""

from __future__ import annotations

from datetime import date

from ezd.records.jrwa import ArchivalCategory

PERMANENT_LOCK_YEARS = 100
TRANSFER_AFTER_FULL_YEARS = 2


def disposal_date(category: ArchivalCategory, closed: date) -> date | None:
    """First day the records may be disposed of (with consent); None for category A."""
    if category.kind == "A":
        return None
    years = category.years if category.years is not None else 1
    return date(closed.year + 1 + years, 1, 1)


def lock_until(category: ArchivalCategory, closed: date) -> date:
    until = disposal_date(category, closed)
    return until if until is not None else date(closed.year + 1 + PERMANENT_LOCK_YEARS, 1, 1)


def transfer_due(closed: date) -> date:
    return date(closed.year + 1 + TRANSFER_AFTER_FULL_YEARS, 1, 1)
