from __future__ import annotations

import os
from pathlib import Path

import pytest

from ezd.signatures import Pkcs12Signer, XadesVerifier, create_demo_pki
from ezd.signatures.pki import DemoPki

PASSWORD = b"test-haslo"
ORG = "Starostwo Powiatowe w Świdniku"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> DemoPki:
    return create_demo_pki(tmp_path_factory.mktemp("pki"), ORG, PASSWORD)


@pytest.fixture(scope="session")
def signer(pki: DemoPki) -> Pkcs12Signer:
    return Pkcs12Signer(pki.eseal_p12, PASSWORD)


@pytest.fixture(scope="session")
def verifier(pki: DemoPki) -> XadesVerifier:
    return XadesVerifier([pki.ca_pem])


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    # beside the repository clone, or named by EZD_XADES_VECTORS (e.g. from a git worktree)
    env = os.environ.get("EZD_XADES_VECTORS")
    d = Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "reference" / "xades-vectors"
    if not d.is_dir():
        pytest.skip(f"real-world XAdES vectors not available at {d} (shared/ not beside the repo clone)")
    return d
