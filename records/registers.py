"""Register numbers: RPW (rejestr przesyłek wpływających) and the outgoing register.

The numbering rule lives here; how numbers are kept gapless under concurrency is the job of the
counter repository (see ``ezd.db.counters``), which allocates ``n`` inside the same transaction
that stores the item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ezd.records.errors import InvalidInput


class Register(StrEnum):
    RPW = "RPW"  # incoming
    RPWYCH = "RPWYCH"  # outgoing (rejestr przesyłek wychodzących)


_SIGN = re.compile(r"^(RPW|RPWYCH)/(\d+)/(\d{4})$")


@dataclass(frozen=True, slots=True, order=True)
class RegisterNumber:
    register: Register
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.register.value}/{self.number}/{self.year}"

    @classmethod
    def parse(cls, text: str) -> RegisterNumber:
        m = _SIGN.match(text.strip())
        if not m:
            raise InvalidInput(f"not a register number: {text!r} (expected e.g. RPW/15/2026)")
        return cls(Register(m.group(1)), int(m.group(3)), int(m.group(2)))
