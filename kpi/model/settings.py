"""Settings read from the environment (documented in README.md, "Settings"), with defaults.

Read at the moment of use, so a test or an operator can change one without restarting; a value
that is not allowed raises BadSetting naming the variable, never a silent fallback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kpi.model.errors import BadSetting


@dataclass(frozen=True)
class Setting:
    name: str
    default: float
    minimum: float
    integer: bool
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "KPI_MAX_UPLOAD_MB", 20, 0.001, False, "largest file accepted, in MB (the app's upload limit)"
        ),
        Setting("KPI_MAX_ROWS", 500_000, 1, True, "most data lines in one file"),
        Setting("KPI_SESSION_MINUTES", 30, 1, True, "a session ends after this many idle minutes"),
        Setting("KPI_SESSION_MAX_HOURS", 12, 1, True, "a session ends this many hours after sign-in"),
        Setting("KPI_LOGIN_MAX_FAILURES", 5, 1, True, "failed sign-ins in a row before a lock"),
        Setting("KPI_LOGIN_LOCK_MINUTES", 15, 1, True, "how long a locked username stays locked"),
        Setting("KPI_LOGIN_DELAY_SECONDS", 0.5, 0, False, "delay after the first failure; doubles each time"),
    )
}


def number(name: str) -> float:
    """The setting's value from the environment, else its default."""
    s = SETTINGS[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return s.default
    expected = f"{'an integer' if s.integer else 'a number'} ≥ {s.minimum:g}"
    try:
        value = int(raw) if s.integer else float(raw)
    except ValueError:
        raise BadSetting(name=name, value=raw, expected=expected) from None
    if not value >= s.minimum or value == float("inf"):
        raise BadSetting(name=name, value=raw, expected=expected)
    return value


def integer(name: str) -> int:
    return int(number(name))
