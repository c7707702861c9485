"""135N coverage and the level ladder of the pilot-platform page (中试平台): uncovered clusters
with where their firms are, the cluster × region matrix, coverage and the cumulative provincial and
national counts quarter by quarter, the ladder against the 2027 targets."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi import charts, compute, register, ui
from kpi.ui_platforms import clusters_text, day, goal_label, level_name, read

# ---------------------------------------------------------------- coverage


def coverage_section(plats: pd.DataFrame, standing: pd.DataFrame, as_of: dt.date) -> None:
    taxonomy = ui.read("clusters")
    universe = list(taxonomy["code"])
    st.caption(ui.t("plat.cov.rule"))
    series = register.coverage_series(plats, universe, as_of)
    now = series.iloc[-1] if not series.empty else None
    newly = list(now["newly"]) if now is not None else []
    st.markdown(f"**{ui.t('plat.cov.newly_now')}**")
    if newly:
        st.text(clusters_text(newly))
    else:
        st.caption(ui.t("plat.cov.newly_none"))

    st.subheader(ui.t("plat.cov.uncovered"))
    missing = register.uncovered_clusters(standing, taxonomy, read("cluster_regions"))
    if missing.empty:
        st.success(ui.t("plat.cov.all_covered"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    ui.t("col.cluster"): missing["code"].map(ui.cluster_name),
                    ui.t("col.tier"): missing["tier"].map(lambda v: ui.t(f"tier.{v}")),
                    ui.t("col.group"): missing["group"].map(lambda v: ui.t(f"group.{v}")),
                    ui.t("plat.cov.hosts"): missing["regions"].map(
                        lambda rs: (
                            "、".join(ui.region_name(r) for r in rs) if rs else ui.t("plat.cov.no_hosts")
                        )
                    ),
                }
            ),
            hide_index=True,
            width="stretch",
            key="plat_uncovered",
        )

    st.subheader(ui.t("plat.cov.matrix"))
    st.caption(ui.t("plat.cov.matrix_help"))
    units = list(ui.read("units")["code"])
    st.plotly_chart(
        _matrix(register.coverage_matrix(standing, universe, units)),
        key="plat_matrix",
        config={"displayModeBar": False},
    )

    st.subheader(ui.t("plat.cov.over_time"))
    st.caption(ui.t("plat.cov.over_time_help"))
    st.plotly_chart(_coverage_chart(series), key="plat_cov_chart", config={"displayModeBar": False})
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("plat.cov.col.period"): series["period"].map(quarter_label),
                ui.t("plat.cov.col.as_of"): series["as_of"].map(day),
                ui.t("plat.cov.col.covered"): [
                    f"{c}/{t}" for c, t in zip(series["covered"], series["total"], strict=True)
                ],
                ui.t("plat.cov.col.rate"): series["value"].map(lambda v: ui.pct(v, 1)),
                ui.t("plat.cov.col.newly"): series["newly"].map(clusters_text),
                ui.t("plat.cov.col.lost"): series["lost"].map(clusters_text),
            }
        ).iloc[::-1],
        hide_index=True,
        width="stretch",
        height=ui.table_height(len(series)),
        key="plat_cov_table",
    )


def quarter_label(code: str) -> str:
    year, q = code.split("Q")
    return f"{year}年第{q}季度" if ui.lang() == "zh" else f"{year} Q{q}"


def _matrix(counts: pd.DataFrame) -> go.Figure:
    z = counts.to_numpy().tolist()
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[ui.region_name(r) for r in counts.columns],
            y=[ui.cluster_name(c) for c in counts.index],
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
    fig.add_bar(x=labels, y=series["covered"], name=ui.t("plat.cov.chart_covered"), marker_color="#0072B2")
    fig.add_scatter(
        x=labels,
        y=series["total"],
        name=ui.t("plat.cov.chart_total"),
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


def ladder_section(
    plats: pd.DataFrame, standing: pd.DataFrame, goals: list[register.Goal], as_of: dt.date
) -> None:
    st.caption(ui.t("plat.ladder.rule"))
    lad = register.ladder(standing)
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("plat.ladder.col.level"): lad["level"].map(level_name),
                ui.t("plat.ladder.col.at"): lad["at_level"],
                ui.t("plat.ladder.col.above"): lad["at_or_above"],
            }
        ),
        hide_index=True,
        width="stretch",
        key="plat_ladder",
    )
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("plat.goal.col.indicator"): [goal_label(g.indicator) for g in goals],
                ui.t("plat.goal.col.value"): [
                    ui.pct(g.value, 1) if g.indicator == "cluster_coverage" else str(int(g.value or 0))
                    for g in goals
                ],
                ui.t("plat.goal.col.target"): [
                    ui.pct(g.target, 0) if g.indicator == "cluster_coverage" else f"{g.target:g}"
                    for g in goals
                ],
                ui.t("plat.goal.col.completion"): [ui.pct(g.completion, 0) for g in goals],
                ui.t("plat.goal.col.elapsed"): [ui.pct(g.elapsed, 0) for g in goals],
                ui.t("plat.goal.col.status"): [ui.status_word(g.status) for g in goals],
            }
        ),
        hide_index=True,
        width="stretch",
        key="plat_goals",
    )
    targets = ui.read("targets")
    start = targets.loc[targets["indicator"] == "provincial_platforms", "plan_start"].iloc[0]
    st.caption(
        ui.t(
            "plat.goal.rule",
            start=day(start),
            deadline=goals[0].deadline.isoformat(),
            rule=compute.count_rule(ui.lang()),
        )
    )
    st.markdown(f"**{ui.t('plat.ladder.counts_over_time')}**")
    series = register.coverage_series(plats, list(ui.read("clusters")["code"]), as_of)
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("plat.cov.col.period"): series["period"].map(quarter_label),
                ui.t("plat.ladder.col.provincial"): series["provincial"],
                ui.t("plat.ladder.col.national"): series["national"],
            }
        ).iloc[::-1],
        hide_index=True,
        width="stretch",
        height=ui.table_height(len(series)),
        key="plat_counts_over_time",
    )
