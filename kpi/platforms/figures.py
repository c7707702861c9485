"""Annual platform figures (年度服务数据): what each platform did in a year, the evidence its
annual review score is computed from (kpi.platforms.scoring).

One row per platform and year, by upload (same guarantees as every file: UTF-8, UTF-8 with BOM or
GBK; Chinese or English headers; every problem with its line and column; one transaction or
nothing) or by the platforms page's form for a single correction (upload kind `figures_form`).
A new row for the same platform and year is a revision: it counts from then on, the old one
stays with the upload that brought it, and a rollback restores it.

| field | headers | content |
|---|---|---|
| name, host | 平台名称, 依托单位 | as in the register |
| year | 考核年度, 年度 | a year of the platform's life in the register: from the year it entered to the year it was revoked (revoked at an unknown date: none), at most this year |
| served_firms | 服务企业数 | whole number ≥ 0 |
| pilot_projects | 中试服务项目数 | whole number ≥ 0 |
| service_revenue | 中试服务收入(万元) | amount ≥ 0; `(亿元)` or `(元)` in the header converts |
| incubated_firms | 孵化企业数 | whole number ≥ 0 |
| transfers | 成果转化数 | whole number ≥ 0 |
| accreditation | 检验检测资质 | CMA, CNAS, both (CMA+CNAS, 均有) or none (无) |
| standards | 参与制定标准数 | whole number ≥ 0 |
| patents | 专利授权数 | whole number ≥ 0 |

Every cell is required: a platform that did nothing of a kind writes 0 (or 无), so that an empty
cell is never read as a zero nobody reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from kpi.ingest.csvfile import LINE, parse_numbers, read_table, resolve_columns
from kpi.ingest.guard import guarded
from kpi.ingest.report import Report
from kpi.ingest.result import Checked, IngestResult, flag, issues_frame
from kpi.model import roles
from kpi.model.characters import FULL_WIDTH
from kpi.model.definitions import PLATFORM_DATES_FROM, Field
from kpi.platforms.register import as_date, current_register
from kpi.store import connection, writes

KINDS = writes.FIGURE_KINDS  # upload kinds that write platform_figures
COUNT_LIMIT = 1_000_000_000  # no platform serves a billion firms: a larger count is a typing slip


@dataclass(frozen=True)
class Figure:
    """One reported figure: `label_zh` is its header and its key in `kpi reviews --json`."""

    code: str
    label_zh: str
    label_en: str
    kind: str  # "count", "money" (万元) or "accreditation"
    aliases: tuple[str, ...]


FIGURES: tuple[Figure, ...] = (
    Figure(
        "served_firms", "服务企业数", "firms served", "count", ("服务企业数", "服务企业数量", "firms_served")
    ),
    Figure("pilot_projects", "中试服务项目数", "pilot projects", "count", ("中试服务项目数", "中试项目数")),
    Figure(
        "service_revenue",
        "中试服务收入(万元)",
        "pilot-service revenue (10k yuan)",
        "money",
        ("中试服务收入", "中试服务收入(万元)", "服务收入", "revenue"),
    ),
    Figure(
        "incubated_firms",
        "孵化企业数",
        "firms incubated",
        "count",
        ("孵化企业数", "孵化企业数量", "incubated"),
    ),
    Figure("transfers", "成果转化数", "results transferred", "count", ("成果转化数", "成果转化项目数")),
    Figure(
        "accreditation", "检验检测资质", "testing accreditation", "accreditation", ("检验检测资质", "资质")
    ),
    Figure("standards", "参与制定标准数", "standards co-drafted", "count", ("参与制定标准数", "制定标准数")),
    Figure("patents", "专利授权数", "patents granted", "count", ("专利授权数", "授权专利数")),
)
FIGURE = {f.code: f for f in FIGURES}
FIGURE_CODES = tuple(f.code for f in FIGURES)

FIELDS: tuple[Field, ...] = (
    Field("name", ("平台名称", "名称", "name"), label_zh="平台名称", label_en="name"),
    Field("host", ("依托单位", "建设单位", "host"), label_zh="依托单位", label_en="host"),
    Field("year", ("考核年度", "年度", "year"), label_zh="考核年度", label_en="year"),
    *(
        Field(f.code, (*f.aliases, f.code), money=f.kind == "money", label_zh=f.label_zh, label_en=f.label_en)
        for f in FIGURES
    ),
)

# accreditation: what is held, and how many of the two (the score's value)
ACCREDITATIONS = {"none": 0, "cma": 1, "cnas": 1, "both": 2}
_NONE_WORDS = {"none", "无", "否", "没有", "暂无", "0", "-", "—", "no"}
_BOTH_WORDS = {"both", "均有", "两者", "两者均有", "都有", "全部"}
_SPLIT = re.compile(r"[+＋、,，;；/／&和及与\s]+")


def parse_accreditation(text: str) -> str | None:
    """`CMA`, `cnas`, `CMA+CNAS`, `CMA、CNAS`, `均有`, `both` → cma / cnas / both; `无`, `none` →
    none; anything else None."""
    word = str(text).strip().lower()
    if word in _NONE_WORDS:
        return "none"
    if word in _BOTH_WORDS:
        return "both"
    parts = {p for p in _SPLIT.split(word) if p}
    if not parts or not parts <= {"cma", "cnas"}:
        return None
    return "both" if len(parts) == 2 else parts.pop()


# ---------------------------------------------------------------- the register's life


@dataclass(frozen=True)
class Life:
    """The years a platform is in the register: `first` None when its entry is undated; `last`
    None when it was revoked at an unknown date (it never counted: no year at all)."""

    first: int | None
    last: int | None

    def holds(self, year: int) -> bool:
        return self.last is not None and (self.first is None or self.first <= year) and year <= self.last

    def text(self) -> str:
        """`2025–2026` (`—–2026` for an undated entry; empty when there is no year)."""
        if self.last is None:
            return ""
        return f"{'—' if self.first is None else self.first}–{self.last}"


def life_of(row: dict[str, Any], today: dt.date) -> Life:
    """From the year the platform entered the register to the year it was revoked (a revocation
    on 1 January ends the year before) or this year."""
    entered = as_date(row.get("entered_on"))
    first = entered.year if entered else None
    last: int | None = today.year
    if row.get("status") == "revoked":
        revoked = as_date(row.get("revoked_on"))
        last = (
            None
            if revoked is None
            else min(today.year, revoked.year - (revoked == dt.date(revoked.year, 1, 1)))
        )
    return Life(first, last)


def lives(plats: pd.DataFrame, today: dt.date) -> dict[tuple[str, str], Life]:
    """Each platform of the register (kpi.platforms.register.register) and its life."""
    return {(r["name"], r["host"]): life_of(r, today) for r in plats.to_dict("records")}


# ---------------------------------------------------------------- checking


@guarded(Checked)
def check_figures(
    con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, *, today: dt.date | None = None
) -> Checked:
    """Validate a figures file: every problem with its line and column; never writes."""
    report = Report(file_name)
    sha = hashlib.sha256(data).hexdigest()
    frame = read_table(data, report)
    if frame is None:
        return Checked(report, None, sha)
    cols = resolve_columns([c for c in frame.columns if c != LINE], FIELDS, report)
    if not report.ok:
        return Checked(report, None, sha, cols)
    plats = current_register(con)
    rows = check_frame(frame, cols, lives(plats, today or dt.date.today()), report)
    return Checked(report, rows, sha, cols)


def check_frame(
    frame: pd.DataFrame, cols: dict[str, Any], known: dict[tuple[str, str], Life], report: Report
) -> pd.DataFrame | None:
    """The row checks of a parsed file (cells as text, `_line`): the rows to store, or None with
    every problem in `report`. The page's form runs the same checks on a one-row frame."""
    lines = frame[LINE]
    report.rows = len(frame)

    def raw(name: str) -> pd.Series:
        values = frame[cols[name].header]
        if name in ("name", "host"):  # a sheet from due_template: undo export's formula guard
            values = values.str.replace(r"^'(?=[=+\-@])", "", regex=True)
        return values

    def header(name: str) -> str:
        return str(cols[name].header)

    for name in ("name", "host"):
        flag(report, raw(name) == "", lines, "MISSING_VALUE", header(name), field=header(name))
    keyed = (raw("name") != "") & (raw("host") != "")
    key = raw("name") + " / " + raw("host")
    pairs = list(zip(raw("name"), raw("host"), strict=True))
    unknown = pd.Series([p not in known for p in pairs], index=frame.index)
    flag(report, keyed & unknown, lines, "UNKNOWN_PLATFORM", header("name"), key=key)

    year_text = raw("year").str.translate(FULL_WIDTH).str.replace("年", "", regex=False).str.strip()
    years = pd.to_numeric(year_text.where(year_text.str.fullmatch(r"[0-9]{4}")), errors="coerce")
    first, this = PLATFORM_DATES_FROM.year, 2100  # a year past the platform's life is refused below
    bad_year = years.isna() | (years < first) | (years > this)
    flag(report, bad_year, lines, "BAD_YEAR", header("year"), value=raw("year"))
    life = [known.get(p) for p in pairs]
    never = pd.Series([x is not None and x.last is None for x in life], index=frame.index)
    flag(report, keyed & never, lines, "PLATFORM_NEVER_COUNTED", header("name"), key=key)
    outside = pd.Series(
        [
            x is not None and x.last is not None and not bad and not x.holds(int(y))
            for x, y, bad in zip(life, years.fillna(0), bad_year, strict=True)
        ],
        index=frame.index,
    )
    span = pd.Series([x.text() if x is not None else "" for x in life], index=frame.index)
    flag(report, keyed & outside, lines, "YEAR_OUTSIDE_LIFE", header("year"), year=raw("year"), span=span)

    out = pd.DataFrame(
        {
            "line": lines.astype("int64"),
            "name": raw("name"),
            "host": raw("host"),
            "year": years.astype("Int64"),
        }
    )
    for f in FIGURES:
        text, column = raw(f.code), header(f.code)
        empty = text == ""
        flag(report, empty, lines, "MISSING_VALUE", column, field=column)
        if f.kind == "accreditation":
            held = text.map(parse_accreditation)
            flag(report, held.isna() & ~empty, lines, "UNKNOWN_ACCREDITATION", column, value=text)
            out[f.code] = held
            continue
        numbers, not_number = parse_numbers(text)
        flag(report, not_number, lines, "NOT_A_NUMBER", column, value=text)
        negative = (numbers < 0).fillna(False)
        if f.kind == "money":
            flag(report, negative, lines, "NEGATIVE", column, value=text)
            out[f.code] = (numbers * cols[f.code].factor).round(4)  # 万元 to the yuan
            continue
        flag(report, negative, lines, "NEGATIVE_FIGURE", column, field=column, value=text)
        fraction = ((numbers % 1) != 0).fillna(False) & ~negative
        flag(report, fraction, lines, "FRACTIONAL_FIGURE", column, field=column, value=text)
        huge = (numbers > COUNT_LIMIT).fillna(False) & ~fraction
        flag(
            report,
            huge,
            lines,
            "FIGURE_TOO_LARGE",
            column,
            field=column,
            value=text,
            limit=f"{COUNT_LIMIT:,}",
        )
        out[f.code] = numbers

    dup = out.duplicated(["name", "host", "year"], keep="first") & keyed & ~bad_year
    first = out.groupby(["name", "host", "year"], dropna=False)["line"].transform("min")
    flag(report, dup, lines, "DUPLICATE_FIGURES", None, first=first, key=key + " / " + raw("year"))
    if not report.ok:
        return None
    for f in FIGURES:
        if f.kind == "count":
            out[f.code] = out[f.code].astype("Int64")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- storing


