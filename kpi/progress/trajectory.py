"""Progress analytics of the ratio targets: baseline, glide path, pace, catch-up, decomposition,
region contributions. Pure arithmetic; no I/O. The projection to 2027 is in `kpi.progress.projection`.

Units, everywhere in this module:

- values and targets are **fractions** (0.0315, not 3.15);
- differences of fractions are **percentage points** where a name ends in `_pp` (0.001 → 0.1);
- money is **万元**, the unit the statistics are stored in;
- time is **whole years of a same-quarter series** (the Open SDG / Eurostat measure): the
  baseline, the latest value and the target are the same quarter of their years (year-to-date
  ratios are seasonal), so t₀ is the baseline's year, t the latest period's year and T the
  target year (the deadline's year: 2027 for 2027-12-31). A Q1 and a Q4 series with the same
  values therefore get the same path, pace and class: 2024 → 2027 is 3 years in any quarter. A
  same-quarter value of the target year itself is held against the target;
- growth rates (`r`, `r*`) are fractions per year (0.02 = 2 % a year).

Every function returns None where a value is undefined (a missing value, a zero denominator, a
non-positive base for a growth rate, fewer than two points) rather than inventing a number.

The targets are "higher is better" (DOMAIN.md §1): a point target (R&D 3.15 %) and a floor
(new-product ≥ 50 %) count as achieved at or above the value; a band (high-tech ≈ 73 % ± band_pp)
counts as achieved from its lower edge upwards, as in `compute.shortfall_pp`: one rule for the
light, the glide and pace classes and the catch-up (`achieved_from`). The glide path and the pace
aim at the target value itself (73 % for the band); the catch-up money aims at what counts as
achieved (the band's lower edge), so that it never asks for more where the light says achieved.

The JSON keys built from these results (and their texts) are assembled in `kpi.progress.entry`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kpi.model.periods import Period
from kpi.progress.compute import Target

# The plan was published 2025-07-04; its baseline is the year before (a per-target setting,
# `baseline_year` in the targets table; this is the fallback when the setting is empty).
DEFAULT_BASELINE_YEAR = 2024
# Distance below the glide path, in pp, up to which a ratio is on track / at risk (fallbacks for
# targets without `glide_green_pp` / `glide_amber_pp`).
DEFAULT_GLIDE_GREEN_PP = 0.0
DEFAULT_GLIDE_AMBER_PP = 0.5
# Open SDG / Statistics Canada progress measure: r / r* at or above each bound.
PACE_SUBSTANTIAL = 0.95
PACE_MODERATE = 0.60
PACE_LIMITED = 0.0
# Float noise allowed when comparing with a threshold, in pp (as compute.ratio_status): a value
# exactly on a written bound must not fall to the worse light because (0.0315 − 0.03)·100 > 0.15.
_PP_TOL = 1e-9
_TOL = _PP_TOL / 100  # the same, for fractions


class GlideStatus(StrEnum):
    """Light for the distance below the glide path; grey `insufficient_data` when undefined."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    INSUFFICIENT_DATA = "insufficient_data"


class PaceClass(StrEnum):
    """Open SDG / Statistics Canada classes of r / r*, plus 'already achieved' and grey."""

    ACHIEVED = "achieved"
    SUBSTANTIAL = "substantial"  # r / r* ≥ 0.95
    MODERATE = "moderate"  # 0.60 ≤ r / r* < 0.95
    LIMITED = "limited"  # 0 ≤ r / r* < 0.60
    MOVING_AWAY = "moving_away"  # r / r* < 0
    INSUFFICIENT_DATA = "insufficient_data"


# ---------------------------------------------------------------- time


def period_time(period: Period) -> float:
    """The end of a quarter in fractional years: 2024Q3 → 2024.75, 2027Q4 → 2028.0.

    Not the time of a same-quarter series (that counts whole years: `series_time`)."""
    return period.year + period.quarter / 4


def series_time(period: Period) -> int:
    """A period's time in a same-quarter series: its year (2024Q1 and 2024Q4 → 2024)."""
    return period.year


def target_year(target: Target) -> int:
    """The year whose same-quarter values are held against the target: the deadline's year."""
    return target.deadline.year


def target_period(target: Target, quarter: int) -> Period:
    """The same quarter of the target year: where a series of that quarter must reach the target."""
    return Period(target_year(target), quarter)


