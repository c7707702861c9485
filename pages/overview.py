"""总览 Overview: where the city stands against each target, the units' ranking, what is off track.

With many units (province or country scale) the charts show the top and bottom of each ranking
and the signed-in county official's own unit; the full lists are tables (kpi/ui_ranking.py).
"""

import streamlit as st

from kpi.model.definitions import RATIOS
from kpi.reports import attention
from kpi.ui import cards, downloads, fmt, lang, layout, signin
from kpi.ui import ranking as ui_ranking
from kpi.ui import scope as ui_scope
from kpi.ui import tasks as ui_tasks

user = signin.entry_guard()


def body() -> None:
    if ui_scope.read("latest") is None:
        layout.page_header(lang.t("nav.overview"))
        layout.empty_state()
        return
    periods = ui_scope.read("periods")
    period = layout.select(
        lang.t("period"),
        periods[::-1],
        "overview_period",
        fmt.period_label,
        sidebar=True,
        default=layout.default_period(),
    )
    layout.page_header(lang.t("nav.overview"), period)
    scope = ui_scope.home_region()  # a county official: its own unit in full; else the city
    ui_scope.scope_note()
    status = ui_scope.read("status", period, scope, None, lang.lang())
    series = ui_scope.read("series", scope, None)
    ind = status["indicators"]

    st.subheader(lang.t("overview.cards"))
    st.caption(lang.t("overview.elapsed_note"))  # 序时进度 / 序时路径, where they first appear
    mine = ui_scope.derived("card_series", lambda: cards.series_by_ratio(series, period), scope, period)
    cols = st.columns(3)
    for i, r in enumerate(RATIOS):
        with cols[i]:
            cards.ratio_card(r.code, ind[r.code], period, mine[r.code], key=r.code)
    cols = st.columns(3)
    for i, code in enumerate(("cluster_coverage", "provincial_platforms", "national_platforms")):
        with cols[i]:
            cards.count_card(code, ind[code], status["platforms_as_of"])

    ui_tasks.overview_card()
    st.subheader(lang.t("overview.off_track"))
    ranking = ui_scope.read("ranking", period, None)
    names = ui_ranking.unit_names()
    targets = {r.code: cards.target_of(r.code) for r in RATIOS}
    items = ui_scope.derived(
        "attention",
        lambda: attention.attention_items(status, ranking, targets, names, lang.lang()),
        period,
        scope,
        lang.lang(),
    )
    if items:
        st.markdown(
            "\n".join(f"- {ui_ranking.attention_line(item)}" for item in items), unsafe_allow_html=True
        )
    else:
        st.success(lang.t("overview.all_good"))

    own = user.region  # a county official's unit stays in every chart
    if scope is None:  # how each unit adds to the city's gap: the city's figures, the task force's
        st.subheader(lang.t("overview.contributions"))
        ui_ranking.contribution_section(ind, names, period, keep=own)

    # one ratio at a time (a segmented control, not tabs that drew every hidden chart)
    st.subheader(ui_ranking.title(ranking["region"].nunique()))
    ui_ranking.ranking_section(
        ranking,
        targets,
        names,
        period,
        name="overview_rank",
        chart_key="rank",
        highlight=own,
        table_key="overview-ranking",
    )
    downloads.brief_buttons(period, scope)


layout.guarded(body)
