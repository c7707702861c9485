"""Read queries: the sums behind every ratio, and small lookups. SQL aggregates, Python divides.

Only all-industry rows (cluster = 'ALL') feed a region or the city; cluster rows feed cluster
scopes only. For a ratio, a row counts only where both its numerator and its denominator are
reported, so that a missing numerator can never deflate the ratio.
"""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from kpi.model.definitions import CITY_CODE, RATIOS

# Generated from the declarations only (no user text reaches the SQL).
_SUM_COLUMNS = ",\n".join(
    f"sum({r.numerator}) FILTER (WHERE {r.numerator} IS NOT NULL AND {r.denominator} IS NOT NULL) AS {r.code}_num,\n"
    f"sum({r.denominator}) FILTER (WHERE {r.numerator} IS NOT NULL AND {r.denominator} IS NOT NULL) AS {r.code}_den,\n"
    f"count(*) FILTER (WHERE {r.numerator} IS NOT NULL AND {r.denominator} IS NOT NULL) AS {r.code}_n"
    for r in RATIOS
)

_SUMS_SQL = f"""
SELECT s.period,
       CASE WHEN $by_region THEN s.region WHEN s.region = $city THEN 'city' ELSE 'units' END AS part,
       {_SUM_COLUMNS},
       bool_or(u.is_demo) AS demo,
       list(DISTINCT s.upload_id ORDER BY s.upload_id) AS uploads
FROM stat_values s JOIN uploads u ON u.id = s.upload_id
WHERE s.is_current AND s.cluster = $cluster
  AND ($region IS NULL OR s.region = $region)
  AND ($periods IS NULL OR list_contains($periods, s.period))
GROUP BY ALL
ORDER BY ALL
"""  # noqa: S608 - identifiers from kpi.model.definitions


def sums(
    con: duckdb.DuckDBPyConnection,
    *,
    cluster: str,
    region: str | None = None,
    periods: list[str] | None = None,
    by_region: bool = False,
) -> pd.DataFrame:
    """Numerator and denominator sums per period and `part`.

    `part` is the region code when `by_region` (or a region is given), else 'city' for the
    city's own total row and 'units' for the sum over the nine units.
    """
    return con.execute(
        _SUMS_SQL,
        {
            "by_region": by_region or region is not None,
            "city": CITY_CODE,
            "cluster": cluster,
            "region": region,
            "periods": periods,
        },
    ).df()


def latest_period(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(
        "SELECT period FROM stat_values WHERE is_current ORDER BY year DESC, quarter DESC LIMIT 1"
    ).fetchall()
    return row[0][0] if row else None


def periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT DISTINCT period, year, quarter FROM stat_values WHERE is_current ORDER BY year, quarter"
    ).fetchall()
    return [r[0] for r in rows]


def region_clusters(con: duckdb.DuckDBPyConnection, region: str) -> list[str]:
    """Clusters with statistics rows in a region: the clusters it hosts."""
    rows = con.execute(
        """SELECT DISTINCT cluster FROM stat_values
           WHERE is_current AND region = $region AND cluster <> 'ALL' ORDER BY cluster""",
        {"region": region},
    ).fetchall()
    return [r[0] for r in rows]


