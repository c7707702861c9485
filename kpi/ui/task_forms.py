"""The 任务督办 page's forms: a progress report (submit or correct), a progress file upload, and
for administrators the task list and the status rules. Every write goes through kpi.tasks with
the signed-in viewer, so the permission and a department's own-unit scope are checked again
where the write happens (a department's form offers its own unit only, and the kpi function
refuses any other)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from kpi.model.errors import KpiError
from kpi.model.periods import Period, from_code
from kpi.progress.tasks import first_quarter, next_quarter
from kpi.reports import tasks_view
from kpi.reports.export import export_csv
from kpi.store import connection
from kpi.tasks import catalog, reports
from kpi.tasks.board import Board
from kpi.ui import data, fmt, signin
from kpi.ui import tasks as ui_tasks
from kpi.ui.lang import lang, t

FLASH = "tasks_flash"
_ROUND = "tasks_file_round"


def _flash() -> None:
    for kind, message in st.session_state.pop(FLASH, []):
        (st.success if kind == "success" else st.error)(message)


def _say(kind: str, message: str) -> None:
    st.session_state.setdefault(FLASH, []).append((kind, message))


def _write(action: Callable[[Any], Any]) -> Any:
    """Run one write on a short connection; a refusal (Forbidden, a busy database) is shown."""
    try:
        with connection.connect(data.db_path()) as con:
            out = action(con)
    except KpiError as exc:
        _say("error", exc.message(lang()))
        return None
    ui_tasks.written()
    return out


def ended_quarters(b: Board, today: dt.date) -> list[str]:
    """Quarters that may be reported on `today`, newest first."""
    out, q, last = [], first_quarter(b.rules), Period.latest_complete(today)
    while q <= last:
        out.append(q.code)
        q = next_quarter(q)
    return out[::-1]


# ---------------------------------------------------------------- one report


def report_form(b: Board) -> None:
    """Submit a report, or correct one (the same task × unit × quarter again: a revision)."""
    _flash()
    own = ui_tasks.own_unit()
    tasks = {task.code: task for task in ui_tasks.read("list") if own is None or own in task.units}
    if not tasks:
        st.caption(t("tasks.form.no_task"))
        return
    periods = ended_quarters(b, dt.date.today())
    if not periods:
        st.caption(t("tasks.form.no_period"))
        return
    c1, c2, c3 = st.columns([3, 2, 1])
    code = c1.selectbox(
        t("tasks.col.code"), list(tasks), format_func=lambda c: f"{c} {tasks[c].title}", key="tasks_form_code"
    )
    units = [own] if own is not None else list(tasks[code].units)
    unit = c2.selectbox(t("tasks.col.unit"), units, key=f"tasks_form_unit_{code}")
    period = c3.selectbox(
        t("tasks.col.period"),
        periods,
        format_func=lambda c: tasks_view.quarter(from_code(c), lang()),
        key="tasks_form_period",
    )
    history = ui_tasks.read("history", code)
    existing = history[(history["unit"] == unit) & (history["period"] == period) & history["is_current"]]
    before = existing.iloc[0] if not existing.empty else None
    if before is not None:
        st.info(
            t(
                "tasks.form.correcting",
                period=tasks_view.quarter(from_code(period), lang()),
                progress=f"{before['progress'] * 100:g}%",
            )
        )
    key = f"{code}_{unit}_{period}"
    with st.form(f"tasks_form_{key}", border=True):
        percent = st.number_input(
            t("tasks.form.progress"),
            min_value=0.0,
            max_value=100.0,
            step=5.0,
            value=float(before["progress"] * 100) if before is not None else None,
            key=f"tasks_pct_{key}",
        )
        fields = {}
        for name in ("achievements", "problems", "next_steps"):
            value = before[name] if before is not None and isinstance(before[name], str) else ""
            fields[name] = st.text_area(
                t(f"tasks.col.{name}"),
                value=value,
                max_chars=reports.TEXT_LIMIT,
                height=90,
                key=f"tasks_{name}_{key}",
            )
        evidence = before["evidence"] if before is not None and isinstance(before["evidence"], str) else ""
        fields["evidence"] = st.text_input(
            t("tasks.col.evidence"), value=evidence, max_chars=reports.TEXT_LIMIT, key=f"tasks_evidence_{key}"
        )
        st.caption(t("tasks.form.recorded_as", user=fmt.plain(signin.viewer().username)))
        submitted = st.form_submit_button(t("tasks.form.submit"), type="primary", icon=":material/send:")
    if submitted:
        _submit(code, unit, period, percent, fields)


def _submit(code: str, unit: str, period: str, percent: float | None, fields: dict[str, str]) -> None:
    viewer = signin.viewer()
    out = _write(lambda con: reports.record_report(con, code, unit, period, percent, viewer=viewer, **fields))
    if out is None:
        st.rerun()
    uid, problems = out
    for issue in problems:
        _say("error", issue.message(lang()))
    if uid is not None:
        _say("success", t("tasks.form.saved", code=code, unit=unit, period=period, id=uid))
    st.rerun()


# ---------------------------------------------------------------- a progress file


def upload_section(b: Board) -> None:
    _flash()
    st.caption(t("tasks.upload.help"))
    periods = ended_quarters(b, dt.date.today())
    if periods:
        frame = reports.template(
            {task.code: task.units for task in ui_tasks.read("list")}, periods[0], ui_tasks.own_unit()
        )
        st.download_button(
            t("tasks.upload.template"),
            export_csv(frame),
            file_name=t("tasks.upload.template_file", period=periods[0]),
            mime="text/csv",
            key="tasks_template",
            icon=":material/download:",
        )
    uploaded = st.file_uploader(
        t("tasks.upload.label"), type=["csv"], key=f"tasks_file_{st.session_state.get(_ROUND, 0)}"
    )
    if uploaded is None:
        return
    name, content = uploaded.name, uploaded.getvalue()
    try:
        with connection.connect(data.db_path()) as con:
            checked = reports.check_progress(con, content, name, viewer=signin.viewer())
    except KpiError as exc:
        st.error(exc.message(lang()))
        return
    if checked.rows is None:
        st.error(t("tasks.upload.rejected", n=len(checked.report.errors)))
        st.dataframe(
            checked.report.to_frame(lang()), hide_index=True, width="stretch", key="tasks_file_report"
        )
        return
    st.info(t("tasks.upload.valid", rows=len(checked.rows)))
    if checked.report.warnings:
        st.dataframe(
            checked.report.to_frame(lang()), hide_index=True, width="stretch", key="tasks_file_warnings"
        )
    st.button(
        t("tasks.upload.store"), key="tasks_file_store", on_click=_store, args=(name, content), type="primary"
    )


def _store(name: str, content: bytes) -> None:
    viewer = signin.viewer()
    result = _write(lambda con: reports.ingest_progress(con, content, name, viewer=viewer))
    if result is None:
        return
    if not result.stored:
        _say("error", t("tasks.upload.rejected", n=len(result.report.errors)))
        return
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    _say(
        "success",
        t(
            "tasks.upload.stored",
            rows=result.rows,
            new=result.new_rows,
            revised=result.revised_rows,
            id=result.upload_id,
        ),
    )


# ---------------------------------------------------------------- the task list and rules (admin)


def manage_section() -> None:
    _flash()
    _rules_form()
    _task_form()
    st.markdown(f"**{t('tasks.manage.versions')}**")
    shown = tasks_view.versions_frame(ui_tasks.read("versions"), lang())
    st.dataframe(shown, hide_index=True, width="stretch", key="tasks_versions")


def _rules_form() -> None:
    values = ui_tasks.read("settings")
    with st.form("tasks_rules", border=True):
        st.markdown(f"**{t('tasks.manage.rules')}**")
        c1, c2, c3 = st.columns(3)
        low = c1.text_input(t("tasks.manage.lagging_pp"), value=values.get("lagging_pp", ""))
        high = c2.text_input(t("tasks.manage.seriously_pp"), value=values.get("seriously_lagging_pp", ""))
        due = c3.text_input(t("tasks.manage.due_days"), value=values.get("due_days", ""))
        note = st.text_input(t("tasks.manage.note"), value=values.get("note", ""), max_chars=200)
        if st.form_submit_button(t("tasks.manage.save_rules")):
            viewer = signin.viewer()
            new = {"lagging_pp": low, "seriously_lagging_pp": high, "due_days": due, "note": note}
            problems = _write(lambda con: catalog.save_rules(con, new, viewer=viewer))
            for key, problem in (problems or {}).items():
                _say(
                    "error",
                    t(
                        f"tasks.problem.{problem}",
                        field=t(f"tasks.manage.{key.replace('seriously_lagging', 'seriously')}"),
                    ),
                )
            if problems == {}:
                _say("success", t("tasks.manage.rules_saved"))
            st.rerun()


def _task_form() -> None:
    tasks = {task.code: task for task in ui_tasks.read("list")}
    new = t("tasks.manage.new")
    picked = st.selectbox(t("tasks.manage.pick"), [new, *tasks], key="tasks_manage_pick")
    task = tasks.get(picked)
    names = ui_tasks.read("units")
    with st.form(f"tasks_edit_{picked}", border=True):
        code = st.text_input(t("tasks.col.code"), value=picked if task else "", disabled=task is not None)
        section = st.text_input(t("tasks.manage.section"), value=task.section if task else "")
        title = st.text_input(
            t("tasks.col.title"), value=task.title if task else "", max_chars=catalog.TITLE_MAX
        )
        deliverable = st.text_area(
            t("tasks.manage.deliverable"),
            value=(task.deliverable or "") if task else "",
            max_chars=catalog.DELIVERABLE_MAX,
        )
        units = st.multiselect(
            t("tasks.manage.units"),
            names,
            default=list(task.units) if task else [],
            placeholder=t("tasks.manage.units_placeholder"),
        )
        extra = st.text_input(t("tasks.manage.extra_units"))
        why = st.text_input(t("tasks.manage.why"), max_chars=catalog.NOTE_MAX)
        c1, c2 = st.columns(2)
        save = c1.form_submit_button(t("tasks.manage.save"), type="primary")
        withdraw = c2.form_submit_button(t("tasks.manage.withdraw"), disabled=task is None)
    if save or withdraw:
        added = [u for u in re.split(r"[、，,;；\s]+", extra) if u]
        viewer = signin.viewer()
        out = _write(
            lambda con: catalog.save_task(
                con,
                picked if task else code,
                section=section,
                title=title,
                deliverable=deliverable,
                units=[*units, *added],
                active=not withdraw,
                note=why,
                viewer=viewer,
            )
        )
        if out is not None:
            version, problems = out
            for problem in problems:
                _say("error", t(f"tasks.problem.{problem}"))
            if version is not None:
                _say("success", t("tasks.manage.saved", code=picked if task else code, version=version))
            elif not problems:
                _say("success", t("tasks.manage.unchanged"))
        st.rerun()
