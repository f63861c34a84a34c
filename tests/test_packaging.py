"""The installed package: one ``ezd`` namespace, and everything the office needs inside the wheel.

Built from this checkout with ``pip wheel`` into a fresh venv (no index needed: the venv reuses
the test environment's site-packages for the dependencies), then exercised from a directory
outside the checkout, so nothing is imported from the source tree by accident.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP_LEVEL = ("records", "workflow", "signatures", "storage", "workers")


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    res = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)],
        cwd=out,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    (whl,) = out.glob("ezd-*.whl")
    return whl


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; dependencies come from the test environment."""
    target = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(target)
    py = target / "bin" / "python"
    site = _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=target)
    purelib = Path(site.stdout.strip())
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    # The test venv's site-packages (dependencies only: the editable ezd is a path hook, which a
    # .pth of plain paths does not bring along) sits behind the venv's own.
    (purelib / "deps.pth").write_text("\n".join(ours) + "\n")
    res = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        cwd=target,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return py


def test_wheel_carries_bpmn_templates_static_migrations_and_no_top_level_packages(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names}
    assert not tops & set(TOP_LEVEL), sorted(tops)
    assert {"ezd"} <= tops
    for sub in TOP_LEVEL:
        assert f"ezd/{sub}/__init__.py" in names
    assert any(n.startswith("ezd/bpmn/") and n.endswith(".bpmn") for n in names)
    assert sorted(p.name for p in (ROOT / "bpmn").glob("*.bpmn")) == sorted(
        n.rsplit("/", 1)[1] for n in names if n.startswith("ezd/bpmn/") and n.endswith(".bpmn")
    )
    assert any(n.startswith("ezd/web/templates/") for n in names)
    assert any(n.startswith("ezd/web/static/") for n in names)
    assert any(n.startswith("ezd/migrations/versions/") and n.endswith(".py") for n in names)
    shipped = {n.removeprefix("ezd/") for n in names}
    for data in (ROOT / "ezd" / "data").rglob("*"):
        if data.is_file():
            assert str(data.relative_to(ROOT / "ezd")) in shipped, data


def test_installed_wheel_imports_only_under_ezd_and_runs_the_demo(installed: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EZD_") and k != "PYTHONPATH"}
    env.update(EZD_HOME=str(tmp_path / "home"), EZD_OBJECT_FSYNC="false")
    probe = "; ".join(f"import ezd.{m}" for m in TOP_LEVEL) + "; import ezd; print(ezd.__file__)"
    res = _run([str(installed), "-c", probe], cwd=tmp_path, env=env)
    assert res.returncode == 0, res.stderr
    assert str(ROOT) not in res.stdout, res.stdout
    for name in TOP_LEVEL:
        res = _run([str(installed), "-c", f"import {name}"], cwd=tmp_path, env=env)
        assert res.returncode != 0 and "ModuleNotFoundError" in res.stderr, (name, res.stdout, res.stderr)
    res = _run([str(installed.parent / "ezd"), "demo", "--documents", "2"], cwd=tmp_path, env=env)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    assert "not deployed" not in res.stdout + res.stderr


def test_editable_install_has_no_top_level_packages(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    res = _run(
        [sys.executable, "-c", "import ezd.records, ezd.workflow.port; print('ok')"], cwd=tmp_path, env=env
    )
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr
    for name in TOP_LEVEL:
        res = _run([sys.executable, "-c", f"import {name}"], cwd=tmp_path, env=env)
        assert res.returncode != 0 and "ModuleNotFoundError" in res.stderr, (name, res.stderr)
