"""``ezd backup verify DIR`` and ``ezd backup restore DIR`` (into an empty home only)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from ezd.backup import postgres
from ezd.backup.create import HOME, PG_DUMP, SQLITE_COPY, copy_tree, sqlite_path
from ezd.backup.manifest import S3_LIST, BackupError, Manifest, VerifyReport, verify_backup
from ezd.config import Settings


def check_backup(folder: Path) -> tuple[Manifest, VerifyReport]:
    """Every file against the manifest, then the database copy itself; BackupError if damaged."""
    folder = folder.expanduser().resolve()
    manifest, report = verify_backup(folder)
    if not report.ok:
        raise BackupError(f"kopia zapasowa {folder} jest uszkodzona: {report.problem()}")
    if manifest.database == "sqlite":
        # immutable: the check must not leave a -shm/-wal file in the backup
        conn = sqlite3.connect(f"file:{folder / SQLITE_COPY}?mode=ro&immutable=1", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"kopia bazy SQLite w {folder} jest nieczytelna") from exc
        finally:
            conn.close()
        if result is None or result[0] != "ok":
            raise BackupError(f"kopia bazy SQLite w {folder} nie przeszła kontroli spójności")
    else:
        postgres.check_dump(folder / PG_DUMP)
    return manifest, report


def _refuse_mismatch(manifest: Manifest, settings: Settings) -> None:
    on_postgres = postgres.is_postgres(settings.db_url)
    if (manifest.database == "postgresql") != on_postgres:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        here = "PostgreSQL" if on_postgres else "SQLite"
        raise BackupError(
            f"kopia zawiera bazę {names[manifest.database]}, a ta instalacja używa {here}"
            " (ustaw EZD_DATABASE_URL tak jak w kopiowanej instalacji)"
        )
    if (manifest.objects == "s3") != bool(settings.s3_endpoint):
        raise BackupError(
            "kopia pochodzi z instalacji z magazynem S3, a ta go nie ma (ustaw EZD_S3_ENDPOINT)"
            if manifest.objects == "s3"
            else "kopia zawiera lokalny magazyn obiektów, a ta instalacja używa S3 (EZD_S3_ENDPOINT)"
        )
    if manifest.objects == "s3" and manifest.s3_bucket_prefix != settings.s3_bucket_prefix:
        raise BackupError(
            f"kopia dotyczy zasobników S3 {manifest.s3_bucket_prefix}-*, a EZD_S3_BUCKET_PREFIX"
            f" to {settings.s3_bucket_prefix}"
        )


def restore_backup(settings: Settings, folder: Path) -> Manifest:
    """Check everything first, then write: the home's files, the database last."""
    folder = folder.expanduser().resolve()
    manifest, _ = check_backup(folder)
    _refuse_mismatch(manifest, settings)
    home = settings.resolved_home
    if home.exists() and (not home.is_dir() or any(home.iterdir())):
        raise BackupError(f"katalog {home} nie jest pusty; kopię przywraca się tylko do pustego katalogu")
    if manifest.database == "postgresql":
        if not postgres.is_empty(settings.db_url):
            name = postgres.database_name(settings.db_url)
            raise BackupError(f"baza danych {name} nie jest pusta; kopię przywraca się tylko do pustej bazy")
    elif sqlite_path(settings).exists():
        raise BackupError(f"baza danych {sqlite_path(settings)} już istnieje; nie nadpisuję jej")
    if manifest.objects == "s3":
        from ezd.backup import s3list

        gone = s3list.missing_versions(settings, s3list.read_list(folder / S3_LIST))
        if gone:
            raise BackupError(
                f"w S3 brakuje {len(gone)} wersji obiektów z kopii (pierwsza: {gone[0].bucket}/{gone[0].key})"
            )
    home.mkdir(parents=True, exist_ok=True)
    if (folder / HOME).is_dir():
        copy_tree(folder / HOME, home, set())
    if manifest.database == "postgresql":
        postgres.restore(settings.db_url, folder / PG_DUMP)
    else:
        target = sqlite_path(settings)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / SQLITE_COPY, target)
    return manifest
