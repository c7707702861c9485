"""Quarterly progress reports on the plan's tasks: the progress file (CSV) and the page's form,
with the same guarantees as a statistics file (kpi.ingest's reader and report): every problem
with its line and column, one transaction or nothing.

Progress file (CSV in UTF-8, UTF-8 with BOM or GBK/GB18030; headers in Chinese or English, case
and spaces ignored), one row per task × accountable unit × quarter:

| field | headers | content |
|---|---|---|
| code | 任务编号, 任务代码, 编号, task, task_code, code | `二(一)2` (full-width brackets too) |
| unit | 责任单位, 单位, unit, department | one of the task's accountable units, e.g. 市发展改革委 (the English name, or the name without 市, also) |
| period | 报告期, 报送期, 季度, period, quarter | a quarter that has ended, from the plan's first (2025Q3, 2025年三季度, 2025-Q3) |
| progress | 完成进度(%), 完成进度, progress (%), progress | percent of the task's 2027 deliverable, 0–100 (45, 45.5 or 45%) |
| achievements | 进展情况, 工作进展, achievements, progress made | what was done (required) |
| problems | 存在问题, 问题, problems, issues | may be empty |
| next_steps | 下步打算, 下一步打算, 下步计划, next steps | may be empty |
| evidence | 佐证材料, 佐证, evidence | optional column: a link or a document's name |

A report for a task × unit × quarter that exists already is a revision: it counts from then on,
the earlier one stays in the history with the upload that brought it. A department (责任单位
reporter) may report its own unit's rows only; statisticians and administrators any unit's.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

import duckdb
import pandas as pd

from kpi.ingest.csvfile import LINE, parse_numbers, read_table, resolve_columns
from kpi.ingest.guard import guarded
from kpi.ingest.report import Issue, Report
from kpi.ingest.result import Checked, IngestResult, flag, issues_frame
from kpi.model.definitions import Field
from kpi.model.periods import from_code, parse_periods, refusal
from kpi.model.roles import Permission, Viewer, require, task_unit_scope
from kpi.model.tasks import normalise_code
from kpi.progress.tasks import first_quarter, has_ended
from kpi.store import connection, writes
from kpi.store import tasks as store
from kpi.tasks import catalog

TEXT_LIMIT = 1000
KIND_FILE, KIND_FORM = store.REPORT_KINDS

PROGRESS_FIELDS: tuple[Field, ...] = (
    Field(
        "code",
        ("任务编号", "任务代码", "编号", "task", "task_code", "code"),
        label_zh="任务编号",
        label_en="task",
    ),
    Field("unit", ("责任单位", "单位", "unit", "department"), label_zh="责任单位", label_en="unit"),
    Field("period", ("报告期", "报送期", "季度", "period", "quarter"), label_zh="报告期", label_en="period"),
    Field(
        "progress",
        ("完成进度(%)", "完成进度", "进度(%)", "progress(%)", "progress", "progress_pct", "percent_complete"),
        label_zh="完成进度(%)",
        label_en="progress (%)",
    ),
    Field(
        "achievements",
        ("进展情况", "工作进展", "achievements", "progress_made", "progressmade"),
        label_zh="进展情况",
        label_en="achievements",
    ),
    Field("problems", ("存在问题", "问题", "problems", "issues"), label_zh="存在问题", label_en="problems"),
    Field(
        "next_steps",
        ("下步打算", "下一步打算", "下步计划", "next_steps", "nextsteps", "plans"),
        label_zh="下步打算",
        label_en="next steps",
    ),
    Field(
        "evidence", ("佐证材料", "佐证", "evidence"), required=False, label_zh="佐证材料", label_en="evidence"
    ),
)
TEXT_FIELDS = ("achievements", "problems", "next_steps", "evidence")
HEADER_ZH = [f.label_zh for f in PROGRESS_FIELDS]


def _unit_lookup(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Spelling → unit name: the name, its English name (case ignored), the name without 市."""
    out: dict[str, str] = {}
    for r in store.departments(con).itertuples():
        out[str(r.name)] = str(r.name)
        out[str(r.name).removeprefix("市")] = str(r.name)
        if isinstance(r.name_en, str) and r.name_en:
            out[r.name_en.strip().lower()] = str(r.name)
    return out


