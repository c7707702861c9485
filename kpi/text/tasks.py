"""Texts of the plan's tasks (任务督办): the progress file's problems (merged into
kpi.text.messages.TEMPLATES), the command line's lines (into CLI_TEXT), and the page, the rule
sentences, the overview card and the brief's section (into kpi.text.dashboard.UI_TEXT)."""

from __future__ import annotations

TASK_TEMPLATES: dict[str, tuple[str, str]] = {
    "UNKNOWN_TASK": (
        "未知的任务编号“{value}”（应为方案二、重点任务中的编号，如 二(一)2）",
        "unknown task code “{value}” (use a code of the plan's part 二, e.g. 二(一)2)",
    ),
    "UNKNOWN_TASK_UNIT": (
        "未知的责任单位“{value}”（应为方案列出的责任单位，如 市经信局）",
        "unknown accountable unit “{value}” (use a unit the plan names, e.g. 市经信局)",
    ),
    "UNIT_NOT_ACCOUNTABLE": (
        "“{unit}”不是任务 {task} 的责任单位（该任务的责任单位：{units}）",
        "“{unit}” is not accountable for task {task} (its accountable units: {units})",
    ),
    "NOT_YOUR_UNIT": (
        "账号 {user} 只能报送{own}的进度，不能报送{unit}的进度",
        "account {user} may report the progress of {own} only, not of {unit}",
    ),
    "BAD_PERCENT": (
        "完成进度“{value}”应为 0 到 100 之间的数字（百分比，如 45 或 45%）",
        "progress “{value}” must be a number from 0 to 100 (a percent, e.g. 45 or 45%)",
    ),
    "TASK_PERIOD_NOT_ENDED": (
        "报告期 {value} 尚未结束（今天是 {today}）：只能报送已经结束的季度",
        "period {value} has not ended (today is {today}): only a quarter that has ended can be reported",
    ),
    "PERIOD_BEFORE_PLAN": (
        "报告期 {value} 早于方案实施（{start}）：第一个报告期是 {first}",
        "period {value} is before the plan started ({start}): the first period is {first}",
    ),
    "DUPLICATE_REPORT": (
        "任务编号 × 责任单位 × 报告期 与第 {first} 行重复（{key}）",
        "the same task × unit × period as line {first} ({key})",
    ),
    "PROGRESS_DECREASE": (
        "完成进度 {value}% 低于此前的报告（{previous_period}：{previous}%），请确认",
        "progress {value}% is below the earlier report ({previous_period}: {previous}%); please check",
    ),
}

TASK_CLI_TEXT: dict[str, tuple[str, str]] = {
    "progress_stored": (
        "进度报告 {file} 已入库：{rows} 条（新增 {new} 条，更正 {revised} 条），上传编号 {upload_id}",
        "progress reports {file} stored: {rows} ({new} new, {revised} corrected), upload {upload_id}",
    ),
    "tasks_unknown_unit": (
        "未知的责任单位：{value}（可选：{known}）",
        "unknown accountable unit: {value} (known: {known})",
    ),
    "bad_as_of": ("无法识别的日期：{value}（应为 YYYY-MM-DD）", "not a date: {value} (use YYYY-MM-DD)"),
    "tasks_head": (
        "截至 {as_of}：{n} 项任务，最近应报季度 {due}",
        "as of {as_of}: {n} tasks, latest quarter due {due}",
    ),
    "tasks_demo_done": (
        "已载入演示任务进度（合成数据）：{rows} 条报告",
        "demo task reports loaded (synthetic): {rows} reports",
    ),
    "tasks_demo_skipped": (
        "数据库中已有真实的任务进度报告：未载入演示任务进度",
        "the database holds real task progress reports: no demo task reports loaded",
    ),
    "unit_required": (
        "责任单位账号必须指定所属单位（--unit，方案列出的责任单位之一，如 市经信局）",
        "a department account needs its unit (--unit, one of the plan's accountable units, e.g. 市经信局)",
    ),
    "unit_not_allowed": (
        "只有责任单位账号属于某个责任单位：{role}账号请去掉 --unit",
        "only department accounts belong to an accountable unit: drop --unit for a {role} account",
    ),
    "unit_unknown": (
        "“{value}”不是方案列出的责任单位（可选：{known}）",
        "“{value}” is not an accountable unit of the plan (known: {known})",
    ),
    "forbidden_task_unit": (
        "责任单位账号 {user} 只能查看和报送{own}的任务，不能查看或报送{unit}的",
        "department account {user} may see and report the tasks of {own} only, not of {unit}",
    ),
}

