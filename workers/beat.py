"""The periodic-job schedule (celery beat): deadline reminders, retention checks, fixity sampling,
the offices' mailboxes.

The jobs themselves are :class:`ezd.workers.runtime.PeriodicJobs` of the app
(:mod:`ezd.jobs.periodic`); the Celery tasks in :mod:`ezd.workers.tasks_celery` call them.
"""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

FIXITY_PERCENT = 1.0


def beat_schedule() -> dict[str, dict[str, Any]]:
    return {
        "deadline-reminders": {"task": "ezd.periodic.deadline_reminders", "schedule": 300.0},
        "mail-digest": {"task": "ezd.periodic.mail_digest", "schedule": crontab(hour=7, minute=0)},
        "retention-check": {"task": "ezd.periodic.retention_check", "schedule": crontab(hour=2, minute=15)},
        # the offices' e-mail boxes: a message waits at most two minutes for its RPW number
        "mailbox-poll": {"task": "ezd.periodic.mailbox_poll", "schedule": 120.0},
        "fixity-sample": {
            "task": "ezd.periodic.fixity_sample",
            "schedule": crontab(hour=3, minute=30),
            "kwargs": {"percent": FIXITY_PERCENT},
        },
    }
