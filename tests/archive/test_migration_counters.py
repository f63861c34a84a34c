"""Migration 0010_archive_counters: the counters go on from the disposal and spis numbers given before."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from ezd.db.migrate import upgrade


def test_counters_are_seeded_from_the_numbers_given_before(tmp_path: Path) -> None:
    eng = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    # every branch as it was before 0006 (the archive branch and the KPA one)
    for rev in ("0002_archive", "0005_kpa"):
        upgrade(eng, rev)
    with eng.begin() as conn:
        conn.execute(
            text("INSERT INTO tenant (id, code, name, kind) VALUES (1, 'sp-swidnik', 'Starostwo', 'gmina')")
        )
        for n in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO disposal_request (tenant_id, year, number, status, created_at, created_by,"
                    " request_sha256) VALUES (1, 2025, :n, 'executed', CURRENT_TIMESTAMP, 'a', :d)"
                ),
                {"n": n, "d": "0" * 64},
            )
        conn.execute(
            text(
                "INSERT INTO transfer_list (tenant_id, unit_code, year, number, created_at, created_by,"
                " xml_sha256, html_sha256) VALUES (1, 'OR', 2025, 7, CURRENT_TIMESTAMP, 'a', :d, :d)"
            ),
            {"d": "0" * 64},
        )
    upgrade(eng, "heads")
    with eng.connect() as conn:
        rows = conn.execute(text("SELECT kind, year, last FROM counter ORDER BY kind")).all()
    eng.dispose()
    assert [tuple(r) for r in rows] == [("BRAK", 2025, 3), ("SPIS", 2025, 7)]
