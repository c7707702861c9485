"""The pages' data vintages: the "按…时已知数据" picker (the figures as known at the end of a
day, kpi.store.vintages), the banner while it is on, and on a KPI card the "已修订" badge and the
panel with every vintage of the figure and its revision triangle (kpi.engine.revisions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from kpi.engine.revisions import History, recent
from kpi.ui import scope
from kpi.ui.fmt import pct, period_label
from kpi.ui.lang import t

REVISED_SINCE_DAY = "revised_since_day"  # the chosen day revisions are marked from, kept across pages
HOME = "home"  # card_revisions' default scope: the signed-in user's own (a county's unit, else the city)
_REVISED_COLOUR = "#7A3E9D"  # a purple none of the status lights uses (kpi.reports.style), white text on it


def _keep(widget: str, key: str) -> None:
    """A picker's new value, kept under a key of its own: it outlives pages without the picker,
    and the reads that run before the picker in the next run already see it."""
    st.session_state[key] = st.session_state.get(widget)


def _reset() -> None:
    st.session_state[scope.AS_OF_DAY] = None
    st.session_state.pop(f"{scope.AS_OF_DAY}__w", None)


def controls() -> None:
    """The sidebar's "数据版本": the day the figures are shown as known at, and the day revisions
    are marked from; with the banner on the page while a past day is chosen."""
    today = dt.date.today()
    box = st.sidebar.expander(
        t("vintage.section"), expanded=scope.as_of() is not None, icon=":material/history:"
    )
    for key, label, helptext in (
        (scope.AS_OF_DAY, "asof.picker", "asof.picker_help"),
        (REVISED_SINCE_DAY, "revised.since", "revised.since_help"),
    ):
        widget = f"{key}__w"
        if widget not in st.session_state:
            st.session_state[widget] = st.session_state.get(key)
        box.date_input(
            t(label),
            min_value=dt.date(2000, 1, 1),
            max_value=today,
            format="YYYY-MM-DD",
            key=widget,
            help=t(helptext),
            on_change=_keep,
            args=(widget, key),
        )
    banner()


def banner() -> None:
    day = st.session_state.get(scope.AS_OF_DAY)
    if isinstance(day, dt.date):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.info(t("asof.banner", when=day.isoformat()), icon=":material/history:")
            st.button(t("asof.reset"), on_click=_reset, key="asof_reset", icon=":material/update:")


def revised_since() -> dt.datetime | None:
    """The chosen day revisions are marked from (from its start), None: the default."""
    day = st.session_state.get(REVISED_SINCE_DAY)
    return dt.datetime.combine(day, dt.time.min) if isinstance(day, dt.date) else None


def _badge() -> str:
    return (
        f'<span style="background:{_REVISED_COLOUR};color:white;border-radius:0.8em;padding:0.1em 0.6em;'
        f'font-size:0.85em;white-space:nowrap">↻ {t("revised.badge")}</span>'
    )


def _history(code: str, period: str, region: str | None) -> History:
    region = scope.home_region() if region == HOME else region
    return scope.read("revisions", region, None, tuple(recent(period)))[code]


def revised_badge(code: str, period: str, region: str | None = HOME) -> str:
    """For a KPI card's title line: "已修订" (HTML) when the figure was revised since the chosen
    day (default: the quarter before's first publication); "" otherwise."""
    return _badge() if _history(code, period, region).revised_since(period, revised_since()) else ""


def card_revisions(code: str, period: str, key: str, region: str | None = HOME, label: str = "") -> None:
    """At a KPI card's foot: a button that opens the figure's vintages and its revision triangle in
    a dialog. The panel is read and drawn only when asked for: as a popover it was built and sent,
    hidden, on every view of every card (a fifth of the Overview's script time, two tables per
    card for the browser to lay out; issue 16)."""
    if st.button(t("revised.panel"), icon=":material/history:", key=f"vintages_{key}", width="stretch"):
        title = f"{t('revised.panel')} · {label}" if label else t("revised.panel")
        st.dialog(title, width="large")(_open_panel)(code, period, key, region)


def _open_panel(code: str, period: str, key: str, region: str | None) -> None:
    panel(_history(code, period, region), period, revised_since(), key)


def panel(history: History, period: str, since: dt.datetime | None, key: str) -> None:
    vintages = history.vintages(period)
    if not vintages:
        st.caption(t("revised.none"))
        return
    default = history.default_since(period)
    note = (
        t("revised.since_chosen", when=f"{since:%Y-%m-%d}")
        if since
        else t("revised.since_default", when=f"{default:%Y-%m-%d %H:%M}")
        if default
        else t("revised.since_first")
    )
    st.caption(t("revised.intro", period=period_label(period), since=note))
    # static tables (st.table): a panel of a few rows, not an interactive grid
    st.table(vintage_table(vintages).set_index(t("revised.col.when")))
    triangle = history.triangle()
    if triangle.shape[1] > 1:
        st.markdown(f"**{t('revised.triangle')}**")
        st.caption(t("revised.triangle_help"))
        st.table(triangle_table(triangle, history))


def vintage_table(vintages: list[Any]) -> pd.DataFrame:
    """Newest first: when, the value, what changed (an upload or a rollback), the upload, by whom."""
    rows = [
        {
            t("revised.col.when"): f"{v.moment.at:%Y-%m-%d %H:%M}",
            t("revised.col.value"): pct(v.value),
            t("revised.col.event"): t(f"revised.event.{v.moment.event}"),
            t("revised.col.upload"): v.moment.upload_id,
            t("revised.col.who"): v.moment.who or "—",
            t("revised.col.file"): v.moment.file_name or "—",
        }
        for v in reversed(vintages)
    ]
    return pd.DataFrame(rows)


def triangle_table(frame: pd.DataFrame, history: History) -> pd.DataFrame:
    """The triangle with its periods and moments as a person reads them, values in percent."""
    ids = {m.at: m for m in history.moments}
    names = [
        f"#{ids[c].upload_id}{'↩' if ids[c].event == 'rollback' else ''} {c:%m-%d %H:%M}"
        for c in frame.columns
    ]
    out = frame.map(lambda v: "" if pd.isna(v) else pct(float(v)))
    out.columns = names
    out.index = [period_label(p) for p in frame.index]
    return out
