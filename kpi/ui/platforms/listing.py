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

from kpi.model.definitions import BUILD_MODELS, LEVEL, LEVELS, PLATFORM_STATUSES, indicator_label
from kpi.platforms import history, register
from kpi.reports import export
from kpi.ui import data, fmt, lang, layout, scope

# ---------------------------------------------------------------- cached reads


def read(name: str, *args: Any) -> Any:
    """A cached read through kpi.ui.scope.read (the platform readers are registered in kpi/ui.py:
    register, versions, reviews, settings, settings_log), keyed like every other read on the
    database file's stamp and, for scoped readers, on the signed-in user."""
    return scope.read(name, *args)


def written() -> None:
    """After a write: every page of the app reads fresh data."""
    data.clear_cache()


def today() -> dt.date:
    return dt.date.today()


# ---------------------------------------------------------------- names


def level_name(code: str | None) -> str:
    if not code:
        return "—"
    return LEVEL[code].name_zh if lang.lang() == "zh" else LEVEL[code].name_en


def model_name(code: str | None) -> str:
    if not isinstance(code, str) or not code:
        return lang.t("plat.no_model")
    if lang.lang() == "en":
        return code.replace("_", " ")
    return {v: k for k, v in BUILD_MODELS.items()}.get(code, code)


def status_name(code: str) -> str:
    return lang.t(f"platform_status.{code}") if code in PLATFORM_STATUSES.values() else code


def clusters_text(codes: list[str]) -> str:
    return (
        "、".join(fmt.cluster_name(c) for c in codes)
        if lang.lang() == "zh"
        else ", ".join(fmt.cluster_name(c) for c in codes)
    )


def key_of(row: dict[str, Any]) -> str:
    """A platform's key as one option value (name and host joined by an unprintable separator)."""
    return f"{row['name']}\x1f{row['host']}"


def split_key(key: str) -> tuple[str, str]:
    name, host = key.split("\x1f", 1)
    return name, host


def key_label(key: str) -> str:
    name, host = split_key(key)
    return f"{name}（{host}）" if lang.lang() == "zh" else f"{name} ({host})"


def day(value: Any) -> str:
    d = register.as_date(value)
    return d.isoformat() if d else "—"


def lang_key(name: str) -> str:
    """Widget key carrying the language: option labels follow a language switch."""
    return f"{name}__{lang.lang()}"


# ---------------------------------------------------------------- goals


def goal_cards(goals: list[register.Goal], as_of: dt.date) -> None:
    cols = st.columns(len(goals))
    for col, g in zip(cols, goals, strict=True):
        with col, st.container(border=True):
            label = goal_label(g.indicator)
            st.markdown(f"**{label}**  \n{fmt.status_badge(g.status)}", unsafe_allow_html=True)
            if g.indicator == "cluster_coverage":
                value = fmt.pct(g.value, 1)
            else:
                value = lang.t("plat.goal.count", value=int(g.value or 0), target=f"{g.target:g}")
            # the city's figures for every role: a county official's Overview shows its own unit's
            # coverage under the same name, so the label says whose these are
            st.metric(lang.t("plat.goal.city_value_label", date=as_of.isoformat()), value)
            st.caption(
                lang.t(
                    "plat.goal.progress", completion=fmt.pct(g.completion, 0), elapsed=fmt.pct(g.elapsed, 0)
                )
            )


def goal_label(code: str) -> str:
    return indicator_label(code, lang.lang())


# ---------------------------------------------------------------- the register


