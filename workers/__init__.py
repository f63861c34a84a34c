"""Topic handlers and the runners that execute them.

One handler per topic (:mod:`ezd.jobs.handlers`, given to the runners by the app, see
:mod:`ezd.workers.runtime`), three runners: in-process
(:mod:`ezd.workers.inprocess`), Celery (:mod:`ezd.workers.celery_app`) and Operaton external tasks
(:mod:`ezd.workers.external`).  Handlers are functions of the task's variables plus injected
services; effects are made idempotent by the ledger in :mod:`ezd.workers.ledger`.
"""
