"""UI texts of the methods page (方法说明), merged into kpi.text.dashboard.UI_TEXT.

The open questions are DOMAIN.md §7, copied here so the page never reads the shared folder.
"""

from __future__ import annotations

METHODS_TEXT: dict[str, tuple[str, str]] = {
    "methods.intro": (
        "本页说明驾驶舱里每个数字的来历：指标定义与公式、数据来源、目标及其出处、亮灯规则、"
        "全市与集群数据的处理方式，以及尚待确认的问题。目标、阈值和集群分类均直接读自数据库，"
        "修改后本页随之更新。",
        "Where every number on this dashboard comes from: indicator definitions and formulas, data "
        "sources, targets and their source documents, status rules, how the city total and cluster rows "
        "are treated, and the questions still open. Targets, thresholds and the cluster taxonomy are "
        "read from the database, so this page follows any change to them.",
    ),
    # ---- indicators
    "methods.indicators": ("指标定义", "Indicator definitions"),
    "methods.col.indicator": ("指标", "Indicator"),
    "methods.col.code": ("代码", "Code"),
    "methods.col.formula": ("计算公式", "Formula"),
    "methods.col.scope": ("口径", "Scope"),
    "methods.ratio_scope": (
        "规模以上工业企业；年初至本季度末累计值",
        "Above-scale industrial firms; year to date",
    ),
    "methods.ratio_of_sums": (
        "**比率一律是“分子之和 ÷ 分母之和”（Σ分子 / Σ分母），从不对各单位或各季度的比率求平均**："
        "求平均会让小县与大县同等权重。某一行只有分子和分母都已填报时才参与计算，"
        "缺一个数不会拉低比率。比率以百分比显示，差距与同比变化以“个百分点”表示。",
        "**A ratio is always the sum of the numerators over the sum of the denominators (Σ numerator / "
        "Σ denominator), never a mean of the units' or quarters' ratios**: a mean would weigh a small "
        "county as much as a large one. A row counts only where both its numerator and its denominator "
        "are reported, so a missing number never deflates a ratio. Ratios show as percentages; gaps and "
        "year-on-year changes are in percentage points (pp).",
    ),
    "methods.rd_note": (
        "研发费用占比指规上工业企业研发费用占其营业收入的比重，不是全社会R&D经费投入强度"
        "（R&D/GDP），也不是2023年集群方案中“制造业R&D经费”目标，三者不可混用。",
        "R&D intensity here is the R&D expense of above-scale industrial firms over their operating "
        "revenue. It is neither R&D spending over GDP nor the “manufacturers' R&D funding” target of the "
        "2023 cluster plan; the three must not be mixed.",
    ),
    "methods.formula.cluster_coverage": (
        "至少有1个中试平台服务的135N集群数 ÷ 135N集群总数（集群分类表中的全部集群）",
        "135N clusters served by at least one pilot platform ÷ all 135N clusters (the cluster table)",
    ),
    "methods.formula.provincial_platforms": (
        "省级及以上（省级、工信部重点培育、国家级）中试平台个数，累计",
        "Pilot platforms at provincial level or above (provincial, MIIT key cultivation, national), cumulative",
    ),
    "methods.formula.national_platforms": ("国家级中试平台个数", "National-level pilot platforms"),
    "methods.platform_scope": (
        "中试平台名录：截至统计时点已认定（或未填认定时间）且未撤销的平台",
        "Platform register: recognised by the date (or undated) and not revoked",
    ),
    "methods.platform_rule": (
        "平台计数以中试平台名录为准：未撤销、认定时间不晚于统计时点（最新一期按今天）的平台计入；"
        "覆盖率计入市级培育库及以上各级平台，一个平台服务多个集群时每个集群都算覆盖。"
        "省级、国家级个数只在全市范围有目标，区县和集群页面只显示个数。",
        "Platform counts come from the register: a platform counts when it is not revoked and was "
        "recognised by the period's end (for the latest period: today). Coverage counts every level "
        "from the city cultivation pool up, and a platform serving several clusters covers each of "
        "them. The provincial and national counts have targets for the city only; region and cluster "
        "pages show the counts without a target.",
    ),
    # ---- data
    "methods.data": ("数据来源", "Data sources"),
    "methods.data_text": (
        "- **统计数据季报**（CSV，在“数据上传”页上传）：每行一个 统计期 × 县(市、区) × 产业集群；"
        "产业集群留空或填“合计”为该地区全部规上工业。\n"
        "- **单位**：金额按**万元**保存（表头注明“(亿元)”“(元)”时自动换算），页面上 1 亿元以上显示为亿元。\n"
        "- **累计口径**：每期数值为**年初至本季度末的累计值**（1—3月、1—6月、1—9月、1—12月），"
        "全年数即 1—12月 数。\n"
        "- **同比**：比率有季节性，一律与上年同期比较（不与上一季度比较），以个百分点表示。\n"
        "- **修订**：再次上传同一 统计期 × 地区 × 集群 即为修订，新值生效，旧值连同带来它的上传记录保留，"
        "可随时撤回。\n"
        "- **中试平台名录**（CSV）：平台名称、依托单位、所在地区、服务集群、级别、建设模式、认定时间、状态。",
        "- **Quarterly statistics file** (CSV, uploaded on the Data upload page): one row per period × "
        "region × cluster; an empty cluster or 合计 means all above-scale industry of that region.\n"
        "- **Units**: money is stored in **万元 (10k yuan)** (headers marked (亿元) or (元) are converted); "
        "pages show amounts from 100 million yuan up in 亿元.\n"
        "- **Year to date**: each value is **cumulative from January to the end of the quarter** "
        "(Jan–Mar, Jan–Jun, Jan–Sep, Jan–Dec); the annual value is the Jan–Dec value.\n"
        "- **Year on year**: ratios are seasonal, so a period is compared with the same period of the "
        "previous year (never with the previous quarter), in percentage points.\n"
        "- **Revisions**: uploading a period × region × cluster again revises it; the new value counts, "
        "the old one stays in the history with its upload and can be restored by a rollback.\n"
        "- **Pilot-platform register** (CSV): name, host, region, clusters served, level, build model, "
        "date recognised, status.",
    ),
    # ---- targets
    "methods.targets": ("目标及其出处", "Targets and their sources"),
    "methods.targets_note": (
        "目标保存在数据库中，是带出处的数据而不是写死的常数；由管理员在“系统管理”页的“目标”中修改（须注明来源文件）。"
        "“最近修改”为“初始值”的，是系统内置的参考目标，尚未修改。",
        "Targets are stored in the database as data with a source, not constants in the code; an "
        "administrator edits them on the Administration page, under Targets (naming the source "
        "document). “As shipped” means the "
        "built-in reference target, never edited.",
    ),
    "methods.col.target": ("目标值", "Target"),
    "methods.col.kind": ("类型", "Kind"),
    "methods.col.deadline": ("期限", "Deadline"),
    "methods.col.start": ("起算日", "Plan start"),
    "methods.col.source": ("目标来源", "Source document"),
    "methods.col.updated": ("最近修改", "Last changed"),
    "methods.seeded": ("初始值", "as shipped"),
    "methods.kind.point": ("达到（越高越好）", "reach (higher is better)"),
    "methods.kind.floor": ("底线（保持以上）", "floor (stay above)"),
    "methods.kind.band": ("区间（“左右”）", "band (“about”)"),
    "methods.kind.count": ("累计个数", "cumulative count"),
    "methods.kind.coverage": ("覆盖率", "coverage"),
    "methods.band_value": ("{value} ± {band} 个百分点", "{value} ± {band} pp"),
    "methods.count_value": ("{value} 家", "{value}"),
    # ---- status rules
    "methods.status": ("亮灯规则", "Status rules"),
    "methods.glide_rule": (
        "按序时路径（优先）：自{year}年同期的基期值线性推进至目标年同期的目标值（按同期整年计）；"
        "达到目标为达标，低于路径≤{green}个百分点为正常推进，≤{amber}个百分点为有风险，其余为滞后。",
        "By the glide path (first): a straight line from the same period of {year} to the target "
        "in the same period of the target year (whole years); achieved at the target, on track "
        "within {green} pp below the path, at risk within {amber} pp, otherwise off track.",
    ),
    # ---- progress: how the glide path, the pace and the catch-up are computed
    "methods.progress": ("序时路径、推进速度与追赶要求", "Glide path, pace and catch-up"),
    "methods.progress.time": (
        "**按同期整年计时**：累计比率有季节性，基期、当前值与目标都取同一季度（同期）。"
        "时间按整年计：t₀ 为基期年份，t 为当前年份，T 为目标年份（期限所在年，{target_year}年）。"
        "因此 2024 年 1—3月 与 2024 年 1—12月 到 {target_year} 年都是 {span} 年，"
        "同样的数据在任何季度得到相同的路径、速度与分类（Open SDG / Eurostat 的做法）；"
        "目标年的同期数值即与目标比较。",
        "**Whole years of the same period**: year-to-date ratios are seasonal, so the baseline, the "
        "latest value and the target are the same quarter of their years. Time counts whole years: "
        "t₀ is the baseline's year, t the latest year, T the target year (the deadline's year, "
        "{target_year}). Jan–Mar 2024 and Jan–Dec 2024 are both {span} years from {target_year}, so the "
        "same data give the same path, pace and class in every quarter (as Open SDG / Eurostat "
        "measure it); a same-period value of the target year is held against the target.",
    ),
    "methods.progress.glide": (
        "**序时路径**：路径值 = 基期值 + （目标 − 基期值）×（t − t₀）÷（T − t₀）。"
        "基期已达到目标的，路径保持在目标值。",
        "**Glide path**: expected = base + (target − base) × (t − t₀) ÷ (T − t₀). A baseline "
        "already at the target keeps the path at the target.",
    ),
    "methods.progress.pace": (
        "**推进速度**：实际年均增速 r = （当前值 ÷ 基期值）^(1 ÷ (t − t₀)) − 1，所需年均增速 "
        "r* = （目标 ÷ 基期值）^(1 ÷ (T − t₀)) − 1；r/r* ≥ {substantial} 为进展显著，≥ {moderate} 为进展中等，"
        "≥ {limited} 为进展有限，< {limited} 为反向变化；已达标的为已达标。",
        "**Pace**: observed growth r = (latest ÷ base)^(1 ÷ (t − t₀)) − 1, required growth "
        "r* = (target ÷ base)^(1 ÷ (T − t₀)) − 1; r/r* ≥ {substantial} substantial, ≥ {moderate} "
        "moderate, ≥ {limited} limited, < {limited} moving away; a value that counts as achieved "
        "is achieved.",
    ),
    "methods.progress.band": (
        "**区间目标**（如高新技术产业占比 73% 左右，±1 个百分点）：达到区间下沿及以上即为达标，"
        "亮灯、路径与速度分类、追赶要求和简报都按这一条规则；在区间内不再提示“需再增加”，"
        "区间以下的追赶金额按达到区间下沿计算。路径与速度仍以目标值（73%）为终点。",
        "**Band targets** (the high-tech share at about 73 %, ± 1 pp): at or above the band's lower "
        "edge counts as achieved, one rule for the light, the path and pace classes, the catch-up "
        "and the brief; inside the band nothing more is asked for, and below it the catch-up money "
        "is what reaches the lower edge. The path and the pace still end at the target value (73 %).",
    ),
    "methods.progress.catch_up": (
        "**追赶要求**：按当前分母，分子需增加 = 达标值 × 分母 − 分子；"
        "每年需提高 =（达标值 − 当前值）÷ 距目标年的整年数。",
        "**Catch-up**: the extra numerator at the current denominator = the achieved line × "
        "denominator − numerator; pp a year = (achieved line − latest) ÷ whole years to the target year.",
    ),
    "methods.progress.basis": (
        "**同口径比较**：全市数用全市合计行（已上传时），否则用各单位合计。本期与上年同期、基期比较时，"
        "两期口径不同（一期为全市合计行、另一期为各单位合计）的，按两期都有的各单位合计口径比较，"
        "同比、分解与路径都不把口径变化算作研发或收入的变化；无共同口径的，卡片、数据和简报中注明“口径不一致”。",
        "**Like with like**: the city uses its own total row where uploaded, else the sum of the "
        "units. Where two periods compared (the same period a year earlier, the baseline) stand on "
        "different bases, both are compared on the sum of the units where both have it, so that the "
        "change, its decomposition and the path never count a switch of basis as a change of R&D or "
        "revenue; where no common basis exists, the card, the JSON and the brief say “bases differ”.",
    ),
    "methods.progress.complete": (
        "**报齐规则**：全市数需要全部统计单位的数据（或全市合计行）。某季度只有部分单位报送时，"
        "该季度为“数据未报齐”：已报送单位的合计不作为全市数、不亮灯，页面注明已报送的单位；"
        "各页面和 `kpi status` 默认显示最近报齐的一期。集群的全市数同样需要该集群各单位的数据。",
        "**Complete quarters**: a city figure needs every reporting unit (or the city's own total "
        "row). While only some units have sent a quarter, it is *incomplete*: the sum of those that "
        "have is not the city's figure and gets no light, and the pages name who has reported; pages "
        "and `kpi status` open on the latest complete quarter. A cluster's city figure likewise "
        "needs every unit with rows for that cluster.",
    ),
    "methods.gap_rule_prefix": ("无基期可比时按差距：", "Where no baseline exists, by the gap: "),
    "methods.status_intro": (
        "每个指标按下表规则亮灯；颜色之外同时给出符号和文字。规则文字由数据库中的目标和阈值生成。",
        "Each indicator gets a light by the rule below; a symbol and a word always go with the colour. "
        "The rule texts are generated from the targets and thresholds in the database.",
    ),
    "methods.col.status": ("状态", "Status"),
    "methods.col.meaning": ("含义", "Meaning"),
    "methods.col.rule": ("判定规则", "Rule"),
    "methods.meaning.achieved": (
        "已达到目标（区间目标：达到区间下沿及以上）",
        "target reached (band: at or above its lower edge)",
    ),
    "methods.meaning.on_track": (
        "未达标，但差距在正常推进阈值内（计数类：完成率不低于序时进度）",
        "not yet reached, but within the on-track threshold (counts: completion keeps pace with time)",
    ),
    "methods.meaning.at_risk": (
        "差距在有风险阈值内（计数类：完成率不低于序时进度的60%）",
        "within the at-risk threshold (counts: completion at least 60% of time elapsed)",
    ),
    "methods.meaning.off_track": (
        "差距超过阈值，或已到期仍未达标",
        "beyond the thresholds, or past the deadline",
    ),
    "methods.meaning.no_data": ("本期数据不足，无法计算", "not enough data for this period"),
    "methods.meaning.incomplete": (
        "全市数据未报齐：尚有单位未报送本期数据，且未上传全市合计行；已报送单位的合计不作为全市数，不亮灯",
        "the city's figure is incomplete: some units have not reported this period and the city sent "
        "no total row; the sum of those that have is not the city's figure and gets no light",
    ),
    "methods.meaning.no_target": (
        "规划只对全市设定此项目标，区县或集群不分解",
        "the plan sets this target for the city only, not per region or cluster",
    ),
    "methods.elapsed": (
        "**序时进度** = （统计时点 − 规划起算日）÷（期限 − 规划起算日），取值 0—100%。"
        "比率指标的**差距**是目标值减当前值（个百分点），正数表示尚未达到；区间目标的卡片写明在区间内、"
        "距区间下沿或高于区间上沿多少。",
        "**Time elapsed** = (as-of date − plan start) ÷ (deadline − plan start), between 0 and 100%. "
        "A ratio's **gap** is the target minus the current value in pp; positive means not yet "
        "reached. For a band the card says whether the value is inside it, below its lower edge or "
        "above its upper edge, and by how much.",
    ),
    # ---- city and clusters
    "methods.scopes": ("全市合计与集群数据", "City total and cluster rows"),
    "methods.scopes_text": (
        "- **九个统计单位**：7个县(市、区)加嘉兴经济技术开发区、嘉兴港区，互不重叠，合起来即全市。\n"
        "- **全市比率**：上传了全市合计行（330400 / 嘉兴市）的，按该行计算；否则用九个单位的分子之和除以"
        "分母之和。指标卡片上注明所用口径。上传时全市合计行与九个单位之和相差超过 0.1% 会给出提示。\n"
        "- **区县比率**：用该单位的全行业行（产业集群为空或“合计”）。\n"
        "- **集群比率**：用该集群各单位的集群行之和。**集群行从不计入区县或全市合计**：一家企业可属于多个集群，"
        "很多企业不属于任何集群，集群行加总不等于区县合计。\n"
        "- **区县的集群覆盖率**：以该单位有统计数据的集群为范围。",
        "- **Nine reporting units**: 7 counties and districts plus the Jiaxing ETDZ and the Port Area, "
        "mutually exclusive; together they are the city.\n"
        "- **City ratios** use the city total row (330400 / 嘉兴市) where one was uploaded, else the sum of "
        "the nine units' numerators over the sum of their denominators. Each card says which basis it "
        "used. An upload whose city total differs from the sum of the nine units by more than 0.1% gets "
        "a warning.\n"
        "- **Region ratios** use that unit's all-industry rows (cluster empty or 合计).\n"
        "- **Cluster ratios** sum that cluster's rows over the units. **Cluster rows never feed a region "
        "or city total**: a firm can belong to several clusters and many firms belong to none, so "
        "cluster rows do not add up to a county total.\n"
        "- **A region's cluster coverage** counts the clusters that have statistics rows in that unit.",
    ),
    # ---- taxonomy
    "methods.taxonomy": ("135N 集群分类", "The 135N cluster taxonomy"),
    "methods.taxonomy_text": (
        "“135N”指 1 个世界级、3 个国家级、5 个长三角区域级先进制造业集群，加 N 个特色集群（嘉政发〔2022〕13号）。",
        "“135N” means 1 world-class, 3 national and 5 Yangtze-Delta regional advanced manufacturing "
        "clusters, plus N specialised clusters (嘉政发〔2022〕13号).",
    ),
    "methods.taxonomy_placeholder": (
        "占位分类：{n} / {total} 个集群尚未经官方确认。公开资料未列出各集群所属层级，"
        "当前名单仅供演示和测试；官方名单确认后，由管理员在“系统管理”页的“产业集群分类”中替换。覆盖率的分母随之变化。",
        "Placeholder taxonomy: {n} of {total} clusters are not officially confirmed (confirmed = false). "
        "No public source lists which cluster sits in which tier; once the list is confirmed, an "
        "administrator replaces it on the Administration page, under Cluster taxonomy. The coverage "
        "denominator changes with it.",
    ),
    "methods.taxonomy_confirmed": (
        "集群分类已确认：全部 {total} 个集群均标记为已确认。",
        "The taxonomy is confirmed: all {total} clusters are marked confirmed.",
    ),
    "methods.col.cluster": ("集群", "Cluster"),
    "methods.col.tier": ("层级", "Tier"),
    "methods.col.group": ("类别", "Group"),
    "methods.col.confirmed": ("已确认", "Confirmed"),
    "methods.tier.1": ("1 世界级", "1 world-class"),
    "methods.tier.3": ("3 国家级", "3 national"),
    "methods.tier.5": ("5 长三角区域级", "5 Yangtze Delta"),
    "methods.tier.N": ("N 特色集群", "N specialised"),
    "methods.group.traditional": ("传统产业", "traditional"),
    "methods.group.emerging": ("新兴产业", "emerging"),
    "methods.group.future": ("未来产业", "future"),
    "methods.yes": ("是", "yes"),
    "methods.no": ("否（占位）", "no (placeholder)"),
    # ---- platform reward rules (read from the reward settings, kpi.platforms.rewards)
    "methods.rewards": ("中试平台奖励规则", "Pilot-platform reward rules"),
    "methods.rewards_intro": (
        "方案第三部分第6条规定了中试平台的奖励。以下为现行规则：数值读自数据库中的奖励设置，"
        "管理员在“中试平台”页修改后本页随之更新；“中试平台”页按同一规则计算各平台的奖励。",
        "Section 三.6 of the plan sets the pilot-platform rewards. These are the rules in force: the "
        "values are read from the reward settings in the database, so this page follows any change an "
        "administrator makes on the Pilot platforms page, which computes each platform's reward by the "
        "same rules.",
    ),
    "methods.rw.col.setting": ("设置项", "Setting"),
    "methods.rw.col.value": ("现行值", "In force"),
    "methods.rw.col.source": ("依据", "Source"),
    "methods.rw.col.updated": ("最近修改", "Last changed"),
    "methods.rw.years": ("{n}年", "{n} years"),
    "methods.rw.source.provincial_award_wan": (
        "方案三、6：“对成功入围省级制造业中试平台的，给予1000万元奖励”",
        "Plan 三.6: “对成功入围省级制造业中试平台的，给予1000万元奖励” (an award of 10 million yuan per "
        "platform recognised as provincial)",
    ),
    "methods.rw.source.national_match_ratio": (
        "方案三、6：“对成功入围国家级制造业中试平台的，按1：1予以配套支持”",
        "Plan 三.6: “对成功入围国家级制造业中试平台的，按1：1予以配套支持” (1:1 matching of the "
        "national support)",
    ),
    "methods.rw.source.pool_cap_wan": (
        "方案三、6：“根据年度绩效考核给予连续三年不超过300万元的奖励”",
        "Plan 三.6: “根据年度绩效考核给予连续三年不超过300万元的奖励” (by annual review, for three "
        "consecutive years, at most 3 million yuan)",
    ),
    "methods.rw.source.pool_cap_basis": (
        "方案未说明300万元是每年还是三年合计（待确认问题4），默认按三年合计",
        "The plan does not say whether the 3 million yuan is per year or for the three years (open "
        "question 4); the default is the three years in total",
    ),
    "methods.rw.source.pool_years": (
        "方案三、6：“连续三年”",
        "Plan 三.6: “连续三年” (three consecutive years)",
    ),
    "methods.rw.source.pool_score_bands": (
        "占位设置：方案未规定考核得分与奖励比例的对应关系",
        "A placeholder: the plan does not say which review score earns which share",
    ),
    "methods.rw.source.reward_from": (
        "方案印发日期（2025年7月4日，嘉经信技装〔2025〕47号）；此前的认定不奖励",
        "The plan's publication date (2025-07-04, 嘉经信技装〔2025〕47号); earlier recognitions earn nothing",
    ),
    # ---- open questions (DOMAIN.md §7)
    "methods.open": ("待确认的问题", "Open questions"),
    "methods.open_intro": (
        "以下问题尚无公开的确定答案，系统把它们做成可修改的设置，而不写死在程序里：",
        "These have no confirmed public answer yet; the product keeps them as settings that can be "
        "changed, never hard-coded:",
    ),
    "methods.open.1": (
        "已发布实施方案中三项比率目标（研发费用占比 3.15%、新产品产值率 50%、高新技术产业占比 73%）的最终数值。"
        "2025年7月4日发布的版本（嘉经信技装〔2025〕47号）将平台目标提高到省级不少于4家、国家级不少于1家，"
        "但可见文本未确认三项比率目标。",
        "The final values of the three ratio targets in the published plan (R&D intensity 3.15%, "
        "new-product rate 50%, high-tech share 73%). The version published on 2025-07-04 "
        "(嘉经信技装〔2025〕47号) raises the platform targets to at least 4 provincial and at least 1 "
        "national, but its visible text does not confirm the three ratio targets.",
    ),
    "methods.open.2": (
        "官方的 135N 集群名单，以及每个集群所属层级。",
        "The official 135N list and which tier each cluster is in.",
    ),
    "methods.open.3": (
        "各县(市、区)的数据是否已剔除两个开发区（经开区、港区）内的企业（系统假定九个单位互不重叠）。",
        "Whether county figures exclude the two zones' firms (the product assumes the nine units are "
        "mutually exclusive).",
    ),
    "methods.open.4": (
        "市级培育库平台奖励上限 300 万元是每年还是三年合计。",
        "Whether the cultivation-pool reward cap of ¥3 million is per year or for the three years.",
    ),
}
