"""The upload preview (kpi.ingest.stats.preview_changes) returns exactly the frame the pandas version
made: same columns, dtypes, row order, values and labels. That version (melt + merge) is kept
here as the reference and compared with the real one on random files against random histories:
new keys, revised keys, unchanged keys, empty cells on either side, older vintages that no
longer count, several periods, both cluster column dtypes and the empty file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import stats_csv

from kpi.ingest.stats import check_stats, preview_changes
from kpi.model.definitions import MONEY_FIELDS, STAT_FIELD
from kpi.store import connection
from kpi.ui.upload import preview

FIELDS = [*MONEY_FIELDS, "enterprises"]
KEY = ["period", "region", "cluster"]
PERIODS = [(2024, 4), (2025, 1), (2025, 2), (2025, 3)]
REGIONS = ["330402", "330411", "330421"]
CLUSTERS = ["ALL", "C01", "C02"]
KEYS = [(f"{y}Q{q}", r, c) for y, q in PERIODS for r in REGIONS for c in CLUSTERS]
VALUES = [0.0, 1.5, 30.0, 1000.0, 123456.7, 1e12]


def reference_preview(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """kpi.ingest.stats.preview_changes as it was before it moved to DuckDB (commit 5ae78e3), verbatim."""
    bounds = {"y0": None, "y1": None, "q0": None, "q1": None}
    if len(rows):
        years, quarters = rows["year"].astype("int64"), rows["quarter"].astype("int64")
        bounds = {"y0": years.min(), "y1": years.max(), "q0": quarters.min(), "q1": quarters.max()}
    con.register("preview_rows", rows)
    try:
        stored = con.execute(
            """SELECT s.* EXCLUDE (upload_id, line, is_current, year, quarter)
               FROM stat_values s JOIN preview_rows p USING (period, region, cluster)
               WHERE s.is_current AND ($y0 IS NULL OR s.year BETWEEN $y0 AND $y1)
                 AND ($q0 IS NULL OR s.quarter BETWEEN $q0 AND $q1)""",
            {k: None if v is None else int(v) for k, v in bounds.items()},
        ).df()
    finally:
        con.unregister("preview_rows")
    key = ["period", "region", "cluster"]
    value_cols = [*MONEY_FIELDS, "enterprises"]
    new_long = rows.melt(id_vars=["line", *key], value_vars=value_cols, var_name="field", value_name="new")
    old_long = stored.melt(id_vars=key, value_vars=value_cols, var_name="field", value_name="old")
    merged = new_long.merge(old_long, on=[*key, "field"], how="left", indicator=True)
    is_new_key = merged["_merge"] == "left_only"
    differs = ~((merged["new"] == merged["old"]) | (merged["new"].isna() & merged["old"].isna())).fillna(
        False
    )
    merged["change"] = np.where(is_new_key, "new", np.where(differs, "revised", "same"))
    merged = merged[merged["change"] != "same"].drop(columns="_merge")
    merged = merged[~(is_new_key.loc[merged.index] & merged["new"].isna())]
    return merged.reset_index(drop=True)


def reference_counts(changes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int, int]:
    """kpi.ui.upload.preview.counts for statistics before its sort moved to numpy, verbatim."""
    key = ["period", "region", "cluster"]
    new = changes[changes["change"] == "new"].drop_duplicates(key)
    revised = changes[changes["change"] == "revised"]
    order = {f: i for i, f in enumerate(STAT_FIELD)}
    revised = revised.assign(_o=revised["field"].map(order)).sort_values(["line", "_o"]).drop(columns="_o")
    return new, revised, len(new), len(revised.drop_duplicates(key))


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One real database for every example; each example replaces its statistics."""
    path: Path = tmp_path_factory.mktemp("preview") / "kpi.duckdb"
    with connection.connect(path, write=True) as c:
        yield c


def _store(con: duckdb.DuckDBPyConnection, history: list[tuple]) -> None:
    """Replace the stored statistics with `history` (one statement: executemany is slow)."""
    con.execute("DELETE FROM stat_values")
    if history:
        row = f"({', '.join('?' * len(history[0]))})"
        con.execute(
            f"INSERT INTO stat_values VALUES {', '.join([row] * len(history))}",
            [v for r in history for v in r],
        )


def _rows(records: list[list], cluster_dtype: str) -> pd.DataFrame:
    """A frame with the columns and dtypes kpi.ingest.stats.check_stats gives (cluster is `str` when the
    file had no cluster column, `string` when it had one)."""
    frame = pd.DataFrame(records, columns=["line", "period", "year", "quarter", "region", "cluster", *FIELDS])
    dtypes = {"line": "int64", "period": "string", "year": "int16", "quarter": "int8", "region": "string"}
    return frame.astype(dtypes | {"cluster": cluster_dtype} | dict.fromkeys(FIELDS, "Float64"))


