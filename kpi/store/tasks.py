"""The plan's tasks in the database: the task list and its versions, the accountable units, the
progress reports with their history, and the status rules (kpi.tasks owns the logic).

Reads return frames; writes run inside the caller's transaction (kpi.store.connection.transaction)
with the audit event the caller writes there too.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from kpi.store import writes

REPORT_KEY = writes.TASK_REPORT_KEY
REPORT_KINDS = writes.TASK_REPORT_KINDS  # upload kinds that write task_reports (file, form)
REPORT_COLUMNS = ("code", "unit", "period", "progress", "achievements", "problems", "next_steps", "evidence")


# ---------------------------------------------------------------- the task list


def departments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The accountable units (name, name_en, sort) in order of first appearance in the plan."""
    return con.execute("SELECT name, name_en, sort FROM task_departments ORDER BY sort, name").df()


def task_list(con: duckdb.DuckDBPyConnection, *, include_inactive: bool = False) -> pd.DataFrame:
    """The tasks in the plan's order: code, section, title, deliverable, sort, active, units (a
    list in the plan's order). Tasks withdrawn by a revision only with `include_inactive`."""
    return con.execute(
        """SELECT t.code, t.section, t.title, t.deliverable, t.sort, t.active,
                  coalesce(list(u.unit ORDER BY u.sort) FILTER (WHERE u.unit IS NOT NULL), []) AS units
           FROM tasks t LEFT JOIN task_units u USING (code)
           WHERE t.active OR $all
           GROUP BY ALL ORDER BY t.sort, t.code""",
        {"all": include_inactive},
    ).df()


def task_versions(con: duckdb.DuckDBPyConnection, code: str | None = None) -> pd.DataFrame:
    """Every version of the task list (newest first): id, code, section, title, deliverable,
    units, active, changed_at, changed_by, note."""
    return con.execute(
        """SELECT id, code, section, title, deliverable, units, active, changed_at, changed_by, note
           FROM task_versions WHERE $code IS NULL OR code = $code ORDER BY id DESC""",
        {"code": code},
    ).df()


def write_task(
    con: duckdb.DuckDBPyConnection,
    *,
    code: str,
    section: str,
    title: str,
    deliverable: str | None,
    units: list[str],
    active: bool,
    sort: int,
    by: str,
    note: str | None,
) -> int:
    """Store a task's new version (a new task, a change, or its withdrawal with active=False);
    unit names not known yet join the accountable units. Returns the version id."""
    known = set(departments(con)["name"])
    start = int(con.execute("SELECT coalesce(max(sort) + 1, 0) FROM task_departments").fetchall()[0][0])
    for unit in units:
        if unit not in known:
            con.execute("INSERT INTO task_departments VALUES ($n, NULL, $s)", {"n": unit, "s": start})
            known.add(unit)
            start += 1
    con.execute(
        """INSERT INTO tasks VALUES ($code, $section, $title, $deliverable, $sort, $active)
           ON CONFLICT (code) DO UPDATE SET section = excluded.section, title = excluded.title,
               deliverable = excluded.deliverable, sort = excluded.sort, active = excluded.active""",
        {
            "code": code,
            "section": section,
            "title": title,
            "deliverable": deliverable,
            "sort": sort,
            "active": active,
        },
    )
    con.execute("DELETE FROM task_units WHERE code = $code", {"code": code})
    for i, unit in enumerate(units):
        con.execute("INSERT INTO task_units VALUES ($code, $unit, $i)", {"code": code, "unit": unit, "i": i})
    return int(
        con.execute(
            """INSERT INTO task_versions VALUES (nextval('task_version_seq'), $code, $section, $title,
                   $deliverable, $units, $active, now(), $by, $note) RETURNING id""",
            {
                "code": code,
                "section": section,
                "title": title,
                "deliverable": deliverable,
                "units": units,
                "active": active,
                "by": by,
                "note": note,
            },
        ).fetchall()[0][0]
    )


# ---------------------------------------------------------------- progress reports

_REPORTS_SQL = """
SELECT r.code, r.unit, r.period, r.progress, r.achievements, r.problems, r.next_steps, r.evidence,
       r.is_current, r.upload_id, r.line, u.kind, u.file_name, u.uploaded_at AS recorded_at,
       u.uploaded_by AS recorded_by, u.is_demo
FROM task_reports r JOIN uploads u ON u.id = r.upload_id
WHERE u.status = 'committed' AND (r.is_current OR $history)
  AND ($unit IS NULL OR r.unit = $unit) AND ($code IS NULL OR r.code = $code)
ORDER BY r.code, r.unit, r.period DESC, r.upload_id DESC
"""


def reports(
    con: duckdb.DuckDBPyConnection,
    *,
    unit: str | None = None,
    code: str | None = None,
    history: bool = False,
) -> pd.DataFrame:
    """The reports that count (one per task × unit × quarter; `history`: every revision too,
    newest first within a quarter), with the upload or form entry that brought each: code, unit,
    period, progress (a fraction), achievements (进展情况), problems, next_steps, evidence,
    is_current, upload_id, line, kind, file_name, recorded_at, recorded_by, is_demo."""
    return con.execute(_REPORTS_SQL, {"unit": unit, "code": code, "history": history}).df()


def write_reports(con: duckdb.DuckDBPyConnection, upload_id: int, rows: pd.DataFrame) -> tuple[int, int]:
    """New reports become current; earlier ones for the same task × unit × quarter stay as
    history. `rows` has `line` and REPORT_COLUMNS. Returns (new, revised)."""
    con.register("incoming_reports", rows)
    try:
        revised = writes.count_current(con, "task_reports", "incoming_reports", REPORT_KEY)
        writes.supersede(con, "task_reports", "incoming_reports", REPORT_KEY)
        con.execute(
            f"""INSERT INTO task_reports (upload_id, line, {", ".join(REPORT_COLUMNS)}, is_current)
                SELECT $id, line, {", ".join(REPORT_COLUMNS)}, true FROM incoming_reports""",  # noqa: S608 - fixed identifiers
            {"id": upload_id},
        )
    finally:
        con.unregister("incoming_reports")
    return len(rows) - revised, revised


def has_real_reports(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any committed report came from a real (non-demo) upload or form entry."""
    return bool(
        con.execute(
            """SELECT count(*) FROM task_reports r JOIN uploads u ON u.id = r.upload_id
               WHERE u.status = 'committed' AND NOT u.is_demo"""
        ).fetchall()[0][0]
    )


# ---------------------------------------------------------------- the status rules


def settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The latest value of each task setting (thresholds, due days, the 责任主体 note)."""
    # the row order breaks a tie of two values set in one transaction (one now())
    rows = con.execute(
        """SELECT key, value FROM task_settings
           QUALIFY row_number() OVER (PARTITION BY key ORDER BY set_at DESC, rowid DESC) = 1"""
    ).fetchall()
    return {str(k): str(v) for k, v in rows}


def settings_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every value a task setting has had, newest first: key, value, set_at, set_by."""
    return con.execute("SELECT key, value, set_at, set_by FROM task_settings ORDER BY set_at DESC, key").df()


def set_setting(con: duckdb.DuckDBPyConnection, key: str, value: str, by: str) -> None:
    """Append a value (inside the caller's transaction); the latest counts."""
    con.execute(
        "INSERT INTO task_settings VALUES ($key, $value, now(), $by)", {"key": key, "value": value, "by": by}
    )
