"""Labels the product writes for its own closed sets: roles, audit events, progress classes.
Looked up with kpi.text.lookup.pick, like every other catalogue."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    # roles (kpi.model.roles.Role)
    "role.leader": ("领导", "leader"),
    "role.statistician": ("统计员", "statistician"),
    "role.county": ("区县", "county official"),
    "role.admin": ("管理员", "administrator"),
    "role.department": ("责任单位", "accountable unit"),
    # audit events (kpi.store.audit.Action)
    "action.sign_in": ("登录", "sign-in"),
    "action.sign_in_failed": ("登录失败", "failed sign-in"),
    "action.sign_out": ("退出登录", "sign-out"),
    "action.upload": ("上传", "upload"),
    "action.rollback": ("撤回上传", "rollback"),
    "action.target_change": ("修改目标", "target change"),
    "action.reward_settings": ("修改奖补规则", "reward rules change"),
    "action.scheme_change": ("修改考核方案", "review scheme change"),
    "action.review_override": ("人工调整考核得分", "review score override"),
    "action.settings_change": ("修改报送与提醒设置", "calendar or alert settings change"),
    "action.taxonomy_change": ("修改产业集群分类", "taxonomy change"),
    "action.user_add": ("新建账号", "user added"),
    "action.user_password": ("修改密码", "password changed"),
    "action.user_role": ("修改角色", "role changed"),
    "action.user_disable": ("停用账号", "user disabled"),
    "action.user_enable": ("启用账号", "user enabled"),
    "action.task_change": ("修改任务清单", "task list change"),
    "action.task_rules": ("修改任务判定规则", "task rules change"),
    # a KPI's status (kpi.model.definitions.Status)
    "status.achieved": ("达标", "achieved"),
    "status.on_track": ("正常推进", "on track"),
    "status.at_risk": ("有风险", "at risk"),
    "status.off_track": ("滞后", "off track"),
    "status.no_data": ("暂无数据", "no data"),
    "status.no_target": ("无分解目标", "no target here"),
    # the rule beside a count that has no target in this scope (a county's platform counts)
    "rule.no_target": (
        "规划只设全市目标：县(市、区)只计数量，不判定进度",
        "The plan sets this target for the city only: a county's count is shown, no progress is judged",
    ),
    # a same-period change (kpi.reports.style.change): the word follows the sign as written
    "change.up": ("同比上升{n}", "up {n} on a year earlier"),
    "change.down": ("同比下降{n}", "down {n} on a year earlier"),
    "change.flat": ("同比持平", "unchanged on a year earlier"),
    "change.short": ("同比", "y/y"),
    # a task's status (kpi.progress.tasks.TaskStatus)
    "task_status.completed": ("已完成", "completed"),
    "task_status.on_schedule": ("按序时推进", "on schedule"),
    "task_status.lagging": ("滞后", "lagging"),
    "task_status.seriously_lagging": ("严重滞后", "seriously lagging"),
    "task_status.not_reported": ("未报送", "not reported"),
    "status.incomplete": ("数据未报齐", "incomplete"),
    # the glide-path light (kpi.progress.trajectory.GlideStatus)
    "glide.achieved": ("已达标", "achieved"),
    "glide.on_track": ("正常推进", "on track"),
    "glide.at_risk": ("有风险", "at risk"),
    "glide.off_track": ("滞后", "off track"),
    "glide.insufficient_data": ("数据不足", "insufficient data"),
    # the pace class (kpi.progress.trajectory.PaceClass)
    "pace.achieved": ("已达标", "target achieved"),
    "pace.substantial": ("进展显著", "substantial progress"),
    "pace.moderate": ("进展中等", "moderate progress"),
    "pace.limited": ("进展有限", "limited progress"),
    "pace.moving_away": ("反向变化", "moving away from the target"),
    "pace.insufficient_data": ("数据不足", "insufficient data"),
}
