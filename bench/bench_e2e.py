"""End-to-end rate on the embedded default vs. the same BPMN on bare SpiffWorkflow.

    python bench/bench_e2e.py [--documents 1000] [--peer-cases 1000]

* ezd: ``ezd demo`` logic (registration, workers, every clerk/head/archivist step as its own
  transaction, signatures, storage, metryka) on a fresh ``EZD_HOME`` in a temp folder.
* peer: the same three BPMN processes on bare SpiffWorkflow -- no-op handlers, no persistence,
  the same path through the diagrams (return loop every 5th case).
Prints both rates, the ratio and peak RSS of the ezd run.  Targets (issue 2): ≥ 100 cases/s,
ratio ≥ 0.3, peak RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bare_peer(cases: int) -> float:
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    from ezd.workflow.spiff.definitions import parse_spec
    from ezd.workflow.spiff.script_engine import JuelScriptEngine

    engine = JuelScriptEngine()
    specs = {}
    for name, key in (
        ("incoming", "ezd_incoming"),
        ("case_handling", "ezd_case"),
        ("archive_transfer", "ezd_archive"),
    ):
        specs[key] = parse_spec((ROOT / "bpmn" / f"{name}.bpmn").read_bytes(), key, name)

    def run(
        key: str, data: dict[str, Any], answers: dict[str, list[dict[str, Any]]], messages: set[str]
    ) -> None:
        spec, subs = specs[key]
        wf = BpmnWorkflow(spec, subs, script_engine=engine)
        for t in wf.get_tasks(state=TaskState.READY):
            t.data.update(data)
        wf.do_engine_steps()
        while not wf.is_completed():
            ready = wf.get_tasks(state=TaskState.READY)
            if not ready:
                from SpiffWorkflow.bpmn.util.event import BpmnEvent
                from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

                for m in messages:
                    wf.catch(BpmnEvent(MessageEventDefinition(m), payload={"payload": {}, "result_var": "m"}))
                wf.do_engine_steps()
                continue
            for t in ready:
                queue = answers.get(t.task_spec.bpmn_id)
                if queue:
                    t.data.update(queue.pop(0) if len(queue) > 1 else queue[0])
                t.run()
            wf.do_engine_steps()

    started = time.perf_counter()
    for n in range(cases):
        base = {"tenant": "t", "rpw": f"RPW/{n}/2026", "signed": n % 2 == 1, "kancelaria_group": "g"}
        run(
            "ezd_incoming",
            base,
            {
                "Task_Decree": [{"unit": "OR", "head_group": "h"}],
                "Task_AssignReferent": [{"referent": "r", "assign_action": "assign"}],
                "Task_CaseDecision": [{"case_action": "new", "jrwa": "0122"}],
            },
            set(),
        )
        approvals = [{"approved": False}, {"approved": True}] if n % 5 == 0 else [{"approved": True}]
        run(
            "ezd_case",
            {
                **base,
                "referent": "r",
                "head_group": "h",
                "reminder_after": "P23D",
                "opinion_groups": [],
                "chain_done": True,
            },
            {"Task_Approve": approvals},
            {"ezd.delivery-confirmed"},
        )
        run(
            "ezd_archive",
            {**base, "archivist_group": "a", "head_group": "h"},
            {"Task_AcceptTransfer": [{"accepted": True}]},
            set(),
        )
    return cases / (time.perf_counter() - started)


def ezd_run(documents: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ezd-bench-") as home:
        env = {**os.environ, "EZD_HOME": home}
        code = (
            "import json,resource,sys;"
            "from ezd.cli.common import make_app;from ezd.demo.driver import Demo;"
            "app=make_app();d=Demo(app);d.prepare();"
            f"r=d.run({documents});"
            "out=r.as_dict();out['peak_rss_mb']=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024;"
            "print(json.dumps(out))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--peer-cases", type=int, default=1000)
    args = parser.parse_args()
    ezd = ezd_run(args.documents)
    peer = bare_peer(args.peer_cases)
    ratio = ezd["cases_per_s"] / peer if peer else 0.0
    print(
        f"ezd embedded : {ezd['cases_archived']} cases archived from {ezd['documents']} documents "
        f"in {ezd['elapsed_s']:.1f} s = {ezd['cases_per_s']:.1f} cases/s (target ≥ 100)"
    )
    print(f"bare Spiff   : {peer:.1f} cases/s (same BPMN, no-op handlers, no persistence)")
    print(f"ratio        : {ratio:.3f} (target ≥ 0.3)")
    print(f"peak RSS     : {ezd['peak_rss_mb']:.0f} MB (target ≤ 300 MB)")


if __name__ == "__main__":
    main()