def write_figures(con: duckdb.DuckDBPyConnection, upload_id: int, rows: pd.DataFrame) -> tuple[int, int]:
    """New figures become current; earlier ones for the same platform and year stay as history.
    Runs inside the caller's transaction. Returns (new, revised)."""
    con.register("incoming_figures", rows)
    columns = ", ".join(FIGURE_CODES)  # identifiers from FIGURES only
    try:
        revised = writes.count_current(con, "platform_figures", "incoming_figures", writes.REVIEW_KEY)
        writes.supersede(con, "platform_figures", "incoming_figures", writes.REVIEW_KEY)
        con.execute(
            f"""INSERT INTO platform_figures (upload_id, line, name, host, year, {columns}, is_current)
                SELECT $id, line, name, host, year, {columns}, true FROM incoming_figures""",  # noqa: S608 - fixed identifiers
            {"id": upload_id},
        )
    finally:
        con.unregister("incoming_figures")
    return len(rows) - revised, revised


def _store(
    con: duckdb.DuckDBPyConnection, checked: Checked, kind: str, by: str | None, is_demo: bool
) -> IngestResult:
    assert checked.rows is not None
    with connection.transaction(con):
        uid = writes.new_upload(
            con,
            kind=kind,
            file_name=checked.report.file_name if kind == "platform_figures" else None,
            sha256=checked.sha256 or None,
            encoding=checked.report.encoding,
            uploaded_by=by,
            is_demo=is_demo,
        )
        new, revised = write_figures(con, uid, checked.rows)
        writes.store_issues(con, uid, issues_frame(checked.report.warnings))
        writes.finish_upload(con, uid, len(checked.rows), new, revised)
    return IngestResult(checked.report, uid, len(checked.rows), new, revised)


