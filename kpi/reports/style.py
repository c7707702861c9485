"""How a status looks wherever it is drawn (pages, brief, exports): an Okabe–Ito colour and a
symbol, always beside the status's word (kpi.text.labels), never colour alone. The colours are
dark enough for white text on them (the page's pills, the brief's print)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from kpi.model.definitions import Status
from kpi.progress.tasks import TaskStatus
from kpi.text import numbers
from kpi.text.labels import LABELS
from kpi.text.lookup import pick

STATUS_STYLE: dict[str, tuple[str, str]] = {  # colour, symbol
    Status.ACHIEVED: ("#0072B2", "✔"),
    Status.ON_TRACK: ("#009E73", "●"),
    Status.AT_RISK: ("#B07800", "▲"),
    Status.OFF_TRACK: ("#D55E00", "✖"),
    Status.NO_DATA: ("#777777", "○"),
    Status.NO_TARGET: ("#777777", "–"),
    Status.INCOMPLETE: ("#777777", "◔"),
}
UNKNOWN_STYLE = ("#777777", "?")


def status_word(status: str, lang: str = "zh") -> str:
    return pick(LABELS, f"status.{status}", lang)


def status_text(status: str, lang: str = "zh") -> str:
    """Symbol and word: '✔ 达标'."""
    return f"{STATUS_STYLE.get(status, UNKNOWN_STYLE)[1]} {status_word(status, lang)}"


def status_colour(status: str) -> str:
    return STATUS_STYLE.get(status, UNKNOWN_STYLE)[0]


# ---------------------------------------------------------------- a same-period change


@dataclass(frozen=True)
class Change:
    """A same-period change (同比, in pp) as every display writes it. The arrow and the word follow
    the sign of the number as written (-0.004 is 0.00: no arrow, 持平), never the first character
    of a sentence; the colour says better (green) or worse (red) for the indicator."""

    text: str  # the signed number: "+0.59个百分点", "-0.28 pp", "0.00个百分点"
    arrow: str  # st.metric's delta_arrow: "up", "down" or "off"
    colour: str  # st.metric's delta_color: "green" (better), "red" (worse) or "gray"
    sentence: str  # "同比下降0.28个百分点" / "down 0.28 pp on a year earlier"
    label: str  # "同比" / "y/y", written after the number


def change(
    change_pp: float | None, lang: str = "zh", *, higher_is_better: bool = True, digits: int = 2
) -> Change | None:
    """The change of `change_pp` percentage points; None where there is no change to show."""
    if change_pp is None or (isinstance(change_pp, float) and math.isnan(change_pp)):
        return None
    sign = numbers.sign(change_pp, digits)
    size = numbers.pp(abs(change_pp), lang, digits, signed=False)
    if sign == 0:
        arrow, colour, sentence = "off", "gray", pick(LABELS, "change.flat", lang)
    else:
        better = (sign > 0) == higher_is_better
        arrow = "up" if sign > 0 else "down"
        colour = "green" if better else "red"
        sentence = pick(LABELS, f"change.{arrow}", lang, n=size)
    label = pick(LABELS, "change.short", lang)
    return Change(numbers.pp(change_pp, lang, digits), arrow, colour, sentence, label)


# the plan's tasks (kpi.progress.tasks.TaskStatus): the same colours for the same meaning, and a
# reddish purple for a missing report (worse than a lag of 10–30 pp, better than one above 30)
TASK_STATUS_STYLE: dict[str, tuple[str, str]] = {  # colour, symbol
    TaskStatus.COMPLETED: ("#0072B2", "✔"),
    TaskStatus.ON_SCHEDULE: ("#009E73", "●"),
    TaskStatus.LAGGING: ("#B07800", "▲"),
    TaskStatus.SERIOUSLY_LAGGING: ("#D55E00", "✖"),
    TaskStatus.NOT_REPORTED: ("#8E4585", "○"),
}


def task_status_word(status: str, lang: str = "zh") -> str:
    return pick(LABELS, f"task_status.{status}", lang)


def task_status_text(status: str, lang: str = "zh") -> str:
    """Symbol and word: '▲ 滞后'."""
    return f"{TASK_STATUS_STYLE.get(status, UNKNOWN_STYLE)[1]} {task_status_word(status, lang)}"


def task_status_colour(status: str) -> str:
    return TASK_STATUS_STYLE.get(status, UNKNOWN_STYLE)[0]
