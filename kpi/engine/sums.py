"""Which sums make a scope's ratio in each period: the city's own total row or the sum of the
units, and whether that sum is complete.

A city figure needs every unit that makes it, or the city's own total row (CONTRACT.md §3:
"every unit, or the city's own row"): a sum over the units that have reported so far is marked
`complete: False`, and callers never present it as the city's figure (kpi.engine.status keeps
it as a partial value with status `incomplete`; the series and breakdowns leave it out).

Where the city's own row is chosen and the units' sum exists too, the latter rides along as
`units_sum`, so that two periods on different bases can be compared on the one basis both have
(kpi.progress.basis).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpi.engine.snapshot import (
    as_float,
)

CITY_ROW = "city_total_row"
UNITS = "sum_of_units"
REGION = "region_rows"


def pick_scope_sums(frame: pd.DataFrame, code: str, expected: int | None = None) -> dict[str, dict[str, Any]]:
    """Per period: numerator, denominator, basis, units reporting and completeness for one ratio.

    `frame` is queries.sums() for one scope: parts 'city'/'units', or a single region code.
    `expected`: how many units make the city's figure (None: any number is complete).
    """
    return pick(by_period(frame.to_dict("records")), code, expected)


def by_period(records: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Rows of queries.sums() as {period: {part: row}}: plain dicts, not groupby + iterrows, since
    this runs for every ratio, scope and unit of a page (2,800 units × 3 ratios at country scale)."""
    by_period: dict[str, dict[str, dict[str, Any]]] = {}
    for row in records:
        by_period.setdefault(str(row["period"]), {})[str(row["part"])] = row
    return by_period


def _float(v: Any) -> float | None:
    return as_float(v)


def _fast_float(v: Any) -> float | None:
    return None if v is None or v != v else float(v)


def pick(
    by_period: dict[str, dict[str, dict[str, Any]]], code: str, expected: int | None = None
) -> dict[str, dict[str, Any]]:
    """The choice for rows read through pandas (NA and NaN as missing)."""
    return _pick(by_period, code, expected, _float, lambda v: int(v or 0), lambda v: [int(u) for u in v])


def pick_fast(
    by_period: dict[str, dict[str, dict[str, Any]]], code: str, expected: int | None = None
) -> dict[str, dict[str, Any]]:
    """`pick` for rows read by fetchall (floats or None, never pandas' NA): the same choice and
    the same values, without the DataFrame conversions."""
    return _pick(by_period, code, expected, _fast_float, lambda v: v or 0, list)


def _pick(
    by_period: dict[str, dict[str, dict[str, Any]]],
    code: str,
    expected: int | None,
    num: Any,
    count: Any,
    ids: Any,
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    k_num, k_den, k_n = f"{code}_num", f"{code}_den", f"{code}_n"

    def entry(row: dict[str, Any], basis: str, n: int) -> dict[str, Any]:
        return {
            "numerator": num(row[k_num]),
            "denominator": num(row[k_den]),
            "basis": basis,
            "units_reporting": n,
            # the city's own row, one region's rows, or every unit that makes the city
            "complete": basis != UNITS or expected is None or n >= expected,
            "demo": bool(row["demo"]),
            "uploads": ids(row["uploads"]),
        }

    for period in sorted(by_period):
        parts = by_period[period]
        city, units = parts.get("city"), parts.get("units")
        if city is not None and count(city[k_n]) > 0:
            chosen = entry(city, CITY_ROW, 1)
            if units is not None and count(units[k_n]) > 0:
                chosen["units_sum"] = entry(units, UNITS, count(units[k_n]))
        elif units is not None:
            chosen = entry(units, UNITS, count(units[k_n]))
        elif len(parts) == 1 and city is None:
            row = next(iter(parts.values()))
            chosen = entry(row, REGION, count(row[k_n]))
        else:
            continue
        if chosen["units_reporting"] == 0:
            continue
        out[str(period)] = chosen
    return out


def complete_only(sums: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The periods whose figure is the scope's own (complete), as a series must show them."""
    return {p: s for p, s in sums.items() if s["complete"]}
