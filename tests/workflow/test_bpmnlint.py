"""bpmnlint over ezd's diagrams (npm, ``tools/bpmnlint``: ``recommended`` plus ``camunda-compat``
for Camunda 7 / Operaton), run with the test suite so CI lints every BPMN change."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "bpmnlint"
BIN = TOOL / "node_modules" / ".bin" / "bpmnlint"


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    if not BIN.exists():
        need_service("bpmnlint is not installed: npm ci --prefix tools/bpmnlint")
    # run from its folder: bpmnlint finds .bpmnlintrc and the plugin relative to the working directory
    return subprocess.run(
        [str(BIN), *map(str, paths)], cwd=TOOL, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_diagrams_pass_bpmnlint() -> None:
    done = _lint(*sorted((ROOT / "bpmn").glob("*.bpmn")))
    assert done.returncode == 0, done.stdout + done.stderr


def test_bpmnlint_refuses_a_broken_diagram(tmp_path: Path) -> None:
    broken = tmp_path / "broken.bpmn"
    text = (ROOT / "bpmn" / "incoming.bpmn").read_text(encoding="utf-8")
    broken.write_text(text.replace(' name="Weryfikacja podpisu"', ""), encoding="utf-8")
    done = _lint(broken)
    assert done.returncode != 0 and "label-required" in done.stdout, done.stdout + done.stderr