def period_of(day: dt.date) -> Period:
    """The quarter a date falls in (a deadline of 2027-12-31 → 2027Q4)."""
    return Period(day.year, (day.month - 1) // 3 + 1)


def deadline_period(target: Target) -> Period:
    return period_of(target.deadline)


# ---------------------------------------------------------------- what counts as achieved


def achieved_from(target: Target) -> float:
    """The lowest value (fraction) that counts as achieved: the target, or a band's lower edge."""
    if target.band_pp:
        return target.value - target.band_pp / 100
    return target.value


def is_achieved(value: float | None, target: Target) -> bool | None:
    """Whether a ratio meets its target by the kind's own rule; None when the value is missing.

    point / floor: at or above the value. band: at or above the band's lower edge (a value above
    the band has exceeded the target). count / coverage: at or above the value.
    """
    if value is None:
        return None
    return value >= achieved_from(target) - _TOL


# ---------------------------------------------------------------- baseline and glide path


@dataclass(frozen=True)
class Baseline:
    """The same-quarter value the glide path and the pace start from."""

    period: Period
    value: float
    setting_year: int  # the baseline year asked for
    fallback: bool  # True when the asked-for year had no value and another year was used


def choose_baseline(
    values: Mapping[Period, float | None], period: Period, baseline_year: int = DEFAULT_BASELINE_YEAR
) -> Baseline | None:
    """The baseline for `period`: the same quarter of `baseline_year` when it has a value.

    Year-to-date ratios are seasonal, so only the same quarter qualifies. When the baseline year
    has no value, the same-quarter value nearest to it (ties: the later one, since the usual reason
    is that the data start after the baseline year) up to `period` is used and `fallback` is set.
    None when no same-quarter value exists up to `period`.
    """
    same = {
        p.year: v for p, v in values.items() if p.quarter == period.quarter and p <= period and v is not None
    }
    if not same:
        return None
    if baseline_year in same:
        year, fallback = baseline_year, False
    else:
        year = min(same, key=lambda y: (abs(y - baseline_year), -y))
        fallback = True
    return Baseline(Period(year, period.quarter), same[year], baseline_year, fallback)


def time_elapsed(base_period: Period, deadline: Period, period: Period) -> float | None:
    """(t − t₀)/(T − t₀) in whole years of a same-quarter series (t₀ the baseline's year, t the
    period's, T the deadline's), clipped to [0, 1] after the target year; None before the
    baseline or when the baseline is in or after the target year."""
    span = series_time(deadline) - series_time(base_period)
    if span <= 0 or period < base_period:
        return None
    return min(1.0, (series_time(period) - series_time(base_period)) / span)


def glide_expected(
    base: float | None, base_period: Period, target: float, deadline: Period, period: Period
) -> float | None:
    """Where the ratio should be at `period` on the straight line from the baseline to the target.

    expected(t) = base + (target − base)·(t − t₀)/(T − t₀), fractions, t in fractional years. Equal
    to `base` at the baseline and to `target` from the deadline on. A baseline already at or above
    the target gives a flat path at the target (what is met must be kept). None when the base is
    missing, the period precedes the baseline, or the baseline is not before the deadline.
    """
    if base is None:
        return None
    if base >= target:
        return target if period >= base_period else None
    share = time_elapsed(base_period, deadline, period)
    if share is None:
        return None
    if share >= 1.0:
        return target
    return base + (target - base) * share


def progress_fraction(base: float | None, latest: float | None, target: float) -> float | None:
    """Share of the way from the baseline to the target covered: 0 at the base, 1 at the target.

    (latest − base)/(target − base); negative when moving away, above 1 beyond the target. None
    when a value is missing or the base equals the target (no way to cover).
    """
    if base is None or latest is None or target == base:
        return None
    return (latest - base) / (target - base)


def glide_thresholds(target: Target) -> tuple[float, float]:
    """(green_pp, amber_pp): pp below the glide path still on track / at risk."""
    green = DEFAULT_GLIDE_GREEN_PP if target.glide_green_pp is None else target.glide_green_pp
    amber = DEFAULT_GLIDE_AMBER_PP if target.glide_amber_pp is None else target.glide_amber_pp
    return green, max(green, amber)


def glide_status(
    latest: float | None, expected: float | None, target: Target, headline: float | None = None
) -> GlideStatus:
    """Achieved by the kind's rule; else by the distance below the path (pp) against the target's
    `glide_green_pp` / `glide_amber_pp`; grey when the value or the path is missing.

    `headline` (default `latest`) is the figure whose achievement counts: the scope's own figure,
    where `latest` is the same period on the baseline's basis (kpi.progress.basis)."""
    if latest is None:
        return GlideStatus.INSUFFICIENT_DATA
    if is_achieved(latest if headline is None else headline, target):
        return GlideStatus.ACHIEVED
    if expected is None:
        return GlideStatus.INSUFFICIENT_DATA
    distance = (expected - latest) * 100
    green, amber = glide_thresholds(target)
    if distance <= green + _PP_TOL:
        return GlideStatus.ON_TRACK
    if distance <= amber + _PP_TOL:
        return GlideStatus.AT_RISK
    return GlideStatus.OFF_TRACK


@dataclass(frozen=True)
class Glide:
    expected: float | None  # fraction on the path at the period
    distance_pp: float | None  # pp below the path; negative = ahead of it
    time_elapsed: float | None  # (t − t₀)/(T − t₀)
    progress: float | None  # (latest − base)/(target − base)
    status: GlideStatus
    green_pp: float
    amber_pp: float
    # the thresholds that made the light at risk / off track: 'glide_green_pp', 'glide_amber_pp'
    crossed: tuple[str, ...]


def assess_glide(
    baseline: Baseline | None,
    latest: float | None,
    period: Period,
    target: Target,
    headline: float | None = None,
) -> Glide:
    """Glide path, distance and light for one period.

    The light is grey (`insufficient_data`) at the baseline period itself (a series with one
    point: nothing has moved yet), unless the value already counts as achieved. `headline`: as
    in `glide_status` (the distance is measured with `latest`, on the baseline's basis).
    """
    deadline = deadline_period(target)
    green, amber = glide_thresholds(target)
    base = baseline.value if baseline else None
    expected = glide_expected(base, baseline.period, target.value, deadline, period) if baseline else None
    distance = None if expected is None or latest is None else (expected - latest) * 100
    # at the baseline itself there is no progress to judge yet: grey unless already achieved
    status = glide_status(
        latest, expected if baseline and baseline.period < period else None, target, headline
    )
    crossed = tuple(
        name
        for name, bound in (("glide_green_pp", green), ("glide_amber_pp", amber))
        if status in (GlideStatus.AT_RISK, GlideStatus.OFF_TRACK)
        and distance is not None
        and distance > bound + _PP_TOL
    )
    return Glide(
        expected=expected,
        distance_pp=distance,
        time_elapsed=time_elapsed(baseline.period, deadline, period) if baseline else None,
        progress=progress_fraction(base, latest, target.value),
        status=status,
        green_pp=green,
        amber_pp=amber,
        crossed=crossed,
    )


# ---------------------------------------------------------------- pace (Open SDG / StatCan)


def annual_growth(start: float | None, end: float | None, years: float) -> float | None:
    """Compound growth per year from `start` to `end` over `years`: (end/start)^(1/years) − 1.

    None when a value is missing, `start` ≤ 0, `end` < 0 or `years` ≤ 0.
    """
    if start is None or end is None or start <= 0 or end < 0 or years <= 0:
        return None
    return (end / start) ** (1 / years) - 1


def classify_pace(ratio: float) -> PaceClass:
    """r / r* → class, bounds 0.95 / 0.60 / 0 (each bound belongs to the better class)."""
    if ratio >= PACE_SUBSTANTIAL:
        return PaceClass.SUBSTANTIAL
    if ratio >= PACE_MODERATE:
        return PaceClass.MODERATE
    if ratio >= PACE_LIMITED:
        return PaceClass.LIMITED
    return PaceClass.MOVING_AWAY


@dataclass(frozen=True)
class Pace:
    r: float | None  # observed growth per year, fraction
    r_star: float | None  # required growth per year, fraction
    ratio: float | None  # r / r*
    pace_class: PaceClass


def pace(
    base: float | None,
    base_t: float,
    latest: float | None,
    latest_t: float,
    target: float,
    deadline_t: float,
    *,
    achieved_at: float | None = None,
    headline: float | None = None,
) -> Pace:
    """The Open SDG / Statistics Canada progress measure on same-period values.

    r* = (target/base)^(1/(T − t₀)) − 1, r = (latest/base)^(1/(t − t₀)) − 1, times in years
    (whole years of a same-quarter series: `series_time`, `target_year`). `achieved_at` (default: the target) is where the target counts as met: at or above it
    the class is `achieved`, whatever r is. A base already at or above the target with a latest
    value below it is `moving_away` (ratio None: r* ≤ 0 has no meaningful quotient). Grey
    (`insufficient_data`) when a value is missing, the base is not positive, or no time has passed
    since the baseline (a series with one point). `headline` (default `latest`): the figure whose
    achievement counts, where `latest` is on the baseline's basis (kpi.progress.basis).
    """
    line = target if achieved_at is None else achieved_at
    r_star = annual_growth(base, target, deadline_t - base_t)
    r = annual_growth(base, latest, latest_t - base_t)
    ratio = r / r_star if r is not None and r_star is not None and r_star > 0 else None
    judged = latest if headline is None else headline
    if latest is not None and judged is not None and judged >= line - _TOL:
        return Pace(r, r_star, ratio, PaceClass.ACHIEVED)
    if r is None or r_star is None:
        return Pace(r, r_star, None, PaceClass.INSUFFICIENT_DATA)
    if ratio is None:  # base at or above the target, latest below it
        return Pace(r, r_star, None, PaceClass.MOVING_AWAY)
    return Pace(r, r_star, ratio, classify_pace(ratio))


# ---------------------------------------------------------------- catch-up


def required_annual_growth(
    latest: float | None, latest_t: float, target: float, deadline_t: float
) -> float | None:
    """Growth per year (fraction) now needed to reach `target` by the deadline: (target/latest)^(1/(T − t)) − 1.

    Negative or zero when the latest value is already at or above the target. None when the
    latest value is missing or not positive, or the deadline has passed.
    """
    return annual_growth(latest, target, deadline_t - latest_t)


def required_pp_per_year(
    latest: float | None, latest_t: float, target: float, deadline_t: float
) -> float | None:
    """The same as a straight line: pp per year still to gain, (target − latest)·100/(T − t)."""
    years = deadline_t - latest_t
    if latest is None or years <= 0:
        return None
    return (target - latest) * 100 / years
