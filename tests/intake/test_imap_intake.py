"""The office's IMAP mailbox against a real Dovecot: each message one RPW item, exactly once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import Attachment, IncomingItem, MetrykaEntry
from ezd.jobs.mailbox import REFUSED, MailboxUnavailable, poll
from ezd.services.actor import system_actor
from ezd.services.mail_intake import configure
from ezd.workers.inprocess import run_pending
from tests.conftest import seed_and_deploy
from tests.infra.dovecot import DovecotServer, ImapAccount
from tests.intake.mails import MALFORMED, letter

OFFICE = "ug-melgiew"


def _deliver(account: ImapAccount, *messages: bytes) -> None:
    with IMAPClient(account.host, port=account.port, ssl=False) as c:
        c.login(account.user, account.password)
        for m in messages:
            c.append("INBOX", m)


def _flags(account: ImapAccount) -> list[tuple[bytes, ...]]:
    with IMAPClient(account.host, port=account.port, ssl=False) as c:
        c.login(account.user, account.password)
        c.select_folder("INBOX", readonly=True)
        got = c.fetch(c.search(["ALL"]), ["FLAGS"])
        return [tuple(sorted(got[uid][b"FLAGS"])) for uid in sorted(got)]


def _setup(app: App, account: ImapAccount) -> None:
    with app.uow() as uow:
        configure(
            uow.session,
            app.settings,
            system_actor("test"),
            office=OFFICE,
            host=account.host,
            port=account.port,
            username=account.user,
            security="none",
            password=account.password,
        )
        uow.commit()


def _items(app: App) -> list[IncomingItem]:
    with app.uow() as uow:
        rows = uow.session.execute(select(IncomingItem).where(IncomingItem.channel == "email")).scalars()
        items = list(rows)
        uow.session.expunge_all()
        return items


@pytest.fixture
def mail_app(seeded_app: App, imap_account: ImapAccount) -> Iterator[App]:
    _setup(seeded_app, imap_account)
    yield seeded_app


def test_each_message_becomes_one_item_with_its_body_and_attachments(
    mail_app: App, imap_account: ImapAccount
) -> None:
    pdf = b"%PDF-1.4\n% wniosek\n"
    _deliver(
        imap_account,
        letter(subject="Wniosek o wycinkę drzewa", attachments=(("mapa.pdf", "application/pdf", pdf),)),
        letter(sender="Anna Nowak <anna@example.pl>", subject="Skarga", message_id="<skarga-1@example.pl>"),
        # the same message delivered twice (a copy, a resend by the mail server)
        letter(sender="Anna Nowak <anna@example.pl>", subject="Skarga", message_id="<skarga-1@example.pl>"),
    )
    result = poll(mail_app, OFFICE)
    assert len(result.registered) == 2 and len(result.already) == 1 and not result.refused
    run_pending(mail_app)
    items = {i.title: i for i in _items(mail_app)}
    assert set(items) == {"Wniosek o wycinkę drzewa", "Skarga"}
    assert items["Skarga"].sender == "Anna Nowak" and items["Skarga"].sender_id == "anna@example.pl"
    with mail_app.uow() as uow:
        doc_id = uow.session.execute(
            select(IncomingItem.document_id).where(
                IncomingItem.sign == items["Wniosek o wycinkę drzewa"].sign
            )
        ).scalar_one()
        files = {
            a.filename: a
            for a in uow.session.execute(select(Attachment).where(Attachment.document_id == doc_id)).scalars()
        }
        assert set(files) == {"tresc-wiadomosci.txt", "mapa.pdf"}
        import hashlib

        assert files["mapa.pdf"].sha256 == hashlib.sha256(pdf).hexdigest()
        assert mail_app.store.get(files["mapa.pdf"].sha256) == pdf
        version = (
            uow.session.execute(select(IncomingItem).where(IncomingItem.document_id == doc_id))
            .scalar_one()
            .document.versions[0]
        )
        assert version.media_type == "message/rfc822" and version.filename.endswith(".eml")
    # every message is read now, and a second poll registers nothing
    assert all(b"\\Seen" in f for f in _flags(imap_account))
    again = poll(mail_app, OFFICE)
    assert not again.registered and not again.already


def test_a_malformed_or_oversize_message_is_refused_kept_unread_and_logged(
    mail_app: App, imap_account: ImapAccount
) -> None:
    mail_app.settings.max_upload_bytes = 200_000
    _deliver(
        imap_account,
        MALFORMED,
        letter(attachments=(("duzy.bin", "application/octet-stream", b"\1" * 300_000),)),
        letter(subject="Dobra"),
    )
    result = poll(mail_app, OFFICE)
    assert len(result.registered) == 1 and len(result.refused) == 2
    reasons = " ".join(r for _, r in result.refused)
    assert "malformed" in reasons and "the limit is 200000" in reasons
    flags = _flags(imap_account)
    assert [REFUSED in f for f in flags] == [True, True, False]
    assert [b"\\Seen" in f for f in flags] == [False, False, True]  # refused mail stays unread
    with mail_app.uow() as uow:
        logged = (
            uow.session.execute(select(MetrykaEntry).where(MetrykaEntry.action == "odrzucenie_wiadomosci"))
            .scalars()
            .all()
        )
        assert len(logged) == 2 and "broken-1@example.pl" in str(logged[0].details)
    # refused messages are not tried again
    assert poll(mail_app, OFFICE).refused == []


def test_a_crash_between_commit_and_seen_registers_nothing_twice(
    mail_app: App, imap_account: ImapAccount
) -> None:
    _deliver(imap_account, letter(subject="Pierwsza"), letter(subject="Druga"))

    class Crash(Exception):
        pass

    def crash(uid: int) -> None:
        raise Crash(uid)

    with pytest.raises(Crash):
        poll(mail_app, OFFICE, after_commit=crash)
    assert [i.title for i in _items(mail_app)] == ["Pierwsza"]
    assert not any(b"\\Seen" in f for f in _flags(imap_account))  # nothing marked read yet
    result = poll(mail_app, OFFICE)
    assert result.already == [_items(mail_app)[0].sign] and len(result.registered) == 1
    assert sorted(i.title for i in _items(mail_app)) == ["Druga", "Pierwsza"]
    numbers = sorted(i.number for i in _items(mail_app))
    assert numbers == list(range(numbers[0], numbers[0] + 2))  # gapless


def test_the_mail_server_restarting_between_polls_loses_nothing(
    mail_app: App, imap_account: ImapAccount, dovecot: DovecotServer
) -> None:
    _deliver(imap_account, letter(subject="Przed restartem"))
    assert len(poll(mail_app, OFFICE).registered) == 1
    _deliver(imap_account, letter(subject="W czasie restartu"))
    dovecot.stop(remove=False)
    try:
        with pytest.raises(MailboxUnavailable, match="cannot be reached"):
            poll(mail_app, OFFICE)
    finally:
        dovecot.restart()
    result = poll(mail_app, OFFICE)
    assert len(result.registered) == 1
    assert sorted(i.title for i in _items(mail_app)) == ["Przed restartem", "W czasie restartu"]


def test_a_wrong_password_is_one_clear_error(mail_app: App, imap_account: ImapAccount) -> None:
    from ezd.services.mail_intake import password_path

    password_path(mail_app.settings, OFFICE).write_text("zle-haslo")
    with pytest.raises(MailboxUnavailable, match="refused the login"):
        poll(mail_app, OFFICE)


def test_on_postgresql_too(pg_app: App, imap_account: ImapAccount) -> None:
    seed_and_deploy(pg_app)
    _setup(pg_app, imap_account)
    _deliver(imap_account, letter(subject="Na PostgreSQL", message_id="<pg-1@example.pl>"))
    _deliver(imap_account, letter(subject="Na PostgreSQL", message_id="<pg-1@example.pl>"))
    result = poll(pg_app, OFFICE)
    assert len(result.registered) == 1 and len(result.already) == 1
    run_pending(pg_app)
    assert [i.title for i in _items(pg_app)] == ["Na PostgreSQL"]
