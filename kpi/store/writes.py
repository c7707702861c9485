"""All writes of data: uploads, statistics, the register, revisions, rollbacks, targets."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import duckdb
import pandas as pd

from kpi.model import roles
from kpi.model.definitions import MONEY_FIELDS
from kpi.store import audit
from kpi.store.connection import transaction

STAT_KEY = ("period", "region", "cluster")
STAT_VALUE_COLUMNS = (*MONEY_FIELDS, "enterprises")
PLATFORM_KEY = ("name", "host")
REVIEW_KEY = ("name", "host", "year")
REVIEW_KINDS = ("reviews", "review_form")  # upload kinds that write platform_reviews
FIGURE_KINDS = ("platform_figures", "figures_form")  # upload kinds that write platform_figures
TASK_REPORT_KEY = ("code", "unit", "period")
TASK_REPORT_KINDS = ("progress", "progress_form")  # upload kinds that write task_reports (kpi.tasks)
# kinds with earlier vintages to restore (platform_edit: a correction made on the platform page)
ROLLBACK_KINDS = ("stats", "platforms", "platform_edit", *REVIEW_KINDS, *FIGURE_KINDS, *TASK_REPORT_KINDS)


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


def write_stats(
    con: duckdb.DuckDBPyConnection, upload_id: int, rows: pd.DataFrame | str
) -> tuple[int, int, int]:
    """Insert validated rows as a new vintage; older vintages of the same keys stop counting.

    `rows` is a frame or the name of a temp table (kpi.ingest.row_checks.ROWS) with the columns line,
    period, year, quarter, region, cluster and the values. Runs inside the caller's transaction.
    Returns (new rows, revised rows, unchanged rows).

    A row is the unit, as the upload preview counts (kpi.ingest.stats.preview_changes): a row
    whose every value (the money fields and enterprises; empty over empty counts as equal) is the
    stored current one is *unchanged*: nothing is written for it, so the stored vintage keeps
    counting under the upload that brought it and no new vintage repeats it. A row with any
    value changed is a revision and is stored whole as the key's new vintage.
    """
    if isinstance(rows, str):
        return _write_stats_from(con, upload_id, rows)
    con.register("incoming_stats", rows)
    try:
        return _write_stats_from(con, upload_id, "incoming_stats")
    finally:
        con.unregister("incoming_stats")


# the stored current row of a key holds exactly the incoming values (NULL = NULL, as the preview)
_SAME_VALUES = " AND ".join(
    f"stat_values.{c}::DOUBLE IS NOT DISTINCT FROM i.{c}::DOUBLE" for c in STAT_VALUE_COLUMNS
)


def _write_stats_from(con: duckdb.DuckDBPyConnection, upload_id: int, incoming: str) -> tuple[int, int, int]:
    # The keys carry their year and quarter, and stat_values lies in period order: constant
    # bounds on both let DuckDB skip every row group outside the file's quarters, so superseding
    # 100,000 rows reads those quarters, not the whole history. The join on the key is the exact
    # match; each key has at most one current row, so the rows updated are the rows revised.
    bounds = con.execute(
        f"SELECT count(*), min(year), max(year), min(quarter), max(quarter) FROM {incoming}"  # noqa: S608 - our own name
    ).fetchall()[0]
    if not bounds[0]:
        return 0, 0, 0
    params = {"y0": bounds[1], "y1": bounds[2], "q0": bounds[3], "q1": bounds[4]}
    in_bounds = (
        "stat_values.is_current AND stat_values.year BETWEEN $y0 AND $y1 "
        "AND stat_values.quarter BETWEEN $q0 AND $q1 AND stat_values.period = i.period "
        "AND stat_values.region = i.region AND stat_values.cluster = i.cluster"
    )
    # a stored row with any value different stops counting; an identical one stays current
    revised = con.execute(
        f"""UPDATE stat_values SET is_current = false FROM {incoming} i
            WHERE {in_bounds} AND NOT ({_SAME_VALUES})""",  # noqa: S608 - our own names
        params,
    ).fetchall()[0][0]
    cols = ", ".join(STAT_VALUE_COLUMNS)  # identifiers from kpi.model.definitions only
    # what still has a current row now is exactly the unchanged rows: the rest is written
    inserted = con.execute(
        f"""INSERT INTO stat_values
            SELECT $id, line, period, year, quarter, region, cluster, {cols}, true
            FROM {incoming} i
            WHERE NOT EXISTS (SELECT 1 FROM stat_values WHERE {in_bounds})
            ORDER BY line""",  # noqa: S608 - column names come from definitions
        {"id": upload_id, **params},
    ).fetchall()[0][0]
    revised, inserted = int(revised), int(inserted)
    return inserted - revised, revised, int(bounds[0]) - inserted


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


def finish_upload(
    con: duckdb.DuckDBPyConnection,
    upload_id: int,
    rows: int,
    new: int,
    revised: int,
    unchanged: int | None = None,
) -> None:
    """The upload's counts, and its audit event: every kind of upload ends here, in its transaction.

    `unchanged` (statistics): rows identical to the stored ones, neither new nor revised; the
    uploads table keeps rows, new and revised, so unchanged = rows − new − revised there."""
    kind, file_name, by, demo = con.execute(
        "UPDATE uploads SET rows = $rows, new_rows = $new, revised_rows = $rev WHERE id = $id "
        "RETURNING kind, file_name, uploaded_by, is_demo",
        {"rows": rows, "new": new, "rev": revised, "id": upload_id},
    ).fetchall()[0]
    action = audit.Action.TAXONOMY_CHANGE if kind == "clusters" else audit.Action.UPLOAD
    counts = {"rows": rows, "new": new, "revised": revised}
    if unchanged is not None:
        counts["unchanged"] = unchanged
    audit.record(
        con,
        by,
        action,
        upload_id=upload_id,
        kind=kind,
        file=file_name,
        **counts,
        demo=bool(demo),
    )


def _vintage_table(kind: str) -> tuple[str, tuple[str, ...]]:
    if kind in ("stats", "demo"):
        return "stat_values", STAT_KEY
    if kind in REVIEW_KINDS:
        return "platform_reviews", REVIEW_KEY
    if kind in FIGURE_KINDS:
        return "platform_figures", REVIEW_KEY
    if kind in TASK_REPORT_KINDS:
        return "task_reports", TASK_REPORT_KEY
    return "platform_versions", PLATFORM_KEY


@dataclass(frozen=True)
class RollbackEffect:
    """What withdrawing an upload would change, counted in rows (one row = one period × unit ×
    cluster of statistics, or one platform, or one review): `revert` rows count now and would go
    back to an earlier upload's values, `vanish` count now and have no earlier value (they stop
    counting), `superseded` were replaced by a later upload already and change nothing."""

    upload_id: int
    kind: str
    rows: int
    revert: int
    vanish: int
    superseded: int


def rollback_effect(con: duckdb.DuckDBPyConnection, upload_id: int) -> RollbackEffect | None:
    """`rollback_upload`'s effect, read without writing; None when it would do nothing."""
    found = con.execute(
        "SELECT kind FROM uploads WHERE id = $id AND status = 'committed'", {"id": upload_id}
    ).fetchall()
    if not found or found[0][0] not in ROLLBACK_KINDS:
        return None
    kind = found[0][0]
    table, key = _vintage_table(kind)
    keys = ", ".join(key)
    rows, current, with_earlier = con.execute(
        f"""WITH mine AS (SELECT {keys}, is_current FROM {table} WHERE upload_id = $id),
                earlier AS (SELECT DISTINCT {keys} FROM {table} s JOIN uploads u ON u.id = s.upload_id
                            WHERE u.status = 'committed' AND s.upload_id <> $id)
            SELECT count(*), count(*) FILTER (WHERE is_current),
                   count(*) FILTER (WHERE is_current AND ({keys}) IN (SELECT ({keys}) FROM earlier))
            FROM mine""",  # noqa: S608 - fixed identifiers
        {"id": upload_id},
    ).fetchall()[0]
    return RollbackEffect(
        upload_id, kind, int(rows), int(with_earlier), int(current - with_earlier), int(rows - current)
    )


