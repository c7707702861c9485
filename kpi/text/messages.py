"""User-facing message templates, Chinese first, English on request.

Each validation problem has a stable code; its message is rendered from the template here so
the command line, the upload page and the stored report all say the same words.
"""

from __future__ import annotations

from kpi.text.lookup import merge, pick
from kpi.text.reviews import FIGURE_TEMPLATES
from kpi.text.tasks import TASK_CLI_TEXT, TASK_TEMPLATES

TEMPLATES: dict[str, tuple[str, str]] = {
    # --- errors: the file is rejected, nothing is stored ---
    "EMPTY_FILE": ("文件为空：没有表头或没有数据行", "the file is empty: no header or no data rows"),
    "UNREADABLE": (
        "无法识别文件编码（支持 UTF-8、带 BOM 的 UTF-8、GBK/GB18030），或不是文本 CSV 文件",
        "cannot decode the file (UTF-8, UTF-8 with BOM, GBK/GB18030 are accepted) or it is not a CSV text file",
    ),
    "BAD_CSV": ("CSV 格式错误：{detail}", "malformed CSV: {detail}"),
    "FIELD_COUNT": (
        "字段个数不对：表头有 {expected} 列，此行有 {found} 个值（含逗号的数值请加引号）",
        "wrong number of fields: the header has {expected} columns, this line has {found} values (quote numbers with commas)",
    ),
    "MISSING_COLUMN": (
        "缺少必填列“{field}”（可用表头：{aliases}）",
        "required column “{field}” is missing (accepted headers: {aliases})",
    ),
    "DUPLICATE_COLUMN": (
        "列“{column}”与第 {other} 列表示同一字段“{field}”",
        "column “{column}” means the same field “{field}” as column {other}",
    ),
    "UNKNOWN_UNIT": (
        "列“{column}”的单位“{unit}”无法识别（应为 元、万元 或 亿元）",
        "unit “{unit}” of column “{column}” is not known (use 元, 万元 or 亿元)",
    ),
    "UNKNOWN_PERIOD": (
        "无法识别的统计期“{value}”（示例：2025Q3、2025-Q3、2025年1-9月、2025年三季度）",
        "unknown period “{value}” (examples: 2025Q3, 2025-Q3, 2025年1-9月, 2025年三季度)",
    ),
    "UNKNOWN_REGION": (
        "未知的地区“{value}”（应为统计单位或全市的代码或名称，如 330402 或 南湖区）",
        "unknown region “{value}” (use the code or name of a reporting unit or the city, e.g. 330402 or 南湖区)",
    ),
    "UNKNOWN_CLUSTER": (
        "未知的产业集群“{value}”（应为集群表中的代码或名称；全行业请留空或填“合计”）",
        "unknown cluster “{value}” (use a code or name from the cluster table; leave empty or write 合计 for all industry)",
    ),
    "NOT_A_NUMBER": ("“{value}”不是数字", "“{value}” is not a number"),
    "BAD_THOUSANDS": (
        "“{value}”中逗号的位置不对：千位分隔符须三位一组（如 1,234,567.8），小数请用小数点（如 1.5）",
        "“{value}”: commas must separate groups of three digits (1,234,567.8); write decimals with a point (1.5)",
    ),
    "SPACE_IN_NUMBER": (
        "“{value}”中间有空格或不可见字符（{char}）：数字中不能有空格，千位分隔请用逗号（如 1,234）",
        "“{value}” has a space or an invisible character inside ({char}): a number has no spaces; separate thousands with commas (1,234)",
    ),
    "FOREIGN_DIGITS": (
        "“{value}”含有 0–9 以外的数字字符“{char}”：请用 0–9 书写",
        "“{value}” holds a digit that is not 0–9 (“{char}”): write it with 0–9",
    ),
    "AMOUNT_OUT_OF_RANGE": (
        "金额“{value}”超出合理范围：换算为万元后须为有限值且不超过 {limit} 万元（单位或小数点是否有误？）",
        "amount “{value}” is out of range: in 万元 it must be finite and at most {limit} (a wrong unit or decimal point?)",
    ),
    "COUNT_OUT_OF_RANGE": (
        "企业数“{value}”超出合理范围：一行最多 {limit} 家",
        "enterprise count “{value}” is out of range: at most {limit} in one row",
    ),
    "NO_VALUES": (
        "此行只有统计期、地区和集群，没有任何数值：这样的行会清空已入库的数值，故不接受；不报送的行请删除",
        "this row has its period, region and cluster but no value at all: it would empty the stored values, "
        "so it is refused; delete rows that report nothing",
    ),
    "PERIOD_NOT_ENDED": (
        "统计期“{value}”尚未结束（至 {end} 止）：季度结束后才有统计数据",
        "period “{value}” has not ended (it ends on {end}): a quarter has statistics only once it has ended",
    ),
    "NEGATIVE": ("金额不能为负数：{value}", "an amount cannot be negative: {value}"),
    "NEGATIVE_COUNT": ("企业数不能为负数：{value}", "a count of enterprises cannot be negative: {value}"),
    "NOT_A_WHOLE_NUMBER": (
        "企业数应为整数：{value}",
        "a count of enterprises must be a whole number: {value}",
    ),
    "NUMERATOR_ABOVE_DENOMINATOR": (
        "{numerator}（{num_value}）大于{denominator}（{den_value}）",
        "{numerator} ({num_value}) is above {denominator} ({den_value})",
    ),
    "DUPLICATE_ROW": (
        "统计期 × 地区 × 集群 与第 {first} 行重复（{key}）",
        "the same period × region × cluster as line {first} ({key})",
    ),
    "MISSING_VALUE": ("必填项“{field}”为空", "required value “{field}” is empty"),
    "UNKNOWN_LEVEL": (
        "未知的平台级别“{value}”（应为 市级培育库/市级/省级/工信部重点培育/国家级）",
        "unknown platform level “{value}” (use pool, city, provincial, miit_key or national)",
    ),
    "UNKNOWN_BUILD_MODEL": (
        "未知的建设模式“{value}”（应为 政府牵头/龙头企业开放/高校院所/专业机构/多主体共建）",
        "unknown build model “{value}” (use 政府牵头, 龙头企业开放, 高校院所, 专业机构 or 多主体共建)",
    ),
    "UNKNOWN_STATUS": (
        "未知的状态“{value}”（应为 在建/运行/撤销）",
        "unknown status “{value}” (use 在建, 运行 or 撤销)",
    ),
    "BAD_DATE": (
        "无法识别的日期“{value}”（示例：2025-06-30、2025/6/30、2025年6月30日、2025-06）",
        "unknown date “{value}” (examples: 2025-06-30, 2025/6/30, 2025年6月30日, 2025-06)",
    ),
    "DATE_OUT_OF_RANGE": (
        "日期“{value}”不在中试平台工作的年限内：应在 {first} 至今天（{today}）之间",
        "date “{value}” is outside the life of the platform programmes: it must lie between {first} and today ({today})",
    ),
    "DUPLICATE_PLATFORM": (
        "平台名称 + 依托单位 与第 {first} 行重复（{key}）",
        "the same platform name + host as line {first} ({key})",
    ),
    "REVOKED_ON_NOT_REVOKED": (
        "填写了撤销时间，但状态不是“撤销”",
        "a revocation date is given but the status is not 撤销 (revoked)",
    ),
    "REVOKED_BEFORE_RECOGNISED": (
        "撤销时间“{value}”早于认定时间",
        "revocation date “{value}” is before the recognition date",
    ),
    "UNKNOWN_PLATFORM": (
        "名录中没有平台“{key}”（平台名称 + 依托单位须与名录一致）",
        "no platform “{key}” in the register (name + host must match the register)",
    ),
    "BAD_YEAR": (
        "考核年度“{value}”应为四位年份，如 2025",
        "review year “{value}” must be a year such as 2025",
    ),
    "YEAR_OUT_OF_RANGE": (
        "考核年度“{value}”应在 {first} 年至今年（{this}）之间",
        "review year “{value}” must lie between {first} and this year ({this})",
    ),
    "BAD_SCORE": (
        "考核得分“{value}”应为 0 到 100 之间的数字",
        "review score “{value}” must be a number from 0 to 100",
    ),
    "DUPLICATE_REVIEW": (
        "平台 + 考核年度 与第 {first} 行重复（{key}）",
        "the same platform and review year as line {first} ({key})",
    ),
    "TEXT_TOO_LONG": (
        "“{field}”过长：{length} 个字，最多 {limit} 个字",
        "“{field}” is too long: {length} characters, at most {limit}",
    ),
    "BAD_TIER": ("层级“{value}”应为 1、3、5 或 N", "tier “{value}” must be 1, 3, 5 or N"),
    "BAD_GROUP": (
        "类别“{value}”应为 traditional/emerging/future（传统/新兴/未来）",
        "group “{value}” must be traditional, emerging or future",
    ),
    "BAD_BOOL": ("“{value}”应为 true/false（是/否）", "“{value}” must be true or false"),
    "DUPLICATE_CLUSTER": (
        "集群代码“{value}”与第 {first} 行重复",
        "cluster code “{value}” repeats line {first}",
    ),
    "CLUSTER_IN_USE": (
        "替换后将删除仍被引用的集群“{value}”（{uses}）",
        "replacing would drop cluster “{value}”, which is still referenced ({uses})",
    ),
    # --- hostile or broken files: rejected before anything else is read (kpi.ingest.csvfile guards) ---
    "FILE_TOO_LARGE": (
        "文件过大：{size} MB，上限 {limit} MB（设置 KPI_MAX_UPLOAD_MB）：请按季度或地区拆分后分别上传",
        "the file is too large: {size} MB, the limit is {limit} MB (setting KPI_MAX_UPLOAD_MB); split it by quarter or region",
    ),
    "NOT_CSV": (
        "这不是 CSV 文本文件，而是{kind_zh}：请在 Excel 中“另存为”CSV（UTF-8 或 GBK）后上传",
        "this is not a CSV text file but {kind_en}: save it as CSV (UTF-8 or GBK) in Excel and upload that",
    ),
    "NUL_BYTE": (
        "文件含有空字符（NUL，二进制内容）：不是文本 CSV 文件",
        "the file contains NUL characters (binary content): it is not a CSV text file",
    ),
    "MIXED_ENCODING": (
        "文件混用了不同的编码：第 {utf8_line} 行是 UTF-8，此行不是；请将整个文件用同一种编码另存后上传",
        "the file mixes encodings: line {utf8_line} is UTF-8, this line is not; save the whole file in one encoding",
    ),
    "TOO_MANY_ROWS": (
        "文件有 {found} 行数据，超过上限 {limit} 行（设置 KPI_MAX_ROWS）：请按季度或地区拆分后分别上传",
        "the file has {found} data lines, more than the limit of {limit} (setting KPI_MAX_ROWS); split it by quarter or region",
    ),
    "TOO_MANY_COLUMNS": (
        "此行有 {found} 列，最多允许 {limit} 列：这不像统计表",
        "this line has {found} columns, at most {limit} are allowed: this is not a statistics table",
    ),
    "CELL_TOO_LONG": (
        "有单元格超过 {limit} 个字符：这不像统计表（可能是引号未配对或二进制内容）",
        "a cell is longer than {limit} characters: this is not a statistics table (an unmatched quote or binary content?)",
    ),
    # --- an ingest that failed on something no check foresaw (kpi.ingest.guard): nothing stored ---
    "INTERNAL_ERROR": (
        "文件未入库：检查或写入此文件时发生意外错误（详情已记入日志，编号 {ref}）；请核对文件后重试，"
        "如仍失败请将文件和编号交给系统管理员",
        "the file was not stored: an unexpected error occurred while checking or storing it (logged as {ref}); "
        "check the file and try again, and if it fails again give the file and the number to the administrator",
    ),
    # --- warnings: stored with the upload and shown, never blocking ---
    "REVOKED_WITHOUT_DATE": (
        "状态为“撤销”但没有撤销时间：此前已撤销的平台保留原撤销时间，此前未撤销的以本次上传日期为撤销时间，"
        "首次出现即为撤销的平台不计入任何时点；如知道撤销时间请填写",
        "revoked without a revocation date: a platform revoked before keeps its date, one that was not takes "
        "the day of this upload, one first seen revoked counts at no date; fill in the date where it is known",
    ),
    "IGNORED_COLUMN": ("未识别的列“{column}”已忽略", "unrecognised column “{column}” was ignored"),
    "YTD_DECREASE": (
        "累计值低于同年上一季度（{previous_period}：{previous}，本期：{value}）",
        "year-to-date value below the previous quarter of the same year ({previous_period}: {previous}, now {value})",
    ),
    "CITY_TOTAL_MISMATCH": (
        "{period} 全市合计（{city}）与各单位之和（{units}）相差 {diff_pct}%，超过 0.1%",
        "{period} city total ({city}) differs from the sum of the units ({units}) by {diff_pct}%, more than 0.1%",
    ),
    "RATIO_OUTLIER": (
        "{indicator} {value} 偏离自身历史均值 {mean} 超过 3 个标准差（z = {z}）",
        "{indicator} {value} is more than 3 standard deviations from its own history mean {mean} (z = {z})",
    ),
}

