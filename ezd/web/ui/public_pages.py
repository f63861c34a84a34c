"""Sign-in and sign-out, language switch, the residents' status page, the home redirect."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import delete, select

from ezd.db.tables import Tenant
from ezd.db.tables_web import WebSession
from ezd.records.errors import NotFound
from ezd.services.case_actions import public_status
from ezd.web.dependencies import MaybePrincipal, Me, UoW
from ezd.web.i18n import LANG_COOKIE, LANGS, language, translator
from ezd.web.labels import N_
from ezd.web.security import (
    PRE_COOKIE,
    SESSION_COOKIE,
    LoginFailed,
    authenticate,
    check_pre_csrf,
    open_session,
    read_payload,
    sign_payload,
)
from ezd.web.session_cookies import set_session_cookie
from ezd.web.ui.form_state import KEPT_PURPOSE, KEPT_TTL_S, keep_for
from ezd.web.ui.render import render_anonymous_form

router = APIRouter()
LOGIN_FAILED = N_("Nieprawidłowy login lub hasło albo konto czasowo zablokowane.")
FORM_EXPIRED = N_("Formularz wygasł — spróbuj ponownie.")
NO_SUCH_CASE = N_("Nie znaleziono sprawy o tym znaku i kodzie.")


def _t(request: Request, text: str) -> str:
    return translator(language(request))(text)


@router.get("/")
def home(me: MaybePrincipal) -> Response:
    return RedirectResponse("/zadania" if me else "/login", status_code=303)


def _safe_next(value: str | None) -> str:
    # only local paths: never redirect a person to another site after sign-in
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/zadania"


@router.get("/login")
def login_page(request: Request, me: MaybePrincipal, next: str = "/zadania") -> Response:
    if me:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render_anonymous_form(
        request, "login.html", next=_safe_next(next), oidc=request.app.state.oidc is not None
    )


@router.post("/login")
def login_submit(
    request: Request,
    uow: UoW,
    login: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=300)] = "/zadania",
) -> Response:
    secret = request.app.state.secret
    if not check_pre_csrf(secret, request.cookies.get(PRE_COOKIE), csrf_token):
        return render_anonymous_form(
            request,
            "login.html",
            403,
            next=_safe_next(next),
            oidc=request.app.state.oidc is not None,
            failed=_t(request, FORM_EXPIRED),
        )
    address = request.client.host if request.client else "?"
    request.app.state.throttle.check(address)
    try:
        user = authenticate(uow.session, login.strip(), password)
    except LoginFailed:
        request.app.state.throttle.failed(address)
        uow.commit()  # the failure count must stick although the sign-in fails
        return render_anonymous_form(
            request,
            "login.html",
            401,
            next=_safe_next(next),
            oidc=request.app.state.oidc is not None,
            failed=_t(request, LOGIN_FAILED),
        )
    new = open_session(uow.session, user, user_agent=request.headers.get("user-agent"))
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, new.token)
    return response


def _referer_path(request: Request) -> str:
    ref = request.headers.get("referer", "")
    if ref.startswith(str(request.base_url)):
        return _safe_next("/" + ref[len(str(request.base_url)) :])
    return "/zadania"


def sign_in_again(request: Request, typed: dict[str, str]) -> Response:
    """The session ended while a form was being filled: ask for the password, keep the form."""
    return sign_in_again_page(request, _referer_path(request), typed, 401, "")


@router.post("/login/ponow")
async def sign_in_again_submit(request: Request, uow: UoW) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    back = _safe_next(fields.get("back"))
    data = read_payload(request.app.state.secret, KEPT_PURPOSE, fields.get("kept", ""))
    typed = {str(k): str(v) for k, v in (data or {}).get("v", {}).items()}
    if not check_pre_csrf(
        request.app.state.secret, request.cookies.get(PRE_COOKIE), fields.get("csrf_token", "")
    ):
        return sign_in_again_page(request, back, typed, 403, _t(request, FORM_EXPIRED))
    address = request.client.host if request.client else "?"
    request.app.state.throttle.check(address)
    try:
        user = authenticate(
            uow.session, fields.get("login", "").strip()[:64], fields.get("password", "")[:200]
        )
    except LoginFailed:
        request.app.state.throttle.failed(address)
        uow.commit()  # the failure count must stick although the sign-in fails
        return sign_in_again_page(request, back, typed, 401, _t(request, LOGIN_FAILED))
    new = open_session(uow.session, user, user_agent=request.headers.get("user-agent"))
    response = RedirectResponse(back, status_code=303)
    set_session_cookie(request, response, new.token)
    if typed:
        keep_for(response, request, back.split("?", 1)[0], typed)
    return response


def sign_in_again_page(
    request: Request, back: str, typed: dict[str, str], status: int, failed: str
) -> Response:
    return render_anonymous_form(
        request,
        "reauth.html",
        status,
        back=back,
        kept_token=sign_payload(request.app.state.secret, KEPT_PURPOSE, {"v": typed}, KEPT_TTL_S),
        failed=failed,
    )


@router.post("/wyloguj")
def logout(me: Me, uow: UoW) -> Response:
    uow.session.execute(delete(WebSession).where(WebSession.token_hash == me.token_hash))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/jezyk/{lang}")
def set_language(lang: str, request: Request) -> Response:
    ref = request.headers.get("referer", "/")
    target = _safe_next("/" + ref.split("/", 3)[3]) if ref.count("/") >= 3 else "/"
    response = RedirectResponse(target, status_code=303)
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


def _offices(uow: UoW) -> list[dict[str, str]]:
    return [
        {"code": t.code, "name": t.name}
        for t in uow.session.execute(select(Tenant).order_by(Tenant.name)).scalars()
    ]


@router.get("/sprawdz")
def public_page(request: Request, uow: UoW) -> Response:
    return render_anonymous_form(request, "public_status.html", offices=_offices(uow))


@router.post("/sprawdz")
def public_check(
    request: Request,
    uow: UoW,
    tenant: Annotated[str, Form(max_length=40)],
    sign: Annotated[str, Form(max_length=60)],
    code: Annotated[str, Form(max_length=40)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    offices = _offices(uow)
    if not check_pre_csrf(request.app.state.secret, request.cookies.get(PRE_COOKIE), csrf_token):
        return render_anonymous_form(
            request, "public_status.html", 403, offices=offices, failed=_t(request, FORM_EXPIRED)
        )
    address = request.client.host if request.client else "?"
    request.app.state.public_throttle.check(address)
    try:
        result = public_status(uow.session, tenant=tenant, case_sign=sign, code=code)
    except NotFound:
        request.app.state.public_throttle.failed(address)
        return render_anonymous_form(
            request,
            "public_status.html",
            404,
            offices=offices,
            failed=_t(request, NO_SUCH_CASE),
        )
    return render_anonymous_form(request, "public_status.html", offices=offices, result=result)
