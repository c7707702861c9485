"""Quarterly statistics ingestion: read → validate (every problem) → commit in one transaction.

The pure part (`check_stats`) turns CSV bytes into a report and a frame of clean rows in 万元;
`ingest_stats` commits that frame, with its warnings, or nothing at all. Validation is vectorised
with pandas: the only Python loops run over the problems found, never over the rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from kpi import access, store
from kpi.csvfile import LINE, Column, parse_numbers, read_table, resolve_columns
from kpi.definitions import (
    ALL_CLUSTER,
    CITY_CODE,
    MONEY_FIELDS,
    RATIOS,
    STAT_FIELD,
    STAT_FIELDS,
    indicator_label,
)
from kpi.periods import from_code, parse_periods
from kpi.reference import cluster_lookup, fold_series, region_lookup
from kpi.report import Issue, Report

ROW_COLUMNS = ("line", "period", "year", "quarter", "region", "cluster", *MONEY_FIELDS, "enterprises")


@dataclass
class Checked:
    """A validated file: the report and, when it has no errors, the rows ready to store."""

    report: Report
    rows: pd.DataFrame | None
    sha256: str = ""
    columns: dict[str, Column] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestResult:
    report: Report
    upload_id: int | None = None
    rows: int = 0
    new_rows: int = 0
    revised_rows: int = 0

    @property
    def stored(self) -> bool:
        return self.upload_id is not None


def flag(
    report: Report,
    mask: pd.Series,
    lines: pd.Series,
    code: str,
    column: str | None,
    **params: pd.Series | object,
) -> None:
    """Report `code` on every row where `mask` holds; Series params are read row by row."""
    hits = mask[mask.fillna(False).astype(bool)].index
    for idx in hits:  # loops over problems only
        values = {k: (v.loc[idx] if isinstance(v, pd.Series) else v) for k, v in params.items()}
        report.error(code, int(lines.loc[idx]), column, **values)


def _fmt(x: object) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return ""
    return f"{float(x):,.2f}".rstrip("0").rstrip(".")


def check_stats(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, today: dt.date | None = None
) -> Checked:
    """Validate one statistics file. Never writes. Warnings need the stored history, hence `con`."""
    report = Report(file_name)
    sha = hashlib.sha256(data).hexdigest()
    frame = read_table(data, report)
    if frame is None:
        return Checked(report, None, sha)
    cols = resolve_columns([c for c in frame.columns if c != LINE], STAT_FIELDS, report)
    lines = frame[LINE]
    rows = pd.DataFrame({"line": lines.astype("int64")})
    report.rows = len(frame)

    def raw(name: str) -> pd.Series:
        return frame[cols[name].header]

    if "period" in cols:
        codes = parse_periods(raw("period"))
        flag(report, codes.isna(), lines, "UNKNOWN_PERIOD", cols["period"].header, value=raw("period"))
        rows["period"] = codes
    if "region" in cols:
        region = fold_series(raw("region")).map(region_lookup(con)).astype("string")
        flag(report, region.isna(), lines, "UNKNOWN_REGION", cols["region"].header, value=raw("region"))
        rows["region"] = region
    if "cluster" in cols:
        cluster = fold_series(raw("cluster")).map(cluster_lookup(con)).astype("string")
        flag(report, cluster.isna(), lines, "UNKNOWN_CLUSTER", cols["cluster"].header, value=raw("cluster"))
        rows["cluster"] = cluster
    else:
        rows["cluster"] = ALL_CLUSTER

    for name in (*MONEY_FIELDS, "enterprises"):
        if name not in cols:
            rows[name] = pd.Series(np.nan, index=frame.index, dtype="Float64")
            continue
        col = cols[name]
        numbers, bad = parse_numbers(raw(name))
        flag(report, bad, lines, "NOT_A_NUMBER", col.header, value=raw(name))
        flag(report, numbers < 0, lines, "NEGATIVE", col.header, value=raw(name))
        rows[name] = numbers * col.factor

    for ratio in RATIOS:
        if ratio.numerator in cols and ratio.denominator in cols:
            num, den = rows[ratio.numerator], rows[ratio.denominator]
            # a relative tolerance so that unit conversion cannot create a false error
            above = (num > den * (1 + 1e-12)) & (num >= 0) & (den >= 0)
            flag(
                report,
                above,
                lines,
                "NUMERATOR_ABOVE_DENOMINATOR",
                cols[ratio.numerator].header,
                numerator=STAT_FIELD[ratio.numerator].label_zh,
                denominator=STAT_FIELD[ratio.denominator].label_zh,
                num_value=raw(ratio.numerator),
                den_value=raw(ratio.denominator),
            )

    if {"period", "region"} <= set(rows.columns):
        key_ok = rows["period"].notna() & rows["region"].notna() & rows["cluster"].notna()
        keyed = rows.loc[key_ok, ["line", "period", "region", "cluster"]]
        dup = keyed.duplicated(["period", "region", "cluster"], keep="first")
        if dup.any():
            first = keyed.groupby(["period", "region", "cluster"])["line"].transform("min")
            key_text = keyed["period"] + " × " + keyed["region"] + " × " + keyed["cluster"]
            flag(report, dup, lines, "DUPLICATE_ROW", None, first=first, key=key_text)

    if not report.ok:
        return Checked(report, None, sha, cols)

    period = rows["period"].astype(str)
    rows["year"] = period.str.slice(0, 4).astype("int16")
    rows["quarter"] = period.str.slice(5, 6).astype("int8")
    rows = rows.loc[:, list(ROW_COLUMNS)]
    _warn(con, rows, cols, report, today or dt.date.today())
    return Checked(report, rows.reset_index(drop=True), sha, cols)


# ---------------------------------------------------------------- warnings (never blocking)


def _current_for(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """Stored current rows of the regions and clusters the file touches, in the years it touches.

    The year-to-date and city-total checks compare rows within one year, so older years are not
    read: a file for the latest quarter must not pull a region's whole history into memory.
    """
    con.register("touched_scope", rows[["region", "cluster", "year"]].drop_duplicates())
    try:
        stored = con.execute(
            """SELECT s.* EXCLUDE (upload_id, is_current) FROM stat_values s
               JOIN (SELECT DISTINCT region, cluster FROM touched_scope) t USING (region, cluster)
               WHERE s.is_current AND s.year IN (SELECT DISTINCT year FROM touched_scope)"""
        ).df()
    finally:
        con.unregister("touched_scope")
    stored["line"] = pd.NA
    return stored


# Per ratio: mean, sample standard deviation and count of the ratio over the stored history of
# each region × cluster the file touches, leaving out the keys the file replaces. Aggregated in
# DuckDB: the history can be every quarter of thousands of series.
_HISTORY_SQL = f"""
SELECT s.region, s.cluster,
       {", ".join(f"avg(s.{r.code}) AS {r.code}_mean, stddev_samp(s.{r.code}) AS {r.code}_std, count(s.{r.code}) AS {r.code}_count" for r in RATIOS)}