merge(TEMPLATES, FIGURE_TEMPLATES)  # the annual figures file's own problems

CLI_TEXT: dict[str, tuple[str, str]] = {
    "rejected": ("文件 {file} 未入库：发现 {n} 个问题", "{file} was rejected: {n} problem(s)"),
    "not_stored": ("文件 {file} 未入库", "{file} was not stored"),
    "stored": (
        "文件 {file} 已入库：{rows} 行（新增 {new} 行，修订 {revised} 行，未变 {unchanged} 行），上传编号 {upload_id}",
        "{file} stored: {rows} rows ({new} new, {revised} revised, {unchanged} unchanged), upload {upload_id}",
    ),
    "warnings": ("{n} 条提示（已随上传记录保存）：", "{n} warning(s), stored with the upload:"),
    "line": ("第 {line} 行", "line {line}"),
    "column": ("列“{column}”", "column “{column}”"),
    "not_found": ("找不到文件：{file}", "file not found: {file}"),
    "unknown_scope_region": ("未知的地区：{value}", "unknown region: {value}"),
    "unknown_scope_cluster": ("未知的产业集群：{value}", "unknown cluster: {value}"),
    "unknown_scope_period": ("无法识别的统计期：{value}", "unknown period: {value}"),
    "db_busy": (
        "数据库 {db} 正被另一个进程占用，请稍后重试",
        "database {db} is in use by another process; try again shortly",
    ),
    "failed": ("失败：{detail}", "failed: {detail}"),
    "failed_unexpected": (
        "失败：发生意外错误（详情已记入日志 {log}，编号 {ref}）",
        "failed: an unexpected error (logged in {log} as {ref})",
    ),
    "files_summary": (
        "{n} 个文件中 {stored_n} 个已入库、{rejected_n} 个未入库。已入库：{stored}；未入库：{rejected}"
        "（每个文件单独入库，已入库的文件不受影响）",
        "{stored_n} of {n} files stored, {rejected_n} not. Stored: {stored}; not stored: {rejected} "
        "(each file is stored on its own; the stored ones stay)",
    ),
    "init_done": (
        "数据库已就绪：{db}（结构版本 {version}）",
        "database ready: {db} (schema version {version})",
    ),
    "demo_done": (
        "已载入演示数据（合成数据，非真实统计）：{rows} 行统计数据，{platforms} 个平台",
        "demo data loaded (synthetic, not real statistics): {rows} statistics rows, {platforms} platforms",
    ),
    "no_data": (
        "数据库中还没有统计数据：请先运行 kpi demo 或 kpi ingest stats",
        "no statistics yet: run kpi demo or kpi ingest stats",
    ),
    "demo_refused": (
        "数据库中已有真实上传数据，演示数据会覆盖它们：如确需载入请加 --force",
        "the database holds real uploads that demo data would revise; add --force to load anyway",
    ),
    "clusters_done": ("已载入 {n} 个产业集群", "{n} clusters loaded"),
    "reviews_stored": (
        "已入库：{file}，{rows} 条考核结果（新增 {new} 条，更正 {revised} 条），上传编号 {upload_id}",
        "stored: {file}, {rows} review results ({new} new, {revised} corrected), upload {upload_id}",
    ),
    "platforms_stored": (
        "名录 {file} 已入库：{rows} 个平台（新增 {new}，更新 {revised}），上传编号 {upload_id}",
        "register {file} stored: {rows} platforms ({new} new, {revised} updated), upload {upload_id}",
    ),
    "target_set": ("已更新目标 {indicator} = {value}", "target {indicator} set to {value}"),
    "unknown_indicator": ("未知的指标：{value}", "unknown indicator: {value}"),
    "rolled_back": (
        "已撤回上传 {upload_id}：{rows} 行恢复为之前的值",
        "upload {upload_id} rolled back: {rows} rows reverted",
    ),
    "unknown_upload": ("没有可撤回的上传 {upload_id}", "no committed upload {upload_id} to roll back"),
    # --- settings (kpi.model.settings) ---
    "bad_setting": (
        "设置 {name} 的值“{value}”无效：应为 {expected}",
        "setting {name} has an invalid value “{value}”: expected {expected}",
    ),
    # --- access (kpi.access, kpi.access.accounts, kpi.store.audit) ---
    "forbidden_action": ("账号 {user}（{role}）无权{action}", "account {user} ({role}) may not {action}"),
    "forbidden_scope": (
        "区县账号 {user} 只能查看{own}的明细，不能查看{scope}的明细（各单位的比较见全市排名）",
        "county account {user} may see the detail of {own} only, not of {scope} (the city ranking compares the units)",
    ),
    "bad_username": (
        "用户名“{value}”不合规：应为 2–64 个字母、数字、汉字或 . _ - @",
        "username “{value}” is not valid: use 2–64 letters, digits, Chinese characters or . _ - @",
    ),
    "user_exists": ("用户 {user} 已存在", "user {user} exists already"),
    "unknown_user": ("没有用户 {user}", "no user {user}"),
    "bad_role": (
        "未知的角色“{value}”（应为 admin 管理员、leader 领导、statistician 统计员、county 区县、department 责任单位）",
        "unknown role “{value}” (use admin, leader, statistician, county or department)",
    ),
    "region_required": (
        "区县账号必须指定所属单位（--region，九个统计单位之一，如 南湖区 或 330402）",
        "a county account needs its unit (--region, one of the nine units, e.g. 南湖区 or 330402)",
    ),
    "region_not_allowed": (
        "只有区县账号属于某个单位：{role}账号可查看所有地区，请去掉 --region",
        "only county accounts belong to a unit: a {role} account sees every region; drop --region",
    ),
    "region_not_unit": (
        "“{value}”不是统计单位（区县账号须属于一个统计单位，不能属于全市）",
        "“{value}” is not a reporting unit (a county account belongs to one unit, not to the city)",
    ),
    "password_short": ("密码太短：至少 {min} 个字符", "the password is too short: at least {min} characters"),
    "password_long": ("密码太长：最多 {max} 个字符", "the password is too long: at most {max} characters"),
    "password_mismatch": ("两次输入的密码不一致", "the two passwords differ"),
    "password_prompt": ("{user} 的新密码：", "new password for {user}: "),
    "password_again": ("再输入一次：", "again: "),
    "last_admin": (
        "不能停用或降级最后一个启用的管理员 {user}：请先添加另一个管理员",
        "cannot disable or demote {user}, the last active administrator: add another one first",
    ),
    "user_added": ("已创建用户 {user}（{role}{region}）", "user {user} created ({role}{region})"),
    "user_password_set": (
        "已更新 {user} 的密码（此前的登录会话失效）",
        "password of {user} changed (earlier sessions end)",
    ),
    "user_role_set": ("已将 {user} 的角色改为 {role}{region}", "{user} is now {role}{region}"),
    "user_disabled": (
        "已停用用户 {user}（其登录会话立即失效）",
        "user {user} disabled (their sessions end now)",
    ),
    "user_enabled": ("已启用用户 {user}（登录锁定已解除）", "user {user} enabled (sign-in lock cleared)"),
    "no_users": (
        "还没有用户：用 kpi user add 用户名 --role admin 创建第一个管理员",
        "no users yet: create the first administrator with kpi user add NAME --role admin",
    ),
    "sign_in_failed": (
        "用户名或密码不正确，或账号已停用",
        "wrong username or password, or the account is disabled",
    ),
    "sign_in_locked": (
        "登录失败次数过多，该账号已暂时锁定，请在 {until} 后重试",
        "too many failed sign-ins: this account is locked until {until}",
    ),
    "session_expired": (
        "登录已超时（{minutes} 分钟无操作），请重新登录",
        "your session expired ({minutes} minutes without activity); please sign in again",
    ),
    "no_events": ("审计记录为空", "the audit trail is empty"),
    "demo_accounts_made": (
        "演示账号的密码（各账号相同）：{password}\n已保存到 {file}（仅本人可读）。正式使用前请停用这些账号：kpi user disable demo_leader 等。",
        "Password of the demo accounts (the same for all of them): {password}\nKept in {file} (readable by you "
        "only). Disable them before real use: kpi user disable demo_leader, and so on.",
    ),
    "demo_accounts_exist": (
        "数据库中已有账号，未创建演示账号（演示账号清单：{file}）",
        "the database has accounts already: no demo accounts made (the demo list: {file})",
    ),
}

