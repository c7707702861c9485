"""Texts of the annual review on evidence: the figures file's problems (merged into
kpi.text.messages.TEMPLATES), the `kpi reviews` command, and the page widgets (merged into
kpi.text.dashboard.UI_TEXT): the platforms page's review tab, the scheme on the admin and methods
pages."""

from __future__ import annotations

FIGURE_TEMPLATES: dict[str, tuple[str, str]] = {
    "NEGATIVE_FIGURE": ("“{field}”不能为负数：{value}", "“{field}” cannot be negative: {value}"),
    "FRACTIONAL_FIGURE": ("“{field}”应为整数：{value}", "“{field}” must be a whole number: {value}"),
    "FIGURE_TOO_LARGE": (
        "“{field}”数值过大：{value}（不超过 {limit}）",
        "“{field}” is too large: {value} (at most {limit})",
    ),
    "UNKNOWN_ACCREDITATION": (
        "无法识别的检验检测资质“{value}”（应为 CMA、CNAS、CMA+CNAS（均有）或 无）",
        "unknown testing accreditation “{value}” (use CMA, CNAS, CMA+CNAS (both) or 无 / none)",
    ),
    "YEAR_OUTSIDE_LIFE": (
        "考核年度 {year} 不在该平台列入名录的年份内（{span}年）",
        "review year {year} is outside the platform's years in the register ({span})",
    ),
    "PLATFORM_NEVER_COUNTED": (
        "平台“{key}”已撤销且撤销时间未知，名录中从未计入，不能报送年度数据",
        "platform “{key}” was revoked at an unknown date and never counted: it has no review years",
    ),
    "DUPLICATE_FIGURES": (
        "平台 + 考核年度 与第 {first} 行重复（{key}）",
        "the same platform and review year as line {first} ({key})",
    ),
    "REASON_REQUIRED": (
        "人工录入的考核得分将替代按年度数据计算的得分，必须填写理由（评语）",
        "a typed review score replaces the score computed from the figures: a reason (评语) is required",
    ),
}

REVIEWS_CLI_TEXT: dict[str, tuple[str, str]] = {
    "figures_stored": (
        "已入库：{file}，{rows} 条年度数据（新增 {new} 条，更正 {revised} 条），上传编号 {upload_id}",
        "stored: {file}, {rows} annual figure rows ({new} new, {revised} corrected), upload {upload_id}",
    ),
    "bad_year": ("考核年度应在 2000–2100 之间：{value}", "the review year must be 2000–2100: {value}"),
    "head": (
        "{year}年度绩效考核（培育库奖励合计 {reward}；待考核 {pending} 个）",
        "Annual review {year} (pool rewards {reward}; {pending} pending)",
    ),
    "columns": (
        "排名  得分  来源  奖励(万元)  平台（依托单位）",
        "rank  score  source  reward  platform (host)",
    ),
    "source.computed": ("计算", "computed"),
    "source.override": ("人工调整", "override"),
    "none": ("该年度尚无考核得分。", "No review scores for that year."),
    "not_in_pool": ("非培育库", "not pool"),
    "exit": ("低于最低档", "below the lowest band"),
}

