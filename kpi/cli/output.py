"""JSON as the command line prints it: strict JSON, whatever the numbers hold."""

from __future__ import annotations

import json
import math
from typing import Any


def finite(value: Any) -> Any:
    """`value` with every float that is not finite (NaN, ±Infinity) as None, in dicts and lists
    at any depth: `json.dumps` would write them as NaN and Infinity, which no JSON reader takes."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def to_json(value: Any) -> str:
    """Indented JSON, Chinese as written; a non-finite number is null (allow_nan=False holds it)."""
    return json.dumps(finite(value), ensure_ascii=False, indent=2, default=str, allow_nan=False)
