"""The office's settings as data: the reporting calendar's due day, the webhook, the delivery's
retries (`app_settings`, append-only: the latest value of a key counts), and the alert rules
(`alert_rules`: each on or off, with its parameters). Defaults come from kpi/reference/ (seeded
by the schema); every change is audited in its transaction, a secret never in the trail."""

from __future__ import annotations

import duckdb

from kpi.model import roles
from kpi.model.errors import InvalidInput
from kpi.store import audit
from kpi.store.connection import transaction
from kpi.text.alerts import ALERT_TEXT
from kpi.text.lookup import pick

SECRET_KEYS = frozenset({"webhook_secret"})
# what each setting must be: a whole number at least this, or one of a closed set, or any text
WHOLE_MINIMUM: dict[str, int] = {
    "stats_due_days": 0,
    "alert_max_attempts": 1,
    "alert_retry_seconds": 0,
    "alert_timeout_seconds": 1,
}
CHOICES: dict[str, frozenset[str]] = {"webhook_kind": frozenset({"dingtalk", "wecom"})}
TEXT_KEYS = frozenset({"webhook_url", "webhook_secret"})


class BadSettingValue(InvalidInput):
    """A setting's new value that is not allowed: nothing is stored."""

    def __init__(self, key: str, value: str, expected: str) -> None:
        super().__init__("bad_setting_value", setting=key, value=value, expected=expected)

    def message(self, lang: str = "zh") -> str:
        return pick(ALERT_TEXT, self.key, lang, **self.params)


def values(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The current value of every setting."""
    rows = con.execute(
        "SELECT key, arg_max(value, set_at) FROM app_settings GROUP BY key ORDER BY key"
    ).fetchall()
    return {k: v for k, v in rows}


def whole(con: duckdb.DuckDBPyConnection, key: str) -> int:
    """A whole-number setting (the reference default where nobody set it)."""
    return int(values(con)[key])


def set_values(
    con: duckdb.DuckDBPyConnection,
    changes: dict[str, str],
    *,
    by: str,
    viewer: roles.Viewer | None = None,
) -> list[str]:
    """Store new values (checked first: InvalidInput names the first bad one, nothing stored),
    with one audit event; returns the keys that changed. Administrators only (`viewer`)."""
    roles.require(viewer, roles.Permission.MANAGE_TARGETS)
    for key, value in changes.items():
        _check(key, value)
    before = values(con)
    changed = [k for k, v in changes.items() if before.get(k) != v.strip()]
    if not changed:
        return []
    with transaction(con):
        for key in changed:
            con.execute(
                "INSERT INTO app_settings VALUES ($key, $value, now(), $by)",
                {"key": key, "value": changes[key].strip(), "by": by},
            )
        audit.record(
            con,
            by,
            audit.Action.SETTINGS_CHANGE,
            settings={k: ("***" if k in SECRET_KEYS and changes[k] else changes[k].strip()) for k in changed},
        )
    return changed


def _check(key: str, value: str) -> None:
    text = value.strip()
    if key in WHOLE_MINIMUM:
        if not text.isdigit() or int(text) < WHOLE_MINIMUM[key]:
            raise BadSettingValue(key, value, f"≥ {WHOLE_MINIMUM[key]}")
    elif key in CHOICES:
        if text not in CHOICES[key]:
            raise BadSettingValue(key, value, " / ".join(sorted(CHOICES[key])))
    elif key == "webhook_url":
        if text and not (text.startswith("https://") or text.startswith("http://")):
            raise BadSettingValue(key, value, "https://…")
    elif key not in TEXT_KEYS:
        raise BadSettingValue(key, value, " / ".join(sorted({*WHOLE_MINIMUM, *CHOICES, *TEXT_KEYS})))


# ---------------------------------------------------------------- the alert rules


def rules(con: duckdb.DuckDBPyConnection) -> list[tuple[str, bool, dict[str, str]]]:
    """(rule, enabled, parameters) of every rule, in the reference file's order of names."""
    rows = con.execute("SELECT rule, enabled, params FROM alert_rules ORDER BY rule").fetchall()
    return [(r, bool(e), parse_params(p)) for r, e, p in rows]


def parse_params(text: str | None) -> dict[str, str]:
    """`grace_days=0;x=y` as a dict."""
    out: dict[str, str] = {}
    for part in (text or "").split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def set_rule(
    con: duckdb.DuckDBPyConnection,
    rule: str,
    *,
    enabled: bool,
    by: str,
    viewer: roles.Viewer | None = None,
) -> bool:
    """Turn a rule on or off, audited; False when there is no such rule."""
    roles.require(viewer, roles.Permission.MANAGE_TARGETS)
    with transaction(con):
        found = con.execute(
            "UPDATE alert_rules SET enabled = $on, updated_at = now(), updated_by = $by WHERE rule = $rule "
            "RETURNING rule",
            {"on": enabled, "by": by, "rule": rule},
        ).fetchall()
        if found:
            audit.record(con, by, audit.Action.SETTINGS_CHANGE, rule=rule, enabled=enabled)
    return bool(found)
