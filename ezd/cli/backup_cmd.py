"""``ezd backup create|verify|restore``: an office's backup and restore (ezd.backup)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from ezd.cli.common import console, make_app, print_json

backup_app = typer.Typer(help="Backup and restore of the whole installation.", no_args_is_help=True)

WARSAW = ZoneInfo("Europe/Warsaw")


def _when(iso: str) -> str:
    """The backup's time as an office reads it: dd.mm.rrrr gg:mm, Warsaw time."""
    return datetime.fromisoformat(iso).astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")


NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "local": "lokalne", "s3": "S3"}
DirArg = Annotated[Path, typer.Argument(help="Backup folder")]


@backup_app.command("create")
def create(target: DirArg, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Back up the database, the object store and the keys into a new folder (ezd may keep running)."""
    from ezd.backup import create_backup

    app = make_app()  # migrates first: a backup is always of the current schema
    app.db.dispose()
    manifest = create_backup(app.settings, target)
    size = sum(f.size for f in manifest.files)
    if as_json:
        print_json({"folder": str(target), "files": len(manifest.files), "bytes": size})
        return
    console.print(f"kopia zapasowa: {target} — {len(manifest.files)} plików, {size / 1e6:.1f} MB")


@backup_app.command("verify")
def verify(source: DirArg) -> None:
    """Check every file of a backup against its manifest and the database copy's consistency."""
    from ezd.backup.restore import check_backup

    manifest, report = check_backup(source)
    console.print(
        f"kopia zapasowa OK: {report.files} plików, {report.bytes / 1e6:.1f} MB"
        f" (baza {NAMES[manifest.database]}, obiekty {NAMES[manifest.objects]},"
        f" z {_when(manifest.created_at)})"
    )


@backup_app.command("restore")
def restore(source: DirArg) -> None:
    """Restore a backup into an empty EZD_HOME (and an empty database); refuse anything else."""
    from ezd.backup import restore_backup
    from ezd.config import Settings

    # no make_app(): bootstrapping would create a database in the home we must find empty
    manifest = restore_backup(Settings(), source)
    console.print(
        f"przywrócono kopię z {_when(manifest.created_at)}; sprawdź: ezd audit verify, ezd fixity audit"
    )
