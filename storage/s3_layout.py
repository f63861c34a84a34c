"""How objects sit on S3: lock-enabled buckets and their policy, keys, the ETags S3 computes, error codes."""

from __future__ import annotations

import base64
import hashlib
import json

from minio import Minio
from minio.error import S3Error

from ezd.storage.errors import StorageError
from ezd.storage.port import check_digest

MIB = 1024 * 1024

# S3 error codes, by what they mean to the store
NOT_FOUND = {"NoSuchKey", "NoSuchVersion", "NoSuchObject", "ResourceNotFound"}
LOCKED = {"AccessDenied", "ObjectLocked", "InvalidRequest"}
NO_LOCK = {
    "NoSuchObjectLockConfiguration",
    "ObjectLockConfigurationNotFoundError",
    "NoSuchObjectLegalHold",
    "InvalidRequest",
}


def object_key(digest: str) -> str:
    return f"sha256/{digest[:2]}/{check_digest(digest)}"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def multipart_etag(part_md5s: list[bytes]) -> str:
    """The ETag S3 gives a multipart upload: MD5 of the concatenated part MD5s, dash, part count."""
    return f"{hashlib.md5(b''.join(part_md5s), usedforsecurity=False).hexdigest()}-{len(part_md5s)}"


def expected_etag(data: bytes, part_size: int) -> str:
    if len(data) <= part_size:
        return hashlib.md5(data, usedforsecurity=False).hexdigest()
    parts = [
        hashlib.md5(data[i : i + part_size], usedforsecurity=False).digest()
        for i in range(0, len(data), part_size)
    ]
    return multipart_etag(parts)


def tenant_bucket_policy(bucket: str) -> dict[str, object]:
    """Bucket policy of a tenant bucket: nobody may bypass governance retention or drop the lock
    configuration; only TLS or loopback access is meant to reach it (enforced by deployment)."""
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoRetentionBypass",
                "Effect": "Deny",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration"],
                "Resource": [arn, f"{arn}/*"],
            },
            {
                "Sid": "NoBucketDeletion",
                "Effect": "Deny",
                "Principal": {"AWS": ["*"]},
                "Action": ["s3:DeleteBucket", "s3:DeleteBucketPolicy"],
                "Resource": [arn],
            },
        ],
    }


def prepare_bucket(client: Minio, bucket: str, *, apply_policy: bool) -> None:
    """Create ``bucket`` with object lock (and its policy), or check an existing one has the lock."""
    try:
        if not client.bucket_exists(bucket):
            client.make_bucket(bucket, object_lock=True)
            if apply_policy:
                _set_policy(client, bucket)
        else:
            _check_lock_enabled(client, bucket)
    except S3Error as exc:
        if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise StorageError(f"cannot prepare bucket {bucket}: {exc.code}") from exc


def _check_lock_enabled(client: Minio, bucket: str) -> None:
    try:
        client.get_object_lock_config(bucket)
    except S3Error as exc:
        raise StorageError(
            f"bucket {bucket} exists without object lock; WORM storage needs a lock-enabled bucket"
        ) from exc


def _set_policy(client: Minio, bucket: str) -> None:
    try:
        client.set_bucket_policy(bucket, json.dumps(tenant_bucket_policy(bucket)))
    except S3Error as exc:
        # Servers without bucket policies (some SeaweedFS builds) still enforce object lock.
        if exc.code not in ("NotImplemented", "MalformedPolicy"):
            raise
