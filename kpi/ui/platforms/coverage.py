"""135N coverage and the level ladder of the pilot-platform page (中试平台): uncovered clusters
with where their firms are, the cluster × region matrix, coverage and the cumulative provincial and
national counts quarter by quarter, the ladder against the 2027 targets."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.platforms import register
from kpi.progress import compute
from kpi.reports import charts
from kpi.ui import fmt, lang, layout, scope
from kpi.ui.platforms.listing import clusters_text, day, goal_label, level_name, read

# ---------------------------------------------------------------- coverage


def coverage_section(standing: pd.DataFrame, as_of: dt.date) -> None:
    taxonomy = scope.read("clusters")
    universe = list(taxonomy["code"])
    st.caption(lang.t("plat.cov.rule"))
    series = scope.read("coverage_series", as_of)
    now = series.iloc[-1] if not series.empty else None
    newly = list(now["newly"]) if now is not None else []
    st.markdown(f"**{lang.t('plat.cov.newly_now')}**")
    if newly:
        st.text(clusters_text(newly))
    else:
        st.caption(lang.t("plat.cov.newly_none"))

    st.subheader(lang.t("plat.cov.uncovered"))
    missing = register.uncovered_clusters(standing, taxonomy, read("cluster_regions"))
    if missing.empty:
        st.success(lang.t("plat.cov.all_covered"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    lang.t("col.cluster"): missing["code"].map(fmt.cluster_name),
                    lang.t("col.tier"): missing["tier"].map(lambda v: lang.t(f"tier.{v}")),
                    lang.t("col.group"): missing["group"].map(lambda v: lang.t(f"group.{v}")),
                    lang.t("plat.cov.hosts"): missing["regions"].map(
                        lambda rs: (
                            "、".join(fmt.region_name(r) for r in rs) if rs else lang.t("plat.cov.no_hosts")
                        )
                    ),
                }
            ),
            hide_index=True,
            width="stretch",
            key="plat_uncovered",
        )

    st.subheader(lang.t("plat.cov.matrix"))
    st.caption(lang.t("plat.cov.matrix_help"))
    units = list(scope.read("units")["code"])
    st.plotly_chart(
        _matrix(register.coverage_matrix(standing, universe, units)),
        key="plat_matrix",
        config={"displayModeBar": False},
    )

    st.subheader(lang.t("plat.cov.over_time"))
    st.caption(lang.t("plat.cov.over_time_help"))
    st.plotly_chart(_coverage_chart(series), key="plat_cov_chart", config={"displayModeBar": False})
    st.dataframe(
        pd.DataFrame(
            {
                lang.t("plat.cov.col.period"): series["period"].map(quarter_label),
                lang.t("plat.cov.col.as_of"): series["as_of"].map(day),
                lang.t("plat.cov.col.covered"): [
                    f"{c}/{t}" for c, t in zip(series["covered"], series["total"], strict=True)
                ],
                lang.t("plat.cov.col.rate"): series["value"].map(lambda v: fmt.pct(v, 1)),
                lang.t("plat.cov.col.newly"): series["newly"].map(clusters_text),
                lang.t("plat.cov.col.lost"): series["lost"].map(clusters_text),
            }
        ).iloc[::-1],
        hide_index=True,
        width="stretch",
        height=layout.table_height(len(series)),
        key="plat_cov_table",
    )


def quarter_label(code: str) -> str:
    year, q = code.split("Q")
    return f"{year}年第{q}季度" if lang.lang() == "zh" else f"{year} Q{q}"


def _matrix(counts: pd.DataFrame) -> go.Figure:
    z = counts.to_numpy().tolist()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[fmt.region_name(r) for r in counts.columns],
            y=[fmt.cluster_name(c) for c in counts.index],
            text=[[str(v) if v else "" for v in row] for row in z],
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            showscale=False,
            hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
        )
    )
    fig.update_layout(
        height=60 + 30 * len(counts.index),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        font={"family": charts.FONT, "size": 13},
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(side="top")
    return fig


def _coverage_chart(series: pd.DataFrame) -> go.Figure:
    labels = [quarter_label(p) for p in series["period"]]
    fig = go.Figure()
    fig.add_bar(x=labels, y=series["covered"], name=lang.t("plat.cov.chart_covered"), marker_color="#0072B2")
    fig.add_scatter(
        x=labels,
        y=series["total"],
        name=lang.t("plat.cov.chart_total"),
        mode="lines",
        line={"color": "#D55E00", "dash": "dash"},
    )
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": charts.FONT, "size": 13},
        legend={"orientation": "h", "y": 1.12},
        yaxis={"rangemode": "tozero", "dtick": 1 if series["total"].max() <= 15 else None},
    )
    return fig


# ---------------------------------------------------------------- ladder


def ladder_section(standing: pd.DataFrame, goals: list[register.Goal], as_of: dt.date) -> None:
    st.caption(lang.t("plat.ladder.rule"))
    lad = register.ladder(standing)
    st.dataframe(
        pd.DataFrame(
            {
                lang.t("plat.ladder.col.level"): lad["level"].map(level_name),
                lang.t("plat.ladder.col.at"): lad["at_level"],
                lang.t("plat.ladder.col.above"): lad["at_or_above"],
            }
        ),
        hide_index=True,
        width="stretch",
        key="plat_ladder",
    )
    st.dataframe(
        pd.DataFrame(
            {
                lang.t("plat.goal.col.indicator"): [goal_label(g.indicator) for g in goals],
                lang.t("plat.goal.col.value"): [
                    fmt.pct(g.value, 1) if g.indicator == "cluster_coverage" else str(int(g.value or 0))
                    for g in goals
                ],
                lang.t("plat.goal.col.target"): [
                    fmt.pct(g.target, 0) if g.indicator == "cluster_coverage" else f"{g.target:g}"
                    for g in goals
                ],
                lang.t("plat.goal.col.completion"): [fmt.pct(g.completion, 0) for g in goals],
                lang.t("plat.goal.col.elapsed"): [fmt.pct(g.elapsed, 0) for g in goals],
                lang.t("plat.goal.col.status"): [fmt.status_word(g.status) for g in goals],
            }
        ),
        hide_index=True,
        width="stretch",
        key="plat_goals",
    )
    targets = scope.read("targets")
    start = targets.loc[targets["indicator"] == "provincial_platforms", "plan_start"].iloc[0]
    st.caption(
        lang.t(
            "plat.goal.rule",
            start=day(start),
            deadline=goals[0].deadline.isoformat(),
            rule=compute.count_rule(lang.lang()),
        )
    )
    st.markdown(f"**{lang.t('plat.ladder.counts_over_time')}**")
    series = scope.read("coverage_series", as_of)
    st.dataframe(
        pd.DataFrame(
            {
                lang.t("plat.cov.col.period"): series["period"].map(quarter_label),
                lang.t("plat.ladder.col.provincial"): series["provincial"],
                lang.t("plat.ladder.col.national"): series["national"],
            }
        ).iloc[::-1],
        hide_index=True,
        width="stretch",
        height=layout.table_height(len(series)),
        key="plat_counts_over_time",
    )
