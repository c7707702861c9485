"""Downloads of the tables the app shows, for spreadsheets, with no formula injection.

CSV: UTF-8 with BOM (Excel on Chinese Windows); text cells neutralised with a leading apostrophe.

Excel workbooks (openpyxl): KPIs by region and period, the targets for one scope, the nine units'
ranking, the pilot-platform register, an upload's validation report. Every column has a kind that
fixes its number format, so a percentage stays a number a leader can re-sort (a fraction shown as
`0.00%`), money is 万元 with thousands separators, and percentage points are stored with the two
decimals every page shows (so a sign in Excel is the sign on the cards). Text
cells are always written as text: a cell starting with = + - @ or a tab / CR (a platform named
"=cmd|' /C calc'!A0") is stored as an inline string with Excel's quote-prefix flag, which keeps
the exact text (no apostrophe in the data) and keeps it text when someone edits the cell.

Pure (no streamlit): frames in, bytes out.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kpi.engine import series, sums
from kpi.engine import status as engine_status
from kpi.ingest.report import Report
from kpi.model import roles
from kpi.model.definitions import (
    ALL_CLUSTER,
    BUILD_MODELS,
    CITY_CODE,
    INDICATOR_ORDER,
    LEVEL,
    PLATFORM_STATUSES,
    RATIO,
    RATIOS,
    STAT_FIELD,
)
from kpi.platforms.register import current_platforms
from kpi.progress import compute
from kpi.reports.style import status_text
from kpi.store import queries
from kpi.store.reference import clusters as cluster_table
from kpi.store.reference import regions as region_table
from kpi.store.reference import resolve_cluster, resolve_region
from kpi.text.export import ENCODING_NAMES, sheet_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(frame: pd.DataFrame) -> bytes:
    """CSV for Excel on Chinese Windows (UTF-8 with BOM), every text cell neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise).astype(object)
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    buf = io.StringIO()
    safe.to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- Excel


class Kind(StrEnum):
    """What a column holds; each kind has one Excel number format."""

    TEXT = "text"
    PERCENT = "percent"  # a fraction (0.0315), shown as 3.15%
    WAN = "wan"  # money in 万元, thousands separators
    PP = "pp"  # percentage points (百分点)
    INT = "int"
    DATE = "date"


NUMBER_FORMAT: dict[Kind, str] = {
    Kind.TEXT: "@",
    Kind.PERCENT: "0.00%",
    Kind.WAN: "#,##0.00",
    Kind.PP: "+0.00;-0.00;0.00",
    Kind.INT: "#,##0",
    Kind.DATE: "yyyy-mm-dd",
}
_WIDTH = {Kind.PERCENT: 12, Kind.WAN: 18, Kind.PP: 12, Kind.INT: 10, Kind.DATE: 12}


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a frame with Chinese headers and the kind of each column (default text)."""

    title: str
    frame: pd.DataFrame
    kinds: dict[str, Kind] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # lines above the table (scope, period, demo marker)


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def set_text(cell: Cell, value: str) -> None:
    """Store `value` as literal text, never as a formula (see the module docstring)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes a str starting with "=" a formula; undo that
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _put(cell: Cell, value: Any, kind: Kind) -> None:
    if is_missing(value):
        return
    if kind is Kind.TEXT:
        set_text(cell, value if isinstance(value, str) else str(value))
        return
    if kind is Kind.DATE:
        cell.value = value if isinstance(value, dt.date) else pd.Timestamp(value).date()
    elif kind is Kind.INT:
        cell.value = int(value)
    elif kind is Kind.PP:
        # written as every page and the brief write it, two decimals: -0.004 pp is 0.00 there
        # ("同比持平"), and a full-precision cell would show "-0.00" in the 同比 column
        cell.value = float(f"{float(value):.2f}") + 0.0  # + 0.0: never a negative zero
    else:
        cell.value = float(value)
    cell.number_format = NUMBER_FORMAT[kind]


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one `.xlsx` file: bold frozen header, filters, number formats, widths."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    for sheet in sheets:
        ws = wb.create_sheet(_safe_title(sheet.title))
        for i, note in enumerate(sheet.notes, start=1):
            set_text(ws.cell(i, 1), note)
        head = len(sheet.notes) + 1 + (1 if sheet.notes else 0)
        columns = list(sheet.frame.columns)
        for j, name in enumerate(columns, start=1):
            c = ws.cell(head, j)
            set_text(c, str(name))
            c.font, c.fill = bold, fill
            c.alignment = Alignment(wrap_text=True, vertical="center")
        kinds = [sheet.kinds.get(str(name), Kind.TEXT) for name in columns]
        for i, row in enumerate(sheet.frame.itertuples(index=False, name=None), start=head + 1):
            for j, (value, kind) in enumerate(zip(row, kinds, strict=True), start=1):
                _put(ws.cell(i, j), value, kind)
        for j, (name, kind) in enumerate(zip(columns, kinds, strict=True), start=1):
            ws.column_dimensions[get_column_letter(j)].width = _width(sheet.frame, name, kind)
        if columns:
            ws.freeze_panes = ws.cell(head + 1, 1)
            ws.auto_filter.ref = f"A{head}:{get_column_letter(len(columns))}{head + len(sheet.frame)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _safe_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31] or "Sheet"


