"""The alert outbox: one row per event (who, what, why, when), queued once by its stable key, and
its delivery (sent or not, attempts, the last error, when the next try is due).

A delivery is claimed before it is sent (attempts + 1 and the next try pushed back, in one
statement), so two `kpi alerts send` runs at once never both send the same alert; a run that dies
after its claim leaves the alert to be tried again when the pushed-back time comes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from kpi.store.connection import transaction


@dataclass(frozen=True)
class Event:
    """What a rule found: `key` is stable (the same event always has the same key)."""

    key: str
    rule: str
    who: str
    what: str  # Chinese, as delivered
    why: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Pending:
    id: int
    key: str
    what: str
    why: str
    who: str | None
    attempts: int  # including the claim of this try


COLUMNS = (
    "id, event_key, rule, who, what, why, CAST(detail AS VARCHAR) AS detail, created_at, sent_at, "
    "attempts, last_attempt_at, next_attempt_at, last_error"
)


def queue(con: duckdb.DuckDBPyConnection, events: list[Event]) -> list[str]:
    """Add the events whose key is not in the outbox yet; returns the keys added."""
    added: list[str] = []
    if not events:
        return added
    with transaction(con):
        known = {
            r[0]
            for r in con.execute(
                "SELECT event_key FROM alert_outbox WHERE list_contains($keys, event_key)",
                {"keys": [e.key for e in events]},
            ).fetchall()
        }
        for e in events:
            if e.key in known or e.key in added:
                continue
            con.execute(
                """INSERT INTO alert_outbox (id, event_key, rule, who, what, why, detail, created_at)
                   VALUES (nextval('alert_id_seq'), $key, $rule, $who, $what, $why, $detail, now())""",
                {
                    "key": e.key,
                    "rule": e.rule,
                    "who": e.who,
                    "what": e.what,
                    "why": e.why,
                    "detail": json.dumps(e.detail, ensure_ascii=False, default=str, sort_keys=True),
                },
            )
            added.append(e.key)
    return added


def listing(con: duckdb.DuckDBPyConnection, limit: int = 500) -> pd.DataFrame:
    """The newest alerts first, every column."""
    return con.execute(
        f"SELECT {COLUMNS} FROM alert_outbox ORDER BY id DESC LIMIT $limit",  # noqa: S608 - fixed text
        {"limit": int(limit)},
    ).df()


def claim(
    con: duckdb.DuckDBPyConnection, now: dt.datetime, max_attempts: int, retry_seconds: int
) -> list[Pending]:
    """The unsent alerts due for a try at `now` (never tried, or their next try has come) with
    attempts left: each claimed for this try (attempts + 1; the next try, should this one fail or
    the run die, pushed back by retry_seconds × 2^(attempts - 1))."""
    with transaction(con):
        rows = con.execute(
            """UPDATE alert_outbox
               SET attempts = attempts + 1, last_attempt_at = $now,
                   next_attempt_at = $now + to_seconds(CAST($retry * pow(2, attempts) AS BIGINT))
               WHERE sent_at IS NULL AND attempts < $max
                 AND (next_attempt_at IS NULL OR next_attempt_at <= $now)
               RETURNING id, event_key, what, why, who, attempts""",
            {"now": now, "max": max_attempts, "retry": retry_seconds},
        ).fetchall()
    return [Pending(int(r[0]), r[1], r[2], r[3], r[4], int(r[5])) for r in sorted(rows)]


def mark_sent(con: duckdb.DuckDBPyConnection, alert_id: int, when: dt.datetime) -> None:
    with transaction(con):
        con.execute(
            "UPDATE alert_outbox SET sent_at = $when, last_error = NULL, next_attempt_at = NULL WHERE id = $id",
            {"when": when, "id": alert_id},
        )


def mark_failed(con: duckdb.DuckDBPyConnection, alert_id: int, error: str) -> None:
    """The try failed: the error kept (the next try stays where the claim put it)."""
    with transaction(con):
        con.execute(
            "UPDATE alert_outbox SET last_error = $error WHERE id = $id",
            {"error": error[:500], "id": alert_id},
        )


def counts(con: duckdb.DuckDBPyConnection, max_attempts: int) -> dict[str, int]:
    """How many alerts are sent, waiting (to be tried or tried again) and given up."""
    sent, waiting, failed = con.execute(
        """SELECT count(*) FILTER (WHERE sent_at IS NOT NULL),
                  count(*) FILTER (WHERE sent_at IS NULL AND attempts < $max),
                  count(*) FILTER (WHERE sent_at IS NULL AND attempts >= $max)
           FROM alert_outbox""",
        {"max": max_attempts},
    ).fetchall()[0]
    return {"sent": int(sent), "waiting": int(waiting), "failed": int(failed)}
