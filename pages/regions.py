"""区县 Regions: one unit's KPIs against the city and the targets, its trend, clusters and platforms.

The chosen region and period live in the URL (?region=330402&period=2025Q3) so a link can be shared.
With many units the comparison shows the top and bottom and the chosen unit (kpi/ui_ranking.py).
"""

import streamlit as st

from kpi.model.definitions import RATIOS
from kpi.ui import cards, fmt, lang, layout, scope, signin
from kpi.ui import ranking as ui_ranking
from kpi.ui.regions import clusters_table, platforms_table, trend_section

signin.entry_guard()


def body() -> None:
    if scope.read("latest") is None:
        layout.page_header(lang.t("nav.regions"))
        layout.empty_state()
        return
    units = scope.read("units")
    codes = scope.visible_units(list(units["code"]))  # a county official: its own unit only
    periods = scope.read("periods")[::-1]
    layout.choose_from_url("region", codes, "regions_region", codes[0])
    layout.choose_from_url("period", periods, "regions_period", layout.default_period() or periods[0])
    layout.page_header(lang.t("nav.regions"), st.session_state["regions_period"])
    c1, c2 = st.columns(2)
    names = ui_ranking.unit_names()
    with c1:
        # the unit's full name, as the heading below writes it (南湖区, not 南湖)
        region = layout.select(
            lang.t("region"), codes, "regions_region", lambda c: fmt.region_name(c, short=False)
        )
    with c2:
        period = layout.select(lang.t("period"), periods, "regions_period", fmt.period_label)
    st.query_params.update({"region": region, "period": period})
    st.header(fmt.region_name(region, short=False), divider="gray")
    scope.scope_note()

    mine = scope.read("status", period, region, None, lang.lang())["indicators"]
    city = scope.read("status", period, None, None, lang.lang())["indicators"] if scope.sees_city() else None
    ranking = scope.read("ranking", period, None)
    units = ranking["region"].nunique()
    targets = {r.code: cards.target_of(r.code) for r in RATIOS}
    st.subheader(lang.t("regions.kpis" if city else "regions.kpis_own"))
    cols = st.columns(3)
    for col, r in zip(cols, RATIOS, strict=True):
        e = mine[r.code]
        rank = ranking[(ranking["indicator"] == r.code) & (ranking["region"] == region)]["rank"]
        with col:
            rank_text = ui_ranking.rank_text(
                "—" if rank.empty or rank.isna().all() else int(rank.iloc[0]), units
            )
            cards.region_card(r.code, e, period, city[r.code] if city else None, rank_text, region)

    labels = {r.code: mine[r.code]["label"] for r in RATIOS}
    trend_section(region, period, targets, labels, with_city=city is not None)

    # one above the other: side by side, each table was cut at its right edge (four columns of
    # Chinese headers do not fit half the page)
    st.subheader(lang.t("regions.clusters"))
    clusters_table(period, region)
    st.subheader(lang.t("regions.platforms"))
    platforms_table(region)

    st.subheader(lang.t("regions.compare"))
    ui_ranking.ranking_section(
        ranking, targets, names, period, name="regions_cmp", chart_key="cmp", highlight=region,
        table_key="regions-ranking",
    )  # fmt: skip


layout.guarded(body)
