"""The REST transport to Operaton: one persistent session, timeouts, errors mapped to one line.

:class:`OperatonRest` holds the connection (keep-alive, HTTP basic auth, the environment's proxy
and CA settings read once) and turns every failure into a :mod:`ezd.workflow.port` error or one
of the subclasses here.  Credentials are never logged nor put into messages.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from ezd.workflow.port import WorkflowError

log = logging.getLogger("ezd.workflow.operaton")

DEFAULT_URL = "http://127.0.0.1:8080/engine-rest"


class EngineUnavailable(WorkflowError):
    """The engine could not be reached (connection refused, timeout, bad credentials...)."""


class InstanceNotFound(WorkflowError):
    """No process instance (running or historic) with that id."""


class TaskAlreadyClaimed(WorkflowError):
    """A user task is already assigned to somebody else."""


class LockLost(WorkflowError):
    """An external task is no longer locked by this worker (lock expired and taken by another)."""


def one_line(text: str, limit: int = 500) -> str:
    line = re.sub(r"\s+", " ", text).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _settle_environment(session: requests.Session, base_url: str) -> None:
    """Read the environment's HTTP settings for ``base_url`` once, instead of on every request.

    With ``trust_env`` on, requests looks up proxies (HTTP(S)_PROXY, NO_PROXY), the CA bundle
    (REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE) and .netrc again for every single call, scanning all
    of ``os.environ`` twice: about 1.5 ms of CPU per call, a quarter of the demo driver's CPU
    on the distributed stack (profiled: 1.8 s of 7.3 s over 20 letters). Every call of this
    adapter goes to the one engine URL and a process's environment does not change, so the
    same settings are resolved here once and pinned on the session.
    """
    resolved = session.merge_environment_settings(base_url, {}, None, None, None)
    session.proxies.update(resolved.get("proxies") or {})
    verify = resolved.get("verify")
    if isinstance(verify, str):  # a CA bundle named by the environment
        session.verify = verify
    if session.auth is None:
        netrc = requests.utils.get_netrc_auth(base_url)
        if netrc:
            session.auth = netrc
    session.trust_env = False


class OperatonRest:
    """The connection to one engine (and one engine tenant) with its worker id."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        user: str | None = None,
        password: str | None = None,
        *,
        deployment_name: str = "ezd",
        lock_duration_ms: int = 300_000,
        async_response_timeout_ms: int | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        worker_id: str | None = None,
        session: requests.Session | None = None,
        tenant_id: str | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.username is not None:  # credentials inside the URL: take them out of it
            user = user if user is not None else parts.username
            password = password if password is not None else (parts.password or "")
            netloc = parts.hostname or ""
            if parts.port:
                netloc += f":{parts.port}"
            parts = parts._replace(netloc=netloc)
        self.base_url = urlunsplit(parts).rstrip("/")
        self.user = user
        self.deployment_name = deployment_name
        self.lock_duration_ms = lock_duration_ms
        self.async_response_timeout_ms = async_response_timeout_ms
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        # Engine tenant: keeps several ezd installations (or test databases) on one engine apart;
        # their business keys ("<office>/<sign>") would otherwise collide.
        self.tenant_id = tenant_id or None
        own_session = session is None
        self._session = session or requests.Session()
        self._session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=8))
        self._session.mount("https://", HTTPAdapter(pool_connections=1, pool_maxsize=8))
        if user is not None:
            self._session.auth = (user, password or "")
        if own_session:
            _settle_environment(self._session, self.base_url)
        self._session.headers.update({"Accept": "application/json"})
        self._definitions: dict[str, tuple[str, int]] = {}

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> OperatonRest:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ HTTP plumbing

    def _send(
        self,
        method: str,
        path: str,
        op: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        files: Any = None,
        read_timeout: float | None = None,
    ) -> requests.Response:
        url = f"{self.base_url}/{path}"
        log.debug("operaton %s %s (%s)", method, path, op)
        try:
            response = self._session.request(
                method,
                url,
                json=json,
                params=params,
                data=data,
                files=files,
                timeout=(self.connect_timeout, read_timeout or self.timeout),
            )
        except requests.Timeout:
            raise EngineUnavailable(f"{op}: engine at {self.base_url} did not answer in time") from None
        except requests.ConnectionError:
            raise EngineUnavailable(f"{op}: cannot connect to engine at {self.base_url}") from None
        if response.status_code in (401, 403):
            raise EngineUnavailable(
                f"{op}: engine refused the credentials of user {self.user!r} (HTTP {response.status_code})"
            )
        return response

    @staticmethod
    def _message(response: requests.Response) -> str:
        try:
            body = response.json()
        except ValueError:
            return one_line(response.text or response.reason or "")
        if isinstance(body, Mapping):
            kind = body.get("type") or ""
            text = body.get("message") or ""
            return one_line(f"{kind}: {text}" if kind else str(text))
        return one_line(str(body))

    def _fail(
        self, op: str, response: requests.Response, not_found: type[WorkflowError] | None = None
    ) -> NoReturn:
        message = self._message(response)
        status = response.status_code
        if not_found is not None and (
            status == 404 or re.search(r"does not exist|cannot find|not found", message, re.IGNORECASE)
        ):
            raise not_found(f"{op}: {message}")
        if re.search(r"locked by (a different )?worker|lock.*expired", message, re.IGNORECASE):
            raise LockLost(f"{op}: {message}")
        raise WorkflowError(f"{op}: HTTP {status}: {message}")

    def _call(
        self,
        method: str,
        path: str,
        op: str,
        *,
        not_found: type[WorkflowError] | None = None,
        **kwargs: Any,
    ) -> Any:
        response = self._send(method, path, op, **kwargs)
        if not response.ok:
            self._fail(op, response, not_found)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    def _tenant_params(self) -> dict[str, str]:
        return {"tenantIdIn": self.tenant_id} if self.tenant_id else {}

    def _definition(self, definition_id: str) -> tuple[str, int]:
        """(process key, version) of a process definition id, cached (definitions never change)."""
        cached = self._definitions.get(definition_id)
        if cached is None:
            body = self._call("GET", f"process-definition/{quote(definition_id, safe='')}", "definition")
            cached = (str(body["key"]), int(body["version"]))
            self._definitions[definition_id] = cached
        return cached
