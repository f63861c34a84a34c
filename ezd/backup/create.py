"""``ezd backup create DIR``: a consistent backup while ezd keeps running.

Order matters for consistency without stopping anything: the database snapshot is taken first
(SQLite online backup API / one ``pg_dump`` transaction), the objects after it. An object is
stored before the transaction that refers to it commits and is never changed afterwards, so
every object the snapshot names is in the copy (or, on S3, in the list); objects written after
the snapshot are merely extra.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from ezd.backup import postgres
from ezd.backup.manifest import MANIFEST, S3_LIST, BackupError, Manifest, list_files
from ezd.config import Settings

SQLITE_COPY = "database/ezd.sqlite3"
PG_DUMP = "database/pgdump"
HOME = "home"
# SQLite's own files and half-written temporaries are never copied file by file
_SKIP_SUFFIXES = ("-wal", "-shm", "-journal", ".tmp")


def sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.db_url).database
    if not database:
        raise BackupError("adres bazy SQLite nie wskazuje pliku")
    return Path(database).resolve()


def _require_empty_target(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"katalog kopii {target} już istnieje i nie jest pusty; podaj nowy katalog")
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)  # the backup holds the office's keys


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"brak bazy danych {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # page by page, restarted by SQLite if a writer changes a copied page
        # a self-contained file: no -wal/-shm beside it when the copy is opened for checking
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()


def copy_tree(source: Path, target: Path, skip: set[Path]) -> None:
    """Copy files with their modes (keys stay 0600); files that vanish meanwhile are skipped."""
    for root, dirs, names in os.walk(source):
        dirs.sort()
        here = Path(root)
        (target / here.relative_to(source)).mkdir(parents=True, exist_ok=True)
        for name in sorted(names):
            path = here / name
            if path in skip or name.endswith(_SKIP_SUFFIXES) or name.startswith(".tmp-"):
                continue
            try:
                shutil.copy2(path, target / path.relative_to(source))
            except FileNotFoundError:
                continue  # a temporary renamed away between listing and copying


def create_backup(settings: Settings, target: Path) -> Manifest:
    target = target.expanduser().resolve()
    home = settings.resolved_home
    if target == home or home in target.parents:
        raise BackupError(f"katalog kopii {target} leży w EZD_HOME ({home}); podaj katalog poza nim")
    _require_empty_target(target)
    on_postgres = postgres.is_postgres(settings.db_url)
    skip: set[Path] = set()
    if on_postgres:
        (target / PG_DUMP).parent.mkdir()
        postgres.dump(settings.db_url, target / PG_DUMP)
    else:
        db_file = sqlite_path(settings)
        _sqlite_backup(db_file, target / SQLITE_COPY)
        skip.add(db_file)
    if home.is_dir():
        copy_tree(home, target / HOME, skip)
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        database="postgresql" if on_postgres else "sqlite",
        objects="s3" if settings.s3_endpoint else "local",
        s3_bucket_prefix=settings.s3_bucket_prefix if settings.s3_endpoint else None,
    )
    if settings.s3_endpoint:
        from ezd.backup import s3list

        s3list.write_list(s3list.list_versions(settings), target / S3_LIST)
    manifest.files = list_files(target)
    partial = target / f"{MANIFEST}.tmp"
    partial.write_text(manifest.to_json(), encoding="utf-8")
    os.replace(partial, target / MANIFEST)  # a backup without a manifest is visibly unfinished
    return manifest
