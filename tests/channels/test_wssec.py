"""WS-Security signing of ePUAP requests, checked by the fake ePUAP over HTTP and by signxml."""

from __future__ import annotations

import base64
import copy
import datetime as dt
from collections.abc import Callable, Iterator

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidDigest

from ezd.channels.epuap import NS_OB, NS_SOAP, SOAP_ACTION_NADAJ, build_nadaj
from ezd.channels.wssec import (
    NS_DS,
    NS_WSSE,
    NS_WSU,
    WSU_ID,
    WsSecurityError,
    load_system_certificate,
    sign_soap,
    verify_soap,
)
from tests.channels.conftest import EpuapPki
from tests.channels.fakes import FakeState, epuap_handler, serve
from tests.channels.test_channels import DOC, envelope

BOX = "/jkowalski/skrytka"
Post = Callable[[bytes], httpx.Response]


def nadaj() -> bytes:
    return build_nadaj(
        envelope(electronic_address=BOX), podmiot="ugmelgiew", reply_box="/ugm/skrytka", box=BOX
    )


@pytest.fixture()
def fake(epuap_pki: EpuapPki) -> Iterator[tuple[Post, FakeState]]:
    state = FakeState(boxes={BOX}, registered=(epuap_pki.system.cert,))
    with serve(epuap_handler(state)) as url, httpx.Client(timeout=10) as client:

        def post(body: bytes) -> httpx.Response:
            headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION_NADAJ}"'}
            return client.post(f"{url}/skrytka", content=body, headers=headers)

        yield post, state


def refused_with(resp: httpx.Response) -> str:
    """The wsse fault code of a SOAP fault answer (fails the test for any other answer)."""
    assert resp.status_code == 500, resp.text
    fault = etree.fromstring(resp.content).find(f"{{{NS_SOAP}}}Body/{{{NS_SOAP}}}Fault")
    assert fault is not None
    code = fault.findtext("faultcode") or ""
    prefix, _, local = code.partition(":")
    assert fault.find("faultcode").nsmap[prefix] == NS_WSSE  # type: ignore[union-attr]
    return local


