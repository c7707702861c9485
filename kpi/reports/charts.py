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


# Plotly's default template is nine tenths of a small figure's JSON (6.6 kB of a bar chart's
# 6.7 kB): serialising it cost ~10 ms per chart on the server and parsing it the browser more.
# Streamlit's own theme is written into `layout.template` by the page anyway, so none is sent:
# plotly's empty template "none" (a dict of empty parts would be taken as unset, and filled with
# the default, Streamlit's 3.5 kB placeholder template).
NO_TEMPLATE = "none"


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
        "template": NO_TEMPLATE,
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


def by_quarter(series: pd.DataFrame) -> dict[int, dict[int, float | None]]:
    """Year-to-date values (period, value) as {quarter: {year: value}}: the lines of a trend that
    compares like with like (a 1—9月 value with other years' 1—9月, never with 1—6月)."""
    out: dict[int, dict[int, float | None]] = {}
    for period, value in zip(series["period"], series["value"], strict=True):
        year, quarter = int(str(period)[:4]), int(str(period)[-1])
        out.setdefault(quarter, {})[year] = None if pd.isna(value) else float(value)
    return out


def years_of(*lines: dict[int, dict[int, float | None]]) -> list[int]:
    """Every year from the first to the last with a value, gaps included (the axis)."""
    years = {y for line in lines for q in line.values() for y in q}
    return list(range(min(years), max(years) + 1)) if years else []


# one colour per quarter of the year; the quarter being read is drawn blue and thick
QUARTER_COLOUR = {1: SKY, 2: GREEN, 3: ORANGE, 4: GREY}


