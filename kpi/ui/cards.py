"""The KPI cards: value, target, gap, light, a one-line reason, and the work behind them.

A card keeps what a reader takes in at a glance (issue 14): the value with its 同比, the target,
the gap, the light and one line saying why (kpi.reports.reasons); the rule and the arithmetic sit
behind the "依据与测算" panel. The Overview's small trend is inline SVG of the same quarter in
each year (kpi.reports.sparkline), not a plotly figure (issue 16).
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import pandas as pd
import streamlit as st

from kpi.model.definitions import RATIO, RATIOS, TargetKind
from kpi.model.periods import from_code
from kpi.progress.compute import Target
from kpi.reports import charts, reasons, style
from kpi.reports.sparkline import sparkline_svg
from kpi.text import numbers
from kpi.ui import vintage, warm
from kpi.ui.data import data_version
from kpi.ui.fmt import colon, gap_text, money, pct, period_label, pp, status_badge
from kpi.ui.lang import lang, t

# ---------------------------------------------------------------- indicator cards


def target_of(code: str) -> Target:
    """The target of an indicator as the lights judge it (kpi.progress.compute.Target)."""
    return _targets(data_version())[code]


@functools.lru_cache(maxsize=8)
def _targets(version: tuple[str, int, int]) -> dict[str, Target]:
    """Every target of one data version, built once: a page asks for each several times, and
    filtering the targets frame each time was a fifth of an Overview rerun. Targets are the same
    for every viewer (the reference table), so one dictionary serves every session."""
    frame = warm.cached(version, "targets", ())
    out = {}
    for row in frame.to_dict("records"):
        out[str(row["indicator"])] = Target(
            indicator=str(row["indicator"]),
            kind=TargetKind(row["kind"]),
            value=float(row["value"]),
            comparator=str(row["comparator"]),
            deadline=pd.Timestamp(row["deadline"]).date(),
            plan_start=pd.Timestamp(row["plan_start"]).date(),
            band_pp=None if pd.isna(row["band_pp"]) else float(row["band_pp"]),
            green_pp=None if pd.isna(row["green_pp"]) else float(row["green_pp"]),
            amber_pp=None if pd.isna(row["amber_pp"]) else float(row["amber_pp"]),
            source=str(row["source"] or ""),
        )
    return out


def _title(entry: dict[str, Any], badge: str = "") -> None:
    """The light and the indicator's name on one line (a line less on each of six stacked cards),
    with the "已修订" badge under it where there is one (one element, not two)."""
    line = f"{status_badge(entry['status'])} **{entry['label']}**"
    st.markdown(f"{line}  \n{badge}" if badge else line, unsafe_allow_html=True)


def _lines(*lines: str | None) -> None:
    """Caption lines as one element: each element is a gap of its own, and at phone width six
    cards of separate captions made the Overview 5.5 screens tall."""
    st.caption("  \n".join(line for line in lines if line))


def ratio_card(code: str, entry: dict[str, Any], period: str, series: pd.DataFrame | None, key: str) -> None:
    """One target card: value with its period and 同比, target and gap, light, why in one line,
    the same quarter of each year as a small line, and the work behind the light."""
    with st.container(border=True, key=f"card_{key}"):
        _title(entry, vintage.revised_badge(code, period))  # "已修订" when the figure was revised
        ratio_metric(code, entry, period)
        _lines(
            f"{target_text(code)} · {gap_text(entry)}",
            entry.get("basis_note"),  # the same-period change compared on another basis (issue 12)
            reasons.ratio_reason(entry, lang()),
        )
        if series is not None and not series.empty:
            spark = _sparkline(code, entry["label"], period, series)
            if spark:
                st.markdown(spark, unsafe_allow_html=True)
        show_work(entry, key)
        vintage.card_revisions(code, period, key, label=entry["label"])  # every vintage of the figure


def series_by_ratio(series: pd.DataFrame, period: str) -> dict[str, pd.DataFrame]:
    """Each ratio's series up to `period` (the cards' small lines), from the scope's series."""
    upto = series[series["period"] <= period]
    return {r.code: upto[upto["indicator"] == r.code] for r in RATIOS}


