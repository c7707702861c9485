"""UI texts of the pilot-platform page (中试平台), merged into kpi.text.dashboard.UI_TEXT."""

from __future__ import annotations

PLATFORMS_TEXT: dict[str, tuple[str, str]] = {
    "nav.platforms": ("中试平台", "Pilot platforms"),
    "plat.as_of": (
        "平台数据截至 {date}（今天）；目标期限 {deadline}。",
        "Platform figures as of {date} (today); targets due {deadline}.",
    ),
    "plat.empty": (
        "名录中还没有中试平台。统计员登录后可在“数据上传”页上传中试平台名录 CSV。",
        "The register holds no pilot platforms yet. A statistician uploads the register CSV on the "
        "Data upload page.",
    ),
    "plat.unconfirmed": (
        "注意：135N集群名单及层级为占位清单（未经官方确认），覆盖率按此清单计算。",
        "Note: the 135N cluster list and tiers are a placeholder (not officially confirmed); coverage "
        "is computed against it.",
    ),
    # ---- goal cards
    "plat.goal.covered": ("已覆盖 {covered}/{total} 个集群", "{covered} of {total} clusters covered"),
    "plat.goal.count": ("{value} 家 / 目标 {target} 家", "{value} / target {target}"),
    "plat.goal.progress": (
        "完成率 {completion} · 序时进度 {elapsed}",
        "completion {completion} · time elapsed {elapsed}",
    ),
    "plat.goal.value_label": ("截至 {date}", "as of {date}"),
    # ---- tabs
    "plat.tab.register": ("平台名录", "Register"),
    "plat.tab.coverage": ("135N覆盖", "135N coverage"),
    "plat.tab.ladder": ("梯度层级", "Levels"),
    "plat.tab.rewards": ("奖励资金", "Rewards"),
    "plat.tab.reviews": ("年度绩效考核", "Annual reviews"),
    "plat.tab.edit": ("修正平台信息", "Correct a platform"),
    # ---- register table and filters
    "plat.search": ("搜索平台名称或依托单位", "Search name or host"),
    "plat.filter.region": ("县(市、区)", "Region"),
    "plat.filter.cluster": ("服务集群", "Cluster"),
    "plat.filter.level": ("级别", "Level"),
    "plat.filter.build_model": ("建设模式", "Build model"),
    "plat.filter.status": ("状态", "Status"),
    "plat.filter.all": ("全部", "all"),
    "plat.shown": ("显示 {n} / {total} 个平台", "Showing {n} of {total} platforms"),
    "plat.none_match": ("没有符合筛选条件的平台。", "No platform matches the filters."),
    "plat.download_register": ("下载名录（CSV）", "Download the register (CSV)"),
    "plat.file.register": ("中试平台名录.csv", "pilot_platform_register.csv"),
    "plat.col.entered_on": ("列入名录时间", "Entered register"),
    "plat.col.revoked_on": ("撤销时间", "Revoked on"),
    "plat.col.support": ("国家支持资金（万元）", "National support (10k yuan)"),
    "plat.col.region": ("县(市、区)", "Region"),
    "plat.no_model": ("—", "—"),
    # ---- history
    "plat.history": ("平台历史", "Platform history"),
    "plat.history_pick": ("选择平台", "Platform"),
    "plat.history_help": (
        "何时列入培育库、何时升级、何时撤销，以及每次更正的经办人和来源。",
        "When it entered the pool, moved up a level or was revoked, and who recorded each change and how.",
    ),
    "plat.col.on": ("生效日期", "Effective"),
    "plat.col.event": ("事件", "Event"),
    "plat.col.recorded_at": ("记录时间", "Recorded"),
    "plat.col.by": ("经办人", "By"),
    "plat.col.source": ("来源", "Source"),
    "plat.col.note": ("说明", "Note"),
    "plat.event.entered": ("列入名录（{level}）", "Entered the register ({level})"),
    "plat.event.entered_pool": ("列入市级培育库", "Entered the city cultivation pool"),
    "plat.event.promoted": ("升级：{old} → {new}", "Moved up: {old} → {new}"),
    "plat.event.demoted": ("降级：{old} → {new}", "Moved down: {old} → {new}"),
    "plat.event.revoked": ("撤销", "Revoked"),
    "plat.event.reinstated": ("恢复（取消撤销）", "Reinstated"),
    "plat.event.corrected": ("更正：{fields}", "Corrected: {fields}"),
    "plat.source.form": ("页面修正（上传编号 {id}）", "form correction (upload {id})"),
    "plat.source.file": ("名录上传：{file}（上传编号 {id}）", "register upload: {file} (upload {id})"),
    "plat.field.region": ("县(市、区)", "region"),
    "plat.field.clusters": ("服务集群", "clusters"),
    "plat.field.level": ("级别", "level"),
    "plat.field.build_model": ("建设模式", "build model"),
    "plat.field.recognised_on": ("认定时间", "recognition date"),
    "plat.field.status": ("状态", "status"),
    "plat.field.revoked_on": ("撤销时间", "revocation date"),
    "plat.field.national_support": ("国家支持资金", "national support"),
    # ---- coverage
    "plat.cov.rule": (
        "规则：任一级别（市级培育库及以上）且未撤销的平台覆盖其服务的全部集群；"
        "一个平台服务多个集群时分别计入；撤销的平台自撤销时间起不再覆盖。",
        "Rule: a platform of any level (city cultivation pool and up) that is not revoked covers every "
        "cluster it serves; a platform serving several clusters counts for each; a revoked platform "
        "stops covering on its revocation date.",
    ),
    "plat.cov.uncovered": ("尚无中试平台的集群", "Clusters still without a pilot platform"),
    "plat.cov.all_covered": ("所有集群均已有中试平台。", "Every cluster has a pilot platform."),
    "plat.cov.hosts": ("集群企业所在单位", "Where the cluster's firms are"),
    "plat.cov.no_hosts": ("（统计数据中暂无该集群）", "(no statistics rows for this cluster yet)"),
    "plat.cov.matrix": ("集群 × 县(市、区)：中试平台数", "Cluster × region: pilot platforms"),
    "plat.cov.matrix_help": (
        "按平台所在县(市、区)计数；整行为空的集群尚未覆盖。",
        "Counted where the platform sits; uncovered clusters show an empty row.",
    ),
    "plat.cov.over_time": ("覆盖情况分季度变化", "Coverage quarter by quarter"),
    "plat.cov.over_time_help": (
        "各季度末（本季度为截至今天）按认定时间和撤销时间计算。",
        "At each quarter's end (the current quarter: as of today), from recognition and revocation dates.",
    ),
    "plat.cov.newly_now": ("本季度新增覆盖", "Newly covered this quarter"),
    "plat.cov.newly_none": ("本季度暂无新增覆盖的集群。", "No cluster newly covered this quarter."),
    "plat.cov.col.period": ("季度", "Quarter"),
    "plat.cov.col.as_of": ("截至", "As of"),
    "plat.cov.col.covered": ("已覆盖集群数", "Clusters covered"),
    "plat.cov.col.rate": ("覆盖率", "Coverage"),
    "plat.cov.col.newly": ("新增覆盖", "Newly covered"),
    "plat.cov.col.lost": ("不再覆盖", "No longer covered"),
    "plat.cov.chart_covered": ("已覆盖集群数", "clusters covered"),
    "plat.cov.chart_total": ("集群总数", "all clusters"),
    # ---- ladder
    "plat.ladder.rule": (
        "高一级包含低一级：覆盖率统计市级培育库及以上全部平台；“省级（累计）”含省级、工信部重点培育和国家级平台，"
        "“国家级”仅含国家级平台。均不含已撤销平台。",
        "A higher level includes the lower ones: coverage counts every platform from the cultivation pool "
        "up; “provincial (cumulative)” counts provincial, MIIT key-cultivation and national platforms; "
        "“national” only national ones. Revoked platforms are not counted.",
    ),
    "plat.ladder.col.level": ("级别", "Level"),
    "plat.ladder.col.at": ("本级平台数", "At this level"),
    "plat.ladder.col.above": ("本级及以上（累计）", "This level or above (cumulative)"),
    "plat.ladder.counts_over_time": (
        "省级、国家级平台数分季度（累计）",
        "Provincial and national platforms by quarter (cumulative)",
    ),
    "plat.ladder.col.provincial": ("省级及以上", "Provincial or above"),
    "plat.ladder.col.national": ("国家级", "National"),
    "plat.goal.col.indicator": ("目标", "Target"),
    "plat.goal.col.value": ("当前", "Now"),
    "plat.goal.col.target": ("2027年目标", "2027 target"),
    "plat.goal.col.completion": ("完成率", "Completion"),
    "plat.goal.col.elapsed": ("序时进度", "Time elapsed"),
    "plat.goal.col.status": ("状态", "Status"),
    "plat.goal.rule": (
        "序时进度 = 自方案印发（{start}）以来已过时间 ÷ 到 {deadline} 的总时间。{rule}",
        "Time elapsed = time since the plan's publication ({start}) ÷ the time allowed to {deadline}. {rule}",
    ),
    # ---- rewards
    "plat.rw.rules": ("奖励规则（现行设置）", "Reward rules (current settings)"),
    "plat.rw.rule_provincial": (
        "省级：每个新认定（{start}起）的省级制造业中试平台奖励 {award} 万元，计入认定当年。",
        "Provincial: {award} (10k yuan) per platform newly recognised as provincial (from {start}), "
        "in the year of recognition.",
    ),
    "plat.rw.rule_national": (
        "国家级：按国家支持资金 1:{ratio} 配套，计入认定当年；支持资金须在“修正平台信息”中逐个录入。",
        "National: matching of the national support at 1:{ratio}, in the year of recognition; enter each "
        "platform's support amount under “Correct a platform”.",
    ),
    "plat.rw.rule_pool": (
        "市级培育库：列入培育库后连续 {years} 年按年度绩效考核给予奖励，上限 {cap} 万元（{basis}），"
        "即每年最多 {year_cap} 万元；得分档次：{bands}。升级或撤销当年之后不再计算。",
        "City cultivation pool: for {years} consecutive years after entering the pool, by annual review, "
        "capped at {cap} (10k yuan) ({basis}), i.e. at most {year_cap} a year; score bands: {bands}. "
        "Nothing after the year it is promoted or revoked.",
    ),
    "plat.rw.basis.three_years_total": ("三年合计", "for the three years in total"),
    "plat.rw.basis.per_year": ("每年", "per year"),
    "plat.rw.band": ("≥{score}分得{share}", "≥{score}: {share}"),
    "plat.rw.below": ("其余不奖励", "below: nothing"),
    "plat.rw.open_question": (
        "方案原文为“连续三年不超过300万元”，未说明是每年还是三年合计，此项为可修改的设置；"
        "得分档次为占位设置，方案未规定。",
        "The plan says “for three consecutive years, at most 3 million yuan” without saying whether per "
        "year or in total: this is a setting. The score bands are a placeholder; the plan sets none.",
    ),
    "plat.rw.committed": ("已承诺奖励资金", "Money committed"),
    "plat.rw.pending": ("待考核（最多）", "Pending reviews (at most)"),
    "plat.rw.support_missing": ("国家支持资金待录入", "National support not entered"),
    "plat.rw.support_missing_n": ("{n} 个平台", "{n} platform(s)"),
    "plat.rw.alternative": (
        "若培育库奖励上限按“{basis}”计：已承诺 {committed}，待考核最多 {pending}。",
        "If the pool cap were “{basis}”: committed {committed}, pending at most {pending}.",
    ),
    "plat.rw.by_year": (
        "按年度和县(市、区)的已承诺资金（万元）",
        "Money committed by year and region (10k yuan)",
    ),
    "plat.rw.total": ("合计", "Total"),
    "plat.rw.year": ("年度", "Year"),
    "plat.rw.none_committed": (
        "尚无已承诺的奖励资金：省级、国家级认定或培育库考核得分录入后计入。",
        "No money committed yet: it counts once a provincial or national recognition or a pool review "
        "score is on record.",
    ),
    "plat.rw.detail": ("奖励明细", "Reward details"),
    "plat.rw.none": (
        "按现行规则，名录中的平台暂无奖励。",
        "Under the current rules no platform earns a reward yet.",
    ),
    "plat.rw.download": ("下载奖励明细（CSV）", "Download details (CSV)"),
    "plat.rw.download_table": ("下载年度汇总（CSV）", "Download the yearly table (CSV)"),
    "plat.rw.file": ("中试平台奖励明细.csv", "pilot_platform_rewards.csv"),
    "plat.rw.file_table": ("中试平台奖励年度汇总.csv", "pilot_platform_rewards_by_year.csv"),
    "plat.rw.col.kind": ("奖励类别", "Reward"),
    "plat.rw.col.year": ("年度", "Year"),
    "plat.rw.col.on": ("认定/入库时间", "Recognised / entered"),
    "plat.rw.col.score": ("考核得分", "Score"),
    "plat.rw.col.amount": ("金额（万元）", "Amount (10k yuan)"),
    "plat.rw.col.max": ("最多（万元）", "At most (10k yuan)"),
    "plat.rw.col.state": ("状态", "State"),
    "plat.rw.kind.provincial": ("省级奖励", "provincial award"),
    "plat.rw.kind.national": ("国家级配套", "national matching"),
    "plat.rw.kind.pool": ("培育库年度奖励", "pool annual reward"),
    "plat.rw.state.committed": ("已承诺", "committed"),
    "plat.rw.state.pending_review": ("待考核", "pending review"),
    "plat.rw.state.support_missing": ("待录入国家支持资金", "national support not entered"),
    "plat.rw.state.before_reward_from": ("认定早于政策起始日，不奖励", "before the policy start: no reward"),
    "plat.rw.state.undated": ("缺认定时间", "recognition date missing"),
    "plat.rw.settings": ("修改奖励规则设置", "Change the reward settings"),
    "plat.rw.set.provincial_award_wan": ("省级奖励（万元/个）", "Provincial award (10k yuan each)"),
    "plat.rw.set.national_match_ratio": ("国家级配套比例（1 = 1:1）", "National matching ratio (1 = 1:1)"),
    "plat.rw.set.pool_cap_wan": ("培育库奖励上限（万元）", "Pool reward cap (10k yuan)"),
    "plat.rw.set.pool_cap_basis": ("上限口径", "The cap applies"),
    "plat.rw.set.pool_years": ("连续奖励年数", "Consecutive years"),
    "plat.rw.set.pool_score_bands": (
        "得分档次（分数:比例，分号分隔）",
        "Score bands (score:share; separated by ;)",
    ),
    "plat.rw.set.reward_from": (
        "政策起始日（此前的认定不奖励）",
        "Policy start (earlier recognitions earn nothing)",
    ),
    "plat.rw.set.save": ("保存设置", "Save settings"),
    "plat.rw.saved": ("奖励规则设置已保存。", "Reward settings saved."),
    "plat.rw.log": ("设置修改记录", "Settings history"),
    "plat.rw.col.key": ("设置项", "Setting"),
    "plat.rw.col.value": ("值", "Value"),
    "plat.rw.col.set_at": ("修改时间", "Changed"),
    "plat.rw.problem.not_a_number": ("“{field}”应为数字", "“{field}” must be a number"),
    "plat.rw.problem.out_of_range": ("“{field}”超出允许范围", "“{field}” is out of range"),
    "plat.rw.problem.not_an_option": ("“{field}”不是可选项", "“{field}” is not one of the options"),
    "plat.rw.problem.bad_bands": (
        "“{field}”格式应为 90:1;80:0.7;60:0.4（分数 0–100，比例 0–1 或百分数）",
        "“{field}” must look like 90:1;80:0.7;60:0.4 (scores 0–100, shares 0–1 or percentages)",
    ),
    "plat.rw.problem.bad_date": (
        "“{field}”应为日期，如 2025-07-04",
        "“{field}” must be a date such as 2025-07-04",
    ),
    # ---- reviews
    "plat.rv.intro": (
        "培育库平台每年考核一次，得分（0–100分）决定当年培育库奖励。可在下方逐个录入，或上传考核结果 CSV"
        "（列：平台名称、依托单位、考核年度、考核得分、评语）。同一平台同一年度再次录入视为更正，原记录保留。",
        "Pool platforms are reviewed once a year; the score (0–100) sets that year's pool reward. Enter "
        "scores one by one below or upload a CSV (columns 平台名称, 依托单位, 考核年度, 考核得分, 评语). "
        "A new score for the same platform and year is a correction; the old one is kept.",
    ),
    "plat.rv.year": ("考核年度", "Review year"),
    "plat.rv.due": ("待考核的培育库平台", "Pool platforms due for review"),
    "plat.rv.none_due": (
        "截至所选年度，培育库平台均已完成考核。",
        "Every pool platform has been reviewed up to that year.",
    ),
    "plat.rv.col.year": ("考核年度", "Year"),
    "plat.rv.col.state": ("考核状态", "Review state"),
    "plat.rv.col.score": ("得分", "Score"),
    "plat.rv.col.comment": ("评语", "Comment"),
    "plat.rv.state.due": ("待考核", "due"),
    "plat.rv.state.overdue": ("逾期未考核", "overdue"),
    "plat.rv.form": ("录入考核结果", "Enter a review"),
    "plat.rv.platform": ("平台", "Platform"),
    "plat.rv.score": ("考核得分（0–100）", "Score (0–100)"),
    "plat.rv.comment": ("评语（不超过200字）", "Comment (at most 200 characters)"),
    "plat.rv.save": ("保存考核结果", "Save the review"),
    "plat.rv.saved": ("考核结果已保存（上传编号 {id}）。", "Review saved (upload {id})."),
    "plat.rv.template": ("下载待考核名单（可填写后上传）", "Download the platforms due (fill in and upload)"),
    "plat.rv.template_file": ("待考核名单_{year}.csv", "reviews_due_{year}.csv"),
    "plat.rv.template_help": (
        "CSV 已含平台名称、依托单位和考核年度，填写考核得分和评语后在下方上传。",
        "The CSV lists name, host and year; fill in score and comment, then upload it below.",
    ),
    "plat.rv.upload": ("上传考核结果 CSV", "Upload a review CSV"),
    "plat.rv.rejected": (
        "文件未通过校验，未入库：共 {n} 个错误（行号以表头为第 1 行）。",
        "The file failed validation and was not stored: {n} error(s) (line 1 is the header).",
    ),
    "plat.rv.valid": (
        "文件校验通过：{rows} 条考核结果，确认后入库。",
        "The file is valid: {rows} review(s), stored once you confirm.",
    ),
    "plat.rv.store": ("确认入库", "Store"),
    "plat.rv.stored": (
        "考核结果已入库：{rows} 条（新增 {new}，更正 {revised}），上传编号 {id}。",
        "Reviews stored: {rows} ({new} new, {revised} corrected), upload {id}.",
    ),
    "plat.rv.recorded": ("已录入的考核结果", "Reviews on record"),
    "plat.rv.none_recorded": ("尚未录入考核结果。", "No reviews on record yet."),
    "plat.rv.problem.by_missing": ("请填写经办人。", "Fill in who is entering it."),
    "plat.rv.problem.unknown_platform": ("名录中没有该平台。", "That platform is not in the register."),
    "plat.rv.problem.bad_year": (
        "考核年度应在 2015 年至今年之间（中试平台工作自 2015 年起）。",
        "The review year must lie between 2015 (when the platform programmes began) and this year.",
    ),
    "plat.rv.problem.bad_score": ("考核得分应在 0–100 之间。", "The score must be 0–100."),
    "plat.rv.problem.comment_too_long": ("评语不超过200字。", "The comment is at most 200 characters."),
    # ---- edit form
    "plat.ed.intro": (
        "名录以上传 CSV 为主要维护方式；此处用于更正单个平台。每次更正都生成新版本，原记录、经办人和说明均保留，"
        "可在“平台历史”中查看，也可像上传一样撤回。平台名称和依托单位是平台的标识，不能在此修改。",
        "The register is maintained by uploading its CSV; this form corrects a single platform. Each "
        "correction is a new version: the old one, who made the change and why are kept (see Platform "
        "history), and it can be rolled back like an upload. Name and host identify the platform and "
        "cannot be changed here.",
    ),
    "plat.ed.pick": ("要更正的平台", "Platform to correct"),
    "plat.ed.region": ("县(市、区)", "Region"),
    "plat.ed.clusters": ("服务集群", "Clusters served"),
    "plat.ed.level": ("级别", "Level"),
    "plat.ed.build_model": ("建设模式", "Build model"),
    "plat.ed.recognised_on": ("认定时间（当前级别）", "Recognised on (current level)"),
    "plat.ed.status": ("状态", "Status"),
    "plat.ed.revoked_on": (
        "撤销时间（仅撤销时填写；留空则记为今天）",
        "Revoked on (only when revoked; empty: today)",
    ),
    "plat.ed.support": (
        "国家支持资金（万元，国家级平台配套依据）",
        "National support (10k yuan; basis of the matching)",
    ),
    "plat.ed.note": ("修改说明", "Reason for the change"),
    "plat.ed.save": ("保存更正", "Save the correction"),
    "plat.ed.saved": ("已保存更正（上传编号 {id}）：{fields}。", "Correction saved (upload {id}): {fields}."),
    "plat.ed.problem.by_missing": ("请填写经办人。", "Fill in who is making the change."),
    "plat.ed.problem.unknown_platform": ("名录中没有该平台。", "That platform is not in the register."),
    "plat.ed.problem.bad_region": ("县(市、区)无效。", "Unknown region."),
    "plat.ed.problem.no_clusters": ("至少选择一个服务集群。", "Choose at least one cluster."),
    "plat.ed.problem.bad_cluster": ("服务集群无效。", "Unknown cluster."),
    "plat.ed.problem.bad_level": ("级别无效。", "Unknown level."),
    "plat.ed.problem.bad_build_model": ("建设模式无效。", "Unknown build model."),
    "plat.ed.problem.bad_status": ("状态无效。", "Unknown status."),
    "plat.ed.problem.revoked_on_not_revoked": (
        "只有状态为“撤销”时才能填写撤销时间。",
        "A revocation date needs the status “revoked”.",
    ),
    "plat.ed.problem.revoked_before_recognised": (
        "撤销时间不能早于认定时间。",
        "The revocation date cannot be before the recognition date.",
    ),
    "plat.ed.problem.negative_support": (
        "国家支持资金不能为负数。",
        "The national support cannot be negative.",
    ),
    "plat.ed.problem.date_out_of_range": (
        "认定时间和撤销时间应在 2015-01-01（中试平台工作开始）至今天之间。",
        "The recognition and revocation dates must lie between 2015-01-01 (when the platform programmes began) and today.",
    ),
    "plat.ed.problem.nothing_changed": ("没有任何改动，未保存。", "Nothing changed; nothing was saved."),
    # ---- the upload page's history names these upload kinds
    "upload.kind.platform_edit": ("平台信息更正", "platform correction"),
    "upload.kind.reviews": ("考核结果上传", "review upload"),
    "upload.kind.review_form": ("考核结果录入", "review entry"),
    "plat.ed.recorded_as": ("记录人：{user}（当前登录账号）", "Recorded as {user} (the signed-in account)"),
    "plat.rw.not_allowed": (
        "只有管理员可以修改奖补规则",
        "Only an administrator can change the reward rules",
    ),
}
