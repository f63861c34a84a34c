"""The work the runners of :mod:`ezd.workers` carry out, written on the services.

* :mod:`ezd.jobs.handlers` -- one handler per BPMN topic (``handler(task, deps) -> variables``);
* :mod:`ezd.jobs.periodic` -- the periodic jobs (deadline reminders, retention, fixity).

The runners themselves (in-process, Operaton external tasks, Celery) know neither: they get
both from the app they are given (:class:`ezd.workers.runtime.WorkerApp`, built by
:mod:`ezd.bootstrap`), so ``ezd.workers`` never imports the services.
"""
