"""``ezd worker external|celery|beat`` -- the worker processes of the distributed deployment."""

from __future__ import annotations

import logging
import os
import socket
from typing import Annotated

import typer

from ezd.cli.common import print_json, started_app

worker_app = typer.Typer(
    help="Worker processes: Operaton external tasks, Celery, periodic jobs.", no_args_is_help=True
)


def _logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@worker_app.command("external")
def external(
    slots: Annotated[int, typer.Option(min=1, max=64, help="Tasks run at the same time (threads)")] = 4,
    topic: Annotated[list[str] | None, typer.Option("--topic", help="Only these topics (repeatable)")] = None,
    lock_ms: Annotated[
        int, typer.Option(min=1000, help="Engine lock per task, extended while it runs")
    ] = 60_000,
    long_poll_ms: Annotated[int, typer.Option(min=0, help="fetchAndLock long-polling timeout")] = 10_000,
    drain_s: Annotated[float, typer.Option(min=0, help="On SIGTERM: wait this long, then unlock")] = 30.0,
    celery: Annotated[
        bool, typer.Option("--celery/--no-celery", help="Hand heavy topics to Celery (needs EZD_BROKER_URL)")
    ] = True,
    outbox_sweep_s: Annotated[
        float, typer.Option(min=0, help="Send undelivered engine commands every N seconds (0 = never)")
    ] = 5.0,
    log_level: Annotated[str, typer.Option(help="Log level")] = "INFO",
) -> None:
    """Fetch and run Operaton external tasks until SIGTERM (needs EZD_ENGINE_URL)."""
    from ezd.records.errors import InvalidInput
    from ezd.workers.external import ExternalWorker, remote_engine

    _logging(log_level)
    app = started_app()
    if not app.settings.engine_url:
        raise InvalidInput("EZD_ENGINE_URL is not set: 'ezd worker external' works for the Operaton engine")
    unknown = sorted(set(topic or ()) - set(app.handlers))
    if unknown:
        raise InvalidInput(f"unknown topic(s): {', '.join(unknown)}")
    handoff = None
    handoff_topics: tuple[str, ...] = ()
    if celery and app.settings.broker_url:
        from ezd.workers import tasks_celery

        handoff, handoff_topics = tasks_celery.hand_off, tasks_celery.HANDOFF_TOPICS
    worker = ExternalWorker(
        app,
        remote_engine(app),
        slots=slots,
        topics=topic or None,
        lock_duration_ms=lock_ms,
        long_poll_ms=long_poll_ms,
        drain_timeout_s=drain_s,
        handoff=handoff,
        handoff_topics=handoff_topics,
        outbox_sweep_s=outbox_sweep_s,
    )
    worker.install_signal_handlers()
    worker.run()


@worker_app.command("celery")
def celery_worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Worker processes")] = 2,
    queues: Annotated[
        str | None, typer.Option(help="Queues to consume; default <prefix>.heavy,<prefix>.periodic")
    ] = None,
    log_level: Annotated[str, typer.Option(help="Log level")] = "INFO",
) -> None:
    """Run a Celery worker on RabbitMQ (needs EZD_BROKER_URL)."""
    from ezd.bootstrap import bootstrap
    from ezd.records.errors import InvalidInput
    from ezd.workers import tasks_celery
    from ezd.workers.celery_app import celery_app

    app = started_app()  # migrates the database once, before the worker processes fork
    if not app.settings.broker_url:
        raise InvalidInput("EZD_BROKER_URL is not set: without a broker tasks run in-process")
    app.db.dispose()
    tasks_celery.use_app_factory(bootstrap)  # each pool process builds its own app (inherited)
    prefix = app.settings.celery_queue_prefix
    queues = queues or f"{prefix}.heavy,{prefix}.periodic"
    celery_app.worker_main(
        [
            "worker",
            "--queues",
            queues,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            log_level.upper(),
            "--hostname",
            f"ezd-{socket.gethostname()}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
    )


@worker_app.command("beat")
def beat(
    once: Annotated[
        bool, typer.Option("--once", help="Run every periodic job once in this process and print the results")
    ] = False,
    log_level: Annotated[str, typer.Option(help="Log level")] = "INFO",
) -> None:
    """Run the periodic-job scheduler (celery beat), or, with --once, the jobs themselves."""
    from ezd.records.errors import InvalidInput

    _logging(log_level)
    app = started_app()
    if once:
        print_json(
            {
                "deadline_reminders": app.jobs.deadline_reminders(),
                "retention_check": app.jobs.retention_check(),
                "fixity_sample": app.jobs.fixity_sample(),
                "mailbox_poll": app.jobs.mailbox_poll(),
            }
        )
        return
    if not app.settings.broker_url:
        raise InvalidInput("EZD_BROKER_URL is not set: use 'ezd worker beat --once' (e.g. from cron)")
    from ezd.workers.celery_app import celery_app

    schedule = app.settings.resolved_home / "celerybeat-schedule"
    celery_app.start(["beat", "--loglevel", log_level.upper(), "--schedule", str(schedule)])
