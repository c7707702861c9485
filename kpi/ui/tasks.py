"""Widgets of the 任务督办 page (pages/tasks.py) and the overview's task card: cached reads of the
board for the signed-in viewer, the filters, the task × unit matrix with lights, what is behind
or unreported, the rule and numbers behind each status, and each task's report history. The
forms (report, upload, the task list) are kpi.ui.task_forms.

Every read passes the signed-in viewer to the kpi query (a department sees its own rows only)
and the cache key holds that viewer (TRAPS.md 2). Task titles, unit names and report texts are
user text: shown in st.dataframe cells, st.text and widget options only, never as markdown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from kpi.model.roles import task_unit_scope
from kpi.progress.tasks import TaskStatus
from kpi.reports import tasks_view
from kpi.reports.style import task_status_colour, task_status_text
from kpi.tasks import board
from kpi.ui import data, layout, scope, signin
from kpi.ui.fmt import colon
from kpi.ui.lang import lang, t

AS_OF, UNIT = "tasks_as_of", "tasks_unit"

# ---------------------------------------------------------------- cached reads


def read(name: str, *args: Any) -> Any:
    """A cached read for the signed-in user (kpi.ui.scope.read of the task_ readers): keyed on the
    database's write stamp and the viewer's scope (a department's board is never served to
    anyone else), shared by the viewers of one scope and warmed after a change like every other
    read (it had a cache of its own, per username, that the warmer did not know: after a data
    change the Overview's task card was nearly half of its first run)."""
    return scope.read(f"task_{name}", *args)


def written() -> None:
    """After a write: every page reads fresh data."""
    data.clear_cache()


def own_unit() -> str | None:
    """The signed-in department's unit; None for every other role."""
    return task_unit_scope(signin.viewer())


# ---------------------------------------------------------------- the overview's card


def overview_card() -> None:
    """The overview's one card: '重点任务：x 项按序时推进，y 项滞后，z 项未报送' (today, the
    viewer's rows), with the rule behind it."""
    b = read("board", dt.date.today(), None)
    with st.container(border=True):
        st.markdown(f"**{t('tasks.card.title')}**")
        st.markdown(tasks_view.card_line(b, lang()))
        st.caption(tasks_view.card_caption(b, lang()))
        with st.popover(t("show_work"), width="stretch"):
            st.caption(tasks_view.rule_text(b, lang()))


# ---------------------------------------------------------------- the page


def filters() -> tuple[dt.date, str | None]:
    """The day judged on and the unit shown (a department: its own, fixed)."""
    as_of = st.sidebar.date_input(t("tasks.as_of_pick"), value=dt.date.today(), key=AS_OF)
    if own_unit() is not None:
        return as_of, None
    options = ["", *read("units")]
    picked = layout.select(
        t("tasks.unit_filter"), options, UNIT, lambda u: u or t("tasks.all_units"), sidebar=True
    )
    return as_of, picked or None


def header(b: board.Board) -> None:
    layout.page_header(t("nav.tasks"))  # its demo banner covers demo task reports too
    st.caption(t("tasks.intro", n=len(read("list"))))
    if own_unit() is not None:
        st.info(t("tasks.own_scope", unit=own_unit()), icon=":material/badge:")
    st.caption(tasks_view.as_of_line(b, lang()))
    if b.note:
        st.text(t("tasks.note", note=b.note))
    if b.demo:
        st.caption(t("tasks.demo"))


def badge(status: str, suffix: str = "") -> str:
    """HTML for a pill with the status's symbol and word (the word is the meaning; colour helps)."""
    return (
        f'<span style="background:{task_status_colour(status)};color:white;border-radius:0.8em;'
        f'padding:0.1em 0.6em;font-size:0.9em;white-space:nowrap">{task_status_text(status, lang())}{suffix}</span>'
    )


def summary(b: board.Board) -> None:
    """Tasks per status (a pill with symbol, word and count each; one line that wraps on a
    phone), then the overview's sentence."""
    counts = board.tally(b)
    st.markdown(" ".join(badge(s, f" {n}") for s, n in counts.items()), unsafe_allow_html=True)
    st.markdown(f"**{tasks_view.card_line(b, lang())}**")


def _colours(statuses: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    css = statuses.map(lambda s: "" if s is None else f"color: {task_status_colour(s)}; font-weight: 600")
    css.columns, css.index = frame.columns, frame.index
    return css


def matrix(b: board.Board) -> None:
    """The task × unit matrix: symbol, word and progress in each cell, coloured as well."""
    frame = tasks_view.matrix_frame(b, lang())
    st.caption(t("tasks.matrix_help"))
    styled = frame.style.apply(lambda _: _colours(tasks_view.matrix_statuses(b), frame), axis=None)
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=layout.table_height(len(frame)),
        key="tasks_matrix",
        column_config={
            t("tasks.col.code"): st.column_config.TextColumn(pinned=True),
            t("tasks.col.title"): st.column_config.TextColumn(width="medium"),
        },
    )


def behind(b: board.Board) -> None:
    frame = tasks_view.behind_frame(b, lang())
    if frame.empty:
        st.success(t("tasks.behind_none"), icon=":material/check_circle:")
        return
    st.caption(t("tasks.behind_help"))
    words = {task_status_text(s, lang()): s for s in TaskStatus}
    column = t("tasks.col.status")

    def colour(value: object) -> str:
        status = words.get(str(value))
        return "" if status is None else f"color: {task_status_colour(status)}; font-weight: 600"

    st.dataframe(
        frame.style.map(colour, subset=[column]),
        hide_index=True,
        width="stretch",
        height=layout.table_height(len(frame)),
        key="tasks_behind",
    )


def details(b: board.Board) -> None:
    """Per task: the status opens the rule and the numbers of each unit, and the report history."""
    st.caption(f"{t('rule')}{colon()}{tasks_view.rule_text(b, lang())}")
    history = read("history", None)
    for task in b.tasks:
        label = f"{task.code} {task.title} · {task_status_text(task.status, lang())}"
        with st.expander(label):
            st.text(tasks_view.task_summary(task, lang()))
            for u in task.units:
                st.text(tasks_view.unit_work(b, u.name, u.state, lang()))
            mine = history[
                (history["code"] == task.code) & history["unit"].isin([u.name for u in task.units])
            ]
            st.markdown(f"**{t('tasks.history')}**")
            if mine.empty:
                st.caption(t("tasks.no_history"))
            else:
                st.dataframe(
                    tasks_view.history_frame(mine, lang()),
                    hide_index=True,
                    width="stretch",
                    key=f"tasks_history_{task.code}",
                )
