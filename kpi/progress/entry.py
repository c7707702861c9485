"""The progress keys of a ratio indicator in `kpi status --json`, with the work shown.

`enrich` turns one scope's per-period sums into the keys `baseline`, `glide`, `pace`,
`pace_ratio`, `pace_class`, `catch_up`, `decomposition`, `projection`, `work` and (when the
nine units are passed) `region_contributions`. The arithmetic is in `kpi.progress` and
`kpi.progress.projection`; this module only picks the inputs, calls it, and writes the words.

Units as in `kpi.progress`: fractions, pp, 万元, whole years of a same-quarter series.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from kpi.model.definitions import RATIO, TargetKind
from kpi.model.periods import Period, from_code
from kpi.progress import basis, trajectory
from kpi.progress import gaps as progress_gaps
from kpi.progress.compute import Target
from kpi.progress.projection import SamePeriodChange, project
from kpi.progress.work import field_label, money_text, pct_text, pp_text, work
from kpi.text.lookup import pick
from kpi.text.progress import PROGRESS_TEXT

GLIDE_FORMULA = "expected(t) = base + (target − base) × (t − t₀) / (T − t₀)"
PACE_FORMULA = (
    "r = (latest / base)^(1 / (t − t₀)) − 1;  r* = (target / base)^(1 / (T − t₀)) − 1;  ratio = r / r*"
)
CATCH_UP_FORMULA = "extra = target × denominator − numerator;  growth = (target / latest)^(1 / (T − t)) − 1"
DECOMPOSITION_FORMULA = (
    "numerator effect = ½(n₁ − n₀)(1/d₀ + 1/d₁);  denominator effect = ½(n₀ + n₁)(1/d₁ − 1/d₀)"
)


@functools.lru_cache(maxsize=1024)
def _period(code: str) -> Period:
    """from_code, once per code (a status reads every period of the series for each ratio)."""
    return from_code(code)


def _value(row: Mapping[str, Any] | None) -> float | None:
    return basis.ratio(row)


def enrich(
    by_period: Mapping[str, Mapping[str, Any]],
    target: Target,
    period: Period,
    *,
    lang: str = "zh",
    units: Sequence[tuple[str, float | None, float | None]] | None = None,
) -> dict[str, Any]:
    """The progress keys for one ratio in one scope at `period`.

    `by_period` is `engine.sums.pick_fast` for the scope: period code → numerator, denominator
    (万元), basis, complete, uploads. Periods after `period` are ignored (the answer for a past
    period uses only what was known up to it), and so are incomplete ones (a sum over the units
    that have reported so far is not the scope's figure). `units` — (region, numerator,
    denominator) for the nine units at `period` — adds `region_contributions` (city scope only).

    Time counts whole years of the same-quarter series (`trajectory.series_time`). Where the
    baseline stands on another basis than the latest value (the city's own row in one, the sum of
    the units in the other) both are compared on the sum of the units where both have it
    (kpi.progress.basis); the light's "achieved" still follows the scope's own figure.
    """
    upto = period.code  # codes `YYYYQn` sort as the periods do
    rows = {_period(c): r for c, r in by_period.items() if c <= upto and r.get("complete", True)}
    values = {p: _value(r) for p, r in rows.items()}
    now = rows.get(period)
    latest = values.get(period)
    deadline = trajectory.deadline_period(target)
    big_t = trajectory.target_year(target)
    t = trajectory.series_time(period)
    chosen = trajectory.choose_baseline(
        values, period, target.baseline_year or trajectory.DEFAULT_BASELINE_YEAR
    )
    base_align = basis.align(now, rows[chosen.period]) if chosen else basis.align(now, None)
    baseline = chosen
    compared = latest  # the latest value on the baseline's basis
    if chosen is not None and now is not None:
        base_value = basis.ratio(base_align.before)
        compared = basis.ratio(base_align.now)
        if base_value is not None:
            baseline = trajectory.Baseline(chosen.period, base_value, chosen.setting_year, chosen.fallback)
    glide = trajectory.assess_glide(baseline, compared, period, target, headline=latest)
    base_t = trajectory.series_time(baseline.period) if baseline else t
    pace = trajectory.pace(
        baseline.value if baseline else None,
        base_t,
        compared,
        t,
        target.value,
        big_t,
        achieved_at=trajectory.achieved_from(target),
        headline=latest,
    )
    prev_align = basis.align(now, rows.get(period.previous_year()))
    out: dict[str, Any] = {
        "baseline": _baseline(baseline, rows, base_align, lang),
        "baseline_basis": base_align.before_basis if baseline else None,
        "glide": _glide(glide, deadline, target, period),
        "pace": _pace(pace, baseline, period, target),
        "pace_ratio": pace.ratio,
        "pace_class": pace.pace_class.value,
        "catch_up": _catch_up(now, latest, t, target, big_t, lang),
        "decomposition": _decomposition(prev_align, period, target, lang),
        "projection": _projection(values, prev_align, period, target, lang),
    }
    out["work"] = work(
        baseline,
        rows,
        period,
        compared,
        target,
        deadline,
        glide,
        pace,
        lang,
        basis.note(base_align, lang, "baseline"),
    )
    if units is not None:
        out["region_contributions"] = _contributions(units, target, now)
    return out


def _baseline(
    baseline: trajectory.Baseline | None,
    rows: Mapping[Period, Any],
    aligned: basis.Aligned,
    lang: str,
) -> dict[str, Any] | None:
    if baseline is None:
        return None
    row = aligned.before if aligned.before is not None else rows[baseline.period]
    if baseline.fallback:
        note = (
            f"{baseline.setting_year}年同期无数据，以{baseline.period.label('zh')}为基期"
            if lang == "zh"
            else f"no value for the same period of {baseline.setting_year}; "
            f"{baseline.period.label('en')} is used as the baseline"
        )
    else:
        note = (
            f"基期：{baseline.setting_year}年同期（{baseline.period.label('zh')}）"
            if lang == "zh"
            else f"baseline: the same period of {baseline.setting_year} ({baseline.period.label('en')})"
        )
    return {
        "period": baseline.period.code,
        "value": baseline.value,
        "numerator": row["numerator"],
        "denominator": row["denominator"],
        "setting_year": baseline.setting_year,
        "fallback": baseline.fallback,
        "note": note,
        # the basis the baseline is compared on, and a sentence where it is not the latest
        # figure's own basis (or the two could not be put on one)
        "basis": aligned.before_basis,
        "basis_consistent": aligned.consistent,
        "basis_note": basis.note(aligned, lang, "baseline"),
        "uploads": list(row.get("uploads") or []),
    }


def _glide(glide: trajectory.Glide, deadline: Period, target: Target, period: Period) -> dict[str, Any]:
    return {
        "expected": glide.expected,
        "distance_pp": glide.distance_pp,
        "time_elapsed": glide.time_elapsed,
        "progress": glide.progress,
        "status": glide.status.value,
        "green_pp": glide.green_pp,
        "amber_pp": glide.amber_pp,
        "crossed": list(glide.crossed),
        "deadline_period": deadline.code,
        # where a series of this quarter must reach the target: the same quarter of the target year
        "target_period": trajectory.target_period(target, period.quarter).code,
        "time_rule": "whole years of the same-quarter series",
        "formula": GLIDE_FORMULA,
    }


def _pace(
    pace: trajectory.Pace, baseline: trajectory.Baseline | None, period: Period, target: Target
) -> dict[str, Any]:
    t0 = trajectory.series_time(baseline.period) if baseline else None
    return {
        "r": pace.r,
        "r_star": pace.r_star,
        "ratio": pace.ratio,
        "class": pace.pace_class.value,
        "years_elapsed": None if t0 is None else trajectory.series_time(period) - t0,
        "years_allowed": None if t0 is None else trajectory.target_year(target) - t0,
        "thresholds": {
            "substantial": trajectory.PACE_SUBSTANTIAL,
            "moderate": trajectory.PACE_MODERATE,
            "limited": trajectory.PACE_LIMITED,
        },
        "formula": PACE_FORMULA,
    }


def _catch_up(
    now: Mapping[str, Any] | None,
    latest: float | None,
    t: float,
    target: Target,
    big_t: float,
    lang: str,
) -> dict[str, Any]:
    """What it takes to reach what counts as achieved (`trajectory.achieved_from`): the target,
    or a band's lower edge. One rule with the light: `met` is True exactly where the value counts
    as achieved, and no sentence asks for more there. Growth and pp per year aim at the same line,
    over the whole years left to the target year (none left: None)."""
    ratio = RATIO[target.indicator]
    num_label = field_label(ratio.numerator, lang)
    den_label = field_label(ratio.denominator, lang)
    line = trajectory.achieved_from(target)
    extra = progress_gaps.catch_up_money(now["numerator"], now["denominator"], line) if now else None
    met = None if extra is None else bool(trajectory.is_achieved(latest, target))
    growth = trajectory.required_annual_growth(latest, t, line, big_t)
    per_year = trajectory.required_pp_per_year(latest, t, line, big_t)
    band = target.band_pp if target.kind is TargetKind.BAND and target.band_pp else None
    words = {
        "low": pct_text(line),
        "high": pct_text(target.value + (band or 0) / 100),
        "centre": f"{target.value * 100:g}%",
        "band": f"{band or 0:g}",
        "num": num_label,
        "den": den_label,
    }
    if extra is None:
        text = "数据不足" if lang == "zh" else "insufficient data"
    elif met and band:
        above = latest is not None and latest > target.value + band / 100 + 1e-12
        text = pick(PROGRESS_TEXT, "catch_up.band_above" if above else "catch_up.band_met", lang, **words)
    elif met:
        text = (
            f"已达到{pct_text(target.value)}，按当前{den_label}超出{money_text(max(0.0, -extra))}万元{num_label}"
            if lang == "zh"
            else f"{pct_text(target.value)} met: {money_text(max(0.0, -extra))} 万元 of {num_label} above it at the current {den_label}"
        )
    else:
        extra = max(extra, 0.0)  # below the line by float noise only: nothing to add
        if band:
            text = pick(PROGRESS_TEXT, "catch_up.band_short", lang, money=money_text(extra), **words)
        else:
            text = (
                f"按当前{den_label}，{num_label}需再增加{money_text(extra)}万元才能达到{pct_text(target.value)}"
                if lang == "zh"
                else f"at the current {den_label}, {money_text(extra)} 万元 more {num_label} would reach {pct_text(target.value)}"
            )
        if per_year is not None:
            text += (
                f"；到期前每年需提高{per_year:.2f}个百分点"
                if lang == "zh"
                else f"; {per_year:.2f} pp a year still to gain by the deadline"
            )
        elif big_t - t <= 0:
            text += ("；" if lang == "zh" else "; ") + pick(PROGRESS_TEXT, "catch_up.due", lang)
    return {
        "extra_numerator": extra,
        "met": met,
        "aims_at": line,
        "numerator_field": ratio.numerator,
        "denominator_field": ratio.denominator,
        "required_growth_per_year": growth,
        "required_pp_per_year": per_year,
        "years_left": max(0.0, float(big_t - t)),
        "money_unit": "万元",
        "formula": CATCH_UP_FORMULA,
        "text": text,
    }


def _decomposition(
    aligned: basis.Aligned, period: Period, target: Target, lang: str
) -> dict[str, Any] | None:
    """Why the ratio moved since the same period a year earlier, on the one basis both periods
    are compared on (`basis.align`): a switch between the city's own row and the sum of the
    units is never put down to the numerator or the denominator. Where no common basis exists,
    no split is made (the change includes the switch; `basis_note` says so)."""
    prev = period.previous_year()
    before, now = aligned.before, aligned.now
    if not before or not now or not aligned.consistent:
        return None
    d = progress_gaps.decompose_change(
        before["numerator"], before["denominator"], now["numerator"], now["denominator"]
    )
    if d is None:
        return None
    ratio = RATIO[target.indicator]
    num_growth = _growth(before["numerator"], now["numerator"])
    den_growth = _growth(before["denominator"], now["denominator"])
    num_label, den_label = field_label(ratio.numerator, lang), field_label(ratio.denominator, lang)
    text = pick(
        PROGRESS_TEXT,
        "decomposition",
        lang,
        total=pp_text(d.total_pp),
        num=num_label,
        num_growth=pp_text(num_growth),
        num_effect=pp_text(d.numerator_effect_pp),
        den=den_label,
        den_growth=pp_text(den_growth),
        den_effect=pp_text(d.denominator_effect_pp),
    )
    note = basis.note(aligned, lang, "previous")
    if note:
        text += ("（" if lang == "zh" else " (") + note + ("）" if lang == "zh" else ")")
    return {
        "previous_period": prev.code,
        "total_pp": d.total_pp,
        "numerator_effect_pp": d.numerator_effect_pp,
        "denominator_effect_pp": d.denominator_effect_pp,
        "numerator_change_pct": num_growth,
        "denominator_change_pct": den_growth,
        "basis": aligned.basis,
        "method": "midpoint (symmetric two-factor Shapley) split",
        "formula": DECOMPOSITION_FORMULA,
        "text": text,
    }


def _growth(before: float | None, now: float | None) -> float | None:
    """Change in percent (not pp): 100 × (now/before − 1); None when before is missing or 0."""
    if before is None or now is None or before == 0:
        return None
    return (now / before - 1) * 100


def _projection(
    values: Mapping[Period, float | None],
    aligned: basis.Aligned,
    period: Period,
    target: Target,
    lang: str,
) -> dict[str, Any] | None:
    annual = {p.year: v for p, v in values.items() if p.quarter == 4}
    # the latest same-period change on one basis (a switch of basis is no change of the economy)
    now, before = basis.ratio(aligned.now), basis.ratio(aligned.before)
    usable = now is not None and before is not None and aligned.consistent
    latest = SamePeriodChange(period, now - before) if usable else None  # type: ignore[operator]
    year = trajectory.deadline_period(target).year
    proj = project(annual, latest, year=year)
    if proj is None:
        return None
    return {
        "year": proj.year,
        "value": proj.value,
        "gap_pp": (target.value - proj.value) * 100,
        "achieved": trajectory.is_achieved(proj.value, target),
        "slope_pp_per_year": proj.slope_pp_per_year,
        "first_year": proj.first_year,
        "last_year": proj.last_year,
        "points": proj.points,
        "start_year": proj.start_year,
        "start_value": proj.start_value,
        "used_same_period": proj.used_same_period,
        "clipped": proj.clipped,
        "assumption": proj.assumption_zh if lang == "zh" else proj.assumption_en,
    }


def _contributions(
    units: Sequence[tuple[str, float | None, float | None]], target: Target, now: Mapping[str, Any] | None
) -> dict[str, Any]:
    gaps = progress_gaps.region_gap_contributions(units, target.value)
    scope = progress_gaps.catch_up_money(now["numerator"], now["denominator"], target.value) if now else None
    residual = None if scope is None else scope - gaps.total
    if residual is not None and math.isclose(scope or 0.0, gaps.total, rel_tol=1e-9, abs_tol=1e-6):
        residual = 0.0  # the same sum added in another order: rounding only
    return {
        "total": gaps.total,
        "scope_gap_money": scope,
        # nonzero when the city reports its own total row, or a unit is missing
        "residual": residual,
        "regions": [{"region": g.region, "gap_money": g.gap_money, "share": g.share} for g in gaps.regions],
        "missing": list(gaps.missing),
        "money_unit": "万元",
    }


def glide_light(keys: Mapping[str, Any], target: Target, lang: str = "zh") -> tuple[str, str] | None:
    """The status light of a ratio read off its glide path, with its rule in words.

    `keys` is what `enrich` returned. None where the path cannot be judged (no baseline, no
    time elapsed since it): the caller then falls back on the plain gap-to-target rule.
    """
    glide = keys.get("glide") or {}
    baseline = keys.get("baseline") or {}
    status = glide.get("status")
    if status in (None, "insufficient_data") or not baseline:
        return None
    green, amber = glide.get("green_pp"), glide.get("amber_pp")
    start = from_code(baseline["period"])
    # a same-quarter series reaches the target in the same quarter of the target year
    end = from_code(glide.get("target_period") or glide["deadline_period"])
    if lang == "zh":
        rule = (
            f"按序时路径判定：达到{pct_text(trajectory.achieved_from(target))}为达标；"
            f"低于路径≤{green:g}个百分点为正常推进，≤{amber:g}个百分点为有风险，其余为滞后"
            f"（路径自{start.label('zh')} {pct_text(baseline['value'])}线性推进至{end.label('zh')} {pct_text(target.value)}）"
        )
    else:
        rule = (
            f"by the glide path: achieved at {pct_text(trajectory.achieved_from(target))}; on track within {green:g} pp "
            f"below the path, at risk within {amber:g} pp, otherwise off track (path from "
            f"{start.label('en')} {pct_text(baseline['value'])} to {end.label('en')} {pct_text(target.value)})"
        )
    return str(status), rule
