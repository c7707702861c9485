"""The DuckDB store: connections, schema and migrations, reference tables, and all writes.

Every statement binds its values as parameters. Identifiers that appear in SQL text come only
from the declarations in `kpi.definitions` (never from user input).

Connections are short-lived: a process that keeps the file open blocks every other process
(TRAPS.md 8), so each operation opens, works and closes, retrying while another process holds
the lock.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import sys
import threading
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from kpi import access, audit
from kpi.definitions import CITY_CODE, MONEY_FIELDS
from kpi.errors import DatabaseBusy

SCHEMA_VERSION = 4
DEFAULT_DB = Path("data") / "kpi.duckdb"

STAT_KEY = ("period", "region", "cluster")
STAT_VALUE_COLUMNS = (*MONEY_FIELDS, "enterprises")
PLATFORM_KEY = ("name", "host")
REVIEW_KEY = ("name", "host", "year")
REVIEW_KINDS = ("reviews", "review_form")  # upload kinds that write platform_reviews
# kinds with earlier vintages to restore (platform_edit: a correction made on the platform page)
ROLLBACK_KINDS = ("stats", "platforms", "platform_edit", *REVIEW_KINDS)

_MIGRATIONS: dict[int, str] = {
    1: f"""
    CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
    CREATE TABLE regions (
        code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR, name_en VARCHAR,
        kind VARCHAR NOT NULL, sort INTEGER, aliases VARCHAR
    );
    CREATE TABLE clusters (
        code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, name_en VARCHAR,
        tier VARCHAR NOT NULL, grp VARCHAR NOT NULL, confirmed BOOLEAN NOT NULL, sort INTEGER
    );
    CREATE TABLE targets (
        indicator VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, value DOUBLE NOT NULL,
        comparator VARCHAR, band_pp DOUBLE, green_pp DOUBLE, amber_pp DOUBLE,
        deadline DATE NOT NULL, plan_start DATE NOT NULL, source VARCHAR, note VARCHAR,
        updated_at TIMESTAMP, updated_by VARCHAR
    );
    CREATE SEQUENCE upload_id_seq START 1;
    CREATE TABLE uploads (
        id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, file_name VARCHAR, sha256 VARCHAR,
        encoding VARCHAR, uploaded_at TIMESTAMP NOT NULL, uploaded_by VARCHAR,
        rows INTEGER, new_rows INTEGER, revised_rows INTEGER,
        status VARCHAR NOT NULL, is_demo BOOLEAN NOT NULL DEFAULT false,
        rolled_back_at TIMESTAMP, rolled_back_by VARCHAR
    );
    CREATE TABLE upload_issues (
        upload_id INTEGER NOT NULL, severity VARCHAR NOT NULL, line INTEGER, column_name VARCHAR,
        code VARCHAR NOT NULL, message_zh VARCHAR, message_en VARCHAR
    );
    -- every vintage of every statistic; is_current marks the one that counts
    CREATE TABLE stat_values (
        upload_id INTEGER NOT NULL, line INTEGER,
        period VARCHAR NOT NULL, year SMALLINT NOT NULL, quarter TINYINT NOT NULL,
        region VARCHAR NOT NULL, cluster VARCHAR NOT NULL,
        {", ".join(f"{c} DOUBLE" for c in MONEY_FIELDS)}, enterprises BIGINT,
        is_current BOOLEAN NOT NULL
    );
    CREATE TABLE platform_versions (
        upload_id INTEGER NOT NULL, line INTEGER,
        name VARCHAR NOT NULL, host VARCHAR NOT NULL, region VARCHAR NOT NULL,
        clusters VARCHAR[] NOT NULL, level VARCHAR NOT NULL, build_model VARCHAR,
        recognised_on DATE, status VARCHAR NOT NULL, is_current BOOLEAN NOT NULL
    );
    """,
    # progress analytics (kpi.progress): glide-path thresholds in pp and the baseline year, per
    # target; filled from kpi/reference/targets.csv for databases made at version 1
    2: """
    ALTER TABLE targets ADD COLUMN glide_green_pp DOUBLE;
    ALTER TABLE targets ADD COLUMN glide_amber_pp DOUBLE;
    ALTER TABLE targets ADD COLUMN baseline_year INTEGER;
    """,
    # pilot-platform register (kpi.register, kpi.rewards, kpi.reviews): the revocation date (a
    # revoked platform stops counting from it), the national support to be matched 1:1 (万元),
    # a note on each upload or form edit, annual review scores with their history, and the reward
    # rules as data (append-only: the latest value of a key counts). IF NOT EXISTS everywhere:
    # safe on any version-2 database, whatever was added by hand.
    3: """
    ALTER TABLE platform_versions ADD COLUMN IF NOT EXISTS revoked_on DATE;
    ALTER TABLE platform_versions ADD COLUMN IF NOT EXISTS national_support DOUBLE;
    ALTER TABLE uploads ADD COLUMN IF NOT EXISTS note VARCHAR;
    CREATE TABLE IF NOT EXISTS platform_reviews (
        upload_id INTEGER NOT NULL, line INTEGER,
        name VARCHAR NOT NULL, host VARCHAR NOT NULL, year SMALLINT NOT NULL,
        score DOUBLE NOT NULL, comment VARCHAR, is_current BOOLEAN NOT NULL
    );
    CREATE TABLE IF NOT EXISTS reward_settings (
        key VARCHAR NOT NULL, value VARCHAR NOT NULL, set_at TIMESTAMP NOT NULL, set_by VARCHAR
    );
    """,
    # access (kpi.auth, kpi.access, kpi.audit): local accounts with scrypt hashes (parameters
    # stored in the hash text), failed sign-ins per name typed (unknown names too, so that a
    # lock does not reveal which names exist), and the append-only audit trail
    4: """
    CREATE TABLE IF NOT EXISTS users (
        username VARCHAR PRIMARY KEY, display_name VARCHAR, role VARCHAR NOT NULL, region VARCHAR,
        password_hash VARCHAR NOT NULL, active BOOLEAN NOT NULL DEFAULT true,
        password_changed_at TIMESTAMP NOT NULL, last_sign_in_at TIMESTAMP,
        created_at TIMESTAMP NOT NULL, created_by VARCHAR, updated_at TIMESTAMP NOT NULL, updated_by VARCHAR
    );
    CREATE TABLE IF NOT EXISTS sign_in_failures (
        username VARCHAR PRIMARY KEY, failures INTEGER NOT NULL, last_failed_at TIMESTAMP NOT NULL,
        locked_until TIMESTAMP
    );
    CREATE SEQUENCE IF NOT EXISTS audit_id_seq START 1;
    CREATE TABLE IF NOT EXISTS audit_log (
        id BIGINT PRIMARY KEY, "at" TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
        detail JSON
    );
    """,
}

_local_lock = threading.RLock()  # one writer at a time inside a process (TRAPS.md 11)


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db, else $KPI_DB, else data/kpi.duckdb (CONTRACT.md §3)."""
    return Path(explicit or os.environ.get("KPI_DB") or DEFAULT_DB)


