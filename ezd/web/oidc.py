"""Optional sign-in through an OpenID Connect provider (e.g. Keycloak): authorization-code flow
with PKCE, written out by hand (discovery, token exchange, ID-token checks with joserfc).

Configured by environment: ``EZD_OIDC_ISSUER`` (e.g. ``https://sso.example/realms/ezd``),
``EZD_OIDC_CLIENT_ID``, ``EZD_OIDC_CLIENT_SECRET``, optionally ``EZD_OIDC_LOGIN_CLAIM``
(default ``preferred_username``).  Roles stay in ezd: the claim must name an active local
account, which gets its local grants.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from ezd.config import Settings
from ezd.db.tables import User
from ezd.records.errors import NotFound, PermissionDenied
from ezd.web.dependencies import UoW
from ezd.web.security import open_session, read_payload, same, sign_payload
from ezd.web.session_cookies import secure_cookies, set_session_cookie

STATE_COOKIE = "ezd_oidc"
router = APIRouter(include_in_schema=False)


@dataclass
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    login_claim: str = "preferred_username"
    _discovery: dict[str, Any] = field(default_factory=dict)
    _jwks: dict[str, Any] = field(default_factory=dict)
    _jwks_at: float = 0.0

    def discovery(self) -> dict[str, Any]:
        if not self._discovery:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            doc = httpx.get(url, timeout=10).raise_for_status().json()
            if doc.get("issuer") != self.issuer:
                raise PermissionDenied("the identity provider reports a different issuer")
            self._discovery = doc
        return self._discovery

    def jwks(self, refresh: bool = False) -> dict[str, Any]:
        if refresh or not self._jwks or time.time() - self._jwks_at > 3600:
            self._jwks = httpx.get(self.discovery()["jwks_uri"], timeout=10).raise_for_status().json()
            self._jwks_at = time.time()
        return self._jwks


def config_from_settings(settings: Settings) -> OidcConfig | None:
    if not settings.oidc_issuer or not settings.oidc_client_id:
        return None
    return OidcConfig(
        issuer=settings.oidc_issuer,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        login_claim=settings.oidc_login_claim,
    )


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


def _config(request: Request) -> OidcConfig:
    cfg: OidcConfig | None = request.app.state.oidc
    if cfg is None:
        raise NotFound("single sign-on is not configured")
    return cfg


@router.get("/oidc/login")
def oidc_login(request: Request) -> Response:
    cfg = _config(request)
    verifier, challenge = _pkce()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    params = httpx.QueryParams(
        response_type="code",
        client_id=cfg.client_id,
        redirect_uri=_redirect_uri(request),
        scope="openid profile",
        state=state,
        nonce=nonce,
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    response = RedirectResponse(f"{cfg.discovery()['authorization_endpoint']}?{params}", status_code=303)
    cookie = sign_payload(request.app.state.secret, "oidc", {"s": state, "n": nonce, "v": verifier}, 600)
    response.set_cookie(
        STATE_COOKIE,
        cookie,
        max_age=600,
        httponly=True,
        samesite="lax",
        path="/oidc/",
        secure=secure_cookies(request),  # it carries the PKCE verifier: never over plain HTTP
    )
    return response


def check_id_token(cfg: OidcConfig, id_token: str, nonce: str, now: float | None = None) -> dict[str, Any]:
    """Signature (provider's JWKS), issuer, audience, expiry and nonce of an ID token."""
    from joserfc import jwt
    from joserfc.errors import InvalidKeyIdError, JoseError
    from joserfc.jwk import KeySet

    algorithms = ["RS256", "ES256", "PS256"]
    try:
        try:
            keys = KeySet.import_key_set(cfg.jwks())  # type: ignore[arg-type]
            token = jwt.decode(id_token, keys, algorithms=algorithms)
        except InvalidKeyIdError:
            # The provider rotated its signing key (Keycloak signs with a new key at once):
            # fetch the key set again rather than refuse every sign-in until the cache ages out.
            # Only the provider can cause this: the token comes from its token endpoint.
            fresh = KeySet.import_key_set(cfg.jwks(refresh=True))  # type: ignore[arg-type]
            token = jwt.decode(id_token, fresh, algorithms=algorithms)
    except (JoseError, ValueError) as exc:
        raise PermissionDenied(f"the identity provider's token is not valid ({type(exc).__name__})") from None
    claims = dict(token.claims)
    now = now or time.time()
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if claims.get("iss") != cfg.issuer or cfg.client_id not in auds:
        raise PermissionDenied("the token was issued for another application")
    if float(claims.get("exp", 0)) < now - 30:
        raise PermissionDenied("the token has expired; sign in again")
    if claims.get("nonce") != nonce:
        raise PermissionDenied("the sign-in response does not belong to this browser session")
    return claims


@router.get("/oidc/callback", name="oidc_callback")
def oidc_callback(request: Request, uow: UoW, code: str = "", state: str = "") -> Response:
    cfg = _config(request)
    saved = read_payload(request.app.state.secret, "oidc", request.cookies.get(STATE_COOKIE, ""))
    if saved is None or not state or not same(str(saved["s"]), state) or not code:
        raise PermissionDenied("the sign-in response does not belong to this browser session; try again")
    tokens = httpx.post(
        cfg.discovery()["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": _redirect_uri(request),
            "code_verifier": str(saved["v"]),
        },
        auth=(cfg.client_id, cfg.client_secret),
        timeout=10,
    )
    try:
        body = tokens.json() if tokens.status_code == 200 else {}
    except ValueError:  # e.g. an HTML error page from a proxy in front of the provider
        body = {}
    if not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
        raise PermissionDenied("the identity provider refused the sign-in")
    claims = check_id_token(cfg, body["id_token"], str(saved["n"]))
    login = str(claims.get(cfg.login_claim, ""))
    user = uow.session.execute(
        select(User).where(User.login == login, User.active.is_(True))
    ).scalar_one_or_none()
    if user is None:
        raise PermissionDenied(f"no active ezd account {login!r}; ask the administrator")
    new = open_session(uow.session, user, method="oidc", user_agent=request.headers.get("user-agent"))
    response = RedirectResponse("/zadania", status_code=303)
    set_session_cookie(request, response, new.token)
    response.delete_cookie(STATE_COOKIE, path="/oidc/")
    return response
