"""Parsed BPMN specs per deployed version: parsing is the slow part, so each version is parsed once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from ezd.workflow.port import DeploymentRejected
from ezd.workflow.spiff.specs import EzdParser


class SpecCache:
    """Parsed specs per (process key, version); parsing BPMN is the slow part, so do it once."""

    def __init__(self) -> None:
        self._specs: dict[tuple[str, int], tuple[Any, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, key: str, version: int, load_bpmn: Callable[[], str]) -> tuple[Any, dict[str, Any]]:
        cached = self._specs.get((key, version))
        if cached is None:
            with self._lock:
                cached = self._specs.get((key, version))
                if cached is None:
                    cached = parse_spec(load_bpmn().encode(), key, source=f"{key} v{version}")
                    self._specs[(key, version)] = cached
        return cached


def parse_spec(data: bytes, key: str, source: str) -> tuple[Any, dict[str, Any]]:
    parser = EzdParser()
    try:
        from ezd import xmlsafe

        parser.add_bpmn_xml(xmlsafe.parse(data), filename=source)
        return parser.get_spec(key), parser.get_subprocess_specs(key)
    except ValidationException as exc:
        raise DeploymentRejected(f"{source}: {exc}") from None


SPECS = SpecCache()
