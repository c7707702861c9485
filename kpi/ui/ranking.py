"""Unit rankings on the Overview and Regions pages, readable at any number of units.

Jiaxing has nine units and every chart shows all of them. The same app at province or country
scale has hundreds or thousands: nobody reads 2,800 bars (and drawing them made a rerun take
seconds), so above charts.SHOW_ALL_UP_TO units a chart shows the top and bottom
charts.SHOW_EACH, the chosen or own unit always among them, with a caption saying so; the full
list is a table to sort and a CSV download instead. Up to the limit nothing changes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi.model.definitions import RATIO, RATIOS, STAT_FIELD
from kpi.progress.compute import Target
from kpi.reports import attention, charts, export
from kpi.text.ranking import text
from kpi.ui import fmt, lang, scope

NINE = 9  # Jiaxing's units: the pages' own texts say "nine"
_CHART_CONFIG = {"displayModeBar": False}


def _t(key: str, **params: object) -> str:
    return text(key, lang.lang(), **params)


def unit_names() -> dict[str, str]:
    """Code → short name in the chosen language, for every unit, built once per run (naming
    thousands of units one `ui.region_name` call at a time took a second)."""
    frame = scope.read("regions")
    column = "name_en" if lang.lang() == "en" else "short_name"
    return dict(zip(frame["code"].astype(str), frame[column].astype(str), strict=True))


def labelled(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """`frame` with a `label` column; a name shared by two units gets its code, since a chart
    axis would otherwise draw both units as one bar."""
    codes = frame["region"].astype(str).tolist()
    labels = [names.get(c, c) for c in codes]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return frame.assign(
        label=[f"{x}（{c}）" if seen[x] > 1 else x for x, c in zip(labels, codes, strict=True)]
    )


def title(units: int) -> str:
    return lang.t("overview.ranking") if units == NINE else _t("ranking.title_many", n=units)


def rank_text(rank: int | str, units: int) -> str:
    return lang.t("regions.rank", rank=rank) if units == NINE else _t("ranking.rank_of", n=units, rank=rank)


def _caption(shown: charts.Shown, names: dict[str, str], *, contrib: bool, missing: int = 0) -> str:
    """'共2800个单位，显示前15与后15，另含南湖（第 1234 位）；虚线处省略其余单位'."""
    key = "ranking.shown_contrib" if contrib else "ranking.shown"
    parts = [_t(key, total=shown.total, top=shown.top, bottom=shown.bottom)]
    if shown.kept:
        kept = fmt.join([names.get(c, c) for c in shown.kept])
        if contrib:
            parts.append(_t("ranking.kept_contrib", names=kept))
        else:
            rank = shown.frame.set_index("region")["rank"]
            ranks = ["—" if pd.isna(rank[c]) else str(int(rank[c])) for c in shown.kept]
            parts.append(_t("ranking.kept", names=kept, ranks=fmt.join(ranks)))
    if shown.gaps_after:
        parts.append(_t("ranking.dotted"))
    if missing:
        parts.append(_t("ranking.no_value", n=missing))
    return "".join(parts)


def ranking_chart(
    frame: pd.DataFrame,
    target: Target,
    names: dict[str, str],
    *,
    key: str,
    highlight: str | None = None,
    keep: Iterable[str | None] = (),
) -> charts.Shown:
    """One indicator's ranking (region, value, rank) as bars, cut to the top and bottom when long."""
    shown = charts.top_and_bottom(frame, "value", keep=[highlight, *keep])
    rows = _rows(labelled(shown.frame, names), "value")
    labels = tuple(sorted(fmt.chart_labels().items()))
    figure = _ranking_figure(rows, target, labels, highlight, shown.gaps_after)
    st.plotly_chart(figure, key=key, config=_CHART_CONFIG)
    if shown.cut:
        st.caption(_caption(shown, names, contrib=False, missing=int(frame["value"].isna().sum())))
    return shown


def contribution_chart(
    frame: pd.DataFrame, names: dict[str, str], *, value_label: str, key: str, keep: Iterable[str | None] = ()
) -> charts.Shown:
    """Each unit's gap at the target ratio (region, gap_money), cut to the largest and smallest."""
    shown = charts.top_and_bottom(frame, "gap_money", keep=keep)
    rows = _rows(labelled(shown.frame, names), "gap_money")
    words = (lang.t("contrib.shortfall"), lang.t("contrib.surplus"))
    figure = _contribution_figure(rows, value_label, words, shown.gaps_after)
    st.plotly_chart(figure, key=key, config=_CHART_CONFIG)
    if shown.cut:
        st.caption(_caption(shown, names, contrib=True))
    return shown


