"""The reporting calendar as a table a person reads: units down, quarters across (newest first),
each cell the status's symbol and word and the number of values; the due day of each quarter in
the first row. Built here without Streamlit (kpi.ui.calendar draws it)."""

from __future__ import annotations

import pandas as pd

from kpi.engine.calendar import Cell, CellStatus
from kpi.model.periods import from_code
from kpi.text.lookup import pick
from kpi.text.vintages import VINTAGE_TEXT

# colour (white text on it) and symbol; the word is the meaning, colour and symbol help
CALENDAR_STYLE: dict[str, tuple[str, str]] = {
    CellStatus.RECEIVED: ("#009E73", "✔"),
    CellStatus.REVISED: ("#0072B2", "↻"),
    CellStatus.MISSING: ("#777777", "…"),
    CellStatus.LATE: ("#D55E00", "✖"),
}


def cell_text(cell: Cell, lang: str = "zh") -> str:
    symbol = CALENDAR_STYLE[cell.status][1]
    word = pick(VINTAGE_TEXT, f"calendar.status.{cell.status.value}", lang)
    return pick(VINTAGE_TEXT, "calendar.cell", lang, symbol=symbol, word=word, values=cell.values or "")


def matrix_frames(cells: list[Cell], lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the table's text, each cell's status or '' for the due row), same shape: index the units'
    names with the due row first, columns the periods as labelled, in the cells' order."""
    periods = list(dict.fromkeys(c.period for c in cells))
    units = list(dict.fromkeys(c.name for c in cells))
    due_row = pick(VINTAGE_TEXT, "calendar.due_row", lang)
    text: dict[str, dict[str, str]] = {p: {due_row: ""} for p in periods}
    status: dict[str, dict[str, str]] = {p: {due_row: ""} for p in periods}
    for c in cells:
        text[c.period][due_row] = c.due.isoformat()
        text[c.period][c.name] = cell_text(c, lang)
        status[c.period][c.name] = c.status.value
    index = [due_row, *units]
    labels = {p: from_code(p).label(lang) for p in periods}
    frames = []
    for table in (text, status):
        frame = pd.DataFrame({labels[p]: [table[p].get(i, "") for i in index] for p in periods}, index=index)
        frame.index.name = pick(VINTAGE_TEXT, "calendar.col.unit", lang)
        frames.append(frame)
    return frames[0], frames[1]


def due_days(cells: list[Cell]) -> int | None:
    """Days from a quarter's end to its due day, as the cells carry it (None without cells)."""
    if not cells:
        return None
    return (cells[0].due - from_code(cells[0].period).end_date).days


def cell_css(status: str) -> str:
    """The CSS of one cell of the table (the due row and empty cells: none)."""
    if status not in CALENDAR_STYLE:
        return ""
    return f"background-color: {CALENDAR_STYLE[status][0]}; color: white"
