"""Pure arithmetic of the KPIs: ratios, gaps, same-period change, statuses, time elapsed.

No I/O here. Every function returns None where a value is undefined (a zero or missing
denominator, no data) rather than inventing a number. Ratios are fractions (0.0299, not 2.99);
differences of ratios are given in percentage points (百分点) where the name says `_pp`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kpi.model.definitions import Status, TargetKind
from kpi.text.lookup import pick
from kpi.text.numbers import pct, sign
from kpi.text.numbers import pp as _pp
from kpi.text.progress import PROGRESS_TEXT


def pp_words(value: float, lang: str) -> str:
    """Unsigned percentage points as the cards write them (0.06个百分点, 0.06 pp)."""
    return _pp(value, lang, signed=False)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Σ numerator / Σ denominator; None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def change_pp(value: float | None, earlier: float | None) -> float | None:
    """Difference of two fractions in percentage points (0.031 vs 0.030 → 0.1)."""
    if value is None or earlier is None:
        return None
    return (value - earlier) * 100


@dataclass(frozen=True)
class Target:
    """A target as stored in the `targets` table (value a fraction for ratios, a count otherwise)."""

    indicator: str
    kind: TargetKind
    value: float
    comparator: str
    deadline: dt.date
    plan_start: dt.date
    band_pp: float | None = None
    green_pp: float | None = None
    amber_pp: float | None = None
    source: str = ""
    note: str = ""
    # progress analytics (kpi.progress): pp below the glide path still on track / at risk, and
    # the year whose same quarter is the baseline (None: the module's defaults)
    glide_green_pp: float | None = None
    glide_amber_pp: float | None = None
    baseline_year: int | None = None


def shortfall_pp(value: float | None, target: Target) -> float | None:
    """How far below what counts as achieved, in pp (≤ 0 means achieved).

    For a band target the lower edge of the band is what counts; a value above the band has
    exceeded the target and is achieved too.
    """
    if value is None:
        return None
    gap = (target.value - value) * 100
    if target.kind is TargetKind.BAND:
        gap -= target.band_pp or 0.0
    return gap


_PP_TOLERANCE = 1e-9  # percentage points; far below any published precision


def gap_text(value: float | None, target: Target, lang: str = "zh") -> str:
    """The gap in words, by the same rule as the light (`ratio_status`): '距目标 0.06个百分点'
    below a point or floor target, '超出目标 0.36个百分点' at or above it; for a band, inside it
    '在目标区间内（72.00%—74.00%）', below it the distance to its lower edge, above it the
    distance beyond its upper edge. '—' without a value."""
    if value is None:
        return "—"
    band = target.band_pp if target.kind is TargetKind.BAND else None
    return gap_phrase((target.value - value) * 100, target.value, band, lang)


def gap_phrase(gap_pp: float, target_value: float, band_pp: float | None, lang: str = "zh") -> str:
    """`gap_text` from the gap in pp (target − value) and the target: the one place the sentence
    is made (kpi.reports.attention.gap_sentence uses it for entries that carry no gap_text)."""
    if band_pp:
        low, high = pct(target_value - band_pp / 100), pct(target_value + band_pp / 100)
        if gap_pp - band_pp > _PP_TOLERANCE:
            return _gap_sentence("gap.band_below", gap_pp - band_pp, lang, low=low)
        if -gap_pp - band_pp > _PP_TOLERANCE:
            return _gap_sentence("gap.band_above", -gap_pp - band_pp, lang, high=high)
        return pick(PROGRESS_TEXT, "gap.band_within", lang, low=low, high=high)
    if gap_pp > _PP_TOLERANCE:
        return _gap_sentence("gap.below", gap_pp, lang)
    if -gap_pp > _PP_TOLERANCE:
        return _gap_sentence("gap.above", -gap_pp, lang)
    return pick(PROGRESS_TEXT, "gap.on_target", lang)


def _gap_sentence(key: str, gap_pp: float, lang: str, **fields: str) -> str:
    """A gap that is not zero but would be written 0.00 is 'less than 0.01 pp' (the `key`_tiny
    sentence): "距目标 0.00个百分点" beside a light that says the target is not met would read as
    a contradiction."""
    if sign(gap_pp):
        return pick(PROGRESS_TEXT, key, lang, gap=pp_words(gap_pp, lang), **fields)
    return pick(PROGRESS_TEXT, f"{key}_tiny", lang, **fields)


def ratio_status(value: float | None, target: Target) -> Status:
    """Light for a ratio: achieved at or above the target (band: within or above it); else by
    the written thresholds `green_pp` / `amber_pp` on the shortfall."""
    short = shortfall_pp(value, target)
    if short is None:
        return Status.NO_DATA
    # the rules say "≤ threshold": a value exactly on it (3.00 % against 3.15 % and 0.15 pp)
    # must not fall to the worse light through float noise ((0.0315 - 0.03) * 100 > 0.15)
    if short <= _PP_TOLERANCE:
        return Status.ACHIEVED
    if target.green_pp is not None and short <= target.green_pp + _PP_TOLERANCE:
        return Status.ON_TRACK
    if target.amber_pp is not None and short <= target.amber_pp + _PP_TOLERANCE:
        return Status.AT_RISK
    return Status.OFF_TRACK


def ratio_rule(target: Target, lang: str = "zh") -> str:
    """The status rule in words, shown next to every light."""
    t = target.value * 100
    if target.kind is TargetKind.BAND:
        edge = f"{t - (target.band_pp or 0):.2f}%"
        reach = (
            f"达到{edge}（{t:.0f}%±{target.band_pp:g}个百分点区间下沿）及以上为达标"
            if lang == "zh"
            else f"achieved at or above {edge} (lower edge of {t:.0f}% ± {target.band_pp:g} pp)"
        )
    else:
        reach = f"达到{t:.2f}%及以上为达标" if lang == "zh" else f"achieved at or above {t:.2f}%"
    parts = [reach]
    if target.green_pp:
        parts.append(
            f"差距≤{target.green_pp:g}个百分点为正常推进"
            if lang == "zh"
            else f"on track within {target.green_pp:g} pp"
        )
    if target.amber_pp is not None:
        parts.append(
            f"{'' if target.green_pp else '差距'}≤{target.amber_pp:g}个百分点为有风险，其余为滞后"
            if lang == "zh"
            else f"at risk within {target.amber_pp:g} pp, otherwise off track"
        )
    return ("；" if lang == "zh" else "; ").join(parts)


def elapsed_fraction(as_of: dt.date, start: dt.date, deadline: dt.date) -> float:
    """序时进度: share of the time allowed that has gone, clipped to [0, 1]."""
    total = (deadline - start).days
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (as_of - start).days / total))


# Completion relative to time elapsed: ≥ 1 keeps pace; ≥ 0.6 lags; below that is off track.
COUNT_AT_RISK_RATIO = 0.6


def count_status(value: float | None, target: float | None, elapsed: float) -> Status:
    """Light for a count or coverage: achieved at the target; else completion vs 序时进度."""
    if value is None or target is None or target <= 0:
        return Status.NO_DATA
    if value >= target:
        return Status.ACHIEVED
    if elapsed >= 1.0:
        return Status.OFF_TRACK
    completion = value / target
    if elapsed <= 0 or completion >= elapsed:
        return Status.ON_TRACK
    if completion >= COUNT_AT_RISK_RATIO * elapsed:
        return Status.AT_RISK
    return Status.OFF_TRACK


def count_rule(lang: str = "zh") -> str:
    if lang == "zh":
        return "达到目标为达标；完成率≥序时进度为正常推进；≥序时进度的60%为有风险；其余或到期未达标为滞后"
    return (
        "achieved at the target; on track when completion ≥ time elapsed; at risk when ≥ 60% of it; "
        "otherwise (or past the deadline) off track"
    )
