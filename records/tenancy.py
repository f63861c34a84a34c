"""Tenants, units, roles and substitutions (zastępstwa)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ezd.records.errors import InvalidInput

_UNIT_CODE = re.compile(r"^[A-Z][A-Z0-9]{0,9}(-[A-Z0-9]{1,10})*$")
_TENANT_CODE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")


class Role(StrEnum):
    KANCELARIA = "kancelaria"
    REFERENT = "referent"
    KIEROWNIK = "kierownik"
    SEKRETARZ = "sekretarz"
    ARCHIWISTA = "archiwista"
    ADMIN = "admin"


def check_unit_code(code: str) -> str:
    """Unit codes are the first part of a case sign: ``OR``, ``GK``, ``OR-A``."""
    if not _UNIT_CODE.match(code):
        raise InvalidInput(f"invalid unit code {code!r}: use capital letters and digits, e.g. 'OR' or 'OR-A'")
    return code


def check_tenant_code(code: str) -> str:
    if not _TENANT_CODE.match(code):
        raise InvalidInput(
            f"invalid tenant code {code!r}: use lowercase letters, digits and '-', e.g. 'sp-swidnik'"
        )
    return code


# Kinds of office (``ezd office create --kind``) and how a person reads them; "gmina" is the
# older spelling of "urzad-gminy" kept for installations seeded before the kinds were named.
OFFICE_KINDS: dict[str, str] = {
    "starostwo": "starostwo powiatowe",
    "urzad-gminy": "urząd gminy",
    "urzad-miasta": "urząd miasta",
    "urzad-miasta-i-gminy": "urząd miasta i gminy",
    "urzad-marszalkowski": "urząd marszałkowski",
    "urzad-wojewodzki": "urząd wojewódzki",
    "jednostka": "jednostka organizacyjna",
    "gmina": "urząd gminy",
}


def check_office_kind(kind: str) -> str:
    if kind not in OFFICE_KINDS:
        names = ", ".join(k for k in OFFICE_KINDS if k != "gmina")
        raise InvalidInput(f"nieznany rodzaj urzędu {kind!r}; dozwolone: {names}")
    return kind


def candidate_group(tenant: str, unit: str, role: Role | str) -> str:
    """Name of the engine candidate group for a role in a unit, e.g. ``ug-melgiew:OR:kierownik``."""
    return f"{tenant}:{unit}:{Role(role).value}"


@dataclass(frozen=True, slots=True)
class Grant:
    """One role held in one unit of one tenant."""

    tenant: str
    unit: str
    role: Role


@dataclass(frozen=True, slots=True)
class SubstitutionPeriod:
    absent: str
    substitute: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput("a substitution must end on or after its start date")
        if self.absent == self.substitute:
            raise InvalidInput("a person cannot substitute for themselves")

    def active_on(self, day: date) -> bool:
        return self.start <= day <= self.end


def effective_grants(
    own: list[Grant], substitutions: list[tuple[SubstitutionPeriod, list[Grant]]], day: date
) -> list[tuple[Grant, str | None]]:
    """Grants a user may exercise on ``day``: their own, plus those of everyone they substitute for.

    Each grant comes with ``on_behalf_of`` (the absent person's login) so the metryka can record
    that the action was taken by a substitute.
    """
    result: list[tuple[Grant, str | None]] = [(g, None) for g in own]
    for period, grants in substitutions:
        if period.active_on(day):
            result.extend((g, period.absent) for g in grants)
    return result