def register_table(plats: pd.DataFrame) -> None:
    """Search and filters, then the matching platforms and a CSV of them."""
    c1, c2, c3 = st.columns([2, 1, 1])
    query = c1.text_input(lang.t("plat.search"), key="plat_search", max_chars=60).strip().lower()
    units = list(scope.read("units")["code"])
    regions = c2.multiselect(
        lang.t("plat.filter.region"),
        units,
        format_func=fmt.region_name,
        key=lang_key("plat_f_region"),
        placeholder=lang.t("plat.filter.all"),
    )
    taxonomy = list(scope.read("clusters")["code"])
    clusters = c3.multiselect(
        lang.t("plat.filter.cluster"),
        taxonomy,
        format_func=fmt.cluster_name,
        key=lang_key("plat_f_cluster"),
        placeholder=lang.t("plat.filter.all"),
    )
    c4, c5, c6 = st.columns(3)
    levels = c4.multiselect(
        lang.t("plat.filter.level"),
        [lv.code for lv in LEVELS],
        format_func=level_name,
        key=lang_key("plat_f_level"),
        placeholder=lang.t("plat.filter.all"),
    )
    models = c5.multiselect(
        lang.t("plat.filter.build_model"),
        list(BUILD_MODELS.values()),
        format_func=model_name,
        key=lang_key("plat_f_model"),
        placeholder=lang.t("plat.filter.all"),
    )
    statuses = c6.multiselect(
        lang.t("plat.filter.status"),
        list(PLATFORM_STATUSES.values()),
        format_func=status_name,
        key=lang_key("plat_f_status"),
        placeholder=lang.t("plat.filter.all"),
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
    st.caption(lang.t("plat.shown", n=len(shown), total=len(plats)))
    if shown.empty:
        st.info(lang.t("plat.none_match"))
        return
    table = register_frame(shown)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=layout.table_height(len(table)),
        column_config={lang.t("col.platform"): st.column_config.TextColumn(pinned=True)},
        key="plat_register",
    )
    st.download_button(
        lang.t("plat.download_register"),
        export.export_csv(table),
        file_name=lang.t("plat.file.register"),
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
            lang.t("col.platform"): plats["name"].astype(str),
            lang.t("plat.col.region"): plats["region"].map(fmt.region_name),
            lang.t("col.level"): plats["level"].map(level_name),
            lang.t("col.status"): plats["status"].map(status_name),
            lang.t("col.clusters"): plats["clusters"].map(clusters_text),
            lang.t("col.recognised_on"): plats["recognised_on"].map(day),
            lang.t("plat.col.entered_on"): plats["entered_on"].map(day),
            lang.t("col.build_model"): plats["build_model"].map(model_name),
            lang.t("col.host"): plats["host"].astype(str),
            lang.t("plat.col.revoked_on"): [
                day(r) if s == "revoked" else ""
                for r, s in zip(plats["revoked_on"], plats["status"], strict=True)
            ],
            lang.t("plat.col.support"): pd.array(support, dtype="Float64"),
        }
    )


def history_section(plats: pd.DataFrame) -> None:
    st.subheader(lang.t("plat.history"))
    st.caption(lang.t("plat.history_help"))
    keys = [key_of(r) for r in plats.to_dict("records")]
    key = st.selectbox(lang.t("plat.history_pick"), keys, format_func=key_label, key=lang_key("plat_history"))
    if key is None:
        return
    events = history.history(read("versions", *split_key(key)))
    st.dataframe(
        pd.DataFrame(
            {
                lang.t("plat.col.on"): events["on"].map(day),
                lang.t("plat.col.event"): [event_text(r) for r in events.to_dict("records")],
                lang.t("plat.col.recorded_at"): events["recorded_at"].map(
                    lambda v: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")
                ),
                lang.t("plat.col.by"): events["by"].astype(str),
                lang.t("plat.col.source"): [source_text(r) for r in events.to_dict("records")],
                lang.t("plat.col.note"): events["note"].map(lambda v: v if isinstance(v, str) else ""),
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
            return lang.t("plat.event.entered_pool")
        return lang.t("plat.event.entered", level=level_name(row["level_to"]))
    if event in ("promoted", "demoted"):
        return lang.t(
            f"plat.event.{event}", old=level_name(row["level_from"]), new=level_name(row["level_to"])
        )
    if event == "corrected":
        sep = "、" if lang.lang() == "zh" else ", "
        return lang.t(
            "plat.event.corrected", fields=sep.join(lang.t(f"plat.field.{f}") for f in row["fields"])
        )
    return lang.t(f"plat.event.{event}")


def source_text(row: dict[str, Any]) -> str:
    if row["kind"] == "platform_edit":
        return lang.t("plat.source.form", id=row["upload_id"])
    return lang.t("plat.source.file", file=row["file_name"] or "", id=row["upload_id"])