TASKS_TEXT: dict[str, tuple[str, str]] = {
    "nav.tasks": ("任务督办", "Task supervision"),
    # the upload history and the audit trail name the two kinds of task report upload
    "upload.kind.progress": ("任务进度", "task progress"),
    "upload.kind.progress_form": ("任务进度（表单）", "task progress (form)"),
    "audit.upload.progress": ("上传任务进度", "Uploaded task progress"),
    "audit.upload.progress_form": ("填报任务进度", "Reported task progress"),
    "audit.kind.progress": ("任务进度", "task progress"),
    "audit.kind.progress_form": ("任务进度填报", "task progress entered"),
    "tasks.intro": (
        "方案“二、重点任务”的 {n} 项任务及其责任单位，各单位每季度报送完成进度，对照序时进度判定是否滞后（跟踪问效）。",
        "The {n} tasks of the plan's part 二 and their accountable units; each unit reports its "
        "progress every quarter, judged against the time elapsed (跟踪问效).",
    ),
    "tasks.as_of": (
        "截至 {date}：最近应报季度 {due}（季度结束后 {days} 日内报送）；序时进度 {elapsed}（{start} 至 {deadline}）。",
        "As of {date}: latest quarter due {due} (reports due {days} days after the quarter ends); "
        "time elapsed {elapsed} ({start} to {deadline}).",
    ),
    "tasks.none_due": ("尚无", "none yet"),
    # a progress report is one quarter's, not a year to date: 2026年第三季度, not 2026Q3 nor 1—9月
    "tasks.quarter": ("{year}年第{q}季度", "Q{q} {year}"),
    "tasks.as_of_pick": ("截至日期", "As of"),
    "tasks.unit_filter": ("责任单位", "Accountable unit"),
    "tasks.all_units": ("全部责任单位", "All units"),
    "tasks.note": ("责任主体：{note}。", "Also accountable (责任主体): {note}."),
    "tasks.own_scope": (
        "您以责任单位账号（{unit}）登录：本页只显示{unit}负责的任务和本单位的报送，也只能报送和更正本单位的进度。",
        "You are signed in for {unit}: this page shows the tasks {unit} is accountable for and its "
        "own reports only, and you may report and correct {unit}'s progress only.",
    ),
    "tasks.demo": (
        "演示数据：任务进度报告为合成数据，仅供演示。",
        "Demo data: the task progress reports are synthetic, for demonstration only.",
    ),
    "tasks.tab.matrix": ("任务矩阵", "Task × unit"),
    "tasks.tab.behind": ("滞后与未报送", "Behind or unreported"),
    "tasks.tab.detail": ("判定依据与报送历史", "Rules and report history"),
    "tasks.tab.report": ("填报进度", "Report progress"),
    "tasks.tab.upload": ("上传进度表", "Upload a progress file"),
    "tasks.tab.manage": ("任务清单维护", "Task list"),
    "tasks.matrix_help": (
        "每格为该责任单位的状态（符号和文字）与最近一次报告的完成进度；“—”表示该单位不负责此任务。",
        "Each cell: the unit's status (symbol and word) and the progress of its latest report; "
        "“—” where the unit is not accountable for the task.",
    ),
    "tasks.col.code": ("任务编号", "Task"),
    "tasks.col.title": ("任务", "Title"),
    "tasks.col.status": ("状态", "Status"),
    "tasks.col.progress": ("完成进度", "Progress"),
    "tasks.col.unit": ("责任单位", "Unit"),
    "tasks.col.how_long": ("持续", "For how long"),
    "tasks.col.last": ("最近报告", "Latest report"),
    "tasks.col.expected": ("序时进度", "Time elapsed"),
    "tasks.col.gap": ("低于序时进度", "Below time elapsed"),
    "tasks.col.period": ("报告期", "Period"),
    "tasks.col.version": ("版本", "Version"),
    "tasks.col.section": ("所属部分", "Section"),
    "tasks.col.deliverable": ("任务摘要", "Summary"),
    "tasks.col.active": ("状态", "State"),
    "tasks.col.changed_at": ("修改时间", "Changed"),
    "tasks.col.changed_by": ("修改人", "By"),
    "tasks.col.note": ("修改依据", "Why"),
    "tasks.active.yes": ("有效", "in force"),
    "tasks.active.no": ("已撤销", "withdrawn"),
    "tasks.manage.units_placeholder": ("选择责任单位", "Choose units"),
    "tasks.col.achievements": ("进展情况", "Achievements"),
    "tasks.col.problems": ("存在问题", "Problems"),
    "tasks.col.next_steps": ("下步打算", "Next steps"),
    "tasks.col.evidence": ("佐证材料", "Evidence"),
    "tasks.col.recorded_at": ("录入时间", "Recorded"),
    "tasks.col.recorded_by": ("录入人", "By"),
    "tasks.col.how": ("方式", "How"),
    "tasks.col.current": ("是否现行", "Counts"),
    "tasks.how.progress": ("上传", "file"),
    "tasks.how.progress_form": ("表单", "form"),
    "tasks.how.demo": ("演示", "demo"),
    "tasks.current.yes": ("现行", "current"),
    "tasks.current.no": ("已被更正", "corrected later"),
    "tasks.behind_none": ("没有滞后或未报送的任务。", "No task is behind or unreported."),
    "tasks.behind_help": (
        "按严重程度排列：严重滞后、未报送、滞后；“持续”为连续滞后或未报送的季度数。",
        "Worst first: seriously lagging, not reported, lagging; “for how long” counts the quarters "
        "in a row behind or unreported.",
    ),
    "tasks.no_history": ("该任务还没有报送记录。", "No report on this task yet."),
    "tasks.history": ("报送历史（含更正）", "Report history (corrections included)"),
    # ---- the rule and the numbers behind a status
    "tasks.rule": (
        "序时进度 = 自 {start} 起已过天数 ÷ 至 {deadline} 的总天数（{days} 天）。每个责任单位以已结束季度中最近一次报告"
        "（最新更正）为准，与该季度末的序时进度比较：完成进度 100% 为已完成；低于序时进度不足 {lagging} 个百分点为按序时推进；"
        "低于 {lagging} 至 {serious} 个百分点为滞后；低于超过 {serious} 个百分点为严重滞后（差距按显示的一位小数判断）；"
        "季度结束后第 {due} 日为报送截止日，此后仍无该季度或更晚季度报告的为未报送。任务取其各责任单位中最差的状态"
        "（严重滞后、未报送、滞后、按序时推进、已完成，依次由重到轻），完成进度为已报送单位的平均值。",
        "Time elapsed = days since {start} ÷ days from then to {deadline} ({days} days). Each unit's "
        "latest report for a quarter that has ended (its latest correction) is compared with the "
        "time elapsed at that quarter's end: 100 % is completed; less than {lagging} pp below is on "
        "schedule; {lagging} to {serious} pp below is lagging; more than {serious} pp below is "
        "seriously lagging (the gap as shown, to one decimal); a quarter's report is due {due} days "
        "after the quarter ends, and a unit with no report for it (or a later quarter) after that "
        "day is not reported. A task takes its worst unit's status (seriously lagging, not "
        "reported, lagging, on schedule, completed, worst first); its progress is the mean of the "
        "units that reported.",
    ),
    "tasks.work.completed": (
        "{unit}：{period} 报告完成进度 100%，已完成。",
        "{unit}: the {period} report says 100 %: completed.",
    ),
    "tasks.work.reported": (
        "{unit}：{period} 报告完成进度 {progress}；{period} 末（{end}）序时进度 {expected}（{elapsed_days}/{days} 天）；{gap} → {status}。",
        "{unit}: the {period} report says {progress}; time elapsed at the end of {period} ({end}) "
        "{expected} ({elapsed_days}/{days} days); {gap} → {status}.",
    ),
    "tasks.work.below": ("低于序时进度 {gap} 个百分点", "{gap} pp below the time elapsed"),
    "tasks.work.ahead": ("高于序时进度 {gap} 个百分点", "{gap} pp ahead of the time elapsed"),
    "tasks.work.missing": (
        "{unit}：{due} 的报告应于 {due_date} 前报送，截至 {as_of} 未报送（{last}）；已有 {n} 个季度未报送 → 未报送。",
        "{unit}: the {due} report was due by {due_date} and is missing on {as_of} ({last}); {n} "
        "quarter(s) unreported → not reported.",
    ),
    "tasks.work.last": ("最近一次报告：{period}，完成进度 {progress}", "latest report: {period}, {progress}"),
    "tasks.work.never": ("从未报送", "never reported"),
    "tasks.work.not_due": (
        "{unit}：尚无到期的季度报告（第一个报告期 {first} 应于 {first_due} 前报送）→ 按序时推进。",
        "{unit}: no quarter's report is due yet (the first, {first}, is due by {first_due}) → on schedule.",
    ),
    "tasks.how_long.quarters": (
        "自 {since} 起连续 {n} 个季度",
        "{n} quarter(s) in a row since {since}",
    ),
    "tasks.how_long.overdue": ("，已逾期 {days} 天", ", {days} days overdue"),
    "tasks.task_line": ("{code} {title}", "{code} {title}"),
    "tasks.task_summary": (
        "任务状态：{status}（取各责任单位中最差者）；平均完成进度 {progress}。",
        "Task status: {status} (its worst unit's); mean progress {progress}.",
    ),
    # ---- the overview card and the brief
    "tasks.card.title": ("重点任务", "The plan's tasks"),
    "tasks.card.line": (
        "重点任务：{on} 项按序时推进，{behind} 项滞后{serious}，{missing} 项未报送",
        "Tasks: {on} on schedule, {behind} lagging{serious}, {missing} not reported",
    ),
    "tasks.card.completed": ("其中 {n} 项已完成。", "{n} of them completed. "),
    "tasks.card.caption": (
        "截至 {date}，共 {n} 项任务；按各任务最差的责任单位计。详见“任务督办”页。",
        "As of {date}, {n} tasks, each counted by its worst unit. See the Task supervision page.",
    ),
    "tasks.card.seriously": ("（其中 {n} 项严重滞后）", " ({n} of them seriously)"),
    # ---- the report form and the progress file
    "tasks.form.no_task": ("没有可报送的任务。", "No task to report on."),
    "tasks.form.no_period": ("还没有结束的报告期。", "No reporting quarter has ended yet."),
    "tasks.form.correcting": (
        "{period} 已有报告（完成进度 {progress}）：提交即为更正，原报告保留在历史中。",
        "{period} has a report already ({progress}): submitting corrects it; the earlier one stays in the history.",
    ),
    "tasks.form.progress": (
        "完成进度（%，占 2027 年任务目标的比例）",
        "Progress (% of the task's 2027 deliverable)",
    ),
    "tasks.form.recorded_as": ("将以 {user} 的名义记录。", "Recorded as {user}."),
    "tasks.form.submit": ("提交报告", "Submit the report"),
    "tasks.form.saved": (
        "已保存：{code} · {unit} · {period}（录入编号 {id}）",
        "Saved: {code} · {unit} · {period} (entry {id})",
    ),
    "tasks.upload.help": (
        "CSV 文件（UTF-8、带 BOM 的 UTF-8 或 GBK），表头：任务编号、责任单位、报告期、完成进度(%)、进展情况、存在问题、下步打算，"
        "可加 佐证材料。整个文件校验通过才入库；有任何问题则全部不入库，并逐行列出。",
        "A CSV file (UTF-8, UTF-8 with BOM or GBK) with the headers 任务编号, 责任单位, 报告期, 完成进度(%), "
        "进展情况, 存在问题, 下步打算 and optionally 佐证材料 (English headers also work). The file is stored "
        "only when every line passes; otherwise nothing is stored and every problem is listed.",
    ),
    "tasks.upload.template": ("下载填报模板（CSV）", "Download the template (CSV)"),
    "tasks.upload.template_file": ("任务进度填报模板_{period}.csv", "task_progress_template_{period}.csv"),
    "tasks.upload.label": ("选择进度表 CSV 文件", "Choose a progress CSV file"),
    "tasks.upload.rejected": (
        "文件未入库：发现 {n} 个问题（见下表，改正后重新上传）。",
        "The file was not stored: {n} problem(s), listed below; correct them and upload again.",
    ),
    "tasks.upload.valid": ("校验通过：{rows} 条报告，可以入库。", "Checked: {rows} reports, ready to store."),
    "tasks.upload.store": ("确认入库", "Store the reports"),
    "tasks.upload.stored": (
        "已入库 {rows} 条报告（新增 {new} 条，更正 {revised} 条），上传编号 {id}。",
        "Stored {rows} reports ({new} new, {revised} corrected), upload {id}.",
    ),
    # ---- the task list and the rules (administrators)
    "tasks.manage.rules": ("判定规则（对照序时进度）", "Status rules (against the time elapsed)"),
    "tasks.manage.lagging_pp": ("滞后阈值（个百分点）", "Lagging from (pp)"),
    "tasks.manage.seriously_pp": ("严重滞后阈值（个百分点）", "Seriously lagging above (pp)"),
    "tasks.manage.due_days": ("季后报送天数", "Days after the quarter to report"),
    "tasks.manage.note": ("责任主体说明", "Note on 责任主体"),
    "tasks.manage.save_rules": ("保存规则", "Save the rules"),
    "tasks.manage.rules_saved": (
        "规则已保存（无改动的项不记录）。",
        "Rules saved (unchanged values are not recorded).",
    ),
    "tasks.manage.pick": ("选择任务（或新增）", "Task (or a new one)"),
    "tasks.manage.new": ("＋ 新增任务", "+ New task"),
    "tasks.manage.section": ("所属部分", "Section"),
    "tasks.manage.deliverable": ("任务摘要", "Summary"),
    "tasks.manage.units": ("责任单位（按方案顺序）", "Accountable units (in the plan's order)"),
    "tasks.manage.extra_units": (
        "新增责任单位（方案修订新列出的单位，用“、”分隔）",
        "New accountable units (named by a revision; separate with 、)",
    ),
    "tasks.manage.why": ("修改依据（如修订文件名）", "Why (e.g. the revision's document)"),
    "tasks.manage.save": ("保存任务", "Save the task"),
    "tasks.manage.withdraw": ("撤销该任务", "Withdraw the task"),
    "tasks.manage.saved": ("已保存任务 {code}（版本 {version}）。", "Task {code} saved (version {version})."),
    "tasks.manage.unchanged": ("没有改动。", "Nothing changed."),
    "tasks.manage.versions": ("任务清单的历次版本", "Every version of the task list"),
    "tasks.problem.bad_code": (
        "任务编号应为方案格式，如 二(一)2",
        "the code must be in the plan's form, e.g. 二(一)2",
    ),
    "tasks.problem.bad_section": ("所属部分不能为空，最多 60 个字", "the section must be 1–60 characters"),
    "tasks.problem.bad_title": ("任务名称不能为空，最多 60 个字", "the title must be 1–60 characters"),
    "tasks.problem.deliverable_too_long": ("任务摘要最多 300 个字", "the summary is at most 300 characters"),
    "tasks.problem.no_units": ("至少需要一个责任单位", "at least one accountable unit"),
    "tasks.problem.bad_unit": (
        "责任单位名称应为 2–40 个字，不含分隔符或括号",
        "a unit's name is 2–40 characters with no separator or bracket",
    ),
    "tasks.problem.duplicate_unit": ("责任单位重复", "a unit is listed twice"),
    "tasks.problem.note_too_long": ("修改依据最多 200 个字", "the reason is at most 200 characters"),
    "tasks.problem.unknown_task": ("没有这项任务", "no such task"),
    "tasks.problem.not_a_number": ("“{field}”应为数字", "“{field}” must be a number"),
    "tasks.problem.bad_due_days": (
        "“{field}”应为 0 到 90 的整数",
        "“{field}” must be a whole number from 0 to 90",
    ),
    "tasks.problem.bad_thresholds": (
        "“{field}”：应满足 0 < 滞后阈值 ≤ 严重滞后阈值 ≤ 100",
        "“{field}”: 0 < lagging ≤ seriously lagging ≤ 100",
    ),
}
