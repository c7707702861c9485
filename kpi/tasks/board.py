"""Where each task stands on a day: the status of every task × accountable unit and of every
task (kpi.progress.tasks's rules), as `kpi tasks --json` prints it and the 任务督办 page shows it.

Scope: a department viewer (责任单位 reporter) gets its own unit's rows only, in the kpi query
itself (the tasks it is accountable for, each with that unit alone, the task's status and
progress then being that unit's); `unit=` asks for the same view of one unit (Forbidden for a
department asking for another). Leaders, statisticians, county officials and administrators see
every row.

`as_of` is the day the board is drawn for (default today): it decides the latest due quarter and
序时进度, and only reports of quarters ended by then count (their current revision).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from kpi.model.errors import InvalidInput
from kpi.model.periods import Period, from_code
from kpi.model.roles import Permission, Viewer, authorize_task_unit, require, task_unit_scope
from kpi.progress.tasks import Report, TaskRules, TaskStatus, UnitState, mean_progress, unit_state, worst
from kpi.store import tasks as store
from kpi.tasks import catalog


@dataclass(frozen=True)
class UnitRow:
    name: str
    state: UnitState


@dataclass(frozen=True)
class TaskRow:
    code: str
    section: str
    title: str
    status: TaskStatus
    progress: float | None
    units: tuple[UnitRow, ...]


@dataclass(frozen=True)
class Board:
    as_of: dt.date
    rules: TaskRules
    unit: str | None  # the one unit shown (a department, or --unit), None = every unit
    note: str  # the plan's 责任主体 note
    tasks: tuple[TaskRow, ...]
    units: tuple[str, ...]  # the units shown, in the order the plan first names them
    demo: bool  # whether any report counted is demo data


def resolve_unit(con: duckdb.DuckDBPyConnection, value: str | None) -> str | None:
    """A unit as written (name, English name, or the name without 市) → its name; InvalidInput
    (`tasks_unknown_unit`) for a name the task list does not know."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    frame = store.departments(con)
    for r in frame.itertuples():
        spellings = {str(r.name), str(r.name).removeprefix("市")}
        if isinstance(r.name_en, str):
            spellings.add(r.name_en.lower())
        if text in spellings or text.lower() in spellings:
            return str(r.name)
    raise InvalidInput("tasks_unknown_unit", value=text[:80], known="、".join(map(str, frame["name"])))


def board(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date | None = None,
    unit: str | None = None,
    *,
    viewer: Viewer | None = None,
) -> Board:
    """The board on `as_of` (default today) for every unit or one (`unit`), as `viewer` may see it."""
    require(viewer, Permission.VIEW_TASKS)
    on = as_of or dt.date.today()
    asked = resolve_unit(con, unit)
    own = task_unit_scope(viewer)
    if asked is not None:
        authorize_task_unit(viewer, asked)
    shown = asked or own
    values = store.settings(con)  # read once: the rules and the note (a third of the board's
    current = catalog.tasks(con)  # reads were these two made twice, issue 16)
    rules = catalog.rules(con, values)
    frame = store.reports(con, unit=shown)
    counted = frame[[has_ended_code(p, on) for p in frame["period"]]] if not frame.empty else frame
    by_key: dict[tuple[str, str], list[Report]] = {}
    for r in counted.itertuples():
        by_key.setdefault((r.code, r.unit), []).append(Report(from_code(r.period), float(r.progress)))
    rows = []
    for task in current:
        names = [u for u in task.units if shown is None or u == shown]
        if not names:
            continue
        units = tuple(UnitRow(u, unit_state(by_key.get((task.code, u), []), on, rules)) for u in names)
        rows.append(
            TaskRow(
                task.code,
                task.section,
                task.title,
                worst([u.state.status for u in units]),
                mean_progress([u.state.progress for u in units]),
                units,
            )
        )
    order = [u for u in catalog.unit_order(con, current) if shown is None or u == shown]
    demo = bool(not counted.empty and counted["is_demo"].any())
    return Board(on, rules, shown, catalog.note(con, values), tuple(rows), tuple(order), demo)


def has_ended_code(code: str, on: dt.date) -> bool:
    return from_code(code).end_date < on


def _period(p: Period | None) -> str | None:
    return None if p is None else p.code


def to_json(b: Board) -> dict[str, Any]:
    """The contract's answer (CONTRACT.md §4): as_of, and per task code, title, status, progress
    (a fraction or None) and its units (name, status, progress, last_report) in the plan's order."""
    return {
        "as_of": b.as_of.isoformat(),
        "tasks": [
            {
                "code": t.code,
                "title": t.title,
                "status": t.status.value,
                "progress": t.progress,
                "units": [
                    {
                        "name": u.name,
                        "status": u.state.status.value,
                        "progress": None if u.state.progress is None else round(u.state.progress, 4),
                        "last_report": _period(u.state.last_report),
                    }
                    for u in t.units
                ],
            }
            for t in b.tasks
        ],
    }


def tally(b: Board) -> dict[TaskStatus, int]:
    """Tasks per status (each task once, by its worst unit)."""
    out = dict.fromkeys(TaskStatus, 0)
    for t in b.tasks:
        out[t.status] += 1
    return out


def history(con: duckdb.DuckDBPyConnection, code: str | None = None, *, viewer: Viewer | None = None) -> Any:
    """Every report with its revisions (kpi.store.tasks.reports, history=True), newest first
    within a quarter; a department's own unit only."""
    require(viewer, Permission.VIEW_TASKS)
    return store.reports(con, unit=task_unit_scope(viewer), code=code, history=True)