@guarded(Checked)
def check_progress(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    viewer: Viewer | None = None,
    today: dt.date | None = None,
) -> Checked:
    """Validate a progress file: every problem with its line and column; never writes. A viewer
    needs the right to report (Forbidden); a department's rows of another unit are problems."""
    require(viewer, Permission.REPORT_TASKS)
    report = Report(file_name)
    sha = hashlib.sha256(data).hexdigest()
    frame = read_table(data, report)
    if frame is None:
        return Checked(report, None, sha)
    cols = resolve_columns([c for c in frame.columns if c != LINE], PROGRESS_FIELDS, report)
    if not report.ok:
        return Checked(report, None, sha, cols)
    lines = frame[LINE]
    report.rows = len(frame)
    on = today or dt.date.today()
    rules = catalog.rules(con)
    units_of = catalog.accountable(con)

    def raw(name: str) -> pd.Series:
        return frame[cols[name].header] if name in cols else pd.Series("", index=frame.index)

    def header(name: str) -> str:
        return cols[name].header

    for name in ("code", "unit", "period", "progress", "achievements"):
        flag(report, raw(name) == "", lines, "MISSING_VALUE", header(name), field=header(name))
    code = raw("code").map(normalise_code)
    known_code = code.isin(list(units_of))
    flag(report, (code != "") & ~known_code, lines, "UNKNOWN_TASK", header("code"), value=raw("code"))
    lookup = _unit_lookup(con)
    unit = raw("unit").map(lambda v: lookup.get(v, lookup.get(v.lower())))
    known_unit = unit.notna()
    flag(
        report,
        (raw("unit") != "") & ~known_unit,
        lines,
        "UNKNOWN_TASK_UNIT",
        header("unit"),
        value=raw("unit"),
    )
    for idx in frame.index[known_code & known_unit]:  # a loop over a small file
        task_units = units_of[code[idx]]
        if unit[idx] not in task_units:
            report.error(
                "UNIT_NOT_ACCOUNTABLE",
                int(lines[idx]),
                header("unit"),
                unit=unit[idx],
                task=code[idx],
                units="、".join(task_units),
            )
    own = task_unit_scope(viewer)
    if own is not None:
        assert viewer is not None
        others = known_unit & (unit != own)
        flag(report, others, lines, "NOT_YOUR_UNIT", header("unit"), user=viewer.username, own=own, unit=unit)

    period = parse_periods(raw("period"))
    bad_period = (raw("period") != "") & period.isna()
    for idx in frame.index[bad_period]:
        value = raw("period")[idx]
        report.error("UNKNOWN_PERIOD", int(lines[idx]), header("period"), value=value, refused=refusal(value))
    first = first_quarter(rules)
    for idx in frame.index[period.notna()]:
        p = from_code(str(period[idx]))
        if not has_ended(p, on):
            report.error(
                "TASK_PERIOD_NOT_ENDED", int(lines[idx]), header("period"), value=p.code, today=on.isoformat()
            )
        elif p < first:
            report.error(
                "PERIOD_BEFORE_PLAN",
                int(lines[idx]),
                header("period"),
                value=p.code,
                start=rules.plan_start.isoformat(),
                first=first.code,
            )

    percent, not_number = parse_numbers(raw("progress").str.replace(r"[%％]\s*$", "", regex=True))
    bad_percent = (raw("progress") != "") & (not_number | (percent < 0) | (percent > 100)).fillna(True)
    flag(report, bad_percent, lines, "BAD_PERCENT", header("progress"), value=raw("progress"))
    for name in TEXT_FIELDS:
        if name in cols:
            length = raw(name).str.len()
            flag(
                report,
                length > TEXT_LIMIT,
                lines,
                "TEXT_TOO_LONG",
                header(name),
                field=header(name),
                length=length,
                limit=TEXT_LIMIT,
            )

    rows = pd.DataFrame(
        {
            "line": lines.astype("int64"),
            "code": code,
            "unit": unit.astype("string"),
            "period": period,
            "progress": (percent / 100).astype("Float64"),
            **{name: raw(name).where(raw(name) != "", None) for name in TEXT_FIELDS},
        }
    )
    keyed = known_code & known_unit & period.notna()
    dup = rows.duplicated(["code", "unit", "period"], keep="first") & keyed
    first_line = rows.groupby(["code", "unit", "period"], dropna=False)["line"].transform("min")
    key = code + " × " + unit.fillna("") + " × " + period.fillna("")
    flag(report, dup, lines, "DUPLICATE_REPORT", None, first=first_line, key=key)
    if not report.ok:
        return Checked(report, None, sha, cols)
    _warn_decreases(con, rows, report, header("progress"))
    return Checked(report, rows.reset_index(drop=True), sha, cols)


