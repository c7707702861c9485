"""Warnings on a valid statistics file (never blocking), in SQL against the stored history.

The file's rows are kpi.ingest.row_checks.ROWS (an Arrow table). Each warning reads only the stored
rows it can need, found by the key columns: a year-to-date fall and a city total compare rows of
the same or the adjacent quarter (the rows of those quarters for the regions and clusters the
file touches, nothing else), and an outlier is judged against the history of the regions and
clusters the file touches, aggregated in DuckDB. Stored rows with a key in the file do not
count: the file replaces them. Warnings come in the order the pandas version made them (check by check;
the file's rows in line order, then stored rows).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from kpi.ingest.csvfile import Column
from kpi.ingest.report import Report
from kpi.ingest.row_checks import ROWS
from kpi.model.definitions import ALL_CLUSTER, CITY_CODE, MONEY_FIELDS, RATIOS, indicator_label

_MONEY = ", ".join(MONEY_FIELDS)  # identifiers from kpi.model.definitions
_YTD_TOLERANCE = 1 - 1e-9  # a fall smaller than this is rounding, not a fall


def warn(con: duckdb.DuckDBPyConnection, cols: dict[str, Column], report: Report) -> None:
    """Add the warnings about the rows in ROWS (a file without errors) to `report`."""
    header = {name: c.header for name, c in cols.items()}
    bounds = con.execute(
        f"SELECT min(year), max(year), min(quarter), max(quarter), min(region), max(region) FROM {ROWS}"  # noqa: S608 - our own names
    ).fetchall()[0]
    if bounds[0] is None:
        return
    _ytd_decrease(con, bounds, header, report)
    _city_total(con, bounds, header, report)
    _outliers(con, bounds, header, report)


def _nearby(bounds: tuple) -> tuple[str, dict[str, int]]:
    """SQL for the stored current rows in the file's quarters and the adjacent ones, of the
    pairs the file touches, the rows it replaces left out; and its parameters."""
    # the constant bounds let DuckDB skip row groups by their min/max; the joins are exact
    params = {"y0": bounds[0], "y1": bounds[1], "q0": bounds[2], "q1": bounds[3]}
    if bounds[0] == bounds[1] and bounds[2] == bounds[3]:
        # one quarter: its own stored rows of the touched pairs are the file's keys, all replaced
        where, replaced = "s.year = $y0 AND (s.quarter = $q0 - 1 OR s.quarter = $q0 + 1)", ""
        params = {"y0": bounds[0], "q0": bounds[2]}
    else:
        where = "s.year BETWEEN $y0 AND $y1 AND s.quarter BETWEEN $q0 - 1 AND $q1 + 1"
        replaced = (
            f"ANTI JOIN {ROWS} i ON i.period = s.period AND i.region = s.region AND i.cluster = s.cluster"
        )
    query = f"""WITH wanted AS (SELECT DISTINCT year, quarter + d AS quarter
                            FROM {ROWS}, (VALUES (-1), (0), (1)) t(d)),
                 touched AS (SELECT DISTINCT region, cluster FROM {ROWS})
            SELECT s.rowid AS pos, s.period, s.year, s.quarter, s.region, s.cluster,
                   {", ".join(f"s.{m}" for m in MONEY_FIELDS)}
            FROM stat_values s
            SEMI JOIN wanted w ON w.year = s.year AND w.quarter = s.quarter
            SEMI JOIN touched t ON t.region = s.region AND t.cluster = s.cluster
            {replaced}
            WHERE s.is_current AND {where}"""  # noqa: S608 - our own names
    return query, params


# the file's rows, then the stored rows near them (the pandas version's `combined`)
_COMBINED = f"""SELECT line, NULL AS pos, true AS incoming, period, year, quarter, region, cluster, {_MONEY} FROM {ROWS}
    UNION ALL
    SELECT NULL, pos, false, period, year, quarter, region, cluster, {_MONEY} FROM nearby"""  # noqa: S608 - our own names
# the file's rows by line, then the stored rows as they lie in the table (the order the pandas
# version met them in)
_ORDER = "NOT c.incoming, c.line, c.pos"


def _ytd_decrease(
    con: duckdb.DuckDBPyConnection, bounds: tuple, header: dict[str, str], report: Report
) -> None:
    """A year-to-date value lower than the previous quarter's of the same year."""
    fell = [f"c.{m} < p.{m} * $tol AS fell_{m}" for m in MONEY_FIELDS]
    nearby, params = _nearby(bounds)
    pairs = con.execute(
        f"""WITH nearby AS MATERIALIZED ({nearby}),
                 combined AS MATERIALIZED ({_COMBINED})
            SELECT c.line, c.incoming, p.line AS line_prev, p.period AS period_prev,
                   {", ".join(f"c.{m}, p.{m} AS {m}_prev" for m in MONEY_FIELDS)}, {", ".join(fell)}
            FROM combined c JOIN combined p
              ON c.region = p.region AND c.cluster = p.cluster AND c.year = p.year AND c.quarter = p.quarter + 1
            WHERE (c.incoming OR p.incoming) AND ({" OR ".join(f.split(" AS ")[0] for f in fell)})
            ORDER BY {_ORDER}""",  # noqa: S608 - our own names
        params | {"tol": _YTD_TOLERANCE},
    ).fetchall()
    names = ["line", "incoming", "line_prev", "period_prev"]
    names += [x for m in MONEY_FIELDS for x in (m, f"{m}_prev")] + [f"fell_{m}" for m in MONEY_FIELDS]
    rows = [dict(zip(names, r, strict=True)) for r in pairs]
    for name in MONEY_FIELDS:
        for r in rows:  # problems only
            if not r[f"fell_{name}"]:
                continue
            line = r["line"] if r["incoming"] else r["line_prev"]
            report.warn(
                "YTD_DECREASE",
                None if line is None else int(line),
                header.get(name, name),
                previous_period=r["period_prev"],
                previous=fmt(r[f"{name}_prev"]),
                value=fmt(r[name]),
            )