def edit(signed: bytes, change: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(signed)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_signed_request_is_accepted(fake: tuple[Post, FakeState], epuap_pki: EpuapPki) -> None:
    post, state = fake
    signed = sign_soap(nadaj(), epuap_pki.system.key, epuap_pki.system.cert)
    resp = post(signed)
    assert resp.status_code == 200, resp.text
    [got] = state.received
    assert got["content"] == DOC and "Urząd Gminy Mełgiew" in got["signer"]
    # the header layout the policy asks for
    root = etree.fromstring(signed)
    security = root.find(f"{{{NS_SOAP}}}Header/{{{NS_WSSE}}}Security")
    assert security is not None and security.get(f"{{{NS_SOAP}}}mustUnderstand") == "1"
    assert [etree.QName(c).localname for c in security] == ["Timestamp", "BinarySecurityToken", "Signature"]
    token = security.find(f"{{{NS_WSSE}}}BinarySecurityToken")
    assert token is not None and base64.b64decode(token.text or "") == epuap_pki.system.cert.public_bytes(
        serialization.Encoding.DER
    )
    refs = [r.get("URI") for r in security.iter(f"{{{NS_DS}}}Reference")]
    body = root.find(f"{{{NS_SOAP}}}Body")
    ts = security.find(f"{{{NS_WSU}}}Timestamp")
    assert body is not None and ts is not None
    assert refs == [f"#{body.get(WSU_ID)}", f"#{ts.get(WSU_ID)}"]
    str_ref = security.find(f".//{{{NS_WSSE}}}SecurityTokenReference/{{{NS_WSSE}}}Reference")
    assert str_ref is not None and str_ref.get("URI") == f"#{token.get(WSU_ID)}"


def test_signature_verifies_with_an_independent_implementation(epuap_pki: EpuapPki) -> None:
    # signxml resolves the wsu:Id references and checks digests + RSA-SHA256 on its own
    signed = sign_soap(nadaj(), epuap_pki.system.key, epuap_pki.system.cert)
    results = XMLVerifier().verify(
        signed,
        x509_cert=epuap_pki.system.cert,
        id_attribute="Id",
        expect_config=SignatureConfiguration(expect_references=2, require_x509=False),
    )
    assert isinstance(results, list) and len(results) == 2
    tampered = signed.replace(b"<nazwaPliku>odpowiedz.xml<", b"<nazwaPliku>podmienione.xml<")
    assert tampered != signed
    with pytest.raises(InvalidDigest):
        XMLVerifier().verify(
            tampered,
            x509_cert=epuap_pki.system.cert,
            id_attribute="Id",
            expect_config=SignatureConfiguration(expect_references=2, require_x509=False),
        )


def test_unsigned_request_is_refused(fake: tuple[Post, FakeState]) -> None:
    post, state = fake
    assert refused_with(post(nadaj())) == "InvalidSecurity"
    assert state.received == []


def test_tampered_body_is_refused(fake: tuple[Post, FakeState], epuap_pki: EpuapPki) -> None:
    post, state = fake
    signed = sign_soap(nadaj(), epuap_pki.system.key, epuap_pki.system.cert)

    def forge(root: etree._Element) -> None:
        doc = root.find(f"{{{NS_SOAP}}}Body/{{{NS_OB}}}Dokument")
        assert doc is not None
        doc.find("zawartosc").text = base64.b64encode(b"<Pismo>inna decyzja</Pismo>").decode()  # type: ignore[union-attr]

    resp = post(edit(signed, forge))
    assert refused_with(resp) == "FailedCheck" and "Body" in resp.text
    assert post(signed).status_code == 200  # the untouched message still passes
    assert len(state.received) == 1 and state.received[0]["content"] == DOC


def test_expired_or_stretched_timestamp_is_refused(fake: tuple[Post, FakeState], epuap_pki: EpuapPki) -> None:
    post, state = fake
    key, cert = epuap_pki.system.key, epuap_pki.system.cert
    old = sign_soap(nadaj(), key, cert, ttl_s=300, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    resp = post(old)
    assert refused_with(resp) == "MessageExpired" and "expired" in resp.text

    def stretch(root: etree._Element) -> None:  # a replay with Expires pushed forward
        expires = root.find(f".//{{{NS_WSU}}}Timestamp/{{{NS_WSU}}}Expires")
        assert expires is not None
        expires.text = "2099-01-01T00:00:00Z"

    assert refused_with(post(edit(old, stretch))) == "FailedCheck"
    future = sign_soap(nadaj(), key, cert, now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10))
    assert refused_with(post(future)) == "MessageExpired"
    assert state.received == []


def test_swapped_token_or_signature_is_refused(fake: tuple[Post, FakeState], epuap_pki: EpuapPki) -> None:
    post, state = fake
    ours = sign_soap(nadaj(), epuap_pki.system.key, epuap_pki.system.cert)
    theirs = sign_soap(nadaj(), epuap_pki.stranger.key, epuap_pki.stranger.cert)
    their_root = etree.fromstring(theirs)

    def put_their_token(root: etree._Element) -> None:  # their certificate, our signature
        mine = root.find(f".//{{{NS_WSSE}}}BinarySecurityToken")
        other = their_root.find(f".//{{{NS_WSSE}}}BinarySecurityToken")
        assert mine is not None and other is not None
        mine.text = other.text

    def put_their_value(root: etree._Element) -> None:
        mine = root.find(f".//{{{NS_DS}}}SignatureValue")
        other = their_root.find(f".//{{{NS_DS}}}SignatureValue")
        assert mine is not None and other is not None
        mine.text = other.text

    assert refused_with(post(edit(ours, put_their_token))) == "FailedCheck"
    assert refused_with(post(edit(ours, put_their_value))) == "FailedCheck"
    # correctly signed, but by a certificate ePUAP does not know for this subject
    assert refused_with(post(theirs)) == "FailedAuthentication"
    assert state.received == []


def test_signature_wrapping_is_refused(fake: tuple[Post, FakeState], epuap_pki: EpuapPki) -> None:
    post, state = fake
    signed = sign_soap(nadaj(), epuap_pki.system.key, epuap_pki.system.cert)

    def wrap(root: etree._Element) -> None:
        # the signed Body hidden in a header (its digest still matches), a forged one in its place
        body = root.find(f"{{{NS_SOAP}}}Body")
        header = root.find(f"{{{NS_SOAP}}}Header")
        assert body is not None and header is not None
        header.append(copy.deepcopy(body))
        body[0].find("nazwaPliku").text = "wyrok.xml"  # type: ignore[union-attr]

    def move_id(root: etree._Element) -> None:
        # same, but the forged Body has no id at all: the signed reference points at the copy
        wrap(root)
        body = root.find(f"{{{NS_SOAP}}}Body")
        assert body is not None
        del body.attrib[WSU_ID]

    resp = post(edit(signed, wrap))
    assert refused_with(resp) == "InvalidSecurity" and "more than once" in resp.text
    resp = post(edit(signed, move_id))
    assert refused_with(resp) == "FailedCheck" and "Body is not covered" in resp.text
    assert state.received == []


def test_verify_reports_one_clear_error(epuap_pki: EpuapPki) -> None:
    signed = sign_soap(nadaj(), epuap_pki.system.key, epuap_pki.system.cert)
    verified = verify_soap(signed, trusted=(epuap_pki.system.cert,))
    assert verified.certificate == epuap_pki.system.cert
    assert (verified.expires - verified.created).total_seconds() == 300
    with pytest.raises(ValueError, match="already has a wsse:Security"):
        sign_soap(signed, epuap_pki.system.key, epuap_pki.system.cert)
    downgraded = signed.replace(b"xmldsig-more#rsa-sha256", b"xmldsig#rsa-sha1")
    with pytest.raises(WsSecurityError, match="SignatureMethod") as exc:
        verify_soap(downgraded)
    assert exc.value.fault == "UnsupportedAlgorithm"
    with pytest.raises(WsSecurityError, match="DOCTYPE"):
        verify_soap(b'<!DOCTYPE x [<!ENTITY a "b">]>' + signed.split(b"?>", 1)[1])


def test_certificate_loading_errors(epuap_pki: EpuapPki) -> None:
    with pytest.raises(ValueError, match="cannot open"):
        load_system_certificate(epuap_pki.p12, "wrong")
    ec_key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(ValueError, match="RSA"):
        sign_soap(nadaj(), ec_key, epuap_pki.system.cert)  # type: ignore[arg-type]
