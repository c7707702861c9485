"""The task list as data: the plan's tasks with their accountable units in the plan's order, the
plan's 责任主体 note, the status rules; changes by an administrator, each kept as a version.

The list is seeded from kpi/reference/tasks.csv (hand-checked against the plan's text: tests/
test_tasks_reference.py). A later revision of the plan changes it here, never in code: a task's
title, section, summary or units change, a task is added, or withdrawn (it then leaves the board;
its reports stay). Every change is a new row of `task_versions` with who made it, when and why,
and an audit event, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from kpi.model.roles import Permission, Viewer, require
from kpi.model.tasks import code_order, is_code, normalise_code, valid_unit_name
from kpi.progress.tasks import TaskRules
from kpi.store import audit, connection, writes
from kpi.store import tasks as store
from kpi.store.reference import plan_span

TITLE_MAX, SECTION_MAX, DELIVERABLE_MAX, NOTE_MAX = 60, 60, 300, 200
RULE_KEYS = ("lagging_pp", "seriously_lagging_pp", "due_days")


@dataclass(frozen=True)
class Task:
    code: str
    section: str
    title: str
    deliverable: str | None
    units: tuple[str, ...]  # in the plan's order


def tasks(con: duckdb.DuckDBPyConnection) -> list[Task]:
    """The current task list in the plan's order."""
    return [
        Task(r.code, r.section, r.title, None if pd.isna(r.deliverable) else r.deliverable, tuple(r.units))
        for r in store.task_list(con).itertuples()
    ]


