"""Object storage for document content, addressed by SHA-256.

Public surface: :class:`ObjectStore` (the port), :class:`StoredObject`, the errors, and the
backends :class:`LocalObjectStore` (embedded default), :class:`MemoryObjectStore` (test double)
and ``S3ObjectStore`` (minio SDK, imported lazily from :mod:`ezd.storage.s3`).
"""

from ezd.storage.errors import IntegrityError, ObjectLocked, ObjectNotFound, StorageError
from ezd.storage.local import LocalObjectStore
from ezd.storage.memory import MemoryObjectStore
from ezd.storage.port import ObjectStore, RetentionMode, StoredObject, sha256_hex

__all__ = [
    "IntegrityError",
    "LocalObjectStore",
    "MemoryObjectStore",
    "ObjectLocked",
    "ObjectNotFound",
    "ObjectStore",
    "RetentionMode",
    "StorageError",
    "StoredObject",
    "sha256_hex",
]
