"""The Celery application: heavy handler work and periodic jobs on RabbitMQ (kombu).

``celery -A workers.celery_app worker`` / ``ezd worker celery`` runs the tasks of
:mod:`ezd.workers.tasks_celery`; ``ezd worker beat`` runs the schedule of :mod:`ezd.workers.beat`.

Delivery guarantees (every queue is durable, every message persistent):

* ``acks_late`` + ``task_reject_on_worker_lost``: a message is acknowledged only after its task
  finished; a worker killed mid-task leaves it unacknowledged and RabbitMQ redelivers it
  (the idempotency ledger makes the rerun harmless). ``prefetch_multiplier=1``: a worker holds
  one message per process, so a crash strands nothing else.
* Retries with exponential backoff (in the tasks), then the message is rejected without
  requeue and RabbitMQ dead-letters it (queue argument ``x-dead-letter-exchange``) into the
  durable ``<prefix>.dead`` queue for inspection. Queue names start with
  ``EZD_CELERY_QUEUE_PREFIX`` (default ``ezd``), so installations can share one broker.
* Without ``EZD_BROKER_URL`` (the embedded default) the app is configured
  ``task_always_eager``: ``.delay()`` runs the same function in-process, no broker needed.

The configuration is computed lazily from :class:`ezd.config.Settings` the first time it is
read, so importing this module has no side effects.
"""

from __future__ import annotations

from typing import Any, ClassVar

from celery import Celery, bootsteps
from kombu import Exchange, Queue

from ezd.config import Settings


def queues(prefix: str = "ezd") -> tuple[Queue, Queue, Queue]:
    """(heavy, periodic, dead) -- durable; the first two dead-letter into the third."""
    exchange = Exchange(prefix, type="direct", durable=True)
    dlx = Exchange(f"{prefix}.dlx", type="direct", durable=True)
    dead = f"{prefix}.dead"
    args = {"x-dead-letter-exchange": dlx.name, "x-dead-letter-routing-key": dead}
    return (
        Queue(f"{prefix}.heavy", exchange, routing_key=f"{prefix}.heavy", durable=True, queue_arguments=args),
        Queue(
            f"{prefix}.periodic",
            exchange,
            routing_key=f"{prefix}.periodic",
            durable=True,
            queue_arguments=args,
        ),
        Queue(dead, dlx, routing_key=dead, durable=True),
    )


class DeclareDeadLetterQueue(bootsteps.StartStopStep):
    """Declare ``<prefix>.dead`` (with its exchange and binding) whenever a worker connects.

    A worker declares only the queues it consumes (``--queues <prefix>.heavy,<prefix>.periodic``);
    without this step a message rejected from ``<prefix>.heavy`` is dead-lettered into an
    exchange with no queue bound and RabbitMQ drops it.
    """

    requires: ClassVar[set[str]] = {"celery.worker.consumer.connection:Connection"}

    def start(self, parent: Any) -> None:
        dead = queues(parent.app.conf.ezd_queue_prefix)[2]
        with parent.app.connection_for_write() as conn:
            dead.bind(conn.default_channel).declare()


def celery_config(settings: Settings) -> dict[str, Any]:
    from ezd.workers.beat import beat_schedule

    eager = settings.broker_url is None
    heavy, periodic, dead = queues(settings.celery_queue_prefix)
    assert heavy.exchange is not None
    return {
        "broker_url": settings.broker_url or "memory://",
        "broker_connection_retry_on_startup": True,
        "broker_heartbeat": 30,
        "task_always_eager": eager,
        "task_eager_propagates": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "worker_prefetch_multiplier": 1,
        "task_ignore_result": True,
        "result_backend": None,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_default_delivery_mode": "persistent",
        "task_queues": (heavy, periodic, dead),
        "task_default_queue": heavy.name,
        "task_default_exchange": heavy.exchange.name,
        "task_default_routing_key": heavy.routing_key,
        "task_create_missing_queues": False,
        "task_routes": {"ezd.periodic.*": {"queue": periodic.name, "routing_key": periodic.routing_key}},
        "worker_hijack_root_logger": False,
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        "beat_schedule": beat_schedule(),
        "timezone": "Europe/Warsaw",
        "enable_utc": True,
        "imports": ("ezd.workers.tasks_celery",),
        "ezd_queue_prefix": settings.celery_queue_prefix,
    }


def make_celery(settings: Settings | None = None) -> Celery:
    """A Celery app; configured from ``settings`` (or, lazily, from the environment)."""
    app = Celery("ezd", set_as_current=False)
    app.steps["consumer"].add(DeclareDeadLetterQueue)
    if settings is not None:
        app.conf.update(celery_config(settings))
    else:
        app.add_defaults(lambda: celery_config(Settings()))
    return app


celery_app = make_celery()
app = celery_app  # "celery -A workers.celery_app" looks for "app" or "celery"
