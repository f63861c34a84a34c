"""End-to-end cases/s on the distributed stack vs. the same BPMN on the bare engine.

    eval "$(scripts/services.sh start all)"
    python bench/bench_distributed.py [--documents 20] [--clerks 1,4] [--rounds 3] [--warmup 2]
                                      [--workers 1] [--slots 4] [--no-celery]

1. Distributed: a fresh PostgreSQL database and Operaton tenant, ``ezd worker external``
   processes (+ ``ezd worker celery`` when EZD_BROKER_URL is set; objects on S3 when
   EZD_S3_ENDPOINT is set), and the demo driver doing every person's step through the
   service layer (``Demo.run``): intake, case or attach-to-case, approval (every 5th returned
   once), e-seal, dispatch, delivery receipt, close, archive transfer.
2. Bare engine: the same three BPMN files in another tenant and the SAME sequence of engine
   calls for the same letters (same paths through the processes, same user-task REST pattern,
   same ``wait_idle`` after each step), with no-op workers that complete each external task at
   once (the create-case worker starts the case process, as the real handler does).

Both sides count archived cases per second of the timed run (``--warmup`` letters are run
first on each side and not timed). Before either side, ``--engine-warmup`` letters go through
the bare sequence untimed: the distributed side runs first, and on a freshly started engine its
JVM would still be compiling (JIT) the REST and persistence paths that the bare side, run
second, then finds hot. Each value of ``--clerks`` (default ``1,4``) is one measurement of
both sides. With one clerk both runs are sequential (one driver), so the figures are per-case
latency expressed as a rate. N clerks are N drivers at once on each side, each with
``--documents`` letters, waiting only for the processes of its own
letter or case (``wait_idle(business_keys=...)``); the no-op workers then get workers x slots
concurrent completions, as many as the ezd workers can run: that is throughput, with the two
cores of this machine shared by the engine, PostgreSQL, S3 and the workers. Prints both rates
and the ratio distributed/bare (target >= 50 %). The machine's speed drifts from run to run (the
bare engine's own rate moved by a third between runs of this command), so each measurement is
made ``--rounds`` times, the two sides alternating; every round is printed and the summary line
gives the median round.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ezd.bootstrap import bootstrap  # noqa: E402
from ezd.config import Settings  # noqa: E402
from ezd.db.migrate import upgrade  # noqa: E402
from ezd.demo.driver import Demo, DemoResult  # noqa: E402
from ezd.jobs.handlers import HANDLERS  # noqa: E402
from ezd.workers.external import wait_idle  # noqa: E402
from ezd.workflow.operaton import OperatonEngine  # noqa: E402
from tests.conftest import drop_scratch_database  # noqa: E402
from tests.distributed.stack import Proc, stack_env  # noqa: E402

PG_ADMIN = os.environ.get("EZD_TEST_POSTGRES_URL", "postgresql+psycopg://ezd:ezd@127.0.0.1:5432/ezd")
ENGINE_URL = os.environ.get("EZD_ENGINE_URL", "http://127.0.0.1:8080/engine-rest")


def distributed(
    documents: int,
    workers: int,
    slots: int,
    celery: bool,
    work_dir: Path,
    warmup: int = 0,
    clerks: int = 1,
) -> dict[str, Any]:
    name = f"ezd_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    settings = Settings(
        home=work_dir / "ezd",
        database_url=db_url,
        engine_url=ENGINE_URL,
        engine_tenant=f"bench-{uuid.uuid4().hex[:8]}",
        object_fsync=False,
        broker_url=os.environ.get("EZD_BROKER_URL") if celery else None,
    )
    app = bootstrap(settings)
    upgrade(app.db, "heads")
    extra = {"EZD_CELERY_QUEUE_PREFIX": f"ezd-bench-{uuid.uuid4().hex[:6]}"}
    if celery and settings.broker_url:
        extra["EZD_BROKER_URL"] = settings.broker_url
    env = stack_env(app, **extra)
    procs = [
        Proc(
            ["worker", "external", "--slots", str(slots), "--log-level", "WARNING"],
            env,
            work_dir / f"w{i}.log",
        )
        for i in range(workers)
    ]
    if "EZD_BROKER_URL" in extra:
        procs.append(
            Proc(
                ["worker", "celery", "--concurrency", "1", "--log-level", "WARNING"], env, work_dir / "c.log"
            )
        )
    try:
        time.sleep(6 if "EZD_BROKER_URL" in extra else 3)  # workers connect
        demo = Demo(app)
        demo.prepare()
        if warmup:
            demo.run(warmup)
        result = demo.run(documents) if clerks == 1 else _concurrently(app, documents, clerks)
    finally:
        for p in procs:
            p.stop()
        app.db.dispose()
        drop_scratch_database(admin, name)
        admin.dispose()
    return {**result.as_dict(), "celery": "EZD_BROKER_URL" in extra}


def _concurrently(app: Any, documents: int, clerks: int) -> DemoResult:
    """``clerks`` demo drivers at once, each with its own letters (documents // clerks)."""
    from concurrent.futures import ThreadPoolExecutor

    drivers = [Demo(app, seed_value=2026 + i, shared=True) for i in range(clerks)]
    started = time.perf_counter()
    with ThreadPoolExecutor(clerks) as pool:
        results = list(pool.map(lambda d: d.run(documents // clerks, prepare=False), drivers))
    total = DemoResult(elapsed_s=time.perf_counter() - started)
    for r in results:
        total.documents += r.documents
        total.signed_incoming += r.signed_incoming
        total.cases_opened += r.cases_opened
        total.attached_to_existing += r.attached_to_existing
        total.returned_for_changes += r.returned_for_changes
        total.cases_archived += r.cases_archived
    return total


class NoopWorkers:
    """Complete every external task at once; create-case starts the case process.

    The same REST pattern as the real worker: one fetchAndLock for all topics (long polling),
    then complete; create-case looks for an existing case process and starts it, as the
    handler's deferred start does (:func:`ezd.workers._external_deferred.replay`).
    """

    def __init__(self, engine: OperatonEngine, threads: int, max_tasks: int = 4) -> None:
        self.engine = engine
        self.max_tasks = max_tasks
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(threads)]

    def __enter__(self) -> NoopWorkers:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(10)

    def _loop(self) -> None:
        eng = self.engine.clone()
        while not self.stop.is_set():
            for task in eng.fetch_external_tasks(
                list(HANDLERS), self.max_tasks, async_response_timeout_ms=1000
            ):
                out: dict[str, Any] = {}
                if task.topic == "ezd.create-case":
                    tenant = task.variables["tenant"]
                    sign = f"OR.0122.{task.variables['rpw'].split('/')[1]}.2026"
                    key = f"{tenant}/{sign}"
                    if not eng.find_instances(key, "ezd_case"):
                        eng.start(
                            "ezd_case",
                            key,
                            {
                                "tenant": tenant,
                                "case_sign": sign,
                                "unit": "OR",
                                "referent": "ref",
                                "head_group": "heads",
                                "reminder_after": "P23D",
                                "opinion_groups": [],
                                "chain_done": True,
                            },
                        )
                    out = {"case_sign": sign}
                eng.complete_external_task(task.id, out)


def bare(documents: int, threads: int, warmup: int = 0, clerks: int = 1, slots: int = 4) -> dict[str, Any]:
    """The demo's sequence of engine calls (``Demo.run``) with no-op workers.

    Step for step what the service layer sends the engine for the same letters: the incoming
    process per letter; decree, referent, case decision (letters 6/7 of ten open a case that
    waits, 8/9 are attached to it: the attach-to-case path); draft, approval (every 5th
    returned once), delivery message, archive transfer; and, after each step that hands work
    to the workers, the same :func:`ezd.workers.external.wait_idle`. What is missing is exactly
    the work of ezd itself: the database, the documents, signatures, metryka.

    With ``clerks`` > 1 that many drivers run at once, each waiting for the processes of its
    own letter or case (as ``Demo(shared=True)``), and the no-op workers get as many
    concurrent completions as the ezd workers have slots.
    """
    engine = OperatonEngine(
        ENGINE_URL,
        os.environ.get("EZD_ENGINE_USER", "ezd"),
        os.environ.get("EZD_ENGINE_PASSWORD", "ezd-dev"),
        tenant_id=f"bare-{uuid.uuid4().hex[:8]}",
    )
    engine.deploy(sorted((ROOT / "bpmn").glob("*.bpmn")))
    tenants = ("sp", "ug")
    counter = iter(range(1, 1_000_000))
    local = threading.local()

    def work(*keys: str) -> None:
        wait_idle(None, engine=local.engine, business_keys=keys if clerks > 1 else ())

    def complete(key: str, task_key: str, variables: dict[str, Any]) -> None:
        engine = local.engine
        # as ezd.services.tasks.open_task + complete_task
        task = next((t for t in engine.user_tasks(business_key=key) if t.task_key == task_key), None)
        if task is None:
            raise RuntimeError(f"{key} is not waiting for {task_key}")
        if task.assignee is None:
            engine.claim(task.id, "user")
        engine.complete_user_task(task.id, variables)

    def handle_case(case: str, n: int) -> None:
        engine = local.engine
        draft = {"draft_uid": f"d{n}", "channel": "epuap", "addressee": "a"}
        complete(case, "Task_Draft", draft)
        if n % 5 == 0:
            complete(case, "Task_Approve", {"approved": False, "approval_comment": "x"})
            complete(case, "Task_Draft", draft)
        complete(case, "Task_Approve", {"approved": True, "approval_comment": ""})
        work(case)  # sign, dispatch
        engine.correlate_message("ezd.delivery-confirmed", case, {"delivery_receipt": "UPD"})
        work(case)  # close
        tenant, sign = case.split("/", 1)
        if not any(not i.ended for i in engine.find_instances(case, "ezd_archive")):
            engine.start(
                "ezd_archive",
                case,
                {"tenant": tenant, "case_sign": sign, "archivist_group": "arch", "head_group": "heads"},
            )
        work(case)
        complete(case, "Task_AcceptTransfer", {"accepted": True, "archive_note": ""})
        work(case)

    def run(count: int, eng: OperatonEngine = engine) -> list[str]:
        local.engine = engine = eng
        cases: list[str] = []
        waiting: dict[str, tuple[str, int]] = {}
        for n in range(count):
            t = tenants[n % len(tenants)]
            number = next(counter)
            rpw = f"RPW/{number}/2026"
            item = f"{t}/{rpw}"
            engine.start(
                "ezd_incoming",
                item,
                {
                    "tenant": t,
                    "rpw": rpw,
                    "document_uid": str(number),
                    "signed": n % 2 == 1,
                    "kancelaria_group": "kanc",
                },
            )
            work(item)
            complete(item, "Task_Decree", {"unit": "OR", "head_group": "heads"})
            complete(item, "Task_AssignReferent", {"referent": "ref", "assign_action": "assign"})
            if t in waiting and n % 10 in (8, 9):
                target, target_n = waiting.pop(t)
                complete(item, "Task_CaseDecision", {"case_action": "attach", "case_sign": target})
                work(item)
                handle_case(target, target_n)
                continue
            complete(item, "Task_CaseDecision", {"case_action": "new", "jrwa": "0122", "case_title": "x"})
            work(item)
            case = f"{t}/OR.0122.{number}.2026"
            cases.append(case)
            if n % 10 in (6, 7):
                waiting[t] = (case, n)
                continue
            handle_case(case, n)
        for target, target_n in list(waiting.values()):
            handle_case(target, target_n)
        return cases

    noop = NoopWorkers(engine, threads) if clerks == 1 else NoopWorkers(engine, threads * slots, 1)
    with noop:
        run(warmup)
        started = time.perf_counter()
        if clerks == 1:
            cases = run(documents)
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(clerks) as pool:
                per_clerk = pool.map(lambda _: run(documents // clerks, engine.clone()), range(clerks))
                cases = [c for clerk_cases in per_clerk for c in clerk_cases]
        elapsed = time.perf_counter() - started
    # outside the timing: every process of every case really ended
    archived = sum(1 for c in cases if all(i.ended for i in engine.find_instances(c)))
    return {
        "documents": documents,
        "cases_opened": len(cases),
        "cases_archived": archived,
        "elapsed_s": round(elapsed, 3),
        "cases_per_s": round(archived / elapsed, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--documents", "--cases", type=int, default=20, help="incoming letters per driver (clerk)"
    )
    parser.add_argument("--warmup", type=int, default=2, help="letters run first on each side, not timed")
    parser.add_argument(
        "--engine-warmup", type=int, default=5, help="letters through the bare engine before either side"
    )
    parser.add_argument("--workers", type=int, default=1, help="external-worker processes")
    parser.add_argument("--slots", type=int, default=4)
    parser.add_argument("--no-celery", action="store_true")
    parser.add_argument(
        "--clerks",
        default="1,4",
        help="drivers working at once on each side, one measurement per value "
        "(1: one case at a time, i.e. latency; more: throughput); default 1,4",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measure each side this many times, alternating (the machine's speed drifts between "
        "runs); every round is printed, the ratio reported is the median round's",
    )
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    import tempfile

    work_dir = args.dir or Path(tempfile.mkdtemp(prefix="ezd-bench-"))
    if args.engine_warmup:  # untimed: the same JVM state for both timed runs
        bare(args.engine_warmup, threads=args.workers)
    lines = []
    for clerks in (int(c) for c in str(args.clerks).split(",")):
        total = args.documents * clerks
        rounds = []
        for n in range(args.rounds):
            dist = distributed(
                total,
                args.workers,
                args.slots,
                not args.no_celery,
                work_dir / f"c{clerks}r{n}",
                args.warmup,
                clerks,
            )
            base = bare(total, threads=args.workers, warmup=args.warmup, clerks=clerks, slots=args.slots)
            ratio = dist["cases_per_s"] / base["cases_per_s"] if base["cases_per_s"] else 0.0
            rounds.append((ratio, dist, base))
            report = {
                "clerks": clerks,
                "round": n + 1,
                "distributed": dist,
                "bare_engine": base,
                "ratio": round(ratio, 3),
            }
            print(json.dumps(report, indent=2), flush=True)
        ratio, dist, base = sorted(rounds, key=lambda r: r[0])[len(rounds) // 2]
        label = f"{clerks} clerk{'s' if clerks > 1 else ''} ({'throughput' if clerks > 1 else 'latency'})"
        each = ", ".join(f"{r[0]:.0%}" for r in rounds)
        lines.append(
            f"{label}: distributed {dist['cases_per_s']:.2f} cases/s, bare engine "
            f"{base['cases_per_s']:.2f} cases/s, ratio {ratio:.0%} (median of {len(rounds)} rounds: "
            f"{each}; target >= 50%)"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
