"""What needs the task force's attention in one scope and period: the indicators at risk or off
track, each with why in one sentence, and the units below a ratio target. Built from the same
status object and ranking that the cards and charts show, so the list cannot disagree with them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi.model.definitions import RATIOS, Status, TargetKind
from kpi.progress import compute, trajectory
from kpi.progress.compute import Target
from kpi.reports.charts import SHOW_ALL_UP_TO, SHOW_EACH
from kpi.text import numbers
from kpi.text.dashboard import UI_TEXT
from kpi.text.lookup import pick
from kpi.text.progress import PROGRESS_TEXT
from kpi.text.ranking import RANKING_TEXT

BELOW = "below_target"  # an item naming the units below a ratio target


@dataclass(frozen=True)
class Attention:
    kind: str  # the indicator's status (at_risk, off_track), or BELOW
    indicator: str
    label: str  # the indicator's name
    reason: str  # one sentence in the chosen language


def _join(items: list[str], lang: str) -> str:
    return (", " if lang == "en" else "、").join(items)


def gap_sentence(gap_pp: float | None, lang: str, entry: Mapping[str, Any] | None = None) -> str:
    """How far the value is from its target, in words that agree with the light beside it.

    The status's own `gap_text` where the entry has one; else the same sentence made from the
    gap by the same function (kpi.progress.compute.gap_phrase): '距目标 0.06个百分点',
    '超出目标 0.36个百分点', '恰好达到目标', 'less than 0.01' where two decimals would write 0.00;
    a band target (an `entry` with band_pp and target) from the band's edges, as its light.
    """
    if entry and entry.get("gap_text"):  # the status's own sentence (kpi.progress.compute.gap_text)
        return str(entry["gap_text"])
    if gap_pp is None or pd.isna(gap_pp):
        return numbers.DASH
    target = (entry or {}).get("target")
    band = (entry or {}).get("band_pp") if target is not None else None
    return compute.gap_phrase(float(gap_pp), float(target or 0.0), band, lang)


def achieved_line(target: Target) -> float:
    """What counts as achieved (trajectory.achieved_from): the target, or a band's lower edge."""
    return trajectory.achieved_from(target)


def achieved_words(target: Target, lang: str) -> str:
    """'3.15%', or for a band '72.00%（73%±1个百分点区间下沿）'."""
    if target.kind is TargetKind.BAND and target.band_pp:
        return pick(
            PROGRESS_TEXT,
            "band.edge",
            lang,
            edge=numbers.pct(achieved_line(target)),
            centre=f"{target.value * 100:g}%",
            band=f"{target.band_pp:g}",
        )
    return numbers.pct(target.value)


def uncovered_sentence(names: list[str], lang: str) -> str:
    """'未覆盖：…'; the first few when many clusters lack a platform."""
    if len(names) <= SHOW_ALL_UP_TO:
        return pick(UI_TEXT, "card.uncovered", lang, names=_join(names, lang))
    return pick(
        RANKING_TEXT, "ranking.uncovered_many", lang, n=len(names), names=_join(names[:SHOW_EACH], lang)
    )


def units_below_sentence(low: pd.DataFrame, target: str, names: Mapping[str, str], lang: str) -> str:
    """'低于目标3.15%的单位：…', lowest first; the lowest few when there are many."""
    codes = low.sort_values("value", kind="stable")["region"].astype(str).tolist()
    if len(codes) <= SHOW_ALL_UP_TO:
        listed = _join([names.get(c, c) for c in codes], lang)
        return pick(UI_TEXT, "overview.units_below", lang, target=target, names=listed)
    lowest = [names.get(c, c) for c in codes[:SHOW_EACH]]
    return pick(
        RANKING_TEXT,
        "ranking.units_below_many",
        lang,
        target=target,
        n=len(codes),
        k=len(lowest),
        names=_join(lowest, lang),
    )


def why(code: str, entry: Mapping[str, Any], lang: str) -> str:
    """Why an indicator has its light: the gap and what lies behind it, for a ratio; the clusters
    without a platform, for coverage; the count against its target, for the platform counts."""
    if "gap_pp" in entry and entry["gap_pp"] is not None:
        parts = [gap_sentence(entry["gap_pp"], lang, entry)]
        for extra in (entry.get("decomposition"), entry.get("catch_up")):
            if extra and extra.get("text"):
                parts.append(extra["text"])
        return ("，" if lang != "en" else ", ").join(parts)
    if code == "cluster_coverage":
        return uncovered_sentence(entry["uncovered_names"], lang)
    target = numbers.DASH if entry["target"] is None else f"{entry['target']:g}"
    return pick(UI_TEXT, "card.count", lang, value=entry["value"], target=target)


def attention_items(
    status: Mapping[str, Any],
    ranking: pd.DataFrame,
    targets: Mapping[str, Target],
    names: Mapping[str, str],
    lang: str = "zh",
) -> list[Attention]:
    """The indicators at risk or off track (in the status's order), then per ratio the units
    whose value in `ranking` is below what counts as achieved (the target, or a band's lower
    edge: the rule of the light, so that no unit with an achieved light is listed)."""
    ind = status["indicators"]
    items = [
        Attention(entry["status"], code, entry["label"], why(code, entry, lang))
        for code, entry in ind.items()
        if entry["status"] in (Status.AT_RISK, Status.OFF_TRACK)
    ]
    for r in RATIOS:
        target = targets[r.code]
        low = units_below(ranking[ranking["indicator"] == r.code], target)
        if not low.empty:
            reason = units_below_sentence(low, target_words(target, lang), names, lang)
            items.append(Attention(BELOW, r.code, ind[r.code]["label"], reason))
    return items


def units_below(frame: pd.DataFrame, target: Target) -> pd.DataFrame:
    """The rows (region, value) whose value does not count as achieved by the target's own rule
    (a band: below its lower edge), so a unit listed here never has an achieved light for reaching
    the target; rows without a value are not listed."""
    below = [
        trajectory.is_achieved(None if pd.isna(v) else float(v), target) is False for v in frame["value"]
    ]
    return frame[below]


def target_words(target: Target, lang: str) -> str:
    """What a unit has to reach: '3.15%', or for a band '区间下沿72.00%'."""
    if target.kind is TargetKind.BAND and target.band_pp:
        return pick(UI_TEXT, "target.band_edge", lang, edge=numbers.pct(trajectory.achieved_from(target)))
    return numbers.pct(target.value)
