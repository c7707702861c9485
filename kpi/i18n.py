"""Every text the dashboard writes, Chinese first, English second. Keys are stable; pages use
`kpi.ui.t(key)`. A test checks that every key used in the pages exists here."""

from __future__ import annotations

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
    "status.achieved": ("达标", "achieved"),
    "status.on_track": ("正常推进", "on track"),
    "status.at_risk": ("有风险", "at risk"),
    "status.off_track": ("滞后", "off track"),
    "status.no_data": ("暂无数据", "no data"),
    "status.no_target": ("无分解目标", "no target here"),
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
    "overview.all_good": ("所有指标均按序时推进或已达标。", "Every indicator is achieved or on track."),
    "overview.cards": ("目标完成情况", "Targets"),
    "card.as_of": ("截至{period}", "as of {period}"),
    "card.gap": ("距目标 {gap}", "{gap} to target"),
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
}

# Page-specific texts live beside their pages' owners; one dictionary for the app.
from kpi.i18n_methods import METHODS_TEXT  # noqa: E402
from kpi.i18n_upload import UPLOAD_TEXT  # noqa: E402

UI_TEXT.update(UPLOAD_TEXT)
UI_TEXT.update(METHODS_TEXT)
