"""One line that says why a card's light is what it is, from the same status entry (issue 14:
the card keeps value, target, gap, status, 同比 and this line; the long rule moves behind the
"依据与测算" panel). No streamlit: tested without a page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kpi.model.definitions import Status
from kpi.reports.attention import gap_sentence
from kpi.text import numbers
from kpi.text.dashboard import UI_TEXT
from kpi.text.lookup import pick


def ratio_reason(entry: Mapping[str, Any], lang: str = "zh") -> str:
    """A ratio card's reason: where the glide path sets the light, how far the value is from the
    path's value now (and the tolerance that keeps it on track); achieved: that; else the gap."""
    status = entry.get("status")
    if status == Status.INCOMPLETE:  # who has reported, and that the light waits for the rest
        return str(entry.get("status_rule") or pick(UI_TEXT, "reason.no_data", lang))
    if status == Status.NO_DATA or entry.get("value") is None:
        return pick(UI_TEXT, "reason.no_data", lang)
    if status == Status.ACHIEVED:
        return pick(UI_TEXT, "reason.achieved", lang)
    glide = entry.get("glide") or {}
    if entry.get("status_basis") == "glide_path" and glide.get("expected") is not None:
        distance = glide.get("distance_pp")
        expected = numbers.pct(glide["expected"])
        side = numbers.sign(distance) if distance is not None else 0
        if side == 0:  # as written: 0.00 is on the path
            return pick(UI_TEXT, "reason.glide_on", lang, expected=expected)
        written = numbers.pp(abs(distance), lang, signed=False)
        if side < 0:
            return pick(UI_TEXT, "reason.glide_above", lang, expected=expected, distance=written)
        green = numbers.pp(glide.get("green_pp"), lang, signed=False)
        return pick(UI_TEXT, "reason.glide_below", lang, expected=expected, distance=written, green=green)
    return gap_sentence(entry.get("gap_pp"), lang, entry)


def count_reason(entry: Mapping[str, Any], lang: str = "zh") -> str | None:
    """A count card's reason: completion beside 序时进度 (the two numbers its light compares), or
    None where the count has no target (a county's counts)."""
    if entry.get("elapsed") is None or entry.get("target") is None:
        return None
    return pick(
        UI_TEXT,
        "card.progress",
        lang,
        completion=numbers.pct(entry.get("completion"), 0),
        elapsed=numbers.pct(entry["elapsed"], 0),
    )