@guarded(IngestResult)
def ingest_figures(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    uploaded_by: str | None = None,
    is_demo: bool = False,
    today: dt.date | None = None,
    viewer: roles.Viewer | None = None,
) -> IngestResult:
    """Validate and store a figures file in one transaction, or store nothing; Forbidden first
    for a `viewer` without the right to upload."""
    roles.require(viewer, roles.Permission.UPLOAD)
    checked = check_figures(con, data, file_name, today=today)
    if checked.rows is None:
        return IngestResult(checked.report)
    by = uploaded_by or (viewer.username if viewer else None)
    return _store(con, checked, "platform_figures", by, is_demo)


def record_figures(
    con: duckdb.DuckDBPyConnection,
    name: str,
    host: str,
    year: int,
    values: dict[str, object],
    *,
    by: str,
    today: dt.date | None = None,
    viewer: roles.Viewer | None = None,
) -> IngestResult:
    """One platform's figures for one year from the page's form (upload kind `figures_form`):
    the file's checks on a one-row table (values as typed: numbers, or the accreditation word)."""
    roles.require(viewer, roles.Permission.UPLOAD)
    report = Report("form")
    if not by.strip():
        report.error("MISSING_VALUE", None, None, field="经办人")
        return IngestResult(report)
    cells = {"平台名称": name, "依托单位": host, "考核年度": str(year)}
    cells |= {f.label_zh: _cell(values.get(f.code)) for f in FIGURES}
    frame = pd.DataFrame({k: [v] for k, v in cells.items()}, dtype=str)
    frame[LINE] = [2]
    cols = resolve_columns(list(cells), FIELDS, report)
    rows = check_frame(frame, cols, lives(current_register(con), today or dt.date.today()), report)
    if rows is None:
        return IngestResult(report)
    rows["line"] = pd.array([None], dtype="Int64")
    return _store(con, Checked(report, rows), "figures_form", by.strip(), False)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- reading


def current_figures(con: duckdb.DuckDBPyConnection, year: int | None = None) -> pd.DataFrame:
    """The figures that count: name, host, year, each figure, recorded_at, recorded_by, kind,
    upload_id, is_demo; one row per platform and year."""
    columns = ", ".join(f"f.{c}" for c in FIGURE_CODES)
    frame = con.execute(
        f"""SELECT f.name, f.host, f.year::INTEGER AS year, {columns},
                   u.uploaded_at AS recorded_at, u.uploaded_by AS recorded_by, u.kind, f.upload_id, u.is_demo
            FROM platform_figures f JOIN uploads u ON u.id = f.upload_id
            WHERE f.is_current AND u.status = 'committed' AND ($year IS NULL OR f.year = $year)
            ORDER BY f.year DESC, f.name, f.host""",  # noqa: S608 - fixed identifiers
        {"year": year},
    ).df()
    return frame


def figure_value(figure: str, value: Any) -> float:
    """The number a figure scores with: a count or 万元 as stored; the accreditation as the number
    of the two held (none 0, CMA or CNAS 1, both 2)."""
    if figure == "accreditation":
        return float(ACCREDITATIONS[str(value)])
    return float(value)