# Figures are kept by their content: building one costs plotly ~20 ms of validation, about half
# of an Overview rerun at city scale, and a rerun after a click mostly draws the same charts.
# The key is the drawn rows themselves, so a figure never outlives its data or crosses scopes.
# st.plotly_chart only reads a figure (it copies it to JSON), so sessions can share one.
Rows = tuple[tuple[str, str, float | None], ...]


def _rows(frame: pd.DataFrame, column: str) -> Rows:
    values = [None if pd.isna(v) else float(v) for v in frame[column]]  # NaN never equals itself
    return tuple(zip(frame["region"].astype(str), frame["label"].astype(str), values, strict=True))


def _frame(rows: Rows, column: str) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["region", "label", column]).astype({column: "float64"})


@functools.lru_cache(maxsize=64)
def _ranking_figure(
    rows: Rows,
    target: Target,
    labels: tuple[tuple[str, str], ...],
    highlight: str | None,
    gaps: tuple[str, ...],
) -> go.Figure:
    return charts.ranking(_frame(rows, "value"), target, dict(labels), highlight=highlight, gaps_after=gaps)


@functools.lru_cache(maxsize=64)
def _contribution_figure(
    rows: Rows, value_label: str, words: tuple[str, str], gaps: tuple[str, ...]
) -> go.Figure:
    return charts.contributions(
        _frame(rows, "gap_money"), value_label=value_label, words=words, gaps_after=gaps
    )


# ---------------------------------------------------------------- one indicator at a time


def indicator_choice(name: str) -> str:
    """Which ratio a section draws: a segmented control of the short names. Tabs drew all three
    charts on every run, two of them hidden (most of the browser's time on the Overview), and cut
    their long labels at phone width; the buttons wrap. The choice lives under `name`; the widget
    key carries the language, as layout.select does, so its labels follow the language switch."""
    codes = [r.code for r in RATIOS]
    current = st.session_state.get(name)
    chosen = st.segmented_control(
        lang.t("indicator"),
        codes,
        default=current if current in codes else codes[0],
        required=True,
        format_func=_short,
        key=f"{name}__{lang.lang()}",
        label_visibility="collapsed",
    )
    value = chosen if chosen in codes else codes[0]
    st.session_state[name] = value
    return str(value)


@st.fragment
def ranking_section(
    ranking: pd.DataFrame,
    targets: dict[str, Target],
    names: dict[str, str],
    period: str,
    *,
    name: str,
    chart_key: str,
    highlight: str | None,
    table_key: str,
) -> None:
    """The units' ranking for the chosen ratio, with the full table when a chart cannot show every
    unit. A fragment: choosing another ratio reruns this section only."""
    code = indicator_choice(name)
    frame = ranking[ranking["indicator"] == code]
    ranking_chart(frame, targets[code], names, key=f"{chart_key}-{code}", highlight=highlight)
    ranking_table(ranking, names, period, key=table_key)


@st.fragment
def contribution_section(indicators: dict, names: dict[str, str], period: str, *, keep: str | None) -> None:
    """How far each unit is from the target ratio, in money, for the chosen ratio; the full table
    when a chart cannot show every unit (a fragment, as ranking_section)."""
    code = indicator_choice("overview_contrib")
    contrib = indicators[code].get("region_contributions") or {}
    zh = lang.lang() == "zh"
    ratio = RATIO[code]
    num, den = STAT_FIELD[ratio.numerator], STAT_FIELD[ratio.denominator]
    numerator, denominator = (num.label_zh, den.label_zh) if zh else (num.label_en, den.label_en)
    if not contrib.get("regions"):
        st.caption(lang.t("status.no_data"))
    else:
        frame = pd.DataFrame(contrib["regions"], columns=["region", "gap_money"])
        contribution_chart(
            frame,
            names,
            value_label=lang.t("contrib.axis", numerator=numerator),
            key=f"contrib-{code}",
            keep=[keep],
        )
        note = lang.t(
            "overview.contrib_note",
            numerator=numerator,
            denominator=denominator,
            total=fmt.money(contrib["total"]),
        )
        st.caption(note)
    frames = {
        r.code: pd.DataFrame(
            indicators[r.code]["region_contributions"]["regions"], columns=["region", "gap_money"]
        )
        for r in RATIOS
        if (indicators[r.code].get("region_contributions") or {}).get("regions")
    }
    contribution_table(frames, names, period, key="overview-contrib")


