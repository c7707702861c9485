"""The reporting calendar on the statistician's upload page (kpi.engine.calendar): for each source
(the units' statistics, the accountable units' task progress reports; one tab each) what has
arrived for each of the last eight quarters, and what is late."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi.engine import calendar
from kpi.reports import calendar_view
from kpi.ui import lang, layout, scope


def calendar_section(quarters: int = 8) -> None:
    """The matrix for each source the calendar follows, one tab each."""
    st.subheader(lang.t("calendar.title"))
    today = dt.date.today()
    periods = tuple(calendar.recent_periods(today, quarters))
    names = list(calendar.SOURCES)
    places = st.tabs([lang.t(f"calendar.source.{n}") for n in names]) if len(names) > 1 else [st.container()]
    for name, place in zip(names, places, strict=True):
        with place:
            cells = scope.read("calendar", periods, name, today)
            st.caption(lang.t(f"calendar.intro.{name}", days=calendar_view.due_days(cells)))
            text, status = calendar_view.matrix_frames(cells, lang.lang())
            styled = text.style.apply(lambda _, s=status: s.map(calendar_view.cell_css), axis=None)
            st.dataframe(
                styled, width="stretch", height=layout.table_height(len(text)), key=f"calendar-{name}"
            )
    st.caption(lang.t("calendar.legend"))