REVIEWS_TEXT: dict[str, tuple[str, str]] = {
    # ---- the platforms page's review tab: the year
    "rv.intro": (
        "培育库平台的年度绩效考核得分按平台报送的年度服务数据计算（得分 = Σ 权重 × min(1, 报送值 ÷ 满分值)），"
        "得分决定当年培育库奖励；人工录入的得分可替代计算得分，但必须填写理由，并与计算得分并列显示、记入审计记录。",
        "A pool platform's annual review score is computed from the service figures it reports (score = "
        "Σ weight × min(1, value ÷ full-marks value)) and sets that year's pool reward; a typed score may "
        "override the computed one, only with a reason, shown beside it and recorded in the audit trail.",
    ),
    "rv.placeholder": (
        "注意：现行考核方案为占位方案（专班发布正式考核办法前暂用），权重和满分值见“方法说明”页。",
        "Note: the scoring scheme in force is a placeholder until the task force publishes its own; see "
        "its weights and full marks on the Methods page.",
    ),
    "rv.m.pool": ("培育库平台已评分 / 应考核", "Pool platforms scored / due"),
    "rv.m.reward": ("{year}年度培育库奖励", "Pool rewards {year}"),
    "rv.m.pending": ("待考核（最多）", "Pending (at most)"),
    "rv.m.exit": ("低于最低档（动态管理）", "Below the lowest band"),
    "rv.m.exit_n": ("{n} 个平台", "{n} platform(s)"),
    "rv.source.computed": ("按数据计算", "computed"),
    "rv.source.override": ("人工调整", "override"),
    "rv.col.rank": ("排名", "Rank"),
    "rv.col.score": ("考核得分", "Score"),
    "rv.col.source": ("得分来源", "Source"),
    "rv.col.computed": ("计算得分", "Computed"),
    "rv.col.reward": ("培育库奖励（万元）", "Pool reward (10k yuan)"),
    "rv.col.state": ("奖励状态", "Reward state"),
    "rv.col.reason": ("调整理由", "Reason"),
    "rv.col.figure": ("考核指标", "Figure"),
    "rv.col.value": ("报送值", "Reported"),
    "rv.col.full": ("满分值", "Full marks at"),
    "rv.col.weight": ("权重（分）", "Weight"),
    "rv.col.points": ("得分", "Points"),
    "rv.ranking": ("{year}年度培育库平台排名", "Pool platforms ranked, {year}"),
    "rv.ranking_help": (
        "仅含当年在培育库奖励期内的平台（列入培育库起连续三年；升级或撤销当年仍计）。奖励档次：{bands}"
        "（图中虚线为各档最低分）。",
        "Only platforms in their pool window that year (three years from entering the pool; the year of "
        "a promotion or revocation still counts). Bands: {bands} (dashed lines: each band's lowest score).",
    ),
    "rv.no_pool": ("{year}年度尚无培育库平台的考核得分。", "No pool platform has a score for {year} yet."),
    "rv.exit": ("动态管理：低于最低奖励档的培育库平台", "动态管理: pool platforms below the lowest band"),
    "rv.exit_help": (
        "得分低于 {lowest} 分，当年无培育库奖励，列为动态管理退出的候选对象（是否退出由专班决定）。",
        "Scored below {lowest}: no pool reward that year; candidates for leaving the pool (the task "
        "force decides).",
    ),
    "rv.exit_none": (
        "{year}年度没有低于最低档的培育库平台。",
        "No pool platform is below the lowest band in {year}.",
    ),
    "rv.others": ("其他平台的考核得分", "Other platforms' scores"),
    "rv.others_help": (
        "当年不在培育库奖励期内的平台（市级及以上、已升级，或奖励期已满）：得分仅供参考，不产生培育库奖励。",
        "Platforms outside their pool window that year (city level and up, promoted, or past the window): "
        "the score is for reference and earns no pool reward.",
    ),
    "rv.accreditation.none": ("无", "none"),
    "rv.accreditation.cma": ("CMA", "CMA"),
    "rv.accreditation.cnas": ("CNAS", "CNAS"),
    "rv.accreditation.both": ("CMA、CNAS", "CMA and CNAS"),
    "rv.full_accreditation.1": ("具备CMA或CNAS", "CMA or CNAS held"),
    "rv.full_accreditation.2": ("CMA和CNAS均具备", "both CMA and CNAS held"),
    "rv.total": ("合计", "Total"),
    "rv.detail": ("平台考核明细", "One platform's review"),
    "rv.detail_pick": ("选择平台", "Platform"),
    "rv.none_scored": ("{year}年度尚无考核得分。", "No review scores for {year} yet."),
    "rv.no_figures": (
        "该平台当年未报送年度数据，考核得分为人工录入。",
        "No figures reported for that year: the score was typed.",
    ),
    "rv.override_note": (
        "考核得分为人工调整；下图和下表为按报送数据计算的得分（计算得分），供对照。",
        "The score was overridden; the chart and table show the score computed from the figures, for comparison.",
    ),
    "rv.chart.earned": ("得分", "points"),
    "rv.chart.weight": ("权重（满分）", "weight (full marks)"),
    "rv.rounding": (
        "每项得分四舍五入到 0.1 分，总分为各项得分之和（因此各项之和恰等于总分）。",
        "Each component is rounded to 0.1 (halves up) and the score is their sum, so the components always "
        "add up to the score.",
    ),
    "plat.rw.state.not_in_pool": ("不在培育库奖励期内", "outside the pool window"),
    "plat.rw.state.below_bands": ("低于最低档，无奖励", "below the lowest band: nothing"),
    # ---- entry
    "rv.upload": ("上传年度服务数据 CSV", "Upload annual figures (CSV)"),
    "rv.upload_help": (
        "列：平台名称、依托单位、考核年度、服务企业数、中试服务项目数、中试服务收入(万元)、孵化企业数、成果转化数、"
        "检验检测资质（CMA、CNAS、CMA+CNAS 或 无）、参与制定标准数、专利授权数；每格必填，没有的填 0。"
        "同一平台同一年度再次上传视为更正，原数据保留。",
        "Columns 平台名称, 依托单位, 考核年度, 服务企业数, 中试服务项目数, 中试服务收入(万元), 孵化企业数, 成果转化数, "
        "检验检测资质 (CMA, CNAS, CMA+CNAS or 无), 参与制定标准数, 专利授权数; every cell is required (0 for "
        "none). A new row for the same platform and year is a correction; the old one is kept.",
    ),
    "rv.template": (
        "下载待考核名单（年度数据表，可填写后上传）",
        "Download the platforms due (a figures sheet)",
    ),
    "rv.template_help": (
        "CSV 已含平台名称、依托单位和考核年度，填写各项年度数据后在下方上传。",
        "The CSV lists name, host and year; fill in the figures, then upload it below.",
    ),
    "rv.valid": (
        "文件校验通过：{rows} 条年度数据，确认后入库。",
        "The file is valid: {rows} row(s) of figures, stored once you confirm.",
    ),
    "rv.stored": (
        "年度数据已入库：{rows} 条（新增 {new}，更正 {revised}），上传编号 {id}。",
        "Figures stored: {rows} ({new} new, {revised} corrected), upload {id}.",
    ),
    "rv.form": ("更正单个平台的年度数据", "Correct one platform's figures"),
    "rv.form_now": (
        "已有该年度数据：下面为现值，修改后保存即为更正，原数据保留。",
        "Figures on record for that year: edit and save to correct them; the old ones are kept.",
    ),
    "rv.form_new": ("该年度尚无数据：填写后保存。", "No figures for that year yet: fill in and save."),
    "rv.form_save": ("保存年度数据", "Save the figures"),
    "rv.form_saved": ("年度数据已保存（上传编号 {id}）。", "Figures saved (upload {id})."),
    "rv.override": ("人工调整考核得分（须填写理由）", "Override a score (a reason is required)"),
    "rv.override_help": (
        "人工录入的得分将替代按年度数据计算的得分，并与计算得分并列显示；每次调整连同理由记入审计记录。"
        "也可上传 CSV（列：平台名称、依托单位、考核年度、考核得分、评语），评语即调整理由，必填。",
        "A typed score replaces the computed one and is shown beside it; each override and its reason go to "
        "the audit trail. A CSV also works (平台名称, 依托单位, 考核年度, 考核得分, 评语): 评语 is the reason, required.",
    ),
    "rv.reason": ("调整理由（必填，不超过200字）", "Reason (required, at most 200 characters)"),
    "rv.override_file": ("上传人工调整得分 CSV", "Upload overrides (CSV)"),
    "rv.recorded": ("人工调整的考核得分", "Overridden scores on record"),
    "rv.none_recorded": ("尚无人工调整的得分。", "No overridden scores on record."),
    "plat.rv.problem.reason_missing": (
        "人工得分将替代计算得分，必须填写调整理由。",
        "A typed score replaces the computed one: give the reason.",
    ),
    "upload.kind.platform_figures": ("年度服务数据上传", "annual figures upload"),
    "upload.kind.figures_form": ("年度服务数据更正", "annual figures correction"),
    # the audit trail's sentences for these uploads and for an override (kpi.ui.audit)
    "audit.upload.platform_figures": ("上传平台年度服务数据", "Uploaded platform annual figures"),
    "audit.upload.figures_form": ("更正平台年度服务数据", "Corrected platform annual figures"),
    "audit.kind.platform_figures": ("平台年度服务数据", "platform annual figures"),
    "audit.kind.figures_form": ("平台年度服务数据更正", "platform annual figures correction"),
    "audit.text.review_override": (
        "人工调整考核得分：{name}（{host}）{year}年度 {score} 分（计算得分 {computed}），理由：{reason}",
        "Review score overridden: {name} ({host}), {year}, {score} (computed {computed}); reason: {reason}",
    ),
    # ---- the scheme: the admin page's section and the methods page's
    "admin.tab.scheme": ("考核方案", "Review scheme"),
    "scheme.intro": (
        "培育库平台年度绩效考核的计分方案：每项年度数据一个权重和一个满分值，得分 = Σ 权重 × min(1, 报送值 ÷ 满分值)。"
        "保存即生成新版本（须注明来源），自保存起用于所有考核年度的得分和奖励；历次版本及设置人均保留，并记入审计记录。",
        "The scoring scheme of the pool platforms' annual review: a weight and a full-marks value per figure; "
        "score = Σ weight × min(1, value ÷ full marks). Saving stores a new version (its source is required), "
        "used from then on for every review year's score and reward; every version and who set it is kept "
        "and audited.",
    ),
    "scheme.placeholder": (
        "现行方案为占位方案：专班发布正式考核办法前暂用，不是正式规定。",
        "The scheme in force is a placeholder until the task force publishes its own; it is not an official rule.",
    ),
    "scheme.published": (
        "现行方案已标记为专班正式方案。",
        "The scheme in force is marked as the task force's own.",
    ),
    "scheme.version": ("版本：{version}；设置：{who}", "Version {version}; set {who}"),
    "scheme.reference": ("随程序提供的默认方案", "default shipped"),
    "scheme.col.figure": ("考核指标", "Figure"),
    "scheme.col.weight": ("权重（分）", "Weight (points)"),
    "scheme.col.full": ("满分值", "Full marks at"),
    "scheme.col.version": ("版本", "Version"),
    "scheme.col.set_at": ("设置时间", "Set"),
    "scheme.col.set_by": ("设置人", "By"),
    "scheme.col.rules": ("权重/满分值", "Weight/full marks"),
    "scheme.col.placeholder": ("占位方案", "Placeholder"),
    "scheme.col.source": ("来源", "Source"),
    "scheme.new": ("保存新版本", "Store a new version"),
    "scheme.weight_of": ("{figure}：权重", "{figure}: weight"),
    "scheme.full_of": ("{figure}：满分值", "{figure}: full marks at"),
    "scheme.source": ("来源（文件名称、文号或说明，必填）", "Source (document, reference or note; required)"),
    "scheme.is_placeholder": (
        "仍为占位方案（专班尚未正式发布）",
        "Still a placeholder (not yet published by the task force)",
    ),
    "scheme.applies": (
        "新版本自保存起用于所有考核年度（含以往年度）的得分和奖励。",
        "A new version applies from now on to every review year, past ones included.",
    ),
    "scheme.save": ("保存方案", "Save the scheme"),
    "scheme.saved": ("考核方案已保存为第 {version} 版。", "Scheme saved as version {version}."),
    "scheme.unchanged": ("方案没有改动，未保存。", "Nothing changed; nothing was saved."),
    "scheme.history": ("历次版本", "Every version"),
    "scheme.problem.bad_number": ("权重和满分值应为数字。", "Weights and full marks must be numbers."),
    "scheme.problem.negative_weight": ("权重不能为负数。", "A weight cannot be negative."),
    "scheme.problem.weights_total": (
        "各项权重之和应为 100 分（现为 {total} 分）。",
        "The weights must add up to 100 (they add up to {total}).",
    ),
    "scheme.problem.full_marks": (
        "满分值应大于 0；检验检测资质的满分值为 1（具备CMA或CNAS）或 2（两者均具备）。",
        "Full marks must be above 0; for the accreditation 1 (CMA or CNAS) or 2 (both).",
    ),
    "scheme.problem.source_missing": ("请填写方案来源。", "Give the scheme's source."),
    "scheme.problem.source_too_long": ("来源不超过500字。", "The source is at most 500 characters."),
    "scheme.problem.by_missing": ("请先登录。", "Sign in first."),
    "scheme.methods": ("培育库年度绩效考核计分方案", "Scoring scheme of the pool's annual review"),
    "scheme.formula": (
        "得分 = Σ 权重 × min(1, 报送值 ÷ 满分值)，各项权重之和为 100 分；检验检测资质按具备的资质个数（CMA、CNAS）计。"
        "得分由平台报送的年度服务数据计算，决定当年培育库奖励（见上节奖励规则）。",
        "Score = Σ weight × min(1, value ÷ full-marks value); the weights add up to 100; the accreditation "
        "counts the accreditations held (CMA, CNAS). The score is computed from the annual figures a platform "
        "reports and sets that year's pool reward (reward rules above).",
    ),
    "scheme.source_line": ("**方案来源：**", "**Source of the scheme:**"),
    "scheme.rules": (
        "- 取整：每项得分按精确值四舍五入到 0.1 分，总分为各项得分之和，各项之和恰等于总分。\n"
        "- 人工调整：人工录入的得分可替代计算得分，但必须填写理由；与计算得分并列显示，并记入审计记录。\n"
        "- 低于最低奖励档的培育库平台当年无奖励，列为动态管理退出的候选对象。",
        "- Rounding: each component is rounded to 0.1 (halves up) from its exact value; the score is their "
        "sum, so the components add up to it.\n"
        "- Override: a typed score may replace the computed one, only with a reason; it is shown beside the "
        "computed one and recorded in the audit trail.\n"
        "- A pool platform below the lowest band earns nothing that year and is a candidate for leaving the "
        "pool (动态管理).",
    ),
}
