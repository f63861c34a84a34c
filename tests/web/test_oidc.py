"""Single sign-on through OpenID Connect against a real (small) identity provider on 127.0.0.1.

The fake provider is an ``http.server`` in a thread that behaves like Keycloak does after the
person has signed in there: discovery, a JWKS with an RSA key made for this module, an
authorization endpoint that redirects back with a one-time code, and a token endpoint that checks
the client's credentials, the code, the redirect URI and the PKCE verifier before it hands out an
ID token signed with its key.  ezd talks to it over real HTTP; the browser is a TestClient whose
redirects to the provider are followed with httpx.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from ezd.db.tables import User
from ezd.db.tables_web import WebSession
from ezd.web.app import create_app
from ezd.web.oidc import STATE_COOKIE
from ezd.web.security import SESSION_COOKIE
from tests.web.conftest import Site, make_site

CLIENT_ID = "ezd-web"
CLIENT_SECRET = "s3cret-of-the-ezd-client"
CALLBACK = "http://testserver/oidc/callback"  # TestClient's origin; registered at the provider


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _rsa_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)


@dataclass
class Grant:
    """What the provider remembers between the authorization and the token request."""

    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    login: str


# (claims, header) -> the key to sign with, or None for an unsigned token; edits both in place
Mint = Callable[[dict[str, Any], dict[str, Any]], RSAKey | None]


@dataclass
class FakeIdP:
    key: RSAKey = field(default_factory=lambda: _rsa_key("realm-key-1"))
    login: str = "sw.referent"  # who "signs in" at the provider
    client_secret: str = CLIENT_SECRET
    mint: Mint | None = None  # how a test spoils the ID token
    codes: dict[str, Grant] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)  # why token requests were refused
    issued: int = 0
    token_requests: int = 0
    base: str = ""
    issuer: str = ""

    def reset(self) -> None:
        self.login, self.client_secret, self.mint = "sw.referent", CLIENT_SECRET, None
        self.refusals.clear()
        self.issued = self.token_requests = 0

    def discovery(self) -> dict[str, Any]:
        oidc = f"{self.issuer}/protocol/openid-connect"
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{oidc}/auth",
            "token_endpoint": f"{oidc}/token",
            "jwks_uri": f"{oidc}/certs",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The person is taken to be signed in already: answer with a code, as Keycloak would."""
        ok = (
            query.get("response_type") == "code"
            and query.get("client_id") == CLIENT_ID
            and query.get("redirect_uri") == CALLBACK
            and "openid" in query.get("scope", "").split()
            and query.get("code_challenge_method") == "S256"
            and len(query.get("code_challenge", "")) == 43
            and query.get("state")
            and query.get("nonce")
        )
        if not ok:  # a bad request is never redirected back (the redirect URI may be hostile)
            return 400, {"Content-Type": "text/plain"}, b"invalid authorization request"
        code = secrets.token_urlsafe(24)
        self.codes[code] = Grant(CLIENT_ID, CALLBACK, query["code_challenge"], query["nonce"], self.login)
        back = f"{CALLBACK}?{urlencode({'code': code, 'state': query['state']})}"
        return 302, {"Location": back}, b""

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{self.client_secret}".encode()).decode()
        if authorization != expected:
            return self._refuse(401, "invalid_client")
        grant = self.codes.pop(form.get("code", ""), None)  # one use only
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self._refuse(400, "invalid_grant")
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._refuse(400, "invalid_grant: redirect_uri")
        verifier = form.get("code_verifier", "")
        if not verifier or _b64url(hashlib.sha256(verifier.encode()).digest()) != grant.challenge:
            return self._refuse(400, "invalid_grant: PKCE verification failed")
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": f"f:{hashlib.sha1(grant.login.encode()).hexdigest()[:12]}",
            "aud": CLIENT_ID,
            "azp": CLIENT_ID,
            "exp": now + 300,
            "iat": now,
            "auth_time": now - 5,
            "nonce": grant.nonce,
            "preferred_username": grant.login,
            "typ": "ID",
        }
        header: dict[str, Any] = {"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}
        key: RSAKey | None = self.key
        if self.mint is not None:
            key = self.mint(claims, header)
        if key is None:  # "alg": "none" — an unsigned token
            id_token = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}."
        else:
            id_token = jwt.encode(header, claims, key)
        self.issued += 1
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "id_token": id_token}

    def _refuse(self, status: int, why: str) -> tuple[int, dict[str, Any]]:
        self.refusals.append(why)
        return status, {"error": why.split(":")[0], "error_description": why}


