"""How a status looks wherever it is drawn (pages, brief, exports): an Okabe–Ito colour and a
symbol, always beside the status's word (kpi.text.labels), never colour alone. The colours are
dark enough for white text on them (the page's pills, the brief's print)."""

from __future__ import annotations

from kpi.model.definitions import Status
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
