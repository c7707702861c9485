"""The KPI cards: value, target, gap, light and the work behind them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kpi.model.definitions import TargetKind
from kpi.progress.compute import Target
from kpi.ui import vintage
from kpi.ui.fmt import colon, gap_text, money, pct, period_label, pp, status_badge
from kpi.ui.lang import t
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
        vintage.revised_badge(code, period)  # "已修订" when the figure was revised
        st.metric(
            t("card.as_of", period=period_label(period)),
            pct(entry["value"]),
            delta=None if entry["change_pp"] is None else t("card.yoy", change=pp(entry["change_pp"])),
            delta_color="normal",
        )
        target = target_of(code)
        band = f"±{target.band_pp:g}" if target.band_pp else ""
        st.caption(
            f"{t('target')} {target.comparator} {pct(target.value)}{band} ({target.deadline:%Y}) · "
            + gap_text(entry["gap_pp"])
        )
        if series is not None and not series.empty:
            st.plotly_chart(
                charts.sparkline(series, target), key=f"spark-{key}", config={"displayModeBar": False}
            )
        st.caption(f"{t('rule')}{colon()}{entry['status_rule']}")
        show_work(entry, key)
        vintage.card_revisions(code, period, key)  # every vintage of the figure


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
            dist = glide["distance_pp"]
            st.markdown(
                t(
                    "work.glide",
                    expected=pct(glide["expected"]),
                    side=t("work.below" if dist > 0 else "work.above"),
                    distance=pp(abs(dist), signed=False),
                )
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
    with st.container(border=True):
        st.markdown(f"**{entry['label']}**  \n{status_badge(entry['status'])}", unsafe_allow_html=True)
        if code == "cluster_coverage":
            st.metric(t("card.platforms_as_of", date=as_of), pct(entry["value"], 1))
            st.caption(t("card.covered", covered=entry["covered"], total=entry["total"]))
            if entry["uncovered_names"]:
                from kpi.ui import ranking  # the first few names when many clusters lack a platform

                st.caption(ranking.uncovered(entry["uncovered_names"]))
        else:
            target = "—" if entry["target"] is None else f"{entry['target']:g}"
            st.metric(
                t("card.platforms_as_of", date=as_of), t("card.count", value=entry["value"], target=target)
            )
        st.caption(t("card.elapsed", elapsed=pct(entry.get("elapsed"), 0)))
        st.caption(f"{t('rule')}{colon()}{entry['status_rule']}")
