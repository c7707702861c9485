"""What has arrived, per period and unit: the reporting calendar's reads (kpi.engine.calendar).

One source per kind of report (statistics, task progress reports); each answers, for the
periods asked, per (period, unit): how many values count now, whether any of them replaced an
earlier value (a revision), and when the first arrived. Only committed uploads count (a rolled-back upload never arrived).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from kpi.model.definitions import CITY_CODE


@dataclass(frozen=True)
class Arrival:
    values: int  # values that count now (statistics: one per row, i.e. per cluster plus all-industry)
    revised: bool  # some value replaced an earlier one of the same key
    first_at: dt.datetime | None
    last_at: dt.datetime | None


# A key with more committed vintages than one was revised: within a (period, region) group the key
# is the cluster, so more rows than distinct clusters means a revision.
_STATS_SQL = """
SELECT s.period, s.region, count(*) FILTER (WHERE s.is_current), count(*) > count(DISTINCT s.cluster),
       min(u.uploaded_at), max(u.uploaded_at)
FROM stat_values s JOIN uploads u ON u.id = s.upload_id
WHERE u.status = 'committed' AND list_contains($periods, s.period) AND s.region <> $city
GROUP BY ALL
"""


def statistics(con: duckdb.DuckDBPyConnection, periods: list[str]) -> dict[tuple[str, str], Arrival]:
    """{(period, region): Arrival} for the units with statistics in those periods (the city's
    own total row is not a unit's report)."""
    rows = con.execute(_STATS_SQL, {"periods": list(periods), "city": CITY_CODE}).fetchall()
    return {(p, r): Arrival(int(n), bool(rev), first, last) for p, r, n, rev, first, last in rows}


# The same for the plan's task progress reports: within a (period, unit) group the key is the task.
_TASKS_SQL = """
SELECT r.period, r.unit, count(*) FILTER (WHERE r.is_current), count(*) > count(DISTINCT r.code),
       min(u.uploaded_at), max(u.uploaded_at)
FROM task_reports r JOIN uploads u ON u.id = r.upload_id
WHERE u.status = 'committed' AND list_contains($periods, r.period)
GROUP BY ALL
"""


def task_reports(con: duckdb.DuckDBPyConnection, periods: list[str]) -> dict[tuple[str, str], Arrival]:
    """{(period, unit): Arrival} for the accountable units with task progress reports in those
    periods: `values` = the reports that count (one per task), `revised` = a report replaced
    by a later file or form entry."""
    rows = con.execute(_TASKS_SQL, {"periods": list(periods)}).fetchall()
    return {(p, u): Arrival(int(n), bool(rev), first, last) for p, u, n, rev, first, last in rows}
