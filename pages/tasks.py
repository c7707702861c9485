"""任务督办 Task supervision: the plan's sixteen tasks and their accountable units, each unit's
quarterly progress against 序时进度, what is behind or unreported and for how long, the rule and
numbers behind each status, the report history; reporting by form or file; the task list.

A department (责任单位) account sees and reports its own unit's rows only (kpi.tasks checks it);
the widgets live in kpi/ui/tasks.py and kpi/ui/task_forms.py, and this page lays them out.
"""

import streamlit as st

from kpi.model.roles import Permission
from kpi.ui import layout, signin
from kpi.ui import task_forms as forms
from kpi.ui import tasks as ui_tasks
from kpi.ui.lang import t

signin.entry_guard(permission=Permission.VIEW_TASKS)


def body() -> None:
    as_of, unit = ui_tasks.filters()
    board = ui_tasks.read("board", as_of, unit)
    ui_tasks.header(board)
    ui_tasks.summary(board)
    names = ["matrix", "behind", "detail"]
    if signin.can(Permission.REPORT_TASKS):
        names += ["report", "upload"]
    if signin.can(Permission.MANAGE_TASKS):
        names += ["manage"]
    tabs = dict(zip(names, st.tabs([t(f"tasks.tab.{n}") for n in names]), strict=True))
    with tabs["matrix"]:
        ui_tasks.matrix(board)
    with tabs["behind"]:
        ui_tasks.behind(board)
    with tabs["detail"]:
        ui_tasks.details(board)
    if "report" in tabs:
        with tabs["report"]:
            forms.report_form(board)
        with tabs["upload"]:
            forms.upload_section(board)
    if "manage" in tabs:
        with tabs["manage"]:
            forms.manage_section()


layout.guarded(body)