def trend(
    series: pd.DataFrame,
    target: Target,
    labels: dict[str, str],
    *,
    quarter: int,
    quarter_names: dict[int, str],
    height: int = 300,
    title: str | None = None,
    compare: pd.DataFrame | None = None,
    name: str = "",
    compare_name: str = "",
) -> go.Figure:
    """Year-to-date ratios compared like with like: x = year, one line per quarter of the year
    (1—3月, 1—6月, 1—9月, 全年), the chosen `quarter` thick and blue. A YTD series read in period
    order draws a sawtooth (Q1 low, Q4 high) that looks like volatility; the same quarter across
    the years does not. `compare` (the city): its line for `quarter` only, dotted.
    Trace names: '{name} {quarter name}' (no name: the quarter name alone)."""
    mine = by_quarter(series)
    other = by_quarter(compare) if compare is not None and not compare.empty else {}
    years = years_of(mine, other)
    x = [str(y) for y in years]
    traces = []
    for q in sorted(mine, key=lambda q: (q == quarter, q)):  # the chosen quarter drawn last, on top
        chosen = q == quarter
        values = [None if mine[q].get(y) is None else mine[q][y] * 100 for y in years]  # type: ignore[operator]
        label = f"{name} {quarter_names[q]}".strip()
        traces.append(
            go.Scatter(
                x=x,
                y=values,
                name=label,
                mode="lines+markers",
                line={"color": BLUE if chosen else QUARTER_COLOUR[q], "width": 3 if chosen else 1.5},
                marker={"size": 7 if chosen else 4},
                opacity=1 if chosen else 0.75,
                hovertemplate=f"%{{x}} {quarter_names[q]}: %{{y:.2f}}%<extra>{label}</extra>",
            )
        )
    if quarter in other:
        label = f"{compare_name} {quarter_names[quarter]}".strip()
        values = [None if other[quarter].get(y) is None else other[quarter][y] * 100 for y in years]  # type: ignore[operator]
        traces.append(
            go.Scatter(
                x=x,
                y=values,
                name=label,
                mode="lines",
                line={"color": "#555555", "dash": "dot", "width": 2},
                hovertemplate=f"%{{x}} {quarter_names[quarter]}: %{{y:.2f}}%<extra>{label}</extra>",
            )
        )
    # every year labelled up to eight, then every second or third, the last always
    step = -(-len(x) // 8) if x else 1
    ticks = x[::-1][::step][::-1]
    xaxis = {"type": "category", "tickvals": ticks, "ticktext": ticks, "tickangle": 0}
    layout = _layout(height, title, xaxis=xaxis, marks=target_marks(target, labels), showlegend=True)
    # below the year labels (at -0.1 the legend ran over them at phone width)
    layout["legend"] = {"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0, "font": {"size": 11}}
    layout["margin"]["b"] = 8
    return go.Figure(data=traces, layout=layout)


def _two_colours(first: list[bool], colour: str, other: str) -> dict[str, Any]:
    """Bar colours by name. (Numbers on a two-colour scale made plotly.js log "Invalid color
    specifier" for every bar and every redraw, ~250 lines per Overview; a chart draws at most
    2 × SHOW_EACH + a few bars, so checking the names costs nothing.)"""
    return {"color": [colour if f else other for f in first]}


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
    a dotted line after each code in `gaps_after` (units left out there, see top_and_bottom).

    Each value is written inside its bar at the bar's start: written after the bar's end, a value
    just below the target had the target's line run through it, and at phone width the longest
    bar's label was cut at the chart's right edge."""
    data = frame.sort_values("value", ascending=False, na_position="last", kind="stable").iloc[::-1]
    codes = data["region"].tolist()
    mine = [bool(highlight) and r == highlight for r in codes]
    missing = data["value"].isna().tolist()
    bars = go.Bar(
        x=data["value"] * 100,
        y=data[name_column],
        orientation="h",
        marker=_two_colours(mine, ORANGE, BLUE),
        text=[("—" if m else f"{v * 100:.2f}%") for v, m in zip(data["value"], missing, strict=True)],
        textposition=["outside" if m else "inside" for m in missing],
        insidetextanchor="start",
        insidetextfont={"color": "white"},
        textangle=0,
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.2f}%<extra></extra>",
    )
    shapes, annotations = target_marks(target, labels, horizontal=False)
    layout = _layout(
        _height(len(data), height),
        title,
        xaxis={"ticksuffix": "%", "showgrid": True, "gridcolor": "#eeeeee"},
        yaxis={"ticksuffix": "", "showgrid": False, "automargin": True},
        marks=([*shapes, *_gap_lines(codes, gaps_after)], annotations),
    )
    layout["margin"]["t"] = max(layout["margin"]["t"], _ABOVE)  # room for the target's label
    return go.Figure(data=[bars], layout=layout)


def _contribution_text(yi: float, words: tuple[str, str]) -> str:
    """'缺口 6.55' (a shortfall), '超出 1.75' (a surplus), '0.00' where two decimals write zero: the
    word follows the number as written, never '超出 0.00'. `words`: (shortfall, surplus)."""
    sign = numbers.sign(yi)
    if sign == 0:
        return f"{0:.2f}"
    return f"{words[0] if sign > 0 else words[1]} {abs(yi):,.2f}"


def contributions(
    frame: pd.DataFrame,
    *,
    value_label: str,
    words: tuple[str, str] = ("缺口", "超出"),
    height: int = 330,
    gaps_after: Collection[str] = (),
) -> go.Figure:
    """Ranked bars of each unit's gap at the target ratio (万元 in, 亿元 shown): x = the amount the
    unit adds to the city's gap, so the bars add up to it.

    A shortfall (positive) is vermillion and written with words[0] ('缺口 6.55'), a surplus
    (negative) blue with words[1] ('超出 1.75'), so neither needs the caption nor a ▲ that reads
    as a rise; the word follows the number as written (two decimals of 亿元). The x range leaves
    room for the labels on both sides, so they stay inside the chart at phone width. A dotted
    line after each code in `gaps_after` (largest first) marks units left out.
    """
    data = frame.sort_values("gap_money", ascending=False, kind="stable").iloc[::-1]
    yi = data["gap_money"] / 10_000
    low, high = min(0.0, float(yi.min())), max(0.0, float(yi.max()))
    pad = 0.5 * ((high - low) or 1.0)
    bars = go.Bar(
        x=yi.tolist(),
        y=data["label"].tolist(),
        orientation="h",
        marker=_two_colours([numbers.sign(v) > 0 for v in yi], VERMILLION, BLUE),
        text=[_contribution_text(v, words) for v in yi],
        textposition="outside",
        textfont={"size": 12},
        textangle=0,
        cliponaxis=False,
        hovertemplate="%{y}: %{x:,.2f}<extra></extra>",
    )
    shapes, annotations = _line(0, False, {"color": GREY, "width": 1})
    xaxis = {
        "ticksuffix": "",
        "title": {"text": value_label, "font": {"size": 12}},
        "showgrid": True,
        "gridcolor": "#eeeeee",
        "range": [low - pad if low < 0 else low, high + pad if high > 0 else high],
    }
    layout = _layout(
        _height(len(data), height),
        xaxis=xaxis,
        yaxis={"ticksuffix": "", "showgrid": False, "automargin": True},
        marks=([*shapes, *_gap_lines(data["region"].tolist(), gaps_after)], annotations),
    )
    return go.Figure(data=[bars], layout=layout)
