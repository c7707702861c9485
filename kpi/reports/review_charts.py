"""Plotly figures of the annual review: a platform's score by component, and the pool's ranking
against the reward bands. No streamlit here; texts come in as arguments (kpi.reports.charts'
fonts and Okabe–Ito colours)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from kpi.reports.charts import BLUE, FONT, GREY, VERMILLION

_TRACK = "#e3e8ee"  # the weight: the bar a component could fill


def component_bars(
    labels: Sequence[str],
    points: Sequence[float],
    weights: Sequence[float],
    *,
    earned: str,
    weight: str,
    title: str | None = None,
) -> go.Figure:
    """One horizontal bar per component, first on top: the points earned (blue) drawn over the
    component's weight (a light track), written `15.0 / 25` at the track's end."""
    names = list(labels)[::-1]
    got = [float(p) for p in points][::-1]
    full = [float(w) for w in weights][::-1]
    track = go.Bar(
        y=names,
        x=full,
        orientation="h",
        name=weight,
        marker={"color": _TRACK},
        text=[f"{p:.1f} / {w:g}" for p, w in zip(got, full, strict=True)],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:g}<extra>" + weight + "</extra>",
    )
    bars = go.Bar(
        y=names,
        x=got,
        orientation="h",
        name=earned,
        marker={"color": BLUE},
        hovertemplate="%{y}: %{x:.1f}<extra>" + earned + "</extra>",
    )
    top = max([*full, 1.0])
    return go.Figure(
        data=[track, bars],
        layout={
            "barmode": "overlay",
            "height": 44 + 30 * len(names),
            "margin": {"l": 10, "r": 60, "t": 30 if title else 8, "b": 8},
            "font": {"family": FONT, "size": 13},
            "title": {"text": title, "font": {"size": 15}} if title else {},
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "showlegend": True,
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
            "xaxis": {"range": [0, top * 1.25], "showgrid": True, "gridcolor": "#eeeeee", "zeroline": False},
            "yaxis": {"showgrid": False, "automargin": True},
            "hoverlabel": {"font": {"family": FONT}},
        },
    )


def short(name: str, limit: int = 9) -> str:
    """A tick label that leaves a phone's narrow chart room for its bars (the table has the full
    name, the hover too)."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def ranking_bars(
    names: Sequence[str],
    scores: Sequence[float],
    below: Sequence[bool],
    bands: Sequence[float],
) -> go.Figure:
    """The pool's platforms by score, highest on top; a dashed line at each band's lowest score;
    platforms below the lowest band in vermillion and marked ▼ (the mark reads without colour).
    Tick labels are shortened; the full name is in the hover."""
    full = list(names)[::-1]
    x = [float(s) for s in scores][::-1]
    low = list(below)[::-1]
    bars = go.Bar(
        y=list(range(len(full))),
        x=x,
        orientation="h",
        customdata=full,
        marker={"color": [VERMILLION if b else BLUE for b in low]},
        text=[f"{'▼ ' if b else ''}{s:.1f}" for s, b in zip(x, low, strict=True)],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{customdata}: %{x:.1f}<extra></extra>",
        showlegend=False,
    )
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "x0": b,
            "x1": b,
            "yref": "y domain",
            "y0": 0,
            "y1": 1,
            "line": {"color": GREY, "dash": "dash", "width": 1},
        }
        for b in bands
    ]
    return go.Figure(
        data=[bars],
        layout={
            "height": 50 + 30 * len(full),
            "margin": {"l": 10, "r": 40, "t": 8, "b": 8},
            "font": {"family": FONT, "size": 13},
            "plot_bgcolor": "white",
            "paper_bgcolor": "white",
            "xaxis": {"range": [0, 108], "showgrid": True, "gridcolor": "#eeeeee", "zeroline": False},
            "yaxis": {
                "showgrid": False,
                "automargin": True,
                "tickvals": list(range(len(full))),
                "ticktext": [short(n) for n in full],
            },
            "shapes": shapes,
            "hoverlabel": {"font": {"family": FONT}},
        },
    )
