"""区县 Regions: one unit's KPIs against the city and the targets, its trend, clusters and platforms.

The chosen region and period live in the URL (?region=330402&period=2025Q3) so a link can be shared.
"""

import streamlit as st

from kpi import charts, ui
from kpi.definitions import LEVEL, RATIOS

ui.entry_guard()


def body() -> None:
    if ui.read("latest") is None:
        ui.page_header(ui.t("nav.regions"))
        ui.empty_state()
        return
    units = ui.read("units")
    codes = list(units["code"])
    periods = ui.read("periods")[::-1]
    ui.choose_from_url("region", codes, "regions_region", codes[0])
    ui.choose_from_url("period", periods, "regions_period", periods[0])
    ui.page_header(ui.t("nav.regions"), st.session_state["regions_period"])
    c1, c2 = st.columns(2)
    with c1:
        region = ui.select(ui.t("region"), codes, "regions_region", ui.region_name)
    with c2:
        period = ui.select(ui.t("period"), periods, "regions_period", ui.period_label)
    st.query_params.update({"region": region, "period": period})
    st.header(ui.region_name(region, short=False), divider="gray")

    mine = ui.read("status", period, region, None, ui.lang())["indicators"]
    city = ui.read("status", period, None, None, ui.lang())["indicators"]
    ranking = ui.read("ranking", period, None)
    st.subheader(ui.t("regions.kpis"))
    cols = st.columns(3)
    for col, r in zip(cols, RATIOS, strict=True):
        e = mine[r.code]
        rank = ranking[(ranking["indicator"] == r.code) & (ranking["region"] == region)]["rank"]
        with col, st.container(border=True):
            st.markdown(f"**{e['label']}**  \n{ui.status_badge(e['status'])}", unsafe_allow_html=True)
            st.metric(
                ui.t("card.as_of", period=ui.period_label(period)),
                ui.pct(e["value"]),
                delta=None if e["change_pp"] is None else ui.t("card.yoy", change=ui.pp(e["change_pp"])),
            )
            st.caption(
                " · ".join(
                    [
                        ui.t("regions.city_value", value=ui.pct(city[r.code]["value"])),
                        f"{ui.t('target')} {ui.pct(e['target'])}",
                        ui.gap_text(e["gap_pp"]),
                        ui.t(
                            "regions.rank", rank="—" if rank.empty or rank.isna().all() else int(rank.iloc[0])
                        ),
                    ]
                )
            )
            st.caption(f"{ui.t('rule')}{ui.colon()}{e['status_rule']}")
            if (e.get("catch_up") or {}).get("text"):
                st.caption(e["catch_up"]["text"])
            ui.show_work(e, f"region-{r.code}")

    st.subheader(ui.t("regions.trend"))
    series, city_series = ui.read("series", region, None), ui.read("series", None, None)
    cols = st.columns(3)
    for col, r in zip(cols, RATIOS, strict=True):
        with col:
            fig = charts.trend(
                series[series["indicator"] == r.code],
                ui.target_of(r.code),
                ui.chart_labels(),
                title=mine[r.code]["label"],
                compare=city_series[city_series["indicator"] == r.code],
                name=ui.region_name(region),
                compare_name=ui.t("city"),
            )
            st.plotly_chart(fig, key=f"trend-{r.code}", config={"displayModeBar": False})

    left, right = st.columns(2)
    with left:
        st.subheader(ui.t("regions.clusters"))
        _clusters_table(period, region)
    with right:
        st.subheader(ui.t("regions.platforms"))
        _platforms_table(region)

    st.subheader(ui.t("regions.compare"))
    ranking = ranking.assign(label=[ui.region_name(c) for c in ranking["region"]])
    tabs = st.tabs([mine[r.code]["label"] for r in RATIOS])
    for tab, r in zip(tabs, RATIOS, strict=True):
        with tab:
            fig = charts.ranking(
                ranking[ranking["indicator"] == r.code],
                ui.target_of(r.code),
                ui.chart_labels(),
                highlight=region,
            )
            st.plotly_chart(fig, key=f"cmp-{r.code}", config={"displayModeBar": False})


def _clusters_table(period: str, region: str) -> None:
    frame = ui.read("cluster_ratios", period, region)
    if frame.empty:
        st.caption(ui.t("regions.no_clusters"))
        return
    wide = frame.pivot(index="cluster", columns="indicator", values="value").reset_index()
    table = {ui.t("col.cluster"): [ui.cluster_name(c) for c in wide["cluster"]]}
    for r in RATIOS:
        table[r.short_zh if ui.lang() == "zh" else r.short_en] = [ui.pct(v) for v in wide.get(r.code, [])]
    st.dataframe(table, hide_index=True, width="stretch")


def _platforms_table(region: str) -> None:
    plats = ui.read("platforms")
    plats = plats[plats["region"] == region]
    if plats.empty:
        st.caption(ui.t("regions.no_platforms"))
        return
    zh = ui.lang() == "zh"
    table = {
        ui.t("col.platform"): list(plats["name"]),
        ui.t("col.level"): [LEVEL[v].name_zh if zh else LEVEL[v].name_en for v in plats["level"]],
        ui.t("col.clusters"): [ui.join([ui.cluster_name(c) for c in cs]) for cs in plats["clusters"]],
        ui.t("col.status"): [ui.t(f"platform_status.{s}") for s in plats["status"]],
    }
    st.dataframe(table, hide_index=True, width="stretch")


ui.guarded(body)
