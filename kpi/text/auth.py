"""Texts of the sign-in form, the account box and the admin pages (users, targets, taxonomy, audit)."""

from __future__ import annotations

AUTH_TEXT: dict[str, tuple[str, str]] = {
    "nav.admin": ("系统管理", "Administration"),
    "nav.audit": ("审计记录", "Audit trail"),
    "nav.group.dashboard": ("驾驶舱", "Dashboard"),
    "nav.group.admin": ("管理", "Administration"),
    # sign-in
    "auth.title": ("登录", "Sign in"),
    "auth.username": ("用户名", "Username"),
    "auth.password": ("密码", "Password"),
    "auth.submit": ("登录", "Sign in"),
    "auth.missing": ("请输入用户名和密码", "Enter your username and password"),
    "auth.sso": ("使用单位统一身份认证登录", "Sign in with your organisation's account"),
    "auth.sso_unknown": (
        "统一身份认证已确认您是 {email}，但驾驶舱中没有这个账号或账号已停用，请联系管理员开通。",
        "Your organisation confirmed you as {email}, but the dashboard has no active account of that "
        "name: ask an administrator to add it.",
    ),
    "auth.help": (
        "账号由管理员在“系统管理”页开通；忘记密码请联系管理员重设。连续输错密码会被暂时锁定。",
        "Accounts are created by an administrator on the Administration page; ask them to reset a "
        "forgotten password. Repeated wrong passwords lock the name for a while.",
    ),
    "auth.signing_in": ("正在登录…", "Signing in…"),
    "auth.sign_out": ("退出登录", "Sign out"),
    "auth.signed_out": ("您已退出登录。", "You have signed out."),
    "auth.expired": (
        "登录已超时（{minutes} 分钟无操作），请重新登录。",
        "Your session expired ({minutes} minutes without activity); please sign in again.",
    ),
    "auth.too_old": (
        "登录已满 {hours} 小时，请重新登录。",
        "You signed in {hours} hours ago; please sign in again.",
    ),
    "auth.revoked": (
        "您的账号已停用、密码已更改或角色已调整，请重新登录。",
        "Your account was disabled or its password changed; please sign in again.",
    ),
    "auth.county_scope": (
        "您以区县账号登录：本页显示{unit}的完整数据；其他单位只在排名中出现。",
        "You are signed in as a county official: this page shows {unit} in full; other units "
        "appear only in the ranking.",
    ),
    # admin: users
    "admin.tab.users": ("账号", "Accounts"),
    "admin.tab.targets": ("目标", "Targets"),
    "admin.tab.taxonomy": ("产业集群分类", "Cluster taxonomy"),
    "admin.users.intro": (
        "账号与角色：领导（全市只读）、统计员（上传与撤回）、区县（本单位完整数据）、管理员（账号、目标、分类、审计）、"
        "责任单位（本单位负责的重点任务，报送和更正本单位的进度）。"
        "每项更改都记入审计记录。",
        "Accounts and roles: leader (read everything), statistician (upload and roll back), county "
        "official (own unit in full), administrator (accounts, targets, taxonomy, audit), department "
        "(its own tasks of the plan; reports and corrects its own progress). Every change goes into "
        "the audit trail.",
    ),
    "admin.users.col.username": ("用户名", "Username"),
    "admin.users.col.name": ("姓名", "Name"),
    "admin.users.col.role": ("角色", "Role"),
    "admin.users.col.region": ("所属单位", "Unit"),
    "admin.users.col.active": ("启用", "Active"),
    "admin.users.col.last": ("最近登录", "Last sign-in"),
    "admin.users.col.created": ("创建时间", "Created"),
    "admin.users.add": ("新建账号", "New account"),
    "admin.users.add_submit": ("创建", "Create"),
    "admin.users.password": ("初始密码（至少 {min} 个字符）", "Initial password (at least {min} characters)"),
    "admin.users.password2": ("再输入一次", "Again"),
    "admin.users.region_help": (
        "区县账号选所属统计单位，责任单位账号选所属责任单位（如 市经信局），其他角色留空",
        "A county account's reporting unit, or a department account's accountable unit (e.g. 市经信局); "
        "empty for the other roles",
    ),
    "admin.users.none": ("（无）", "(none)"),
    "admin.users.mismatch": ("两次输入的密码不一致", "The two passwords differ"),
    "admin.users.change": ("修改账号", "Change an account"),
    "admin.users.pick": ("账号", "Account"),
    "admin.users.set_role": ("保存角色", "Save the role"),
    "admin.users.new_password": ("新密码", "New password"),
    "admin.users.set_password": ("重设密码", "Reset the password"),
    "admin.users.disable": ("停用", "Disable"),
    "admin.users.enable": ("启用", "Enable"),
    "admin.users.done": ("已保存：{what}", "Saved: {what}"),
    # admin: targets and taxonomy
    "admin.targets.intro": (
        "目标值、出处和期限是数据而不是常量：更改即时生效，旧值与新值记入审计记录。",
        "Targets, their sources and deadlines are data, not constants: a change applies at once and "
        "the audit trail keeps the old and new values.",
    ),
    "admin.targets.pick": ("指标", "Indicator"),
    "admin.targets.value": ("目标值", "Target value"),
    "admin.targets.value_help": (
        "比率填百分数（如 3.15 表示 3.15%），个数填整数。",
        "Ratios in percent (3.15 means 3.15 %), counts as whole numbers.",
    ),
    "admin.targets.source": ("出处", "Source"),
    "admin.targets.deadline": ("期限", "Deadline"),
    "admin.targets.save": ("保存目标", "Save the target"),
    "admin.targets.unchanged": ("没有更改", "Nothing changed"),
    "admin.taxonomy.intro": (
        "“135N”产业集群分类表（CSV：代码、名称、英文名、层级、类别）。上传前先校验；“替换”会删除表中没有的集群。",
        "The 135N cluster table (CSV: code, name, English name, tier, group). It is checked first; "
        "“replace” drops clusters the file does not list.",
    ),
    "admin.taxonomy.file": ("分类表 CSV", "Taxonomy CSV"),
    "admin.taxonomy.replace": ("替换整个分类表", "Replace the whole table"),
    "admin.taxonomy.submit": ("校验并导入", "Check and import"),
    "admin.taxonomy.done": ("已导入 {rows} 个产业集群", "{rows} clusters imported"),
    # audit
    "audit.intro": (
        "登录、登录失败、退出、上传、撤回、目标与分类更改、账号更改：谁、何时、做了什么。审计记录只增不改，本页只读。",
        "Sign-ins, failed sign-ins, sign-outs, uploads, rollbacks, target and taxonomy changes, "
        "account changes: who, when, what. The trail is append-only; this page only reads it.",
    ),
    "audit.actor": ("操作人", "Actor"),
    "audit.action": ("事件", "Event"),
    "audit.any": ("全部", "All"),
    "audit.since": ("起始日期", "Since"),
    "audit.limit": ("显示条数", "Rows"),
    "audit.col.at": ("时间", "Time"),
    "audit.col.detail": ("详情", "Detail"),
    "audit.empty": ("没有符合条件的记录", "No events match"),
    "audit.download": ("下载审计记录（Excel）", "Download the audit trail (Excel)"),
    "audit.col.raw": ("原始记录（JSON）", "Raw detail (JSON)"),
    # audit: one sentence per event (kpi.ui.audit.event_text), from the event's action and detail
    "audit.text.sign_in": ("登录（{method}）", "Signed in ({method})"),
    "audit.text.sign_out": ("退出登录", "Signed out"),
    "audit.text.sign_in_failed": ("登录失败：{reason}", "Failed sign-in: {reason}"),
    "audit.text.failures": ("连续第 {n} 次", "{n} in a row"),
    "audit.text.now_locked": ("账号被暂时锁定", "the name is now locked"),
    "audit.method.password": ("密码", "password"),
    "audit.method.oidc": ("统一身份认证", "single sign-on"),
    "audit.reason.wrong_password": ("密码错误", "wrong password"),
    "audit.reason.unknown_user": ("用户名不存在", "unknown username"),
    "audit.reason.disabled": ("账号已停用", "account disabled"),
    "audit.reason.locked": ("账号锁定期间再次尝试", "tried while the name was locked"),
    "audit.text.upload": (
        "{what}{file}：{rows} 行（新增 {new}，修订 {revised}），上传编号 {id}",
        "{what}{file}: {rows} rows ({new} new, {revised} revised), upload {id}",
    ),
    "audit.text.upload_unchanged": (
        "{what}{file}：{rows} 行（新增 {new}，修订 {revised}，未变 {unchanged}），上传编号 {id}",
        "{what}{file}: {rows} rows ({new} new, {revised} revised, {unchanged} unchanged), upload {id}",
    ),
    "audit.text.demo": ("（演示数据）", " (demo data)"),
    "audit.text.rollback": (
        "撤回上传编号 {id}（{what}，{rows} 行）",
        "Rolled back upload {id} ({what}, {rows} rows)",
    ),
    "audit.upload.stats": ("上传统计数据", "Uploaded statistics"),
    "audit.upload.demo": ("载入演示数据", "Loaded the demo data"),
    "audit.upload.platforms": ("上传中试平台名录", "Uploaded the platform register"),
    "audit.upload.platform_edit": ("修正平台信息", "Corrected a platform"),
    "audit.upload.reviews": ("上传考核结果", "Uploaded review scores"),
    "audit.upload.review_form": ("录入考核结果", "Entered review scores"),
    "audit.upload.clusters": ("导入产业集群分类表", "Imported the cluster taxonomy"),
    "audit.upload.other": ("上传（{kind}）", "Uploaded ({kind})"),
    "audit.kind.stats": ("统计数据", "statistics"),
    "audit.kind.demo": ("演示数据", "demo data"),
    "audit.kind.platforms": ("中试平台名录", "platform register"),
    "audit.kind.platform_edit": ("平台信息修正", "platform correction"),
    "audit.kind.reviews": ("考核结果", "review scores"),
    "audit.kind.review_form": ("考核结果录入", "review scores entered"),
    "audit.kind.clusters": ("产业集群分类表", "cluster taxonomy"),
    "audit.text.target_change": ("修改目标 {indicator}：{changes}", "Target changed, {indicator}: {changes}"),
    "audit.text.reward_settings": ("修改奖补规则：{changes}", "Reward rules changed: {changes}"),
    "audit.text.unchanged": ("无变化", "no change"),
    "audit.field.source": ("出处", "source"),
    "audit.field.deadline": ("期限", "deadline"),
    "audit.field.band_pp": ("区间（个百分点）", "band (pp)"),
    "audit.text.user_add": ("新建账号 {user}，角色 {role}", "Added account {user}, role {role}"),
    "audit.text.user_password": ("修改账号 {user} 的密码", "Changed the password of {user}"),
    "audit.text.user_role": (
        "修改账号 {user} 的角色：{old} → {new}",
        "Changed the role of {user}: {old} → {new}",
    ),
    "audit.text.user_disable": ("停用账号 {user}", "Disabled account {user}"),
    "audit.text.user_enable": ("启用账号 {user}", "Enabled account {user}"),
}
