"""Dispatch adapters against local fakes on 127.0.0.1 (ePUAP SOAP, e-Doręczenia REST) and files (post)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from ezd.channels.edoreczenia import EDoreczeniaChannel
from ezd.channels.epuap import EpuapSecurityRejected, EpuapSkrytkaChannel
from ezd.channels.factory import build_channels
from ezd.channels.outbox import OutboxChannel
from ezd.channels.port import ChannelUnavailable, DispatchChannel, DispatchRejected, Envelope
from ezd.channels.post import BOOK, PostChannel
from ezd.config import Settings
from tests.channels.conftest import P12_PASSWORD, EpuapPki
from tests.channels.fakes import FakeState, edoreczenia_handler, epuap_handler, serve

DOC = "<Pismo xmlns='urn:ezd:test'>Odpowiedź &amp; decyzja</Pismo>".encode()
ADE_OFFICE = "AE:PL-12345-67890-ABCDE-12"
ADE_RESIDENT = "AE:PL-51020-54829-BGHRC-30"


def envelope(**kw: object) -> Envelope:
    base: dict[str, object] = {
        "tenant": "ug-melgiew",
        "case_sign": "OR.0122.1.2025",
        "outgoing_sign": "RPWYCH/1/2025",
        "addressee": "Jan Kowalski",
        "address": "21-007 Mełgiew, ul. Lubelska 5",
        "document": DOC,
        "filename": "odpowiedz.xml",
        "idempotency_key": "ug-melgiew/doc-1/abc",
    }
    base.update(kw)
    return Envelope(**base)  # type: ignore[arg-type]


@pytest.fixture()
def epuap(epuap_pki: EpuapPki) -> Iterator[tuple[EpuapSkrytkaChannel, FakeState]]:
    state = FakeState(boxes={"/jkowalski/skrytka"}, registered=(epuap_pki.system.cert,))
    with serve(epuap_handler(state)) as url:
        ch = EpuapSkrytkaChannel(
            f"{url}/skrytka",
            podmiot="ugmelgiew",
            reply_box="/ugmelgiew/skrytka",
            credentials=epuap_pki.system,
        )
        yield ch, state
        ch.close()


@pytest.fixture()
def edor() -> Iterator[tuple[EDoreczeniaChannel, FakeState]]:
    state = FakeState(boxes={ADE_RESIDENT})
    with serve(edoreczenia_handler(state)) as url:
        ch = EDoreczeniaChannel(
            f"{url}/api",
            sender_address=ADE_OFFICE,
            token_url=f"{url}/token",
            client_id="ezd",
            client_secret="s3cret",
        )
        yield ch, state
        ch.close()


def test_all_adapters_satisfy_the_port(tmp_path: Path, epuap_pki: EpuapPki) -> None:
    for ch in (
        EpuapSkrytkaChannel(
            "http://127.0.0.1:9/x", podmiot="p", reply_box="/r", credentials=epuap_pki.system
        ),
        EDoreczeniaChannel(
            "http://127.0.0.1:9", sender_address=ADE_OFFICE, token_url="t", client_id="c", client_secret="s"
        ),
        PostChannel(tmp_path),
        OutboxChannel("epuap", tmp_path),
    ):
        assert isinstance(ch, DispatchChannel)


# --- ePUAP ------------------------------------------------------------------------------------


def test_epuap_delivers_to_box(epuap: tuple[EpuapSkrytkaChannel, FakeState]) -> None:
    ch, state = epuap
    receipt = ch.send(envelope(electronic_address="/jkowalski/skrytka"))
    assert receipt.channel == "epuap" and receipt.message_id
    assert receipt.evidence == f"UPP-{receipt.message_id}"
    [got] = state.received
    assert got["content"] == DOC  # byte-exact through base64
    assert got["box"] == "/jkowalski/skrytka" and got["reply"] == "/ugmelgiew/skrytka"
    assert got["case"] == "OR.0122.1.2025" and got["filename"] == "odpowiedz.xml"
    assert "Urząd Gminy Mełgiew" in got["signer"]  # the fake verified our WS-Security signature


def test_epuap_idempotent_retry(epuap: tuple[EpuapSkrytkaChannel, FakeState]) -> None:
    ch, _ = epuap
    env = envelope(electronic_address="/jkowalski/skrytka")
    assert ch.send(env).message_id == ch.send(env).message_id


def test_epuap_unknown_box_is_rejected(epuap: tuple[EpuapSkrytkaChannel, FakeState]) -> None:
    ch, state = epuap
    with pytest.raises(DispatchRejected, match="nie istnieje"):
        ch.send(envelope(electronic_address="/nobody/skrytka"))
    with pytest.raises(DispatchRejected, match="box address"):
        ch.send(envelope(electronic_address=None))
    assert state.received == []


def test_epuap_outage_is_transient(epuap: tuple[EpuapSkrytkaChannel, FakeState]) -> None:
    ch, state = epuap
    state.fail_next = 1
    with pytest.raises(ChannelUnavailable):
        ch.send(envelope(electronic_address="/jkowalski/skrytka"))
    assert ch.send(envelope(electronic_address="/jkowalski/skrytka")).message_id


def test_epuap_signature_refusals_are_clear_errors(epuap_pki: EpuapPki) -> None:
    state = FakeState(boxes={"/jkowalski/skrytka"}, registered=(epuap_pki.system.cert,))
    with serve(epuap_handler(state)) as url:
        stranger = EpuapSkrytkaChannel(
            f"{url}/skrytka", podmiot="p", reply_box="/r", credentials=epuap_pki.stranger
        )
        with pytest.raises(EpuapSecurityRejected, match=r"wsse:FailedAuthentication.*EZD_EPUAP_CERT_P12"):
            stranger.send(envelope(electronic_address="/jkowalski/skrytka"))
        # our clock 10 minutes behind ePUAP's: the 5-minute Timestamp has expired on arrival
        late = EpuapSkrytkaChannel(
            f"{url}/skrytka",
            podmiot="p",
            reply_box="/r",
            credentials=epuap_pki.system,
            clock=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10),
        )
        with pytest.raises(EpuapSecurityRejected, match="wsse:MessageExpired") as exc:
            late.send(envelope(electronic_address="/jkowalski/skrytka"))
        assert isinstance(exc.value, ChannelUnavailable)  # retried, not sent back to the referent
        for ch in (stranger, late):
            ch.close()
    assert state.refused == ["FailedAuthentication", "MessageExpired"] and state.received == []


def test_epuap_unreachable(epuap_pki: EpuapPki) -> None:
    ch = EpuapSkrytkaChannel(
        "http://127.0.0.1:9/skrytka", podmiot="p", reply_box="/r", timeout=2, credentials=epuap_pki.system
    )
    with pytest.raises(ChannelUnavailable):
        ch.send(envelope(electronic_address="/jkowalski/skrytka"))


# --- e-Doręczenia ----------------------------------------------------------------------------


def test_edoreczenia_submits_message(edor: tuple[EDoreczeniaChannel, FakeState]) -> None:
    ch, state = edor
    receipt = ch.send(envelope(electronic_address=ADE_RESIDENT))
    [got] = state.received
    assert got["id"] == receipt.message_id
    assert got["sender"] == ADE_OFFICE and got["recipient"] == ADE_RESIDENT
    assert got["content"] == DOC and got["filename"] == "odpowiedz.xml"
    assert got["meta"]["reference"]["caseSign"] == "OR.0122.1.2025"
    # the token is reused, a retry with the same key is the same message
    assert ch.send(envelope(electronic_address=ADE_RESIDENT)).message_id == receipt.message_id
    assert state.token_requests == 1


def test_edoreczenia_refreshes_expired_token(edor: tuple[EDoreczeniaChannel, FakeState]) -> None:
    ch, state = edor
    ch.send(envelope(electronic_address=ADE_RESIDENT))
    state.expire_tokens = True
    ch.send(envelope(electronic_address=ADE_RESIDENT, idempotency_key="k2"))
    assert state.token_requests == 2 and len(state.received) == 2


def test_edoreczenia_rejections_and_outage(edor: tuple[EDoreczeniaChannel, FakeState]) -> None:
    ch, state = edor
    with pytest.raises(DispatchRejected, match="valid e-Doręczenia address"):
        ch.send(envelope(electronic_address="jan@example.org"))
    with pytest.raises(DispatchRejected, match="HTTP 404"):
        ch.send(envelope(electronic_address="AE:PL-99999-99999-ZZZZZ-99"))
    state.fail_next = 1
    with pytest.raises(ChannelUnavailable, match="503"):
        ch.send(envelope(electronic_address=ADE_RESIDENT))
    assert state.received == []


def test_edoreczenia_bad_credentials() -> None:
    state = FakeState(boxes={ADE_RESIDENT})
    with serve(edoreczenia_handler(state)) as url:
        ch = EDoreczeniaChannel(
            f"{url}/api",
            sender_address=ADE_OFFICE,
            token_url=f"{url}/token",
            client_id="ezd",
            client_secret="x",
        )
        with pytest.raises(ChannelUnavailable, match="token"):
            ch.send(envelope(electronic_address=ADE_RESIDENT))


# --- post -------------------------------------------------------------------------------------


def test_post_label_and_book(tmp_path: Path) -> None:
    ch = PostChannel(tmp_path, sender="Urząd Gminy Mełgiew")
    r1 = ch.send(envelope(addressee="Jan <Kowalski>"))
    ch.send(envelope(addressee="Jan <Kowalski>"))  # retry: not booked twice
    ch.send(envelope(idempotency_key="other", addressee="Anna Nowak", address="21-040 Świdnik, ul. Okrzei 2"))
    [day] = [d for d in tmp_path.iterdir() if d.is_dir()]
    label = (day / f"{r1.message_id}.koperta.html").read_text()
    assert "Jan &lt;Kowalski&gt;" in label and "<Kowalski>" not in label
    assert "21-007 Mełgiew" in label
    assert (day / f"{r1.message_id}.xml").read_bytes() == DOC
    with (day / BOOK).open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0][0] == "Lp." and [r[0] for r in rows[1:]] == ["1", "2"]
    assert rows[2][1] == "Anna Nowak"


def test_post_needs_postal_address(tmp_path: Path) -> None:
    ch = PostChannel(tmp_path)
    with pytest.raises(DispatchRejected):
        ch.send(envelope(address=None))
    with pytest.raises(DispatchRejected, match="postal code"):
        ch.send(envelope(address="Mełgiew"))


# --- selection by settings ------------------------------------------------------------------------


def test_factory_defaults_to_outbox(tmp_path: Path, epuap_pki: EpuapPki) -> None:
    chans = build_channels(Settings(home=tmp_path), tmp_path)
    assert all(isinstance(c, OutboxChannel) for c in chans.values())
    configured = build_channels(
        Settings(
            home=tmp_path,
            epuap_url="http://127.0.0.1:9/skrytka",
            epuap_podmiot="p",
            epuap_reply_box="/r",
            epuap_cert_p12=epuap_pki.p12,
            epuap_cert_password=P12_PASSWORD,  # type: ignore[arg-type]
            edoreczenia_url="http://127.0.0.1:9/api",
            edoreczenia_sender=ADE_OFFICE,
            edoreczenia_token_url="http://127.0.0.1:9/token",
            edoreczenia_client_id="c",
            edoreczenia_client_secret="s",  # type: ignore[arg-type]
            post_dir=tmp_path / "post",
        ),
        tmp_path,
    )
    epuap = configured["epuap"]
    assert isinstance(epuap, EpuapSkrytkaChannel) and epuap.credentials.cert == epuap_pki.system.cert
    assert isinstance(configured["e-doreczenia"], EDoreczeniaChannel)
    assert isinstance(configured["poczta"], PostChannel)


def test_factory_needs_the_epuap_certificate(tmp_path: Path, epuap_pki: EpuapPki) -> None:
    epuap = {"home": tmp_path, "epuap_url": "http://127.0.0.1:9/skrytka", "epuap_podmiot": "p"}
    with pytest.raises(ValueError, match="EZD_EPUAP_CERT_P12"):
        build_channels(Settings(**epuap), tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot open the ePUAP system certificate"):
        build_channels(
            Settings(**epuap, epuap_cert_p12=epuap_pki.p12, epuap_cert_password="wrong"),  # type: ignore[arg-type]
            tmp_path,
        )
    with pytest.raises(ValueError, match="cannot read"):
        build_channels(Settings(**epuap, epuap_cert_p12=tmp_path / "none.p12"), tmp_path)  # type: ignore[arg-type]