merge(TEMPLATES, TASK_TEMPLATES)
merge(CLI_TEXT, TASK_CLI_TEXT)


# A period refused for a reason kpi.model.periods.refusal can name (UNKNOWN_PERIOD in a file,
# unknown_scope_period on the command line) says that reason and what to write instead: whoever
# refuses the period passes refusal's answer as the parameter `refused`.
PERIOD_REFUSED: dict[str, tuple[str, str]] = {
    "file": ("统计期“{value}”不可用：{reason}", "period “{value}” is not accepted: {reason}"),
    "cli": ("统计期不可用：{value}（{reason}）", "period not accepted: {value} ({reason})"),
    "quarter_end": (
        "月份范围应截至季末的 3、6、9 或 12 月，请写作 {instead}",
        "a month range must end at a quarter end, in March, June, September or December; write {instead}",
    ),
    "ytd_start": (
        "数值是年初至今的累计值，月份范围应从 1 月开始，请写作 {instead}",
        "the values are cumulative from January, so a month range starts in January; write {instead}",
    ),
    "foreign_digits": (
        "含有 0–9 以外的数字字符，请用 0–9 书写，如 {instead}",
        "it holds digits other than 0–9; write it with 0–9, as {instead}",
    ),
    "digit_run": (
        "年份与季度数字连写，含义不明，请写作 {instead}",
        "a year run together with a quarter digit is ambiguous; write {instead}",
    ),
}


def _period_refused(where: str, lang: str, value: object, found: object) -> str | None:
    if not isinstance(found, tuple):
        return None
    reason, spellings = found
    last, sep, word = spellings[-1], ("、" if lang != "en" else ", "), (" 或 " if lang != "en" else " or ")
    instead = sep.join(spellings[:-1]) + word + last if len(spellings) > 1 else last
    return pick(
        PERIOD_REFUSED, where, lang, value=value, reason=pick(PERIOD_REFUSED, reason, lang, instead=instead)
    )


def render(code: str, lang: str = "zh", **params: object) -> str:
    """Render a validation message; unknown codes fall back to the code itself."""
    if code not in TEMPLATES:
        return code.format(**params)
    if code == "UNKNOWN_PERIOD" and (
        refused := _period_refused("file", lang, params.get("value"), params.get("refused"))
    ):
        return refused
    return pick(TEMPLATES, code, lang, **params)


def text(key: str, lang: str = "zh", **params: object) -> str:
    if key == "unknown_scope_period" and (
        refused := _period_refused("cli", lang, params.get("value"), params.get("refused"))
    ):
        return refused
    return pick(CLI_TEXT, key, lang, **params)
