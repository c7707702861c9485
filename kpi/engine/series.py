from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from kpi.engine.sums import by_period, complete_only, pick, pick_scope_sums
from kpi.model import roles
from kpi.model.definitions import ALL_CLUSTER, RATIOS
from kpi.model.errors import UnknownScope
from kpi.model.periods import parse_period
from kpi.progress import compute
from kpi.store import queries
from kpi.store.reference import resolve_cluster, resolve_region
from kpi.store.reference import units as reference_units


def _authorized_region(
    con: duckdb.DuckDBPyConnection, viewer: roles.Viewer | None, region: str | None, cluster: str | None
) -> str | None:
    """The region code of a scope the viewer may see (None = the city); Forbidden otherwise.
    Only the reference table is read before the check (none at all for the city)."""
    code = resolve_region(con, region)  # None without a lookup when no region is given
    roles.authorize_scope(viewer, code, cluster)
    return code


def ratio_series(
    con: duckdb.DuckDBPyConnection,
    region: str | None = None,
    cluster: str | None = None,
    *,
    viewer: roles.Viewer | None = None,
) -> pd.DataFrame:
    """Every period's ratios for one scope: period, indicator, value, numerator, denominator, basis.
    A `viewer` may ask only for a scope it may see (as in kpi_status).

    For the city, a period whose sum lacks some of the units that make it (and has no city row)
    is left out: it is not the city's figure (kpi_status reports it as `incomplete`)."""
    region_code = _authorized_region(con, viewer, region, cluster)
    scope_region = None if region_code == "330400" else region_code
    code = resolve_cluster(con, cluster)
    frame = queries.sums(con, cluster=code, region=scope_region)
    expected = None
    if scope_region is None:
        expected = len(reference_units(con)) if code == ALL_CLUSTER else len(queries.cluster_hosts(con, code))
    rows = []
    for r in RATIOS:
        for period, s in complete_only(pick_scope_sums(frame, r.code, expected)).items():
            rows.append(
                {
                    "period": period,
                    "indicator": r.code,
                    "value": compute.ratio(s["numerator"], s["denominator"]),
                    "numerator": s["numerator"],
                    "denominator": s["denominator"],
                    "basis": s["basis"],
                }
            )
    return pd.DataFrame(rows, columns=["period", "indicator", "value", "numerator", "denominator", "basis"])


def unit_ranking(
    con: duckdb.DuckDBPyConnection,
    period: str,
    cluster: str | None = None,
    *,
    viewer: roles.Viewer | None = None,
) -> pd.DataFrame:
    """The nine units' ratios for one period (赛马), with the same period a year earlier.

    Columns: region, name, indicator, value, numerator, denominator, previous_value, change_pp,
    rank (1 = highest). Every role may see the ranking; for a county official the other units
    show as the city ranking shows them, ratios and ranks only: their numerator and denominator
    (the amounts behind the ratio) are None.
    """
    p = parse_period(period)
    if p is None:
        raise UnknownScope("period", period)
    prev = p.previous_year()
    frame = queries.sums(
        con, cluster=resolve_cluster(con, cluster), periods=[p.code, prev.code], by_region=True
    )
    units = reference_units(con)
    by_part: dict[str, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        by_part.setdefault(str(record["part"]), []).append(record)
    sums = {part: by_period(records) for part, records in by_part.items()}
    rows = []
    for r in RATIOS:
        for unit in units.itertuples():
            picked = pick(sums.get(unit.code, {}), r.code)
            now, before = picked.get(p.code), picked.get(prev.code)
            value = compute.ratio(now["numerator"], now["denominator"]) if now else None
            previous = compute.ratio(before["numerator"], before["denominator"]) if before else None
            rows.append(
                {
                    "region": unit.code,
                    "name": unit.name,
                    "short_name": unit.short_name,
                    "name_en": unit.name_en,
                    "indicator": r.code,
                    "value": value,
                    "numerator": now["numerator"] if now else None,
                    "denominator": now["denominator"] if now else None,
                    "previous_value": previous,
                    "change_pp": compute.change_pp(value, previous),
                }
            )
    out = pd.DataFrame(rows)
    out["rank"] = out.groupby("indicator")["value"].rank(ascending=False, method="min").astype("Int64")
    own = roles.visible_regions(viewer)
    if own is not None:
        others = ~out["region"].isin(own)
        out["numerator"] = out["numerator"].astype(object).where(~others, None)
        out["denominator"] = out["denominator"].astype(object).where(~others, None)
    return out
