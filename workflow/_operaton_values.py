"""Typed-variable conversion between Python values and Operaton's REST representation.

Python -> Operaton:
    None -> Null, bool -> Boolean, int -> Integer (Long outside 32 bits), float -> Double,
    str -> String, datetime -> Date (naive datetimes are taken as UTC), date -> Date (midnight
    UTC), dict/list/tuple -> Json (value: the JSON text).
Operaton -> Python: the reverse; Json (and Object values in application/json) are parsed back
to dict/list. Read variables with ``deserializeValues=false`` so Json arrives as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1
# Operaton's default REST date format: yyyy-MM-dd'T'HH:mm:ss.SSSZ (e.g. 2024-05-01T12:00:00.000+0200)
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


def format_date(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    millis = value.microsecond // 1000
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis:03d}" + value.strftime("%z")


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, _DATE_FORMAT)
    except ValueError:
        return datetime.fromisoformat(value)


def to_typed(value: Any) -> dict[str, Any]:
    """One Python value as an Operaton typed variable ``{"value": ..., "type": ...}``."""
    if value is None:
        return {"value": None, "type": "Null"}
    if isinstance(value, bool):
        return {"value": value, "type": "Boolean"}
    if isinstance(value, int):
        kind = "Integer" if _INT32_MIN <= value <= _INT32_MAX else "Long"
        return {"value": value, "type": kind}
    if isinstance(value, float):
        return {"value": value, "type": "Double"}
    if isinstance(value, str):
        return {"value": value, "type": "String"}
    if isinstance(value, datetime):
        return {"value": format_date(value), "type": "Date"}
    if isinstance(value, date):
        return {
            "value": format_date(datetime(value.year, value.month, value.day, tzinfo=UTC)),
            "type": "Date",
        }
    if isinstance(value, Mapping | list | tuple):
        text = json.dumps(value if not isinstance(value, Mapping) else dict(value), ensure_ascii=False)
        return {"value": text, "type": "Json", "valueInfo": {"serializationDataFormat": "application/json"}}
    raise TypeError(f"unsupported workflow variable type: {type(value).__name__}")


def to_typed_map(variables: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {name: to_typed(value) for name, value in (variables or {}).items()}


def from_typed(typed: Mapping[str, Any]) -> Any:
    """One Operaton typed variable (as returned by the REST API) as a Python value."""
    kind = str(typed.get("type") or "").lower()
    value = typed.get("value")
    if value is None:
        return None
    if kind == "date":
        return parse_date(str(value))
    if kind in ("json", "object"):
        info = typed.get("valueInfo") or {}
        fmt = str(info.get("serializationDataFormat") or "application/json")
        if isinstance(value, str) and (kind == "json" or fmt.startswith("application/json")):
            return json.loads(value)
        return value
    if kind in ("integer", "long", "short"):
        return int(value)
    if kind == "double":
        return float(value)
    return value


def from_typed_map(variables: Mapping[str, Any] | None) -> dict[str, Any]:
    return {name: from_typed(typed) for name, typed in (variables or {}).items()}
