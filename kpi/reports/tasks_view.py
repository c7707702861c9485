"""The 任务督办 page's tables and sentences, built from a board (kpi.tasks.board) without Streamlit:
the task × unit matrix, what is behind or unreported and for how long, the rule and the numbers
behind every status, each task's report history, the overview's one-line card.

A status is always written as its symbol and word (kpi.reports.style.TASK_STATUS_STYLE), never
as a colour alone; the page may colour the cell as well.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi.model.periods import Period, from_code
from kpi.progress.tasks import (
    BEHIND,
    SEVERITY,
    TaskStatus,
    UnitState,
    due_date,
    elapsed,
    first_quarter,
    next_quarter,
)
from kpi.reports.style import task_status_text, task_status_word
from kpi.tasks.board import Board, TaskRow, tally
from kpi.text.lookup import pick
from kpi.text.numbers import DASH, pct_short
from kpi.text.tasks import TASKS_TEXT


def _t(key: str, lang: str, **params: object) -> str:
    return pick(TASKS_TEXT, key, lang, **params)


def quarter(p: Period, lang: str = "zh") -> str:
    """A reported quarter as a reader writes it: '2026年第三季度' ('Q3 2026'), never the code."""
    return _t("tasks.quarter", lang, year=p.year, q="一二三四"[p.quarter - 1] if lang == "zh" else p.quarter)


def cell(state: UnitState, lang: str = "zh") -> str:
    """One matrix cell: '▲ 滞后 35%' (the progress of the latest report, '—' without one)."""
    return f"{task_status_text(state.status, lang)} {pct_short(state.progress)}"


def matrix_frame(b: Board, lang: str = "zh") -> pd.DataFrame:
    """One row per task (code, title, task status, mean progress), one column per unit in the
    plan's order; '—' where a unit is not accountable for the task."""
    rows = []
    for t in b.tasks:
        row = {
            _t("tasks.col.code", lang): t.code,
            _t("tasks.col.title", lang): t.title,
            _t("tasks.col.status", lang): task_status_text(t.status, lang),
            _t("tasks.col.progress", lang): pct_short(t.progress),
        }
        mine = {u.name: u.state for u in t.units}
        for name in b.units:
            row[name] = cell(mine[name], lang) if name in mine else DASH
        rows.append(row)
    columns = [_t(f"tasks.col.{c}", lang) for c in ("code", "title", "status", "progress")] + list(b.units)
    return pd.DataFrame(rows, columns=columns)


def matrix_statuses(b: Board) -> pd.DataFrame:
    """The status codes behind `matrix_frame`'s cells (same shape; None where no status), for colour."""
    rows = []
    for t in b.tasks:
        mine = {u.name: u.state.status.value for u in t.units}
        rows.append([None, None, t.status.value, None, *(mine.get(n) for n in b.units)])
    return pd.DataFrame(rows)


def how_long(state: UnitState, as_of: dt.date, b: Board, lang: str = "zh") -> str:
    """'自 2026Q2 起连续 2 个季度，已逾期 47 天' for a unit behind or unreported; '' otherwise."""
    if state.status not in BEHIND or state.behind_since is None:
        return ""
    text = _t(
        "tasks.how_long.quarters", lang, since=quarter(state.behind_since, lang), n=state.behind_quarters
    )
    if state.status is TaskStatus.NOT_REPORTED:
        first_missing = next_quarter(state.last_report) if state.last_report else first_quarter(b.rules)
        text += _t("tasks.how_long.overdue", lang, days=(as_of - due_date(first_missing, b.rules)).days)
    return text


def behind_frame(b: Board, lang: str = "zh") -> pd.DataFrame:
    """Every task × unit that is lagging, seriously lagging or not reported, worst first: code,
    title, unit, status, progress, gap below 序时进度, latest report, for how long."""
    items = [(t, u) for t in b.tasks for u in t.units if u.state.status in BEHIND]
    items.sort(key=lambda tu: (-SEVERITY[tu[1].state.status], -(tu[1].state.behind_quarters), tu[0].code))
    cols = ("code", "title", "unit", "status", "progress", "gap", "last", "how_long")
    rows = [
        [
            t.code,
            t.title,
            u.name,
            task_status_text(u.state.status, lang),
            pct_short(u.state.progress),
            # a missing report's gap would be the stale one's: not the point
            DASH
            if u.state.gap_pp is None or u.state.status is TaskStatus.NOT_REPORTED
            else f"{u.state.gap_pp:.1f}",
            quarter(u.state.last_report, lang) if u.state.last_report else DASH,
            how_long(u.state, b.as_of, b, lang),
        ]
        for t, u in items
    ]
    headers = [_t(f"tasks.col.{c}", lang) for c in cols]
    headers[5] += " (pp)" if lang == "en" else "（个百分点）"
    return pd.DataFrame(rows, columns=headers)


def rule_text(b: Board, lang: str = "zh") -> str:
    r = b.rules
    return _t(
        "tasks.rule",
        lang,
        start=r.plan_start.isoformat(),
        deadline=r.deadline.isoformat(),
        days=r.span_days,
        lagging=f"{r.lagging_pp:g}",
        serious=f"{r.seriously_lagging_pp:g}",
        due=r.due_days,
    )


