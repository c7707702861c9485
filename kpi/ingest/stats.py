"""Quarterly statistics ingestion: read → validate (every problem) → commit in one transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterator

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from kpi.ingest.csvfile import resolve_columns
from kpi.ingest.csvload import drop, drop_table, load_table
from kpi.ingest.guard import failpoint, guarded
from kpi.ingest.history_checks import warn
from kpi.ingest.report import Report
from kpi.ingest.result import Checked, IngestResult, issues_frame
from kpi.ingest.row_checks import RAW, ROW_COLUMNS, ROWS, check_rows
from kpi.model import roles
from kpi.model.definitions import MONEY_FIELDS, STAT_FIELDS
from kpi.store import connection, writes


@contextlib.contextmanager
def _validated(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, today: dt.date | None
) -> Iterator[tuple[Checked, int]]:
    """Validate one file into the table ROWS (kept while the block runs, when the report has
    no errors); yields the result (rows not made) and the number of rows. DuckDB's memory stays
    capped (store.lean) until the block ends, a commit in it included."""
    report = Report(file_name)
    checked = Checked(report, None, hashlib.sha256(data).hexdigest())
    with connection.lean(con):
        try:
            loaded = load_table(con, data, report, RAW)
            if loaded is None:
                yield checked, 0
                return
            failpoint()
            checked.columns = cols = resolve_columns(loaded.names, STAT_FIELDS, report)
            report.rows = loaded.rows
            check_rows(con, loaded, cols, report, today or dt.date.today())
            drop_table(con, RAW)
            if report.ok:
                warn(con, cols, report)
            yield checked, loaded.rows
        finally:
            drop_table(con, RAW)
            drop(con, ROWS)


@guarded(Checked)
def check_stats(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, today: dt.date | None = None
) -> Checked:
    """Validate one statistics file. Never writes. Warnings need the stored history, hence `con`."""
    with _validated(con, data, file_name, today) as (checked, _):
        if checked.report.ok:
            checked.rows = _rows_frame(con, "cluster" in checked.columns)
    return checked


def _rows_frame(con: duckdb.DuckDBPyConnection, has_cluster: bool) -> pd.DataFrame:
    """The checked rows as the pandas version made them (same columns, order and dtypes)."""
    rows = con.execute(f"SELECT {', '.join(ROW_COLUMNS)} FROM {ROWS} ORDER BY line").df()  # noqa: S608 - our own names
    dtypes = {"line": "int64", "period": "string", "year": "int16", "quarter": "int8", "region": "string"}
    dtypes["cluster"] = "string" if has_cluster else "str"
    dtypes |= {name: "Float64" for name in ROW_COLUMNS[6:]}
    return rows.astype(dtypes)


@guarded(IngestResult)
def ingest_stats(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str | None = None,
    is_demo: bool = False,
    today: dt.date | None = None,
    viewer: roles.Viewer | None = None,
) -> IngestResult:
    """Validate and store one file in one transaction, or store nothing and return the report.

    A `viewer` without the right to upload gets Forbidden before the file is read; the upload
    is recorded under the viewer's name unless `uploaded_by` says otherwise."""
    roles.require(viewer, roles.Permission.UPLOAD)
    uploaded_by = uploaded_by or (viewer.username if viewer else None)
    with _validated(con, data, file_name, today) as (checked, n):
        if not checked.report.ok:
            return IngestResult(checked.report)
        with connection.transaction(con):
            uid = writes.new_upload(
                con,
                kind="stats",
                file_name=file_name,
                sha256=checked.sha256,
                encoding=checked.report.encoding,
                uploaded_by=uploaded_by,
                is_demo=is_demo,
            )
            new, revised, unchanged = writes.write_stats(con, uid, ROWS)
            writes.store_issues(con, uid, issues_frame(checked.report.warnings))
            writes.finish_upload(con, uid, n, new, revised, unchanged)
    return IngestResult(checked.report, uid, n, new, revised)


_PREVIEW_FIELDS = (*MONEY_FIELDS, "enterprises")  # the compared fields, in the preview's order
_PREVIEW_KEY = ("period", "region", "cluster")


