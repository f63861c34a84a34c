"""A private SeaweedFS (``weed mini``) for tests and benchmarks: tmp folder, free loopback ports.

Production points ``EZD_S3_ENDPOINT`` at a real S3 service; ``scripts/services.sh start s3`` runs
the shared development instance on :8333.  This helper starts an isolated one so that test runs
never share buckets (COMPLIANCE locks cannot be removed, so test buckets must be throwaway).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "ezd-test-access"
SECRET_KEY = "ezd-test-secret-key"


def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class SeaweedS3:
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    log: Path | None = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None


def weed_available() -> bool:
    return shutil.which("weed") is not None


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except urllib.error.HTTPError:
        return True  # 403 for anonymous requests: the S3 API is up
    except OSError:
        return False
    return True


def start_seaweed(workdir: Path, timeout: float = 90.0) -> SeaweedS3:
    """Start ``weed mini`` in ``workdir`` with every port chosen free; wait until S3 answers."""
    workdir.mkdir(parents=True, exist_ok=True)
    (master, master_g, vol, vol_g, filer, filer_g, s3, s3_g, admin, admin_g, debug) = _free_ports(11)
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    log = workdir / "weed.log"
    cmd = [
        "weed",
        "mini",
        f"-dir={workdir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        f"-master.port={master}",
        f"-master.port.grpc={master_g}",
        f"-volume.port={vol}",
        f"-volume.port.grpc={vol_g}",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_g}",
        f"-filer.localSocket={workdir / 'filer.sock'}",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_g}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-admin.port={admin}",
        f"-admin.port.grpc={admin_g}",
        "-admin.ui=false",
        "-webdav=false",
        f"-debug.port={debug}",
    ]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    server = SeaweedS3(f"127.0.0.1:{s3}", ACCESS_KEY, SECRET_KEY, proc, log)
    deadline = time.monotonic() + timeout
    while not _answers(f"http://127.0.0.1:{s3}/"):
        if proc.poll() is not None:
            raise RuntimeError(f"weed mini exited with {proc.returncode}; see {log}")
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"SeaweedFS S3 did not answer within {timeout:.0f}s; see {log}")
        time.sleep(0.3)
    return server
