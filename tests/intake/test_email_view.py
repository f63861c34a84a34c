"""An e-mail item on screen: read as a letter (sender, subject, date, text), HTML shown as text."""

from __future__ import annotations

from sqlalchemy import select

from ezd.bootstrap import App
from ezd.db.tables import IncomingItem
from ezd.services.actor import system_actor
from ezd.services.letter_view import document_view
from ezd.services.mail_intake import register_email
from tests.intake.mails import letter


def test_an_email_is_shown_as_a_letter_and_html_only_as_its_text(seeded_app: App) -> None:
    html_only = (
        b"From: Urz\xc4\x85d Skarbowy <us@example.gov.pl>\r\nTo: kancelaria@ug-melgiew.pl\r\n"
        b"Subject: Informacja\r\nMessage-ID: <html-1@example.pl>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Uprzejmie informujemy</p><script>alert(1)</script>"
    )
    actor = system_actor("test")
    with seeded_app.uow() as uow:
        deps = seeded_app.deps(uow.session)
        plain = register_email(deps, actor, tenant="ug-melgiew", data=letter(subject="Wniosek o dowód"))
        html = register_email(deps, actor, tenant="ug-melgiew", data=html_only)
        uow.commit()
    with seeded_app.uow() as uow:
        deps = seeded_app.deps(uow.session)
        uid = {
            i.sign: i.document.uid
            for i in uow.session.execute(
                select(IncomingItem).where(IncomingItem.channel == "email")
            ).scalars()
        }
        view = document_view(deps, actor, tenant="ug-melgiew", uid=uid[plain.rpw])
        assert view.show_as == "letter" and view.letter is not None
        assert (view.letter.sender, view.letter.title) == ("Jan Kowalski", "Wniosek o dowód")
        assert view.letter.addressees == ("kancelaria@ug-melgiew.example.pl",)
        assert view.letter.paragraphs[0].startswith("Proszę o wydanie")
        shown = document_view(deps, actor, tenant="ug-melgiew", uid=uid[html.rpw])
        assert shown.letter is not None and shown.letter.sender == "Urząd Skarbowy"
        # the HTML is never rendered: its text only (a script's text is text, not a script)
        assert shown.letter.paragraphs[0].startswith("Uprzejmie informujemy")
        assert all("<" not in p and "alert" not in p for p in shown.letter.paragraphs)