def rollback_upload(
    con: duckdb.DuckDBPyConnection,
    upload_id: int,
    by: str | None = None,
    *,
    viewer: roles.Viewer | None = None,
) -> int | None:
    """Withdraw a committed upload: its rows stop counting, the previous vintages count again.

    History is kept (the upload is marked rolled back, nothing is deleted). Returns the number
    of rows withdrawn, or None when there is no such committed upload. A `viewer` without the
    right to roll back gets Forbidden before anything is read.
    """
    roles.require(viewer, roles.Permission.ROLLBACK)
    by = by or (viewer.username if viewer else None) or _whoami()
    found = con.execute(
        "SELECT kind FROM uploads WHERE id = $id AND status = 'committed'", {"id": upload_id}
    ).fetchall()
    if not found or found[0][0] not in ROLLBACK_KINDS:
        return None  # a taxonomy upload replaces reference data: it has no earlier vintage to restore
    kind = found[0][0]
    table, key = _vintage_table(kind)
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
    viewer: roles.Viewer | None = None,
) -> bool:
    """Change a target (None keeps a field as it is), with its audit event; run it inside the
    caller's transaction. False when there is no such indicator. A `viewer` without the right
    to change targets gets Forbidden."""
    roles.require(viewer, roles.Permission.MANAGE_TARGETS)
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