FROM (SELECT period, region, cluster,
             {", ".join(f"{r.numerator} / NULLIF({r.denominator}, 0) AS {r.code}" for r in RATIOS)}
      FROM stat_values WHERE is_current) s
JOIN (SELECT DISTINCT region, cluster FROM history_scope) t USING (region, cluster)
ANTI JOIN history_scope k USING (period, region, cluster)
GROUP BY ALL
"""  # noqa: S608 - identifiers from kpi.definitions


def _history_stats(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    con.register("history_scope", rows[["period", "region", "cluster"]])
    try:
        return con.execute(_HISTORY_SQL).df()
    finally:
        con.unregister("history_scope")


def _warn(
    con: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame,
    cols: dict[str, Column],
    report: Report,
    today: dt.date,
) -> None:
    stored = _current_for(con, rows)
    incoming = rows.assign(incoming=True)
    stored = stored.assign(incoming=False)
    key = ["period", "region", "cluster"]
    # the file's rows replace stored ones with the same key
    stored = stored.merge(incoming[key], on=key, how="left", indicator=True)
    stored = stored[stored["_merge"] == "left_only"].drop(columns="_merge")
    combined = pd.concat([incoming, stored], ignore_index=True)
    header = {name: c.header for name, c in cols.items()}

    # 1. year-to-date value lower than the previous quarter of the same year
    prev = combined.assign(quarter=combined["quarter"] + 1)
    pairs = combined.merge(prev, on=["region", "cluster", "year", "quarter"], suffixes=("", "_prev"))
    pairs = pairs[pairs["incoming"] | pairs["incoming_prev"]]
    for name in MONEY_FIELDS:
        drop = pairs[pairs[name] < pairs[f"{name}_prev"] * (1 - 1e-9)]
        for r in drop.itertuples():  # loops over problems only
            line = r.line if r.incoming else r.line_prev
            report.warn(
                "YTD_DECREASE",
                None if pd.isna(line) else int(line),
                header.get(name, name),
                previous_period=r.period_prev,
                previous=_fmt(getattr(r, f"{name}_prev")),
                value=_fmt(getattr(r, name)),
            )

    # 2. a city total that differs from the sum of the nine units by more than 0.1 %
    all_rows = combined[combined["cluster"] == ALL_CLUSTER]
    city = all_rows[all_rows["region"] == CITY_CODE].set_index("period")
    unit_rows = all_rows[all_rows["region"] != CITY_CODE]
    n_units = unit_rows.groupby("period")["region"].nunique()
    touched = all_rows.groupby("period")["incoming"].any()
    for name in MONEY_FIELDS:
        sums = unit_rows.groupby("period")[name].sum(min_count=9)
        for period in city.index.intersection(sums.index):
            c, u = city.loc[period, name], sums.loc[period]
            if n_units.get(period, 0) < 9 or pd.isna(c) or pd.isna(u) or not touched.get(period, False):
                continue
            if u and abs(c - u) / u > 0.001:
                line = city.loc[period, "line"]
                report.warn(
                    "CITY_TOTAL_MISMATCH",
                    None if pd.isna(line) else int(line),
                    header.get(name, name),
                    period=period,
                    city=_fmt(c),
                    units=_fmt(u),
                    diff_pct=f"{abs(c - u) / u * 100:.2f}",
                )

    # 3. a ratio more than 3 standard deviations from its own history (≥ 4 earlier periods)
    history = _history_stats(con, rows)
    for ratio in RATIOS:
        new = incoming.assign(r=incoming[ratio.numerator] / incoming[ratio.denominator].replace(0, np.nan))
        stats = history[
            ["region", "cluster", f"{ratio.code}_mean", f"{ratio.code}_std", f"{ratio.code}_count"]
        ]
        stats = stats.set_axis(["region", "cluster", "mean", "std", "count"], axis=1)
        joined = new.merge(stats, on=["region", "cluster"])
        joined = joined[(joined["count"] >= 4) & (joined["std"] > 0)]
        z = (joined["r"] - joined["mean"]) / joined["std"]
        for r, zz in zip(joined[z.abs() > 3].itertuples(), z[z.abs() > 3], strict=True):
            report.warn(
                "RATIO_OUTLIER",
                int(r.line),
                header.get(ratio.numerator),
                indicator=indicator_label(ratio.code),
                value=f"{r.r * 100:.2f}%",
                mean=f"{r.mean * 100:.2f}%",
                z=f"{zz:.1f}",
            )

    # 4. a period that has not ended yet
    for period, line in rows.groupby("period")["line"].min().items():
        if from_code(str(period)).end_date > today:
            report.warn("FUTURE_PERIOD", int(line), header.get("period"), value=period)


# ---------------------------------------------------------------- commit


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "severity": [i.severity for i in issues],
            "line": pd.array([i.line for i in issues], dtype="Int64"),
            "column_name": [i.column for i in issues],
            "code": [i.code for i in issues],
            "message_zh": [i.message("zh") for i in issues],
            "message_en": [i.message("en") for i in issues],
        }
    )


def ingest_stats(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str | None = None,
    is_demo: bool = False,
    today: dt.date | None = None,
    viewer: access.Viewer | None = None,
) -> IngestResult:
    """Validate and store one file in one transaction, or store nothing and return the report.

    A `viewer` without the right to upload gets Forbidden before the file is read; the upload
    is recorded under the viewer's name unless `uploaded_by` says otherwise."""
    access.require(viewer, access.Permission.UPLOAD)
    uploaded_by = uploaded_by or (viewer.username if viewer else None)
    checked = check_stats(con, data, file_name, today)
    if checked.rows is None:
        return IngestResult(checked.report)
    rows = checked.rows
    with store.transaction(con):
        uid = store.new_upload(
            con,
            kind="stats",
            file_name=file_name,
            sha256=checked.sha256,
            encoding=checked.report.encoding,
            uploaded_by=uploaded_by,
            is_demo=is_demo,
        )
        new, revised = store.write_stats(con, uid, rows)
        store.store_issues(con, uid, issues_frame(checked.report.warnings))
        store.finish_upload(con, uid, len(rows), new, revised)
    return IngestResult(checked.report, uid, len(rows), new, revised)


