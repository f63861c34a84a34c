"""The ePUAP system certificate for the channel tests: one demo PKI per session (RSA keygen is slow)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from ezd.channels.wssec import SystemCertificate, load_system_certificate
from ezd.signatures.pki import DemoPki, create_demo_pki

P12_PASSWORD = "zaq1@WSX"


@dataclass(frozen=True)
class EpuapPki:
    pki: DemoPki
    system: SystemCertificate  # the office's certificate, registered in (fake) ePUAP
    stranger: SystemCertificate  # a valid certificate of the same CA, registered for nobody

    @property
    def p12(self) -> Path:
        return self.pki.eseal_p12


@pytest.fixture(scope="session")
def epuap_pki(tmp_path_factory: pytest.TempPathFactory) -> EpuapPki:
    pki = create_demo_pki(tmp_path_factory.mktemp("epuap-pki"), "Urząd Gminy Mełgiew", P12_PASSWORD.encode())
    stranger_cert, stranger_key = pki.issue_eseal("Urząd Obcy")
    return EpuapPki(
        pki=pki,
        system=load_system_certificate(pki.eseal_p12, P12_PASSWORD),
        stranger=load_system_certificate(pki.pkcs12_bytes(stranger_cert, stranger_key), P12_PASSWORD),
    )