def _city_total(
    con: duckdb.DuckDBPyConnection, bounds: tuple, header: dict[str, str], report: Report
) -> None:
    """A city total that differs from the sum of the units by more than 0.1 %, in a period where
    the file has all-industry rows, once every unit has a value.

    Each value is the one that counts after the upload: the file's row where it has one, else
    the stored current row (of any unit, not only those the file touches: a file with the city
    total alone is checked against the units stored before)."""
    money = ", ".join(MONEY_FIELDS)
    all_rows = con.execute(
        f"""WITH f AS (SELECT line, period, region, {money} FROM {ROWS} WHERE cluster = $all)
            SELECT line, true AS incoming, NULL AS pos, period, region, {money} FROM f
            UNION ALL
            SELECT NULL, false, s.rowid, s.period, s.region, {", ".join(f"s.{m}" for m in MONEY_FIELDS)}
            FROM stat_values s
            SEMI JOIN (SELECT DISTINCT period FROM f) p ON p.period = s.period
            ANTI JOIN f ON f.period = s.period AND f.region = s.region
            WHERE s.is_current AND s.cluster = $all
              AND s.year BETWEEN $y0 AND $y1 AND s.quarter BETWEEN $q0 AND $q1
            ORDER BY incoming DESC, line, pos""",  # noqa: S608 - our own names
        {"all": ALL_CLUSTER, "y0": bounds[0], "y1": bounds[1], "q0": bounds[2], "q1": bounds[3]},
    ).df()
    city = all_rows[all_rows["region"] == CITY_CODE].set_index("period")
    if city.empty:
        return
    units = con.execute("SELECT count(*) FROM regions WHERE code <> $city", {"city": CITY_CODE}).fetchall()[
        0
    ][0]
    unit_rows = all_rows[all_rows["region"] != CITY_CODE]
    n_units = unit_rows.groupby("period")["region"].nunique()
    for name in MONEY_FIELDS:
        sums = unit_rows.groupby("period")[name].sum(min_count=units)
        for period in city.index.intersection(sums.index):
            c, u = city.loc[period, name], sums.loc[period]
            if n_units.get(period, 0) < units or pd.isna(c) or pd.isna(u):
                continue
            if u and abs(c - u) / u > 0.001:
                line = city.loc[period, "line"]
                report.warn(
                    "CITY_TOTAL_MISMATCH",
                    None if pd.isna(line) else int(line),
                    header.get(name, name),
                    period=period,
                    city=fmt(c),
                    units=fmt(u),
                    diff_pct=f"{abs(c - u) / u * 100:.2f}",
                )


