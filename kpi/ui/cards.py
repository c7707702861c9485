"""The KPI cards: value, target, gap, light and the work behind them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kpi.model.definitions import RATIO, TargetKind
from kpi.progress.compute import Target
from kpi.reports import style
from kpi.text import numbers
from kpi.ui.fmt import colon, gap_text, money, pct, period_label, pp, status_badge
from kpi.ui.lang import lang, t
from kpi.ui.scope import read

# ---------------------------------------------------------------- indicator cards


def target_of(code: str) -> Target:
    frame = read("targets")
    row = frame[frame["indicator"] == code].iloc[0]
    return Target(
        indicator=code,
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


def ratio_card(code: str, entry: dict[str, Any], period: str, series: pd.DataFrame | None, key: str) -> None:
    """One target card: value with its period, target, gap (pp), y/y change, light and rule."""
    from kpi.reports import charts

    with st.container(border=True):
        st.markdown(f"**{entry['label']}**  \n{status_badge(entry['status'])}", unsafe_allow_html=True)
        ratio_metric(code, entry, period)
        target = target_of(code)
        st.caption(f"{target_text(code)} · {gap_text(entry)}")
        if entry.get("basis_note"):  # the same-period change compared on another basis (issue 12)
            st.caption(entry["basis_note"])
        if series is not None and not series.empty:
            st.plotly_chart(
                charts.sparkline(series, target), key=f"spark-{key}", config={"displayModeBar": False}
            )
        st.caption(f"{t('rule')}{colon()}{entry['status_rule']}")
        show_work(entry, key)


def target_text(code: str) -> str:
    """'目标 ≥ 3.15% (2027)', '目标 ≈ 73.00%±1 (2027)': the target as its light judges it, the same
    on every card (the regions page wrote a band target as a bare '目标 73.00%')."""
    target = target_of(code)
    band = f"±{target.band_pp:g}" if target.band_pp else ""
    sign = numbers.COMPARATOR.get(target.comparator, target.comparator)
    return f"{t('target')} {sign} {pct(target.value)}{band} ({target.deadline:%Y})"


def region_card(
    code: str, entry: dict[str, Any], period: str, city: dict[str, Any] | None, rank: str
) -> None:
    """A ratio card of the regions page: the unit's value and change, the city's value (where the
    viewer may see it), the target, the gap, the rank, the light's rule and the catch-up."""
    with st.container(border=True):
        st.markdown(f"**{entry['label']}**  \n{status_badge(entry['status'])}", unsafe_allow_html=True)
        ratio_metric(code, entry, period)
        city_value = city["value"] if city and city.get("complete", True) else None  # no partial figure
        parts = [t("regions.city_value", value=pct(city_value))] if city else []
        st.caption(" · ".join([*parts, target_text(code), gap_text(entry), rank]))
        st.caption(f"{t('rule')}{colon()}{entry['status_rule']}")
        if (entry.get("catch_up") or {}).get("text"):
            st.caption(entry["catch_up"]["text"])
        show_work(entry, f"region-{code}")


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
    """The panel behind a status: formula and live numbers (issue: show the work)."""
    with st.popover(t("show_work"), width="stretch"):
        work = entry.get("work") or {}
        if entry.get("numerator") is not None:
            st.markdown(
                t(
                    "work.sums",
                    num=money(entry["numerator"]),
                    den=money(entry["denominator"]),
                    basis=t(f"basis.{entry.get('basis')}"),
                )
            )
        glide = entry.get("glide") or {}
        if glide.get("expected") is not None and glide.get("distance_pp") is not None:
            dist, expected = glide["distance_pp"], pct(glide["expected"])
            side = numbers.sign(dist)  # as written: 0.00 is on the path, not "above it by 0.00"
            if side == 0:
                st.markdown(t("work.glide_on", expected=expected))
            else:
                below = t("work.below" if side > 0 else "work.above")
                st.markdown(
                    t("work.glide", expected=expected, side=below, distance=pp(abs(dist), signed=False))
                )
        if entry.get("pace_class"):
            ratio = entry.get("pace_ratio")
            st.markdown(
                t(
                    "work.pace",
                    pace=t(f"pace.{entry['pace_class']}"),
                    ratio="—" if ratio is None else f"{ratio:.2f}",
                )
            )
        if work.get("text"):
            st.caption(work["text"])
        catch = entry.get("catch_up") or {}
        if catch.get("text"):
            st.markdown(f"**{t('work.catch_up')}**{colon()}{catch['text']}")
        dec = entry.get("decomposition") or {}
        if dec.get("text"):
            st.markdown(f"**{t('work.why')}**{colon()}{dec['text']}")
        proj = entry.get("projection")
        if proj and proj.get("value") is not None:
            st.markdown(t("work.projection", value=pct(proj["value"])))
            st.caption(proj.get("assumption", ""))
        elif "projection" in entry:
            st.caption(t("work.no_projection"))
        formulas = [f for f in (glide.get("formula"), (entry.get("pace") or {}).get("formula")) if f]
        if formulas:
            st.caption(f"{t('work.formula')}{colon()}" + "；".join(formulas))


def count_card(code: str, entry: dict[str, Any], as_of: str) -> None:
    """Coverage or a platform count. With a target: value, target, completion beside 序时进度 (the
    two numbers the light compares). Without one (a county's counts): the count alone and that the
    plan sets no county target; no 序时进度, which would pretend a target."""
    with st.container(border=True):
        st.markdown(f"**{entry['label']}**  \n{status_badge(entry['status'])}", unsafe_allow_html=True)
        label = t("card.platforms_as_of", date=as_of)
        if code == "cluster_coverage":
            st.metric(label, pct(entry["value"], 1))
            st.caption(t("card.covered", covered=entry["covered"], total=entry["total"]))
            if entry["uncovered_names"]:
                from kpi.ui import ranking  # the first few names when many clusters lack a platform

                st.caption(ranking.uncovered(entry["uncovered_names"]))
        elif entry["target"] is None:
            st.metric(label, t("card.count_only", value=entry["value"]))
            city = entry.get("city_target")
            st.caption(
                t("card.no_target", target="—" if city is None else f"{city:g}", year=entry["deadline"][:4])
            )
        else:
            st.metric(label, t("card.count", value=entry["value"], target=f"{entry['target']:g}"))
        if entry.get("elapsed") is not None and entry["target"] is not None:
            st.caption(
                t(
                    "card.progress",
                    completion=pct(entry.get("completion"), 0),
                    elapsed=pct(entry["elapsed"], 0),
                )
            )
        st.caption(f"{t('rule')}{colon()}{entry['status_rule']}")
