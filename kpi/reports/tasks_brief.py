"""The brief's section on the plan's tasks (重点任务推进): the overview's one line, then the tasks
that are behind or unreported, worst first, each with the units holding it back. Two or three
lines, so that the brief stays one page; the same board as `kpi tasks` and the 任务督办 page."""

from __future__ import annotations

import datetime as dt
from html import escape

import duckdb

from kpi.model import roles
from kpi.progress.tasks import BEHIND, SEVERITY
from kpi.reports import tasks_view
from kpi.reports.style import task_status_text
from kpi.tasks import board
from kpi.tasks.board import Board

SHOWN = 4  # tasks named in the brief; the rest are counted


def gather(
    con: duckdb.DuckDBPyConnection, *, today: dt.date | None = None, viewer: roles.Viewer | None = None
) -> Board:
    """The board on the brief's day, as the viewer may see it."""
    return board.board(con, today, viewer=viewer)


def behind_line(b: Board) -> str:
    """'需督办：二(一)2 ✖ 严重滞后（1 个单位）、…等 9 项。' (worst first), or '' when none is behind."""
    late = sorted((t for t in b.tasks if t.status in BEHIND), key=lambda t: (-SEVERITY[t.status], t.code))
    parts = [
        f"{t.code} {task_status_text(t.status)}（{sum(u.state.status in BEHIND for u in t.units)}个单位）"
        for t in late[:SHOWN]
    ]
    if not parts:
        return ""
    more = f"等 {len(late)} 项" if len(late) > SHOWN else ""
    return "需督办：" + "、".join(parts) + more + "，详见驾驶舱“任务督办”页。"


def section(b: Board) -> str:
    """The section's HTML (every value escaped): a heading and one paragraph of two lines."""
    line = tasks_view.card_line(b, "zh") + "。"
    text = line + behind_line(b)
    demo = "【演示数据】" if b.demo else ""
    return (
        f"<h2>重点任务推进（截至{escape(b.as_of.isoformat())}，按各任务最差的责任单位计）{demo}</h2>\n"
        f'<div class="sub">{escape(text)}</div>'
    )
