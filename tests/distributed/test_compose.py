"""docker-compose.yml: valid for Docker Compose (when a compose CLI is installed) and complete."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = {"postgres", "rabbitmq", "minio", "engine", "api", "workers", "celery", "beat"}


def _compose_cli() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def _example_env() -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "")}
    for line in (ROOT / "deploy" / "compose.env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key] = value
    return env


def test_docker_compose_config() -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no docker compose CLI here; the structure is checked by test_compose_structure")
    ok = subprocess.run(
        [*cli, "-f", str(COMPOSE), "config", "-q"],
        env=_example_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    # secrets have no defaults: without them compose refuses the file
    bare = subprocess.run(
        [*cli, "-f", str(COMPOSE), "config", "-q"],
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bare.returncode != 0 and "POSTGRES_PASSWORD" in bare.stderr + bare.stdout


def test_compose_structure() -> None:
    doc = yaml.safe_load(COMPOSE.read_text())
    services = doc["services"]
    assert set(services) == SERVICES
    for name, svc in services.items():
        assert "healthcheck" in svc, f"{name} has no health check"
        assert svc["healthcheck"]["test"], name
        image = svc.get("image", "")
        if "build" not in svc:
            repo, _, tag = image.rpartition(":")
            assert repo and tag and tag != "latest", f"{name}: image {image!r} is not pinned"
    # named volumes only, declared at the top level
    declared = set(doc["volumes"])
    for name, svc in services.items():
        for volume in svc.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source.startswith("./") or source in declared, (name, volume)
    # the engine is built from this repository; the app image runs api, workers and beat
    assert services["engine"]["build"]["context"] == "./engine"
    assert (ROOT / "engine" / "Dockerfile").is_file() and (ROOT / "Dockerfile").is_file()
    assert services["api"]["command"][:4] == ["ezd", "serve", "--host", "0.0.0.0"]
    assert services["workers"]["command"][:3] == ["ezd", "worker", "external"]
    assert services["beat"]["command"] == ["ezd", "worker", "beat"]
    # settings by environment, dependencies wait for health
    for name in ("api", "workers", "celery", "beat"):
        env = services[name]["environment"]
        assert {"EZD_DATABASE_URL", "EZD_ENGINE_URL", "EZD_BROKER_URL", "EZD_S3_ENDPOINT"} <= set(env)
        assert all(dep["condition"] == "service_healthy" for dep in services[name]["depends_on"].values())
