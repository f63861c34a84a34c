"""Request-scoped dependencies: the unit of work, the signed-in person, CSRF.

One request is one unit of work: :func:`unit_of_work` opens it before the handler and commits
after the handler returns without error (``scope="function"``: before the response is sent, so a
failed commit is an error response, never a lost write).  Any exception rolls it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from ezd.bootstrap import App
from ezd.db.uow import UnitOfWork
from ezd.services.actor import Actor, load_actor
from ezd.services.deps import Deps
from ezd.web.security import SESSION_COOKIE, find_session, same


class NotAuthenticated(Exception):
    """No valid session: 401 for the API, a redirect to the sign-in page for the UI.

    A page form sent after the session expired carries what was typed (``typed``), so the
    sign-in-again page can bring it back to the form.
    """

    def __init__(self, typed: dict[str, str] | None = None) -> None:
        super().__init__("sign in first")
        self.typed = typed


class CsrfRejected(Exception):
    pass


def core(request: Request) -> App:
    app: App = request.app.state.core
    return app


def _unit_of_work(request: Request) -> Iterator[UnitOfWork]:
    # SQLite has one writer and every transaction begins IMMEDIATE; letting 20 request threads
    # fight in SQLite's busy handler (sleep and retry) starves some for seconds, so requests
    # queue on a lock in the process instead.  PostgreSQL needs no gate.
    gate = request.app.state.db_gate
    if gate is not None:
        gate.acquire()
    try:
        with core(request).uow() as uow:
            request.state.uow = uow  # pages look names up in it (ezd.web.ui.directory)
            yield uow
            uow.commit()
    finally:
        request.state.uow = None  # an error page rendered after the rollback has no session
        if gate is not None:
            gate.release()
    kick = getattr(request.app.state, "kick_worker", None)
    if kick is not None and request.method not in ("GET", "HEAD"):
        kick()  # a write may have left work for the workers (sign, dispatch, create case)


UoW = Annotated[UnitOfWork, Depends(_unit_of_work, scope="function")]

_bearer = HTTPBearer(auto_error=False, description="Session token from POST /api/v1/auth/login")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Browser session cookie")


@dataclass(frozen=True)
class Principal:
    """The signed-in person as plain values (they outlive the request's database session)."""

    login: str
    full_name: str
    user_id: int
    actor: Actor
    csrf: str
    token_hash: str
    via: str  # cookie | bearer


def optional_principal(
    request: Request,
    uow: UoW,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal | None:
    token, via = (bearer.credentials, "bearer") if bearer else (cookie, "cookie")
    if not token:
        return None
    found = find_session(uow.session, token)
    if found is None:
        return None
    ws, user = found
    actor = load_actor(uow.session, user.login, date.today())
    if user.login in core(request).settings.system_admin_logins:
        actor = replace(actor, system_admin=True)
    principal = Principal(user.login, user.full_name, user.id, actor, ws.csrf_token, ws.token_hash, via)
    request.state.principal = principal
    return principal


MaybePrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def _csrf_token_of(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def signed_in(request: Request, principal: MaybePrincipal) -> Principal:
    """The signed-in person; unsafe requests made with the cookie must carry the CSRF token."""
    if principal is None:
        if request.method == "POST" and not request.url.path.startswith("/api/"):
            from ezd.web.ui.form_state import typed_values

            ctype = request.headers.get("content-type", "")
            if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                raise NotAuthenticated(typed_values(await request.form()))
        raise NotAuthenticated()
    if request.method not in ("GET", "HEAD", "OPTIONS") and principal.via == "cookie":
        sent = await _csrf_token_of(request)
        if not sent or not same(sent, principal.csrf):
            raise CsrfRejected()
    return principal


Me = Annotated[Principal, Depends(signed_in)]


def service_deps(request: Request, uow: UoW) -> Deps:
    return core(request).deps(uow.session)


ServiceDeps = Annotated[Deps, Depends(service_deps)]
