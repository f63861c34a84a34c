"""WORM behaviour of the S3 backend against a real SeaweedFS server (object lock, COMPLIANCE)."""

from __future__ import annotations

import hashlib
import io
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.error import S3Error
from minio.retention import Retention

from ezd.storage import IntegrityError, ObjectLocked
from ezd.storage.s3 import S3ObjectStore
from ezd.storage.s3_layout import object_key as _key


def test_deleting_a_locked_version_is_refused_by_the_server(
    s3_store: S3ObjectStore, s3_client: Minio
) -> None:
    obj = s3_store.put(b"decyzja o pozwoleniu na budowe")
    s3_store.lock(obj.sha256, datetime.now(UTC) + timedelta(days=365))
    with pytest.raises(ObjectLocked):
        s3_store.delete(obj.sha256)
    # Bypass our own checks: the server itself must refuse to destroy the locked version.
    version = s3_client.stat_object(s3_store.bucket, _key(obj.sha256)).version_id
    with pytest.raises(S3Error) as exc:
        s3_client.remove_object(s3_store.bucket, _key(obj.sha256), version_id=version)
    assert exc.value.code == "AccessDenied"
    assert s3_store.get(obj.sha256) == b"decyzja o pozwoleniu na budowe"


def test_overwriting_a_locked_object_keeps_the_locked_version(
    s3_store: S3ObjectStore, s3_client: Minio
) -> None:
    data = b"protokol kontroli"
    obj = s3_store.put(data)
    s3_store.lock(obj.sha256, datetime.now(UTC) + timedelta(days=365))
    locked_version = s3_client.stat_object(s3_store.bucket, _key(obj.sha256)).version_id
    s3_client.put_object(s3_store.bucket, _key(obj.sha256), io.BytesIO(b"podmienione"), 11)
    # The tampered latest version fails its digest; the locked version is intact and undeletable.
    with pytest.raises(IntegrityError):
        s3_store.get(obj.sha256)
    original = s3_client.get_object(s3_store.bucket, _key(obj.sha256), version_id=locked_version)
    assert original.read() == data
    with pytest.raises(S3Error):
        s3_client.remove_object(s3_store.bucket, _key(obj.sha256), version_id=locked_version)


def test_retention_cannot_be_shortened_even_bypassing_the_store(
    s3_store: S3ObjectStore, s3_client: Minio
) -> None:
    obj = s3_store.put(b"akta osobowe")
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    s3_store.lock(obj.sha256, until)
    with pytest.raises(ObjectLocked):
        s3_store.lock(obj.sha256, until - timedelta(days=1))
    with pytest.raises(S3Error):
        s3_client.set_object_retention(
            s3_store.bucket, _key(obj.sha256), Retention(COMPLIANCE, until - timedelta(days=1))
        )
    s3_store.lock(obj.sha256, until + timedelta(days=5))
    assert s3_store.retention(obj.sha256) == until + timedelta(days=5)


def test_legal_hold_blocks_disposal_on_the_server(s3_store: S3ObjectStore, s3_client: Minio) -> None:
    obj = s3_store.put(b"akta objete postepowaniem")
    s3_store.set_legal_hold(obj.sha256, True)
    with pytest.raises(ObjectLocked):
        s3_store.delete(obj.sha256)
    version = s3_client.stat_object(s3_store.bucket, _key(obj.sha256)).version_id
    with pytest.raises(S3Error):
        s3_client.remove_object(s3_store.bucket, _key(obj.sha256), version_id=version)
    assert s3_store.exists(obj.sha256)


def test_checksum_is_verified_on_write(s3_store: S3ObjectStore, s3_client: Minio) -> None:
    """The server refuses a body whose SHA-256 differs from the one we send."""
    import base64

    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(S3Error) as exc:
        s3_client.put_object(
            s3_store.bucket, "sha256/xx/x", io.BytesIO(b"body"), 4, metadata={"x-amz-checksum-sha256": wrong}
        )
    assert exc.value.code in ("BadDigest", "XAmzContentChecksumMismatch", "InvalidDigest")


def test_multipart_upload_of_a_large_file(s3_store: S3ObjectStore, tmp_path: Path) -> None:
    big = tmp_path / "skan.tif"
    payload = hashlib.sha256(b"seed").digest() * (12 * 1024 * 1024 // 32 + 7)  # ~12 MiB, 3 parts
    big.write_bytes(payload)
    obj = s3_store.put_file(big, "image/tiff")
    assert obj.sha256 == hashlib.sha256(payload).hexdigest()
    assert s3_store.verify(obj.sha256) == len(payload)
    again = s3_store.put(payload)  # in-memory path, also multipart
    assert again.sha256 == obj.sha256


def test_presigned_link_is_short_lived_and_works(s3_store: S3ObjectStore) -> None:
    obj = s3_store.put(b"skan pisma", "application/pdf")
    url = s3_store.presigned_url(obj.sha256, timedelta(minutes=2))
    assert "X-Amz-Expires=120" in url
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.read() == b"skan pisma"
    with pytest.raises(Exception, match="presigned"):
        s3_store.presigned_url(obj.sha256, timedelta(days=7))


def test_tenant_bucket_is_separate_and_locked(s3_store: S3ObjectStore, s3_client: Minio) -> None:
    sw = s3_store.for_tenant("sp-swidnik")
    obj = sw.put(b"tylko Swidnik")
    assert sw.bucket.endswith("-t-sp-swidnik")
    assert not s3_store.exists(obj.sha256)
    assert s3_client.get_object_lock_config(sw.bucket) is not None
