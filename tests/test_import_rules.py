"""Import rules that import-linter cannot state: the domain core imports only the standard library.

The package-level rules (records, adapters, runners, the XML parser, ...) are import-linter
contracts in pyproject.toml, checked by ``lint-imports`` in CI; this test covers the third-party
half of "records imports only the standard library", which import-linter would need every
package named for.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import ezd.records

RECORDS = Path(ezd.records.__file__).resolve().parent


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module)
    return roots


def test_records_imports_only_the_standard_library_and_itself() -> None:
    files = sorted(RECORDS.glob("*.py"))
    assert len(files) > 5  # the checkout's records package, not an empty folder
    offending = {
        f"{path.name}: {name}"
        for path in files
        for name in _imported_roots(path)
        if not (name == "ezd.records" or name.startswith("ezd.records."))
        and name.split(".")[0] not in sys.stdlib_module_names
    }
    assert not offending, sorted(offending)


def test_the_rule_sees_a_third_party_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom ezd.db.tables import Tenant\nfrom . import errors\n")
    assert _imported_roots(bad) == {"sqlalchemy", "ezd.db.tables"}
