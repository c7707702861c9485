"""产业集群 Clusters: the 135N taxonomy with each cluster's ratios and platform coverage, the
region × cluster matrix, and the clusters still without a pilot platform."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi import charts, ui
from kpi.definitions import RATIOS

ui.entry_guard()


def body() -> None:
    periods = ui.read("periods")[::-1]
    period = (
        ui.select(ui.t("period"), periods, "clusters_period", ui.period_label, sidebar=True)
        if periods
        else None
    )
    ui.page_header(ui.t("nav.clusters"), period)
    taxonomy = ui.read("clusters")
    if not taxonomy["confirmed"].all():
        st.info(ui.t("clusters.unconfirmed"), icon=":material/warning:")
    if ui.empty_state():
        return
    scope = ui.home_region()  # a county official: its own unit's clusters; else the city
    ui.scope_note()
    status = ui.read("status", period, scope, None, ui.lang())
    coverage = status["indicators"]["cluster_coverage"]
    plats = ui.read("platforms")
    served = plats[plats["status"] != "revoked"]["clusters"].explode().value_counts()
    hosts = ui.read("cluster_regions").groupby("cluster")["region"].agg(list)

    st.subheader(ui.t("clusters.uncovered"))
    if coverage["uncovered"]:
        for code in coverage["uncovered"]:
            row = taxonomy[taxonomy["code"] == code].iloc[0]
            where = ui.join([ui.region_name(r) for r in hosts.get(code, [])])
            st.markdown(
                f"- ✖ **{ui.cluster_name(code)}**（{ui.t('tier.' + row['tier'])} · "
                f"{ui.t('group.' + row['group'])}）{ui.t('col.hosts')}{ui.colon()}{where or '—'}"
            )
    else:
        st.success(ui.t("clusters.all_covered"))
    st.caption(ui.t("card.covered", covered=coverage["covered"], total=coverage["total"]))

    st.subheader(ui.t("clusters.taxonomy"))
    ratios = ui.read("cluster_ratios", period, scope)
    wide = ratios.pivot(index="cluster", columns="indicator", values="value") if not ratios.empty else None
    zh = ui.lang() == "zh"
    table: dict[str, list] = {
        ui.t("col.tier"): [ui.t(f"tier.{v}") for v in taxonomy["tier"]],
        ui.t("col.group"): [ui.t(f"group.{v}") for v in taxonomy["group"]],
        ui.t("col.cluster"): list(taxonomy["name" if zh else "name_en"]),
    }
    for r in RATIOS:
        values = [
            None if wide is None or c not in wide.index else wide.loc[c].get(r.code) for c in taxonomy["code"]
        ]
        table[r.short_zh if zh else r.short_en] = [ui.pct(v) for v in values]
    table[ui.t("col.platforms")] = [int(served.get(c, 0)) for c in taxonomy["code"]]
    table[ui.t("col.covered")] = [
        ui.t("covered.yes") if c not in coverage["uncovered"] else ui.t("covered.no")
        for c in taxonomy["code"]
    ]
    table[ui.t("col.hosts")] = [
        "、".join(ui.region_name(r) for r in hosts.get(c, [])) for c in taxonomy["code"]
    ]
    st.dataframe(table, hide_index=True, width="stretch", height=ui.table_height(len(taxonomy)))

    st.subheader(ui.t("clusters.matrix"))
    options = [*(r.code for r in RATIOS), "platforms"]
    labels = {r.code: (r.short_zh if zh else r.short_en) for r in RATIOS} | {
        "platforms": ui.t("clusters.platform_count")
    }
    metric = st.radio(
        ui.t("clusters.matrix_metric"),
        options,
        format_func=labels.get,
        horizontal=True,
        key="clusters_metric",
    )
    st.plotly_chart(_matrix(period, metric, taxonomy, plats), key="matrix", config={"displayModeBar": False})


def _matrix(period: str, metric: str, taxonomy: pd.DataFrame, plats: pd.DataFrame) -> go.Figure:
    units = ui.read("units")
    units = units[units["code"].isin(ui.visible_units(list(units["code"])))]
    rows = [ui.cluster_name(c) for c in taxonomy["code"]]
    cols = [ui.region_name(u) for u in units["code"]]
    if metric == "platforms":
        live = plats[plats["status"] != "revoked"].explode("clusters")
        counts = live.groupby(["clusters", "region"]).size()
        z = [[counts.get((c, u), 0) for u in units["code"]] for c in taxonomy["code"]]
        text = [[str(v) if v else "" for v in row] for row in z]
        scale, suffix = "Blues", ""
    else:
        m = ui.read("matrix", period)
        m = m[m["indicator"] == metric].set_index(["cluster", "region"])["value"]
        z = [
            [m.get((c, u)) * 100 if (c, u) in m.index else None for u in units["code"]]
            for c in taxonomy["code"]
        ]
        text = [["" if v is None else f"{v:.1f}" for v in row] for row in z]
        scale, suffix = "Cividis", "%"
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=rows,
            text=text,
            texttemplate="%{text}",
            colorscale=scale,
            hoverongaps=False,
            colorbar={"ticksuffix": suffix},
        )
    )
    fig.update_layout(
        height=60 + 34 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": charts.FONT, "size": 13},
    )
    fig.update_yaxes(autorange="reversed")
    return fig


ui.guarded(body)
