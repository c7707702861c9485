"""Widgets of the pilot-platform page (中试平台): cached reads, names, the goal cards, the register
with its filters and each platform's history. 135N coverage and the ladder are in
kpi/ui_platforms_coverage.py; corrections and reviews in kpi/ui_platforms_forms.py; rewards in
kpi/ui_platforms_rewards.py.

Platform names and hosts are user text: they are shown only in st.dataframe cells, st.text and
widget options (all plain text), never in markdown, captions or labels.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from kpi import export, platform_history, register, ui
from kpi.definitions import BUILD_MODELS, LEVEL, LEVELS, PLATFORM_STATUSES, indicator_label

# ---------------------------------------------------------------- cached reads


def read(name: str, *args: Any) -> Any:
    """A cached read through kpi.ui.read (the platform readers are registered in kpi/ui.py:
    register, versions, reviews, settings, settings_log), keyed like every other read on the
    database file's stamp and, for scoped readers, on the signed-in user."""
    return ui.read(name, *args)


def written() -> None:
    """After a write: every page of the app reads fresh data."""
    ui.clear_cache()


def today() -> dt.date:
    return dt.date.today()


# ---------------------------------------------------------------- names


def level_name(code: str | None) -> str:
    if not code:
        return "—"
    return LEVEL[code].name_zh if ui.lang() == "zh" else LEVEL[code].name_en


def model_name(code: str | None) -> str:
    if not isinstance(code, str) or not code:
        return ui.t("plat.no_model")
    if ui.lang() == "en":
        return code.replace("_", " ")
    return {v: k for k, v in BUILD_MODELS.items()}.get(code, code)


def status_name(code: str) -> str:
    return ui.t(f"platform_status.{code}") if code in PLATFORM_STATUSES.values() else code


def clusters_text(codes: list[str]) -> str:
    return (
        "、".join(ui.cluster_name(c) for c in codes)
        if ui.lang() == "zh"
        else ", ".join(ui.cluster_name(c) for c in codes)
    )


def key_of(row: dict[str, Any]) -> str:
    """A platform's key as one option value (name and host joined by an unprintable separator)."""
    return f"{row['name']}\x1f{row['host']}"


def split_key(key: str) -> tuple[str, str]:
    name, host = key.split("\x1f", 1)
    return name, host


def key_label(key: str) -> str:
    name, host = split_key(key)
    return f"{name}（{host}）" if ui.lang() == "zh" else f"{name} ({host})"


def day(value: Any) -> str:
    d = register.as_date(value)
    return d.isoformat() if d else "—"


def lang_key(name: str) -> str:
    """Widget key carrying the language: option labels follow a language switch."""
    return f"{name}__{ui.lang()}"


# ---------------------------------------------------------------- goals


def goal_cards(goals: list[register.Goal], as_of: dt.date) -> None:
    cols = st.columns(len(goals))
    for col, g in zip(cols, goals, strict=True):
        with col, st.container(border=True):
            label = goal_label(g.indicator)
            st.markdown(f"**{label}**  \n{ui.status_badge(g.status)}", unsafe_allow_html=True)
            if g.indicator == "cluster_coverage":
                value = ui.pct(g.value, 1)
            else:
                value = ui.t("plat.goal.count", value=int(g.value or 0), target=f"{g.target:g}")
            st.metric(ui.t("plat.goal.value_label", date=as_of.isoformat()), value)
            st.caption(
                ui.t("plat.goal.progress", completion=ui.pct(g.completion, 0), elapsed=ui.pct(g.elapsed, 0))
            )


def goal_label(code: str) -> str:
    return indicator_label(code, ui.lang())


# ---------------------------------------------------------------- the register


