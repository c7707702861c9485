"""The outbox as people read it: `kpi alerts --json` records, and the admin page's table."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from kpi.alerts.rules import label
from kpi.text.alerts import ALERT_TEXT
from kpi.text.lookup import pick


def _missing(v: object) -> bool:
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def when(v: object) -> str:
    return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")


def delivery_state(r: dict[str, Any], max_attempts: int, lang: str = "zh") -> str:
    """Sent, waiting, retrying or failed (given up), with the tries and the last error."""
    if not _missing(r["sent_at"]):
        return pick(ALERT_TEXT, "cli.state.sent", lang)
    if not r["attempts"]:
        return pick(ALERT_TEXT, "cli.state.waiting", lang)
    key = "cli.state.failed" if r["attempts"] >= max_attempts else "cli.state.retrying"
    return pick(ALERT_TEXT, key, lang, attempts=int(r["attempts"]), error=r["last_error"] or "—")


def record(r: dict[str, Any]) -> dict[str, Any]:
    """One alert as `kpi alerts --json` lists it."""
    return {
        "id": int(r["id"]),
        "key": r["event_key"],
        "rule": r["rule"],
        "who": r["who"],
        "what": r["what"],
        "why": r["why"],
        "detail": json.loads(r["detail"]) if r["detail"] else {},
        "created_at": when(r["created_at"]),
        "sent": not _missing(r["sent_at"]),
        "sent_at": None if _missing(r["sent_at"]) else when(r["sent_at"]),
        "attempts": int(r["attempts"]),
        "last_error": None if _missing(r["last_error"]) else r["last_error"],
        "next_attempt_at": None if _missing(r["next_attempt_at"]) else when(r["next_attempt_at"]),
    }


def table(frame: pd.DataFrame, max_attempts: int, lang: str = "zh") -> pd.DataFrame:
    """The admin page's outbox table, newest first, column names in `lang`."""

    def col(key: str) -> str:
        return pick(ALERT_TEXT, f"alerts.col.{key}", lang)

    rows = [
        {
            col("id"): int(r["id"]),
            col("created"): when(r["created_at"]),
            col("rule"): label(r["rule"], lang) if f"rule.{r['rule']}" in ALERT_TEXT else r["rule"],
            col("who"): r["who"] or "—",
            col("what"): r["what"],
            col("why"): r["why"],
            col("state"): delivery_state(r, max_attempts, lang),
            col("attempts"): int(r["attempts"]),
        }
        for r in frame.to_dict("records")
    ]
    columns = [col(k) for k in ("id", "created", "rule", "who", "what", "why", "state", "attempts")]
    return pd.DataFrame(rows, columns=columns)
