"""People by full name, offices and units by name, for one page.

Stored records name people by login (``sw.referent``, ``system:ezd.sign``) and offices by code
(``sp-swidnik``); a page shows neither.  A :class:`Directory` looks the names up lazily in the
request's own unit of work (a second transaction would queue behind it on SQLite) and
remembers them for the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.db.tables import Tenant, Unit, User
from ezd.web.labels import N_, SYSTEM_ACTOR

SYSTEM = N_("system")


class Directory:
    def __init__(self, session: Session | None, t: Callable[..., str]) -> None:
        self._session = session
        self._t = t
        self._people: dict[str, str] = {}
        self._offices: dict[str, str] = {}
        self._units: dict[tuple[str, str], str] = {}

    def person(self, login: str | None) -> str:
        if not login:
            return "—"
        if login.startswith("system:"):
            return self._t(SYSTEM_ACTOR.get(login.removeprefix("system:"), SYSTEM))
        if login not in self._people:
            name = None
            if self._session is not None:
                name = self._session.execute(select(User.full_name).where(User.login == login)).scalar()
            # a login that is not an account (an external party, a CLI user) is shown as recorded
            self._people[login] = name or login
        return self._people[login]

    def office(self, code: str | None) -> str:
        if not code:
            return "—"
        if code not in self._offices:
            if self._session is not None and not self._offices:
                # one query for all offices: a partnership has a handful
                self._offices = dict(self._session.execute(select(Tenant.code, Tenant.name)).tuples().all())
            self._offices.setdefault(code, code)
        return self._offices[code]

    def unit(self, tenant: str | None, code: str | None) -> str:
        """A unit as people know it, "Wydział Organizacyjny (OR)": the name, with the code that
        appears in case signs."""
        if not code:
            return "—"
        key = (tenant or "", code)
        if key not in self._units:
            name = None
            if self._session is not None and tenant:
                name = self._session.execute(
                    select(Unit.name)
                    .join(Tenant, Tenant.id == Unit.tenant_id)
                    .where(Tenant.code == tenant, Unit.code == code)
                ).scalar()
            self._units[key] = f"{name} ({code})" if name else code
        return self._units[key]