def register_table(plats: pd.DataFrame) -> None:
    """Search and filters, then the matching platforms and a CSV of them."""
    c1, c2, c3 = st.columns([2, 1, 1])
    query = c1.text_input(ui.t("plat.search"), key="plat_search", max_chars=60).strip().lower()
    units = list(ui.read("units")["code"])
    regions = c2.multiselect(
        ui.t("plat.filter.region"),
        units,
        format_func=ui.region_name,
        key=lang_key("plat_f_region"),
        placeholder=ui.t("plat.filter.all"),
    )
    taxonomy = list(ui.read("clusters")["code"])
    clusters = c3.multiselect(
        ui.t("plat.filter.cluster"),
        taxonomy,
        format_func=ui.cluster_name,
        key=lang_key("plat_f_cluster"),
        placeholder=ui.t("plat.filter.all"),
    )
    c4, c5, c6 = st.columns(3)
    levels = c4.multiselect(
        ui.t("plat.filter.level"),
        [lv.code for lv in LEVELS],
        format_func=level_name,
        key=lang_key("plat_f_level"),
        placeholder=ui.t("plat.filter.all"),
    )
    models = c5.multiselect(
        ui.t("plat.filter.build_model"),
        list(BUILD_MODELS.values()),
        format_func=model_name,
        key=lang_key("plat_f_model"),
        placeholder=ui.t("plat.filter.all"),
    )
    statuses = c6.multiselect(
        ui.t("plat.filter.status"),
        list(PLATFORM_STATUSES.values()),
        format_func=status_name,
        key=lang_key("plat_f_status"),
        placeholder=ui.t("plat.filter.all"),
    )
    keep = pd.Series(True, index=plats.index)
    if query:
        text = (plats["name"] + " " + plats["host"]).str.lower()
        keep &= text.str.contains(query, regex=False)
    if regions:
        keep &= plats["region"].isin(regions)
    if clusters:
        keep &= plats["clusters"].map(lambda cs: any(c in cs for c in clusters))
    if levels:
        keep &= plats["level"].isin(levels)
    if models:
        keep &= plats["build_model"].isin(models)
    if statuses:
        keep &= plats["status"].isin(statuses)
    shown = plats[keep]
    st.caption(ui.t("plat.shown", n=len(shown), total=len(plats)))
    if shown.empty:
        st.info(ui.t("plat.none_match"))
        return
    table = register_frame(shown)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=ui.table_height(len(table)),
        column_config={ui.t("col.platform"): st.column_config.TextColumn(pinned=True)},
        key="plat_register",
    )
    st.download_button(
        ui.t("plat.download_register"),
        export.export_csv(table),
        file_name=ui.t("plat.file.register"),
        mime="text/csv",
        key="plat_register_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def register_frame(plats: pd.DataFrame) -> pd.DataFrame:
    """The register as shown (and downloaded): translated words, dates as text; the columns a
    reader scans first (name, region, level, status) on the left."""
    support = plats["national_support"].map(register.as_number)
    return pd.DataFrame(
        {
            ui.t("col.platform"): plats["name"].astype(str),
            ui.t("plat.col.region"): plats["region"].map(ui.region_name),
            ui.t("col.level"): plats["level"].map(level_name),
            ui.t("col.status"): plats["status"].map(status_name),
            ui.t("col.clusters"): plats["clusters"].map(clusters_text),
            ui.t("col.recognised_on"): plats["recognised_on"].map(day),
            ui.t("plat.col.entered_on"): plats["entered_on"].map(day),
            ui.t("col.build_model"): plats["build_model"].map(model_name),
            ui.t("col.host"): plats["host"].astype(str),
            ui.t("plat.col.revoked_on"): [
                day(r) if s == "revoked" else ""
                for r, s in zip(plats["revoked_on"], plats["status"], strict=True)
            ],
            ui.t("plat.col.support"): pd.array(support, dtype="Float64"),
        }
    )


def history_section(plats: pd.DataFrame) -> None:
    st.subheader(ui.t("plat.history"))
    st.caption(ui.t("plat.history_help"))
    keys = [key_of(r) for r in plats.to_dict("records")]
    key = st.selectbox(ui.t("plat.history_pick"), keys, format_func=key_label, key=lang_key("plat_history"))
    if key is None:
        return
    events = platform_history.history(read("versions", *split_key(key)))
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("plat.col.on"): events["on"].map(day),
                ui.t("plat.col.event"): [event_text(r) for r in events.to_dict("records")],
                ui.t("plat.col.recorded_at"): events["recorded_at"].map(
                    lambda v: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")
                ),
                ui.t("plat.col.by"): events["by"].astype(str),
                ui.t("plat.col.source"): [source_text(r) for r in events.to_dict("records")],
                ui.t("plat.col.note"): events["note"].map(lambda v: v if isinstance(v, str) else ""),
            }
        ),
        hide_index=True,
        width="stretch",
        key="plat_history_table",
    )


def event_text(row: dict[str, Any]) -> str:
    event = row["event"]
    if event == "entered":
        if row["level_to"] == "pool":
            return ui.t("plat.event.entered_pool")
        return ui.t("plat.event.entered", level=level_name(row["level_to"]))
    if event in ("promoted", "demoted"):
        return ui.t(f"plat.event.{event}", old=level_name(row["level_from"]), new=level_name(row["level_to"]))
    if event == "corrected":
        sep = "、" if ui.lang() == "zh" else ", "
        return ui.t("plat.event.corrected", fields=sep.join(ui.t(f"plat.field.{f}") for f in row["fields"]))
    return ui.t(f"plat.event.{event}")


def source_text(row: dict[str, Any]) -> str:
    if row["kind"] == "platform_edit":
        return ui.t("plat.source.form", id=row["upload_id"])
    return ui.t("plat.source.file", file=row["file_name"] or "", id=row["upload_id"])
