"""Each bench/fuzz.py harness runs briefly in CI (issue 18): libFuzzer drives it for a bounded
number of executions and must finish without a finding (a crash, a run over 1 s, the memory cap)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# executions per harness: about 20,000 where one run is cheap; fewer where a run parses a signed
# document or writes an archive out, to keep the whole file near a minute on the 2-core CI machine
RUNS = {"juel": 20_000, "email": 2_000, "xml": 5_000, "bpmn": 5_000, "xades": 4_000, "unpack": 3_000}


@pytest.mark.parametrize("target", sorted(RUNS))
def test_harness_runs_clean(tmp_path: Path, target: str) -> None:
    try:
        import atheris  # noqa: F401
    except ImportError:
        if os.environ.get("EZD_REQUIRE_SERVICES"):
            pytest.fail("atheris missing: scripts/test.sh installs the fuzz extra")
        pytest.skip("atheris not installed (pip install -e .[fuzz])")
    runs = RUNS[target]
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "fuzz.py"),
            target,
            "--runs",
            str(runs),
            "--corpus",
            str(tmp_path / "c"),
            "--seed",
            "1",  # the same mutations each run: the test does not depend on luck
        ],
        cwd=tmp_path,  # libFuzzer writes any crash-*/timeout-* file here
        capture_output=True,
        text=True,
        timeout=600,
    )
    found = proc.stderr.find("Traceback")
    assert proc.returncode == 0, proc.stderr[found : found + 4000] if found >= 0 else proc.stderr[-4000:]
    done = re.search(r"stat::number_of_executed_units: (\d+)", proc.stderr)
    assert done is not None and int(done.group(1)) >= runs, proc.stderr[-2000:]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
