"""Sign-in for API clients: a bearer session token (browsers use the cookie set alongside)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from ezd.web.api.models import LoginBody
from ezd.web.api.responses import errors
from ezd.web.api.views import Me as MeView
from ezd.web.api.views import MyGrant, Session
from ezd.web.dependencies import Me, UoW
from ezd.web.errors import WRONG_LOGIN  # one of the error mapping's own (catalogue) lines
from ezd.web.security import SESSION_COOKIE, LoginFailed, authenticate, open_session
from ezd.web.session_cookies import set_session_cookie

router = APIRouter(prefix="/api/v1", tags=["auth"])


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.post("/auth/login", summary="Sign in with a local account", responses=errors(401, 422, 429))
def login(body: LoginBody, request: Request, response: Response, uow: UoW) -> Session:
    throttle = request.app.state.throttle
    address = client_address(request)
    throttle.check(address)
    try:
        user = authenticate(uow.session, body.login, body.password)
    except LoginFailed:
        throttle.failed(address)
        uow.commit()  # keep the failure count even though the request fails
        raise HTTPException(401, WRONG_LOGIN, headers={"WWW-Authenticate": "Bearer"}) from None
    new = open_session(uow.session, user, user_agent=request.headers.get("user-agent"))
    set_session_cookie(request, response, new.token)
    return Session(
        token=new.token, csrf_token=new.csrf, expires_at=new.expires_at.isoformat(), login=user.login
    )


@router.post("/auth/logout", summary="End this session", status_code=204, responses=errors(401, 403))
def logout(me: Me, request: Request, response: Response, uow: UoW) -> None:
    from sqlalchemy import delete

    from ezd.db.tables_web import WebSession

    uow.session.execute(delete(WebSession).where(WebSession.token_hash == me.token_hash))
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", summary="The signed-in person, their roles and substitutions", responses=errors(401))
def me(me: Me) -> MeView:
    return MeView(
        login=me.login,
        full_name=me.full_name,
        grants=[
            MyGrant(tenant=g.tenant, unit=g.unit, role=g.role.value, on_behalf_of=behalf)
            for g, behalf in me.actor.grants
        ],
        csrf_token=me.csrf,
    )
