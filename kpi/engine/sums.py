from __future__ import annotations

from typing import Any

import pandas as pd

from kpi.engine.snapshot import (
    as_float,
)


def pick_scope_sums(frame: pd.DataFrame, code: str) -> dict[str, dict[str, Any]]:
    """Per period: numerator, denominator, basis and units reporting for one ratio.

    `frame` is queries.sums() for one scope: parts 'city'/'units', or a single region code.
    """
    return pick(by_period(frame.to_dict("records")), code)


def by_period(records: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Rows of queries.sums() as {period: {part: row}}: plain dicts, not groupby + iterrows, since
    this runs for every ratio, scope and unit of a page (2,800 units × 3 ratios at country scale)."""
    by_period: dict[str, dict[str, dict[str, Any]]] = {}
    for row in records:
        by_period.setdefault(str(row["period"]), {})[str(row["part"])] = row
    return by_period


def pick(by_period: dict[str, dict[str, dict[str, Any]]], code: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    k_num, k_den, k_n = f"{code}_num", f"{code}_den", f"{code}_n"
    for period in sorted(by_period):
        parts = by_period[period]
        city = parts.get("city")
        if city is not None and (city[k_n] or 0) > 0:
            chosen, basis, n = city, "city_total_row", 1
        elif "units" in parts:
            chosen, basis, n = parts["units"], "sum_of_units", int(parts["units"][k_n] or 0)
        elif len(parts) == 1 and city is None:
            chosen = next(iter(parts.values()))
            basis, n = "region_rows", int(chosen[k_n] or 0)
        else:
            continue
        if n == 0:
            continue
        out[str(period)] = {
            "numerator": as_float(chosen[k_num]),
            "denominator": as_float(chosen[k_den]),
            "basis": basis,
            "units_reporting": n,
            "demo": bool(chosen["demo"]),
            "uploads": [int(u) for u in chosen["uploads"]],
        }
    return out


def pick_fast(by_period: dict[str, dict[str, dict[str, Any]]], code: str) -> dict[str, dict[str, Any]]:
    """_pick for rows read by fetchall (floats or None, never pandas' NA): the same choice and
    the same values, without the DataFrame conversions."""
    out: dict[str, dict[str, Any]] = {}
    k_num, k_den, k_n = f"{code}_num", f"{code}_den", f"{code}_n"
    for period in sorted(by_period):
        parts = by_period[period]
        city = parts.get("city")
        if city is not None and city[k_n]:
            chosen, basis, n = city, "city_total_row", 1
        elif "units" in parts:
            chosen, basis, n = parts["units"], "sum_of_units", parts["units"][k_n]
        elif len(parts) == 1 and city is None:
            chosen = next(iter(parts.values()))
            basis, n = "region_rows", chosen[k_n]
        else:
            continue
        if not n:
            continue
        num, den = chosen[k_num], chosen[k_den]
        out[period] = {
            "numerator": None if num is None or num != num else float(num),
            "denominator": None if den is None or den != den else float(den),
            "basis": basis,
            "units_reporting": n,
            "demo": chosen["demo"],
            "uploads": list(chosen["uploads"]),
        }
    return out
