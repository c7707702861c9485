"""What a validated upload would change, as tables a statistician can check before confirming.

Statistics: kpi.ingest.stats.preview_changes gives old → new per key and field. The platform register
has no preview in the core, so `platform_changes` compares the file with the current register.
Codes are shown as names in the chosen language; money stays in 万元 (the file's unit).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from kpi.model.definitions import (
    ALL_CLUSTER,
    BUILD_MODELS,
    LEVEL,
    MONEY_FIELDS,
    PLATFORM_FIELDS,
    PLATFORM_STATUSES,
    STAT_FIELD,
)
from kpi.reports import export
from kpi.store import writes
from kpi.ui import fmt, lang, scope

STAT_KEY = list(writes.STAT_KEY)
PLATFORM_KEY = list(writes.PLATFORM_KEY)
# fields compared when the register and the file both carry them (revoked_on came later)
_PLATFORM_DIFF = ("region", "clusters", "level", "build_model", "recognised_on", "status", "revoked_on")
_DATES = ("recognised_on", "revoked_on")
SHOWN_REVISIONS = 2_000  # revised values drawn on the page; the rest are in the download


def counts(kind: str, changes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int, int]:
    """(new keys, revised values, number of new keys, number of revised keys)."""
    key = STAT_KEY if kind == "stats" else PLATFORM_KEY
    new = changes[changes["change"] == "new"].drop_duplicates(key)
    revised = changes[changes["change"] == "revised"]
    if kind == "stats":  # file order, then the file's column order (an unknown field last)
        order = pd.Index(list(STAT_FIELD)).get_indexer(revised["field"])
        order[order < 0] = len(STAT_FIELD)
        revised = revised.iloc[np.lexsort((order, revised["line"].to_numpy()))]  # stable, as sort_values
    return new, revised, len(new), len(revised.drop_duplicates(key))


def _names() -> tuple[dict[str, str], dict[str, str]]:
    """Region and cluster names by code, read once per table (not once per cell)."""
    zh = lang.lang() == "zh"
    regions = scope.read("regions")
    clusters = scope.read("clusters")
    region = dict(zip(regions["code"], regions["short_name" if zh else "name_en"], strict=True))
    cluster = dict(zip(clusters["code"], clusters["name" if zh else "name_en"], strict=True))
    cluster[ALL_CLUSTER] = lang.t("all_industry")
    return region, cluster


def _field_label(field: str) -> str:
    f = STAT_FIELD[field]
    if lang.lang() == "zh":
        return f"{f.label_zh}（万元）" if field in MONEY_FIELDS else f.label_zh
    return f"{f.label_en} (10k yuan)" if field in MONEY_FIELDS else f.label_en


def _each_once(values: pd.Series, word: Callable[[str], str]) -> pd.Series:
    """`word` of every value, called once per distinct value (the file's periods, units and
    clusters, seven fields), not once per cell: 100,000 revised rows are 700,000 cells, and a
    label reads the session's language each time (about 60 µs)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    words = np.array([word(v) for v in distinct], dtype=object)
    return pd.Series(words[codes], index=values.index, dtype="str")


def _keys(frame: pd.DataFrame) -> dict[str, pd.Series]:
    region, cluster = _names()
    return {
        lang.t("upload.col.line"): frame["line"].astype("int64"),
        lang.t("upload.col.period"): _each_once(frame["period"], fmt.period_label),
        lang.t("upload.col.region"): _each_once(frame["region"], lambda c: region.get(c, c)),
        lang.t("upload.col.cluster"): _each_once(frame["cluster"], lambda c: cluster.get(c, c)),
    }


