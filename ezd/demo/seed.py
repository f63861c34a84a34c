"""Seed a demo partnership: a starostwo and a gmina, units, people, JRWA, keys.

Demo passwords are random, hashed with argon2, and written once to
``$EZD_HOME/demo-credentials.txt`` (mode 0600) -- never to the repository or the logs.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ezd.config import Settings
from ezd.db.tables import Tenant
from ezd.jrwa_io import load_jrwa_file
from ezd.records.tenancy import Role
from ezd.services import admin, seals
from ezd.services.actor import system_actor

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class DemoTenant:
    code: str
    name: str
    kind: str
    prefix: str
    units: tuple[tuple[str, str], ...]


TENANTS = (
    DemoTenant(
        "sp-swidnik",
        "Starostwo Powiatowe w Świdniku",
        "starostwo",
        "sw",
        (
            ("KAN", "Kancelaria"),
            ("OR", "Wydział Organizacyjny"),
            ("GK", "Wydział Geodezji i Kartografii"),
            ("AZ", "Archiwum zakładowe"),
        ),
    ),
    DemoTenant(
        "ug-melgiew",
        "Urząd Gminy Mełgiew",
        "gmina",
        "mg",
        (
            ("KAN", "Kancelaria"),
            ("OR", "Referat Organizacyjny"),
            ("RG", "Referat Gospodarki Komunalnej"),
            ("AZ", "Archiwum zakładowe"),
        ),
    ),
)

# (login suffix, full name, role, unit)
PEOPLE = (
    ("kancelaria", "Anna Nowak", Role.KANCELARIA, "KAN"),
    ("referent", "Piotr Wiśniewski", Role.REFERENT, "OR"),
    ("referent2", "Katarzyna Wójcik", Role.REFERENT, "OR"),
    ("kierownik", "Tomasz Kowalczyk", Role.KIEROWNIK, "OR"),
    ("sekretarz", "Magdalena Kamińska", Role.SEKRETARZ, "OR"),
    ("archiwista", "Ewa Lewandowska", Role.ARCHIWISTA, "AZ"),
    ("admin", "Administrator systemu", Role.ADMIN, "OR"),
)


def login(tenant: DemoTenant, suffix: str) -> str:
    return f"{tenant.prefix}.{suffix}"


def is_seeded(session: Session) -> bool:
    return session.execute(select(Tenant.id).limit(1)).first() is not None


def seed(session: Session, settings: Settings) -> Path:
    """Create the demo partnership; returns the credentials file."""
    entries = load_jrwa_file(DATA / "jrwa_demo.csv")
    creds: list[str] = []
    for t in TENANTS:
        admin.create_tenant(session, code=t.code, name=t.name, kind=t.kind)
        for code, name in t.units:
            admin.create_unit(session, tenant=t.code, code=code, name=name)
        for suffix, full_name, role, unit in PEOPLE:
            password = secrets.token_urlsafe(12)
            admin.create_user(session, login=login(t, suffix), full_name=full_name, password=password)
            admin.grant_role(session, login=login(t, suffix), tenant=t.code, unit=unit, role=role)
            creds.append(f"{login(t, suffix)}\t{password}\t{role.value}@{t.code}/{unit}")
        admin.import_jrwa(session, system_actor("seed"), tenant=t.code, entries=entries)
        # each office seals with its own e-seal (issued by the demo CA in ensure_keys)
        seals.import_p12(
            session,
            settings,
            system_actor("seed"),
            office=t.code,
            data=office_p12(settings, t.code).read_bytes(),
            password=(settings.keys_dir / "eseal.password").read_text(),
        )
    home = settings.resolved_home
    path = home / "demo-credentials.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("# ezd demo accounts (login, password, role) -- local demo only\n")
        fh.write("\n".join(creds) + "\n")
    return path


DEMO_CRL_URL = "http://127.0.0.1:8000/pki/{name}"
ESEAL_CA_CRL = "eseal-ca.crl"
ROOT_CA_CRL = "root-ca.crl"


def office_p12(settings: Settings, code: str) -> Path:
    return settings.keys_dir / f"eseal-{code}.p12"


def ensure_keys(settings: Settings) -> None:
    """Demo PKI: a test CA, an e-seal per demo office (eseal-<code>.p12) and a resident's key."""
    keys = settings.keys_dir
    if (keys / "eseal.p12").exists() and (keys / "resident.p12").exists():
        return  # an existing demo PKI is kept: documents already sealed verify against its CA
    from ezd.signatures.pki import create_demo_pki

    keys.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(16)
    fd = os.open(keys / "eseal.password", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password)
    # real revocation data that works offline: the certificates name CRLs that `ezd serve`
    # publishes under /pki/, and the same CRLs lie in the trust directory for `ezd verify`
    pki = create_demo_pki(
        keys,
        "Starostwo Powiatowe w Świdniku",
        password.encode(),
        org_identifier="VATPL-0000000001",
        crl_url=DEMO_CRL_URL.format(name=ESEAL_CA_CRL),
        intermediate_crl_url=DEMO_CRL_URL.format(name=ROOT_CA_CRL),
    )
    cert, key = pki.issue_eseal(
        "Mieszkaniec Demo", org_identifier="VATPL-0000000002", crl_url=DEMO_CRL_URL.format(name=ESEAL_CA_CRL)
    )
    (keys / "resident.p12").write_bytes(pki.pkcs12_bytes(cert, key, None))
    for n, t in enumerate(TENANTS, start=3):
        cert, key = pki.issue_eseal(t.name, org_identifier=f"VATPL-{n:010d}")
        office_p12(settings, t.code).write_bytes(pki.pkcs12_bytes(cert, key, password.encode()))
    trust = keys / "trust"
    trust.mkdir(exist_ok=True)
    shutil.copy(pki.ca_pem, trust / "ca.pem")
    (trust / ESEAL_CA_CRL).write_bytes(pki.crl(issuer="intermediate"))
    (trust / ROOT_CA_CRL).write_bytes(pki.crl(issuer="root"))