def accountable(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """Task code → its accountable units, in the plan's order."""
    return {t.code: t.units for t in tasks(con)}


def unit_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every accountable unit in the order the plan first names it."""
    return [str(n) for n in store.departments(con)["name"]]


def unit_order(con: duckdb.DuckDBPyConnection, current: list[Task] | None = None) -> list[str]:
    """The units that have at least one current task, in the order the plan first names them
    (`current`: the task list, where the caller has read it already)."""
    used = {u for t in (tasks(con) if current is None else current) for u in t.units}
    return [u for u in unit_names(con) if u in used]


def note(con: duckdb.DuckDBPyConnection, values: dict[str, str] | None = None) -> str:
    """The plan's note on 责任主体 (the zones and every county government, for every task);
    `values`: the task settings, where the caller has read them already."""
    return (store.settings(con) if values is None else values).get("note", "")


# ---------------------------------------------------------------- the status rules


def rules(con: duckdb.DuckDBPyConnection, values: dict[str, str] | None = None) -> TaskRules:
    """The rules in force: thresholds and due day from `task_settings` (`values`, where the
    caller has read them already); the plan's span from the targets table (the earliest plan
    start, the latest deadline: 2025-07-04 to 2027-12-31)."""
    values = store.settings(con) if values is None else values
    start, end = plan_span(con)
    return TaskRules(
        plan_start=start,
        deadline=end,
        lagging_pp=float(values["lagging_pp"]),
        seriously_lagging_pp=float(values["seriously_lagging_pp"]),
        due_days=int(values["due_days"]),
    )


def rule_problems(values: dict[str, str]) -> dict[str, str]:
    """{key: problem} for rule values that cannot be stored: `not_a_number`, `bad_due_days`
    (a whole number of days, 0–90), `bad_thresholds` (0 < lagging ≤ seriously lagging ≤ 100)."""
    problems: dict[str, str] = {}
    numbers: dict[str, float] = {}
    for key in RULE_KEYS:
        try:
            numbers[key] = float(str(values[key]).strip())
        except (KeyError, ValueError):
            problems[key] = "not_a_number"
    if "due_days" in numbers and (not numbers["due_days"].is_integer() or not 0 <= numbers["due_days"] <= 90):
        problems["due_days"] = "bad_due_days"
    low, high = numbers.get("lagging_pp"), numbers.get("seriously_lagging_pp")
    if low is not None and high is not None and not 0 < low <= high <= 100:
        problems["lagging_pp"] = problems["seriously_lagging_pp"] = "bad_thresholds"
    return problems


def save_rules(
    con: duckdb.DuckDBPyConnection,
    values: dict[str, str],
    *,
    by: str | None = None,
    viewer: Viewer | None = None,
) -> dict[str, str]:
    """Store the rule values (and the 责任主体 `note`) that changed, with an audit event; returns
    {key: problem} and stores nothing when any value is bad. An administrator's task (Forbidden
    for another viewer)."""
    require(viewer, Permission.MANAGE_TASKS)
    actor = by or (viewer.username if viewer else None) or writes._whoami()
    current = store.settings(con)
    merged = {**current, **{k: str(v).strip() for k, v in values.items() if k in (*RULE_KEYS, "note")}}
    problems = rule_problems(merged)
    if problems:
        return problems
    for key in ("lagging_pp", "seriously_lagging_pp"):
        merged[key] = f"{float(merged[key]):g}"
    merged["due_days"] = str(int(float(merged["due_days"])))
    changed = {k: v for k, v in merged.items() if k in (*RULE_KEYS, "note") and current.get(k) != v}
    if not changed:
        return {}
    with connection.transaction(con):
        for key, value in changed.items():
            store.set_setting(con, key, value, actor)
        audit.record(
            con, actor, audit.Action.TASK_RULES, before={k: current.get(k) for k in changed}, after=changed
        )
    return {}


# ---------------------------------------------------------------- changes to the list


def task_problems(code: str, section: str, title: str, deliverable: str, units: list[str]) -> list[str]:
    """What keeps a task from being stored (problem keys, kpi.text.tasks `task.problem.*`)."""
    problems = []
    if not is_code(code):
        problems.append("bad_code")
    if not section.strip() or len(section.strip()) > SECTION_MAX:
        problems.append("bad_section")
    if not title.strip() or len(title.strip()) > TITLE_MAX:
        problems.append("bad_title")
    if len(deliverable.strip()) > DELIVERABLE_MAX:
        problems.append("deliverable_too_long")
    cleaned = [u.strip() for u in units if u.strip()]
    if not cleaned:
        problems.append("no_units")
    elif not all(valid_unit_name(u) for u in cleaned):
        problems.append("bad_unit")
    elif len(set(cleaned)) != len(cleaned):
        problems.append("duplicate_unit")
    return problems


def save_task(
    con: duckdb.DuckDBPyConnection,
    code: str,
    *,
    section: str,
    title: str,
    units: list[str],
    deliverable: str = "",
    active: bool = True,
    note: str = "",
    by: str | None = None,
    viewer: Viewer | None = None,
) -> tuple[int | None, list[str]]:
    """Add a task, change it, or withdraw it (`active=False`), as a new version with an audit
    event. Returns (version id, problems): (None, [...]) stores nothing; (None, []) when nothing
    changed. `note` says why (the revision's document). An administrator's task (Forbidden for
    another viewer)."""
    require(viewer, Permission.MANAGE_TASKS)
    actor = by or (viewer.username if viewer else None) or writes._whoami()
    key = normalise_code(code)
    cleaned = [u.strip() for u in units if u.strip()]
    problems = task_problems(key, section, title, deliverable, cleaned)
    if len(note.strip()) > NOTE_MAX:
        problems.append("note_too_long")
    if problems:
        return None, problems
    before = {t.code: t for t in tasks(con)}.get(key)
    after = Task(key, section.strip(), title.strip(), deliverable.strip() or None, tuple(cleaned))
    if before == after and active:
        return None, []
    if before is None and not active:
        return None, ["unknown_task"]
    with connection.transaction(con):
        version = store.write_task(
            con,
            code=key,
            section=after.section,
            title=after.title,
            deliverable=after.deliverable,
            units=list(after.units),
            active=active,
            sort=code_order(key),
            by=actor,
            note=note.strip() or None,
        )
        audit.record(
            con,
            actor,
            audit.Action.TASK_CHANGE,
            code=key,
            version=version,
            active=active,
            before=None if before is None else {"title": before.title, "units": list(before.units)},
            after={"title": after.title, "units": list(after.units)},
            note=note.strip() or None,
        )
    return version, []


def as_of_default(today: dt.date | None = None) -> dt.date:
    return today or dt.date.today()
