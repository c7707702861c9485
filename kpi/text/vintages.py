"""Texts of "as known at" (as-of), the revision panel and the reporting calendar: the command
line's messages and the pages' (merged into kpi.text.dashboard.UI_TEXT)."""

from __future__ import annotations

VINTAGE_TEXT: dict[str, tuple[str, str]] = {
    # ---- as known at a moment (kpi.model.moments, kpi.ui.vintage)
    "bad_as_of": (
        "时间点“{value}”无法识别：请写作 YYYY-MM-DD、YYYY-MM-DD HH:MM 或 YYYY-MM-DD HH:MM:SS（如 2026-01-05 14:30）",
        "moment “{value}” not understood: write YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS "
        "(e.g. 2026-01-05 14:30)",
    ),
    "asof.picker": ("按…时已知数据", "Data as known on…"),
    "asof.picker_help": (
        "选一个日期：页面只计入当天结束前已入库的上传，之后的撤回视为未发生，可复现当时的简报。留空为最新数据。",
        "Pick a day: the pages count only the uploads stored by the end of that day, and ignore "
        "rollbacks made later, as a brief of that day showed them. Empty: the latest data.",
    ),
    "asof.banner": (
        "按 {when} 时已知数据显示：此后的上传未计入，此后的撤回视为未发生。",
        "Shown as known on {when}: later uploads are not counted, later rollbacks not made.",
    ),
    "asof.reset": ("回到最新数据", "Back to the latest data"),
    "asof.note": ("按 {when} 时已知数据", "as known on {when}"),
    "revised.since": ("修订标记起点", "Mark revisions since"),
    "revised.since_help": (
        "数值在此日期之后被修订过的，标“已修订”。留空：自上一季度数据首次发布时起。",
        "A figure revised after this day is marked “revised”. Empty: since the quarter before was first published.",
    ),
    "vintage.section": ("数据版本", "Data vintages"),
    # ---- revisions (kpi.engine.revisions, kpi.ui.vintage)
    "revised.badge": ("已修订", "revised"),
    "revised.panel": ("版本记录", "Vintages"),
    "revised.intro": (
        "{period} 的数值每次变化都列在下面（上传新数据或撤回上传）。{since}",
        "Each change of the value for {period} is listed below (an upload, or the rollback of one). {since}",
    ),
    "revised.since_default": (
        "“已修订”：自 {when}（上一季度数据首次发布）之后被修订过。",
        "“Revised”: changed after {when}, when the quarter before was first published.",
    ),
    "revised.since_chosen": ("“已修订”：自 {when} 之后被修订过。", "“Revised”: changed after {when}."),
    "revised.since_first": (
        "“已修订”：首次发布之后被修订过。",
        "“Revised”: changed after it was first published.",
    ),
    "revised.none": ("该数值尚无任何版本。", "This figure has no vintage yet."),
    "revised.col.value": ("数值", "Value"),
    "revised.col.upload": ("上传批次", "Upload"),
    "revised.col.event": ("变化", "Change"),
    "revised.col.when": ("时间", "When"),
    "revised.col.who": ("操作人", "By"),
    "revised.col.file": ("文件", "File"),
    "revised.event.upload": ("上传", "upload"),
    "revised.event.rollback": ("撤回", "rollback"),
    "revised.triangle": (
        "修订三角表（行：统计期；列：版本时间）",
        "Revision triangle (rows: period; columns: vintage)",
    ),
    "revised.triangle_help": (
        "每列是某次变化后当时已知的各期数值；沿一行从左到右即该期数值的修订过程。",
        "Each column holds the values known right after one change; along a row, a period's revisions.",
    ),
    # ---- the reporting calendar (kpi.engine.calendar, kpi.ui.calendar, kpi calendar)
    "calendar.title": ("报送日历", "Reporting calendar"),
    "calendar.intro.stats": (
        "各单位各季度统计数据的到达情况：格内为状态和数值条数（每个集群一条，另加全行业一条）。"
        "应报日期为季度结束后第 {days} 天。",
        "What has arrived from each unit for each quarter: the status and the number of values "
        "(one per cluster, plus the all-industry row). Due {days} days after the quarter's end.",
    ),
    "calendar.intro.tasks": (
        "各责任单位各季度任务进展报告的到达情况：格内为状态和报告份数（每项任务一份）。"
        "应报日期为季度结束后第 {days} 天（任务督办的报送规则）；方案实施前的季度无须报送，不列出。",
        "What has arrived from each accountable unit for each quarter: the status and the number of "
        "task reports (one per task). Due {days} days after the quarter's end (the task rules); "
        "quarters before the plan began are not listed.",
    ),
    "calendar.source.stats": ("统计数据", "Statistics"),
    "calendar.source.tasks": ("任务进展报告", "Task progress reports"),
    "calendar.status.received": ("已报送", "received"),
    "calendar.status.revised": ("已修订", "revised"),
    "calendar.status.missing": ("待报送", "awaited"),
    "calendar.status.late": ("逾期未报", "late"),
    "calendar.col.unit": ("单位", "Unit"),
    "calendar.due_row": ("应报日期", "Due"),
    "calendar.legend": (
        "✔ 已报送　↻ 已修订（报送后有更正）　… 待报送（未到应报日期）　✖ 逾期未报（已过应报日期，尚无数据）",
        "✔ received　↻ revised (corrected after arrival)　… awaited (not yet due)　✖ late (past due, nothing arrived)",
    ),
    "calendar.cell": ("{symbol} {word} {values}", "{symbol} {word} {values}"),
    "calendar.due_setting": (
        "统计数据应报日（季度结束后第几天）",
        "Statistics due (days after the quarter's end)",
    ),
    "calendar.head.stats": ("{period} 统计数据报送（应报日期 {due}）", "{period} statistics (due {due})"),
    "calendar.head.tasks": (
        "{period} 任务进展报告报送（应报日期 {due}）",
        "{period} task progress reports (due {due})",
    ),
    "calendar.line.stats": ("  {name}  {status}  {values} 条", "  {name}  {status}  {values} values"),
    "calendar.line.tasks": ("  {name}  {status}  {values} 份", "  {name}  {status}  {values} reports"),
    "calendar.nothing_due": (
        "  该季度在方案实施之前，无须报送",
        "  nothing was due: the quarter precedes the plan",
    ),
}
