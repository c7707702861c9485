"""Texts for reading the figures (issue 14): trends that compare like with like, the cards' one-line
reasons, the contribution chart in plain words, the methods page's summary. Merged into
kpi.text.dashboard.UI_TEXT."""

from __future__ import annotations

READING_TEXT: dict[str, tuple[str, str]] = {
    # one line per quarter of the year: the year-to-date spans as statistical tables name them
    "trend.q1": ("1—3月", "Jan–Mar"),
    "trend.q2": ("1—6月", "Jan–Jun"),
    "trend.q3": ("1—9月", "Jan–Sep"),
    "trend.q4": ("全年", "full year"),
    "spark.caption": ("各年{quarter}", "{quarter}, each year"),
    "spark.title": ("{label}：各年{quarter}的值", "{label}: {quarter} of each year"),
    "overview.elapsed_note": (
        "“序时进度”指按规划起止时间，到本期应完成的比例（时间过去一半，进度也应过半）；"
        "比率指标的“序时路径”是从基期值到目标值的直线，“正常推进”即不落后于它。判定细则见各卡片的“依据与测算”。",
        "“Time elapsed” is the share of the plan's time that has passed, so the share of the work that "
        "should be done by now; a ratio's “glide path” is the straight line from its baseline to its "
        "target, and “on track” means not behind it. Each card's “How this is computed” gives the rule.",
    ),
    # the cards' one-line reason for the light
    "reason.achieved": ("已达到目标", "target reached"),
    "reason.no_data": ("本期数据不足", "not enough data for this period"),
    "reason.glide_below": (
        "序时路径此时应为{expected}，实际低{distance}（低≤{green}为正常推进）",
        "the glide path expects {expected} now; actual {distance} below it (≤ {green} is on track)",
    ),
    "reason.glide_above": (
        "序时路径此时应为{expected}，实际高{distance}，快于序时",
        "the glide path expects {expected} now; actual {distance} above it, ahead of schedule",
    ),
    "reason.glide_on": (
        "序时路径此时应为{expected}，实际与路径持平",
        "the glide path expects {expected} now; actual on it",
    ),
    # the contribution chart, in plain words
    "contrib.shortfall": ("缺口", "short"),
    "contrib.surplus": ("超出", "over"),
    "contrib.axis": (
        "← 已超出目标　　　还差的{numerator}（亿元） →",
        "← above target      {numerator} still missing (100m yuan) →",
    ),
    "indicator": ("指标", "Indicator"),
    # the methods page
    "methods.summary": (
        "**一句话**：三项比率按“分子之和 ÷ 分母之和”计算（年初至本季度末累计，同比与上年同期比较），"
        "三项平台指标按中试平台名录计数；亮灯按“序时进度”判断：比率看是否落后于从基期到目标的直线路径，"
        "平台数看完成率是否跟上时间进度。\n\n"
        "- **指标与公式**：研发费用占比、新产品产值率、高新技术产业占比，集群覆盖率和省级、国家级平台数。\n"
        "- **数据**：统计员上传的季报，金额以万元保存；再次上传即修订，旧值保留、可撤回。\n"
        "- **目标**：来自《实施方案》，在数据库中维护，修改后各页随之更新。\n"
        "- **全市与集群**：全市优先用全市合计行，否则为九个单位之和；集群数据从不计入地区合计。\n\n"
        "以下各节可展开查看明细。",
        "**In one sentence**: the three ratios are the sum of numerators over the sum of denominators "
        "(year to date, compared with the same period a year earlier), the three platform indicators "
        "count the pilot-platform register; a light says whether the indicator keeps pace with the "
        "plan's time: a ratio against the straight path from its baseline to its target, a count by "
        "its completion against the time elapsed.\n\n"
        "- **Indicators and formulas**: R&D intensity, new-product rate, high-tech share, cluster "
        "coverage and the provincial and national platform counts.\n"
        "- **Data**: the statisticians' quarterly files, money kept in 10k yuan; uploading a value again "
        "revises it, the old value is kept and can be restored.\n"
        "- **Targets**: from the implementation plan, kept in the database; every page follows a change.\n"
        "- **City and clusters**: the city uses its own total row where there is one, else the sum of "
        "the nine units; cluster rows never add into a region's total.\n\n"
        "Open the sections below for the detail.",
    ),
}