def _handler(idp: FakeIdP) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, doc: dict[str, Any]) -> None:
            self._send(status, {"Content-Type": "application/json"}, json.dumps(doc).encode())

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            path = url.path.removeprefix(urlsplit(idp.issuer).path)
            if path == "/.well-known/openid-configuration":
                self._json(200, idp.discovery())
            elif path == "/protocol/openid-connect/certs":
                self._json(200, {"keys": [idp.key.as_dict(private=False)]})
            elif path == "/protocol/openid-connect/auth":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                self._send(*idp.authorize(query))
            else:
                self._send(404, {}, b"")

        def do_POST(self) -> None:
            if urlsplit(self.path).path != urlsplit(idp.discovery()["token_endpoint"]).path:
                self._send(404, {}, b"")
                return
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            self._json(*idp.token(form, self.headers.get("Authorization", "")))

    return Handler


@pytest.fixture(scope="module")
def idp() -> Iterator[FakeIdP]:
    provider = FakeIdP()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.base = f"http://127.0.0.1:{server.server_address[1]}"
    provider.issuer = f"{provider.base}/realms/ezd"
    thread = threading.Thread(target=server.serve_forever, name="fake-idp", daemon=True)
    thread.start()
    yield provider
    server.shutdown()
    server.server_close()
    thread.join(5)


@dataclass
class Sso:
    site: Site
    web: FastAPI


@pytest.fixture(scope="module")
def sso(idp: FakeIdP, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sso]:
    with pytest.MonkeyPatch.context() as mp:  # the operator's settings, read into Settings
        mp.setenv("EZD_OIDC_ISSUER", idp.issuer)
        mp.setenv("EZD_OIDC_CLIENT_ID", CLIENT_ID)
        mp.setenv("EZD_OIDC_CLIENT_SECRET", CLIENT_SECRET)
        mp.delenv("EZD_OIDC_LOGIN_CLAIM", raising=False)
        site = make_site(tmp_path_factory.mktemp("oidc") / "ezd")
    assert site.app.settings.oidc_issuer == idp.issuer
    web = create_app(site.app)
    yield Sso(site, web)
    site.app.db.dispose()


@pytest.fixture
def browser(sso: Sso, idp: FakeIdP) -> Iterator[TestClient]:
    idp.reset()
    with TestClient(sso.web, raise_server_exceptions=False) as client:
        yield client


# -- the browser's steps -------------------------------------------------------------------------
def start(client: TestClient, idp: FakeIdP) -> str:
    """ezd's sign-in link: a redirect to the provider's authorization endpoint."""
    r = client.get("/oidc/login", follow_redirects=False)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith(idp.discovery()["authorization_endpoint"] + "?")
    return location


def at_provider(url: str) -> str:
    """The provider signs the person in and sends the browser back with a code."""
    r = httpx.get(url, follow_redirects=False, timeout=10)
    assert r.status_code == 302, r.text
    location = r.headers["location"]
    assert location.startswith(CALLBACK + "?")
    return location