cell = st.one_of(st.none(), st.sampled_from([*VALUES, float("nan")]))  # NaN stored counts as empty
count = st.one_of(st.none(), st.integers(0, 5000))


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[tuple], pd.DataFrame]:
    """A stored history (current rows, older vintages) and a file of distinct keys that mixes new
    keys, revised ones and unchanged ones, with empty cells anywhere."""
    stored_keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)))
    history, current = [], {}
    for upload, (period, region, cluster) in enumerate(stored_keys, start=1):
        year, quarter = int(period[:4]), int(period[-1])
        values = [*(draw(cell) for _ in MONEY_FIELDS), draw(count)]
        current[(period, region, cluster)] = values
        if draw(st.booleans()):  # an older vintage that no longer counts
            old = [*(draw(cell) for _ in MONEY_FIELDS), draw(count)]
            history.append((upload, 2, period, year, quarter, region, cluster, *old, False))
        history.append((upload + 100, 3, period, year, quarter, region, cluster, *values, True))
    file_keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)))
    records = []
    for line, (period, region, cluster) in enumerate(file_keys, start=2):
        stored = current.get((period, region, cluster))
        values = []
        for i in range(len(FIELDS)):
            kind = draw(st.sampled_from(["same", "same", "other", "empty"]))
            if stored is not None and kind == "same":
                value = None if stored[i] is None else float(stored[i])
            elif kind == "empty":
                value = None
            else:
                value = (
                    draw(st.sampled_from(VALUES))
                    if i < len(MONEY_FIELDS)
                    else float(draw(st.integers(0, 5000)))
                )
            values.append(value)
        records.append([line, period, int(period[:4]), int(period[-1]), region, cluster, *values])
    return history, _rows(records, draw(st.sampled_from(["string", "str"])))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_preview_is_the_frame_the_pandas_version_made(con: duckdb.DuckDBPyConnection, case) -> None:
    history, rows = case
    _store(con, history)
    expected = reference_preview(con, rows)
    got = preview_changes(con, rows)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.columns.tolist() == ["line", *KEY, "field", "new", "old", "change"]
    # and the upload page counts and orders them as before
    new, revised, n_new, n_revised = preview.counts("stats", got)
    ref_new, ref_revised, ref_n_new, ref_n_revised = reference_counts(expected)
    pd.testing.assert_frame_equal(new, ref_new, check_exact=True)
    pd.testing.assert_frame_equal(revised, ref_revised, check_exact=True)
    assert (n_new, n_revised) == (ref_n_new, ref_n_revised)


def test_every_kind_of_cell_at_once(con: duckdb.DuckDBPyConnection) -> None:
    """Hand-made: each rule of the preview in one file, against the reference and by value."""
    _store(
        con,
        [
            (1, 2, "2025Q1", 2025, 1, "330402", "ALL", 30, 1000, 500, 1000, 70, 100, None, True),
            (1, 3, "2025Q1", 2025, 1, "330411", "ALL", 10, 1000, None, 1000, 70, 100, 5, True),
            (1, 4, "2025Q1", 2025, 1, "330421", "ALL", 20, 1000, 500, 1000, 70, 100, 5, False),
            (1, 5, "2024Q4", 2024, 4, "330402", "ALL", 99, 99, 99, 99, 99, 99, 99, True),
        ],
    )
    rows = _rows(
        [
            [2, "2025Q1", 2025, 1, "330402", "ALL", 31, 1000, 500, 1000, 70, 100, None],  # one revised
            [3, "2025Q1", 2025, 1, "330411", "ALL", 10, 1000, 7, 1000, 70, 100, None],  # filled, emptied
            [4, "2025Q1", 2025, 1, "330421", "ALL", 20, 1000, 500, 1000, 70, None, None],  # only history
            [5, "2025Q2", 2025, 2, "330402", "ALL", 30, 1000, 500, 1000, 70, 100, 6],  # unchanged? new
        ],
        "string",
    )
    got = preview_changes(con, rows)
    pd.testing.assert_frame_equal(got, reference_preview(con, rows), check_exact=True)
    listed = got[["line", "field", "new", "old", "change"]].astype({"new": object, "old": object})
    assert [[None if pd.isna(v) else v for v in r] for r in listed.values.tolist()] == [
        [2, "rd_expense", 31.0, 30.0, "revised"],
        [4, "rd_expense", 20.0, None, "new"],
        [5, "rd_expense", 30.0, None, "new"],
        [4, "operating_revenue", 1000.0, None, "new"],
        [5, "operating_revenue", 1000.0, None, "new"],
        [3, "new_product_output", 7.0, None, "revised"],
        [4, "new_product_output", 500.0, None, "new"],
        [5, "new_product_output", 500.0, None, "new"],
        [4, "gross_output", 1000.0, None, "new"],
        [5, "gross_output", 1000.0, None, "new"],
        [4, "hightech_value_added", 70.0, None, "new"],
        [5, "hightech_value_added", 70.0, None, "new"],
        [5, "industrial_value_added", 100.0, None, "new"],
        [3, "enterprises", None, 5.0, "revised"],
        [5, "enterprises", 6.0, None, "new"],
    ]


def test_a_file_that_changes_nothing_lists_nothing(con: duckdb.DuckDBPyConnection) -> None:
    _store(con, [(1, 2, "2025Q1", 2025, 1, "330402", "ALL", 30, 1000, 500, 1000, 70, 100, None, True)])
    rows = _rows([[2, "2025Q1", 2025, 1, "330402", "ALL", 30, 1000, 500, 1000, 70, 100, None]], "str")
    got = preview_changes(con, rows)
    assert got.empty
    pd.testing.assert_frame_equal(got, reference_preview(con, rows), check_exact=True)


def test_a_checked_file_previews_as_before(con: duckdb.DuckDBPyConnection) -> None:
    """Through the real validation: the rows check_stats makes, GBK-free UTF-8 text."""
    _store(con, [(1, 2, "2025Q1", 2025, 1, "330402", "ALL", 30, 1000, 500, 1000, 70, 100, 4, True)])
    text = stats_csv("2025Q1,南湖区,,45,1000,500,1000,70,100", "2025Q1,秀洲区,,10,1000,500,1000,70,100")
    checked = check_stats(con, text.encode(), "t.csv")
    assert checked.rows is not None
    got = preview_changes(con, checked.rows)
    pd.testing.assert_frame_equal(got, reference_preview(con, checked.rows), check_exact=True)
    assert got[["region", "field", "change"]].values.tolist()[:2] == [
        ["330402", "rd_expense", "revised"],
        ["330411", "rd_expense", "new"],
    ]
