"""Plotly figures for the pages. No streamlit here; texts come in as arguments.

Targets are drawn as what they are: a line for a point target, a floor for "≥", a shaded band for
"≈". Colours are Okabe–Ito (readable for colour-blind users) and every status also has a symbol.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.compute import Target
from kpi.definitions import TargetKind

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"
BLUE, ORANGE, GREEN, VERMILLION, GREY, SKY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999", "#56B4E9"


def _layout(fig: go.Figure, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 36 if title else 8, "b": 8},
        font={"family": FONT, "size": 13},
        title={"text": title, "font": {"size": 15}} if title else None,
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#eeeeee", ticksuffix="%", zeroline=False)
    return fig


def add_target(fig: go.Figure, target: Target, labels: dict[str, str], horizontal: bool = True) -> None:
    """A point target as a dashed line, a floor as a solid line, a band as a shaded strip."""
    v = target.value * 100
    add_line = fig.add_hline if horizontal else fig.add_vline
    add_rect = fig.add_hrect if horizontal else fig.add_vrect
    if target.kind is TargetKind.BAND and target.band_pp:
        add_rect(
            v - target.band_pp,
            v + target.band_pp,
            fillcolor=SKY,
            opacity=0.18,
            line_width=0,
            annotation_text=f"{labels['band']} {v:g}%±{target.band_pp:g}",
            annotation_position="top left",
        )
    else:
        floor = target.kind is TargetKind.FLOOR
        add_line(
            v,
            line_dash="solid" if floor else "dash",
            line_color=VERMILLION if floor else BLUE,
            annotation_text=f"{labels['floor' if floor else 'target_line']} {v:g}%",
            annotation_position="top left",
        )


def trend(
    series: pd.DataFrame,
    target: Target,
    labels: dict[str, str],
    *,
    height: int = 300,
    title: str | None = None,
    compare: pd.DataFrame | None = None,
    name: str = "",
    compare_name: str = "",
) -> go.Figure:
    """Quarterly YTD values (period, value) with the target; optional second series to compare."""
    fig = go.Figure()
    if compare is not None and not compare.empty:
        fig.add_scatter(
            x=compare["period"],
            y=compare["value"] * 100,
            name=compare_name,
            mode="lines",
            line={"color": GREY, "dash": "dot"},
        )
    fig.add_scatter(
        x=series["period"],
        y=series["value"] * 100,
        name=name,
        mode="lines+markers",
        line={"color": BLUE, "width": 2.5},
        marker={"size": 6},
        hovertemplate="%{x}: %{y:.2f}%<extra></extra>",
    )
    add_target(fig, target, labels)
    periods = list(series["period"])
    # YTD values restart each January: label the year ends only, so the axis stays readable
    ticks = [p for p in periods if p.endswith("Q4")] or periods[-1:]
    fig.update_xaxes(type="category", tickvals=ticks, ticktext=[p[:4] for p in ticks], tickangle=0)
    fig.update_layout(showlegend=compare is not None)
    return _layout(fig, height, title)


def sparkline(series: pd.DataFrame, target: Target, height: int = 70) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=series["period"],
        y=series["value"] * 100,
        mode="lines",
        line={"color": BLUE, "width": 2},
        hovertemplate="%{x}: %{y:.2f}%<extra></extra>",
    )
    fig.add_hline(target.value * 100, line_dash="dot", line_color=GREY, line_width=1)
    fig.update_xaxes(visible=False, type="category")
    fig.update_yaxes(visible=False)
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return fig


def ranking(
    frame: pd.DataFrame,
    target: Target,
    labels: dict[str, str],
    *,
    name_column: str = "label",
    height: int = 330,
    title: str | None = None,
    highlight: str | None = None,
) -> go.Figure:
    """Horizontal bars, best on top, the target as a vertical line; `highlight` one region code."""
    data = frame.sort_values("value", ascending=True, na_position="first")
    colours = [ORANGE if highlight and r == highlight else BLUE for r in data["region"]]
    fig = go.Figure(
        go.Bar(
            x=data["value"] * 100,
            y=data[name_column],
            orientation="h",
            marker_color=colours,
            text=[("—" if pd.isna(v) else f"{v * 100:.2f}%") for v in data["value"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:.2f}%<extra></extra>",
        )
    )
    add_target(fig, target, labels, horizontal=False)
    _layout(fig, height, title)
    fig.update_xaxes(ticksuffix="%", showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(ticksuffix="", showgrid=False)
    return fig


def contributions(frame: pd.DataFrame, *, value_label: str, height: int = 330) -> go.Figure:
    """Ranked bars of each unit's gap at the target ratio (万元 in, 亿元 shown).

    Positive bars (a shortfall) are vermillion and marked ▲, negative (a surplus) blue and ▼,
    so the sign reads without colour.
    """
    data = frame.sort_values("gap_money", ascending=True)
    yi = data["gap_money"] / 10_000
    fig = go.Figure(
        go.Bar(
            x=yi.tolist(),
            y=data["label"].tolist(),
            orientation="h",
            marker_color=[VERMILLION if v > 0 else BLUE for v in yi],
            text=[f"{'▲' if v > 0 else '▼'} {v:+,.2f}" for v in yi],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,.2f}<extra></extra>",
        )
    )
    fig.add_vline(0, line_color=GREY, line_width=1)
    _layout(fig, height)
    fig.update_xaxes(ticksuffix="", title_text=value_label, showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(ticksuffix="", showgrid=False)
    return fig