def _width(frame: pd.DataFrame, name: Any, kind: Kind) -> float:
    """Column width from the header and (for text) the longest value; CJK counts double."""

    def w(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    width = max(w(str(name)) + 2, _WIDTH.get(kind, 8))
    if kind is Kind.TEXT and len(frame):
        longest = [w(str(v)) for v in frame[name].head(500) if not is_missing(v)]
        width = max(width, max(longest, default=0) + 2)
    return min(width, 60)


# ---------------------------------------------------------------- the app's tables


def _names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    frame = region_table(con)
    return dict(zip(frame["code"], frame["name"], strict=True))


def _money_header(field_name: str) -> str:
    return f"{STAT_FIELD[field_name].label_zh}(万元)"


def _latest_first(code: str) -> tuple[int, int]:
    return (-int(code[:4]), -int(code[5:]))


def kpi_table(
    con: duckdb.DuckDBPyConnection, cluster: str | None = None, *, viewer: roles.Viewer | None = None
) -> Sheet:
    """Every period's three ratios for the city and each unit, with numerator and denominator.

    The city follows the engine's rule (its own total row where uploaded, else the nine units);
    a unit uses its own rows. Same numbers as `kpi status` for each scope and period. For a
    county official (`viewer`), its own unit's rows only: no city, no other unit.
    """
    names = _names(con)
    code = resolve_cluster(con, cluster)
    own = roles.visible_regions(viewer)
    records = (
        [{"region": CITY_CODE, **r} for r in series.ratio_series(con, None, cluster).to_dict("records")]
        if own is None
        else []
    )
    units = queries.sums(con, cluster=code, by_region=True, region=None if own is None else next(iter(own)))
    units = units[units["part"] != CITY_CODE]
    if own is not None:
        units = units[units["part"].isin(own)]
    for region, rows in units.groupby("part", sort=False):
        for r in RATIOS:
            for period, s in sums.pick_scope_sums(rows, r.code).items():
                value = compute.ratio(s["numerator"], s["denominator"])
                records.append(
                    {**s, "region": str(region), "period": period, "indicator": r.code, "value": value}
                )
    wide: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in records:
        row = wide.setdefault(
            (rec["period"], rec["region"]),
            {
                "统计期": rec["period"],
                "地区代码": rec["region"],
                "县(市、区)": names.get(rec["region"], rec["region"]),
            },
        )
        r = RATIO[rec["indicator"]]
        row[r.label_zh] = rec["value"]
        row[_money_header(r.numerator)] = rec["numerator"]
        row[_money_header(r.denominator)] = rec["denominator"]
    columns = ["统计期", "地区代码", "县(市、区)"]
    kinds: dict[str, Kind] = {}
    for r in RATIOS:
        columns += [r.label_zh, _money_header(r.numerator), _money_header(r.denominator)]
        kinds |= {
            r.label_zh: Kind.PERCENT,
            _money_header(r.numerator): Kind.WAN,
            _money_header(r.denominator): Kind.WAN,
        }
    order = {c: i for i, c in enumerate(region_table(con)["code"])}
    keys = sorted(wide, key=lambda k: (_latest_first(k[0]), order.get(k[1], len(order))))
    out = pd.DataFrame([wide[k] for k in keys], columns=columns)
    scope = "全行业" if code == ALL_CLUSTER else f"产业集群 {code}"
    return Sheet(
        "分地区分期指标", out, kinds, (f"各县(市、区)与全市分期指标（{scope}，年初至报告期末累计值）",)
    )


def status_table(status: dict[str, Any]) -> Sheet:
    """The six targets for one scope and period, as on the Overview's cards."""
    rows = []
    for code in INDICATOR_ORDER:
        e = status["indicators"][code]
        share = "numerator" in e or code == "cluster_coverage"  # a fraction, else a count
        rows.append(
            {
                "指标": e["label"],
                "当前值(比率)": e["value"] if share else None,
                "当前值(家)": None if share else e["value"],
                "目标(比率)": e["target"] if share else None,
                "目标(家)": None if share else e["target"],
                "距目标(百分点)": e.get("gap_pp"),
                "同比(百分点)": e.get("change_pp"),
                "状态": status_text(e["status"]),
                "判定规则": e.get("status_rule", ""),
                "追赶要求": (e.get("catch_up") or {}).get("text", ""),
                "目标来源": e.get("source", ""),
                "差距说明": e.get("gap_text", ""),  # by the light's rule: a band from its edges
                "同比口径": e.get("basis_note") or "",  # where the periods compared differ in basis
            }
        )
    kinds = {
        "当前值(比率)": Kind.PERCENT,
        "目标(比率)": Kind.PERCENT,
        "当前值(家)": Kind.INT,
        "目标(家)": Kind.INT,
        "距目标(百分点)": Kind.PP,
        "同比(百分点)": Kind.PP,
    }
    return Sheet("目标完成情况", pd.DataFrame(rows), kinds, (scope_note(status),))


def scope_note(status: dict[str, Any]) -> str:
    code = status["region"]
    region = "全市" if code in (None, CITY_CODE) else f"{roles.region_name(code)}（{code}）"
    cluster = status["cluster"] or "全行业"
    demo = "；演示数据（合成，非真实统计）" if status["demo"] else ""
    known = f"；按 {status['as_of']} 时已知数据" if status.get("as_of") else ""  # kpi.store.vintages
    return f"统计期：{status['period_label']}（{status['period']}）；范围：{region} × {cluster}{demo}{known}"


def ranking_table(
    con: duckdb.DuckDBPyConnection,
    period: str,
    cluster: str | None = None,
    *,
    viewer: roles.Viewer | None = None,
) -> Sheet:
    """The nine units' ratios, ranks and 同比 for one period (赛马), as `viewer` may see it."""
    frame = series.unit_ranking(con, period, cluster, viewer=viewer)
    names = _names(con)
    labels = {r.code: r.label_zh for r in RATIOS}
    out = pd.DataFrame(
        {
            "指标": frame["indicator"].map(labels),
            "排名": frame["rank"],
            "县(市、区)": frame["region"].map(names),
            "地区代码": frame["region"],
            "数值": frame["value"],
            "上年同期": frame["previous_value"],
            "同比(百分点)": frame["change_pp"],
        }
    )
    out = out.assign(_i=frame["indicator"].map({r.code: i for i, r in enumerate(RATIOS)}))
    out = out.sort_values(["_i", "排名"], na_position="last").drop(columns="_i").reset_index(drop=True)
    kinds = {"排名": Kind.INT, "数值": Kind.PERCENT, "上年同期": Kind.PERCENT, "同比(百分点)": Kind.PP}
    return Sheet("九个单位赛马排名", out, kinds)


def platform_table(con: duckdb.DuckDBPyConnection, region: str | None = None) -> Sheet:
    """The pilot-platform register as it stands (one row per platform, its current version)."""
    code = resolve_region(con, region)
    plats = current_platforms(con, None if code == CITY_CODE else code)
    names = _names(con)
    taxonomy = cluster_table(con)
    cluster_names = dict(zip(taxonomy["code"], taxonomy["name"], strict=True))
    levels = {lv.code: lv.name_zh for lv in LEVEL.values()}
    models = {v: k for k, v in BUILD_MODELS.items()}
    statuses = {v: k for k, v in PLATFORM_STATUSES.items()}
    out = pd.DataFrame(
        {
            "平台名称": plats["name"],
            "依托单位": plats["host"],
            "县(市、区)": plats["region"].map(lambda c: names.get(c, c)),
            "服务集群": plats["clusters"].map(
                lambda cs: "、".join(cluster_names.get(c, c) for c in cs) if cs is not None else ""
            ),
            "级别": plats["level"].map(lambda v: levels.get(v, v)),
            "建设模式": plats["build_model"].map(lambda v: models.get(v, v) if isinstance(v, str) else v),
            "认定时间": plats["recognised_on"],
            "状态": plats["status"].map(lambda v: statuses.get(v, v)),
            "数据上传批次": plats["upload_id"],
        }
    )
    demo = ("演示数据（合成，非真实名录）",) if bool(plats["is_demo"].any()) else ()
    return Sheet("中试平台名录", out, {"认定时间": Kind.DATE, "数据上传批次": Kind.INT}, demo)


def report_table(
    report: Report, lang: str = "zh", *, checked_at: dt.datetime | None = None, sha256: str | None = None
) -> Sheet:
    """A validation report (before storing): every problem with its line, column, code and
    message, headers and messages in `lang`; above the table the file, when it was checked, the
    outcome and what was read (encoding, data rows, content fingerprint)."""
    frame = report.to_frame(lang)
    notes = [sheet_text("file", lang, file=report.file_name)]
    if checked_at is not None:
        notes.append(sheet_text("checked", lang, when=f"{checked_at:%Y-%m-%d %H:%M:%S}"))
    counts = {"errors": len(report.errors), "warnings": len(report.warnings)}
    notes.append(sheet_text("valid" if report.ok else "rejected", lang, **counts))
    if report.encoding or sha256:
        encoding = ENCODING_NAMES.get(report.encoding or "", report.encoding or "—")
        notes.append(sheet_text("detail", lang, encoding=encoding, rows=report.rows, sha=sha256 or "—"))
    notes.append(sheet_text("lines", lang))
    return Sheet(sheet_text("title", lang), frame, {str(frame.columns[1]): Kind.INT}, tuple(notes))


def upload_issues_table(con: duckdb.DuckDBPyConnection, upload_id: int) -> Sheet:
    """The warnings stored with a committed upload."""
    issues = queries.upload_issues(con, upload_id)
    severity = {"error": "错误", "warning": "提示"}
    out = pd.DataFrame(
        {
            "级别": issues["severity"].map(lambda s: severity.get(s, s)),
            "行": issues["line"],
            "列": issues["column_name"],
            "代码": issues["code"],
            "说明": issues["message_zh"],
        }
    )
    return Sheet(f"上传{upload_id}校验报告", out, {"行": Kind.INT}, (f"上传批次 {upload_id}",))


def overview_workbook(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    region: str | None = None,
    *,
    viewer: roles.Viewer | None = None,
) -> bytes:
    """The Overview's tables in one workbook: targets, ranking, KPIs by region and period, register.
    A `viewer` gets what it may see: Forbidden for another scope, a county its own unit's rows."""
    status = engine_status.kpi_status(con, period, region, viewer=viewer)
    return workbook_bytes(
        [
            status_table(status),
            ranking_table(con, status["period"], viewer=viewer),
            kpi_table(con, viewer=viewer),
            platform_table(con, region),
        ]
    )
