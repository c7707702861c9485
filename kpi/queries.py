"""Read queries: the sums behind every ratio, and small lookups. SQL aggregates, Python divides.

Only all-industry rows (cluster = 'ALL') feed a region or the city; cluster rows feed cluster
scopes only. For a ratio, a row counts only where both its numerator and its denominator are
reported, so that a missing numerator can never deflate the ratio.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from kpi.definitions import CITY_CODE, RATIOS

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
"""  # noqa: S608 - identifiers from kpi.definitions


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
    return con.execute(
        """SELECT id, kind, file_name, sha256, encoding, uploaded_at, uploaded_by, rows, new_rows,
                  revised_rows, status, is_demo, rolled_back_at, rolled_back_by,
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
"""  # noqa: S608 - identifiers from kpi.definitions


def cluster_sums(
    con: duckdb.DuckDBPyConnection, *, period: str, region: str | None = None, by_region: bool = False
) -> pd.DataFrame:
    """Cluster rows' sums for one period, per cluster and `part` (as in `sums`)."""
    return con.execute(
        _CLUSTER_SUMS_SQL,
        {"by_region": by_region or region is not None, "city": CITY_CODE, "period": period, "region": region},
    ).df()
