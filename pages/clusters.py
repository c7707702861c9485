"""产业集群 Clusters: the 135N taxonomy with each cluster's ratios and platform coverage, the
region × cluster matrix, and the clusters still without a pilot platform."""

import streamlit as st

from kpi.model.definitions import RATIOS
from kpi.ui import fmt, lang, layout, signin
from kpi.ui import scope as ui_scope
from kpi.ui.clusters import matrix_figure

signin.entry_guard()


def body() -> None:
    periods = ui_scope.read("periods")[::-1]
    period = (
        layout.select(
            lang.t("period"),
            periods,
            "clusters_period",
            fmt.period_label,
            sidebar=True,
            default=layout.default_period(),
        )
        if periods
        else None
    )
    layout.page_header(lang.t("nav.clusters"), period)
    taxonomy = ui_scope.read("clusters")
    if not taxonomy["confirmed"].all():
        st.info(lang.t("clusters.unconfirmed"), icon=":material/warning:")
    if layout.empty_state():
        return
    scope = ui_scope.home_region()  # a county official: its own unit's clusters; else the city
    ui_scope.scope_note()
    status = ui_scope.read("status", period, scope, None, lang.lang())
    coverage = status["indicators"]["cluster_coverage"]
    plats = ui_scope.read("platforms")
    served = plats[plats["status"] != "revoked"]["clusters"].explode().value_counts()
    hosts = ui_scope.read("cluster_regions").groupby("cluster")["region"].agg(list)

    st.subheader(lang.t("clusters.uncovered"))
    if coverage["uncovered"]:
        for code in coverage["uncovered"]:
            row = taxonomy[taxonomy["code"] == code].iloc[0]
            where = fmt.join([fmt.region_name(r) for r in hosts.get(code, [])])
            st.markdown(
                f"- ✖ **{fmt.cluster_name(code)}**（{lang.t('tier.' + row['tier'])} · "
                f"{lang.t('group.' + row['group'])}）{lang.t('col.hosts')}{fmt.colon()}{where or '—'}"
            )
    else:
        st.success(lang.t("clusters.all_covered"))
    st.caption(lang.t("card.covered", covered=coverage["covered"], total=coverage["total"]))

    st.subheader(lang.t("clusters.taxonomy"))
    ratios = ui_scope.read("cluster_ratios", period, scope)
    wide = ratios.pivot(index="cluster", columns="indicator", values="value") if not ratios.empty else None
    zh = lang.lang() == "zh"
    table: dict[str, list] = {
        lang.t("col.tier"): [lang.t(f"tier.{v}") for v in taxonomy["tier"]],
        lang.t("col.group"): [lang.t(f"group.{v}") for v in taxonomy["group"]],
        lang.t("col.cluster"): list(taxonomy["name" if zh else "name_en"]),
    }
    for r in RATIOS:
        values = [
            None if wide is None or c not in wide.index else wide.loc[c].get(r.code) for c in taxonomy["code"]
        ]
        table[r.short_zh if zh else r.short_en] = [fmt.pct(v) for v in values]
    table[lang.t("col.platforms")] = [int(served.get(c, 0)) for c in taxonomy["code"]]
    table[lang.t("col.covered")] = [
        lang.t("covered.yes") if c not in coverage["uncovered"] else lang.t("covered.no")
        for c in taxonomy["code"]
    ]
    table[lang.t("col.hosts")] = [
        "、".join(fmt.region_name(r) for r in hosts.get(c, [])) for c in taxonomy["code"]
    ]
    st.dataframe(table, hide_index=True, width="stretch", height=layout.table_height(len(taxonomy)))

    st.subheader(lang.t("clusters.matrix"))
    options = [*(r.code for r in RATIOS), "platforms"]
    labels = {r.code: (r.short_zh if zh else r.short_en) for r in RATIOS} | {
        "platforms": lang.t("clusters.platform_count")
    }
    metric = st.radio(
        lang.t("clusters.matrix_metric"),
        options,
        format_func=labels.get,
        horizontal=True,
        key="clusters_metric",
    )
    st.plotly_chart(
        matrix_figure(period, metric, taxonomy, plats), key="matrix", config={"displayModeBar": False}
    )


layout.guarded(body)
