"""The backup drill of issue 18, on both stacks, through the installed ``ezd`` program.

Run a demo, ``ezd backup create``, ``ezd backup verify``, ``ezd backup restore`` into a new
home (and, distributed, a new PostgreSQL database on the same object-locked S3 buckets); then
``ezd audit verify`` and ``ezd fixity audit`` pass, ``ezd rpw list --json`` and ``ezd case list
--json`` are identical, and the next registration takes the next number. A damaged backup and a
non-empty home are refused with one Polish line and exit 2, and nothing is written.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ezd.archive_ops.devs3 import SeaweedS3
from tests.conftest import drop_scratch_database, embedded_env
from tests.helpers import letter

ROOT = Path(__file__).resolve().parents[2]


def ezd(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "ezd.cli.main", *args],
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def registers(env: dict[str, str]) -> tuple[object, object]:
    rpw = json.loads(ezd(env, "rpw", "list", "--json").stdout)
    cases = json.loads(ezd(env, "case", "list", "--json").stdout)
    return rpw, cases


def demo_and_backup(env: dict[str, str], folder: Path) -> tuple[object, object]:
    ezd(env, "demo", "-n", "1", "--json")
    before = registers(env)
    ezd(env, "backup", "create", str(folder))
    assert "kopia zapasowa OK" in ezd(env, "backup", "verify", str(folder)).stdout
    return before


def check_restored(env: dict[str, str], before: tuple[object, object], tmp_path: Path) -> None:
    assert ezd(env, "audit", "verify").returncode == 0
    assert ezd(env, "fixity", "audit").returncode == 0
    assert registers(env) == before
    rpw_before = before[0]
    assert isinstance(rpw_before, list)
    tenant = rpw_before[0]["tenant"]  # an office the demo registered letters in
    last = max(item["number"] for item in rpw_before if item["tenant"] == tenant)
    f = tmp_path / "pismo-po-odtworzeniu.xml"
    f.write_bytes(letter(77))
    out = json.loads(ezd(env, "register", str(f), "--tenant", tenant, "--json").stdout)
    assert out["rpw"].split("/")[1] == str(last + 1)  # registration goes on, no gap, no repeat


def refused(proc: subprocess.CompletedProcess[str], words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ezd: błąd: ") and words in lines[0], proc.stderr


@pytest.fixture(scope="module")
def embedded_backup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[object, object]]:
    base = tmp_path_factory.mktemp("backup-embedded")
    before = demo_and_backup(embedded_env(base / "home"), base / "kopia")
    return base / "kopia", before


def test_drill_embedded(embedded_backup: tuple[Path, tuple[object, object]], tmp_path: Path) -> None:
    folder, before = embedded_backup
    env = embedded_env(tmp_path / "nowy")
    out = ezd(env, "backup", "restore", str(folder)).stdout
    assert "przywrócono kopię" in out
    assert (tmp_path / "nowy" / "keys" / "eseal.password").stat().st_mode & 0o077 == 0  # keys stay 0600
    check_restored(env, before, tmp_path)
    refused(ezd(env, "backup", "restore", str(folder), check=False), "nie jest pusty")


def test_damaged_backup_is_refused(
    embedded_backup: tuple[Path, tuple[object, object]], tmp_path: Path
) -> None:
    folder = tmp_path / "kopia"
    shutil.copytree(embedded_backup[0], folder)
    key = folder / "home" / "keys" / "eseal.p12"
    raw = bytearray(key.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # one flipped byte in the office's e-seal key
    key.write_bytes(bytes(raw))
    refused(
        ezd(embedded_env(tmp_path / "x"), "backup", "verify", str(folder), check=False), "home/keys/eseal.p12"
    )
    home = tmp_path / "nowy"
    refused(ezd(embedded_env(home), "backup", "restore", str(folder), check=False), "uszkodzona")
    assert not home.exists() or not any(home.iterdir())  # nothing written from a damaged backup
    refused(
        ezd(embedded_env(home), "backup", "create", str(embedded_backup[0]), check=False), "nie jest pusty"
    )


@pytest.fixture
def second_database(pg_admin_url: str) -> Iterator[str]:
    name = f"ezd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{pg_admin_url.rsplit('/', 1)[0]}/{name}"
    drop_scratch_database(admin, name)
    admin.dispose()


def test_drill_postgresql_s3(pg_url: str, second_database: str, s3_server: SeaweedS3, tmp_path: Path) -> None:
    s3 = {
        "EZD_S3_ENDPOINT": s3_server.endpoint,
        "EZD_S3_ACCESS_KEY": s3_server.access_key,
        "EZD_S3_SECRET_KEY": s3_server.secret_key,
        # a fresh prefix: COMPLIANCE-locked test buckets can never be reused
        "EZD_S3_BUCKET_PREFIX": f"b{uuid.uuid4().hex[:10]}",
    }
    source = embedded_env(tmp_path / "home", EZD_DATABASE_URL=pg_url, **s3)
    before = demo_and_backup(source, tmp_path / "kopia")
    listed = json.loads((tmp_path / "kopia" / "s3-objects.json").read_text())
    assert listed and all(v["version_id"] and v["etag"] for v in listed)
    # the archived case's objects are under COMPLIANCE retention, and the list says until when
    assert any(v["retention_mode"] == "COMPLIANCE" and v["retain_until"] for v in listed)
    assert (tmp_path / "kopia" / "database" / "pgdump" / "toc.dat").is_file()
    target = embedded_env(tmp_path / "nowy", EZD_DATABASE_URL=second_database, **s3)
    ezd(target, "backup", "restore", str(tmp_path / "kopia"))
    check_restored(target, before, tmp_path)
    # the restored database is no longer empty: a second restore (even into an empty home) is refused
    again = embedded_env(tmp_path / "trzeci", EZD_DATABASE_URL=second_database, **s3)
    refused(ezd(again, "backup", "restore", str(tmp_path / "kopia"), check=False), "nie jest pusta")