def _raw_connect(path: Path, timeout: float) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {
        # nothing may reach for the network (TRAPS.md 7)
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), config=config)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                if "lock" in str(exc).lower():
                    raise DatabaseBusy(str(path)) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextlib.contextmanager
def connect(
    path: str | os.PathLike[str] | None = None, *, timeout: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database (creating and migrating it), yield a connection, close it again."""
    p = db_path(path)
    wait = float(os.environ.get("KPI_LOCK_TIMEOUT", "20")) if timeout is None else timeout
    with _local_lock:
        con = _raw_connect(p, wait)
        try:
            # long updates at large scale drew progress bars on a user's terminal and in the app's log
            con.execute("SET enable_progress_bar = false")
            migrate(con)
            yield con
        finally:
            con.close()


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(row[0][0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema to SCHEMA_VERSION, each step in its own transaction; seed references."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"database schema {version} is newer than this program ({SCHEMA_VERSION})")
    while version < SCHEMA_VERSION:
        version += 1
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(_MIGRATIONS[version])
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', $v)", {"v": str(version)})
            if version == 1:
                _seed_reference(con)
            if version == 2:
                _seed_progress_settings(con)
            if version == 3:
                _seed_reward_settings(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return version


def reference_rows(name: str) -> list[dict[str, str]]:
    """Rows of a bundled reference CSV (kpi/reference/NAME.csv)."""
    text = resources.files("kpi").joinpath("reference", f"{name}.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _seed_reference(con: duckdb.DuckDBPyConnection) -> None:
    for r in reference_rows("regions"):
        con.execute(
            "INSERT INTO regions VALUES ($code, $name, $short, $en, $kind, $sort, $aliases)",
            {
                "code": r["code"],
                "name": r["name"],
                "short": r["short_name"],
                "en": r["name_en"],
                "kind": r["kind"],
                "sort": int(r["sort"]),
                "aliases": r["aliases"],
            },
        )
    clusters = pd.DataFrame(reference_rows("clusters"))
    replace_clusters(con, clusters)
    for r in reference_rows("targets"):
        con.execute(
            """INSERT INTO targets VALUES ($indicator, $kind, $value, $comparator, $band, $green,
                   $amber, $deadline, $start, $source, $note, now(), 'reference')""",
            {
                "indicator": r["indicator"],
                "kind": r["kind"],
                "value": float(r["value"]),
                "comparator": r["comparator"],
                "band": _float_or_none(r["band_pp"]),
                "green": _float_or_none(r["green_pp"]),
                "amber": _float_or_none(r["amber_pp"]),
                "deadline": r["deadline"],
                "start": r["plan_start"],
                "source": r["source"],
                "note": r["note"],
            },
        )


def _seed_progress_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the glide-path thresholds and baseline year from the reference file, where empty."""
    for r in reference_rows("targets"):
        con.execute(
            """UPDATE targets SET glide_green_pp = coalesce(glide_green_pp, $green),
                   glide_amber_pp = coalesce(glide_amber_pp, $amber),
                   baseline_year = coalesce(baseline_year, $year)
               WHERE indicator = $indicator""",
            {
                "indicator": r["indicator"],
                "green": _float_or_none(r["glide_green_pp"]),
                "amber": _float_or_none(r["glide_amber_pp"]),
                "year": int(r["baseline_year"]) if r["baseline_year"] else None,
            },
        )


def _seed_reward_settings(con: duckdb.DuckDBPyConnection) -> None:
    """The reward rules' defaults from kpi/reference/rewards.csv, for keys not set yet."""
    for r in reference_rows("rewards"):
        con.execute(
            """INSERT INTO reward_settings SELECT $key, $value, now(), 'reference'
               WHERE NOT EXISTS (SELECT 1 FROM reward_settings WHERE key = $key)""",
            {"key": r["key"], "value": r["value"]},
        )


def _float_or_none(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def replace_clusters(con: duckdb.DuckDBPyConnection, clusters: pd.DataFrame, replace: bool = True) -> None:
    """Upsert the taxonomy (code, name, name_en, tier, group, confirmed); `replace` drops others."""
    frame = clusters.assign(sort=range(len(clusters)))[
        ["code", "name", "name_en", "tier", "group", "confirmed", "sort"]
    ].copy()
    frame["confirmed"] = frame["confirmed"].map(
        lambda v: str(v).strip().lower() in ("true", "1", "yes", "是", "y")
    )
    con.register("incoming_clusters", frame)
    try:
        if replace:
            con.execute("DELETE FROM clusters")
        con.execute(
            """INSERT OR REPLACE INTO clusters
               SELECT code, name, name_en, tier, "group", confirmed, sort FROM incoming_clusters"""
        )
    finally:
        con.unregister("incoming_clusters")


# ---------------------------------------------------------------- uploads and revisions


def _failpoint(name: str) -> None:
    """Fault injection for the crash tests: KPI_FAILPOINT=NAME pauses here so a test can kill us."""
    if os.environ.get("KPI_FAILPOINT") == name:
        print(f"KPI_FAILPOINT {name}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("KPI_FAILPOINT_SLEEP", "60")))


def new_upload(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    file_name: str,
    sha256: str,
    encoding: str | None,
    uploaded_by: str | None,
    is_demo: bool = False,
) -> int:
    return int(
        con.execute(
            """INSERT INTO uploads (id, kind, file_name, sha256, encoding, uploaded_at, uploaded_by,
                                    status, is_demo)
               VALUES (nextval('upload_id_seq'), $kind, $file, $sha, $enc, now(), $by, 'committed', $demo)
               RETURNING id""",
            {
                "kind": kind,
                "file": file_name,
                "sha": sha256,
                "enc": encoding,
                "by": uploaded_by or _whoami(),
                "demo": is_demo,
            },
        ).fetchall()[0][0]
    )


def _whoami() -> str:
    try:
        return os.getlogin()
    except OSError:
        return os.environ.get("USER") or "unknown"


def store_issues(con: duckdb.DuckDBPyConnection, upload_id: int, issues: pd.DataFrame) -> None:
    """issues: severity, line, column_name, code, message_zh, message_en."""
    if issues.empty:
        return
    con.register("incoming_issues", issues)
    try:
        con.execute(
            """INSERT INTO upload_issues
               SELECT $id, severity, line, column_name, code, message_zh, message_en FROM incoming_issues""",
            {"id": upload_id},
        )
    finally:
        con.unregister("incoming_issues")


def count_current(con: duckdb.DuckDBPyConnection, table: str, incoming: str, key: tuple[str, ...]) -> int:
    """How many keys of the registered frame `incoming` already have a current row in `table`."""
    return int(
        con.execute(
            f"SELECT count(*) FROM {table} t JOIN {incoming} i USING ({', '.join(key)}) WHERE t.is_current"  # noqa: S608 - fixed identifiers
        ).fetchall()[0][0]
    )


def supersede(
    con: duckdb.DuckDBPyConnection,
    table: str,
    incoming: str,
    key: tuple[str, ...],
    *,
    keep_upload: int | None = None,
) -> None:
    """Current rows of `table` whose key is in `incoming` stop counting (history is kept).

    `keep_upload` spares the rows that upload has just inserted (when the insert has to read the
    previous version first, as the register's does)."""
    match = " AND ".join(f"{table}.{k} = i.{k}" for k in key)
    con.execute(
        f"""UPDATE {table} SET is_current = false FROM {incoming} i
            WHERE {table}.is_current AND ($keep IS NULL OR {table}.upload_id <> $keep) AND {match}""",  # noqa: S608 - fixed identifiers
        {"keep": keep_upload},
    )


def write_stats(con: duckdb.DuckDBPyConnection, upload_id: int, rows: pd.DataFrame | str) -> tuple[int, int]:
    """Insert validated rows as a new vintage; older vintages of the same keys stop counting.

    `rows` is a frame or the name of a temp table (kpi.stat_checks.ROWS) with the columns line,
    period, year, quarter, region, cluster and the values. Runs inside the caller's transaction.
    Returns (new rows, revised rows).
    """
    if isinstance(rows, str):
        return _write_stats_from(con, upload_id, rows)
    con.register("incoming_stats", rows)
    try:
        return _write_stats_from(con, upload_id, "incoming_stats")
    finally:
        con.unregister("incoming_stats")


def _write_stats_from(con: duckdb.DuckDBPyConnection, upload_id: int, incoming: str) -> tuple[int, int]:
    # The keys carry their year and quarter, and stat_values lies in period order: constant
    # bounds on both let DuckDB skip every row group outside the file's quarters, so superseding
    # 100,000 rows reads those quarters, not the whole history. The join on the key is the exact
    # match; each key has at most one current row, so the rows updated are the rows revised.
    bounds = con.execute(
        f"SELECT count(*), min(year), max(year), min(quarter), max(quarter) FROM {incoming}"  # noqa: S608 - our own name
    ).fetchall()[0]
    if not bounds[0]:
        return 0, 0
    revised = con.execute(
        f"""UPDATE stat_values SET is_current = false FROM {incoming} i
            WHERE stat_values.is_current
              AND stat_values.year BETWEEN $y0 AND $y1 AND stat_values.quarter BETWEEN $q0 AND $q1
              AND stat_values.period = i.period AND stat_values.region = i.region
              AND stat_values.cluster = i.cluster""",  # noqa: S608 - our own name
        {"y0": bounds[1], "y1": bounds[2], "q0": bounds[3], "q1": bounds[4]},
    ).fetchall()[0][0]
    cols = ", ".join(STAT_VALUE_COLUMNS)  # identifiers from kpi.definitions only
    con.execute(
        f"""INSERT INTO stat_values
            SELECT $id, line, period, year, quarter, region, cluster, {cols}, true
            FROM {incoming} ORDER BY line""",  # noqa: S608 - column names come from definitions
        {"id": upload_id},
    )
    return int(bounds[0]) - int(revised), int(revised)


def write_platforms(
    con: duckdb.DuckDBPyConnection,
    upload_id: int,
    rows: pd.DataFrame,
    *,
    explicit: bool = False,
    today: dt.date | None = None,
) -> tuple[int, int]:
    """Insert a new version of each platform in `rows`; the previous versions stop counting.

    The register file does not carry the national support amount, and its revocation date is
    optional, so an upload keeps them from the previous version: a revoked row without a date
    keeps the date it had, or, when the platform was not revoked before, gets `today` (the day
    the register learnt of it); a platform first seen revoked has no known date (it never
    counts). `explicit` (a form edit) stores the row's own `revoked_on` and `national_support`.
    """
    frame = rows.copy()
    for column in ("revoked_on", "national_support"):
        if column not in frame.columns:
            frame[column] = None
    con.register("incoming_platforms", frame)
    try:
        revised = count_current(con, "platform_versions", "incoming_platforms", PLATFORM_KEY)
        con.execute(
            """INSERT INTO platform_versions (upload_id, line, name, host, region, clusters, level,
                   build_model, recognised_on, status, is_current, revoked_on, national_support)
               SELECT $id, i.line, i.name, i.host, i.region, i.clusters, i.level, i.build_model,
                      i.recognised_on, i.status, true,
                      CASE WHEN $explicit THEN CAST(i.revoked_on AS DATE)
                           WHEN i.status <> 'revoked' THEN NULL
                           WHEN i.revoked_on IS NOT NULL THEN CAST(i.revoked_on AS DATE)
                           WHEN p.status = 'revoked' THEN p.revoked_on
                           WHEN p.name IS NOT NULL THEN CAST($today AS DATE)
                      END,
                      CASE WHEN $explicit THEN CAST(i.national_support AS DOUBLE) ELSE p.national_support END
               FROM incoming_platforms i
               LEFT JOIN (SELECT * FROM platform_versions WHERE is_current) p USING (name, host)""",
            {"id": upload_id, "explicit": explicit, "today": today or dt.date.today()},
        )
        supersede(con, "platform_versions", "incoming_platforms", PLATFORM_KEY, keep_upload=upload_id)
    finally:
        con.unregister("incoming_platforms")
    return len(rows) - revised, revised


def finish_upload(con: duckdb.DuckDBPyConnection, upload_id: int, rows: int, new: int, revised: int) -> None:
    """The upload's counts, and its audit event: every kind of upload ends here, in its transaction."""
    kind, file_name, by, demo = con.execute(
        "UPDATE uploads SET rows = $rows, new_rows = $new, revised_rows = $rev WHERE id = $id "
        "RETURNING kind, file_name, uploaded_by, is_demo",
        {"rows": rows, "new": new, "rev": revised, "id": upload_id},
    ).fetchall()[0]
    action = audit.Action.TAXONOMY_CHANGE if kind == "clusters" else audit.Action.UPLOAD
    audit.record(
        con,
        by,
        action,
        upload_id=upload_id,
        kind=kind,
        file=file_name,
        rows=rows,
        new=new,
        revised=revised,
        demo=bool(demo),
    )


@contextlib.contextmanager
def lean(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's memory capped while the block runs, for the operations that read the whole
    statistics history (a statistics upload checks each series against its past): by default
    DuckDB keeps every block it has read, 1.5 GB of an 11-million-row history, where 200 MB of
    buffers serve the same queries as fast (blocks are read once each). Operators that need
    more spill to the database's temp directory instead of failing."""
    try:
        con.execute("SET memory_limit = '200MB'")
    except duckdb.Error:  # another connection holds more than that now: go on without the cap
        yield
        return
    try:
        yield
    finally:
        con.execute("RESET memory_limit")


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: a failure (or a killed process) before COMMIT leaves no trace."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        _failpoint("before_commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def rollback_upload(
    con: duckdb.DuckDBPyConnection,
    upload_id: int,
    by: str | None = None,
    *,
    viewer: access.Viewer | None = None,
) -> int | None:
    """Withdraw a committed upload: its rows stop counting, the previous vintages count again.

    History is kept (the upload is marked rolled back, nothing is deleted). Returns the number
    of rows withdrawn, or None when there is no such committed upload. A `viewer` without the
    right to roll back gets Forbidden before anything is read.
    """
    access.require(viewer, access.Permission.ROLLBACK)
    by = by or (viewer.username if viewer else None) or _whoami()
    found = con.execute(
        "SELECT kind FROM uploads WHERE id = $id AND status = 'committed'", {"id": upload_id}
    ).fetchall()
    if not found or found[0][0] not in ROLLBACK_KINDS:
        return None  # a taxonomy upload replaces reference data: it has no earlier vintage to restore
    kind = found[0][0]
    table, key = (
        ("stat_values", STAT_KEY)
        if kind in ("stats", "demo")
        else ("platform_reviews", REVIEW_KEY)
        if kind in REVIEW_KINDS
        else ("platform_versions", PLATFORM_KEY)
    )
    on = " AND ".join(f"t.{k} = k.{k}" for k in key)
    keys = ", ".join(key)
    with transaction(con):
        con.execute(
            "UPDATE uploads SET status = 'rolled_back', rolled_back_at = now(), rolled_back_by = $by "
            "WHERE id = $id",
            {"id": upload_id, "by": by},
        )
        n = con.execute(
            f"SELECT count(*) FROM {table} WHERE upload_id = $id",  # noqa: S608 - fixed identifiers
            {"id": upload_id},
        ).fetchall()[0][0]
        audit.record(con, by, audit.Action.ROLLBACK, upload_id=upload_id, kind=kind, rows=int(n))
        # recompute the current vintage of every key the upload touched; a key with no other
        # committed vintage has best = NULL and simply stops counting
        con.execute(
            f"""UPDATE {table} AS t SET is_current = coalesce(t.upload_id = k.best, false)
                FROM (SELECT {keys}, max(CASE WHEN u.status = 'committed' THEN s.upload_id END) AS best
                      FROM {table} s JOIN uploads u ON u.id = s.upload_id
                      WHERE ({keys}) IN (SELECT ({keys}) FROM {table} WHERE upload_id = $id)
                      GROUP BY {keys}) k
                WHERE {on}""",  # noqa: S608 - fixed identifiers
            {"id": upload_id},
        )
    return int(n)


def set_target(
    con: duckdb.DuckDBPyConnection,
    indicator: str,
    *,
    value: float | None = None,
    source: str | None = None,
    deadline: dt.date | None = None,
    band_pp: float | None = None,
    by: str | None = None,
    viewer: access.Viewer | None = None,
) -> bool:
    """Change a target (None keeps a field as it is), with its audit event; run it inside the
    caller's transaction. False when there is no such indicator. A `viewer` without the right
    to change targets gets Forbidden."""
    access.require(viewer, access.Permission.MANAGE_TARGETS)
    by = by or (viewer.username if viewer else None) or _whoami()
    fields = "value, source, deadline, band_pp"
    before = con.execute(
        f"SELECT {fields} FROM targets WHERE indicator = $ind",  # noqa: S608 - fixed identifiers
        {"ind": indicator},
    ).fetchall()
    rows = con.execute(
        """UPDATE targets SET value = coalesce($value, value), source = coalesce($source, source),
               deadline = coalesce($deadline, deadline), band_pp = coalesce($band, band_pp),
               updated_at = now(), updated_by = $by
           WHERE indicator = $ind RETURNING indicator""",
        {
            "value": value,
            "source": source,
            "deadline": deadline,
            "band": band_pp,
            "by": by,
            "ind": indicator,
        },
    ).fetchall()
    if rows:
        after = con.execute(
            f"SELECT {fields} FROM targets WHERE indicator = $ind",  # noqa: S608 - fixed identifiers
            {"ind": indicator},
        ).fetchall()
        old, new = (dict(zip(fields.split(", "), r[0], strict=True)) for r in (before, after))
        changed = [k for k in new if new[k] != old[k]]
        audit.record(
            con,
            by,
            audit.Action.TARGET_CHANGE,
            indicator=indicator,
            before={k: old[k] for k in changed},
            after={k: new[k] for k in changed},
        )
    return bool(rows)


def data_version(path: str | os.PathLike[str] | None = None) -> tuple[int, ...]:
    """A cheap fingerprint that changes whenever any process writes the database (for caches):
    the modification time, size and inode of the file and of its WAL. The size guards against
    two commits within one tick of a coarse file-system clock; the inode against a file replaced
    by another (a restored backup) with the same time."""
    p = db_path(path)
    out: list[int] = []
    for f in (p, p.with_name(p.name + ".wal")):
        try:
            st = f.stat()
        except FileNotFoundError:
            out += [0, 0, 0]
        else:
            out += [st.st_mtime_ns, st.st_size, st.st_ino]
    return tuple(out)


__all__ = ["CITY_CODE", "SCHEMA_VERSION", "connect", "db_path", "migrate"]
