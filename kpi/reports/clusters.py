"""The clusters page's tables (产业集群), built here so they can be tested without Streamlit.

One row per cluster of the taxonomy with the scope's ratios, its platform count and coverage
mark. A count and a mark in one row always describe the same scope and the same counting rule
(kpi.platforms.register.counts_on on the status's `platforms_as_of`), so "0 platforms, covered"
cannot happen: for the city, the city's platforms; for a county, the county's own platforms
(its coverage universe is the clusters it hosts, as `kpi status --region` counts it) next to
the city's coverage of the same cluster, in columns of their own.

The region × cluster heat map is coloured on the scale of every unit's values (`matrix_scale`),
so a county's single column is comparable with the city's instead of relative to its own cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from kpi.engine import breakdown
from kpi.engine import status as engine_status
from kpi.model import roles
from kpi.model.definitions import RATIOS
from kpi.platforms import register
from kpi.store import queries
from kpi.store.reference import clusters as cluster_table_of
from kpi.store.reference import units as unit_table


@dataclass(frozen=True)
class ClusterTable:
    """`frame`: one row per taxonomy cluster, in taxonomy order. Columns: cluster, name, name_en,
    tier, group, the three ratio codes (fractions of the scope's cluster rows, NaN without data),
    hosts (unit codes with rows of that cluster), platforms and covered (the scope's: for a county
    its own platforms; `covered` None where the county does not host the cluster, so it is not in
    its coverage), city_platforms and city_covered (the whole register; for the city the same as
    platforms and covered)."""

    frame: pd.DataFrame
    region: str | None  # None: the city
    as_of: str  # the day the platforms are counted on (the status's platforms_as_of)
    covered: int  # the scope's coverage, as `kpi status` gives it
    total: int


def _counts(rows: list[dict[str, Any]], as_of: dt.date, region: str | None) -> dict[str, int]:
    """Platforms counting on `as_of` per cluster served, for one unit or (None) the city."""
    out: dict[str, int] = {}
    for row in rows:
        if (region is None or row["region"] == region) and register.counts_on(row, as_of):
            for c in set(row["clusters"] or ()):
                out[c] = out.get(c, 0) + 1
    return out


def cluster_table(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    region: str | None = None,
    *,
    viewer: roles.Viewer | None = None,
    today: dt.date | None = None,
) -> ClusterTable:
    """The taxonomy with each cluster's ratios, platforms and coverage for the city (None) or one
    unit. A `viewer` may ask only for a scope it may see (Forbidden otherwise)."""
    status = engine_status.kpi_status(con, period, region, viewer=viewer, today=today)
    scope = None if status["region"] in (None, "330400") else status["region"]
    coverage = status["indicators"]["cluster_coverage"]
    as_of = dt.date.fromisoformat(status["platforms_as_of"])
    taxonomy = cluster_table_of(con)
    codes = list(taxonomy["code"])
    ratios = breakdown.cluster_ratios(con, status["period"], scope, viewer=viewer)
    wide = ratios.pivot(index="cluster", columns="indicator", values="value") if not ratios.empty else None
    rows = register.current_register(con).to_dict("records")  # the register is public
    city_counts = _counts(rows, as_of, None)
    own_counts = city_counts if scope is None else _counts(rows, as_of, scope)
    universe = set(codes) if scope is None else set(queries.region_clusters(con, scope))
    uncovered = set(coverage["uncovered"])
    hosts = queries.cluster_regions(con).groupby("cluster")["region"].agg(list)
    frame = taxonomy[["code", "name", "name_en", "tier", "group"]].rename(columns={"code": "cluster"})
    for r in RATIOS:
        values = [
            None if wide is None or c not in wide.index or r.code not in wide else wide.loc[c, r.code]
            for c in codes
        ]
        frame[r.code] = pd.Series(values, dtype="float64").to_numpy()
    frame["hosts"] = [list(hosts.get(c, [])) for c in codes]
    frame["platforms"] = [own_counts.get(c, 0) for c in codes]
    frame["covered"] = pd.Series(
        [(c not in uncovered) if c in universe else None for c in codes], dtype=object
    )
    frame["city_platforms"] = [city_counts.get(c, 0) for c in codes]
    frame["city_covered"] = [city_counts.get(c, 0) > 0 for c in codes]
    return ClusterTable(
        frame.reset_index(drop=True), scope, as_of.isoformat(), coverage["covered"], coverage["total"]
    )


def matrix_scale(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, tuple[float, float]]:
    """Per ratio, the lowest and highest value of any unit × cluster in the period (fractions):
    the heat map's colour scale, the same for every viewer. Two numbers per ratio, no amounts
    (a county official sees the other units' ratios in the rankings already)."""
    frame = breakdown.region_cluster_matrix(con, period)
    out = {}
    for code, part in frame.groupby("indicator"):
        values = part["value"].dropna()
        if not values.empty:
            out[str(code)] = (float(values.min()), float(values.max()))
    return out


def platform_matrix(con: duckdb.DuckDBPyConnection, as_of: str) -> pd.DataFrame:
    """Platforms counting on `as_of` per cluster (rows, taxonomy order) and unit (columns), the
    rule of the coverage marks (the register is public: every viewer gets every unit)."""
    standing = register.standing_on(register.current_register(con), dt.date.fromisoformat(as_of))
    codes = list(cluster_table_of(con)["code"])
    return register.coverage_matrix(standing, codes, list(unit_table(con)["code"]))
