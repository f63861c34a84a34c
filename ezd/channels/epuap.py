"""ePUAP skrytka: ``nadaj`` (submit a document to a recipient's box) over SOAP 1.1.

Contract: ``skrytka.wsdl`` v1.2 (28.07.2008) with ``obiektypk.xsd`` (vendored as
``ezd/data/xsd/epuap-obiektypk.xsd``), document/literal binding, SOAPAction
``http://ws.epuap.gov.pl/skrytka/nadaj``:

* SOAP headers ``ob:IdentyfikatorPodmiotu`` (our ePUAP subject id), ``ob:AdresSkrytki`` (recipient
  box), ``ob:AdresOdpowiedzi`` (our reply box), ``ob:CzyProbne`` (false), ``ob:DaneDodatkowe``
  (base64 XML: case sign, outgoing sign, idempotency key);
* body ``ob:Dokument`` = {nazwaPliku, typPliku, zawartosc (base64)};
* answer ``ob:OdpowiedzSkrytki`` = {status{kod, komunikat}, identyfikatorDokumentu,
  identyfikatorUpp?}; errors as a SOAP Fault whose detail is ``ob:Wyjatek`` {kod, komunikat}.

Every header/body element we send and the answer we get are validated against the vendored
obiektypk.xsd, so a drift between the adapter and the contract fails loudly.  The answer is parsed
with :mod:`ezd.xmlsafe`.

Every request is signed with WS-Security (``sign-policy.wsdl``: X.509v3 token, Timestamp,
RSA-SHA256 over Body + Timestamp, see :mod:`ezd.channels.wssec`) by the office's system
certificate registered in ePUAP.  A WS-Security fault in the answer (``wsse:FailedCheck``,
``wsse:MessageExpired``, …) is :class:`EpuapSecurityRejected`: the configuration or the clock is
wrong, not the letter.  The TLS client certificate, if ePUAP asks for one, is ``client_cert``.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
from lxml import etree

from ezd import xmlsafe, xsd
from ezd.channels.port import ChannelUnavailable, DispatchRejected, Envelope, SendReceipt
from ezd.channels.wssec import NS_WSSE, SystemCertificate, sign_soap

NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_OB = "http://wsdl.epuap.gov.pl/obiekty/"
SOAP_ACTION_NADAJ = "http://ws.epuap.gov.pl/skrytka/nadaj"
SCHEMA = "epuap-obiektypk.xsd"
STATUS_OK = 1  # ePUAP status kod for a successful operation
MAX_RESPONSE = 5 * 1024 * 1024


class EpuapSecurityRejected(ChannelUnavailable):
    """ePUAP refused the WS-Security signature of our request (not the letter).

    An administrator must fix the system certificate (``EZD_EPUAP_CERT_P12``: expired, not
    registered in ePUAP for ``EZD_EPUAP_PODMIOT``) or the server clock; the letter is intact and
    may be sent again afterwards, hence a :class:`ChannelUnavailable` (retried, never delivered).
    """


def _ob(name: str, text: str | None = None) -> etree._Element:
    el = etree.Element(f"{{{NS_OB}}}{name}", nsmap={"ob": NS_OB})
    if text is not None:
        el.text = text
    return el


def _check(el: etree._Element, what: str) -> None:
    # validate a standalone copy: the schema knows the ob: global elements, not the SOAP envelope
    errors = xsd.validate(etree.fromstring(etree.tostring(el)), SCHEMA)
    if errors:
        raise ValueError(f"ePUAP {what} does not match obiektypk.xsd: {errors[0]}")


def box_address(envelope: Envelope) -> str | None:
    for candidate in (envelope.electronic_address, envelope.address):
        if candidate and candidate.strip().startswith("/"):
            return candidate.strip()
    return None


def build_nadaj(
    envelope: Envelope, *, podmiot: str, reply_box: str, box: str, test_only: bool = False
) -> bytes:
    """The SOAP request for ``nadaj`` (public for tests and for logging what was sent)."""
    extra = etree.Element("DaneDodatkowe")
    for name, value in (
        ("ZnakSprawy", envelope.case_sign),
        ("ZnakPisma", envelope.outgoing_sign),
        ("KluczIdempotencji", envelope.idempotency_key),
    ):
        etree.SubElement(extra, name).text = value
    headers = [
        _ob("IdentyfikatorPodmiotu", podmiot),
        _ob("AdresSkrytki", box),
        _ob("AdresOdpowiedzi", reply_box),
        _ob("CzyProbne", "true" if test_only else "false"),
        _ob("DaneDodatkowe", base64.b64encode(etree.tostring(extra, encoding="UTF-8")).decode()),
    ]
    doc = _ob("Dokument")
    for name, value in (
        ("nazwaPliku", envelope.filename),
        ("typPliku", envelope.media_type),
        ("zawartosc", base64.b64encode(envelope.document).decode()),
    ):
        etree.SubElement(doc, name).text = value  # obiektypk.xsd: unqualified local elements
    for el in [*headers, doc]:
        _check(el, etree.QName(el).localname)
    soap = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soapenv": NS_SOAP, "ob": NS_OB})
    header = etree.SubElement(soap, f"{{{NS_SOAP}}}Header")
    header.extend(headers)
    etree.SubElement(soap, f"{{{NS_SOAP}}}Body").append(doc)
    return etree.tostring(soap, xml_declaration=True, encoding="UTF-8")


class EpuapSkrytkaChannel:
    """DispatchChannel to an ePUAP box via the skrytka web service."""

    def __init__(
        self,
        endpoint: str,
        *,
        podmiot: str,
        reply_box: str,
        credentials: SystemCertificate,
        name: str = "epuap",
        timeout: float = 30.0,
        signature_ttl_s: int = 300,
        client_cert: Any = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError(f"ePUAP endpoint must be an http(s) URL, not {endpoint!r}")
        self.name = name
        self.endpoint = endpoint
        self.podmiot = podmiot
        self.reply_box = reply_box
        self.credentials = credentials
        self.signature_ttl_s = signature_ttl_s
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._client = httpx.Client(timeout=timeout, cert=client_cert, transport=transport)

    def close(self) -> None:
        self._client.close()

    def send(self, envelope: Envelope) -> SendReceipt:
        if not envelope.addressee.strip():
            raise DispatchRejected("the letter has no addressee")
        box = box_address(envelope)
        if box is None:
            raise DispatchRejected("no ePUAP box address (e.g. /urzad/skrytka) for the addressee")
        body = sign_soap(
            build_nadaj(envelope, podmiot=self.podmiot, reply_box=self.reply_box, box=box),
            self.credentials.key,
            self.credentials.cert,
            ttl_s=self.signature_ttl_s,
            now=self._clock(),
        )
        try:
            resp = self._client.post(
                self.endpoint,
                content=body,
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION_NADAJ}"'},
            )
        except httpx.HTTPError as exc:
            raise ChannelUnavailable(f"ePUAP unreachable: {exc}") from exc
        if len(resp.content) > MAX_RESPONSE:
            raise ChannelUnavailable("ePUAP answer too large")
        try:
            root = xmlsafe.parse(resp.content, max_bytes=MAX_RESPONSE)
        except xmlsafe.XMLRejected as exc:
            raise ChannelUnavailable(
                f"ePUAP answered HTTP {resp.status_code} with unusable XML: {exc}"
            ) from None
        fault = root.find(f"{{{NS_SOAP}}}Body/{{{NS_SOAP}}}Fault")
        if fault is not None:
            self._raise_fault(fault, resp.status_code)
        answer = root.find(f"{{{NS_SOAP}}}Body/{{{NS_OB}}}OdpowiedzSkrytki")
        if answer is None or resp.status_code != 200:
            raise ChannelUnavailable(f"ePUAP answered HTTP {resp.status_code} without OdpowiedzSkrytki")
        try:
            _check(answer, "OdpowiedzSkrytki")
        except ValueError as exc:
            raise ChannelUnavailable(str(exc)) from None
        kod = int(answer.findtext("status/kod") or "0")
        if kod != STATUS_OK:
            raise DispatchRejected(f"ePUAP refused the letter ({kod}): {answer.findtext('status/komunikat')}")
        return SendReceipt(
            self.name,
            answer.findtext("identyfikatorDokumentu") or "",
            evidence=answer.findtext("identyfikatorUpp") or None,
        )

    @staticmethod
    def _raise_fault(fault: etree._Element, status: int) -> None:
        wyjatek = next(fault.iter(f"{{{NS_OB}}}Wyjatek"), None)
        faultcode = fault.find("faultcode")
        qname = (faultcode.text or "").strip() if faultcode is not None else ""
        prefix, _, code = qname.rpartition(":")
        # the faultcode is a QName: resolve its prefix where it stands (nsmap includes ancestors)
        namespace = faultcode.nsmap.get(prefix or None) if faultcode is not None else None
        if wyjatek is not None:
            message = f"{wyjatek.findtext('kod')}: {wyjatek.findtext('komunikat')}"
        else:
            message = fault.findtext("faultstring") or "SOAP fault"
        if namespace == NS_WSSE:  # WS-Security 1.0 fault codes are QNames in the wsse namespace
            raise EpuapSecurityRejected(
                f"ePUAP refused the request signature (wsse:{code}): {message}; check the system "
                "certificate EZD_EPUAP_CERT_P12 (valid, registered in ePUAP) and the server clock"
            )
        if code == "Client":  # our request (address, document) is wrong: a person must fix it
            raise DispatchRejected(f"ePUAP: {message}")
        raise ChannelUnavailable(f"ePUAP fault (HTTP {status}): {message}")


__all__ = ["EpuapSecurityRejected", "EpuapSkrytkaChannel", "box_address", "build_nadaj"]
