"""区县 Regions: one unit's KPIs against the city and the targets, its trend, clusters and platforms.

The chosen region and period live in the URL (?region=330402&period=2025Q3) so a link can be shared.
With many units the comparison shows the top and bottom and the chosen unit (kpi/ui_ranking.py).
"""

import pandas as pd
import streamlit as st

from kpi import charts, ui
from kpi import ui_ranking as rk
from kpi.definitions import LEVEL, RATIOS

ui.entry_guard()


def body() -> None:
    if ui.read("latest") is None:
        ui.page_header(ui.t("nav.regions"))
        ui.empty_state()
        return
    units = ui.read("units")
    codes = ui.visible_units(list(units["code"]))  # a county official: its own unit only
    periods = ui.read("periods")[::-1]
    ui.choose_from_url("region", codes, "regions_region", codes[0])
    ui.choose_from_url("period", periods, "regions_period", periods[0])
    ui.page_header(ui.t("nav.regions"), st.session_state["regions_period"])
    c1, c2 = st.columns(2)
    names = rk.unit_names()
    with c1:
        region = ui.select(ui.t("region"), codes, "regions_region", lambda c: names.get(c, c))
    with c2:
        period = ui.select(ui.t("period"), periods, "regions_period", ui.period_label)
    st.query_params.update({"region": region, "period": period})
    st.header(ui.region_name(region, short=False), divider="gray")
    ui.scope_note()

    mine = ui.read("status", period, region, None, ui.lang())["indicators"]
    city = ui.read("status", period, None, None, ui.lang())["indicators"] if ui.sees_city() else None
    ranking = ui.read("ranking", period, None)
    units = ranking["region"].nunique()
    targets = {r.code: ui.target_of(r.code) for r in RATIOS}
    st.subheader(ui.t("regions.kpis" if city else "regions.kpis_own"))
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
                        *([ui.t("regions.city_value", value=ui.pct(city[r.code]["value"]))] if city else []),
                        f"{ui.t('target')} {ui.pct(e['target'])}",
                        ui.gap_text(e["gap_pp"]),
                        rk.rank_text("—" if rank.empty or rank.isna().all() else int(rank.iloc[0]), units),
                    ]
                )
            )
            st.caption(f"{ui.t('rule')}{ui.colon()}{e['status_rule']}")
            if (e.get("catch_up") or {}).get("text"):
                st.caption(e["catch_up"]["text"])
            ui.show_work(e, f"region-{r.code}")

    st.subheader(ui.t("regions.trend" if city else "regions.trend_own"))
    series = ui.read("series", region, None)
    city_series = ui.read("series", None, None) if city else None
    cols = st.columns(3)
    for col, r in zip(cols, RATIOS, strict=True):
        with col:
            fig = charts.trend(
                series[series["indicator"] == r.code],
                targets[r.code],
                ui.chart_labels(),
                title=mine[r.code]["label"],
                compare=None if city_series is None else city_series[city_series["indicator"] == r.code],
                name=ui.region_name(region),
                compare_name=ui.t("city"),
            )
            st.plotly_chart(fig, key=f"trend-{r.code}", config={"displayModeBar": False})

    # one above the other: side by side, each table was cut at its right edge (four columns of
    # Chinese headers do not fit half the page)
    st.subheader(ui.t("regions.clusters"))
    _clusters_table(period, region)
    st.subheader(ui.t("regions.platforms"))
    _platforms_table(region)

    st.subheader(ui.t("regions.compare"))
    tabs = st.tabs([mine[r.code]["label"] for r in RATIOS])
    for tab, r in zip(tabs, RATIOS, strict=True):
        with tab:
            frame = ranking[ranking["indicator"] == r.code]
            rk.ranking_chart(frame, targets[r.code], names, key=f"cmp-{r.code}", highlight=region)
    rk.ranking_table(ranking, names, period, key="regions-ranking")


def _clusters_table(period: str, region: str) -> None:
    frame = ui.read("cluster_ratios", period, region)
    if frame.empty:
        st.caption(ui.t("regions.no_clusters"))
        return
    wide = frame.pivot(index="cluster", columns="indicator", values="value").reset_index()
    name = _cluster_names()
    table = pd.DataFrame({ui.t("col.cluster"): [name.get(c, c) for c in wide["cluster"]]})
    percent = {}
    for r in RATIOS:
        column = r.short_zh if ui.lang() == "zh" else r.short_en
        # numbers in percent (sorting is numeric), shown as 3.15% by the column's format
        values = wide[r.code] if r.code in wide else pd.Series(float("nan"), index=wide.index)
        table[column] = (values.astype("float64") * 100).to_numpy()
        percent[column] = st.column_config.NumberColumn(format="%.2f%%")
    st.dataframe(table, hide_index=True, width="stretch", column_config=percent)


def _cluster_names() -> dict[str, str]:
    """Code → cluster name, one dictionary per run (not one frame filter per cluster: a hundred
    clusters at country scale)."""
    clusters = ui.read("clusters")
    return dict(zip(clusters["code"], clusters["name" if ui.lang() == "zh" else "name_en"], strict=True))


def _platforms_table(region: str) -> None:
    plats = ui.read("platforms")
    plats = plats[plats["region"] == region]
    if plats.empty:
        st.caption(ui.t("regions.no_platforms"))
        return
    zh = ui.lang() == "zh"
    name = _cluster_names()
    table = {
        ui.t("col.platform"): list(plats["name"]),
        ui.t("col.level"): [LEVEL[v].name_zh if zh else LEVEL[v].name_en for v in plats["level"]],
        ui.t("col.clusters"): [ui.join([name.get(c, c) for c in cs]) for cs in plats["clusters"]],
        ui.t("col.status"): [ui.t(f"platform_status.{s}") for s in plats["status"]],
    }
    st.dataframe(table, hide_index=True, width="stretch")


ui.guarded(body)