def quarter_names() -> dict[int, str]:
    return {q: t(f"trend.q{q}") for q in (1, 2, 3, 4)}


def _sparkline(code: str, label: str, period: str, series: pd.DataFrame) -> str:
    """The value of `period`'s quarter in each year up to `period` (SVG, see kpi.reports.sparkline)."""
    p = from_code(period)  # a stored period code (parse_period reads every spelling: 30 ms)
    line = charts.by_quarter(series).get(p.quarter, {})
    points = tuple((str(y), line.get(y)) for y in range(min(line, default=p.year), p.year + 1))
    quarter = t(f"trend.q{p.quarter}")
    return _svg(points, target_of(code).value, t("spark.title", label=label, quarter=quarter),
                t("spark.caption", quarter=quarter))  # fmt: skip


@functools.lru_cache(maxsize=256)
def _svg(points: tuple[tuple[str, float | None], ...], target: float, title: str, caption: str) -> str:
    return sparkline_svg(points, target, title=title, caption=caption)


def target_text(code: str) -> str:
    """'目标 ≥ 3.15% (2027)', '目标 ≈ 73.00%±1 (2027)': the target as its light judges it, the same
    on every card (the regions page wrote a band target as a bare '目标 73.00%')."""
    target = target_of(code)
    band = f"±{target.band_pp:g}" if target.band_pp else ""
    sign = numbers.COMPARATOR.get(target.comparator, target.comparator)
    return f"{t('target')} {sign} {pct(target.value)}{band} ({target.deadline:%Y})"


def region_card(
    code: str, entry: dict[str, Any], period: str, city: dict[str, Any] | None, rank: str, region: str
) -> None:
    """A ratio card of the regions page: the unit's value and change, the city's value (where the
    viewer may see it), the target, the gap, the rank, why in one line; the rule and the catch-up
    behind the panel."""
    with st.container(border=True, key=f"card_region_{code}"):
        _title(entry, vintage.revised_badge(code, period, region))  # "已修订": the unit's figure revised
        ratio_metric(code, entry, period)
        city_value = city["value"] if city and city.get("complete", True) else None  # no partial figure
        parts = [t("regions.city_value", value=pct(city_value))] if city else []
        _lines(
            " · ".join([*parts, target_text(code), gap_text(entry), rank]),
            entry.get("basis_note"),
            reasons.ratio_reason(entry, lang()),
        )
        show_work(entry, f"region-{code}")
        vintage.card_revisions(code, period, f"region-{code}", region, entry["label"])  # every vintage


def ratio_metric(code: str, entry: dict[str, Any], period: str) -> None:
    """A ratio's value with its same-period change (Overview and Regions cards). The delta is the
    signed number and the arrow and colour are set from its sign (kpi.reports.style.change):
    st.metric would take the arrow from the first character of the text, and "同比 -0.28" starts
    with 同, which drew a green ↑ beside a fall."""
    ch = style.change(entry.get("change_pp"), lang(), higher_is_better=RATIO[code].higher_is_better)
    label = t("card.as_of", period=period_label(period))
    value = pct(entry["value"] if entry.get("complete", True) else None)  # a partial sum is no figure
    if ch is None:
        st.metric(label, value)
        return
    previous = t(
        "card.previous",
        period=period_label(entry.get("previous_period")),
        value=pct(entry.get("previous_value")),
    )
    st.metric(
        label,
        value,
        delta=ch.text,
        delta_color=ch.colour,
        delta_arrow=ch.arrow,
        delta_description=ch.label,
        help=f"{ch.sentence}{previous}",
    )


