"""Texts of the exports: the download buttons (kpi.ui.downloads) and `kpi report` (kpi.cli)."""

from __future__ import annotations

from kpi.text.lookup import pick

EXPORT_TEXT: dict[str, tuple[str, str]] = {
    "export.title": ("导出", "Export"),
    "export.brief": ("下载一页简报（PDF）", "Download the one-page brief (PDF)"),
    "export.workbook": ("下载数据表（Excel）", "Download the tables (Excel)"),
    "export.brief_help": (
        "中文一页简报：六项目标、九个单位排名、需关注事项与追赶要求，供专班会议使用。",
        "A one-page brief in Chinese: the six targets, the units' ranking, what is off track and "
        "what it would take, for the task-force meeting.",
    ),
    "export.workbook_help": (
        "目标完成情况、赛马排名、分地区分期指标和中试平台名录，百分比与万元保留原始精度，百分点取两位小数（与页面一致）。",
        "Targets, ranking, KPIs by region and period, and the platform register: percentages and money "
        "at full precision, percentage points to two decimals (as the pages show them).",
    ),
}

# The validation report as a workbook (kpi.reports.export.report_table): the sheet in the language the
# statistician reads the upload page in.
REPORT_SHEET_TEXT: dict[str, tuple[str, str]] = {
    "title": ("校验报告", "Validation report"),
    "file": ("校验报告：{file}", "Validation report: {file}"),
    "checked": ("校验时间：{when}", "Checked at: {when}"),
    "rejected": (
        "结果：未通过校验，整份文件未入库（{errors} 个错误，{warnings} 个提示）",
        "Result: rejected, nothing of the file was stored ({errors} error(s), {warnings} warning(s))",
    ),
    "valid": (
        "结果：校验通过（{warnings} 个提示，不阻止入库）",
        "Result: valid ({warnings} warning(s), not blocking)",
    ),
    "detail": (
        "编码：{encoding}；数据行：{rows}；SHA-256：{sha}",
        "Encoding: {encoding}; data rows: {rows}; SHA-256: {sha}",
    ),
    "lines": ("行号以表头为第 1 行。", "Line 1 is the header."),
}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}


def sheet_text(key: str, lang: str, **params: object) -> str:
    return pick(REPORT_SHEET_TEXT, key, lang, **params)


REPORT_CLI_TEXT: dict[str, tuple[str, str]] = {
    "report_done": ("已生成：{out}（{period}，{scope}）", "written: {out} ({period}, {scope})"),
    "report_bad_suffix": (
        "输出文件须以 .pdf（一页简报）或 .xlsx（数据表）结尾：{out}",
        "the output file must end in .pdf (the brief) or .xlsx (the tables): {out}",
    ),
    "report_no_data": (
        "数据库中还没有统计数据，无法生成简报；请先上传统计数据或运行 kpi demo",
        "the database holds no statistics yet; ingest a statistics file or run kpi demo first",
    ),
}


def cli_text(key: str, lang: str, **params: object) -> str:
    return pick(REPORT_CLI_TEXT, key, lang, **params)
