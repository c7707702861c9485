"""区县 Regions: one unit's KPIs against the city and the targets, its trend, clusters and platforms.

The chosen region and period live in the URL (?region=330402&period=2025Q3) so a link can be shared.
With many units the comparison shows the top and bottom and the chosen unit (kpi/ui_ranking.py).
"""

import streamlit as st

from kpi.model.definitions import RATIOS
from kpi.reports import charts
from kpi.ui import cards, fmt, lang, layout, scope, signin, vintage
from kpi.ui import ranking as ui_ranking
from kpi.ui.regions import clusters_table, platforms_table

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
    layout.choose_from_url("period", periods, "regions_period", periods[0])
    layout.page_header(lang.t("nav.regions"), st.session_state["regions_period"])
    c1, c2 = st.columns(2)
    names = ui_ranking.unit_names()
    with c1:
        region = layout.select(lang.t("region"), codes, "regions_region", lambda c: names.get(c, c))
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
        with col, st.container(border=True):
            st.markdown(f"**{e['label']}**  \n{fmt.status_badge(e['status'])}", unsafe_allow_html=True)
            vintage.revised_badge(r.code, period, region)
            st.metric(
                lang.t("card.as_of", period=fmt.period_label(period)),
                fmt.pct(e["value"]),
                delta=None if e["change_pp"] is None else lang.t("card.yoy", change=fmt.pp(e["change_pp"])),
            )
            st.caption(
                " · ".join(
                    [
                        *(
                            [lang.t("regions.city_value", value=fmt.pct(city[r.code]["value"]))]
                            if city
                            else []
                        ),
                        f"{lang.t('target')} {fmt.pct(e['target'])}",
                        fmt.gap_text(e["gap_pp"]),
                        ui_ranking.rank_text(
                            "—" if rank.empty or rank.isna().all() else int(rank.iloc[0]), units
                        ),
                    ]
                )
            )
            st.caption(f"{lang.t('rule')}{fmt.colon()}{e['status_rule']}")
            if (e.get("catch_up") or {}).get("text"):
                st.caption(e["catch_up"]["text"])
            cards.show_work(e, f"region-{r.code}")
            vintage.card_revisions(r.code, period, f"region-{r.code}", region)

    st.subheader(lang.t("regions.trend" if city else "regions.trend_own"))
    series = scope.read("series", region, None)
    city_series = scope.read("series", None, None) if city else None
    cols = st.columns(3)
    for col, r in zip(cols, RATIOS, strict=True):
        with col:
            fig = charts.trend(
                series[series["indicator"] == r.code],
                targets[r.code],
                fmt.chart_labels(),
                title=mine[r.code]["label"],
                compare=None if city_series is None else city_series[city_series["indicator"] == r.code],
                name=fmt.region_name(region),
                compare_name=lang.t("city"),
            )
            st.plotly_chart(fig, key=f"trend-{r.code}", config={"displayModeBar": False})

    # one above the other: side by side, each table was cut at its right edge (four columns of
    # Chinese headers do not fit half the page)
    st.subheader(lang.t("regions.clusters"))
    clusters_table(period, region)
    st.subheader(lang.t("regions.platforms"))
    platforms_table(region)

    st.subheader(lang.t("regions.compare"))
    tabs = st.tabs([mine[r.code]["label"] for r in RATIOS])
    for tab, r in zip(tabs, RATIOS, strict=True):
        with tab:
            frame = ranking[ranking["indicator"] == r.code]
            ui_ranking.ranking_chart(frame, targets[r.code], names, key=f"cmp-{r.code}", highlight=region)
    ui_ranking.ranking_table(ranking, names, period, key="regions-ranking")


layout.guarded(body)
