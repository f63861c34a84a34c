"""The art. 36 notice goes out like a reply: sealed, in the outgoing register, through the
channel, its receipt recorded on its own register entry; the reply's receipt still closes the case
(embedded engine)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ezd.bootstrap import App
from ezd.clock import office_today
from ezd.db.tables import CaseFile, Document, MetrykaEntry, OutgoingItem
from ezd.demo import letters
from ezd.services import case_terms, cases, notice_dispatch, outgoing
from ezd.workers.inprocess import run_pending
from tests.helpers import actor
from tests.test_kpa_terms import TENANT, open_case


def _actions(app: App, sign: str) -> list[str]:
    with app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        q = select(MetrykaEntry.action).where(MetrykaEntry.case_id == case.id).order_by(MetrykaEntry.seq)
        return [a for a in uow.session.execute(q).scalars() if a != "przypomnienie_o_terminie"]


def test_the_extension_notice_is_sealed_registered_sent_and_its_receipt_recorded(seeded_app: App) -> None:
    sign = open_case(seeded_app, 71, received=None)
    ref = actor(seeded_app, "sw.referent")
    with seeded_app.uow() as uow:
        notice = case_terms.extend(
            seeded_app.deps(uow.session),
            ref,
            tenant=TENANT,
            case_sign=sign,
            until=office_today() + timedelta(days=20),
            reason="opinia biegłego",
        )
        uow.commit()
    with seeded_app.uow() as uow:
        deps = seeded_app.deps(uow.session)
        out = notice_dispatch.send_notice(
            deps,
            tenant=TENANT,
            case_sign=sign,
            document_uid=notice.notice_document,
            channel="poczta",
            actor_login="t",
        )
        again = notice_dispatch.send_notice(
            deps,
            tenant=TENANT,
            case_sign=sign,
            document_uid=notice.notice_document,
            channel="poczta",
            actor_login="t",
        )
        uow.commit()
    assert out == again and out.startswith("RPWYCH/")
    with seeded_app.uow() as uow:
        doc = uow.session.execute(select(Document).where(Document.uid == notice.notice_document)).scalar_one()
        sealed = seeded_app.deps(uow.session).store.get(doc.versions[-1].sha256)
        entries = (
            uow.session.execute(select(OutgoingItem).where(OutgoingItem.document_id == doc.id))
            .scalars()
            .all()
        )
        assert doc.signed and doc.status == "dispatched" and len(entries) == 1
        assert b"Signature" in sealed and "ZAWIADOMIENIE" in sealed.decode()
        assert entries[0].channel == "poczta" and entries[0].channel_message_id

    with seeded_app.uow() as uow:
        notice_dispatch.confirm_notice_delivery(
            seeded_app.deps(uow.session),
            tenant=TENANT,
            outgoing_sign=out,
            receipt_ref="ZPO-1",
            actor_login="t",
        )
        uow.commit()

    # the reply goes out and its own receipt closes the case; the notice's entry is untouched
    reply = letters.reply_letter(
        "Starostwo Powiatowe w Świdniku", sign, "Jan Kowalski", "pismo", date.today()
    )
    with seeded_app.uow() as uow:
        cases.submit_draft(
            seeded_app.deps(uow.session), ref, tenant=TENANT, case_sign=sign, content=reply, filename="o.xml"
        )
        uow.commit()
    with seeded_app.uow() as uow:
        cases.decide_approval(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kierownik"),
            tenant=TENANT,
            case_sign=sign,
            approved=True,
        )
        uow.commit()
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        outgoing.confirm_delivery(
            seeded_app.deps(uow.session), tenant=TENANT, case_sign=sign, receipt_ref="UPD-2", actor_login="t"
        )
        uow.commit()
    run_pending(seeded_app)
    with seeded_app.uow() as uow:
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        rows = (
            uow.session.execute(select(OutgoingItem).where(OutgoingItem.case_id == case.id)).scalars().all()
        )
        assert case.state == "closed" and len(rows) == 2 and all(r.delivered_at for r in rows)
    acts = _actions(seeded_app, sign)
    assert acts[acts.index("przedluzenie_terminu") :][:3] == [
        "przedluzenie_terminu",
        "wysylka_zawiadomienia",
        "potwierdzenie_doreczenia_zawiadomienia",
    ]
    assert acts[-3:] == ["wysylka", "potwierdzenie_doreczenia", "zakonczenie_sprawy"]