def attention_line(item: attention.Attention) -> str:
    """One line of the off-track list: the status pill (▲ for units below a target), the
    indicator in bold, why."""
    mark = "▲" if item.kind == attention.BELOW else fmt.status_badge(item.kind)
    return f"{mark} **{item.label}**{fmt.colon()}{item.reason}"


def uncovered(names: list[str]) -> str:
    """'未覆盖：…' for the off-track list; the first few when many clusters lack a platform."""
    return attention.uncovered_sentence(names, lang.lang())


# ---------------------------------------------------------------- the full lists


def _short(code: str) -> str:
    r = next(r for r in RATIOS if r.code == code)
    return r.short_zh if lang.lang() == "zh" else r.short_en


def ranking_table(ranking: pd.DataFrame, names: dict[str, str], period: str, key: str) -> None:
    """Every unit's value and rank for the three ratios, in a table and as a CSV download; shown
    only when a chart cannot show every unit. Sorted by the first ratio's rank."""
    units = ranking["region"].nunique()
    if units <= charts.SHOW_ALL_UP_TO:
        return
    values = ranking.pivot(index="region", columns="indicator", values="value")
    ranks = ranking.pivot(index="region", columns="indicator", values="rank")
    table = pd.DataFrame({_t("ranking.col.unit"): [names.get(str(c), str(c)) for c in values.index]})
    table[_t("ranking.col.code")] = values.index.astype(str)
    formats, order = {}, []
    for r in RATIOS:
        if r.code not in values.columns:
            continue
        value, rank = (
            _t("ranking.col.value", name=_short(r.code)),
            _t("ranking.col.rank", name=_short(r.code)),
        )
        table[value] = (values[r.code].astype("float64") * 100).to_numpy()
        table[rank] = ranks[r.code].astype("Int64").to_numpy()
        formats[value] = st.column_config.NumberColumn(format="%.2f")
        formats[rank] = st.column_config.NumberColumn(width="small")
        order.append(rank)
    if order:
        table = table.sort_values(order[0], na_position="last", kind="stable")
    _full(
        table,
        formats,
        _t("ranking.full", n=units),
        _t("ranking.download"),
        _t("ranking.file", period=period),
        key,
    )


def contribution_table(frames: dict[str, pd.DataFrame], names: dict[str, str], period: str, key: str) -> None:
    """Every unit's contribution to the city's gap (region, gap_money in 万元, per ratio code) in
    亿元, as a table and a CSV download, when a chart cannot show every unit."""
    units = max((len(f) for f in frames.values()), default=0)
    if units <= charts.SHOW_ALL_UP_TO:
        return
    wide = pd.DataFrame({code: f.set_index("region")["gap_money"] / 10_000 for code, f in frames.items()})
    table = pd.DataFrame({_t("ranking.col.unit"): [names.get(str(c), str(c)) for c in wide.index]})
    table[_t("ranking.col.code")] = wide.index.astype(str)
    formats = {}
    for code in frames:
        column = _t("ranking.col.gap", name=_short(code))
        table[column] = wide[code].to_numpy()
        formats[column] = st.column_config.NumberColumn(format="%.2f")
    table = table.sort_values(table.columns[2], ascending=False, kind="stable")
    _full(
        table,
        formats,
        _t("ranking.full_contrib", n=units),
        _t("ranking.download_contrib"),
        _t("ranking.file_contrib", period=period),
        key,
    )


def _full(table: pd.DataFrame, formats: dict, label: str, download: str, file_name: str, key: str) -> None:
    pinned = {table.columns[0]: st.column_config.TextColumn(pinned=True)}  # the unit stays in view
    formats = {**formats, **pinned}
    with st.expander(label, icon=":material/table_view:"):
        st.dataframe(table, hide_index=True, width="stretch", column_config=formats, key=f"{key}-table")
        st.download_button(
            download,
            data=lambda: export.export_csv(table),  # made at the click, not on every rerun
            file_name=file_name,
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key=f"{key}-csv",
        )
