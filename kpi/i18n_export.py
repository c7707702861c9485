"""Texts of the exports: the download buttons (kpi.ui_export) and `kpi report` (kpi.cli)."""

from __future__ import annotations

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
        "目标完成情况、赛马排名、分地区分期指标和中试平台名录，百分比与万元保留原始精度。",
        "Targets, ranking, KPIs by region and period, and the platform register, at full precision.",
    ),
    "export.report": ("下载校验报告（Excel）", "Download the validation report (Excel)"),
}

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
    zh, en = REPORT_CLI_TEXT[key]
    return (en if lang == "en" else zh).format(**params)
