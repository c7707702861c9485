"""Whether a quarter is complete: the city's own total row, or every reporting unit's row.

A city figure needs every unit that makes it (or the city's own row, CONTRACT.md §3); until
then the quarter is incomplete, and the pages say who has reported. The default period of the
pages and of `kpi status` is the latest complete quarter (queries.default_period).
"""

from __future__ import annotations

from typing import Any

import duckdb

from kpi.store import queries
from kpi.store.reference import units as reference_units


def period_completeness(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, Any]:
    """{period, complete, city_total_row, reported_units, missing_units, latest_complete_period}
    for the all-industry rows of one quarter; units in the reference order. Not scoped: which
    units have reported a quarter is no secret of any unit."""
    city_row, reported = queries.period_reporters(con, period)
    order = list(reference_units(con)["code"])
    have = set(reported)
    return {
        "period": period,
        "complete": city_row or (bool(order) and have.issuperset(order)),
        "city_total_row": city_row,
        "reported_units": [u for u in order if u in have],
        "missing_units": [u for u in order if u not in have],
        "latest_complete_period": queries.latest_complete_period(con),
    }
