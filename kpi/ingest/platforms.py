"""The pilot-platform register file: ingestion with the same guarantees as statistics."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import duckdb
import pandas as pd

from kpi.ingest.csvfile import LINE, read_table, resolve_columns
from kpi.ingest.guard import guarded
from kpi.ingest.report import Report
from kpi.ingest.result import Checked, IngestResult, flag, issues_frame
from kpi.model import roles
from kpi.model.characters import ascii_forms
from kpi.model.definitions import (
    BUILD_MODEL_WORDS,
    LEVEL_WORDS,
    NAME_LIMIT,
    PLATFORM_DATES_FROM,
    PLATFORM_FIELDS,
    PLATFORM_SEPARATORS,
    PLATFORM_STATUS_WORDS,
)
from kpi.store import connection, writes
from kpi.store.reference import cluster_lookup, fold, fold_series, region_lookup

# digits 0-9 only (full-width forms read as ASCII first): `\d` would take ٢٠٢٥ for a year
_DATE_RE = re.compile(
    r"(?P<y>[0-9]{4})\s*[-/.年]\s*(?P<m>[0-9]{1,2})\s*(?:[-/.月]\s*(?:(?P<d>[0-9]{1,2})\s*日?)?)?"
)


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`2025-06-30`, `2025/6/30`, `2025年6月30日`, `2025-06` → dates; (dates, mask of bad cells).

    Each distinct cell is read once, by the calendar of the standard library: a day that does not
    exist (2025-02-30, year 0) is a bad cell, never an exception; whether a real date is
    plausible is the caller's question (`out_of_range`)."""
    text = values.astype("string").fillna("").str.strip()
    distinct = {v: _date(v) for v in text.unique()}
    dates = pd.Series([distinct[v] for v in text], index=values.index, dtype=object)
    bad = (text != "") & dates.isna()
    return dates.where(dates.notna(), None), bad


def _date(cell: str) -> dt.date | None:
    m = _DATE_RE.fullmatch(ascii_forms(cell).strip())
    if m is None:
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"] or 1))
    except ValueError:
        return None


def out_of_range(dates: pd.Series, today: dt.date) -> pd.Series:
    """Dates before the platform programmes began (PLATFORM_DATES_FROM) or after `today`."""
    return pd.Series(
        [d is not None and not PLATFORM_DATES_FROM <= d <= today for d in dates], index=dates.index
    )


def _check_date(
    report: Report, dates: pd.Series, cell: pd.Series, lines: pd.Series, header: str, today: dt.date
) -> None:
    limits = {"first": PLATFORM_DATES_FROM.isoformat(), "today": today.isoformat()}
    flag(report, out_of_range(dates, today), lines, "DATE_OUT_OF_RANGE", header, value=cell, **limits)


