"""Cluster breakdowns: each cluster's ratios for a scope, and the region × cluster matrix.

Cluster rows only (never the all-industry rows); the city's cluster value uses a city cluster
row where one was uploaded, else the sum of the units' rows for that cluster, as for totals.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from kpi.engine.sums import pick_scope_sums
from kpi.model import roles
from kpi.model.definitions import CITY_CODE, RATIOS
from kpi.progress import compute
from kpi.store import queries

COLUMNS = ["cluster", "region", "indicator", "value", "numerator", "denominator"]


def cluster_ratios(
    con: duckdb.DuckDBPyConnection,
    period: str,
    region: str | None = None,
    *,
    viewer: roles.Viewer | None = None,
) -> pd.DataFrame:
    """One row per cluster and ratio for the city (region None) or one region (a code).
    A `viewer` may ask only for a region it may see (Forbidden otherwise).

    A cluster's city figure needs every unit whose rows make it (the units with rows for that
    cluster in any period), or the city's own cluster row: until then it is left out (issue 12)."""
    scope = roles.authorize_scope(viewer, region)
    frame = queries.cluster_sums(con, period=period, region=scope)
    hosts = None
    if scope is None:
        hosts = queries.cluster_regions(con).groupby("cluster")["region"].nunique().to_dict()
    rows = []
    for cluster, part in frame.groupby("cluster", sort=True):
        expected = None if hosts is None else int(hosts.get(cluster, 0))
        for r in RATIOS:
            s = pick_scope_sums(part.drop(columns="cluster"), r.code, expected).get(period)
            if s is None or not s["complete"]:
                continue
            rows.append(
                {
                    "cluster": cluster,
                    "region": scope,
                    "indicator": r.code,
                    "value": compute.ratio(s["numerator"], s["denominator"]),
                    "numerator": s["numerator"],
                    "denominator": s["denominator"],
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)


def region_cluster_matrix(
    con: duckdb.DuckDBPyConnection, period: str, *, viewer: roles.Viewer | None = None
) -> pd.DataFrame:
    """One row per unit × cluster × ratio that has data in the period (the city row excluded).
    For a county official, its own unit's rows only (the region filter is in the SQL)."""
    own = roles.visible_regions(viewer)
    region = next(iter(own)) if own else None
    frame = queries.cluster_sums(con, period=period, by_region=True, region=region)
    frame = frame[frame["part"] != CITY_CODE]
    rows = []
    for r in RATIOS:
        num, den = frame[f"{r.code}_num"], frame[f"{r.code}_den"]
        ok = frame[f"{r.code}_n"] > 0
        for cluster, region, n, d in zip(
            frame["cluster"][ok], frame["part"][ok], num[ok], den[ok], strict=True
        ):
            rows.append(
                {
                    "cluster": cluster,
                    "region": region,
                    "indicator": r.code,
                    "value": compute.ratio(n, d),
                    "numerator": n,
                    "denominator": d,
                }
            )
    return pd.DataFrame(rows, columns=COLUMNS)
