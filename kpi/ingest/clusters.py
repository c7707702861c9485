"""The 135N cluster taxonomy file: checked with the same guarantees as statistics, then stored."""

from __future__ import annotations

import hashlib

import duckdb
import pandas as pd

from kpi.ingest.csvfile import LINE, read_table, resolve_columns
from kpi.ingest.guard import guarded
from kpi.ingest.report import Report
from kpi.ingest.result import Checked, IngestResult, flag
from kpi.model import roles
from kpi.model.definitions import (
    Field,
)
from kpi.store import connection, schema, writes
from kpi.store.reference import fold_series

# ---------------------------------------------------------------- cluster taxonomy

_TAXONOMY_FIELDS: tuple[Field, ...] = (
    Field("code", ("代码", "集群代码", "code")),
    Field("name", ("名称", "集群名称", "name")),
    Field("name_en", ("英文名称", "name_en"), required=False),
    Field("tier", ("层级", "tier")),
    Field("group", ("类别", "分组", "group")),
    Field("confirmed", ("已确认", "confirmed"), required=False),
)
_GROUPS = {
    "traditional": "traditional",
    "emerging": "emerging",
    "future": "future",
    "传统": "traditional",
    "传统产业": "traditional",
    "新兴": "emerging",
    "新兴产业": "emerging",
    "未来": "future",
    "未来产业": "future",
}
_BOOLS = {
    "true": True,
    "false": False,
    "1": True,
    "0": False,
    "yes": True,
    "no": False,
    "是": True,
    "否": False,
    "": False,
}


@guarded(Checked)
def check_clusters(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, replace: bool) -> Checked:
    report = Report(file_name)
    sha = hashlib.sha256(data).hexdigest()
    frame = read_table(data, report)
    if frame is None:
        return Checked(report, None, sha)
    cols = resolve_columns([c for c in frame.columns if c != LINE], _TAXONOMY_FIELDS, report)
    if not report.ok:
        return Checked(report, None, sha, cols)
    lines = frame[LINE]
    report.rows = len(frame)

    def raw(name: str) -> pd.Series:
        return frame[cols[name].header] if name in cols else pd.Series("", index=frame.index)

    out = pd.DataFrame({"code": raw("code"), "name": raw("name"), "name_en": raw("name_en")})
    for name in ("code", "name"):
        flag(report, raw(name) == "", lines, "MISSING_VALUE", cols[name].header, field=cols[name].header)
    tier = raw("tier").str.upper()
    flag(report, ~tier.isin(["1", "3", "5", "N"]), lines, "BAD_TIER", cols["tier"].header, value=raw("tier"))
    group = fold_series(raw("group")).map(_GROUPS)
    flag(report, group.isna(), lines, "BAD_GROUP", cols["group"].header, value=raw("group"))
    confirmed = fold_series(raw("confirmed")).map(_BOOLS)
    if "confirmed" in cols:
        flag(report, confirmed.isna(), lines, "BAD_BOOL", cols["confirmed"].header, value=raw("confirmed"))
    dup = out["code"].duplicated(keep="first") & (out["code"] != "")
    first = lines.groupby(out["code"]).transform("min")
    flag(report, dup, lines, "DUPLICATE_CLUSTER", cols["code"].header, value=out["code"], first=first)
    out["tier"], out["group"], out["confirmed"] = tier, group, confirmed.fillna(False)
    if replace and report.ok:
        _check_drop(con, set(out["code"]), report)
    if not report.ok:
        return Checked(report, None, sha, cols)
    return Checked(report, out.reset_index(drop=True), sha, cols)


def _check_drop(con: duckdb.DuckDBPyConnection, keep: set[str], report: Report) -> None:
    used = con.execute(
        """SELECT cluster, 'statistics' AS what, count(*) FROM stat_values WHERE is_current AND cluster <> 'ALL'
           GROUP BY ALL
           UNION ALL
           SELECT c, 'platforms', count(*) FROM (SELECT unnest(clusters) AS c FROM platform_versions
                                                 WHERE is_current) GROUP BY ALL"""
    ).fetchall()
    for code, what, n in sorted(used):
        if code not in keep:
            report.error("CLUSTER_IN_USE", None, "code", value=code, uses=f"{what}: {n}")


@guarded(IngestResult)
def ingest_clusters(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    replace: bool = False,
    uploaded_by: str | None = None,
    viewer: roles.Viewer | None = None,
) -> IngestResult:
    """Load a taxonomy file in one transaction, or nothing; Forbidden first for a `viewer` who
    may not change the taxonomy (administrators only)."""
    roles.require(viewer, roles.Permission.MANAGE_TAXONOMY)
    uploaded_by = uploaded_by or (viewer.username if viewer else None)
    checked = check_clusters(con, data, file_name, replace)
    if checked.rows is None:
        return IngestResult(checked.report)
    with connection.transaction(con):
        uid = writes.new_upload(
            con,
            kind="clusters",
            file_name=file_name,
            sha256=checked.sha256,
            encoding=checked.report.encoding,
            uploaded_by=uploaded_by,
        )
        schema.replace_clusters(con, checked.rows, replace=replace)
        writes.finish_upload(con, uid, len(checked.rows), len(checked.rows), 0)
    return IngestResult(checked.report, uid, len(checked.rows), len(checked.rows), 0)
