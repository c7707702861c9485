"""The cards' small trends as inline SVG: one number per year for the same quarter of the year.

A card's trend was a plotly figure each (three per Overview): the browser spent more on drawing
those three than on the rest of the page. A sparkline has no axes, no hover and no legend, so a
few lines of SVG say the same (issue 16). It compares like with like (issue 14): the value of the
card's quarter in each year (2021年1—9月, 2022年1—9月, …), never a year-to-date series in period
order, whose Q1-low, Q4-high sawtooth reads as volatility. No streamlit here: texts come in as
arguments, and the result is a string the page puts in markdown.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

WIDTH, HEIGHT, PAD = 240, 36, 4  # the drawing's own units; it stretches to the card's width
LINE, TARGET, LAST = "#0072B2", "#999999", "#0072B2"


def _scale(values: Sequence[float], target: float | None) -> tuple[float, float]:
    """The vertical range: the values and the target, with a little room; never zero wide."""
    span = [*values, *([target] if target is not None else [])]
    low, high = min(span), max(span)
    if high - low < 1e-12:
        low, high = low - 0.001, high + 0.001
    return low, high


def sparkline_svg(
    points: Sequence[tuple[str, float | None]],
    target: float | None,
    *,
    title: str,
    caption: str,
) -> str:
    """`points`: (x label, value) in order, one a year (values are fractions; None = no value, a
    gap in the line); `target`: a dotted line at that value. Below the drawing the first and last
    x labels and `caption` (which quarter it compares). Empty when no point has a value."""
    valued = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if not valued:
        return ""
    low, high = _scale([v for _, v in valued], target)
    n = max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = PAD + (WIDTH - 2 * PAD) * (i / n if len(points) > 1 else 0.5)
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v - low) / (high - low)
        return round(x, 1), round(y, 1)

    # a gap in the data is a gap in the line: one path segment per run of values
    path, previous = [], None
    for i, v in valued:
        x, y = xy(i, v)
        path.append(f"{'L' if previous == i - 1 else 'M'}{x} {y}")
        previous = i
    i_last, v_last = valued[-1]
    lx, ly = xy(i_last, v_last)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" height="{HEIGHT}" '
        f'preserveAspectRatio="none" role="img" aria-label="{html.escape(title)}" '
        'style="display:block;overflow:visible">',
        f"<title>{html.escape(title)}</title>",
    ]
    if target is not None:
        ty = xy(0, target)[1]
        parts.append(
            f'<line x1="0" x2="{WIDTH}" y1="{ty}" y2="{ty}" stroke="{TARGET}" stroke-width="1" '
            'stroke-dasharray="3 3" vector-effect="non-scaling-stroke"/>'
        )
    parts.append(
        f'<path d="{" ".join(path)}" fill="none" stroke="{LINE}" stroke-width="2" '
        'stroke-linejoin="round" vector-effect="non-scaling-stroke"/>'
    )
    # the latest value as a dot: a round-capped zero-length stroke stays round when the drawing
    # is stretched to the card's width (a circle would become an ellipse)
    parts.append(
        f'<path d="M{lx} {ly}l0 0" stroke="{LAST}" stroke-width="7" stroke-linecap="round" '
        'vector-effect="non-scaling-stroke"/>'
    )
    parts.append("</svg>")
    first, last = html.escape(points[0][0]), html.escape(points[-1][0])
    parts.append(
        '<div style="display:flex;justify-content:space-between;gap:0.5em;font-size:0.75em;'
        f'color:#666;line-height:1.2"><span>{first}</span><span>{html.escape(caption)}</span>'
        f"<span>{last}</span></div>"
    )
    return "".join(parts)
