"""Plotly figures for the pages. No streamlit here; texts come in as arguments.

Targets are drawn as what they are: a line for a point target, a floor for "≥", a shaded band for
"≈". Colours are Okabe–Ito (readable for colour-blind users) and every status also has a symbol.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from kpi.model.definitions import TargetKind
from kpi.progress.compute import Target
from kpi.text import numbers

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"
BLUE, ORANGE, GREEN, VERMILLION, GREY, SKY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999", "#56B4E9"


# Each figure is built in one go (traces and a layout dict): plotly validates the dict once,
# where update_layout/update_xaxes/add_hline each walk its property tree again; on the Overview
# that was most of a rerun's time. Target lines and bands are the shapes and annotations that
# add_hline/add_vline/add_hrect/add_vrect would make, written out.


def _layout(
    height: int,
    title: str | None = None,
    *,
    xaxis: dict[str, Any] | None = None,
    yaxis: dict[str, Any] | None = None,
    marks: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], []),
    **extra: Any,
) -> dict[str, Any]:
    shapes, annotations = marks
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 36 if title else 8, "b": 8},
        "font": {"family": FONT, "size": 13},
        "title": {"text": title, "font": {"size": 15}} if title else {},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {"showgrid": False, **(xaxis or {})},
        "yaxis": {"gridcolor": "#eeeeee", "ticksuffix": "%", "zeroline": False, **(yaxis or {})},
        "shapes": shapes,
        "annotations": annotations,
        **extra,
    }


# Target labels get a half-opaque white box: a data line or a bar running through one left it
# unreadable. A vertical line (the ranking's target) is labelled above the plot, not over a bar.
_NOTE = {"showarrow": False, "bgcolor": "rgba(255,255,255,0.8)"}
_ABOVE = 24  # top margin (px) that holds a label above the plot


def _line(
    value: float, horizontal: bool, line: dict[str, Any], text: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A line across the plot at `value` (as add_hline/add_vline): a horizontal one labelled at
    its left end, a vertical one above the plot."""
    if horizontal:
        shape = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": value, "y1": value}
        note = {"xref": "x domain", "x": 0, "xanchor": "left", "yref": "y", "y": value, "yanchor": "bottom"}
    else:
        shape = {"type": "line", "xref": "x", "x0": value, "x1": value, "yref": "y domain", "y0": 0, "y1": 1}
        note = {"xref": "x", "x": value, "xanchor": "center", "yref": "y domain", "y": 1, "yanchor": "bottom"}
    return [{**shape, "line": line}], ([{**note, **_NOTE, "text": text}] if text else [])


