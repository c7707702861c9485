"""Texts of the alerts: the rules' messages (delivered in Chinese), `kpi alerts`, the settings'
refusals and the admin page's section (merged into kpi.text.dashboard.UI_TEXT)."""

from __future__ import annotations

ALERT_TEXT: dict[str, tuple[str, str]] = {
    "bad_setting_value": (
        "设置项 {setting} 的值“{value}”不可用：应为 {expected}，未作任何修改",
        "setting {setting}: “{value}” is not allowed (expected {expected}); nothing was changed",
    ),
    # ---- the rules (kpi.alerts.rules): what happened and why it is an alert
    "rule.status_worsened": ("指标状态较上季度变差", "A KPI's status worse than the quarter before"),
    "rule.stats_late": ("单位统计数据逾期未报", "A unit's statistics late"),
    "rule.platform_below_band": ("平台考核得分低于最低档", "A platform's review below the lowest band"),
    "rule.task_report_late": ("任务进展报告逾期未报", "A task progress report late"),
    "rule.task_seriously_lagging": ("任务转为严重滞后", "A task turns seriously lagging"),
    "rule.pending": ("待相应模块合并后启用", "waits for the module it needs"),
    "what.status_worsened": (
        "{scope}“{indicator}”状态由“{before}”变为“{now}”（{period}）",
        "{scope}: “{indicator}” went from “{before}” to “{now}” ({period})",
    ),
    "why.status_worsened": (
        "{period}：{value_now}；{previous}：{value_before}。状态按目标与序时进度判定，较上一已发布季度变差。",
        "{period}: {value_now}; {previous}: {value_before}. The status, judged against the target and "
        "the time elapsed, is worse than in the previous published quarter.",
    ),
    "what.stats_late": ("{unit} {period} 统计数据逾期未报", "{unit}: statistics for {period} are late"),
    "why.stats_late": (
        "应报日期 {due}（季度结束后第 {days} 天），截至 {today} 未收到任何数值。",
        "Due {due} ({days} days after the quarter's end); nothing had arrived by {today}.",
    ),
    "what.platform_below_band": (
        "{platform}（{host}）{year} 年度考核得分 {score}，低于最低档",
        "{platform} ({host}): {year} review score {score}, below the lowest band",
    ),
    "why.platform_below_band": (
        "奖补规则的最低档为 {lowest} 分，低于此分不获培育库年度奖补。",
        "The reward rules' lowest band starts at {lowest}; below it the pool earns no reward for the year.",
    ),
    "what.task_report_late": (
        "{unit} {period} 任务进展报告逾期未报（{n} 项任务）",
        "{unit}: task progress reports for {period} are late ({n} task(s))",
    ),
    "why.task_report_late": (
        "应报日期 {due}（季度结束后第 {days} 天），截至 {today} 未收到以下任务的进展报告：{tasks}。",
        "Due {due} ({days} days after the quarter's end); by {today} no report had arrived on: {tasks}.",
    ),
    "what.task_seriously_lagging": (
        "任务 {code}“{title}”{unit} 进度严重滞后（{period}）",
        "Task {code} “{title}”: {unit} is seriously lagging ({period})",
    ),
    "why.task_seriously_lagging": (
        "{period} 报告完成进度 {progress}，序时进度 {expected}，落后 {gap}（落后超过 {threshold} 个百分点为严重滞后）。",
        "{period}: reported progress {progress} against {expected} of the time elapsed, {gap} behind "
        "(seriously lagging: more than {threshold} pp behind).",
    ),
    "who.city": ("市中试平台建设专班", "the city task force"),
    "content": (
        "【中试驾驶舱提醒】{what}\n原因：{why}\n责任：{who}",
        "[Cockpit alert] {what}\nWhy: {why}\nWho: {who}",
    ),
    "test_content": (
        "【中试驾驶舱提醒】测试消息：推送地址配置成功（{when}）",
        "[Cockpit alert] Test message: the webhook works ({when})",
    ),
    # ---- kpi alerts
    "cli.none": ("提醒记录为空", "the outbox is empty"),
    "cli.line": (
        "{id}  {created}  {state}  {what}（{who}）",
        "{id}  {created}  {state}  {what} ({who})",
    ),
    "cli.state.sent": ("已发送", "sent"),
    "cli.state.waiting": ("待发送", "waiting"),
    "cli.state.retrying": ("重试中（已试 {attempts} 次：{error}）", "retrying ({attempts} tries: {error})"),
    "cli.state.failed": ("发送失败（已试 {attempts} 次：{error}）", "failed ({attempts} tries: {error})"),
    "cli.checked": ("规则检查完毕：新增提醒 {n} 条", "rules checked: {n} new alert(s)"),
    "cli.sent": (
        "发送完毕：成功 {sent} 条，本次失败 {failed} 条；待重试 {waiting} 条，已放弃 {given_up} 条",
        "delivered: {sent} sent, {failed} failed this run; {waiting} waiting, {given_up} given up",
    ),
    "cli.no_webhook": (
        "未配置推送地址（kpi alerts webhook URL，或系统管理页）：提醒已留在提醒记录中，未发送",
        "no webhook configured (kpi alerts webhook URL, or the admin page): the alerts stay in the outbox, unsent",
    ),
    "cli.webhook_set": ("推送地址已更新：{url}（{kind}，{signed}）", "webhook set: {url} ({kind}, {signed})"),
    "cli.webhook_off": ("推送地址已清除，提醒只记录不发送", "webhook cleared: alerts are queued, not sent"),
    "cli.signed": ("加签", "signed"),
    "cli.unsigned": ("不加签", "unsigned"),
    "cli.rule_line": ("  {rule}  {state}  {label}{params}", "  {rule}  {state}  {label}{params}"),
    "cli.rule_on": ("启用", "on"),
    "cli.rule_off": ("停用", "off"),
    "cli.unknown_rule": ("没有规则 {rule}", "no rule {rule}"),
    "cli.rule_pending": ("规则 {rule} 尚不可用：{why}", "rule {rule} is not available yet: {why}"),
    # ---- delivery errors, as kept in the outbox (last_error)
    "error.http": ("推送地址返回 HTTP {status}", "the webhook answered HTTP {status}"),
    "error.refused": ("推送地址拒收：{code} {message}", "the webhook refused it: {code} {message}"),
    "error.network": ("无法连接推送地址：{reason}", "cannot reach the webhook: {reason}"),
    # ---- the admin page's section (kpi.ui.alerts)
    "alerts.tab": ("报送与提醒", "Calendar and alerts"),
    "alerts.intro": (
        "提醒规则检查数据后把提醒写入提醒记录，再推送到钉钉或企业微信群机器人。"
        "服务器上用定时任务运行 `kpi alerts send`（先检查规则，再发送）；同一事件只提醒一次，发送失败会按间隔重试。",
        "The rules check the data and queue alerts in the outbox, which are delivered to a DingTalk or "
        "WeCom group robot. On the server a cron job runs `kpi alerts send` (check, then deliver); an "
        "event is alerted once, and a failed delivery is retried at growing intervals.",
    ),
    "alerts.webhook": ("推送地址（群机器人 Webhook）", "Webhook (group robot)"),
    "alerts.kind": ("机器人类型", "Robot"),
    "alerts.kind.dingtalk": ("钉钉", "DingTalk"),
    "alerts.kind.wecom": ("企业微信", "WeCom"),
    "alerts.secret": (
        "钉钉加签密钥（SEC 开头；留空不改）",
        "DingTalk signing secret (starts with SEC; empty: unchanged)",
    ),
    "alerts.secret_set": ("已设置加签密钥", "a signing secret is set"),
    "alerts.secret_clear": ("清除加签密钥", "Remove the signing secret"),
    "alerts.save": ("保存设置", "Save settings"),
    "alerts.saved": ("已保存：{keys}", "Saved: {keys}"),
    "alerts.unchanged": ("没有改动", "Nothing changed"),
    "alerts.test": ("发送测试消息", "Send a test message"),
    "alerts.test_ok": ("测试消息已发送", "Test message sent"),
    "alerts.test_failed": ("测试消息未送达：{error}", "Test message not delivered: {error}"),
    "alerts.no_url": ("请先填写推送地址", "Enter a webhook first"),
    "alerts.rules": ("提醒规则", "Alert rules"),
    "alerts.rules_help": ("勾选即启用；规则和参数见 kpi/reference/alert_rules.csv。", "Ticked: on."),
    "alerts.outbox": ("提醒记录", "Outbox"),
    "alerts.outbox_empty": ("还没有提醒。", "No alerts yet."),
    "alerts.col.id": ("编号", "No."),
    "alerts.col.created": ("时间", "When"),
    "alerts.col.rule": ("规则", "Rule"),
    "alerts.col.who": ("责任", "Who"),
    "alerts.col.what": ("内容", "What"),
    "alerts.col.why": ("原因", "Why"),
    "alerts.col.state": ("发送", "Delivery"),
    "alerts.col.attempts": ("尝试次数", "Tries"),
    "alerts.col.error": ("最近错误", "Last error"),
    "alerts.calendar_due": (
        "统计数据应报日（季度结束后第几天）",
        "Statistics due (days after the quarter's end)",
    ),
    "alerts.retries": ("最多尝试次数", "Most tries"),
    "alerts.retry_seconds": ("首次重试间隔（秒，之后每次加倍）", "First retry after (seconds, doubling)"),
}