def show_work(entry: dict[str, Any], key: str) -> None:
    """The panel behind a status: formula and live numbers (issue: show the work). Consecutive
    lines of one kind are one element: each element is work for the browser on every view
    (about 1.3 ms each here), and the panel had nine."""
    lines: list[tuple[str, str]] = [("md", f"**{t('rule')}**{colon()}{entry['status_rule']}")]
    work = entry.get("work") or {}
    if entry.get("numerator") is not None:
        lines.append(
            (
                "md",
                t(
                    "work.sums",
                    num=money(entry["numerator"]),
                    den=money(entry["denominator"]),
                    basis=t(f"basis.{entry.get('basis')}"),
                ),
            )
        )
    glide = entry.get("glide") or {}
    if glide.get("expected") is not None and glide.get("distance_pp") is not None:
        dist, expected = glide["distance_pp"], pct(glide["expected"])
        side = numbers.sign(dist)  # as written: 0.00 is on the path, not "above it by 0.00"
        if side == 0:
            lines.append(("md", t("work.glide_on", expected=expected)))
        else:
            below = t("work.below" if side > 0 else "work.above")
            distance = pp(abs(dist), signed=False)
            lines.append(("md", t("work.glide", expected=expected, side=below, distance=distance)))
    if entry.get("pace_class"):
        ratio = entry.get("pace_ratio")
        pace = t(f"pace.{entry['pace_class']}")
        lines.append(("md", t("work.pace", pace=pace, ratio="—" if ratio is None else f"{ratio:.2f}")))
    if work.get("text"):
        lines.append(("caption", work["text"]))
    catch = entry.get("catch_up") or {}
    if catch.get("text"):
        lines.append(("md", f"**{t('work.catch_up')}**{colon()}{catch['text']}"))
    dec = entry.get("decomposition") or {}
    if dec.get("text"):
        lines.append(("md", f"**{t('work.why')}**{colon()}{dec['text']}"))
    proj = entry.get("projection")
    if proj and proj.get("value") is not None:
        lines.append(("md", t("work.projection", value=pct(proj["value"]))))
        if proj.get("assumption"):
            lines.append(("caption", proj["assumption"]))
    elif "projection" in entry:
        lines.append(("caption", t("work.no_projection")))
    formulas = [f for f in (glide.get("formula"), (entry.get("pace") or {}).get("formula")) if f]
    if formulas:
        lines.append(("caption", f"{t('work.formula')}{colon()}" + "；".join(formulas)))
    with st.popover(t("show_work"), width="stretch"):
        for kind, group in itertools.groupby(lines, key=lambda line: line[0]):
            text = "\n\n".join(line for _, line in group)  # paragraphs, as separate elements were
            (st.markdown if kind == "md" else st.caption)(text)


def count_card(code: str, entry: dict[str, Any], as_of: str) -> None:
    """Coverage or a platform count. With a target: value, target, completion beside 序时进度 (the
    two numbers the light compares). Without one (a county's counts): the count alone and that the
    plan sets no county target; no 序时进度, which would pretend a target. The rule behind the panel."""
    with st.container(border=True, key=f"card_{code}"):
        _title(entry)
        label = t("card.platforms_as_of", date=as_of)
        lines: list[str | None] = []
        if code == "cluster_coverage":
            st.metric(label, pct(entry["value"], 1))
            lines.append(t("card.covered", covered=entry["covered"], total=entry["total"]))
            if entry["uncovered_names"]:
                from kpi.ui import ranking  # the first few names when many clusters lack a platform

                lines.append(ranking.uncovered(entry["uncovered_names"]))
        elif entry["target"] is None:
            st.metric(label, t("card.count_only", value=entry["value"]))
            city = entry.get("city_target")
            lines.append(
                t("card.no_target", target="—" if city is None else f"{city:g}", year=entry["deadline"][:4])
            )
        else:
            st.metric(label, t("card.count", value=entry["value"], target=f"{entry['target']:g}"))
        lines.append(reasons.count_reason(entry, lang()))
        if any(lines):
            _lines(*lines)
        with st.popover(t("show_work"), width="stretch"):
            st.markdown(f"**{t('rule')}**{colon()}{entry['status_rule']}")
