"""总览 Overview: where the city stands against each target, the units' ranking, what is off track.

With many units (province or country scale) the charts show the top and bottom of each ranking
and the signed-in county official's own unit; the full lists are tables (kpi/ui_ranking.py).
"""

import pandas as pd
import streamlit as st

from kpi import ui, ui_export
from kpi import ui_ranking as rk
from kpi.definitions import RATIOS, Status

user = ui.entry_guard()


def body() -> None:
    if ui.read("latest") is None:
        ui.page_header(ui.t("nav.overview"))
        ui.empty_state()
        return
    periods = ui.read("periods")
    period = ui.select(ui.t("period"), periods[::-1], "overview_period", ui.period_label, sidebar=True)
    ui.page_header(ui.t("nav.overview"), period)
    scope = ui.home_region()  # a county official: its own unit in full; else the city
    ui.scope_note()
    status = ui.read("status", period, scope, None, ui.lang())
    series = ui.read("series", scope, None)
    ind = status["indicators"]

    st.subheader(ui.t("overview.cards"))
    cols = st.columns(3)
    for i, r in enumerate(RATIOS):
        with cols[i]:
            mine = series[(series["indicator"] == r.code) & (series["period"] <= period)]
            ui.ratio_card(r.code, ind[r.code], period, mine, key=r.code)
    cols = st.columns(3)
    for i, code in enumerate(("cluster_coverage", "provincial_platforms", "national_platforms")):
        with cols[i]:
            ui.count_card(code, ind[code], status["platforms_as_of"])

    st.subheader(ui.t("overview.off_track"))
    ranking = ui.read("ranking", period, None)
    names = rk.unit_names()
    targets = {r.code: ui.target_of(r.code) for r in RATIOS}
    problems = []
    for code, entry in ind.items():
        if entry["status"] in (Status.AT_RISK, Status.OFF_TRACK):
            problems.append(
                f"{ui.status_badge(entry['status'])} **{entry['label']}**{ui.colon()}{_why(code, entry)}"
            )
    for r in RATIOS:
        target = targets[r.code]
        low = ranking[(ranking["indicator"] == r.code) & (ranking["value"] < target.value)]
        if not low.empty:
            below = rk.units_below(low, ui.pct(target.value), names)
            problems.append(f"▲ **{ind[r.code]['label']}**{ui.colon()}{below}")
    if problems:
        st.markdown("\n".join(f"- {p}" for p in problems), unsafe_allow_html=True)
    else:
        st.success(ui.t("overview.all_good"))

    own = user.region  # a county official's unit stays in every chart
    if scope is None:  # how each unit adds to the city's gap: the city's figures, the task force's
        _contributions(ind, names, period, own)

    st.subheader(rk.title(ranking["region"].nunique()))
    tabs = st.tabs([ind[r.code]["label"] for r in RATIOS])
    for tab, r in zip(tabs, RATIOS, strict=True):
        with tab:
            frame = ranking[ranking["indicator"] == r.code]
            rk.ranking_chart(frame, targets[r.code], names, key=f"rank-{r.code}", highlight=own)
    rk.ranking_table(ranking, names, period, key="overview-ranking")
    ui_export.brief_buttons(period, scope)


def _contributions(ind: dict, names: dict[str, str], period: str, own: str | None) -> None:
    st.subheader(ui.t("overview.contributions"))
    tabs = st.tabs([ind[r.code]["label"] for r in RATIOS])
    unit = "亿元" if ui.lang() == "zh" else "100m yuan"
    frames = {}
    for tab, r in zip(tabs, RATIOS, strict=True):
        contrib = ind[r.code].get("region_contributions") or {}
        with tab:
            if not contrib.get("regions"):
                st.caption(ui.t("status.no_data"))
                continue
            frames[r.code] = frame = pd.DataFrame(contrib["regions"], columns=["region", "gap_money"])
            rk.contribution_chart(frame, names, value_label=unit, key=f"contrib-{r.code}", keep=[own])
            st.caption(ui.t("overview.contrib_note", total=ui.money(contrib["total"])))
    rk.contribution_table(frames, names, period, key="overview-contrib")


def _why(code: str, entry: dict) -> str:
    if "gap_pp" in entry and entry["gap_pp"] is not None:
        parts = [ui.gap_text(entry["gap_pp"])]
        for extra in (entry.get("decomposition"), entry.get("catch_up")):
            if extra and extra.get("text"):
                parts.append(extra["text"])
        return ui.clauses(parts)
    if code == "cluster_coverage":
        return rk.uncovered(entry["uncovered_names"])
    target = "—" if entry["target"] is None else f"{entry['target']:g}"
    return ui.t("card.count", value=entry["value"], target=target)


ui.guarded(body)
