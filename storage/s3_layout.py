"""How objects sit on S3: keys, the ETags S3 computes, the tenant bucket policy, error codes."""

from __future__ import annotations

import base64
import hashlib

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
