"""The EU reference validator (DSS) for comparison tests: tools/dss-cli built with Maven.

``scripts/test.sh`` builds the jar once (Maven Central, about three minutes the first time) and
it stays cached in ``tools/dss-cli/target/``; here it is only rebuilt, offline, when its sources
are newer than the jar.  The CLI reads key passwords from the environment, never from argv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI_DIR = ROOT / "tools" / "dss-cli"
JAR = CLI_DIR / "target" / "dss-cli.jar"


def _sources() -> list[Path]:
    return [CLI_DIR / "pom.xml", *sorted((CLI_DIR / "src").rglob("*.java"))]


def dss_jar() -> Path:
    """The built DSS CLI; builds it (Maven, offline: test.sh fetched the dependencies) if stale."""
    fresh = JAR.exists() and all(JAR.stat().st_mtime >= s.stat().st_mtime for s in _sources())
    if fresh:
        return JAR
    mvn = shutil.which("mvn")
    if mvn is None or shutil.which("java") is None:
        if os.environ.get("EZD_REQUIRE_SERVICES"):
            pytest.fail("Maven/Java missing: the DSS comparison needs them (scripts/test.sh installs them)")
        pytest.skip("Maven/Java not installed")
    proc = subprocess.run(
        [mvn, "-q", "-B", "-o", "-f", str(CLI_DIR / "pom.xml"), "package"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0 or not JAR.exists():
        msg = f"DSS CLI build failed (run scripts/test.sh once online):\n{proc.stdout[-3000:]}{proc.stderr[-2000:]}"
        if os.environ.get("EZD_REQUIRE_SERVICES"):
            pytest.fail(msg)
        pytest.skip(msg)
    return JAR


@dataclass(frozen=True)
class DssSignature:
    id: str
    indication: str
    subindication: str | None
    format: str | None
    errors: tuple[str, ...]


def _java(args: list[str], *, stdin: str | None = None, password: str | None = None) -> str:
    env = dict(os.environ)
    if password is not None:
        env["DSS_CLI_PASSWORD"] = password
    proc = subprocess.run(
        ["java", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(dss_jar()), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dss-cli {args[0]} failed: {proc.stderr[-3000:]}")
    return proc.stdout


def validate(files: list[tuple[Path, list[Path]]], trust: list[Path]) -> dict[Path, list[DssSignature] | str]:
    """DSS's simple-report verdicts per file (one JVM for all); a string when DSS raised."""
    args = ["validate"]
    for t in trust:
        args += ["--trust", str(t)]
    lines = "\n".join("\t".join([str(f), *map(str, det)]) for f, det in files) + "\n"
    out: dict[Path, list[DssSignature] | str] = {}
    for line in _java(args, stdin=lines).splitlines():
        rec = json.loads(line)
        path = Path(rec["file"])
        if "error" in rec:
            out[path] = rec["error"]
            continue
        out[path] = [
            DssSignature(s["id"], s["indication"], s["subindication"], s["format"], tuple(s["errors"]))
            for s in rec["signatures"]
        ]
    return out


@dataclass(frozen=True)
class SignJob:
    src: Path
    dst: Path
    p12: Path
    fmt: str = "XADES"
    packaging: str = "ENVELOPED"
    transform: str = "default"
    tsa_p12: Path | None = None

    def args(self) -> list[str]:
        out = [str(self.src), str(self.dst), "--p12", str(self.p12), "--format", self.fmt]
        out += ["--packaging", self.packaging, "--transform", self.transform]
        return out + (["--tsa-p12", str(self.tsa_p12)] if self.tsa_p12 is not None else [])


def sign_all(jobs: list[SignJob], password: str) -> None:
    """Run every signing job in one JVM (DSS's start-up dominates a single signature)."""
    lines = "\n".join("\t".join(j.args()) for j in jobs) + "\n"
    _java(["sign-batch"], stdin=lines, password=password)
    missing = [j.dst for j in jobs if not j.dst.exists()]
    if missing:
        raise RuntimeError(f"dss-cli sign-batch wrote no {missing}")
