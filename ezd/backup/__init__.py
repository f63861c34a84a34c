"""Backup and restore of an installation (``ezd backup create|verify|restore``).

A backup is a folder: ``manifest.json`` (every file's SHA-256 and size), ``database/`` (the
SQLite online backup or a ``pg_dump`` in directory format), ``home/`` (the rest of
``EZD_HOME``: the local object store, keys, outbox) and, on S3, ``s3-objects.json`` (every
object version with its retention and legal hold). See docs/operations.md.
"""

from ezd.backup.create import create_backup
from ezd.backup.manifest import BackupError, Manifest, VerifyReport, verify_backup
from ezd.backup.restore import restore_backup

__all__ = ["BackupError", "Manifest", "VerifyReport", "create_backup", "restore_backup", "verify_backup"]
