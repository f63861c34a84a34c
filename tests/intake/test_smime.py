"""S/MIME-signed e-mail: verified with pyHanko's CMS validation, shown on the item."""

from __future__ import annotations

import re

from sqlalchemy import select

from ezd import eml
from ezd.bootstrap import App
from ezd.db.tables import IncomingItem, MetrykaEntry
from ezd.services.actor import system_actor
from ezd.services.mail_intake import register_email
from ezd.signatures.port import Verdict
from ezd.signatures.smime import SmimeVerifier, split_signed
from ezd.workers.inprocess import run_pending
from tests.intake.smime_msgs import make_signer


def test_a_signed_message_verifies_and_a_changed_one_does_not() -> None:
    signer = make_signer()
    msg = signer.sign()
    assert eml.parse_message(msg, max_bytes=10**6).smime_signed
    ok = SmimeVerifier([signer.ca], online=False).verify(msg)
    assert ok.verdict is Verdict.TOTAL_PASSED, ok.reasons
    assert ok.signatures[0].signer_subject and "Jan Kowalski" in ok.signatures[0].signer_subject
    changed = SmimeVerifier([signer.ca], online=False).verify(msg.replace(b"wniosku", b"WNIOSKU"))
    assert changed.verdict is Verdict.TOTAL_FAILED
    # LF line ends (a message saved by a Unix mail tool) are the same signed bytes
    assert (
        SmimeVerifier([signer.ca], online=False).verify(msg.replace(b"\r\n", b"\n")).verdict
        is Verdict.TOTAL_PASSED
    )


def test_an_unknown_signer_is_indeterminate_and_garbage_is_a_verdict() -> None:
    signer = make_signer()
    untrusted = SmimeVerifier([make_signer().ca], online=False).verify(signer.sign())
    assert untrusted.verdict is Verdict.INDETERMINATE
    assert any("NO_CERTIFICATE_CHAIN_FOUND" in r for r in untrusted.reasons)
    msg = signer.sign()
    broken, n = re.subn(rb"(smime\.p7s\"\r\n\r\n)[A-Za-z0-9+/=\r\n]+?(\r\n--)", rb"\1AAAAAAAA\2", msg)
    assert n == 1
    assert SmimeVerifier([signer.ca], online=False).verify(broken).verdict is Verdict.TOTAL_FAILED
    assert split_signed(b"From: a@example.pl\r\nSubject: x\r\n\r\nplain") is None


def test_a_signed_message_goes_through_the_verification_step(seeded_app: App) -> None:
    signer = make_signer()
    with seeded_app.uow() as uow:
        reg = register_email(
            seeded_app.deps(uow.session), system_actor("test"), tenant="ug-melgiew", data=signer.sign()
        )
        uow.commit()
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        item = uow.session.execute(select(IncomingItem).where(IncomingItem.sign == reg.rpw)).scalar_one()
        assert item.document.signed
        # the office does not trust this throw-away CA: verified, and reported as not trusted
        assert item.document.signature_verdict == Verdict.INDETERMINATE.value
        entry = uow.session.execute(
            select(MetrykaEntry).where(
                MetrykaEntry.document_ref == item.document.uid, MetrykaEntry.action == "weryfikacja_podpisu"
            )
        ).scalar_one()
        assert "Jan Kowalski" in str(entry.details["signers"])
