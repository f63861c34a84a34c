"""Web latency benchmark: p99 of the task list and the case view with 20 signed-in users.

* prepares a seeded embedded home (demo partnership, ``--archived`` letters driven to the
  archive for history, and ``--open`` open cases spread over 20 referents),
* starts ``ezd serve`` on a free 127.0.0.1 port as a separate process,
* from this process, 20 threads (one signed-in user each) alternate
  ``GET /api/v1/tasks`` and ``GET /api/v1/tenants/sp-swidnik/cases/<sign>`` for ``--seconds``
  (or until ``--max-requests``), pausing ``--think`` seconds on average between clicks
  (``--think 0``: flat out, a saturation test), then prints p50/p95/p99 per endpoint.

Target: p99 ≤ 100 ms.  Run: ``python bench/bench_web.py [--seconds 20]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import httpx

T = "sp-swidnik"
USERS = 20
PASSWORD = "bench-password-123"


def prepare(home: Path, archived: int, open_cases: int) -> dict[str, list[str]]:
    """Seed, drive history, and give each bench user some open cases; returns login → signs."""
    from ezd.bootstrap import bootstrap
    from ezd.config import Settings
    from ezd.db.migrate import upgrade
    from ezd.demo import letters
    from ezd.demo.driver import Demo
    from ezd.records.tenancy import Role
    from ezd.services import admin, cases, intake
    from ezd.services.lookup import item_by_sign, tenant_by_code

    app = bootstrap(Settings(home=home, object_fsync=False, sqlite_synchronous="NORMAL"))  # type: ignore[call-arg]
    upgrade(app.db, "heads")
    demo = Demo(app)
    demo.run(archived)
    logins = [f"bench.r{k:02d}" for k in range(1, USERS + 1)]
    with app.uow() as uow:
        for login in logins:
            admin.create_user(uow.session, login=login, full_name=f"Referent {login}", password=PASSWORD)
            admin.grant_role(uow.session, login=login, tenant=T, unit="OR", role=Role.REFERENT)
        uow.commit()
    rng = random.Random(5)
    kanc = demo.actor("sw.kancelaria")
    boss = demo.actor("sw.kierownik")
    mine: dict[str, list[str]] = {login: [] for login in logins}
    for n in range(open_cases):
        login = logins[n % USERS]
        xml, jrwa = letters.incoming_letter(rng, "Starostwo Powiatowe w Świdniku", 1000 + n, date.today())
        reg = demo.step(
            lambda d, x=xml, k=n: intake.register_incoming(d, kanc, tenant=T, data=x, filename=f"b{k}.xml")
        )
        demo.work()
        demo.step(lambda d, r=reg.sign: intake.decree(d, kanc, tenant=T, rpw=r, unit="OR"))
        demo.step(
            lambda d, r=reg.sign, who=login: intake.assign_referent(d, boss, tenant=T, rpw=r, referent=who)
        )
        ref = demo.actor(login)
        demo.step(lambda d, r=reg.sign, j=jrwa, a=ref: cases.case_decision(d, a, tenant=T, rpw=r, jrwa=j))
        demo.work()

        def sign_of(d, r=reg.sign):  # type: ignore[no-untyped-def]
            from ezd.db.tables import CaseFile

            item = item_by_sign(d.session, tenant_by_code(d.session, T).id, r)
            return d.session.get(CaseFile, item.case_id).sign

        mine[login].append(demo.step(sign_of))
    app.db.dispose()
    return mine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "EZD_HOME": str(home),
        "EZD_SQLITE_SYNCHRONOUS": "NORMAL",
        "EZD_OBJECT_FSYNC": "false",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ezd.cli.main",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/public/offices", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"ezd serve did not start: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def load(
    base: str, mine: dict[str, list[str]], seconds: float, max_requests: int, think: float
) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {"tasks": [], "case": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    budget = [max_requests]
    tokens: dict[str, str] = {}
    for login in mine:
        r = httpx.post(f"{base}/api/v1/auth/login", json={"login": login, "password": PASSWORD}, timeout=30)
        r.raise_for_status()
        tokens[login] = r.json()["token"]
    barrier = threading.Barrier(len(mine))

    def user(login: str) -> None:
        client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens[login]}"}, timeout=30)
        signs = mine[login] or ["OR.0000.1.2000"]
        pause = random.Random(login)
        barrier.wait()
        if think > 0:  # people do not all click in the same millisecond
            time.sleep(pause.uniform(0, think))
        k = 0
        while time.monotonic() < stop_at:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            kind = "tasks" if k % 2 == 0 else "case"
            url = (
                "/api/v1/tasks"
                if kind == "tasks"
                else f"/api/v1/tenants/{T}/cases/{signs[k // 2 % len(signs)]}"
            )
            started = time.perf_counter()
            r = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if r.status_code != 200:
                    errors.append(f"{kind} {r.status_code}")
                timings[kind].append(elapsed)
            k += 1
            if think > 0:  # a person reads the page before the next click
                time.sleep(pause.expovariate(1 / think))
        client.close()

    threads = [threading.Thread(target=user, args=(login,)) for login in mine]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"errors: {len(errors)} (first: {errors[:3]})", file=sys.stderr)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument(
        "--archived", type=int, default=40, help="letters driven to the archive first (history)"
    )
    parser.add_argument(
        "--open", dest="open_cases", type=int, default=60, help="open cases over the 20 users"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a user spends on a page between requests (0 = flat out)",
    )
    parser.add_argument("--home", type=Path, help="keep the prepared home here (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ezd-bench-web-") as tmp:
        home = args.home or Path(tmp) / "ezd"
        t0 = time.perf_counter()
        mine = prepare(home, args.archived, args.open_cases)
        print(
            f"prepared {args.archived} archived + {args.open_cases} open cases"
            f" in {time.perf_counter() - t0:.1f}s"
        )
        port = free_port()
        server = start_server(home, port)
        try:
            started = time.perf_counter()
            timings = load(f"http://127.0.0.1:{port}", mine, args.seconds, args.max_requests, args.think)
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)
    result = {
        "users": USERS,
        "think_s": args.think,
        "seconds": round(wall, 1),
        "requests": sum(len(v) for v in timings.values()),
        "throughput_rps": round(sum(len(v) for v in timings.values()) / wall, 1),
    }
    for kind, values in timings.items():
        if values:
            result[kind] = {
                "n": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 95), 1),
                "p99_ms": round(percentile(values, 99), 1),
                "max_ms": round(max(values), 1),
            }
    target = all(result[k]["p99_ms"] <= 100 for k in ("tasks", "case") if k in result)  # type: ignore[index]
    result["target_p99_le_100ms"] = target
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
