"""End-to-end cases/s on the distributed stack vs. the same BPMN on the bare engine.

    eval "$(scripts/services.sh start all)"
    python bench/bench_distributed.py --cases 20 [--workers 1] [--slots 4] [--no-celery]

1. Distributed: a fresh PostgreSQL database and Operaton tenant, ``ezd worker external``
   processes (+ ``ezd worker celery`` when EZD_BROKER_URL is set), and the demo driver doing
   every person's step through the service layer (``Demo.run``): intake, case, approval (every
   5th returned once), e-seal, dispatch, delivery receipt, close, archive transfer.
2. Bare engine: the same three BPMN files in another tenant, the same user-task/message steps
   straight over REST, and no-op workers that complete each external task at once (the
   create-case worker starts the case process, as the real handler does).

Both runs are sequential (one driver), so the figures are per-case latency expressed as a
rate. Prints both rates and the ratio distributed/bare (target >= 50 %).
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
from ezd.demo.driver import Demo  # noqa: E402
from tests.distributed.stack import Proc, stack_env  # noqa: E402
from workers.handlers import HANDLERS  # noqa: E402
from workflow.operaton import OperatonEngine  # noqa: E402

PG_ADMIN = os.environ.get("EZD_TEST_POSTGRES_URL", "postgresql+psycopg://ezd:ezd@127.0.0.1:5432/ezd")
ENGINE_URL = os.environ.get("EZD_ENGINE_URL", "http://127.0.0.1:8080/engine-rest")


def distributed(cases: int, workers: int, slots: int, celery: bool, work_dir: Path) -> dict[str, Any]:
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
        result = demo.run(cases)
    finally:
        for p in procs:
            p.stop()
        app.db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {**result.as_dict(), "celery": "EZD_BROKER_URL" in extra}


class NoopWorkers:
    """Complete every external task at once; create-case starts the case process."""

    def __init__(self, engine: OperatonEngine, threads: int) -> None:
        self.engine = engine
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
            for task in eng.fetch_external_tasks(list(HANDLERS), 4, async_response_timeout_ms=1000):
                out: dict[str, Any] = {}
                if task.topic == "ezd.create-case":
                    sign = f"OR.0122.{task.variables['rpw'].split('/')[1]}.2026"
                    eng.start(
                        "ezd_case",
                        f"{task.variables['tenant']}/{sign}",
                        {
                            "tenant": task.variables["tenant"],
                            "case_sign": sign,
                            "referent": "ref",
                            "head_group": "heads",
                            "reminder_after": "P23D",
                        },
                    )
                    out = {"case_sign": sign}
                eng.complete_external_task(task.id, out)


def bare(cases: int, threads: int) -> dict[str, Any]:
    engine = OperatonEngine(
        ENGINE_URL,
        os.environ.get("EZD_ENGINE_USER", "ezd"),
        os.environ.get("EZD_ENGINE_PASSWORD", "ezd-dev"),
        tenant_id=f"bare-{uuid.uuid4().hex[:8]}",
    )
    engine.deploy(sorted((ROOT / "bpmn").glob("*.bpmn")))

    def user_task(key: str, task_key: str, variables: dict[str, Any]) -> None:
        for _ in range(2000):
            for t in engine.user_tasks(business_key=key):
                if t.task_key == task_key:
                    if t.assignee is None:
                        engine.claim(t.id, "user")
                    engine.complete_user_task(t.id, variables)
                    return
            time.sleep(0.005)
        raise TimeoutError(f"{key} never reached {task_key}")

    def wait_for(key: str, process: str, activity: str) -> None:
        for _ in range(2000):
            if any(activity in i.active_activities for i in engine.find_instances(key, process)):
                return
            time.sleep(0.005)
        raise TimeoutError(f"{key} never reached {activity}")

    t = "bench"
    with NoopWorkers(engine, threads):
        started = time.perf_counter()
        for n in range(cases):
            rpw = f"RPW/{n + 1}/2026"
            item = f"{t}/{rpw}"
            engine.start(
                "ezd_incoming",
                item,
                {
                    "tenant": t,
                    "rpw": rpw,
                    "document_uid": str(n),
                    "signed": n % 2 == 1,
                    "kancelaria_group": "kanc",
                },
            )
            user_task(item, "Task_Decree", {"unit": "OR", "head_group": "heads"})
            user_task(item, "Task_AssignReferent", {"referent": "ref"})
            user_task(item, "Task_CaseDecision", {"case_action": "new", "jrwa": "0122", "case_title": "x"})
            case = f"{t}/OR.0122.{n + 1}.2026"
            user_task(case, "Task_Draft", {"draft_uid": "d", "channel": "epuap", "addressee": "a"})
            if n % 5 == 0:
                user_task(case, "Task_Approve", {"approved": False, "approval_comment": "x"})
                user_task(case, "Task_Draft", {"draft_uid": "d", "channel": "epuap", "addressee": "a"})
            user_task(case, "Task_Approve", {"approved": True, "approval_comment": ""})
            wait_for(case, "ezd_case", "Msg_Delivered")
            engine.correlate_message("ezd.delivery-confirmed", case, {"delivery_receipt": "UPD"})
            engine.start(
                "ezd_archive",
                case,
                {"tenant": t, "case_sign": case, "archivist_group": "arch", "head_group": "heads"},
            )
            user_task(case, "Task_AcceptTransfer", {"accepted": True, "archive_note": ""})
            for _ in range(2000):
                if all(i.ended for i in engine.find_instances(case)):
                    break
                time.sleep(0.005)
        elapsed = time.perf_counter() - started
    return {"cases": cases, "elapsed_s": round(elapsed, 3), "cases_per_s": round(cases / elapsed, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1, help="external-worker processes")
    parser.add_argument("--slots", type=int, default=4)
    parser.add_argument("--no-celery", action="store_true")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    import tempfile

    work_dir = args.dir or Path(tempfile.mkdtemp(prefix="ezd-bench-"))
    dist = distributed(args.cases, args.workers, args.slots, not args.no_celery, work_dir)
    base = bare(args.cases, threads=args.workers)
    ratio = dist["cases_per_s"] / base["cases_per_s"] if base["cases_per_s"] else 0.0
    print(json.dumps({"distributed": dist, "bare_engine": base, "ratio": round(ratio, 3)}, indent=2))
    print(
        f"distributed {dist['cases_per_s']:.2f} cases/s, bare engine {base['cases_per_s']:.2f} cases/s, "
        f"ratio {ratio:.0%} (target >= 50%)"
    )


if __name__ == "__main__":
    main()
