"""The data as known at a moment: which rows counted then, and every moment a scope changed.

Every upload is a vintage: `stat_values`, `platform_versions` and `platform_reviews` keep each
row with the upload that brought it, and `is_current` marks the one that counts now. At a past
moment T the row that counted for a key was the one of the newest upload committed by T
(`uploaded_at <= T`) that had not been rolled back by T (`rolled_back_at` empty or after T): the
same rule `writes.write_stats` and `writes.rollback_upload` keep for `is_current`, replayed at T.

`known_at(con, T)` gives a connection that sees the database as it stood at T: temporary views
named like the four tables shadow them in that connection only (DuckDB looks names up in the
temporary catalog first), so every read of kpi (the status, series, rankings, breakdowns, the
register, the brief, the workbook) answers as of T without a line of it knowing. Nothing is
written to the file; the views go with the connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import weakref
from collections.abc import Iterator
from typing import Any

import duckdb

from kpi.model.definitions import CITY_CODE, RATIOS

# table → its key: the columns a vintage replaces the earlier one on
KEYS: dict[str, tuple[str, ...]] = {
    "stat_values": ("period", "region", "cluster"),
    "platform_versions": ("name", "host"),
    "platform_reviews": ("name", "host", "year"),
}

_moments: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, dt.datetime] = weakref.WeakKeyDictionary()

# The uploads as they stood at T (kpi_as_of.t): the later ones not there yet, a rollback made
# after T not made yet. Reads the file's table by its full name: `uploads` is this view.
_UPLOADS_VIEW = """
CREATE TEMP VIEW uploads AS
SELECT u.* REPLACE (
           CASE WHEN u.rolled_back_at > a.t THEN 'committed' ELSE u.status END AS status,
           CASE WHEN u.rolled_back_at > a.t THEN NULL ELSE u.rolled_back_at END AS rolled_back_at,
           CASE WHEN u.rolled_back_at > a.t THEN NULL ELSE u.rolled_back_by END AS rolled_back_by)
FROM {db}.main.uploads u, temp.main.kpi_as_of a
WHERE u.uploaded_at <= a.t
"""

# A versioned table at T: every row of the uploads there were, the newest committed one of each
# key current (a key whose every vintage was rolled back by T has none).
_TABLE_VIEW = """
CREATE TEMP VIEW {table} AS
SELECT s.* REPLACE (coalesce(
           s.upload_id = max(CASE WHEN u.status = 'committed' THEN s.upload_id END)
                         OVER (PARTITION BY {key}), false) AS is_current)
FROM {db}.main.{table} s JOIN temp.main.uploads u ON u.id = s.upload_id
"""


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@contextlib.contextmanager
def known_at(con: duckdb.DuckDBPyConnection, moment: dt.datetime) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection (a cursor of `con`) that sees the data as they stood at `moment`.

    Use it for reads only, in `con`'s lifetime. `moment(c)` tells such a connection by its
    moment (kpi.engine keeps what it caches for it apart from the current data's)."""
    db = _quoted(con.execute("SELECT current_database()").fetchall()[0][0])
    known = con.cursor()
    try:
        known.execute(f"USE {db}")  # a cursor starts in the instance's default database
        known.execute("SET enable_progress_bar = false")
        known.execute("CREATE TEMP TABLE kpi_as_of AS SELECT CAST($t AS TIMESTAMP) AS t", {"t": moment})
        known.execute(_UPLOADS_VIEW.format(db=db))
        for table, key in KEYS.items():
            known.execute(_TABLE_VIEW.format(db=db, table=table, key=", ".join(f"s.{k}" for k in key)))
        _moments[known] = moment
        yield known
    finally:
        _moments.pop(known, None)
        known.close()


@contextlib.contextmanager
def seen_at(
    con: duckdb.DuckDBPyConnection, moment: dt.datetime | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """`known_at(con, moment)`, or `con` itself when `moment` is None (the data as they are)."""
    if moment is None:
        yield con
        return
    with known_at(con, moment) as known:
        yield known


def moment(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The moment a connection from `known_at` sees; None for one that sees the data as they are."""
    return _moments.get(con)


# ---------------------------------------------------------------- every vintage of a scope

_SUMS = ",".join(
    f"sum(CASE WHEN {r.denominator} IS NOT NULL THEN {r.numerator} END) AS {r.code}_num,"
    f"sum(CASE WHEN {r.numerator} IS NOT NULL THEN {r.denominator} END) AS {r.code}_den,"
    f"count({r.numerator}+{r.denominator}) AS {r.code}_n"
    for r in RATIOS
)

# The moments a scope's statistics changed: each upload that brought rows of the scope, and
# the rollback of one; with each, the scope's sums per period as known right after it (the
# rows of the uploads committed by then and not rolled back by then, the newest per key).
_EVENTS_SQL = f"""
WITH scope AS (
    SELECT s.*, u.uploaded_at, u.rolled_back_at FROM stat_values s JOIN uploads u ON u.id = s.upload_id
    WHERE s.cluster = $cluster AND ($region IS NULL OR s.region = $region)
      AND ($periods IS NULL OR list_contains($periods, s.period))
), touched AS (SELECT DISTINCT upload_id FROM scope),
events AS (
    SELECT u.uploaded_at AS at, u.id AS upload_id, 'upload' AS event, u.uploaded_by AS who, u.file_name, u.kind
    FROM uploads u JOIN touched t ON t.upload_id = u.id
    UNION ALL
    SELECT u.rolled_back_at, u.id, 'rollback', u.rolled_back_by, u.file_name, u.kind
    FROM uploads u JOIN touched t ON t.upload_id = u.id WHERE u.rolled_back_at IS NOT NULL
), known AS (
    SELECT e.at, e.upload_id AS event_upload, e.event, s.*
    FROM events e JOIN scope s
      ON s.uploaded_at <= e.at AND (s.rolled_back_at IS NULL OR s.rolled_back_at > e.at)
    QUALIFY s.upload_id = max(s.upload_id) OVER (PARTITION BY e.at, e.upload_id, e.event, s.period, s.region)
)
SELECT e.at, e.upload_id, e.event, e.who, e.file_name, e.kind, k.period,
       CASE WHEN $region IS NOT NULL THEN k.region WHEN k.region = $city THEN 'city' ELSE 'units' END AS part,
       {_SUMS}
FROM events e LEFT JOIN known k ON k.at = e.at AND k.event_upload = e.upload_id AND k.event = e.event
GROUP BY ALL
ORDER BY e.at, e.upload_id, e.event DESC, k.period, part
"""  # noqa: S608 - identifiers from kpi.model.definitions


def scope_events(
    con: duckdb.DuckDBPyConnection, *, cluster: str, region: str | None, periods: list[str] | None = None
) -> list[dict[str, Any]]:
    """One record per (moment, period, part) for the scope (`region` None: the city, whose parts
    are 'city' for its own total row and 'units' for the sum of the units, as queries.sums names
    them): at, upload_id, event ('upload' or 'rollback'), who, file_name, kind, period, part and
    the sums of each ratio (`{code}_num`, `_den`, `_n`). A moment after which the scope had no
    rows has one record with period None. Oldest first. `periods`: those periods only (the
    moments that changed one of them, and their sums); None: every period."""
    cursor = con.execute(
        _EVENTS_SQL, {"cluster": cluster, "region": region, "city": CITY_CODE, "periods": periods}
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
