"""总览 Overview: where the city stands against each target, the nine units' ranking, what is off track."""

import pandas as pd
import streamlit as st

from kpi import charts, ui, ui_export
from kpi.definitions import RATIOS, Status

ui.entry_guard()


def body() -> None:
    if ui.read("latest") is None:
        ui.page_header(ui.t("nav.overview"))
        ui.empty_state()
        return
    periods = ui.read("periods")
    period = ui.select(ui.t("period"), periods[::-1], "overview_period", ui.period_label, sidebar=True)
    ui.page_header(ui.t("nav.overview"), period)
    status = ui.read("status", period, None, None, ui.lang())
    series = ui.read("series", None, None)
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
    problems = []
    for code, entry in ind.items():
        if entry["status"] in (Status.AT_RISK, Status.OFF_TRACK):
            problems.append(
                f"{ui.status_badge(entry['status'])} **{entry['label']}**{ui.colon()}{_why(code, entry)}"
            )
    for r in RATIOS:
        target = ui.target_of(r.code)
        low = ranking[(ranking["indicator"] == r.code) & (ranking["value"] < target.value)]
        if not low.empty:
            names = ui.join([ui.region_name(c) for c in low.sort_values("value")["region"]])
            problems.append(
                f"▲ **{ind[r.code]['label']}**{ui.colon()}"
                + ui.t("overview.units_below", target=ui.pct(target.value), names=names)
            )
    if problems:
        st.markdown("\n".join(f"- {p}" for p in problems), unsafe_allow_html=True)
    else:
        st.success(ui.t("overview.all_good"))

    _contributions(ind)

    st.subheader(ui.t("overview.ranking"))
    ranking = ranking.assign(label=[ui.region_name(c) for c in ranking["region"]])
    tabs = st.tabs([ind[r.code]["label"] for r in RATIOS])
    for tab, r in zip(tabs, RATIOS, strict=True):
        with tab:
            frame = ranking[ranking["indicator"] == r.code]
            st.plotly_chart(
                charts.ranking(frame, ui.target_of(r.code), ui.chart_labels()),
                key=f"rank-{r.code}",
                config={"displayModeBar": False},
            )
    ui_export.brief_buttons(period)


def _contributions(ind: dict) -> None:
    st.subheader(ui.t("overview.contributions"))
    tabs = st.tabs([ind[r.code]["label"] for r in RATIOS])
    for tab, r in zip(tabs, RATIOS, strict=True):
        contrib = ind[r.code].get("region_contributions") or {}
        with tab:
            if not contrib.get("regions"):
                st.caption(ui.t("status.no_data"))
                continue
            frame = pd.DataFrame(contrib["regions"])
            frame["label"] = [ui.region_name(c) for c in frame["region"]]
            unit = "亿元" if ui.lang() == "zh" else "100m yuan"
            st.plotly_chart(
                charts.contributions(frame, value_label=unit),
                key=f"contrib-{r.code}",
                config={"displayModeBar": False},
            )
            st.caption(ui.t("overview.contrib_note", total=ui.money(contrib["total"])))


def _why(code: str, entry: dict) -> str:
    if "gap_pp" in entry and entry["gap_pp"] is not None:
        parts = [ui.gap_text(entry["gap_pp"])]
        for extra in (entry.get("decomposition"), entry.get("catch_up")):
            if extra and extra.get("text"):
                parts.append(extra["text"])
        return ui.clauses(parts)
    if code == "cluster_coverage":
        return ui.t("card.uncovered", names=ui.join(entry["uncovered_names"]))
    target = "—" if entry["target"] is None else f"{entry['target']:g}"
    return ui.t("card.count", value=entry["value"], target=target)


ui.guarded(body)
