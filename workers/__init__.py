"""Topic handlers and the runners that execute them.

One handler per topic (:mod:`workers.handlers`), three runners: in-process
(:mod:`workers.inprocess`), Celery (:mod:`workers.celery_app`) and Operaton external tasks
(:mod:`workers.external`).  Handlers are functions of the task's variables plus injected
services; effects are made idempotent by the ledger in :mod:`workers.ledger`.
"""
