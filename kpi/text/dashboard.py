"""Texts of the dashboard's shared parts (navigation, cards, charts, overview, regions,
clusters), merged with the area catalogues into UI_TEXT; pages use `kpi.ui.lang.t(key)`."""

from __future__ import annotations

from kpi.text.alerts import ALERT_TEXT
from kpi.text.auth import AUTH_TEXT
from kpi.text.labels import LABELS
from kpi.text.methods import METHODS_TEXT
from kpi.text.platforms import PLATFORMS_TEXT
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
    "demo_banner": (
        "演示数据：以下数字为合成数据，仅供演示，不是真实统计。载入真实数据请到“数据上传”页。",
        "Demo data: the numbers below are synthetic, for demonstration only, not real statistics. "
        "Load real data on the Data upload page.",
    ),
    "empty_state": (
        "数据库中还没有统计数据。请到“数据上传”页上传季报 CSV，或在命令行运行 `kpi demo` 载入演示数据。",
        "The database holds no statistics yet. Upload a quarterly CSV on the Data upload page, "
        "or run `kpi demo` to load the demo data.",
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
    "card.gap": ("距目标 {gap}", "{gap} to target"),
    "card.above": ("超出目标 {gap}", "{gap} above target"),
    "card.yoy": ("同比 {change}", "{change} y/y"),
    "card.units": ("{n}个单位合计", "sum of {n} units"),
    "card.city_row": ("全市合计行", "city total row"),
    "card.covered": ("已覆盖 {covered}/{total} 个集群", "{covered} of {total} clusters covered"),
    "card.uncovered": ("未覆盖：{names}", "Uncovered: {names}"),
    "card.elapsed": ("序时进度 {elapsed}", "time elapsed {elapsed}"),
    "card.count": ("{value} 家 / 目标 {target} 家", "{value} / target {target}"),
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
    "work.above": ("高于路径", "above it by"),
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
    "pace.achieved": ("已达标", "target achieved"),
    "pace.substantial": ("进展显著", "substantial progress"),
    "pace.moderate": ("进展中等", "moderate progress"),
    "pace.limited": ("进展有限", "limited progress"),
    "pace.moving_away": ("反向变化", "moving away"),
    "pace.insufficient_data": ("数据不足", "insufficient data"),
    "overview.contributions": (
        "各单位对全市差距的贡献（按目标比例折算的金额）",
        "Each unit's contribution to the city's gap (money at the target ratio)",
    ),
    "overview.contrib_note": (
        "正值：该单位距目标的缺口；负值：超出目标的部分。合计 = 全市距目标的缺口 {total}。",
        "Positive: the unit's shortfall at the target ratio; negative: its surplus. Total = the city's gap {total}.",
    ),
    "bad_url_param": (
        "链接中的参数“{param}”无效，已改为默认值。",
        "The link's “{param}” parameter is not valid; the default is shown.",
    ),
    "regions.kpis": (
        "主要指标：本地区 vs 全市 vs 目标",
        "Key indicators: this region vs the city vs the target",
    ),
    "regions.city_value": ("全市 {value}", "city {value}"),
    "regions.rank": ("九个单位中第 {rank} 位", "rank {rank} of 9"),
    "regions.trend": ("分季度趋势（累计值，虚线为全市）", "Quarterly trend (year to date; dotted: city)"),
    "regions.kpis_own": ("主要指标：本地区 vs 目标", "Key indicators: this region vs the target"),
    "regions.trend_own": ("分季度趋势（累计值）", "Quarterly trend (year to date)"),
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
    "clusters.unconfirmed": (
        "注意：135N集群名单及层级为占位清单（未经官方确认），确认后可用 `kpi ingest clusters` 替换。",
        "Note: the 135N cluster list and tiers are a placeholder (not officially confirmed); "
        "replace them with `kpi ingest clusters` once confirmed.",
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

UI_TEXT.update(UPLOAD_TEXT)
UI_TEXT.update(METHODS_TEXT)

UI_TEXT.update(PLATFORMS_TEXT)

UI_TEXT.update(AUTH_TEXT)
UI_TEXT.update(LABELS)
UI_TEXT.update(VINTAGE_TEXT)
UI_TEXT.update(ALERT_TEXT)
