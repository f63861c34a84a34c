"""Lending with access log, and fixity audits (service and CLI) over a demo office's real archive."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ezd.archive_ops.fixity import run_audit
from ezd.archive_ops.lending import give_back, lend, overdue
from ezd.archive_ops.periodic import fixity_sample, retention_due
from ezd.bootstrap import App
from ezd.db.tables import AccessLog, MetrykaEntry
from ezd.db.tables_archive import ArchiveEntry
from ezd.demo.driver import Demo
from ezd.records.errors import InvalidState, PermissionDenied
from ezd.services.audit import verify_all
from ezd.storage.local import LocalObjectStore
from tests.helpers import actor


@pytest.fixture
def archived(seeded_app: App) -> App:
    result = Demo(seeded_app).run(4)
    assert result.cases_archived >= 2
    return seeded_app


def _first_entry(app: App) -> tuple[str, str]:
    with app.uow() as uow:
        e = uow.session.execute(select(ArchiveEntry).order_by(ArchiveEntry.id)).scalars().first()
        assert e is not None
        from ezd.db.tables import Tenant

        t = uow.session.get(Tenant, e.tenant_id)
        assert t is not None
        return t.code, e.case_sign


def test_archived_cases_are_registered_and_searchable(archived: App) -> None:
    from ezd.archive_ops.search import SearchQuery, search

    tenant, sign = _first_entry(archived)
    with archived.uow() as uow:
        entry = uow.session.execute(select(ArchiveEntry).where(ArchiveEntry.case_sign == sign)).scalar_one()
        assert entry.objects
        assert (entry.retention_until is None) == (entry.category == "A")
        hits = search(uow.session, SearchQuery(entry.title.split()[0], tenant=tenant)).hits
    assert sign in [h.case_sign for h in hits]


def test_lend_and_return_are_logged(archived: App) -> None:
    tenant, sign = _first_entry(archived)
    archivist = actor(archived, "sw.archiwista" if tenant == "sp-swidnik" else "mg.archiwista")
    referent = actor(archived, "sw.referent" if tenant == "sp-swidnik" else "mg.referent")
    with archived.uow() as uow, pytest.raises(PermissionDenied):
        lend(uow.session, referent, tenant=tenant, case_sign=sign, borrower="x", due_on=date.today())
    with archived.uow() as uow:
        lend(
            uow.session,
            archivist,
            tenant=tenant,
            case_sign=sign,
            borrower="Piotr Wiśniewski (OR)",
            due_on=date.today() + timedelta(days=14),
            purpose="skarga do WSA",
        )
        uow.commit()
    with archived.uow() as uow, pytest.raises(InvalidState, match="already lent"):
        lend(uow.session, archivist, tenant=tenant, case_sign=sign, borrower="ktoś", due_on=date.today())
    with archived.uow() as uow:
        assert [e.case_sign for e, _ in overdue(uow.session, date.today() + timedelta(days=15))] == [sign]
        give_back(uow.session, archivist, tenant=tenant, case_sign=sign)
        uow.commit()
    with archived.uow() as uow:
        logged = (
            uow.session.execute(select(AccessLog.actor).where(AccessLog.object_ref == sign)).scalars().all()
        )
        actions = set(uow.session.execute(select(MetrykaEntry.action)).scalars())
        assert overdue(uow.session, date.today() + timedelta(days=15)) == []
        assert verify_all(uow.session)[2] is None
    assert logged == [archivist.login]
    assert {"udostepnienie", "zwrot_udostepnienia"} <= actions


def test_fixity_finds_corrupted_and_missing_objects(archived: App) -> None:
    store = archived.store
    assert isinstance(store, LocalObjectStore)
    clean = run_audit(archived)
    assert not clean.damaged and clean.checked > 5
    digests = sorted(store.iter_digests())
    bad, gone = digests[0], digests[1]
    path = store.path_of(bad)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b"!")
    store.path_of(gone).unlink()
    report = run_audit(archived)
    assert report.corrupted == [bad]
    assert report.missing == [gone]
    with archived.uow() as uow:
        audits = (
            uow.session.execute(
                select(MetrykaEntry)
                .where(MetrykaEntry.action == "audyt_integralnosci")
                .order_by(MetrykaEntry.id)
            )
            .scalars()
            .all()
        )
        assert audits[-1].details["corrupted"] == 1 and audits[-1].details["missing"] == 1
        assert verify_all(uow.session)[2] is None
    sampled = fixity_sample(archived, 10)
    assert 1 <= sampled["checked"] < clean.checked


def test_fixity_cli_exit_code(archived: App, tmp_path: Path) -> None:
    from tests.conftest import embedded_env

    env = embedded_env(archived.settings.resolved_home)
    cmd = [sys.executable, "-m", "ezd.cli.main", "fixity", "audit"]
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    store = archived.store
    assert isinstance(store, LocalObjectStore)
    victim = store.path_of(next(iter(store.iter_digests())))
    victim.chmod(0o644)
    victim.write_bytes(b"bit rot")
    bad = subprocess.run([*cmd, "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "uszkodzone 1 obiekt" in bad.stderr and "incydent" in bad.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "ezd.cli.main", "fixity", "incidents"], env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0 and "obiekt uszkodzony" in listed.stdout


def test_fixity_report_names_cases_and_documents_and_raises_an_incident(archived: App) -> None:
    from ezd.archive_ops.fixity_report import incidents
    from ezd.db.tables import Attachment, CaseFile, Document, DocumentVersion

    store = archived.store
    assert isinstance(store, LocalObjectStore)
    with archived.uow() as uow:
        s = uow.session
        case = (
            s.execute(select(CaseFile).where(CaseFile.state == "archived").order_by(CaseFile.id))
            .scalars()
            .first()
        )
        assert case is not None
        doc = s.execute(
            select(Document).where(Document.case_id == case.id, Document.direction == "outgoing")
        ).scalar_one()
        version = (
            s.execute(
                select(DocumentVersion)
                .where(DocumentVersion.document_id == doc.id)
                .order_by(DocumentVersion.version.desc())
            )
            .scalars()
            .first()
        )
        upp = (
            s.execute(
                select(Attachment)
                .join(Document)
                .where(Document.case_id == case.id, Attachment.filename.like("UPP%"))
            )
            .scalars()
            .first()
        )
        assert version is not None and upp is not None
        sign, title, v_digest, v_no, a_digest, a_name = (
            case.sign,
            doc.title,
            version.sha256,
            version.version,
            upp.sha256,
            upp.filename,
        )
    path = store.path_of(v_digest)
    path.chmod(0o644)
    raw = path.read_bytes()
    path.write_bytes(bytes([raw[0] ^ 1]) + raw[1:])
    store.path_of(a_digest).unlink()
    report = run_audit(archived)
    labels = [a.label for a in report.affected]
    assert any(
        a.case_sign == sign
        and a.document == title
        and a.what.startswith(f"wersja {v_no}")
        and a.verdict == "corrupted"
        for a in report.affected
    ), labels
    assert any(
        a.case_sign == sign and a_name in a.what and a.verdict == "missing" for a in report.affected
    ), labels
    assert all("sprawa" in lbl or "spis" in lbl or "obiekt" in lbl for lbl in labels)
    assert report.incidents >= 1
    with archived.uow() as uow:
        raised = incidents(uow.session)
        assert sign in raised[0].cases and any(a.digest == v_digest for a in raised[0].affected)
        assert verify_all(uow.session)[2] is None  # the incident is an ordinary, hash-chained entry


def test_retention_due_lists_b_records(archived: App) -> None:
    due_now = retention_due(archived, date.today())
    due_later = retention_due(archived, date(date.today().year + 60, 1, 1))
    assert due_now == {}
    assert sum(len(v) for v in due_later.values()) >= 1
