"""e-Doręczenia (KSDE / PURDE) REST adapter.

What is implemented — the message-submission part of the public e-Doręczenia REST interface for
application integrations (the "UA" / Usługa Aplikacyjna API), reduced to what dispatching a
sealed letter needs:

1. **token**: OAuth 2.0 client-credentials grant, ``POST {token_url}`` with form fields
   ``grant_type=client_credentials``, ``client_id``, ``client_secret`` (and ``scope`` if set) →
   ``{"access_token", "expires_in"}``; cached until 30 s before expiry, refreshed once on HTTP 401.
   (Production uses ``private_key_jwt`` client assertions signed with the system certificate;
   the token provider is a single method to swap.)
2. **submit**: ``POST {base_url}/{sender_address}/messages`` with ``Authorization: Bearer …``,
   ``Idempotency-Key: <envelope key>`` and a ``multipart/form-data`` body:
   ``metadata`` (JSON: ``recipients[{address}]``, ``subject``, ``reference`` {caseSign,
   outgoingSign}) and ``attachment`` (the sealed document, with its file name and media type);
   answer ``201``/``202`` JSON ``{"messageId": …}``.
3. errors: ``400/404/409/422`` → :class:`DispatchRejected` (bad ADE address, refused content — a
   person must act); network errors, ``429`` and ``5xx`` → :class:`ChannelUnavailable` (retry;
   the idempotency key makes a retry safe).

Addresses are ADE (adres do doręczeń elektronicznych) ``AE:PL-XXXXX-XXXXX-XXXXX-XX``.
The delivery evidence (dowód otrzymania, UPD) arrives later and goes through
``outgoing.confirm_delivery``; polling for it is not implemented here.
"""

from __future__ import annotations

import json
import re
import threading
import time
from urllib.parse import quote

import httpx

from ezd.channels.port import ChannelUnavailable, DispatchRejected, Envelope, SendReceipt

ADE_RE = re.compile(r"^AE:PL-\d{5}-\d{5}-[A-Z]{5}-\d{2}$")
REJECT_STATUSES = {400, 404, 409, 422}


def is_ade(address: str | None) -> bool:
    return bool(address and ADE_RE.match(address.strip()))


class EDoreczeniaChannel:
    def __init__(
        self,
        base_url: str,
        *,
        sender_address: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        scope: str | None = None,
        name: str = "e-doreczenia",
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not is_ade(sender_address):
            raise ValueError(f"sender address {sender_address!r} is not an ADE (AE:PL-…)")
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.sender_address = sender_address
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope
        self._client = httpx.Client(timeout=timeout, transport=transport)
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def _access_token(self, *, refresh: bool = False) -> str:
        with self._lock:
            if not refresh and self._token and self._token[1] > time.monotonic():
                return self._token[0]
            form = {
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            }
            if self._scope:
                form["scope"] = self._scope
            try:
                resp = self._client.post(self._token_url, data=form)
            except httpx.HTTPError as exc:
                raise ChannelUnavailable(f"e-Doręczenia token endpoint unreachable: {exc}") from exc
            if resp.status_code != 200:
                raise ChannelUnavailable(f"e-Doręczenia token endpoint answered HTTP {resp.status_code}")
            try:
                data = resp.json()
                token = str(data["access_token"])
                ttl = float(data.get("expires_in", 60))
            except (ValueError, KeyError, TypeError) as exc:
                raise ChannelUnavailable(f"unusable token response: {exc}") from None
            self._token = (token, time.monotonic() + max(0.0, ttl - 30))
            return token

    def send(self, envelope: Envelope) -> SendReceipt:
        recipient = (envelope.electronic_address or "").strip()
        if not is_ade(recipient):
            raise DispatchRejected(
                f"the addressee has no valid e-Doręczenia address (ADE AE:PL-…): {recipient or 'none'}"
            )
        metadata = {
            "recipients": [{"address": recipient, "name": envelope.addressee}],
            "subject": f"Pismo {envelope.outgoing_sign} w sprawie {envelope.case_sign}",
            "reference": {"caseSign": envelope.case_sign, "outgoingSign": envelope.outgoing_sign},
        }
        url = f"{self.base_url}/{quote(self.sender_address, safe='')}/messages"
        resp = None
        for attempt in (0, 1):
            token = self._access_token(refresh=attempt == 1)
            try:
                resp = self._client.post(
                    url,
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": envelope.idempotency_key},
                    files={
                        "metadata": (None, json.dumps(metadata, ensure_ascii=False), "application/json"),
                        "attachment": (envelope.filename, envelope.document, envelope.media_type),
                    },
                )
            except httpx.HTTPError as exc:
                raise ChannelUnavailable(f"e-Doręczenia unreachable: {exc}") from exc
            if resp.status_code != 401:
                break
        if resp is None:  # the loop above runs at least once; a guard, not a check of the reply
            raise ChannelUnavailable("e-Doręczenia: no answer")
        if resp.status_code in (200, 201, 202):
            try:
                message_id = str(resp.json()["messageId"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ChannelUnavailable(f"unusable e-Doręczenia answer: {exc}") from None
            return SendReceipt(self.name, message_id)
        detail = resp.text[:300]
        if resp.status_code in REJECT_STATUSES:
            raise DispatchRejected(f"e-Doręczenia refused the letter (HTTP {resp.status_code}): {detail}")
        raise ChannelUnavailable(f"e-Doręczenia answered HTTP {resp.status_code}: {detail}")


__all__ = ["ADE_RE", "EDoreczeniaChannel", "is_ade"]
