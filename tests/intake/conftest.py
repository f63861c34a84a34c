"""Fixtures of the intake-channel tests: the session's own Dovecot IMAP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import need_service
from tests.infra.dovecot import DovecotServer, ImapAccount, start_dovecot
from tests.infra.procs import ServiceStartError


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    try:
        server = start_dovecot()
    except ServiceStartError as exc:
        need_service(f"cannot start a private Dovecot: {exc}")
        raise
    yield server
    server.stop()


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> ImapAccount:
    return dovecot.add_account()