def unit_work(b: Board, name: str, state: UnitState, lang: str = "zh") -> str:
    """The numbers behind one unit's status, as a sentence."""
    r = b.rules
    status = task_status_word(state.status, lang)
    if state.status is TaskStatus.NOT_REPORTED and state.due is not None:
        last = (
            _t(
                "tasks.work.last",
                lang,
                period=quarter(state.last_report, lang),
                progress=pct_short(state.progress),
            )
            if state.last_report
            else _t("tasks.work.never", lang)
        )
        return _t(
            "tasks.work.missing",
            lang,
            unit=name,
            due=quarter(state.due, lang),
            due_date=due_date(state.due, r).isoformat(),
            as_of=b.as_of.isoformat(),
            last=last,
            n=state.missing,
        )
    if state.last_report is None or state.expected is None or state.gap_pp is None:
        first = first_quarter(r)
        return _t(
            "tasks.work.not_due",
            lang,
            unit=name,
            first=quarter(first, lang),
            first_due=due_date(first, r).isoformat(),
        )
    if state.status is TaskStatus.COMPLETED:
        return _t("tasks.work.completed", lang, unit=name, period=quarter(state.last_report, lang))
    end = state.last_report.end_date
    gap = _t(
        "tasks.work.below" if state.gap_pp >= 0 else "tasks.work.ahead", lang, gap=f"{abs(state.gap_pp):.1f}"
    )
    return _t(
        "tasks.work.reported",
        lang,
        unit=name,
        period=quarter(state.last_report, lang),
        progress=pct_short(state.progress),
        end=end.isoformat(),
        expected=pct_short(elapsed(end, r)),
        elapsed_days=max(0, min((end - r.plan_start).days, r.span_days)),
        days=r.span_days,
        gap=gap,
        status=status,
    )


def task_summary(t: TaskRow, lang: str = "zh") -> str:
    return _t(
        "tasks.task_summary", lang, status=task_status_text(t.status, lang), progress=pct_short(t.progress)
    )


def as_of_line(b: Board, lang: str = "zh") -> str:
    due = next((u.state.due for t in b.tasks for u in t.units), None)
    return _t(
        "tasks.as_of",
        lang,
        date=b.as_of.isoformat(),
        due=quarter(due, lang) if due else _t("tasks.none_due", lang),
        days=b.rules.due_days,
        elapsed=pct_short(elapsed(b.as_of, b.rules)),
        start=b.rules.plan_start.isoformat(),
        deadline=b.rules.deadline.isoformat(),
    )


def card_line(b: Board, lang: str = "zh") -> str:
    """'重点任务：x 项按序时推进，y 项滞后（其中 s 项严重滞后），z 项未报送' (completed tasks
    count as on schedule, seriously lagging ones as lagging and are named beside that count, so
    the line and the status pills never seem to disagree: each task once, by its worst unit)."""
    n = tally(b)
    serious = n[TaskStatus.SERIOUSLY_LAGGING]
    return _t(
        "tasks.card.line",
        lang,
        on=n[TaskStatus.ON_SCHEDULE] + n[TaskStatus.COMPLETED],
        behind=n[TaskStatus.LAGGING] + serious,
        serious=_t("tasks.card.seriously", lang, n=serious) if serious else "",
        missing=n[TaskStatus.NOT_REPORTED],
    )


def card_caption(b: Board, lang: str = "zh") -> str:
    n = tally(b)
    extra = ""
    if n[TaskStatus.COMPLETED]:
        extra += _t("tasks.card.completed", lang, n=n[TaskStatus.COMPLETED])
    return extra + _t("tasks.card.caption", lang, date=b.as_of.isoformat(), n=len(b.tasks))


def history_frame(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """A task's reports, every revision (kpi.store.tasks.reports(history=True)), for display:
    period, unit, progress, the three texts, evidence, when, by whom, how, whether it counts."""
    cols = (
        "period",
        "unit",
        "progress",
        "achievements",
        "problems",
        "next_steps",
        "evidence",
        "recorded_at",
        "recorded_by",
        "how",
        "current",
    )
    rows = [
        [
            quarter(from_code(r.period), lang),
            r.unit,
            pct_short(r.progress),
            r.achievements or "",
            r.problems or "",
            r.next_steps or "",
            r.evidence or "",
            pd.Timestamp(r.recorded_at).strftime("%Y-%m-%d %H:%M"),
            r.recorded_by or "",
            _t("tasks.how.demo" if r.is_demo else f"tasks.how.{r.kind}", lang),
            _t("tasks.current.yes" if r.is_current else "tasks.current.no", lang),
        ]
        for r in frame.itertuples()
    ]
    return pd.DataFrame(rows, columns=[_t(f"tasks.col.{c}", lang) for c in cols])


def versions_frame(frame: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Every version of the task list (kpi.store.tasks.task_versions), for display."""
    keys = (
        "version",
        "code",
        "section",
        "title",
        "deliverable",
        "unit",
        "active",
        "changed_at",
        "changed_by",
        "note",
    )
    rows = [
        [
            int(r.id),
            r.code,
            r.section,
            r.title,
            r.deliverable if isinstance(r.deliverable, str) else "",
            "、".join(r.units),
            _t("tasks.active.yes" if r.active else "tasks.active.no", lang),
            pd.Timestamp(r.changed_at).strftime("%Y-%m-%d %H:%M"),
            r.changed_by or "",
            r.note if isinstance(r.note, str) else "",
        ]
        for r in frame.itertuples()
    ]
    return pd.DataFrame(rows, columns=[_t(f"tasks.col.{k}", lang) for k in keys])
