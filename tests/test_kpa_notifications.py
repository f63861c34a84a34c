"""Notifications: the in-app inbox (new task, returned draft, deadline in 3 days, overdue case
escalated to the head) and e-mail over SMTP, tested against a real aiosmtpd server on loopback."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from ezd.bootstrap import App, bootstrap
from ezd.clock import office_today
from ezd.db.tables import CaseFile, User
from ezd.db.tables_kpa import Notification
from ezd.mailer import send_pending
from ezd.services import notifications
from tests.conftest import make_settings
from tests.helpers import actor
from tests.test_kpa_approval import _submit
from tests.test_kpa_registration import ezd
from tests.test_kpa_terms import TENANT, open_case


class Collect:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Collect]]:
    with socket.socket() as s:  # a free loopback port for this test
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def _with_mail(app: App, port: int, **extra: object) -> App:
    settings = make_settings(
        app.settings.home, smtp_host="127.0.0.1", smtp_port=port, smtp_from="ezd@sp-swidnik.test", **extra
    )
    return bootstrap(settings)


def _inbox(app: App, login: str) -> list[notifications.InboxMessage]:
    with app.uow() as uow:
        messages = notifications.inbox(uow.session, actor(app, login), tenant=TENANT)
        uow.commit()
    return messages


def test_inbox_escalation_and_one_email_per_message(seeded_app: App, smtp: tuple[int, Collect]) -> None:
    port, got = smtp
    sign = open_case(seeded_app, 71, received=date(2026, 10, 11))  # deadline 12.11.2026: long past
    assert [m.kind for m in _inbox(seeded_app, "sw.referent")] == ["task"]  # the item assigned
    _submit(seeded_app, sign, "sw.referent")
    [for_head] = [m for m in _inbox(seeded_app, "sw.kierownik") if m.kind == "task"]
    assert (
        for_head.ref == sign and "czeka na akceptację" in for_head.text and for_head.label == "Nowe zadanie"
    )
    with seeded_app.uow() as uow:
        from ezd.services import cases

        cases.decide_approval(
            seeded_app.deps(uow.session),
            actor(seeded_app, "sw.kierownik"),
            tenant=TENANT,
            case_sign=sign,
            approved=False,
            comment="Proszę dodać podstawę prawną.",
        )
        uow.commit()
    returned = [m for m in _inbox(seeded_app, "sw.referent") if m.kind == "returned"]
    assert returned and "podstawę prawną" in returned[0].text

    today = office_today()
    assert seeded_app.jobs.deadline_reminders(as_of=today)["notified"] == 2  # referent + head
    assert seeded_app.jobs.deadline_reminders(as_of=today)["notified"] == 0  # a second scan repeats nothing
    [overdue] = [m for m in _inbox(seeded_app, "sw.referent") if m.kind == "overdue"]
    [escalated] = [m for m in _inbox(seeded_app, "sw.kierownik") if m.kind == "escalation"]
    assert "12.11.2026" in overdue.text and sign in escalated.text and "po terminie" in escalated.text

    with seeded_app.uow() as uow:
        uow.session.execute(
            update(User).where(User.login == "sw.referent").values(email="piotr@sp-swidnik.test")
        )
        uow.commit()
    mailing = _with_mail(seeded_app, port)
    run = send_pending(mailing)
    referent_msgs = [m for m in _inbox(seeded_app, "sw.referent")]
    assert run.failed == 0 and run.emails == run.messages == len(referent_msgs) == len(got.messages)
    subjects = sorted(str(m["Subject"]) for m in got.messages)
    assert (
        f"[EZD] Termin minął: {sign}" in subjects and f"[EZD] Projekt zwrócony do poprawy: {sign}" in subjects
    )
    assert all(m["To"] == "piotr@sp-swidnik.test" for m in got.messages)
    body = next(m for m in got.messages if "Termin minął" in str(m["Subject"])).get_content()
    assert "12.11.2026" in body
    assert send_pending(mailing).emails == 0  # sent once
    mailing.db.dispose()
    seeded_app.db.dispose()
    out = ezd(
        seeded_app.settings.home, "inbox", "-t", TENANT, "--as", "sw.kierownik", "--json", "--mark-read"
    )
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert {m["kind"] for m in shown} == {"task", "escalation"} and not any(m["read"] for m in shown)
    again = json.loads(
        ezd(
            seeded_app.settings.home, "inbox", "-t", TENANT, "--as", "sw.kierownik", "--unread", "--json"
        ).stdout
    )
    assert again == []


def test_daily_digest_and_a_server_that_is_down(seeded_app: App, smtp: tuple[int, Collect]) -> None:
    port, got = smtp
    sign = open_case(seeded_app, 72, received=None)
    with seeded_app.uow() as uow:
        uow.session.execute(
            update(User).where(User.login == "sw.referent").values(email="piotr@sp-swidnik.test")
        )
        case = uow.session.execute(select(CaseFile).where(CaseFile.sign == sign)).scalar_one()
        case.deadline = office_today() + timedelta(days=2)  # due in two days
        uow.commit()
    seeded_app.jobs.deadline_reminders()
    [soon] = [m for m in _inbox(seeded_app, "sw.referent") if m.kind == "due_soon"]
    assert "termin załatwienia" in soon.text

    down = _with_mail(seeded_app, port + 1 if port < 65535 else port - 1)  # nobody listens there
    assert send_pending(down).failed == 2 and not got.messages
    down.db.dispose()

    digest = _with_mail(seeded_app, port, smtp_digest=True)
    assert send_pending(digest).emails == 0  # the regular run waits for the daily one
    run = digest.jobs.mail_digest()
    assert run == {"emails": 1, "messages": 2, "failed": 0}
    [mail] = got.messages
    assert str(mail["Subject"]) == "[EZD] Podsumowanie dnia: 2 powiadomień"
    text = mail.get_content()
    assert "Zbliża się termin" in text and "Nowe zadanie" in text
    with seeded_app.uow() as uow:
        assert all(
            n.emailed_at
            for n in uow.session.execute(select(Notification)).scalars()
            if n.user_id == case.referent_id
        )
    digest.db.dispose()