def target_marks(
    target: Target, labels: dict[str, str], horizontal: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A point target as a dashed line, a floor as a solid line, a band as a shaded strip."""
    v = target.value * 100
    if target.kind is TargetKind.BAND and target.band_pp:
        low, high = v - target.band_pp, v + target.band_pp
        text = f"{labels['band']} {v:g}%±{target.band_pp:g}"
        band = {"type": "rect", "fillcolor": SKY, "opacity": 0.18, "line": {"width": 0}}
        if horizontal:
            shape = {**band, "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": low, "y1": high}
            note = {"xref": "x domain", "x": 0, "yref": "y", "y": high, "yanchor": "top"}
        else:
            shape = {**band, "xref": "x", "x0": low, "x1": high, "yref": "y domain", "y0": 0, "y1": 1}
            note = {"xref": "x", "x": low, "yref": "y domain", "y": 1, "yanchor": "bottom"}
        return [shape], [{**note, **_NOTE, "xanchor": "left", "text": text}]
    floor = target.kind is TargetKind.FLOOR
    line = {"dash": "solid" if floor else "dash", "color": VERMILLION if floor else BLUE}
    return _line(v, horizontal, line, f"{labels['floor' if floor else 'target_line']} {v:g}%")


def add_target(fig: go.Figure, target: Target, labels: dict[str, str], horizontal: bool = True) -> None:
    """The target marks added to an existing figure (pages that build their own figures)."""
    shapes, annotations = target_marks(target, labels, horizontal)
    fig.update_layout(
        shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *annotations]
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
    traces = []
    if compare is not None and not compare.empty:
        traces.append(
            go.Scatter(
                x=compare["period"],
                y=compare["value"] * 100,
                name=compare_name,
                mode="lines",
                line={"color": GREY, "dash": "dot"},
            )
        )
    traces.append(
        go.Scatter(
            x=series["period"],
            y=series["value"] * 100,
            name=name,
            mode="lines+markers",
            line={"color": BLUE, "width": 2.5},
            marker={"size": 6},
            hovertemplate="%{x}: %{y:.2f}%<extra></extra>",
        )
    )
    periods = list(series["period"])
    # YTD values restart each January: label the year ends only, so the axis stays readable
    ticks = [p for p in periods if p.endswith("Q4")] or periods[-1:]
    # at most six year labels: ten years of quarters ran the labels into each other in a third
    # of the page's width; the latest year is always labelled
    step = -(-len(ticks) // 6)  # ceiling division
    ticks = ticks[::-1][::step][::-1]
    xaxis = {"type": "category", "tickvals": ticks, "ticktext": [p[:4] for p in ticks], "tickangle": 0}
    layout = _layout(
        height, title, xaxis=xaxis, marks=target_marks(target, labels), showlegend=compare is not None
    )
    return go.Figure(data=traces, layout=layout)


def sparkline(series: pd.DataFrame, target: Target, height: int = 70) -> go.Figure:
    shapes, _ = _line(target.value * 100, True, {"dash": "dot", "color": GREY, "width": 1})
    return go.Figure(
        data=[
            go.Scatter(
                x=series["period"],
                y=series["value"] * 100,
                mode="lines",
                line={"color": BLUE, "width": 2},
                hovertemplate="%{x}: %{y:.2f}%<extra></extra>",
            )
        ],
        layout={
            "xaxis": {"visible": False, "type": "category"},
            "yaxis": {"visible": False},
            "shapes": shapes,
            "height": height,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "showlegend": False,
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
        },
    )


def _two_colours(first: list[bool], colour: str, other: str) -> dict[str, Any]:
    """Bar colours as 0/1 on a two-colour scale: plotly checks a list of colour names one by one
    (most of a chart's cost with thousands of bars), a list of numbers at once."""
    return {
        "color": [1 if f else 0 for f in first],
        "colorscale": [[0, other], [1, colour]],
        "cmin": 0,
        "cmax": 1,
    }


# ---------------------------------------------------------------- many units

# Up to this many units a ranking shows every one (the nine units of Jiaxing, a province's
# counties); beyond it a bar chart is unreadable (and slow to draw: 2,800 bars per chart at
# country scale), so it shows the top and the bottom SHOW_EACH, plus any unit asked for.
SHOW_ALL_UP_TO = 30
SHOW_EACH = 15


@dataclass(frozen=True)
class Shown:
    """The units a chart draws out of a longer list.

    `frame` keeps the input's columns, best first (missing values last); `top` and `bottom` count
    the rows taken from each end of the ranked list, `kept` the codes shown only because they
    were asked for (between the two groups), `gaps_after` the codes after which (best first)
    units are left out. Nothing is cut when `total` is at most SHOW_ALL_UP_TO.
    """

    frame: pd.DataFrame
    total: int
    top: int
    bottom: int
    kept: tuple[str, ...] = ()
    gaps_after: tuple[str, ...] = ()

    @property
    def cut(self) -> bool:
        return len(self.frame) < self.total


def top_and_bottom(
    frame: pd.DataFrame,
    column: str,
    *,
    keep: Iterable[str | None] = (),
    code_column: str = "region",
    limit: int = SHOW_ALL_UP_TO,
    each: int = SHOW_EACH,
) -> Shown:
    """The rows to draw: all of them up to `limit`, else the `each` highest and lowest values of
    `column` (rows without a value are never among them) and the rows whose code is in `keep`."""
    ranked = frame.sort_values(column, ascending=False, na_position="last", kind="stable")
    total = len(ranked)
    if total <= limit:
        return Shown(ranked, total, total, 0)
    valued = int(ranked[column].notna().sum())
    top, bottom = min(each, valued), min(each, max(valued - each, 0))
    wanted = {c for c in keep if c}
    codes = ranked[code_column].tolist()
    picked = set(range(top)) | set(range(valued - bottom, valued))
    kept = [i for i, c in enumerate(codes) if c in wanted and i not in picked]
    rows = sorted(picked | set(kept))
    gaps = tuple(codes[a] for a, b in itertools.pairwise(rows) if b != a + 1)
    return Shown(ranked.iloc[rows], total, top, bottom, tuple(codes[i] for i in kept), gaps)


def _height(bars: int, height: int) -> int:
    """Room for every bar's label: the given height up to a dozen bars, then 22 px a bar."""
    return max(height, 22 * bars + 70)


def _gap_lines(codes: list[str], gaps_after: Collection[str]) -> list[dict[str, Any]]:
    """A dotted line across the plot where units are left out. `codes` are in drawing order
    (bottom first), so a gap after a code (best first) lies just below that code's bar."""
    out = []
    for i, code in enumerate(codes):
        if code in gaps_after and i > 0:
            y = i - 0.5
            out.append(
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "yref": "y",
                    "y0": y,
                    "y1": y,
                    "line": {"dash": "dot", "color": GREY, "width": 1.5},
                }
            )
    return out


def ranking(
    frame: pd.DataFrame,
    target: Target,
    labels: dict[str, str],
    *,
    name_column: str = "label",
    height: int = 330,
    title: str | None = None,
    highlight: str | None = None,
    gaps_after: Collection[str] = (),
) -> go.Figure:
    """Horizontal bars, best on top, the target as a vertical line; `highlight` one region code;
    a dotted line after each code in `gaps_after` (units left out there, see top_and_bottom)."""
    data = frame.sort_values("value", ascending=False, na_position="last", kind="stable").iloc[::-1]
    codes = data["region"].tolist()
    mine = [bool(highlight) and r == highlight for r in codes]
    bars = go.Bar(
        x=data["value"] * 100,
        y=data[name_column],
        orientation="h",
        marker=_two_colours(mine, ORANGE, BLUE),
        text=[("—" if pd.isna(v) else f"{v * 100:.2f}%") for v in data["value"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.2f}%<extra></extra>",
    )
    shapes, annotations = target_marks(target, labels, horizontal=False)
    layout = _layout(
        _height(len(data), height),
        title,
        xaxis={"ticksuffix": "%", "showgrid": True, "gridcolor": "#eeeeee"},
        yaxis={"ticksuffix": "", "showgrid": False},
        marks=([*shapes, *_gap_lines(codes, gaps_after)], annotations),
    )
    layout["margin"]["t"] = max(layout["margin"]["t"], _ABOVE)  # room for the target's label
    return go.Figure(data=[bars], layout=layout)


def _contribution_text(yi: float) -> str:
    """'▲ +6.55' (a shortfall), '▼ -1.75' (a surplus), '0.00' where two decimals write zero: the
    mark follows the number as written, never '▼ +0.00'."""
    sign = numbers.sign(yi)
    if sign == 0:
        return f"{0:.2f}"
    return f"{'▲' if sign > 0 else '▼'} {yi:+,.2f}"


def contributions(
    frame: pd.DataFrame, *, value_label: str, height: int = 330, gaps_after: Collection[str] = ()
) -> go.Figure:
    """Ranked bars of each unit's gap at the target ratio (万元 in, 亿元 shown).

    Positive bars (a shortfall) are vermillion and marked ▲, negative (a surplus) blue and ▼,
    so the sign reads without colour; the sign is the one written (two decimals of 亿元). A dotted line after each code in `gaps_after` (largest
    first) marks units left out.
    """
    data = frame.sort_values("gap_money", ascending=False, kind="stable").iloc[::-1]
    yi = data["gap_money"] / 10_000
    bars = go.Bar(
        x=yi.tolist(),
        y=data["label"].tolist(),
        orientation="h",
        marker=_two_colours([numbers.sign(v) > 0 for v in yi], VERMILLION, BLUE),
        text=[_contribution_text(v) for v in yi],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:,.2f}<extra></extra>",
    )
    shapes, annotations = _line(0, False, {"color": GREY, "width": 1})
    layout = _layout(
        _height(len(data), height),
        xaxis={"ticksuffix": "", "title": {"text": value_label}, "showgrid": True, "gridcolor": "#eeeeee"},
        yaxis={"ticksuffix": "", "showgrid": False},
        marks=([*shapes, *_gap_lines(data["region"].tolist(), gaps_after)], annotations),
    )
    return go.Figure(data=[bars], layout=layout)
