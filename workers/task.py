"""What a handler receives."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TaskInput:
    task_id: str
    topic: str
    business_key: str
    variables: Mapping[str, Any]

    def var(self, name: str, default: Any = None) -> Any:
        return self.variables.get(name, default)

    def require(self, name: str) -> Any:
        if name not in self.variables or self.variables[name] in (None, ""):
            raise KeyError(f"task {self.topic} is missing process variable {name!r}")
        return self.variables[name]

    @property
    def actor(self) -> str:
        return f"system:{self.topic}"
