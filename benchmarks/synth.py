"""Synthetic databases at three scales, built with DuckDB SQL straight into the real schema.

No CSV on the way: `generate_series` cross joins give every period × unit × cluster row,
values come from a hash of the key (deterministic, plausible, numerator ≤ denominator,
year-to-date values rising through the year). The reference tables get the synthetic units and
clusters so that the engine and the validation accept them. Built databases are cached under
benchmarks/.cache/ (git-ignored), keyed on the scale, the schema version and GENERATOR.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path

import duckdb

from kpi.model.definitions import CITY_CODE
from kpi.store import connection, schema

GENERATOR = 4  # bump when the generated data change, to rebuild the cache
# $KPI_BENCH_CACHE moves the cache (the smoke test uses a temporary folder)
CACHE = Path(os.environ.get("KPI_BENCH_CACHE") or Path(__file__).resolve().parent / ".cache")
LAST_YEAR = 2025  # the latest period is LAST_YEAR Q4: complete, so no future-period warnings


@dataclasses.dataclass(frozen=True)
class Scale:
    name: str
    units: int  # reporting units besides the city; 9 = the real ones
    clusters: int  # 135N clusters; 13 = the reference list
    quarters: int

    @property
    def rows(self) -> int:
        return self.units * (self.clusters + 1) * self.quarters

    @property
    def first_year(self) -> int:
        return LAST_YEAR - self.quarters // 4 + 1


SCALES = {
    "city": Scale("city", 9, 13, 24),
    "province": Scale("province", 90, 50, 40),
    "country": Scale("country", 2800, 100, 40),
}


def path_for(scale: Scale) -> Path:
    return CACHE / f"{scale.name}-s{schema.SCHEMA_VERSION}-g{GENERATOR}.duckdb"


def build(scale: Scale, *, force: bool = False) -> tuple[Path, float]:
    """The cached database for `scale` (built when missing); (path, seconds spent building)."""
    target = path_for(scale)
    if target.exists() and not force:
        return target, 0.0
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".building")
    for f in (partial, Path(f"{partial}.wal")):
        f.unlink(missing_ok=True)
    start = time.perf_counter()
    with connection.connect(
        partial, write=True
    ) as con:  # creates and migrates the real schema; plain SQL writes
        _reference(con, scale)
        _statistics(con, scale)
        _platforms(con, scale)
        con.execute("CHECKPOINT")
    shutil.move(partial, target)
    return target, time.perf_counter() - start


def _reference(con: duckdb.DuckDBPyConnection, scale: Scale) -> None:
    """Synthetic units (kept: the nine real ones at city scale) and clusters."""
    if scale.units != 9:
        con.execute("DELETE FROM regions WHERE code <> $city", {"city": CITY_CODE})
        con.execute(
            """INSERT INTO regions
               SELECT printf('U%05d', i), printf('单位%05d', i), printf('单位%d', i), printf('Unit %d', i),
                      'district', i, ''
               FROM generate_series(1, $n) t(i)""",
            {"n": scale.units},
        )
    if scale.clusters != 13:
        con.execute("DELETE FROM clusters")
        con.execute(
            """INSERT INTO clusters
               SELECT printf('X%03d', i), printf('集群%03d', i), printf('Cluster %d', i),
                      ['1', '3', '5', 'N'][1 + i % 4], ['traditional', 'emerging', 'future'][1 + i % 3],
                      false, i
               FROM generate_series(1, $n) t(i)""",
            {"n": scale.clusters},
        )


def _statistics(con: duckdb.DuckDBPyConnection, scale: Scale) -> None:
    upload = con.execute(
        """INSERT INTO uploads (id, kind, file_name, sha256, encoding, uploaded_at, uploaded_by, rows,
                                new_rows, revised_rows, status, is_demo)
           VALUES (nextval('upload_id_seq'), 'stats', $name, '', 'utf-8', now(), 'benchmark', $rows,
                   $rows, 0, 'committed', true) RETURNING id""",
        {"name": f"synthetic_{scale.name}.csv", "rows": scale.rows},
    ).fetchall()[0][0]
    # revenue per key: a base from the key's hash, growing 5 % a year, year to date (q/4 of the
    # year's flow); each numerator a hashed share of its denominator
    con.execute(
        """
        INSERT INTO stat_values (upload_id, line, period, year, quarter, region, cluster,
               rd_expense, operating_revenue, new_product_output, gross_output,
               hightech_value_added, industrial_value_added, enterprises, is_current)
        WITH periods AS (
            SELECT y::SMALLINT AS year, q::TINYINT AS quarter, y || 'Q' || q AS period
            FROM generate_series($first, $last) a(y), generate_series(1, 4) b(q)
        ), units AS (
            SELECT code AS region FROM regions WHERE code <> $city
        ), keys AS (
            SELECT region, 'ALL' AS cluster FROM units
            UNION ALL
            SELECT region, c.code FROM units, clusters c
        ), rows AS (
            SELECT p.period, p.year, p.quarter, k.region, k.cluster,
                   hash(k.region, k.cluster) AS h,
                   -- ±5 % noise per period on every ratio, as real statistics have
                   1 + ((hash(k.region, k.cluster, p.period) % 201)::DOUBLE - 100) / 2000 AS noise,
                   (CASE WHEN k.cluster = 'ALL' THEN 400000.0 ELSE 30000.0 END)
                     * (0.5 + (hash(k.region, k.cluster) % 1000) / 1000.0)
                     * pow(1.05, p.year - $first) * p.quarter / 4.0 AS revenue
            FROM periods p, keys k
        )
        SELECT $upload, NULL, period, year, quarter, region, cluster,
               revenue * (0.015 + (h % 300) / 10000.0 + (year - 2016) * 0.0001) * noise,
               revenue,
               revenue * 1.02 * (0.35 + (h % 400) / 1000.0) * noise,
               revenue * 1.02,
               revenue * 0.2 * least(0.97, (0.45 + (h % 500) / 1000.0 + (year - 2016) * 0.001) * noise),
               revenue * 0.2,
               10 + h % 500,
               true
        FROM rows
        ORDER BY year, quarter, region, cluster
        """,
        {
            "first": scale.first_year,
            "last": LAST_YEAR,
            "city": CITY_CODE,
            "upload": upload,
        },
    )


def _platforms(con: duckdb.DuckDBPyConnection, scale: Scale) -> None:
    """One platform for every other cluster, hosted by a unit picked from the cluster's number."""
    upload = con.execute(
        """INSERT INTO uploads (id, kind, file_name, sha256, encoding, uploaded_at, uploaded_by, rows,
                                new_rows, revised_rows, status, is_demo)
           VALUES (nextval('upload_id_seq'), 'platforms', 'synthetic_platforms.csv', '', 'utf-8', now(),
                   'benchmark', 0, 0, 0, 'committed', true) RETURNING id"""
    ).fetchall()[0][0]
    con.execute(
        """
        INSERT INTO platform_versions (upload_id, line, name, host, region, clusters, level, build_model,
                                       recognised_on, status, is_current)
        WITH c AS (SELECT code, row_number() OVER (ORDER BY code) AS i FROM clusters),
             u AS (SELECT code, row_number() OVER (ORDER BY code) AS j FROM regions WHERE code <> $city)
        SELECT $upload, NULL, '中试平台' || c.code, '依托单位' || c.code, u.code, [c.code],
               CASE WHEN c.i % 10 = 1 THEN 'provincial' ELSE 'city' END, 'joint',
               DATE '2025-01-01' + CAST(c.i AS INTEGER), 'running', true
        FROM c JOIN u ON u.j = 1 + (c.i * 7) % (SELECT count(*) FROM u)
        WHERE c.i % 2 = 1
        """,
        {"upload": upload, "city": CITY_CODE},
    )
    n = con.execute("SELECT count(*) FROM platform_versions WHERE upload_id = $u", {"u": upload}).fetchall()
    con.execute("UPDATE uploads SET rows = $n, new_rows = $n WHERE id = $u", {"n": n[0][0], "u": upload})


def ingest_file(scale: Scale, rows: int, out: Path) -> Path:
    """A statistics CSV of `rows` rows revising the latest periods of `scale` (Chinese headers, 万元).

    Written by DuckDB's COPY from the same generator (values 1 % up), so the file is valid and
    every row is a revision: the heavier path (older vintages stop counting).
    """
    db, _ = build(scale)
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(
            f"""COPY (
                 SELECT period AS 统计期, region AS "县(市、区)",
                        CASE WHEN cluster = 'ALL' THEN '' ELSE cluster END AS 产业集群,
                        round(rd_expense * 1.01, 1) AS 研发费用, round(operating_revenue * 1.01, 1) AS 营业收入,
                        round(new_product_output * 1.01, 1) AS 新产品产值, round(gross_output * 1.01, 1) AS 工业总产值,
                        round(hightech_value_added * 1.01, 1) AS 高新技术产业增加值,
                        round(industrial_value_added * 1.01, 1) AS 规上工业增加值
                 FROM stat_values WHERE is_current
                 ORDER BY year DESC, quarter DESC, region, cluster LIMIT {int(rows)}
               ) TO '{_quote(out)}' (HEADER, DELIMITER ',')"""  # noqa: S608 - an int and our own path
        )
    return out


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