def cluster_regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Which units host which cluster (from the cluster rows of the statistics)."""
    return con.execute(
        """SELECT DISTINCT cluster, region FROM stat_values
           WHERE is_current AND cluster <> 'ALL' AND region <> $city ORDER BY ALL""",
        {"city": CITY_CODE},
    ).df()


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table (all vintages): used to prove a rejected file changed nothing (not even
    an audit event: only what was committed is recorded)."""
    out = {}
    tables = ("uploads", "upload_issues", "stat_values", "platform_versions", "clusters", "targets")
    for table in (*tables, "users", "audit_log"):
        out[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608 - fixed names
    return out


def uploads(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """The upload history, newest first. `unchanged_rows`: rows identical to the stored ones,
    neither new nor revised (kpi.store.writes.write_stats writes nothing for them)."""
    return con.execute(
        """SELECT id, kind, file_name, sha256, encoding, uploaded_at, uploaded_by, rows, new_rows,
                  revised_rows, rows - new_rows - revised_rows AS unchanged_rows, status, is_demo, rolled_back_at, rolled_back_by,
                  (SELECT count(*) FROM upload_issues i WHERE i.upload_id = u.id) AS warnings
           FROM uploads u ORDER BY id DESC LIMIT $limit""",
        {"limit": limit},
    ).df()


def upload_issues(con: duckdb.DuckDBPyConnection, upload_id: int) -> pd.DataFrame:
    return con.execute(
        "SELECT severity, line, column_name, code, message_zh, message_en FROM upload_issues "
        "WHERE upload_id = $id ORDER BY line NULLS FIRST",
        {"id": upload_id},
    ).df()


_CLUSTER_SUMS_SQL = f"""
SELECT s.cluster, s.period,
       CASE WHEN $by_region THEN s.region WHEN s.region = $city THEN 'city' ELSE 'units' END AS part,
       {_SUM_COLUMNS},
       bool_or(u.is_demo) AS demo,
       list(DISTINCT s.upload_id ORDER BY s.upload_id) AS uploads
FROM stat_values s JOIN uploads u ON u.id = s.upload_id
WHERE s.is_current AND s.cluster <> 'ALL' AND s.period = $period
  AND ($region IS NULL OR s.region = $region)
GROUP BY ALL
ORDER BY ALL
"""  # noqa: S608 - identifiers from kpi.model.definitions


def cluster_sums(
    con: duckdb.DuckDBPyConnection, *, period: str, region: str | None = None, by_region: bool = False
) -> pd.DataFrame:
    """Cluster rows' sums for one period, per cluster and `part` (as in `sums`)."""
    return con.execute(
        _CLUSTER_SUMS_SQL,
        {"by_region": by_region or region is not None, "city": CITY_CODE, "period": period, "region": region},
    ).df()


# ---------------------------------------------------------------- kpi status in one statement
#
# kpi status runs one statement per call (the city or one region) at every scale, so at small
# scale its cost is DuckDB's fixed cost per statement: parsing, binding and planning grow with
# every expression, so the text is short and each aggregate earns its place.

# The sums of `sums` (the same rows added in the same order: sum skips a NULL), as CASE, which
# is cheaper than FILTER; n counts the rows with both parts.
_STATUS_SUMS = ",".join(
    f"sum(CASE WHEN {r.denominator} IS NOT NULL THEN {r.numerator} END),"
    f"sum(CASE WHEN {r.numerator} IS NOT NULL THEN {r.denominator} END),"
    f"count({r.numerator}+{r.denominator})"
    for r in RATIOS
)
# The sums columns of a status row, in order.
SUM_NAMES: tuple[str, ...] = tuple(f"{r.code}_{part}" for r in RATIOS for part in ("num", "den", "n"))
# a unit's own row: its region, then numerator and denominator of each ratio
_UNIT_ROW = ",".join(["region", *(f"{r.numerator},{r.denominator}" for r in RATIOS)])

# Every write through kpi (uploads of every kind, rollbacks, targets, the taxonomy, the register,
# accounts) records an audit event in its own transaction (kpi.store.audit): the newest event's id is a
# version of the data that a transaction sees, its own uncommitted writes included (ids come from
# a sequence and are never reused).
_DATA_VERSION = "(SELECT max(id)FROM audit_log)"
# The start of the statement's transaction (µs since the epoch): later than the call in autocommit,
# earlier inside a transaction the caller began (kpi.engine then checks _DATA_VERSION).
_STARTED = "epoch_us(now())"

# (period, is the city's own row, *sums, upload ids, the units' own rows at $period, started)
_CITY_SQL = (
    f"SELECT period,region=$city,{_STATUS_SUMS},list_distinct(list(upload_id)),"  # noqa: S608 - identifiers from kpi.model.definitions
    f"list(({_UNIT_ROW}))FILTER(period=$period AND region<>$city),{_STARTED} "
    "FROM stat_values WHERE is_current AND cluster=$cluster GROUP BY 1,2"
)
# (year, quarter, *sums, upload ids, started): integer groups, DuckDB's cheaper perfect hash
_REGION_SQL = (
    f"SELECT year,quarter,{_STATUS_SUMS},list_distinct(list(upload_id)),{_STARTED} "  # noqa: S608 - identifiers from kpi.model.definitions
    "FROM stat_values WHERE is_current AND cluster=$cluster AND region=$region GROUP BY 1,2"
)


# The same statements as temporary table macros of one connection: their text is parsed once,
# which at small scale is a fifth of what a status costs (DuckDB 2's parser). Named after their
# text, so that a changed text never meets an older macro.
def _macro(name: str, sql: str, params: tuple[str, ...]) -> tuple[str, str]:
    body = sql
    for param in params:
        body = body.replace(f"${param}", f"kpi_{param}_")
    name = f"{name}_{hashlib.sha1(body.encode()).hexdigest()[:10]}"
    args = ",".join(f"kpi_{param}_" for param in params)
    return name, f"CREATE OR REPLACE TEMP MACRO {name}({args}) AS TABLE {body}"


_CITY_MACRO, _CITY_MACRO_DDL = _macro("kpi_city_status", _CITY_SQL, ("city", "cluster", "period"))
_REGION_MACRO, _REGION_MACRO_DDL = _macro("kpi_region_status", _REGION_SQL, ("cluster", "region"))
_CITY_CALL = f"SELECT * FROM {_CITY_MACRO}($city,$cluster,$period)"  # noqa: S608 - our own name
_REGION_CALL = f"SELECT * FROM {_REGION_MACRO}($cluster,$region)"  # noqa: S608 - our own name


def create_status_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the status statements' macros in the connection's temporary catalog (nothing is
    written to the database file). Call it outside a transaction: a rolled-back transaction
    would take them away."""
    con.execute(_CITY_MACRO_DDL)
    con.execute(_REGION_MACRO_DDL)


def city_status_rows(
    con: duckdb.DuckDBPyConnection, *, cluster: str, period: str, macro: bool = False
) -> list[tuple]:
    """The city's sums for `cluster`, one row per period and part, in one statement:

    `(period, own, *SUM_NAMES, uploads, units, started)` where `own` is True for the city's own
    total row and False for the sum of the units (the 'city' and 'units' parts of `sums`),
    `uploads` the distinct upload ids (any order), `units` the units' own rows at `period` as
    `(region, numerator, denominator, ...)` per ratio (None in other periods), and `started` the
    start of the statement's transaction in µs since the epoch. No rows when the city has no
    statistics for the cluster. `macro`: through the macro create_status_macros made.
    """
    sql = _CITY_CALL if macro else _CITY_SQL
    return con.execute(sql, {"city": CITY_CODE, "cluster": cluster, "period": period}).fetchall()


def region_status_rows(
    con: duckdb.DuckDBPyConnection, *, cluster: str, region: str, macro: bool = False
) -> list[tuple]:
    """One region's sums for `cluster`, one row per period: `(year, quarter, *SUM_NAMES,
    uploads, started)` as in `city_status_rows`."""
    sql = _REGION_CALL if macro else _REGION_SQL
    return con.execute(sql, {"cluster": cluster, "region": region}).fetchall()


def data_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest audit event's id as this connection's transaction sees it (_DATA_VERSION)."""
    return con.execute(f"SELECT {_DATA_VERSION}").fetchall()[0][0]


# A content fingerprint of what kpi_status reads besides the statistics (kpi.engine caches it):
# regions and clusters (names, units, taxonomy), targets, and the committed register versions.
# JSON text is unambiguous (a NULL is not the string 'NULL') and keeps every digit of a double.
REFERENCE_FINGERPRINT = """
coalesce((SELECT md5(string_agg(to_json(r)::VARCHAR, '|' ORDER BY r.code)) FROM regions r), '-')
|| coalesce((SELECT md5(string_agg(to_json(c)::VARCHAR, '|' ORDER BY c.code)) FROM clusters c), '-')
|| coalesce((SELECT md5(string_agg(to_json(t)::VARCHAR, '|' ORDER BY t.indicator)) FROM targets t), '-')
|| coalesce((SELECT md5(string_agg(to_json(p)::VARCHAR, '|' ORDER BY p.upload_id, p.name, p.host, p.line))
             FROM platform_versions p JOIN uploads u ON u.id = p.upload_id
             WHERE u.status = 'committed'), '-')
"""

# The latest complete quarter: the city's own all-industry row was uploaded, or every reporting
# unit (every region but the city) sent its all-industry row (CONTRACT.md §3, the default period).
_LATEST_COMPLETE = f"""(SELECT period FROM stat_values WHERE is_current AND cluster = 'ALL'
 GROUP BY period, year, quarter
 HAVING bool_or(region = '{CITY_CODE}')
     OR count(DISTINCT region) FILTER (WHERE region <> '{CITY_CODE}')
        >= (SELECT count(*) FROM regions WHERE code <> '{CITY_CODE}')
 ORDER BY year DESC, quarter DESC LIMIT 1)"""  # noqa: S608 - a constant of kpi.model.definitions

_STATE_SQL = f"""
SELECT {_STARTED}, {_DATA_VERSION},
       (SELECT period FROM stat_values WHERE is_current ORDER BY year DESC, quarter DESC LIMIT 1),
       {REFERENCE_FINGERPRINT},
       (SELECT list(id ORDER BY id) FROM uploads WHERE is_demo),
       {_LATEST_COMPLETE}
"""  # noqa: S608 - fixed text


def status_state(
    con: duckdb.DuckDBPyConnection,
) -> tuple[int, int | None, str | None, str, list[int], str | None]:
    """(started, DATA_VERSION, the latest period with data, REFERENCE_FINGERPRINT, the demo
    upload ids, the latest complete period), read together: what kpi_status keeps for a
    connection while the data stay as they are. `started` as in `city_status_rows`."""
    started, version, latest, fingerprint, demo, complete = con.execute(_STATE_SQL).fetchall()[0]
    return started, version, latest, fingerprint, list(demo or []), complete


def latest_complete_period(con: duckdb.DuckDBPyConnection) -> str | None:
    """The latest quarter with the city's own all-industry row or every unit's (None: none yet)."""
    return con.execute(f"SELECT {_LATEST_COMPLETE}").fetchall()[0][0]


def default_period(con: duckdb.DuckDBPyConnection) -> str | None:
    """The period a page or `kpi status` opens on: the latest complete quarter, else (while no
    quarter is complete yet) the latest with data; None without statistics."""
    return latest_complete_period(con) or latest_period(con)


def period_reporters(
    con: duckdb.DuckDBPyConnection, period: str, cluster: str = "ALL"
) -> tuple[bool, list[str]]:
    """(whether the city's own row exists, the units with a row) for one period and cluster."""
    rows = con.execute(
        "SELECT DISTINCT region FROM stat_values WHERE is_current AND period = $p AND cluster = $c",
        {"p": period, "c": cluster},
    ).fetchall()
    found = {r[0] for r in rows}
    return CITY_CODE in found, sorted(found - {CITY_CODE})


def cluster_hosts(con: duckdb.DuckDBPyConnection, cluster: str) -> list[str]:
    """The units with rows for a cluster in any period: the units whose rows make its city figure."""
    rows = con.execute(
        """SELECT DISTINCT region FROM stat_values
           WHERE is_current AND cluster = $c AND region <> $city ORDER BY region""",
        {"c": cluster, "city": CITY_CODE},
    ).fetchall()
    return [r[0] for r in rows]


def database_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file of the connection's database; None in memory."""
    return con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()[0][0]


def reference_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """REFERENCE_FINGERPRINT on its own."""
    return con.execute(f"SELECT {REFERENCE_FINGERPRINT}").fetchall()[0][0]
