"""产业集群 Clusters: the 135N taxonomy with each cluster's ratios and platform coverage, the
region × cluster matrix, and the clusters still without a pilot platform.

The rows are built in kpi.reports.clusters: a platform count and a coverage mark in one row
describe one scope (for a county: its own platforms, beside the city's in columns of their own)."""

import streamlit as st

from kpi.ui import clusters as ui_clusters
from kpi.ui import fmt, lang, layout, signin
from kpi.ui import scope as ui_scope

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
    table = ui_scope.read("cluster_table", period, scope)

    ui_clusters.uncovered_section(table)
    st.subheader(lang.t("clusters.taxonomy"))
    ui_clusters.taxonomy_table(table)
    st.subheader(lang.t("clusters.matrix"))
    ui_clusters.matrix_section(period, table)


layout.guarded(body)