def preview_changes(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """What a validated file would change: one row per key and field, with old → new values.

    `rows` are a checked file's rows (`check_stats(...).rows`). Columns: line, period, region,
    cluster, field, new, old, change; by field (the money fields, then enterprises), then in
    file order. `change` is 'new' for a key not stored yet (its empty cells are not listed),
    'revised' where a stored value differs: emptying a stored value is a revision, an empty
    cell over an empty stored one is no change (NaN counts as empty). Money in 万元.

    DuckDB joins the file's keys with the current stored rows of its quarters; the cells are
    then compared as arrays, one field at a time, with no melt or merge of 100,000 × 7 cells.
    The dtypes are those the pandas version (melt + merge) gave, kept for its callers: key
    columns are `object` once a stored row matched (a `str` column stays `str`) or when the
    file is empty; `old` is Float64 when a matched stored row has no enterprises count, else
    float64; field and change are `str`.
    """
    n = len(rows)
    old, matched, enterprises_missing = _stored_values(con, rows)
    positions, olds, news = [], [], []
    for i, name in enumerate(_PREVIEW_FIELDS):
        new = rows[name]
        new_missing = new.isna().to_numpy()
        same = (new.to_numpy(dtype="float64", na_value=np.nan) == old[:, i]) | (
            new_missing & np.isnan(old[:, i])
        )
        listed = np.flatnonzero(np.where(matched, ~same, ~new_missing))
        positions.append(listed)
        olds.append(old[listed, i])
        news.append(new.array.take(listed))
    take = np.concatenate(positions)
    out = pd.DataFrame({"line": rows["line"].to_numpy()[take]})
    for col in _PREVIEW_KEY:
        keys = rows[col]
        # the merge kept a key's dtype only where the stored side (DuckDB's `str`) had it too
        if n == 0 or (matched.any() and keys.dtype != "str"):
            as_objects = keys.to_numpy(dtype=object)  # one conversion per row, not per cell
            out[col] = pd.Series(as_objects[take], dtype=object)
        else:
            out[col] = keys.array.take(take)
    which = np.repeat(np.arange(len(_PREVIEW_FIELDS)), [len(p) for p in positions])
    out["field"] = pd.array(_PREVIEW_FIELDS, dtype="str").take(which)
    out["new"] = pd.concat([pd.Series(a) for a in news], ignore_index=True).array
    old_values = np.concatenate(olds)
    out["old"] = pd.array(old_values, dtype="Float64") if enterprises_missing else old_values
    out["change"] = pd.array(["new", "revised"], dtype="str").take(matched[take].astype("intp"))
    return out


def _stored_values(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, bool]:
    """The current stored values for the file's rows: (values by row and field, NaN where empty
    or not stored; whether the row's key is stored; whether a stored row has no enterprises)."""
    n = len(rows)
    old = np.full((n, len(_PREVIEW_FIELDS)), np.nan)
    matched = np.zeros(n, dtype=bool)
    if not n:
        return old, matched, False
    # the file's quarters as constant bounds: DuckDB reads their row groups, not the history
    years, quarters = rows["year"].astype("int64"), rows["quarter"].astype("int64")
    bounds = {"y0": years.min(), "y1": years.max(), "q0": quarters.min(), "q1": quarters.max()}
    # Arrow, as the checked rows' strings already are: DuckDB scans them without a copy
    keys = pa.table({"pos": np.arange(n)} | {c: pa.array(rows[c], pa.string()) for c in _PREVIEW_KEY})
    # NULL as NaN, so the values arrive as plain float arrays (BIGINT cannot hold a NaN)
    values = ", ".join(f"coalesce(s.{f}::DOUBLE, 'NaN') AS v{i}" for i, f in enumerate(_PREVIEW_FIELDS))
    con.register("preview_keys", keys)
    try:
        found = con.execute(
            f"""SELECT p.pos, {values}
                FROM stat_values s JOIN preview_keys p USING (period, region, cluster)
                WHERE s.is_current AND s.year BETWEEN $y0 AND $y1
                  AND s.quarter BETWEEN $q0 AND $q1""",  # noqa: S608 - names from kpi.model.definitions
            {k: int(v) for k, v in bounds.items()},
        ).fetchnumpy()
    finally:
        con.unregister("preview_keys")
    pos = np.asarray(found["pos"], dtype="int64")
    matched[pos] = True
    old[pos] = np.column_stack(
        [np.asarray(found[f"v{i}"], dtype="float64") for i in range(len(_PREVIEW_FIELDS))]
    )
    return old, matched, bool(np.isnan(old[pos, -1]).any())
