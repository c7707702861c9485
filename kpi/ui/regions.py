"""The regions page's parts (区县): the trend of one ratio, a unit's clusters and its platforms."""

from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.model.definitions import LEVEL, RATIOS
from kpi.model.periods import from_code
from kpi.progress.compute import Target
from kpi.reports import charts
from kpi.ui import fmt, lang, scope
from kpi.ui.ranking import indicator_choice

_CONFIG = {"displayModeBar": False}


@st.fragment
def trend_section(
    region: str, period: str, targets: dict[str, Target], labels: dict[str, str], *, with_city: bool
) -> None:
    """One ratio's trend, like with like (kpi.reports.charts.trend: one line per quarter of the
    year, `period`'s quarter thick), with the city's same quarter where the viewer may see it. One
    chart for the chosen ratio (a fragment: choosing another reruns this section only); three side
    by side were three plotly figures to draw and a third of a phone's width each."""
    quarter = from_code(period).quarter
    names = {q: lang.t(f"trend.q{q}") for q in (1, 2, 3, 4)}
    st.subheader(lang.t("regions.trend" if with_city else "regions.trend_own", quarter=names[quarter]))
    code = indicator_choice("regions_trend")
    series = scope.read("series", region, None)
    city = scope.read("series", None, None) if with_city else None
    figure = _trend_figure(
        _points(series, code),
        None if city is None else _points(city, code),
        targets[code],
        tuple(sorted(fmt.chart_labels().items())),
        quarter,
        tuple(sorted(names.items())),
        labels[code],
        fmt.region_name(region),
        lang.t("city"),
    )
    st.plotly_chart(figure, key=f"trend-{code}", config=_CONFIG)


Points = tuple[tuple[str, float | None], ...]


def _points(series: pd.DataFrame, code: str) -> Points:
    part = series[series["indicator"] == code]
    return tuple(
        (str(p), None if pd.isna(v) else float(v)) for p, v in zip(part["period"], part["value"], strict=True)
    )


@functools.lru_cache(maxsize=64)
def _trend_figure(
    mine: Points,
    city: Points | None,
    target: Target,
    labels: tuple[tuple[str, str], ...],
    quarter: int,
    names: tuple[tuple[int, str], ...],
    title: str,
    name: str,
    compare_name: str,
) -> go.Figure:
    """The trend figure, kept by its content as the rankings' figures are (kpi.ui.ranking): a
    figure costs plotly ~15 ms to build, and the same one serves every session that shows it."""

    def frame(points: Points) -> pd.DataFrame:
        return pd.DataFrame(list(points), columns=["period", "value"]).astype({"value": "float64"})

    return charts.trend(
        frame(mine),
        target,
        dict(labels),
        quarter=quarter,
        quarter_names=dict(names),
        title=title,
        compare=None if city is None else frame(city),
        name=name,
        compare_name=compare_name,
    )


def clusters_table(period: str, region: str) -> None:
    frame = scope.read("cluster_ratios", period, region)
    if frame.empty:
        st.caption(lang.t("regions.no_clusters"))
        return
    wide = frame.pivot(index="cluster", columns="indicator", values="value").reset_index()
    name = cluster_names()
    table = pd.DataFrame({lang.t("col.cluster"): [name.get(c, c) for c in wide["cluster"]]})
    percent = {}
    for r in RATIOS:
        column = r.short_zh if lang.lang() == "zh" else r.short_en
        # numbers in percent (sorting is numeric), shown as 3.15% by the column's format
        values = wide[r.code] if r.code in wide else pd.Series(float("nan"), index=wide.index)
        table[column] = (values.astype("float64") * 100).to_numpy()
        percent[column] = st.column_config.NumberColumn(format="%.2f%%")
    st.dataframe(table, hide_index=True, width="stretch", column_config=percent)


def cluster_names() -> dict[str, str]:
    """Code → cluster name, one dictionary per run (not one frame filter per cluster: a hundred
    clusters at country scale)."""
    clusters = scope.read("clusters")
    return dict(zip(clusters["code"], clusters["name" if lang.lang() == "zh" else "name_en"], strict=True))


def platforms_table(region: str) -> None:
    plats = scope.read("platforms")
    plats = plats[plats["region"] == region]
    if plats.empty:
        st.caption(lang.t("regions.no_platforms"))
        return
    zh = lang.lang() == "zh"
    name = cluster_names()
    table = {
        lang.t("col.platform"): list(plats["name"]),
        lang.t("col.level"): [LEVEL[v].name_zh if zh else LEVEL[v].name_en for v in plats["level"]],
        lang.t("col.clusters"): [fmt.join([name.get(c, c) for c in cs]) for cs in plats["clusters"]],
        lang.t("col.status"): [lang.t(f"platform_status.{s}") for s in plats["status"]],
    }
    st.dataframe(table, hide_index=True, width="stretch")
