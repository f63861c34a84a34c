"""``create_backup`` while letters are being registered: the copy is a consistent snapshot.

Whichever prefix of the writes the snapshot catches, the restored installation must hold: the
metryka chains verify, every object the database names is in the copy (fixity: nothing missing),
and the RPW numbers are gapless from 1.
"""

from __future__ import annotations

import threading
from pathlib import Path

from ezd.archive_ops.fixity import run_audit
from ezd.backup import create_backup, restore_backup
from ezd.bootstrap import App, bootstrap
from ezd.db.migrate import upgrade
from ezd.services.actor import system_actor
from ezd.services.audit import verify_all
from ezd.services.intake import register_incoming
from tests.conftest import make_settings
from tests.helpers import letter, rpw_numbers

TENANT = "ug-melgiew"


def _register_until(app: App, stop: threading.Event, started: threading.Event, done: list[int]) -> None:
    actor = system_actor("test:backup-online")
    n = 0
    while not stop.is_set() or n < 3:  # at least a few letters, and on until the backup is done
        with app.uow() as uow:
            register_incoming(
                app.deps(uow.session), actor, tenant=TENANT, data=letter(n), filename=f"p{n}.xml"
            )
            uow.commit()
        n += 1
        done.append(n)
        started.set()


def test_backup_while_registering(seeded_app: App, tmp_path: Path) -> None:
    stop, started, done = threading.Event(), threading.Event(), []
    writer = threading.Thread(target=_register_until, args=(seeded_app, stop, started, done))
    writer.start()
    try:
        assert started.wait(120)
        create_backup(seeded_app.settings, tmp_path / "kopia")
    finally:
        stop.set()
        writer.join(120)
    assert not writer.is_alive()

    settings = make_settings(tmp_path / "nowy")
    restore_backup(settings, tmp_path / "kopia")
    restored = bootstrap(settings)
    upgrade(restored.db, "heads")
    try:
        with restored.uow() as uow:
            _, _, broken = verify_all(uow.session)
        assert broken is None
        report = run_audit(restored)
        assert report.missing == [] and report.corrupted == []
        numbers = rpw_numbers(restored, TENANT)
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 1
        assert len(numbers) <= len(done)  # a snapshot: never more than was committed
    finally:
        restored.db.dispose()
