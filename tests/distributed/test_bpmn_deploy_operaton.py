"""``ezd bpmn deploy`` on Operaton: the same checks as on the embedded engine (tests/office)."""

from __future__ import annotations

from pathlib import Path

from ezd.bootstrap import App
from tests.distributed.stack import distributed_app
from tests.office.test_bpmn_deploy import check_changed_only, check_refusals


def test_operaton_deploys_changed_files_only(tmp_path: Path, pg_url: str, engine_url: str) -> None:
    app: App = distributed_app(tmp_path / "ezd", pg_url, engine_url)
    try:
        check_changed_only(app, tmp_path)
        check_refusals(app, tmp_path)
    finally:
        app.db.dispose()