def preview_changes(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """What a validated file would change: one row per key and field, with old → new values.

    `change` is 'new' for a key not stored yet, 'revised' where a stored value differs.
    """
    con.register("preview_rows", rows)
    try:
        stored = con.execute(
            """SELECT s.* EXCLUDE (upload_id, line, is_current, year, quarter)
               FROM stat_values s JOIN preview_rows p USING (period, region, cluster) WHERE s.is_current"""
        ).df()
    finally:
        con.unregister("preview_rows")
    key = ["period", "region", "cluster"]
    value_cols = [*MONEY_FIELDS, "enterprises"]
    new_long = rows.melt(id_vars=["line", *key], value_vars=value_cols, var_name="field", value_name="new")
    old_long = stored.melt(id_vars=key, value_vars=value_cols, var_name="field", value_name="old")
    merged = new_long.merge(old_long, on=[*key, "field"], how="left", indicator=True)
    is_new_key = merged["_merge"] == "left_only"  # melt keeps NaN cells, so only new keys miss
    differs = ~((merged["new"] == merged["old"]) | (merged["new"].isna() & merged["old"].isna())).fillna(
        False
    )
    merged["change"] = np.where(is_new_key, "new", np.where(differs, "revised", "same"))
    merged = merged[merged["change"] != "same"].drop(columns="_merge")
    merged = merged[~(is_new_key.loc[merged.index] & merged["new"].isna())]
    return merged.reset_index(drop=True)