@guarded(Checked)
def check_platforms(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, today: dt.date | None = None
) -> Checked:
    """Validate a register file (never writes): every problem with its line. Dates after
    `today` (default: the real date) have not happened."""
    today = today or dt.date.today()
    report = Report(file_name)
    sha = hashlib.sha256(data).hexdigest()
    frame = read_table(data, report)
    if frame is None:
        return Checked(report, None, sha)
    cols = resolve_columns([c for c in frame.columns if c != LINE], PLATFORM_FIELDS, report)
    lines = frame[LINE]
    report.rows = len(frame)
    rows = pd.DataFrame({"line": lines.astype("int64")})

    def raw(name: str) -> pd.Series:
        return frame[cols[name].header] if name in cols else pd.Series("", index=frame.index)

    for name in ("name", "host"):
        if name in cols:
            header = cols[name].header
            flag(report, raw(name) == "", lines, "MISSING_VALUE", header, field=header)
            length = raw(name).str.len()
            too_long = length > NAME_LIMIT
            flag(
                report,
                too_long,
                lines,
                "TEXT_TOO_LONG",
                header,
                field=header,
                length=length,
                limit=NAME_LIMIT,
            )
            rows[name] = raw(name)
    if "region" in cols:
        region = fold_series(raw("region")).map(region_lookup(con)).astype("string")
        flag(report, region.isna(), lines, "UNKNOWN_REGION", cols["region"].header, value=raw("region"))
        rows["region"] = region
    if "clusters" in cols:
        lookup = {k: v for k, v in cluster_lookup(con).items() if v != "ALL"}
        parts = raw("clusters").str.split(PLATFORM_SEPARATORS, regex=True).explode().str.strip()
        parts = parts[parts != ""]
        codes = fold_series(parts).map(lookup)
        unknown = codes.isna()
        for idx, value in parts[unknown].items():  # problems only
            report.error("UNKNOWN_CLUSTER", int(lines.loc[idx]), cols["clusters"].header, value=value)
        listed = codes.dropna().groupby(level=0).agg(lambda s: sorted(set(s)))
        rows["clusters"] = listed.reindex(frame.index)
        empty = rows["clusters"].isna() & ~frame.index.isin(parts[unknown].index)
        flag(report, empty, lines, "MISSING_VALUE", cols["clusters"].header, field=cols["clusters"].header)
    rows["level"] = _words(
        report, raw("level"), LEVEL_WORDS, lines, cols.get("level"), "UNKNOWN_LEVEL", required=True
    )
    rows["build_model"] = _words(
        report, raw("build_model"), BUILD_MODEL_WORDS, lines, cols.get("build_model"), "UNKNOWN_BUILD_MODEL"
    )
    rows["status"] = _words(
        report, raw("status"), PLATFORM_STATUS_WORDS, lines, cols.get("status"), "UNKNOWN_STATUS"
    ).fillna("running")
    dates, bad = parse_dates(raw("recognised_on"))
    if "recognised_on" in cols:
        flag(report, bad, lines, "BAD_DATE", cols["recognised_on"].header, value=raw("recognised_on"))
        _check_date(report, dates, raw("recognised_on"), lines, cols["recognised_on"].header, today)
    rows["recognised_on"] = dates
    revoked, bad = parse_dates(raw("revoked_on"))
    if "revoked_on" in cols:
        header = cols["revoked_on"].header
        flag(report, bad, lines, "BAD_DATE", header, value=raw("revoked_on"))
        _check_date(report, revoked, raw("revoked_on"), lines, header, today)
        dated = revoked.notna()
        flag(report, dated & (rows["status"] != "revoked"), lines, "REVOKED_ON_NOT_REVOKED", header)
        before = pd.Series(
            [bool(r and d and r < d) for r, d in zip(revoked, dates, strict=True)], index=frame.index
        )
        flag(report, before, lines, "REVOKED_BEFORE_RECOGNISED", header, value=raw("revoked_on"))
    rows["revoked_on"] = revoked
    if "status" in cols:  # not refused: said, with the date kpi.store.writes.write_platforms gives
        undated = (rows["status"] == "revoked") & revoked.isna() & ~bad
        for idx in undated[undated].index:  # warnings only
            report.warn("REVOKED_WITHOUT_DATE", int(lines.loc[idx]), cols["status"].header)

    if {"name", "host"} <= set(rows.columns):
        keyed = rows[(rows["name"] != "") & (rows["host"] != "")]
        dup = keyed.duplicated(["name", "host"], keep="first")
        first = keyed.groupby(["name", "host"])["line"].transform("min")
        flag(
            report,
            dup,
            lines,
            "DUPLICATE_PLATFORM",
            None,
            first=first,
            key=keyed["name"] + " / " + keyed["host"],
        )

    if not report.ok:
        return Checked(report, None, sha, cols)
    rows = rows[
        [
            "line",
            "name",
            "host",
            "region",
            "clusters",
            "level",
            "build_model",
            "recognised_on",
            "status",
            "revoked_on",
        ]
    ]
    return Checked(report, rows.reset_index(drop=True), sha, cols)


def _words(
    report: Report,
    values: pd.Series,
    words: dict[str, str],
    lines: pd.Series,
    column: object,
    code: str,
    required: bool = False,
) -> pd.Series:
    folded = {fold(k): v for k, v in words.items()}
    mapped = fold_series(values).map(folded).astype("string")
    if column is None:
        return pd.Series(pd.NA, index=values.index, dtype="string")
    header = column.header  # type: ignore[attr-defined]
    empty = values == ""
    flag(report, mapped.isna() & ~empty, lines, code, header, value=values)
    if required:
        flag(report, empty, lines, "MISSING_VALUE", header, field=header)
    return mapped.where(~empty, pd.NA) if not required else mapped


@guarded(IngestResult)
def ingest_platforms(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str | None = None,
    is_demo: bool = False,
    viewer: roles.Viewer | None = None,
    today: dt.date | None = None,
) -> IngestResult:
    """Validate and store the register in one transaction, or nothing; Forbidden first for a
    `viewer` without the right to upload."""
    roles.require(viewer, roles.Permission.UPLOAD)
    uploaded_by = uploaded_by or (viewer.username if viewer else None)
    checked = check_platforms(con, data, file_name, today)
    if checked.rows is None:
        return IngestResult(checked.report)
    with connection.transaction(con):
        uid = writes.new_upload(
            con,
            kind="platforms",
            file_name=file_name,
            sha256=checked.sha256,
            encoding=checked.report.encoding,
            uploaded_by=uploaded_by,
            is_demo=is_demo,
        )
        new, revised = writes.write_platforms(con, uid, checked.rows, today=today)
        writes.store_issues(con, uid, issues_frame(checked.report.warnings))
        writes.finish_upload(con, uid, len(checked.rows), new, revised)
    return IngestResult(checked.report, uid, len(checked.rows), new, revised)