def with_param(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return parts._replace(query=urlencode(query)).geturl()


def oidc_sessions(sso: Sso) -> int:
    with sso.site.app.uow() as uow:
        count = select(func.count()).select_from(WebSession).where(WebSession.auth_method == "oidc")
        return int(uow.session.execute(count).scalar_one())


# the refusal is a page a person reads: in Polish, from the catalogue (ezd/i18n/errors.py)
POLISH = {
    "does not belong to this browser session": "nie należy do tej sesji przeglądarki",
    "the identity provider refused the sign-in": "Dostawca tożsamości odmówił logowania.",
    "no active ezd account": "Nie ma aktywnego konta",
    "token is not valid": "Token dostawcy tożsamości jest nieważny.",
    "the token has expired": "Sesja wygasła — zaloguj się ponownie.",
    "another application": "Token wydano dla innej aplikacji.",
}


def assert_refused(client: TestClient, sso: Sso, response: httpx.Response, before: int, says: str) -> None:
    assert response.status_code == 403, (response.status_code, response.text[:500])
    assert POLISH[says] in response.text, response.text[-1500:]
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert SESSION_COOKIE not in client.cookies
    assert oidc_sessions(sso) == before
    assert client.get("/api/v1/me").status_code == 401


# -- the flow that works ---------------------------------------------------------------------------
def test_sign_in_through_the_provider_gives_the_local_account(
    sso: Sso, idp: FakeIdP, browser: TestClient
) -> None:
    before = oidc_sessions(sso)
    page = browser.get("/login")
    assert page.status_code == 200 and 'href="/oidc/login"' in page.text

    # Follow every redirect as a browser would, across ezd and the provider.
    url, hops = "http://testserver/oidc/login", []
    for _ in range(6):
        if url.startswith(idp.base):
            r = httpx.get(url, follow_redirects=False, timeout=10)
        else:
            r = browser.get(url, follow_redirects=False)
        hops.append((urlsplit(url).path, r))
        if r.status_code not in (302, 303):
            break
        url = urljoin(url, r.headers["location"])
    paths = [p for p, _ in hops]
    assert paths == ["/oidc/login", "/realms/ezd/protocol/openid-connect/auth", "/oidc/callback", "/zadania"]
    callback = hops[2][1]
    assert callback.status_code == 303 and callback.headers["location"] == "/zadania"
    cookies = callback.headers.get_list("set-cookie")
    assert any(c.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in c for c in cookies)
    assert any(c.startswith(f"{STATE_COOKIE}=") and "Max-Age=0" in c for c in cookies)  # state spent
    assert hops[-1][1].status_code == 200

    assert idp.issued == 1 and idp.refusals == []
    assert oidc_sessions(sso) == before + 1
    me = browser.get("/api/v1/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["login"] == "sw.referent"
    # Roles come from ezd's own grants, not from the provider.
    assert {(g["tenant"], g["role"]) for g in body["grants"]} >= {("sp-swidnik", "referent")}
    assert body["full_name"] in hops[-1][1].text

    # The same callback again (a replayed or bookmarked URL) opens nothing.
    replay = browser.get(callback.url, follow_redirects=False)
    assert replay.status_code == 403
    assert oidc_sessions(sso) == before + 1


def test_signing_key_rotated_at_the_provider(sso: Sso, idp: FakeIdP, browser: TestClient) -> None:
    """The provider starts signing with a new key while ezd holds the old key set in its cache."""
    start(browser, idp)  # make sure the key set is cached (it is after any earlier sign-in too)
    old = idp.key
    idp.key = _rsa_key("realm-key-2")
    try:
        r = browser.get(at_provider(start(browser, idp)), follow_redirects=False)
        assert r.status_code == 303, r.text
        assert browser.get("/api/v1/me").json()["login"] == "sw.referent"
    finally:
        idp.key = old


# -- what must be refused ----------------------------------------------------------------------------
def test_callback_with_another_state_is_refused(sso: Sso, idp: FakeIdP, browser: TestClient) -> None:
    before = oidc_sessions(sso)
    back = at_provider(start(browser, idp))
    r = browser.get(with_param(back, state=secrets.token_urlsafe(16)), follow_redirects=False)
    assert_refused(browser, sso, r, before, "does not belong to this browser session")
    assert idp.token_requests == 0  # refused before the code is spent


def test_callback_in_a_browser_that_did_not_start_the_sign_in_is_refused(
    sso: Sso, idp: FakeIdP, browser: TestClient
) -> None:
    """Login CSRF: an attacker's own code and state, fed to the victim's browser."""
    before = oidc_sessions(sso)
    back = at_provider(start(browser, idp))
    with TestClient(sso.web, raise_server_exceptions=False) as victim:
        r = victim.get(back, follow_redirects=False)
        assert_refused(victim, sso, r, before, "does not belong to this browser session")
    assert idp.token_requests == 0


def test_code_for_another_pkce_challenge_is_refused(sso: Sso, idp: FakeIdP, browser: TestClient) -> None:
    """Code injection: a code issued to one sign-in (its code_challenge) used in another one."""
    before = oidc_sessions(sso)
    stolen = parse_qs(urlsplit(at_provider(start(browser, idp))).query)["code"][0]
    with TestClient(sso.web, raise_server_exceptions=False) as other:
        own = at_provider(start(other, idp))
        r = other.get(with_param(own, code=stolen), follow_redirects=False)
        assert_refused(other, sso, r, before, "the identity provider refused the sign-in")
    assert idp.refusals == ["invalid_grant: PKCE verification failed"]
    assert idp.issued == 0


def test_provider_refusing_the_client_credentials_is_refused(
    sso: Sso, idp: FakeIdP, browser: TestClient
) -> None:
    before = oidc_sessions(sso)
    idp.client_secret = "rotated-at-the-provider"
    r = browser.get(at_provider(start(browser, idp)), follow_redirects=False)
    assert_refused(browser, sso, r, before, "the identity provider refused the sign-in")
    assert idp.refusals == ["invalid_client"]


def test_unknown_login_is_refused_and_not_created(sso: Sso, idp: FakeIdP, browser: TestClient) -> None:
    before = oidc_sessions(sso)
    idp.login = "jan.nowak"  # a real person at the provider, no account in ezd
    r = browser.get(at_provider(start(browser, idp)), follow_redirects=False)
    assert_refused(browser, sso, r, before, "no active ezd account")
    assert idp.issued == 1
    with sso.site.app.uow() as uow:
        assert uow.session.execute(select(User).where(User.login == "jan.nowak")).first() is None


def _other_key_same_kid(claims: dict[str, Any], header: dict[str, Any]) -> RSAKey:
    return _rsa_key(header["kid"])


def _other_key_own_kid(claims: dict[str, Any], header: dict[str, Any]) -> RSAKey:
    header["kid"] = "attacker-key"
    return _rsa_key("attacker-key")


def _unsigned(claims: dict[str, Any], header: dict[str, Any]) -> None:
    header["alg"] = "none"
    return None


def _claim(**changes: Any) -> Callable[[FakeIdP], Mint]:
    def spoil(idp: FakeIdP) -> Mint:
        def mint(claims: dict[str, Any], header: dict[str, Any]) -> RSAKey:
            claims.update({k: v(idp, claims) if callable(v) else v for k, v in changes.items()})
            return idp.key

        return mint

    return spoil


BAD_TOKENS: dict[str, tuple[Callable[[FakeIdP], Mint], str]] = {
    "nonce of another sign-in": (
        _claim(nonce=secrets.token_urlsafe(16)),
        "does not belong to this browser session",
    ),
    "signed by another key (same kid)": (lambda idp: _other_key_same_kid, "token is not valid"),
    "signed by another key (its own kid)": (lambda idp: _other_key_own_kid, "token is not valid"),
    "unsigned (alg none)": (lambda idp: _unsigned, "token is not valid"),
    "expired": (
        _claim(exp=lambda idp, c: c["iat"] - 120, iat=lambda idp, c: c["iat"] - 420),
        "the token has expired",
    ),
    "for another client": (_claim(aud="some-other-app", azp="some-other-app"), "another application"),
    "for several clients, not ezd": (_claim(aud=["a", "b"]), "another application"),
    "from another issuer": (
        _claim(iss=lambda idp, c: idp.base + "/realms/other"),
        "another application",
    ),
}


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_bad_id_token_is_refused(sso: Sso, idp: FakeIdP, browser: TestClient, case: str) -> None:
    spoil, says = BAD_TOKENS[case]
    before = oidc_sessions(sso)
    idp.mint = spoil(idp)
    r = browser.get(at_provider(start(browser, idp)), follow_redirects=False)
    assert_refused(browser, sso, r, before, says)
    assert idp.issued == 1  # the provider did answer: ezd's own checks refused the token


def test_sign_in_link_answers_404_when_sso_is_not_configured(sso: Sso) -> None:
    plain = sso.site.app.settings.model_copy(update={"oidc_issuer": None, "oidc_client_id": None})
    web = create_app(replace(sso.site.app, settings=plain))
    assert web.state.oidc is None
    with TestClient(web, raise_server_exceptions=False) as client:
        assert client.get("/oidc/login", follow_redirects=False).status_code == 404
        assert 'href="/oidc/login"' not in client.get("/login").text


def test_deactivated_account_is_refused(sso: Sso, idp: FakeIdP, browser: TestClient) -> None:
    def set_active(login: str, active: bool) -> None:
        with sso.site.app.uow() as uow:
            uow.session.execute(select(User).where(User.login == login)).scalar_one().active = active
            uow.commit()

    before = oidc_sessions(sso)
    idp.login = "sw.archiwista"
    set_active("sw.archiwista", False)
    try:
        r = browser.get(at_provider(start(browser, idp)), follow_redirects=False)
        assert_refused(browser, sso, r, before, "no active ezd account")
    finally:
        set_active("sw.archiwista", True)


def test_state_cookie_is_secure_behind_https(sso: Sso, idp: FakeIdP, browser: TestClient) -> None:
    """It carries the PKCE verifier and the nonce: never sent back over plain HTTP."""
    plain = browser.get("/oidc/login", follow_redirects=False).headers["set-cookie"]
    proxied = browser.get(
        "/oidc/login", headers={"X-Forwarded-Proto": "https"}, follow_redirects=False
    ).headers["set-cookie"]
    assert plain.startswith(f"{STATE_COOKIE}=") and "secure" not in plain.lower()
    assert proxied.startswith(f"{STATE_COOKIE}=") and "; secure" in proxied.lower()
