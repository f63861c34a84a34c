"""Periodic jobs (celery beat or ``ezd worker beat --once``): deadline reminders, retention
checks, fixity sampling, the offices' mailboxes.

:class:`PeriodicJobs` is what :class:`ezd.workers.runtime.PeriodicJobs` asks for; the Celery
tasks in :mod:`ezd.workers.tasks_celery` call it through the app, so on the embedded default
(no broker) the very same functions run in-process.
"""

from __future__ import annotations

import logging
import random
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ezd.archive_ops.fixity import check_object
from ezd.clock import office_today
from ezd.db.tables import CaseFile, DocumentVersion
from ezd.mailer import send_pending
from ezd.records.cases import CaseState
from ezd.services.archive import due_for_transfer
from ezd.services.notifications import scan_deadlines
from ezd.workers.beat import FIXITY_PERCENT
from ezd.workers.inprocess import run_pending

if TYPE_CHECKING:
    from ezd.bootstrap import App

log = logging.getLogger("ezd.workers.beat")


class PeriodicJobs:
    def __init__(self, app: App) -> None:
        self.app = app

    def deadline_reminders(self, as_of: date | None = None) -> dict[str, Any]:
        """Fire due timers (embedded engine; Operaton's job executor fires its own) and list the
        cases past their deadline that are still open."""
        app = self.app
        fired = run_pending(app, topics=["ezd.deadline-reminder"]) if app.settings.is_embedded else 0
        today = as_of or office_today()
        with app.uow() as uow:
            overdue = list(
                uow.session.execute(
                    select(CaseFile.sign)
                    .where(
                        CaseFile.deadline < today,
                        CaseFile.state.in_([CaseState.OPEN.value, CaseState.IN_APPROVAL.value]),
                    )
                    .order_by(CaseFile.deadline)
                ).scalars()
            )
        if overdue:
            log.warning("%d case(s) past their deadline: %s", len(overdue), ", ".join(overdue[:20]))
        notified = self.notify_deadlines(today)
        return {"tasks_run": fired, "overdue": overdue, "notified": notified}

    def notify_deadlines(self, today: date) -> int:
        """Inbox messages for deadlines in 3 days and overdue cases (escalated to the heads), then
        the e-mails of messages not sent yet (none here with the daily digest)."""
        with self.app.uow() as uow:
            added = scan_deadlines(uow.session, today)
            uow.commit()
        send_pending(self.app)
        return added

    def mail_digest(self) -> dict[str, Any]:
        """The daily digest e-mail of every person (EZD_SMTP_DIGEST=true)."""
        run = send_pending(self.app, digest_run=True)
        return {"emails": run.emails, "messages": run.messages, "failed": run.failed}

    def mailbox_poll(self) -> dict[str, Any]:
        """Register the unread messages of every office's mailbox; an office whose server is
        down is reported and tried again next time, the others go on."""
        from ezd.jobs.mailbox import MailboxUnavailable, poll
        from ezd.services.mail_intake import offices_with_mailbox

        with self.app.uow() as uow:
            offices = offices_with_mailbox(uow.session)
        out: dict[str, Any] = {}
        for office in offices:
            try:
                r = poll(self.app, office)
            except MailboxUnavailable as exc:
                log.warning("mailbox of %s: %s", office, exc)
                out[office] = {"error": str(exc)}
                continue
            out[office] = {"registered": r.registered, "already": r.already, "refused": len(r.refused)}
        if self.app.settings.is_embedded and any(v.get("registered") for v in out.values()):
            run_pending(self.app)
        return out

    def retention_check(self, as_of: date | None = None) -> dict[str, Any]:
        """Closed cases due for the archiwum zakładowe on ``as_of``."""
        with self.app.uow() as uow:
            due = [c.sign for c in due_for_transfer(uow.session, as_of or date.today())]
        return {"source": "local", "due_for_transfer": due}

    def fixity_sample(self, percent: float = FIXITY_PERCENT, seed: int | None = None) -> dict[str, Any]:
        """Re-read a random ``percent`` of stored document versions and compare their SHA-256."""
        app = self.app
        with app.uow() as uow:
            total = uow.session.execute(select(func.count(DocumentVersion.id))).scalar_one()
            digests = list(
                uow.session.execute(select(DocumentVersion.sha256).order_by(DocumentVersion.id)).scalars()
            )
        size = min(total, max(1, round(total * percent / 100))) if total else 0
        sample = random.Random(seed).sample(digests, size)
        failed: list[str] = []
        for digest in sample:
            try:
                ok = check_object(app.store, digest)[0] == "ok"  # re-reads the store, never a cache
            except Exception:
                ok = False
            if not ok:
                failed.append(digest)
        if failed:
            log.error(
                "fixity: %d of %d sampled objects failed: %s", len(failed), size, ", ".join(failed[:10])
            )
        return {"source": "local", "checked": size, "failed": failed}