def _outliers(con: duckdb.DuckDBPyConnection, bounds: tuple, header: dict[str, str], report: Report) -> None:
    """A ratio more than 3 standard deviations from its own history (at least 4 stored periods).

    The history is every stored current period of each region × cluster the file touches, the
    periods the file replaces left out. At country scale that is millions of rows, so the query
    is shaped for speed, with the same result: the stored rows are found by the file's regions
    (a range DuckDB can skip row groups by, then the regions themselves) and grouped by region
    and cluster once, and only the rows of the file's own quarters are matched against its
    keys. A pair the file does not have gets a history too (not always the right one), never
    read. (Numbering the regions and clusters through lookups first, to group by integers,
    took twice as long.)"""
    ratio = {r.code: f"{r.numerator} / NULLIF({r.denominator}, 0)" for r in RATIOS}
    ratios = ", ".join(f"{e} AS r_{c}" for c, e in ratio.items())
    stats = ", ".join(
        f"avg(r_{c}) AS mean_{c}, stddev_samp(r_{c}) AS std_{c}, count(r_{c}) AS count_{c}" for c in ratio
    )
    z = {c: f"(i.r_{c} - h.mean_{c}) / h.std_{c}" for c in ratio}
    far = {c: f"h.count_{c} >= 4 AND h.std_{c} > 0 AND abs({z[c]}) > 3" for c in ratio}
    # the stored rows outside the file's quarters, then those inside them that the file does not
    # replace; in a one-quarter file every stored row of its quarter with a pair it touches is
    # one it replaces: a constant filter is the whole of it
    if bounds[0] == bounds[1] and bounds[2] == bounds[3]:
        elsewhere, inside = "WHERE NOT (s.year = $y0 AND s.quarter = $q0) AND", ""
    else:
        elsewhere = "ANTI JOIN quarters q ON q.year = s.year AND q.quarter = s.quarter WHERE"
        inside = f"""UNION ALL
                    SELECT s.region, s.cluster, {ratios} FROM stat_values s
                    SEMI JOIN quarters q ON q.year = s.year AND q.quarter = s.quarter
                    ANTI JOIN {ROWS} k ON k.period = s.period AND k.region = s.region AND k.cluster = s.cluster
                    WHERE s.is_current AND s.region BETWEEN $r0 AND $r1
                      AND s.year BETWEEN $y0 AND $y1 AND s.quarter BETWEEN $q0 AND $q1"""  # noqa: S608 - our own names
    found = con.execute(
        f"""WITH quarters AS (SELECT DISTINCT year, quarter FROM {ROWS}),
                 regions AS (SELECT DISTINCT region FROM {ROWS}),
                 stored AS (
                    SELECT s.region, s.cluster, {ratios} FROM stat_values s
                    SEMI JOIN regions r ON r.region = s.region
                    {elsewhere} s.is_current AND s.region BETWEEN $r0 AND $r1
                    {inside}),
                 history AS (SELECT region, cluster, {stats} FROM stored GROUP BY region, cluster),
                 incoming AS (SELECT line, region, cluster, {ratios} FROM {ROWS})
            SELECT i.line, {", ".join(f"i.r_{c}, h.mean_{c}, {z[c]} AS z_{c}, coalesce({far[c]}, false) AS far_{c}" for c in ratio)}
            FROM incoming i JOIN history h USING (region, cluster)
            WHERE {" OR ".join(f"coalesce({f}, false)" for f in far.values())}
            ORDER BY i.line""",  # noqa: S608 - our own names
        {"r0": bounds[4], "r1": bounds[5], "y0": bounds[0], "q0": bounds[2]}
        | ({"y1": bounds[1], "q1": bounds[3]} if inside else {}),
    ).fetchall()
    names = ["line"] + [x for c in ratio for x in (f"r_{c}", f"mean_{c}", f"z_{c}", f"far_{c}")]
    rows = [dict(zip(names, r, strict=True)) for r in found]
    for r in RATIOS:
        c = r.code
        for row in rows:  # problems only
            if row[f"far_{c}"]:
                report.warn(
                    "RATIO_OUTLIER",
                    int(row["line"]),
                    header.get(r.numerator),
                    indicator=indicator_label(c),
                    value=f"{row[f'r_{c}'] * 100:.2f}%",
                    mean=f"{row[f'mean_{c}'] * 100:.2f}%",
                    z=f"{row[f'z_{c}']:.1f}",
                )


def fmt(x: object) -> str:
    """An amount as the warnings write it: thousands separators, at most two decimals."""
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return ""
    return f"{float(x):,.2f}".rstrip("0").rstrip(".")
