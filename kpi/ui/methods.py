"""The tables of the methods page (方法说明): indicators, targets and their sources, status rules,
the taxonomy. Nothing re-typed: each is read from the definitions, the targets table and the
functions that set the lights."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.model.definitions import COUNT_LABELS, RATIO, RATIOS, STAT_FIELD, TargetKind, indicator_label
from kpi.progress import compute, trajectory
from kpi.ui import cards, lang, scope


def table(frame: pd.DataFrame) -> None:
    st.table(frame, hide_index=True)


def label(code: str) -> str:
    return indicator_label(code, lang.lang())


def indicators_table() -> pd.DataFrame:
    zh = lang.lang() == "zh"
    rows = []
    for r in RATIOS:
        num, den = STAT_FIELD[r.numerator], STAT_FIELD[r.denominator]
        formula = f"Σ{num.label_zh} ÷ Σ{den.label_zh}" if zh else f"Σ {num.label_en} ÷ Σ {den.label_en}"
        rows.append((label(r.code), r.code, formula, lang.t("methods.ratio_scope")))
    for code in COUNT_LABELS:
        rows.append((label(code), code, lang.t(f"methods.formula.{code}"), lang.t("methods.platform_scope")))
    return pd.DataFrame(
        rows,
        columns=[lang.t(f"methods.col.{c}") for c in ("indicator", "code", "formula", "scope")],
    )


def target_text(target: compute.Target) -> str:
    """`≥ 3.15%`, `73% ± 1 个百分点`, `≥ 3 家`: the stored value with its comparator."""
    comparator = target.comparator.replace(">=", "≥").replace("<=", "≤")
    if target.kind is TargetKind.COUNT:
        return f"{comparator} " + lang.t("methods.count_value", value=f"{target.value:g}")
    value = f"{target.value * 100:g}%"
    if target.kind is TargetKind.BAND:
        return lang.t("methods.band_value", value=value, band=f"{target.band_pp or 0:g}")
    return f"{comparator} {value}"


def targets_table() -> pd.DataFrame:
    frame = scope.read("targets")
    rows = []
    for code in (*RATIO, *COUNT_LABELS):
        target = cards.target_of(code)
        stored = frame[frame["indicator"] == code].iloc[0]
        changed = stored["updated_at"]
        rows.append(
            (
                label(code),
                target_text(target),
                lang.t(f"methods.kind.{target.kind.value}"),
                f"{target.deadline:%Y‑%m‑%d}",  # non-breaking hyphens: the date never wraps
                target.source,
                changed_text(changed, stored["updated_by"]),
            )
        )
    cols = ("indicator", "target", "kind", "deadline", "source", "updated")
    return pd.DataFrame(rows, columns=[lang.t(f"methods.col.{c}") for c in cols])


def changed_text(when: object, by: object) -> str:
    if by == "reference":  # seeded from kpi/reference/targets.csv, never edited
        return lang.t("methods.seeded")
    return "" if pd.isna(when) else f"{pd.Timestamp(when):%Y-%m-%d} {by or ''}".strip()


def rules_table() -> pd.DataFrame:
    settings = scope.read("targets").set_index("indicator")
    rows = []
    for code in (*RATIO, *COUNT_LABELS):
        target = cards.target_of(code)
        if target.kind in (TargetKind.POINT, TargetKind.FLOOR, TargetKind.BAND):
            row = settings.loc[code]
            glide = lang.t(
                "methods.glide_rule",
                year=int(row["baseline_year"]),
                green=f"{row['glide_green_pp']:g}",
                amber=f"{row['glide_amber_pp']:g}",
            )
            rule = f"{glide}\n{lang.t('methods.gap_rule_prefix')}{compute.ratio_rule(target, lang.lang())}"
        else:
            rule = compute.count_rule(lang.lang())
        rows.append((label(code), rule))
    return pd.DataFrame(rows, columns=[lang.t("methods.col.indicator"), lang.t("methods.col.rule")])


def progress_rules() -> list[str]:
    """How the glide path, the pace, the catch-up, the basis and the completeness rule work, with
    the thresholds and the target year read from the code and the targets that set them."""
    year = cards.target_of("rd_intensity").deadline.year
    base = int(scope.read("targets").set_index("indicator").loc["rd_intensity", "baseline_year"])
    pace = {
        "substantial": f"{trajectory.PACE_SUBSTANTIAL:g}",
        "moderate": f"{trajectory.PACE_MODERATE:g}",
        "limited": f"{trajectory.PACE_LIMITED:g}",
    }
    return [
        lang.t("methods.progress.time", target_year=year, span=year - base),
        lang.t("methods.progress.glide"),
        lang.t("methods.progress.pace", **pace),
        lang.t("methods.progress.catch_up"),
        lang.t("methods.progress.band"),
        lang.t("methods.progress.basis"),
        lang.t("methods.progress.complete"),
    ]


def taxonomy_notice() -> None:
    """Whether the taxonomy is confirmed, said above the sections (a placeholder needs saying
    even with every section closed)."""
    clusters = scope.read("clusters")
    unconfirmed = int((~clusters["confirmed"].astype(bool)).sum())
    if unconfirmed:
        st.warning(
            lang.t("methods.taxonomy_placeholder", n=unconfirmed, total=len(clusters)),
            icon=":material/warning:",
        )
    else:
        st.success(lang.t("methods.taxonomy_confirmed", total=len(clusters)))


def taxonomy_section() -> None:
    """The taxonomy's note and table (inside the page's own section: an expander holds no other)."""
    st.markdown(lang.t("methods.taxonomy_text"))
    clusters = scope.read("clusters")
    zh = lang.lang() == "zh"
    shown = pd.DataFrame(
        {
            lang.t("methods.col.code"): clusters["code"],
            lang.t("methods.col.cluster"): clusters["name" if zh else "name_en"],
            lang.t("methods.col.tier"): clusters["tier"].map(lambda v: lang.t(f"methods.tier.{v}")),
            lang.t("methods.col.group"): clusters["group"].map(lambda v: lang.t(f"methods.group.{v}")),
            lang.t("methods.col.confirmed"): clusters["confirmed"].map(
                lambda v: lang.t("methods.yes" if v else "methods.no")
            ),
        }
    )
    st.caption(f"{lang.t('methods.taxonomy')}（{len(clusters)}）")
    table(shown)
