"""Local fakes of the dispatch services, real HTTP servers on 127.0.0.1 (one thread each).

They check requests against the same contracts the adapters are built on: the ePUAP fake verifies
the WS-Security signature (:func:`ezd.channels.wssec.verify_soap`: Body + Timestamp digests, the
signature value with the token's certificate, Timestamp not expired, optionally the certificate
registered for the subject) and answers a ``wsse:…`` SOAP fault otherwise, then validates the SOAP
headers/body against obiektypk.xsd; the e-Doręczenia fake enforces the bearer token, the multipart
layout and the idempotency key.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.parser
import email.policy
import http.server
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from cryptography import x509
from lxml import etree

from ezd import xsd
from ezd.channels.epuap import NS_OB, NS_SOAP, SOAP_ACTION_NADAJ
from ezd.channels.wssec import NS_WSSE, WsSecurityError, verify_soap


@dataclass
class FakeState:
    boxes: set[str] = field(default_factory=set)
    received: list[dict[str, Any]] = field(default_factory=list)
    fail_next: int = 0  # answer HTTP 503 this many times
    tokens: set[str] = field(default_factory=set)
    token_requests: int = 0
    by_key: dict[str, str] = field(default_factory=dict)
    expire_tokens: bool = False
    # ePUAP: system certificates registered by the subjects (None = any certificate) and the clock
    registered: tuple[x509.Certificate, ...] | None = None
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    refused: list[str] = field(default_factory=list)  # WS-Security faults answered


@contextmanager
def serve(handler_cls: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _soap(body: etree._Element) -> bytes:
    env = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soapenv": NS_SOAP, "ob": NS_OB})
    etree.SubElement(env, f"{{{NS_SOAP}}}Body").append(body)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def _fault(code: str, kod: int, message: str, *, wsse: bool = False) -> bytes:
    fault = etree.Element(f"{{{NS_SOAP}}}Fault", nsmap={"wsse": NS_WSSE} if wsse else None)
    # WS-Security 1.0 faults are QNames in the wsse namespace (wsse:FailedCheck, …)
    etree.SubElement(fault, "faultcode").text = f"wsse:{code}" if wsse else f"soapenv:{code}"
    etree.SubElement(fault, "faultstring").text = message
    detail = etree.SubElement(fault, "detail")
    w = etree.SubElement(detail, f"{{{NS_OB}}}Wyjatek", nsmap={"ob": NS_OB})
    etree.SubElement(w, "kod").text = str(kod)
    etree.SubElement(w, "komunikat").text = message
    return _soap(fault)


def epuap_handler(state: FakeState) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if state.fail_next:
                state.fail_next -= 1
                self._answer(503, b"busy")
                return
            if self.headers.get("SOAPAction", "").strip('"') != SOAP_ACTION_NADAJ:
                self._answer(500, _fault("Client", 400, "unknown SOAPAction"))
                return
            try:
                verified = verify_soap(data, now=state.clock(), trusted=state.registered)
            except WsSecurityError as exc:
                state.refused.append(exc.fault)
                self._answer(500, _fault(exc.fault, 401, str(exc), wsse=True))
                return
            root = verified.root
            header = root.find(f"{{{NS_SOAP}}}Header")
            body = root.find(f"{{{NS_SOAP}}}Body")
            parts = {
                etree.QName(el).localname: el
                for el in (header if header is not None else [])
                if etree.QName(el).namespace == NS_OB  # wsse:Security is not in obiektypk.xsd
            }
            for el in [*parts.values(), *(body if body is not None else [])]:
                errors = xsd.validate(etree.fromstring(etree.tostring(el)), "epuap-obiektypk.xsd")
                if errors:
                    self._answer(500, _fault("Client", 400, f"schema: {errors[0]}"))
                    return
            box = parts["AdresSkrytki"].text or ""
            if box not in state.boxes:
                self._answer(500, _fault("Client", 404, f"skrytka {box} nie istnieje"))
                return
            doc = body.find(f"{{{NS_OB}}}Dokument") if body is not None else None
            assert doc is not None
            extra = etree.fromstring(base64.b64decode(parts["DaneDodatkowe"].text or ""))
            key = extra.findtext("KluczIdempotencji") or ""
            doc_id = state.by_key.setdefault(key, str(uuid.uuid4().int)[:12])
            state.received.append(
                {
                    "box": box,
                    "podmiot": parts["IdentyfikatorPodmiotu"].text,
                    "reply": parts["AdresOdpowiedzi"].text,
                    "filename": doc.findtext("nazwaPliku"),
                    "content": base64.b64decode(doc.findtext("zawartosc") or ""),
                    "case": extra.findtext("ZnakSprawy"),
                    "signer": verified.certificate.subject.rfc4514_string(),
                    "id": doc_id,
                }
            )
            ans = etree.Element(f"{{{NS_OB}}}OdpowiedzSkrytki", nsmap={"ob": NS_OB})
            status = etree.SubElement(ans, "status")
            etree.SubElement(status, "kod").text = "1"
            etree.SubElement(status, "komunikat").text = "OK"
            etree.SubElement(ans, "identyfikatorDokumentu").text = doc_id
            etree.SubElement(ans, "identyfikatorUpp").text = f"UPP-{doc_id}"
            self._answer(200, _soap(ans))

    return Handler


def edoreczenia_handler(state: FakeState) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _json(self, status: int, obj: dict[str, Any]) -> None:
            body = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/token":
                form = {k: v[0] for k, v in parse_qs(data.decode()).items()}
                state.token_requests += 1
                if form.get("grant_type") != "client_credentials" or form.get("client_secret") != "s3cret":
                    self._json(401, {"error": "invalid_client"})
                    return
                token = uuid.uuid4().hex
                state.tokens.add(token)
                self._json(200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600})
                return
            if state.fail_next:
                state.fail_next -= 1
                self._json(503, {"error": "maintenance"})
                return
            auth = self.headers.get("Authorization", "")
            if state.expire_tokens:
                state.tokens.clear()
                state.expire_tokens = False
            if not auth.startswith("Bearer ") or auth[7:] not in state.tokens:
                self._json(401, {"error": "invalid_token"})
                return
            parts_path = self.path.strip("/").split("/")
            if len(parts_path) != 3 or parts_path[0] != "api" or parts_path[2] != "messages":
                self._json(404, {"error": "no such endpoint"})
                return
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + data
            )
            parts = {p.get_param("name", header="content-disposition"): p for p in msg.iter_parts()}
            meta = json.loads(parts["metadata"].get_content())
            recipient = meta["recipients"][0]["address"]
            if recipient not in state.boxes:
                self._json(404, {"error": f"ADE {recipient} not in BAE"})
                return
            key = self.headers.get("Idempotency-Key", "")
            message_id = state.by_key.setdefault(key, uuid.uuid4().hex)
            att = parts["attachment"]
            state.received.append(
                {
                    "sender": unquote(parts_path[1]),
                    "recipient": recipient,
                    "meta": meta,
                    "filename": att.get_filename(),
                    "content": att.get_content(),
                    "id": message_id,
                }
            )
            self._json(201, {"messageId": message_id})

    return Handler
