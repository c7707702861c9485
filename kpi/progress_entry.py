"""The progress keys of a ratio indicator in `kpi status --json`, with the work shown.

`enrich` turns one scope's per-period sums into the keys `baseline`, `glide`, `pace`,
`pace_ratio`, `pace_class`, `catch_up`, `decomposition`, `projection`, `work` and (when the
nine units are passed) `region_contributions`. The arithmetic is in `kpi.progress` and
`kpi.projection`; this module only picks the inputs, calls it, and writes the words.

Units as in `kpi.progress`: fractions, pp, 万元, fractional years between quarter ends.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from kpi import progress as pg
from kpi.compute import Target
from kpi.definitions import RATIO, STAT_FIELD
from kpi.periods import Period, from_code
from kpi.projection import SamePeriodChange, project

GLIDE_FORMULA = "expected(t) = base + (target − base) × (t − t₀) / (T − t₀)"
PACE_FORMULA = (
    "r = (latest / base)^(1 / (t − t₀)) − 1;  r* = (target / base)^(1 / (T − t₀)) − 1;  ratio = r / r*"
)
CATCH_UP_FORMULA = "extra = target × denominator − numerator;  growth = (target / latest)^(1 / (T − t)) − 1"
DECOMPOSITION_FORMULA = (
    "numerator effect = ½(n₁ − n₀)(1/d₀ + 1/d₁);  denominator effect = ½(n₀ + n₁)(1/d₁ − 1/d₀)"
)

_GLIDE_WORDS = {
    "achieved": ("已达标", "achieved"),
    "on_track": ("正常推进", "on track"),
    "at_risk": ("有风险", "at risk"),
    "off_track": ("滞后", "off track"),
    "insufficient_data": ("数据不足", "insufficient data"),
}
_PACE_WORDS = {
    "achieved": ("已达标", "target achieved"),
    "substantial": ("进展显著", "substantial progress"),
    "moderate": ("进展中等", "moderate progress"),
    "limited": ("进展有限", "limited progress"),
    "moving_away": ("反向变化", "moving away from the target"),
    "insufficient_data": ("数据不足", "insufficient data"),
}


def _word(words: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    zh, en = words[key]
    return zh if lang == "zh" else en


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.2f}%"


def _pp(v: float | None) -> str:
    return "—" if v is None else f"{v:+.2f}"


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


@functools.lru_cache(maxsize=1024)
def _period(code: str) -> Period:
    """from_code, once per code (a status reads every period of the series for each ratio)."""
    return from_code(code)


def _value(row: Mapping[str, Any] | None) -> float | None:
    if not row or row.get("numerator") is None or not row.get("denominator"):
        return None
    return row["numerator"] / row["denominator"]


def enrich(
    by_period: Mapping[str, Mapping[str, Any]],
    target: Target,
    period: Period,
    *,
    lang: str = "zh",
    units: Sequence[tuple[str, float | None, float | None]] | None = None,
) -> dict[str, Any]:
    """The progress keys for one ratio in one scope at `period`.

    `by_period` is `engine.pick_scope_sums` for the scope: period code → numerator, denominator
    (万元), uploads. Periods after `period` are ignored (the answer for a past period uses only
    what was known up to it). `units` — (region, numerator, denominator) for the nine units at
    `period` — adds `region_contributions` (city scope only).
    """
    upto = period.code  # codes `YYYYQn` sort as the periods do
    rows = {_period(c): r for c, r in by_period.items() if c <= upto}
    values = {p: _value(r) for p, r in rows.items()}
    now = rows.get(period)
    latest = values.get(period)
    deadline = pg.deadline_period(target)
    big_t = pg.period_time(deadline)
    t = pg.period_time(period)
    baseline = pg.choose_baseline(values, period, target.baseline_year or pg.DEFAULT_BASELINE_YEAR)
    glide = pg.assess_glide(baseline, latest, period, target)
    base_t = pg.period_time(baseline.period) if baseline else t
    pace = pg.pace(
        baseline.value if baseline else None,
        base_t,
        latest,
        t,
        target.value,
        big_t,
        achieved_at=pg.achieved_from(target),
    )
    out: dict[str, Any] = {
        "baseline": _baseline(baseline, rows, lang),
        "glide": _glide(glide, deadline),
        "pace": _pace(pace, baseline, period, deadline),
        "pace_ratio": pace.ratio,
        "pace_class": pace.pace_class.value,
        "catch_up": _catch_up(now, latest, t, target, big_t, lang),
        "decomposition": _decomposition(rows, period, target, lang),
        "projection": _projection(values, period, target, lang),
    }
    out["work"] = _work(baseline, rows, period, latest, target, deadline, glide, pace, lang)
    if units is not None:
        out["region_contributions"] = _contributions(units, target, now)
    return out


def _baseline(baseline: pg.Baseline | None, rows: Mapping[Period, Any], lang: str) -> dict[str, Any] | None:
    if baseline is None:
        return None
    row = rows[baseline.period]
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
        "uploads": list(row.get("uploads") or []),
    }


def _glide(glide: pg.Glide, deadline: Period) -> dict[str, Any]:
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
        "formula": GLIDE_FORMULA,
    }


def _pace(pace: pg.Pace, baseline: pg.Baseline | None, period: Period, deadline: Period) -> dict[str, Any]:
    t0 = pg.period_time(baseline.period) if baseline else None
    return {
        "r": pace.r,
        "r_star": pace.r_star,
        "ratio": pace.ratio,
        "class": pace.pace_class.value,
        "years_elapsed": None if t0 is None else pg.period_time(period) - t0,
        "years_allowed": None if t0 is None else pg.period_time(deadline) - t0,
        "thresholds": {
            "substantial": pg.PACE_SUBSTANTIAL,
            "moderate": pg.PACE_MODERATE,
            "limited": pg.PACE_LIMITED,
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
    ratio = RATIO[target.indicator]
    num_label = _field(ratio.numerator, lang)
    den_label = _field(ratio.denominator, lang)
    extra = pg.catch_up_money(now["numerator"], now["denominator"], target.value) if now else None
    growth = pg.required_annual_growth(latest, t, target.value, big_t)
    per_year = pg.required_pp_per_year(latest, t, target.value, big_t)
    if extra is None:
        text = "数据不足" if lang == "zh" else "insufficient data"
    elif extra <= 0:
        text = (
            f"已达到{_pct(target.value)}，按当前{den_label}超出{_money(-extra)}万元{num_label}"
            if lang == "zh"
            else f"{_pct(target.value)} met: {_money(-extra)} 万元 of {num_label} above it at the current {den_label}"
        )
    else:
        text = (
            f"按当前{den_label}，{num_label}需再增加{_money(extra)}万元才能达到{_pct(target.value)}"
            if lang == "zh"
            else f"at the current {den_label}, {_money(extra)} 万元 more {num_label} would reach {_pct(target.value)}"
        )
        if per_year is not None:
            text += (
                f"；到期前每年需提高{per_year:.2f}个百分点"
                if lang == "zh"
                else f"; {per_year:.2f} pp a year still to gain by the deadline"
            )
    return {
        "extra_numerator": extra,
        "met": None if extra is None else extra <= 0,
        "numerator_field": ratio.numerator,
        "denominator_field": ratio.denominator,
        "required_growth_per_year": growth,
        "required_pp_per_year": per_year,
        "years_left": max(0.0, big_t - t),
        "money_unit": "万元",
        "formula": CATCH_UP_FORMULA,
        "text": text,
    }


def _field(name: str, lang: str) -> str:
    f = STAT_FIELD[name]
    return f.label_zh if lang == "zh" else f.label_en


def _decomposition(
    rows: Mapping[Period, Mapping[str, Any]], period: Period, target: Target, lang: str
) -> dict[str, Any] | None:
    prev = period.previous_year()
    before, now = rows.get(prev), rows.get(period)
    if not before or not now:
        return None
    d = pg.decompose_change(before["numerator"], before["denominator"], now["numerator"], now["denominator"])
    if d is None:
        return None
    ratio = RATIO[target.indicator]
    num_growth = _growth(before["numerator"], now["numerator"])
    den_growth = _growth(before["denominator"], now["denominator"])
    num_label, den_label = _field(ratio.numerator, lang), _field(ratio.denominator, lang)
    if lang == "zh":
        text = (
            f"同比{_pp(d.total_pp)}个百分点：其中{num_label}变动（{_pp(num_growth)}%）贡献{_pp(d.numerator_effect_pp)}，"
            f"{den_label}变动（{_pp(den_growth)}%）贡献{_pp(d.denominator_effect_pp)}"
        )
    else:
        text = (
            f"{_pp(d.total_pp)} pp on the same period a year earlier: {num_label} ({_pp(num_growth)} %) "
            f"explains {_pp(d.numerator_effect_pp)}, {den_label} ({_pp(den_growth)} %) explains "
            f"{_pp(d.denominator_effect_pp)}"
        )
    return {
        "previous_period": prev.code,
        "total_pp": d.total_pp,
        "numerator_effect_pp": d.numerator_effect_pp,
        "denominator_effect_pp": d.denominator_effect_pp,
        "numerator_change_pct": num_growth,
        "denominator_change_pct": den_growth,
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
    values: Mapping[Period, float | None], period: Period, target: Target, lang: str
) -> dict[str, Any] | None:
    annual = {p.year: v for p, v in values.items() if p.quarter == 4}
    now, before = values.get(period), values.get(period.previous_year())
    latest = SamePeriodChange(period, now - before) if now is not None and before is not None else None
    year = pg.deadline_period(target).year
    proj = project(annual, latest, year=year)
    if proj is None:
        return None
    return {
        "year": proj.year,
        "value": proj.value,
        "gap_pp": (target.value - proj.value) * 100,
        "achieved": pg.is_achieved(proj.value, target),
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
    gaps = pg.region_gap_contributions(units, target.value)
    scope = pg.catch_up_money(now["numerator"], now["denominator"], target.value) if now else None
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


def _work(
    baseline: pg.Baseline | None,
    rows: Mapping[Period, Mapping[str, Any]],
    period: Period,
    latest: float | None,
    target: Target,
    deadline: Period,
    glide: pg.Glide,
    pace: pg.Pace,
    lang: str,
) -> dict[str, Any]:
    """Every number the glide light and the pace class rest on, and the sentence that uses them."""
    crossed = [
        {"name": name, "value": bound, "observed_pp": glide.distance_pp}
        for name, bound in (("glide_green_pp", glide.green_pp), ("glide_amber_pp", glide.amber_pp))
        if name in glide.crossed
    ]
    if pace.ratio is not None and pace.pace_class is not pg.PaceClass.ACHIEVED:
        crossed += [
            {"name": f"pace_{name}", "value": bound, "observed_ratio": pace.ratio}
            for name, bound in (
                ("substantial", pg.PACE_SUBSTANTIAL),
                ("moderate", pg.PACE_MODERATE),
                ("limited", pg.PACE_LIMITED),
            )
            if pace.ratio < bound
        ]
    base_row, now_row = (rows.get(baseline.period) if baseline else None), rows.get(period)
    return {
        "base": baseline.value if baseline else None,
        "base_period": baseline.period.code if baseline else None,
        "latest": latest,
        "latest_period": period.code,
        "target": target.value,
        "achieved_from": pg.achieved_from(target),
        "deadline_period": deadline.code,
        "t0": pg.period_time(baseline.period) if baseline else None,
        "t": pg.period_time(period),
        "T": pg.period_time(deadline),
        "expected": glide.expected,
        "distance_pp": glide.distance_pp,
        "r": pace.r,
        "r_star": pace.r_star,
        "pace_ratio": pace.ratio,
        "thresholds_crossed": crossed,
        "uploads": {
            "base": list(base_row.get("uploads") or []) if base_row else [],
            "latest": list(now_row.get("uploads") or []) if now_row else [],
        },
        "text": _work_text(baseline, period, latest, target, deadline, glide, pace, rows, lang),
    }


def _work_text(
    baseline: pg.Baseline | None,
    period: Period,
    latest: float | None,
    target: Target,
    deadline: Period,
    glide: pg.Glide,
    pace: pg.Pace,
    rows: Mapping[Period, Mapping[str, Any]],
    lang: str,
) -> str:
    zh = lang == "zh"
    lab = period.label(lang)
    base = (
        (
            f"基期{baseline.period.label('zh')} {_pct(baseline.value)}"
            if zh
            else f"base {baseline.period.label('en')} {_pct(baseline.value)}"
        )
        if baseline
        else ("无基期数据" if zh else "no baseline value")
    )
    parts = [
        base,
        f"当前{lab} {_pct(latest)}" if zh else f"latest {lab} {_pct(latest)}",
        f"目标{_pct(target.value)}（{deadline.label('zh')}）"
        if zh
        else f"target {_pct(target.value)} ({deadline.label('en')})",
    ]
    g = _word(_GLIDE_WORDS, glide.status.value, lang)
    if glide.expected is not None and glide.distance_pp is not None:
        below = glide.distance_pp >= 0
        side = ("低于" if below else "高于") if zh else ("below" if below else "above")
        parts.append(
            f"直线路径此时应为{_pct(glide.expected)}，{side}路径{abs(glide.distance_pp):.2f}个百分点"
            f"（低于路径≤{glide.green_pp:g}个百分点为正常推进，≤{glide.amber_pp:g}为有风险）→ {g}"
            if zh
            else f"the glide path expects {_pct(glide.expected)}, {abs(glide.distance_pp):.2f} pp {side} it "
            f"(on track ≤ {glide.green_pp:g} pp below, at risk ≤ {glide.amber_pp:g}) → {g}"
        )
    else:
        parts.append(f"路径判断：{g}" if zh else f"glide path: {g}")
    p = _word(_PACE_WORDS, pace.pace_class.value, lang)
    if pace.r is not None and pace.r_star is not None:
        ratio = "—" if pace.ratio is None else f"{pace.ratio:.2f}"
        hi, mid, lo = pg.PACE_SUBSTANTIAL, pg.PACE_MODERATE, pg.PACE_LIMITED
        parts.append(
            f"年均增速r={pace.r * 100:+.2f}%，所需r*={pace.r_star * 100:+.2f}%，r/r*={ratio}"
            f"（≥{hi:g}显著，≥{mid:g}中等，≥{lo:g}有限，<{lo:g}反向）→ {p}"
            if zh
            else f"r = {pace.r * 100:+.2f}% a year, r* = {pace.r_star * 100:+.2f}%, r/r* = {ratio} "
            f"(≥ {hi:g} substantial, ≥ {mid:g} moderate, ≥ {lo:g} limited, < {lo:g} moving away) → {p}"
        )
    else:
        parts.append(f"进度判断：{p}" if zh else f"pace: {p}")
    uploads = sorted(
        {
            u
            for q in ((baseline.period if baseline else None), period)
            if q in rows
            for u in rows[q].get("uploads") or []
        }
    )
    if uploads:
        ids = ", ".join(f"#{u}" for u in uploads)
        parts.append(f"依据上传批次{ids}" if zh else f"from upload(s) {ids}")
    return ("；" if zh else "; ").join(parts) + ("。" if zh else ".")


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
    end = from_code(glide["deadline_period"])
    if lang == "zh":
        rule = (
            f"按序时路径判定：达到{_pct(pg.achieved_from(target))}为达标；"
            f"低于路径≤{green:g}个百分点为正常推进，≤{amber:g}个百分点为有风险，其余为滞后"
            f"（路径自{start.label('zh')} {_pct(baseline['value'])}线性推进至{end.label('zh')} {_pct(target.value)}）"
        )
    else:
        rule = (
            f"by the glide path: achieved at {_pct(pg.achieved_from(target))}; on track within {green:g} pp "
            f"below the path, at risk within {amber:g} pp, otherwise off track (path from "
            f"{start.label('en')} {_pct(baseline['value'])} to {end.label('en')} {_pct(target.value)})"
        )
    return str(status), rule