def _warn_decreases(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, report: Report, column: str) -> None:
    """A warning where a report's progress is below the unit's report for an earlier quarter
    (stored, or earlier in the file): self-assessed progress seldom goes backwards."""
    key = ["code", "unit", "period"]
    stored = store.reports(con)[[*key, "progress"]]
    mine = rows[[*key, "progress"]]
    revised = stored.set_index(key).index.isin(mine.set_index(key).index)  # the file's value counts
    both = pd.concat([stored[~revised], mine])
    for r in rows.itertuples():
        earlier = both[(both["code"] == r.code) & (both["unit"] == r.unit) & (both["period"] < r.period)]
        if earlier.empty:
            continue
        last = earlier.sort_values("period").iloc[-1]
        if float(r.progress) < float(last["progress"]) - 1e-9:
            report.warn(
                "PROGRESS_DECREASE",
                int(r.line),
                column,
                value=f"{float(r.progress) * 100:g}",
                previous=f"{float(last['progress']) * 100:g}",
                previous_period=last["period"],
            )


def _store(
    con: duckdb.DuckDBPyConnection,
    checked: Checked,
    *,
    kind: str,
    file_name: str | None,
    by: str,
    is_demo: bool,
) -> IngestResult:
    assert checked.rows is not None
    with connection.transaction(con):
        uid = writes.new_upload(
            con,
            kind=kind,
            file_name=file_name,  # type: ignore[arg-type]
            sha256=checked.sha256 if file_name else None,  # type: ignore[arg-type]
            encoding=checked.report.encoding if file_name else None,
            uploaded_by=by,
            is_demo=is_demo,
        )
        new, revised = store.write_reports(
            con, uid, checked.rows.astype(object).where(checked.rows.notna(), None)
        )
        writes.store_issues(con, uid, issues_frame(checked.report.warnings))
        writes.finish_upload(con, uid, len(checked.rows), new, revised)
    return IngestResult(checked.report, uid, len(checked.rows), new, revised)


@guarded(IngestResult)
def ingest_progress(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str | None = None,
    viewer: Viewer | None = None,
    is_demo: bool = False,
    today: dt.date | None = None,
) -> IngestResult:
    """Validate and store a progress file in one transaction, or store nothing."""
    checked = check_progress(con, data, file_name, viewer=viewer, today=today)
    if checked.rows is None:
        return IngestResult(checked.report)
    by = uploaded_by or (viewer.username if viewer else None) or writes._whoami()
    return _store(con, checked, kind=KIND_FILE, file_name=file_name, by=by, is_demo=is_demo)


def form_csv(
    code: str,
    unit: str,
    period: str,
    progress: float | str | None,
    achievements: str,
    problems: str = "",
    next_steps: str = "",
    evidence: str = "",
) -> bytes:
    """One report as a progress file (the form goes through the file's checks)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER_ZH)
    value = "" if progress is None else f"{float(progress):g}" if not isinstance(progress, str) else progress
    writer.writerow([code, unit, period, value, achievements, problems, next_steps, evidence])
    return out.getvalue().encode("utf-8")


def record_report(
    con: duckdb.DuckDBPyConnection,
    code: str,
    unit: str,
    period: str,
    progress: float | None,
    achievements: str,
    problems: str = "",
    next_steps: str = "",
    evidence: str = "",
    *,
    by: str | None = None,
    viewer: Viewer | None = None,
    today: dt.date | None = None,
) -> tuple[int | None, list[Issue]]:
    """One report entered on the form (upload kind `progress_form`), checked as a one-row file.
    Returns (upload id, []) or (None, the problems); a revision when the quarter has a report."""
    data = form_csv(
        code,
        unit,
        period,
        progress,
        achievements.strip(),
        problems.strip(),
        next_steps.strip(),
        evidence.strip(),
    )
    checked = check_progress(con, data, "", viewer=viewer, today=today)
    if checked.rows is None:
        return None, checked.report.errors
    actor = by or (viewer.username if viewer else None) or writes._whoami()
    result = _store(con, checked, kind=KIND_FORM, file_name=None, by=actor, is_demo=False)
    return result.upload_id, []


def template(units_of: dict[str, tuple[str, ...]], period: str, unit: str | None = None) -> pd.DataFrame:
    """A progress file to fill in: one row per task × unit (a department's own unit only)."""
    rows = [
        {
            "任务编号": code,
            "责任单位": u,
            "报告期": period,
            "完成进度(%)": "",
            "进展情况": "",
            "存在问题": "",
            "下步打算": "",
            "佐证材料": "",
        }
        for code, units in units_of.items()
        for u in units
        if unit is None or u == unit
    ]
    return pd.DataFrame(rows, columns=[*HEADER_ZH])
