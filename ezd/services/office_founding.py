"""Founding an office with its first administrator (``ezd init``'s steps; the web's system admin).

One call makes the office, its first unit and its administrator with a password, through
:mod:`ezd.services.office_setup` (so the rules are the command line's).  A system administrator
holds no right in the new office; the steps after the office exists run with the rights of the
founding (``system``), while the metryka names the person who founded it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from ezd.records.errors import InvalidInput, PermissionDenied
from ezd.services import office_setup
from ezd.services.actor import Actor
from ezd.services.office_setup import OfficeInfo


@dataclass(frozen=True)
class FirstAdmin:
    login: str
    full_name: str
    email: str | None
    password: str


@dataclass(frozen=True)
class NewOffice:
    code: str
    name: str
    kind: str
    regon: str | None = None
    epuap_box: str | None = None
    address: str | None = None


def found_office(
    session: Session,
    actor: Actor,
    office: NewOffice,
    units: list[tuple[str, str]],
    admin: FirstAdmin,
) -> OfficeInfo:
    """Create the office, its units (the first holds the administrator) and its administrator."""
    if not (actor.system or actor.system_admin):
        raise PermissionDenied("urzędy zakłada tylko administrator systemu")
    if not units:
        raise InvalidInput("podaj co najmniej jedną komórkę urzędu")
    info = office_setup.create_office(
        session,
        actor,
        code=office.code,
        name=office.name,
        kind=office.kind,
        regon=office.regon,
        epuap_box=office.epuap_box,
        address=office.address,
    )
    founding = replace(actor, system=True)  # only for this office, only for these steps
    for code, name in units:
        office_setup.add_unit(session, founding, office=office.code, code=code, name=name)
    office_setup.add_user(
        session, founding, office=office.code, login=admin.login, full_name=admin.full_name, email=admin.email
    )
    office_setup.grant_role(
        session, founding, office=office.code, login=admin.login, role="admin", unit=units[0][0]
    )
    office_setup.set_password(
        session, founding, office=office.code, login=admin.login, password=admin.password
    )
    return info


__all__ = ["FirstAdmin", "NewOffice", "found_office"]
