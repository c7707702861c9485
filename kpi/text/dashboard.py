"""Texts of the dashboard's shared parts (navigation, cards, charts, overview, regions,
clusters), merged with the area catalogues into UI_TEXT; pages use `kpi.ui.lang.t(key)`."""

from __future__ import annotations

from kpi.text.alerts import ALERT_TEXT
from kpi.text.auth import AUTH_TEXT
from kpi.text.labels import LABELS
from kpi.text.lookup import merge
from kpi.text.methods import METHODS_TEXT
from kpi.text.platforms import PLATFORMS_TEXT
from kpi.text.reading import READING_TEXT
from kpi.text.reviews import REVIEWS_TEXT
from kpi.text.tasks import TASKS_TEXT
from kpi.text.upload import UPLOAD_TEXT
from kpi.text.vintages import VINTAGE_TEXT

UI_TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("中试驾驶舱", "Pilot-platform cockpit"),
    "city": ("全市", "City"),
    "all_industry": ("全行业", "All industry"),
    "nav.overview": ("总览", "Overview"),
    "nav.regions": ("区县", "Regions"),
    "nav.clusters": ("产业集群", "Clusters"),
    "nav.upload": ("数据上传", "Data upload"),
    "nav.methods": ("方法说明", "Methods"),
    "data_period": (
        "数据截至{period}（库中最新：{latest}）",
        "Data for {period} (latest in store: {latest})",
    ),
    "data_latest": ("库中最新数据：{latest}", "Latest data in store: {latest}"),
    "incomplete.notice": (
        "{period}数据尚未报齐：已报送{n}/{total}个单位（{names}）。全市数据及其亮灯待全部单位报送"
        "或上传全市合计行后计算，已报送单位的合计不是全市数。",
        "{period} is incomplete: {n} of {total} units have reported ({names}). The city's figures "
        "and their lights wait for every unit, or the city's own total row; the sum of those that "
        "have reported is not the city's figure.",
    ),
    "incomplete.latest": ("最近报齐的一期：{latest}。", " Latest complete period: {latest}."),
    "incomplete.none": ("尚无", "none yet"),
    "demo_banner": (
        "演示数据：以下数字为合成数据，仅供演示，不是真实统计。载入真实数据请到“数据上传”页。",
        "Demo data: the numbers below are synthetic, for demonstration only, not real statistics. "
        "Load real data on the Data upload page.",
    ),
    "empty_state": (
        "数据库中还没有统计数据。统计员登录后可在“数据上传”页上传统计季报 CSV。",
        "The database holds no statistics yet. A statistician uploads the quarterly CSV on the "
        "Data upload page.",
    ),
    "page_failed": (
        "页面出错，数据未受影响。请刷新重试；如仍出错请联系管理员。",
        "This page failed; no data were changed. Reload to retry, and tell the administrator if it persists.",
    ),
    "period": ("统计期", "Period"),
    "region": ("县(市、区)", "Region"),
    "cluster": ("产业集群", "Cluster"),
    "target": ("目标", "Target"),
    "gap": ("差距", "Gap"),
    "yoy": ("同比", "Year on year"),
    "value": ("数值", "Value"),
    "rule": ("判定规则", "Rule"),
    "rank": ("排名", "Rank"),
    "trend": ("趋势", "Trend"),
    "deadline": ("期限", "Deadline"),
    "source": ("目标来源", "Target source"),
    "overview.ranking": ("九个单位赛马排名", "Ranking of the nine units"),
    "overview.off_track": ("未达序时进度的事项", "What is off track"),
    "overview.units_below": ("低于目标{target}的单位：{names}", "units below the {target} target: {names}"),
    "overview.all_good": ("所有指标均按序时推进或已达标。", "Every indicator is achieved or on track."),
    "overview.cards": ("目标完成情况", "Targets"),
    "card.as_of": ("截至{period}", "as of {period}"),
    "target.band_edge": ("区间下沿{edge}", "{edge} (band's lower edge)"),
    "card.previous": ("（上年同期{period} {value}）", " (same period a year earlier, {period}: {value})"),
    "card.units": ("{n}个单位合计", "sum of {n} units"),
    "card.city_row": ("全市合计行", "city total row"),
    "card.covered": ("已覆盖 {covered}/{total} 个集群", "{covered} of {total} clusters covered"),
    "card.uncovered": ("未覆盖：{names}", "Uncovered: {names}"),
    "card.progress": (
        "完成率 {completion} · 序时进度 {elapsed}",
        "completion {completion} · time elapsed {elapsed}",
    ),
    "card.count": ("{value} 家 / 目标 {target} 家", "{value} / target {target}"),
    "card.count_only": ("{value} 家", "{value}"),
    "card.no_target": (
        "全市目标 {target} 家（{year}年），规划未分解到县(市、区)",
        "City target {target} by {year}, not broken down per county in the plan",
    ),
    "card.platforms_as_of": ("平台数截至 {date}", "platforms as of {date}"),
    "target_line": ("目标", "target"),
    "band": ("目标区间", "target band"),
    "floor": ("底线", "floor"),
    "show_work": ("依据与测算", "How this is computed"),
    "work.formula": ("公式", "Formula"),
    "work.numbers": ("测算过程", "The numbers"),
    "work.glide": (
        "序时路径：此时应为 {expected}，实际{side} {distance}",
        "Glide path: {expected} expected now, actual {side} {distance}",
    ),
    "plat.goal.city_value_label": ("全市 · 截至 {date}", "City · as of {date}"),
    "work.above": ("高于路径", "above it by"),
    "work.glide_on": (
        "序时路径：此时应为 {expected}，实际与路径持平",
        "Glide path: {expected} expected now, actual on it",
    ),
    "work.below": ("低于路径", "below it by"),
    "work.pace": ("推进速度：{pace}（r/r* = {ratio}）", "Pace: {pace} (r/r* = {ratio})"),
    "work.catch_up": ("追赶要求", "What it would take"),
    "work.why": ("同比变动分解", "Why it moved"),
    "work.projection": ("2027年趋势外推：{value}", "Trend projection to 2027: {value}"),
    "work.no_projection": ("少于两个全年值，不做外推。", "Fewer than two full-year values: no projection."),
    "work.sums": ("分子 {num} ÷ 分母 {den}（{basis}）", "numerator {num} ÷ denominator {den} ({basis})"),
    "basis.city_total_row": ("全市合计行", "city total row"),
    "basis.sum_of_units": ("九个单位合计", "sum of the nine units"),
    "basis.region_rows": ("本单位数据", "this unit's rows"),
    "overview.contributions": (
        "各单位离目标还差多少（按各自的分母折算成金额）",
        "How far each unit is from the target, in money",
    ),
    "overview.contrib_note": (
        "向右的条形：按本单位的{denominator}，{numerator}还差多少才达到目标比例；向左：已超出多少。"
        "各单位相加 = 全市的缺口 {total}。",
        "Bars to the right: how much more {numerator} the unit would need, at its own {denominator}, "
        "to reach the target ratio; to the left: how much it is above. Together they make the city's "
        "gap, {total}.",
    ),
    "url_own_unit": (
        "链接指向其他单位：区县账号仅可查看本单位，已为您显示{unit}。",
        "The link names another unit: a county account can see its own unit only, so {unit} is shown.",
    ),
    "bad_url_param": (
        "链接中的参数“{param}”无效，已改为默认值。",
        "The link's “{param}” parameter is not valid; the default is shown.",
    ),
    "regions.kpis": (
        "主要指标：本地区、全市与目标",
        "Key indicators: this region vs the city vs the target",
    ),
    "regions.city_value": ("全市 {value}", "city {value}"),
    "regions.rank": ("九个单位中第 {rank} 位", "rank {rank} of 9"),
    "regions.trend": (
        "各年同期比较（年初至季末累计；粗线为{quarter}，虚线为全市）",
        "Each year's same period (year to date; thick: {quarter}, dotted: city)",
    ),
    "regions.kpis_own": ("主要指标：本地区与目标", "Key indicators: this region vs the target"),
    "regions.trend_own": (
        "各年同期比较（年初至季末累计；粗线为{quarter}）",
        "Each year's same period (year to date; thick: {quarter})",
    ),
    "regions.clusters": ("本地区产业集群", "Clusters in this region"),
    "regions.no_clusters": ("本期没有本地区的集群数据。", "No cluster rows for this region in this period."),
    "regions.platforms": ("本地区中试平台", "Pilot platforms in this region"),
    "regions.no_platforms": ("本地区尚无中试平台。", "No pilot platforms in this region yet."),
    "regions.compare": ("与其他单位比较", "Compared with the other units"),
    "col.cluster": ("产业集群", "Cluster"),
    "col.tier": ("层级", "Tier"),
    "col.group": ("类别", "Group"),
    "col.platform": ("平台名称", "Platform"),
    "col.host": ("依托单位", "Host"),
    "col.level": ("级别", "Level"),
    "col.build_model": ("建设模式", "Build model"),
    "col.recognised_on": ("认定时间", "Recognised"),
    "col.status": ("状态", "Status"),
    "col.clusters": ("服务集群", "Clusters served"),
    "col.platforms": ("平台数", "Platforms"),
    "col.covered": ("平台覆盖", "Covered"),
    "col.hosts": ("所在单位", "Host units"),
    "covered.yes": ("✔ 已覆盖", "✔ covered"),
    "covered.no": ("✖ 未覆盖", "✖ not covered"),
    "covered.na": ("—", "—"),
    "col.platforms_own": ("本地区平台数", "Platforms here"),
    "col.covered_own": ("本地区覆盖", "Covered here"),
    "col.platforms_city": ("全市平台数", "Platforms, city"),
    "col.covered_city": ("全市覆盖", "Covered, city"),
    "clusters.scope_city": (
        "平台数与平台覆盖：全市所有中试平台，截至{date}（与全市覆盖率 {covered}/{total} 同一口径）。",
        "Platforms and coverage: every pilot platform of the city, as of {date} "
        "(the basis of the city's coverage, {covered} of {total}).",
    ),
    "clusters.scope_own": (
        "各项指标为{unit}的集群数据。“本地区”两列只计{unit}自己的中试平台，截至{date}"
        "（与本地区覆盖率 {covered}/{total} 同一口径；本地区无此集群的记“—”）；"
        "“全市”两列计全市所有中试平台。",
        "The ratios are {unit}'s cluster rows. The two “here” columns count {unit}'s own pilot "
        "platforms, as of {date} (the basis of its coverage, {covered} of {total}; “—” where it "
        "hosts no firms of the cluster); the two “city” columns count every platform of the city.",
    ),
    "clusters.uncovered_own": (
        "本地区尚未覆盖的集群（按本地区自己的中试平台）",
        "This unit's clusters not yet covered (by its own pilot platforms)",
    ),
    "clusters.all_covered_own": (
        "本地区每个集群都已有本地区的中试平台。",
        "Every cluster of this unit has a pilot platform of its own.",
    ),
    "clusters.matrix_scale": (
        "颜色刻度为全市各单位×集群本期数值的范围（{low}–{high}），各单位之间颜色可比。",
        "The colour scale spans every unit × cluster value of the period ({low}–{high}), so colours "
        "compare across units.",
    ),
    "clusters.matrix_scale_count": (
        "颜色刻度为全市各单位×集群的平台数（0–{high}），截至{date}，计数规则同覆盖率。",
        "The colour scale spans every unit × cluster platform count (0–{high}), as of {date}, "
        "counted as for coverage.",
    ),
    "clusters.unconfirmed": (
        "注意：135N集群名单及层级为占位清单（未经官方确认）；官方名单确认后，由管理员在“系统管理”页的“产业集群分类”中替换。",
        "Note: the 135N cluster list and tiers are a placeholder (not officially confirmed); once "
        "confirmed, an administrator replaces them on the Administration page, under Cluster taxonomy.",
    ),
    "clusters.taxonomy": ("135N集群体系与各集群指标", "The 135N taxonomy and each cluster's indicators"),
    "clusters.matrix": ("县(市、区) × 集群矩阵", "Region × cluster matrix"),
    "clusters.matrix_metric": ("矩阵指标", "Matrix metric"),
    "clusters.uncovered": ("尚无中试平台的集群", "Clusters without a pilot platform"),
    "clusters.all_covered": ("所有集群均已有中试平台。", "Every cluster has a pilot platform."),
    "clusters.platform_count": ("中试平台数", "Pilot platforms"),
    "platform_status.running": ("运行", "running"),
    "platform_status.building": ("在建", "under construction"),
    "platform_status.revoked": ("撤销", "revoked"),
    "tier.1": ("1 全球级", "1 global"),
    "tier.3": ("3 国家级", "3 national"),
    "tier.5": ("5 长三角级", "5 Yangtze Delta"),
    "tier.N": ("N 特色集群", "N specialised"),
    "group.traditional": ("传统产业", "traditional"),
    "group.emerging": ("新兴产业", "emerging"),
    "group.future": ("未来产业", "future"),
}

merge(
    UI_TEXT,
    UPLOAD_TEXT,
    METHODS_TEXT,
    PLATFORMS_TEXT,
    REVIEWS_TEXT,
    TASKS_TEXT,
    AUTH_TEXT,
    LABELS,
    READING_TEXT,
    VINTAGE_TEXT,
    ALERT_TEXT,
)
