"""One scenario, two engines: embedded SpiffWorkflow on SQLite, and Operaton on PostgreSQL with
external-task workers. Both must produce the same records, metryka and end states."""

from __future__ import annotations

from typing import Any

import pytest

from ezd.demo.driver import Demo
from tests.conformance import scenario
from tests.conformance.conftest import Stack

_RESULTS: dict[str, dict[str, Any]] = {}

EXPECTED_CASE_A = [
    "zalozenie_sprawy",
    "przypomnienie_o_terminie",
    "projekt_do_akceptacji",
    "zwrot_do_poprawy",
    "projekt_do_akceptacji",
    "akceptacja",
    "podpis",
    "wysylka",
    "potwierdzenie_doreczenia",
    "zakonczenie_sprawy",
    "przygotowanie_do_archiwum",
    "przyjecie_do_archiwum",
    "archiwizacja",
]
EXPECTED_CASE_B = [
    "zalozenie_sprawy",
    "przypomnienie_o_terminie",
    "projekt_do_akceptacji",
    "akceptacja",
    "podpis",
    "wysylka",  # once: the rejected postal dispatch left no record and no RPWYCH number
    "potwierdzenie_doreczenia",
    "zakonczenie_sprawy",
]


def test_scenario(engine_stack: Stack) -> None:
    demo = Demo(engine_stack.app)
    seen = scenario.run(demo, engine_stack.work)
    fp = scenario.fingerprint(demo)
    a, b = seen["signs"]

    # the return loop put the draft back to the referent
    assert seen["a_after_return"] == ["Task_Draft"]
    # waiting for the delivery receipt (a message from outside)
    assert seen["a_waiting_for_receipt"] == ["Msg_Delivered"]
    # the BPMN error path: a postal letter without an address is rejected -> the referent fixes it
    assert seen["b_after_rejection"] == ["Task_FixDispatch"]
    assert seen["b_waiting_for_receipt"] == ["Msg_Delivered"]

    cases = dict(fp["cases"])
    assert cases == {a: "archived", b: "closed"}
    chains = fp["metryka"]
    case_chains = [actions for key, actions in sorted(chains.items()) if key.startswith("case:")]
    assert case_chains == [EXPECTED_CASE_A, EXPECTED_CASE_B]
    item_chains = [actions for key, actions in chains.items() if key.startswith("rpw:")]
    assert len(item_chains) == 2 and all(c[0] == "rejestracja" and c[-1] == "przydzial" for c in item_chains)
    assert [o[1] for o in fp["outgoing"]] == ["epuap", "epuap"] and all(o[3] for o in fp["outgoing"])
    _, entries_n, broken = fp["verify"]
    assert broken is None and entries_n == sum(len(v) for v in chains.values())
    # every process reached its end: intake, both cases, the archive transfer
    for key, instances in fp["processes"].items():
        assert instances and all(ended for _, ended in instances), (key, instances)
    _RESULTS[engine_stack.kind] = fp


def test_both_engines_agree() -> None:
    if set(_RESULTS) != {"embedded", "operaton"}:
        pytest.skip("needs both parametrizations of test_scenario in this session")
    embedded, operaton = _RESULTS["embedded"], _RESULTS["operaton"]
    for part in ("items", "cases", "outgoing", "drafts", "metryka", "processes"):
        assert embedded[part] == operaton[part], part
