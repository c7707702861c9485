"""The audit trail: who did what, when. Append-only.

`record` writes one event inside the caller's transaction, so an event exists exactly when the
change it describes was committed (a rolled-back or killed transaction leaves neither). This
module has no function that updates or deletes an event, and no other module may write
`audit_log` except through `record` (tests/test_audit.py checks the source for it): the app can
only add to the trail. Whoever holds the database file can of course rewrite it; the trail
answers "who did what in the app and the kpi command", not "was the file tampered with".

Actions (a closed set, `Action`): sign-ins and failed sign-ins, sign-outs, uploads of every kind,
rollbacks, target and reward-rule changes, taxonomy changes, user changes, changes of the task
list and of the task status rules (task progress reports are uploads). `detail` is a JSON
object; it never holds a password or a password hash.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Any

import duckdb
import pandas as pd

from kpi.model.roles import Permission, Viewer, require
from kpi.text.labels import LABELS
from kpi.text.lookup import pick


class Action(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"
    UPLOAD = "upload"  # statistics, register, reviews, register form edits, demo data
    ROLLBACK = "rollback"
    TARGET_CHANGE = "target_change"
    REWARD_SETTINGS = "reward_settings"
    SCHEME_CHANGE = "scheme_change"  # the annual review's scoring scheme (kpi.platforms.scoring)
    REVIEW_OVERRIDE = "review_override"  # a typed review score replacing the computed one, with its reason
    SETTINGS_CHANGE = "settings_change"  # the reporting calendar's due day, the alert rules, the webhook
    TAXONOMY_CHANGE = "taxonomy_change"
    USER_ADD = "user_add"
    USER_PASSWORD = "user_password"
    USER_ROLE = "user_role"
    USER_DISABLE = "user_disable"
    USER_ENABLE = "user_enable"
    TASK_CHANGE = "task_change"  # the plan's task list: a task added, changed or withdrawn
    TASK_RULES = "task_rules"  # the task status thresholds, the due day, the 责任主体 note


ACTOR_LIMIT = 64  # a failed sign-in records the name typed, which can be anything

EVENT_COLUMNS = ["id", "at", "actor", "action", "detail"]


def action_label(action: Action | str, lang: str = "zh") -> str:
    return pick(LABELS, f"action.{Action(action).value}", lang)


def record(con: duckdb.DuckDBPyConnection, actor: str, action: Action | str, **detail: Any) -> int:
    """Append one event and return its id. Call it inside the transaction of the change."""
    payload = json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)
    return int(
        con.execute(
            """INSERT INTO audit_log (id, "at", actor, action, detail)
               VALUES (nextval('audit_id_seq'), now(), $actor, $action, $detail) RETURNING id""",
            {"actor": str(actor)[:ACTOR_LIMIT], "action": Action(action).value, "detail": payload},
        ).fetchall()[0][0]
    )


def list_events(
    con: duckdb.DuckDBPyConnection,
    *,
    limit: int = 200,
    actor: str | None = None,
    action: Action | str | None = None,
    since: dt.datetime | None = None,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """The newest events first (columns id, at, actor, action, detail as JSON text), filtered by
    actor, action and time where given. For the admin page (a `viewer` must be an administrator:
    Forbidden otherwise) and `kpi audit`."""
    require(viewer, Permission.VIEW_AUDIT)
    return con.execute(
        """SELECT id, "at", actor, action, CAST(detail AS VARCHAR) AS detail FROM audit_log
           WHERE ($actor IS NULL OR actor = $actor) AND ($action IS NULL OR action = $action)
             AND ($since IS NULL OR "at" >= $since)
           ORDER BY id DESC LIMIT $limit""",
        {
            "actor": actor,
            "action": None if action is None else Action(action).value,
            "since": since,
            "limit": int(limit),
        },
    ).df()


def detail_of(event_detail: str) -> dict[str, Any]:
    """The `detail` column of list_events as a dict."""
    loaded: dict[str, Any] = json.loads(event_detail)
    return loaded
