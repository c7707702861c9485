"""The reporting calendar: for each unit and quarter, what has arrived (CONTRACT.md §4, `kpi
calendar`). A cell's status is one of four:

- `received`: values arrived and none was replaced since;
- `revised`: values arrived and some were replaced by a later upload (a correction);
- `missing`: nothing yet, and the due day has not passed;
- `late`: nothing, and the due day (the quarter's last day + the source's due days) has passed.

`values` counts what counts now (statistics: one per row, that is per cluster plus the
all-industry row; task progress reports: one per task). A source is one kind of report
(`SOURCES`): its units, its due days and its arrivals.

- `stats`: the nine units (key = region code), due `stats_due_days` (app_settings, 20) after the
  quarter's end, one value per statistics row.
- `tasks`: the plan's accountable units (责任单位) that hold a current task, in the plan's order
  (key = the unit's name: it has no code), due the tasks' own `due_days` (task_settings, from
  kpi/reference/task_rules.csv: 15), one value per task report that counts. A quarter before the
  plan's first (2025Q3) has no cells: nothing was due then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import duckdb

from kpi.model.errors import UnknownScope
from kpi.model.periods import Period, parse_period
from kpi.progress.tasks import first_quarter
from kpi.store import arrivals, reference, settings
from kpi.store import tasks as task_store
from kpi.store.arrivals import Arrival
from kpi.tasks import catalog


class CellStatus(StrEnum):
    RECEIVED = "received"
    REVISED = "revised"
    MISSING = "missing"
    LATE = "late"


@dataclass(frozen=True)
class Source:
    """One kind of report the calendar follows."""

    name: str  # 'stats', 'tasks'
    units: Callable[[duckdb.DuckDBPyConnection], list[tuple[str, str]]]  # (key, name), in order
    due_days: Callable[[duckdb.DuckDBPyConnection], int]
    arrivals: Callable[[duckdb.DuckDBPyConnection, list[str]], dict[tuple[str, str], Arrival]]
    # the first quarter anything is due (None: every quarter)
    starts: Callable[[duckdb.DuckDBPyConnection], Period] | None = None


@dataclass(frozen=True)
class Cell:
    unit: str
    name: str
    period: str
    due: dt.date
    status: CellStatus
    values: int
    first_at: dt.datetime | None


def _stat_units(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    frame = reference.units(con)
    return list(zip(frame["code"], frame["name"], strict=True))


STATISTICS = Source(
    name="stats",
    units=_stat_units,
    due_days=lambda con: settings.whole(con, "stats_due_days"),
    arrivals=arrivals.statistics,
)


def _task_units(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [(name, name) for name in catalog.unit_order(con)]


TASK_REPORTS = Source(
    name="tasks",
    units=_task_units,
    due_days=lambda con: int(task_store.settings(con)["due_days"]),
    arrivals=arrivals.task_reports,
    starts=lambda con: first_quarter(catalog.rules(con)),
)
SOURCES: dict[str, Source] = {s.name: s for s in (STATISTICS, TASK_REPORTS)}


def due_date(period: Period, due_days: int) -> dt.date:
    return period.end_date + dt.timedelta(days=due_days)


def cell_status(arrival: Arrival | None, due: dt.date, today: dt.date) -> CellStatus:
    if arrival is not None and arrival.values > 0:
        return CellStatus.REVISED if arrival.revised else CellStatus.RECEIVED
    return CellStatus.LATE if today > due else CellStatus.MISSING


def default_period(today: dt.date | None = None) -> Period:
    """The latest quarter that has ended: the one being collected."""
    return Period.latest_complete(today)


def resolve_period(text: str | None, today: dt.date | None = None) -> Period:
    if not text:
        return default_period(today)
    found = parse_period(text)
    if found is None:
        raise UnknownScope("period", text)
    return found


def matrix(
    con: duckdb.DuckDBPyConnection,
    periods: list[Period],
    *,
    source: str = "stats",
    today: dt.date | None = None,
) -> list[Cell]:
    """Every unit × period cell of one source, units in their order, periods as given (those
    before the source's first due quarter left out)."""
    src = SOURCES[source]
    today = today or dt.date.today()
    days = src.due_days(con)
    if src.starts is not None:
        first = src.starts(con)
        periods = [p for p in periods if p >= first]
    found = src.arrivals(con, [p.code for p in periods])
    cells = []
    for key, name in src.units(con):
        for p in periods:
            got, due = found.get((p.code, key)), due_date(p, days)
            cells.append(
                Cell(
                    key,
                    name,
                    p.code,
                    due,
                    cell_status(got, due, today),
                    got.values if got else 0,
                    got and got.first_at,
                )
            )
    return cells


def recent_periods(today: dt.date | None = None, count: int = 8) -> list[Period]:
    """The `count` latest quarters that have ended by `today`, newest first."""
    p = default_period(today)
    out = []
    for _ in range(count):
        out.append(p)
        p = Period(p.year, p.quarter - 1) if p.quarter > 1 else Period(p.year - 1, 4)
    return out


def calendar_json(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    *,
    source: str = "stats",
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The contract's `kpi calendar --json` object: one period, its due day, each unit's cell
    (`region` is the unit's key: a region code for statistics, the unit's name for tasks)."""
    p = resolve_period(period, today)
    cells = matrix(con, [p], source=source, today=today)
    due = due_date(p, SOURCES[source].due_days(con))
    return {
        "period": p.code,
        "due": due.isoformat(),
        "units": [
            {"region": c.unit, "name": c.name, "status": c.status.value, "values": c.values} for c in cells
        ],
    }
