"""S3: the list of every object version of the installation's buckets, with retention.

The content stays in the object-locked buckets (COMPLIANCE retention: nobody, root included,
can delete a locked version before it expires), so the backup records which versions the
database refers to; a restore checks that each of them is still there before it loads the
database. A copy of the content elsewhere is the S3 server's replication (docs/operations.md).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from minio import Minio
from minio.error import S3Error

from ezd.backup.manifest import BackupError
from ezd.config import Settings
from ezd.storage.s3 import S3ObjectStore


@dataclass(frozen=True)
class ObjectVersion:
    bucket: str
    key: str
    version_id: str | None
    etag: str | None
    size: int
    last_modified: str | None
    retention_mode: str | None
    retain_until: str | None
    legal_hold: bool


def _client(settings: Settings) -> Minio:
    return S3ObjectStore.from_settings(settings).client


def _retention(client: Minio, bucket: str, key: str, version: str | None) -> tuple[str | None, str | None]:
    try:
        ret = client.get_object_retention(bucket, key, version_id=version)
    except S3Error:
        return None, None  # no lock configured on this version
    if ret is None:
        return None, None
    until = ret.retain_until_date.isoformat() if ret.retain_until_date else None
    return (str(ret.mode) if ret.mode else None), until


def _legal_hold(client: Minio, bucket: str, key: str, version: str | None) -> bool:
    try:
        return bool(client.is_object_legal_hold_enabled(bucket, key, version_id=version))
    except S3Error:
        return False


def list_versions(settings: Settings) -> list[ObjectVersion]:
    """Every version in the buckets named ``<prefix>-objects`` and ``<prefix>-t-*``."""
    client = _client(settings)
    prefix = settings.s3_bucket_prefix
    buckets = sorted(
        b.name
        for b in client.list_buckets()
        if b.name == f"{prefix}-objects" or b.name.startswith(f"{prefix}-t-")
    )
    found: list[ObjectVersion] = []
    for bucket in buckets:
        for obj in client.list_objects(bucket, recursive=True, include_version=True):
            key = obj.object_name or ""
            if obj.is_delete_marker or not key:
                continue
            mode, until = _retention(client, bucket, key, obj.version_id)
            found.append(
                ObjectVersion(
                    bucket=bucket,
                    key=key,
                    version_id=obj.version_id,
                    etag=obj.etag,
                    size=int(obj.size or 0),
                    last_modified=obj.last_modified.isoformat() if obj.last_modified else None,
                    retention_mode=mode,
                    retain_until=until,
                    legal_hold=_legal_hold(client, bucket, key, obj.version_id),
                )
            )
    return found


def write_list(versions: list[ObjectVersion], target: Path) -> None:
    target.write_text(
        json.dumps([asdict(v) for v in versions], ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def read_list(source: Path) -> list[ObjectVersion]:
    try:
        return [ObjectVersion(**item) for item in json.loads(source.read_text(encoding="utf-8"))]
    except (ValueError, TypeError) as exc:
        raise BackupError(f"uszkodzona lista obiektów {source}") from exc


def missing_versions(settings: Settings, versions: list[ObjectVersion]) -> list[ObjectVersion]:
    """The listed versions the S3 server no longer has (or has with other content)."""
    client = _client(settings)
    gone: list[ObjectVersion] = []
    for v in versions:
        try:
            stat = client.stat_object(v.bucket, v.key, version_id=v.version_id)
        except S3Error:
            gone.append(v)
            continue
        if v.etag and stat.etag and stat.etag.strip('"') != v.etag.strip('"'):
            gone.append(v)
    return gone
