"""``ezd archive export`` / ``ezd archive import`` run as a user would run them."""

from __future__ import annotations

import json
from pathlib import Path

from ezd.archive_ops.bagit_export import validate_bag
from tests.test_cli import ezd


def test_export_then_import_via_cli(tmp_path: Path, nes_samples: Path) -> None:
    home = tmp_path / "ezd"
    demo = json.loads(ezd(home, "demo", "--documents", "4", "--json").stdout)
    assert demo["cases_archived"] == 4
    out = tmp_path / "paczka"
    done = ezd(home, "archive", "export", "-t", "sp-swidnik", "--out", str(out), "--tar")
    assert "BagIt poprawny" in done.stdout and validate_bag(out) == []
    assert (tmp_path / "paczka.tar").is_file() and list((out / "data" / "sprawy").iterdir())
    imported = json.loads(
        ezd(home, "archive", "import", str(tmp_path / "paczka.tar"), "-t", "ug-melgiew", "--json").stdout
    )
    assert imported["imported"] and imported["cases"] and imported["issues"] == []
    hits = json.loads(ezd(home, "archive", "search", "--tenant", "ug-melgiew", "--json").stdout)["hits"]
    assert set(imported["cases"]) <= {h["case_sign"] for h in hits}

    refused = ezd(
        home,
        "archive",
        "import",
        str(nes_samples / "paczka_archiwalna_48.tar.extracted"),
        "-t",
        "ug-melgiew",
        check=False,
    )
    assert refused.returncode == 2
    assert (
        "metadane/Dok_58164_5870.docx.xml" in refused.stderr
        and "niczego nie zarejestrowano" in refused.stderr
    )
    dry = ezd(
        home,
        "archive",
        "import",
        str(nes_samples / "paczka_archiwalna_48.tar.extracted"),
        "-t",
        "ug-melgiew",
        "--accept-invalid",
        "--dry-run",
    )
    assert "do zaimportowania: 2 sprawy" in dry.stdout
    ok = ezd(
        home,
        "archive",
        "import",
        str(nes_samples / "paczka_archiwalna_48.tar.extracted"),
        "-t",
        "ug-melgiew",
        "--accept-invalid",
    )
    assert "zaimportowano: 2 sprawy, 3 dokumenty, 7 plików metadanych" in ok.stdout
