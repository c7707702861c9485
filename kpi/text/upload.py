"""UI texts of the upload page (数据上传), merged into kpi.text.dashboard.UI_TEXT."""

from __future__ import annotations

UPLOAD_TEXT: dict[str, tuple[str, str]] = {
    # Streamlit's own widget texts, replaced on a Chinese page by kpi.ui.lang.widget_texts (CSS);
    # every uploader of the app takes CSV only
    "widget.upload_button": ("选择文件", "Upload"),
    "widget.upload_limit": ("单个文件不超过 {mb} MB · CSV", "{mb}MB per file • CSV"),
    "widget.date_year": ("年", "yyyy"),
    "widget.date_month": ("月", "mm"),
    "widget.date_day": ("日", "dd"),
    "upload.intro": (
        "上传统计季报或中试平台名录（CSV）。每个文件先校验、再预览将发生的变化，确认后才入库；"
        "有任何错误的文件整份不入库。",
        "Upload quarterly statistics or the pilot-platform register (CSV). Each file is validated and "
        "previewed first and stored only after you confirm; a file with any error is not stored at all.",
    ),
    "upload.limits": (
        "单个文件不超过 {mb} MB；CSV 格式，编码 UTF-8、带 BOM 的 UTF-8 或 GBK/GB18030 均可（自动识别）。"
        "金额单位默认万元（表头可写“(亿元)”“(元)”），数值为年初至本季度末的累计值。",
        "At most {mb} MB per file; CSV in UTF-8, UTF-8 with BOM or GBK/GB18030 (detected automatically). "
        "Money in 万元 (10k yuan) unless a header says (亿元) or (元); values are cumulative year to date.",
    ),
    "upload.recorded_as": (
        "上传人：{user}（当前登录账号，随每次入库和撤回记录）",
        "Uploaded by {user} (the signed-in account, recorded with every upload and rollback)",
    ),
    "upload.templates": ("下载模板", "Templates"),
    "upload.template_stats": ("统计季报模板（CSV）", "Statistics template (CSV)"),
    "upload.template_platforms": ("中试平台名录模板（CSV）", "Platform register template (CSV)"),
    "upload.template_stats_file": ("统计季报模板.csv", "statistics_template.csv"),
    "upload.template_platforms_file": ("中试平台名录模板.csv", "platform_register_template.csv"),
    "upload.template_hint": (
        "模板含中文表头和一行示例，填写前请删除示例行。统计期可写 2025Q3 或 2025年1-9月；"
        "产业集群留空或写“合计”表示全行业。",
        "Templates have Chinese headers and one example row: delete it before filling in. A period may "
        "be 2025Q3 or 2025年1-9月; an empty cluster or 合计 means all industry.",
    ),
    "upload.stats_files": ("统计季报文件（可多选）", "Statistics files (several allowed)"),
    "upload.platform_file": ("中试平台名录文件", "Pilot-platform register file"),
    "upload.section_stats": ("统计季报", "Quarterly statistics"),
    "upload.section_platforms": ("中试平台名录", "Pilot-platform register"),
    "upload.file_head": ("文件：{name}", "File: {name}"),
    "upload.encoding": (
        "识别编码：{encoding} · 数据行：{rows}",
        "Encoding: {encoding} · data rows: {rows}",
    ),
    "upload.encoding_unknown": ("无法识别", "not recognised"),
    "upload.enc.utf-8": ("UTF-8", "UTF-8"),
    "upload.enc.utf-8-sig": ("UTF-8（带 BOM）", "UTF-8 with BOM"),
    "upload.enc.gb18030": ("GBK / GB18030", "GBK / GB18030"),
    "upload.enc.utf-16": ("UTF-16", "UTF-16"),
    "upload.rejected": (
        "文件未通过校验，未入库：共 {n} 个错误，见下表（行号以表头为第 1 行）。请修改后重新上传。",
        "The file failed validation and was not stored: {n} error(s) below (line 1 is the header). "
        "Fix them and upload again.",
    ),
    "upload.valid": ("校验通过：{rows} 行数据。", "Validation passed: {rows} data rows."),
    "upload.warnings": (
        "{n} 条提示（不阻止入库，将随上传记录保存）",
        "{n} warning(s): not blocking, stored with the upload",
    ),
    "upload.report_download": ("下载校验报告（CSV）", "Download the validation report (CSV)"),
    "upload.report_download_xlsx": ("下载校验报告（Excel）", "Download the validation report (Excel)"),
    "upload.report_file": ("校验报告", "validation_report"),
    "upload.preview": ("入库预览", "What will change"),
    "upload.rows_in_file": ("文件行数", "Rows in file"),
    "upload.new_rows": ("新增行", "New rows"),
    "upload.revised_rows": ("修订行", "Revised rows"),
    "upload.unchanged_rows": ("未变行", "Unchanged rows"),
    "upload.revisions": (
        "将被修订的数值（旧值 → 新值，金额单位万元）",
        "Values that will be revised (old → new, money in 万元)",
    ),
    "upload.new_list": ("新增的行", "New rows"),
    "upload.revisions_capped": (
        "共 {n} 处数值将被修订，下表按文件行序列出前 {shown} 处；完整清单请下载。",
        "{n} values will be revised; the table lists the first {shown} in file order; download the full list.",
    ),
    "upload.revisions_download": ("下载全部修订清单（CSV）", "Download all revisions (CSV)"),
    "upload.revisions_file": ("修订清单", "revisions"),
    "upload.no_change": (
        "此文件与库中现有数据完全相同，入库不会改变任何数值。",
        "This file matches the stored data exactly: storing it would change no value.",
    ),
    "upload.already": (
        "此文件（相同内容）已于 {when} 入库，上传编号 {upload_id}。",
        "This file (same content) was stored on {when} as upload {upload_id}.",
    ),
    "upload.confirm": ("确认入库", "Store this file"),
    "upload.confirm_help": (
        "在一个事务中写入：要么全部入库，要么什么都不写。",
        "Written in one transaction: all of it or nothing.",
    ),
    "upload.stored": (
        "文件 {file} 已入库，上传编号 {upload_id}：{rows} 行（新增 {new}，修订 {revised}，未变 {unchanged}）。各页面已更新。",
        "{file} stored as upload {upload_id}: {rows} rows ({new} new, {revised} revised, {unchanged} unchanged). Every page "
        "now shows the new numbers.",
    ),
    "upload.failed": (
        "入库失败，未写入任何数据：{detail}",
        "Storing failed and nothing was written: {detail}",
    ),
    "upload.failed_unexpected": (
        "入库失败，未写入任何数据。请稍后重试；如仍失败请联系管理员。",
        "Storing failed and nothing was written. Retry shortly; tell the administrator if it persists.",
    ),
    "upload.check_failed": (
        "文件 {file} 无法校验，未入库。请稍后重试；如仍失败请联系管理员。",
        "{file} could not be validated and was not stored. Retry shortly; tell the administrator if it persists.",
    ),
    "upload.platform_new": ("新增平台", "New platforms"),
    "upload.platform_updated": ("更新平台", "Updated platforms"),
    "upload.platform_changes": (
        "将被更新的平台（旧值 → 新值）",
        "Platforms that will be updated (old → new)",
    ),
    "upload.demo_banner": (
        "库中现有演示数据（合成数据，不是真实统计）。在本页上传真实的统计季报后，同一统计期、单位和集群的演示数值即由真实数据取代；"
        "其余演示数据可在本页底部“撤回上传”中选“全部演示数据”一并撤回。",
        "The store holds demo data (synthetic, not real statistics). Upload the real quarterly files here: "
        "each replaces the demo values of the same period, unit and cluster; withdraw the rest at the foot "
        "of this page under “Roll back an upload”, option “All demo data”.",
    ),
    # ---- history and rollback
    "upload.history": ("上传记录", "Upload history"),
    "upload.history_empty": ("还没有上传记录。", "No uploads yet."),
    "upload.rollback": ("撤回上传", "Roll back an upload"),
    "upload.rollback_help": (
        "撤回后，该次上传带来的数值不再计入，相关行恢复为之前一次上传的值；上传记录保留，状态改为“已撤回”。",
        "After a rollback the upload's values stop counting and the affected rows revert to the "
        "previous upload's values; the record stays, marked “rolled back”.",
    ),
    "upload.rollback_pick": ("选择要撤回的上传", "Upload to roll back"),
    "upload.rollback_placeholder": ("请选择上传编号", "Choose an upload"),
    "upload.rollback_none": ("没有可撤回的上传。", "No upload can be rolled back."),
    "upload.rollback_confirm": ("撤回这次上传", "Roll back this upload"),
    "upload.rollback_sure": (
        "我已核对，确认撤回：{upload}",
        "I have checked: roll back {upload}",
    ),
    "upload.effect": ("撤回“{upload}”将：{parts}。", "Rolling back “{upload}” will {parts}."),
    "upload.demo_set": ("全部演示数据（{n} 次上传）", "All demo data ({n} uploads)"),
    "upload.effect_revert": (
        "{n} {unit}恢复为之前一次上传的值",
        "put {n} {unit} back to the previous upload's values",
    ),
    "upload.effect_vanish": (
        "{n} {unit}此前没有数据，撤回后不再计入",
        "drop {n} {unit} that had no earlier value (they stop counting)",
    ),
    "upload.effect_superseded": (
        "{n} {unit}已被之后的上传更新，不受影响",
        "leave {n} {unit} alone (a later upload replaced them already)",
    ),
    "upload.unit_stats": ("行统计数据", "rows of statistics"),
    "upload.unit_platforms": ("个平台", "platforms"),
    "upload.rolled_back": (
        "已撤回上传 {upload_id}：其 {rows} 行不再计入，这些行恢复为之前一次上传的值（此前没有的则不再显示）。各页面已更新。",
        "Upload {upload_id} rolled back: its {rows} rows stop counting and revert to the previous upload's "
        "values (rows it added disappear). Every page now shows the new numbers.",
    ),
    "upload.rollback_missing": (
        "上传 {upload_id} 已撤回或不存在，未做任何更改。",
        "Upload {upload_id} is already rolled back or does not exist; nothing changed.",
    ),
    "upload.issues": ("查看上传提示", "Warnings stored with an upload"),
    "upload.issues_pick": ("选择上传", "Upload"),
    "upload.issues_none": ("还没有带提示的上传。", "No upload has stored warnings."),
    "upload.option": ("#{id} · {file} · {when}", "#{id} · {file} · {when}"),
    # ---- column headers
    "upload.col.id": ("编号", "ID"),
    "upload.col.kind": ("类型", "Kind"),
    "upload.col.file": ("文件名", "File"),
    "upload.col.when": ("上传时间", "Uploaded at"),
    "upload.col.by": ("上传人", "By"),
    "upload.col.rows": ("行数（新增/修订/未变）", "Rows (new/revised/unchanged)"),
    "upload.rows_text": (
        "{rows}（{new} / {revised} / {unchanged}）",
        "{rows} ({new} / {revised} / {unchanged})",
    ),
    "upload.col.status": ("状态", "Status"),
    "upload.col.warnings": ("提示数", "Warnings"),
    "upload.col.line": ("行", "Line"),
    "upload.col.period": ("统计期", "Period"),
    "upload.col.region": ("县(市、区)", "Region"),
    "upload.col.cluster": ("产业集群", "Cluster"),
    "upload.col.field": ("指标", "Field"),
    "upload.col.item": ("项目", "Item"),
    "upload.col.old": ("旧值", "Old"),
    "upload.col.new_value": ("新值", "New"),
    "upload.col.diff_pct": ("变动", "Change"),
    "upload.col.column": ("列", "Column"),
    "upload.col.message": ("说明", "Message"),
    "upload.col.platform": ("平台名称", "Platform"),
    "upload.col.host": ("依托单位", "Host"),
    "upload.kind.stats": ("统计季报", "statistics"),
    "upload.kind.platforms": ("平台名录", "platforms"),
    "upload.kind.clusters": ("集群分类", "clusters"),
    "upload.kind.demo": ("演示数据", "demo"),
    "upload.status.committed": ("已入库", "stored"),
    "upload.status.rolled_back": ("已撤回", "rolled back"),
    "upload.kind_demo": ("{kind}（演示）", "{kind} (demo)"),
    "upload.status_rolled_back_by": ("已撤回（{by}，{when}）", "rolled back ({by}, {when})"),
}
