"""Bad input gets one clear error and nothing is stored or numbered."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ezd.bootstrap import App
from ezd.db.tables import Counter, Document, IncomingItem
from ezd.records.errors import InvalidInput, PermissionDenied
from ezd.records.jrwa import NotALeafClass, UnknownJrwaSymbol
from ezd.services import cases, intake
from ezd.workers.inprocess import run_pending
from tests.helpers import actor, letter

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd"><d/>"""
QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "' + b"A" * 50_000 + b'">]><d>' + b"&a;" * 1000 + b"</d>"
)
DEEP = b"<a>" * 5000 + b"</a>" * 5000


def _nothing_stored(app: App) -> None:
    with app.uow() as uow:
        s = uow.session
        assert s.execute(select(func.count()).select_from(IncomingItem)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Document)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Counter).where(Counter.last > 0)).scalar_one() == 0
    assert list(app.store.iter_digests()) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<pismo><nadawca>Jan</pismo>", "malformed XML"),
        (XXE, "DOCTYPE"),
        (BILLION_LAUGHS, "DOCTYPE"),
        (EXTERNAL_DTD, "DOCTYPE"),
        (QUADRATIC, "DOCTYPE"),
        (DEEP, "(nesting|depth)"),
        (b"<?xml version='1.0'?><wniosek><tytul>x</tytul></wniosek>", "not an ePUAP form"),
        (b"", "empty"),
    ],
)
def test_hostile_xml_rejected(seeded_app: App, data: bytes, message: str) -> None:
    kanc = actor(seeded_app, "sw.kancelaria")
    with seeded_app.uow() as uow, pytest.raises(InvalidInput, match=message):
        intake.register_incoming(
            seeded_app.deps(uow.session), kanc, tenant="sp-swidnik", data=data, filename="x.xml"
        )
    _nothing_stored(seeded_app)


def test_oversize_rejected_before_parsing(seeded_app: App) -> None:
    limit = seeded_app.settings.max_upload_bytes
    data = b"<a>" + b"x" * limit + b"</a>"
    kanc = actor(seeded_app, "sw.kancelaria")
    with seeded_app.uow() as uow, pytest.raises(InvalidInput, match="limit"):
        intake.register_incoming(
            seeded_app.deps(uow.session), kanc, tenant="sp-swidnik", data=data, filename="x.xml"
        )
    _nothing_stored(seeded_app)


def test_only_kancelaria_registers(seeded_app: App) -> None:
    referent = actor(seeded_app, "sw.referent")
    other_office = actor(seeded_app, "mg.kancelaria")
    for who in (referent, other_office):
        with seeded_app.uow() as uow, pytest.raises(PermissionDenied):
            intake.register_incoming(
                seeded_app.deps(uow.session), who, tenant="sp-swidnik", data=letter(1), filename="x.xml"
            )
    _nothing_stored(seeded_app)


def _registered_and_assigned(app: App) -> str:
    kanc, boss = actor(app, "sw.kancelaria"), actor(app, "sw.kierownik")
    with app.uow() as uow:
        reg = intake.register_incoming(
            app.deps(uow.session), kanc, tenant="sp-swidnik", data=letter(3), filename="a.xml"
        )
        uow.commit()
    run_pending(app)
    with app.uow() as uow:
        intake.decree(app.deps(uow.session), kanc, tenant="sp-swidnik", rpw=reg.sign, unit="OR")
        uow.commit()
    with app.uow() as uow:
        intake.assign_referent(
            app.deps(uow.session), boss, tenant="sp-swidnik", rpw=reg.sign, referent="sw.referent"
        )
        uow.commit()
    return reg.sign


@pytest.mark.parametrize(("symbol", "error"), [("9999", UnknownJrwaSymbol), ("01", NotALeafClass)])
def test_unknown_or_non_leaf_jrwa(seeded_app: App, symbol: str, error: type[Exception]) -> None:
    rpw = _registered_and_assigned(seeded_app)
    ref = actor(seeded_app, "sw.referent")
    with seeded_app.uow() as uow, pytest.raises(error, match=symbol):
        cases.case_decision(seeded_app.deps(uow.session), ref, tenant="sp-swidnik", rpw=rpw, jrwa=symbol)
    # the referent can still decide: the task was not consumed
    with seeded_app.uow() as uow:
        cases.case_decision(seeded_app.deps(uow.session), ref, tenant="sp-swidnik", rpw=rpw, jrwa="0122")
        uow.commit()


def test_head_of_other_unit_cannot_assign(seeded_app: App) -> None:
    kanc = actor(seeded_app, "sw.kancelaria")
    with seeded_app.uow() as uow:
        reg = intake.register_incoming(
            seeded_app.deps(uow.session), kanc, tenant="sp-swidnik", data=letter(4), filename="a.xml"
        )
        uow.commit()
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        intake.decree(seeded_app.deps(uow.session), kanc, tenant="sp-swidnik", rpw=reg.sign, unit="GK")
        uow.commit()
    boss_or = actor(seeded_app, "sw.kierownik")  # head of OR, not GK
    with seeded_app.uow() as uow, pytest.raises(PermissionDenied, match="GK"):
        intake.assign_referent(
            seeded_app.deps(uow.session), boss_or, tenant="sp-swidnik", rpw=reg.sign, referent="sw.referent"
        )


def test_attachment_smuggled_into_signed_letter_is_not_extracted(seeded_app: App) -> None:
    from ezd.db.tables import Attachment
    from ezd.signatures.pkcs12 import Pkcs12Signer

    keys = seeded_app.settings.keys_dir
    signer = Pkcs12Signer(keys / "resident.p12", (keys / "eseal.password").read_text().strip().encode())
    signed = signer.sign_enveloped(letter(8))
    smuggled = signed.replace(
        b"</str:Zalaczniki>",
        b'<str:Zalacznik format="text/plain" kodowanie="base64" nazwaPliku="przemyt.txt">'
        b"<str:DaneZalacznika>UFJaRU1ZVA==</str:DaneZalacznika></str:Zalacznik></str:Zalaczniki>",
    )
    assert smuggled != signed
    kanc = actor(seeded_app, "sw.kancelaria")
    with seeded_app.uow() as uow:
        intake.register_incoming(
            seeded_app.deps(uow.session), kanc, tenant="sp-swidnik", data=smuggled, filename="s.xml"
        )
        uow.commit()
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        names = set(uow.session.execute(select(Attachment.filename)).scalars())
        verdict = uow.session.execute(select(Document.signature_verdict)).scalar_one()
    assert verdict == "TOTAL-FAILED"
    assert "przemyt.txt" not in names and not any(n.startswith("uzasadnienie") for n in names)
