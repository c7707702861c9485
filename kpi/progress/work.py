"""The work shown beside a ratio's progress: the numbers and the sentence that explain its light."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kpi.model.definitions import STAT_FIELD
from kpi.model.periods import Period
from kpi.progress import trajectory
from kpi.progress.compute import Target
from kpi.text.labels import LABELS
from kpi.text.lookup import pick


def pct_text(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.2f}%"


def pp_text(v: float | None) -> str:
    return "—" if v is None else f"{v:+.2f}"


def money_text(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def field_label(name: str, lang: str) -> str:
    f = STAT_FIELD[name]
    return f.label_zh if lang == "zh" else f.label_en


def work(
    baseline: trajectory.Baseline | None,
    rows: Mapping[Period, Mapping[str, Any]],
    period: Period,
    latest: float | None,
    target: Target,
    deadline: Period,
    glide: trajectory.Glide,
    pace: trajectory.Pace,
    lang: str,
    basis_note: str | None = None,
) -> dict[str, Any]:
    """Every number the glide light and the pace class rest on, and the sentence that uses them.

    `latest` is the period's value on the baseline's basis; `basis_note` says so where that is
    not the scope's own figure (kpi.progress.basis). Times are whole years (trajectory.series_time)."""
    crossed = [
        {"name": name, "value": bound, "observed_pp": glide.distance_pp}
        for name, bound in (("glide_green_pp", glide.green_pp), ("glide_amber_pp", glide.amber_pp))
        if name in glide.crossed
    ]
    if pace.ratio is not None and pace.pace_class is not trajectory.PaceClass.ACHIEVED:
        crossed += [
            {"name": f"pace_{name}", "value": bound, "observed_ratio": pace.ratio}
            for name, bound in (
                ("substantial", trajectory.PACE_SUBSTANTIAL),
                ("moderate", trajectory.PACE_MODERATE),
                ("limited", trajectory.PACE_LIMITED),
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
        "achieved_from": trajectory.achieved_from(target),
        "deadline_period": deadline.code,
        "t0": trajectory.series_time(baseline.period) if baseline else None,
        "t": trajectory.series_time(period),
        "T": trajectory.target_year(target),
        "time_rule": "whole years of the same-quarter series",
        "basis_note": basis_note,
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
        "text": work_text(baseline, period, latest, target, deadline, glide, pace, rows, lang, basis_note),
    }


def work_text(
    baseline: trajectory.Baseline | None,
    period: Period,
    latest: float | None,
    target: Target,
    deadline: Period,
    glide: trajectory.Glide,
    pace: trajectory.Pace,
    rows: Mapping[Period, Mapping[str, Any]],
    lang: str,
    basis_note: str | None = None,
) -> str:
    zh = lang == "zh"
    lab = period.label(lang)
    base = (
        (
            f"基期{baseline.period.label('zh')} {pct_text(baseline.value)}"
            if zh
            else f"base {baseline.period.label('en')} {pct_text(baseline.value)}"
        )
        if baseline
        else ("无基期数据" if zh else "no baseline value")
    )
    parts = [
        base,
        f"当前{lab} {pct_text(latest)}" if zh else f"latest {lab} {pct_text(latest)}",
        f"目标{pct_text(target.value)}（{deadline.label('zh')}）"
        if zh
        else f"target {pct_text(target.value)} ({deadline.label('en')})",
    ]
    if baseline:  # whole years of the same-quarter series, the same in every quarter
        years = trajectory.series_time(period) - trajectory.series_time(baseline.period)
        allowed = trajectory.target_year(target) - trajectory.series_time(baseline.period)
        parts.append(
            f"按同期整年计：已过{years}年，共{allowed}年"
            if zh
            else f"whole years of the same period: {years} of {allowed}"
        )
    if basis_note:
        parts.append(basis_note)
    g = pick(LABELS, f"glide.{glide.status.value}", lang)
    if glide.expected is not None and glide.distance_pp is not None:
        below = glide.distance_pp >= 0
        side = ("低于" if below else "高于") if zh else ("below" if below else "above")
        parts.append(
            f"直线路径此时应为{pct_text(glide.expected)}，{side}路径{abs(glide.distance_pp):.2f}个百分点"
            f"（低于路径≤{glide.green_pp:g}个百分点为正常推进，≤{glide.amber_pp:g}为有风险）→ {g}"
            if zh
            else f"the glide path expects {pct_text(glide.expected)}, {abs(glide.distance_pp):.2f} pp {side} it "
            f"(on track ≤ {glide.green_pp:g} pp below, at risk ≤ {glide.amber_pp:g}) → {g}"
        )
    else:
        parts.append(f"路径判断：{g}" if zh else f"glide path: {g}")
    p = pick(LABELS, f"pace.{pace.pace_class.value}", lang)
    if pace.r is not None and pace.r_star is not None:
        ratio = "—" if pace.ratio is None else f"{pace.ratio:.2f}"
        hi, mid, lo = trajectory.PACE_SUBSTANTIAL, trajectory.PACE_MODERATE, trajectory.PACE_LIMITED
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