def stats_tables(new: pd.DataFrame, revised: pd.DataFrame, key: str) -> None:
    if not revised.empty:
        st.caption(lang.t("upload.revisions"))
        old, nw = revised["old"].astype("float64"), revised["new"].astype("float64")
        col_old, col_new, col_diff = (
            lang.t("upload.col.old"),
            lang.t("upload.col.new_value"),
            lang.t("upload.col.diff_pct"),
        )
        shown = pd.DataFrame(
            {
                **_keys(revised),
                lang.t("upload.col.field"): _each_once(revised["field"], _field_label),
                col_old: old,
                col_new: nw,
                col_diff: (nw - old) / old.where(old != 0) * 100,
            }
        )
        if len(shown) > SHOWN_REVISIONS:
            # a country-scale file revises 700,000 cells: the browser gets the first ones, the
            # whole list is a download (made at the click)
            st.caption(lang.t("upload.revisions_capped", n=f"{len(shown):,}", shown=f"{SHOWN_REVISIONS:,}"))
            st.download_button(
                lang.t("upload.revisions_download"),
                data=functools.partial(export.export_csv, shown),
                file_name=f"{lang.t('upload.revisions_file')}.csv",
                mime="text/csv",
                key=f"{key}_revisions_csv",
                on_click="ignore",
                icon=":material/download:",
            )
        st.dataframe(
            shown.head(SHOWN_REVISIONS),
            hide_index=True,
            width="stretch",
            key=f"{key}_revisions",
            column_config={
                col_old: st.column_config.NumberColumn(format="localized"),
                col_new: st.column_config.NumberColumn(format="localized"),
                col_diff: st.column_config.NumberColumn(format="%+.2f%%"),
            },
        )
    if not new.empty:
        with st.expander(f"{lang.t('upload.new_list')}（{len(new)}）"):
            st.dataframe(pd.DataFrame(_keys(new)), hide_index=True, width="stretch", key=f"{key}_new")


# ---------------------------------------------------------------- platform register


def _norm(field: str, value: Any) -> str:
    """A comparable text for one register field (lists sorted, dates as ISO, missing as '')."""
    if field == "clusters":
        return "" if value is None else ";".join(sorted(str(v) for v in value))
    if value is None or pd.isna(value):
        return ""
    return str(pd.Timestamp(value).date()) if field in _DATES else str(value)


def platform_changes(rows: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """One row per new platform ('new') and per changed field of a known one ('revised')."""
    known = {(r["name"], r["host"]): r for r in current.to_dict("records")}
    fields = [f for f in _PLATFORM_DIFF if f in rows.columns and f in current.columns]
    out = []
    for r in rows.to_dict("records"):
        head = {"line": r["line"], "name": r["name"], "host": r["host"]}
        old = known.get((r["name"], r["host"]))
        if old is None:
            out.append({**head, "change": "new"})
            continue
        for f in fields:
            a, b = _norm(f, old[f]), _norm(f, r[f])
            if a != b:
                out.append({**head, "change": "revised", "field": f, "old": a, "new": b})
    return pd.DataFrame(out, columns=["line", "name", "host", "change", "field", "old", "new"])


def _platform_word(field: str, value: str, region: dict[str, str], cluster: dict[str, str]) -> str:
    zh = lang.lang() == "zh"
    if not value:
        return "—"
    if field == "region":
        return region.get(value, value)
    if field == "clusters":
        return "、".join(cluster.get(c, c) for c in value.split(";"))
    if field == "level":
        return LEVEL[value].name_zh if zh else LEVEL[value].name_en
    words = {"build_model": BUILD_MODELS, "status": PLATFORM_STATUSES}.get(field)
    if words and zh:
        return {v: k for k, v in words.items()}.get(value, value)
    return value


def platform_tables(new: pd.DataFrame, revised: pd.DataFrame, key: str) -> None:
    labels = {f.name: (f.label_zh if lang.lang() == "zh" else f.label_en) for f in PLATFORM_FIELDS}
    region, cluster = _names()
    if not revised.empty:
        st.caption(lang.t("upload.platform_changes"))
        fields = revised["field"].tolist()
        st.dataframe(
            pd.DataFrame(
                {
                    lang.t("upload.col.line"): revised["line"].astype("int64"),
                    lang.t("upload.col.platform"): revised["name"],
                    lang.t("upload.col.host"): revised["host"],
                    lang.t("upload.col.item"): revised["field"].map(labels),
                    lang.t("upload.col.old"): [
                        _platform_word(f, v, region, cluster)
                        for f, v in zip(fields, revised["old"], strict=True)
                    ],
                    lang.t("upload.col.new_value"): [
                        _platform_word(f, v, region, cluster)
                        for f, v in zip(fields, revised["new"], strict=True)
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
            key=f"{key}_revisions",
        )
    if not new.empty:
        with st.expander(f"{lang.t('upload.platform_new')}（{len(new)}）"):
            st.dataframe(
                new[["line", "name", "host"]].set_axis(
                    [lang.t("upload.col.line"), lang.t("upload.col.platform"), lang.t("upload.col.host")],
                    axis=1,
                ),
                hide_index=True,
                width="stretch",
                key=f"{key}_new",
            )
