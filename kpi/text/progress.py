"""Texts of the progress keys in `kpi status --json` that say what a number rests on: the basis
of each period compared, whether a quarter is complete, what the band rule means for the
catch-up. Looked up with kpi.text.lookup.pick (the (Chinese, English) pairs of every catalogue)."""

from __future__ import annotations

PROGRESS_TEXT: dict[str, tuple[str, str]] = {
    # the basis of a period's figure (kpi.engine.sums)
    "basis.city_total_row": ("全市合计行", "the city total row"),
    "basis.sum_of_units": ("各单位合计", "the sum of the units"),
    "basis.region_rows": ("本单位数据", "the unit's own rows"),
    "basis.previous": ("上年同期", "the same period a year earlier"),
    "basis.baseline": ("基期", "the baseline"),
    # comparing two periods (kpi.progress.basis)
    "basis.switched": (
        "与{other}按各单位合计口径比较（{other}无全市合计行）",
        "compared with {other} on the sum of the units ({other} has no city total row)",
    ),
    "basis.mixed": (
        "口径不一致：本期为{now}，{other}为{before}，无可比口径，比较中含口径变化",
        "bases differ: this period uses {now}, {other} {before}, with no common basis; the "
        "comparison includes the switch of basis",
    ),
    # a quarter not every unit has reported (kpi.engine.status)
    "incomplete.rule": (
        "数据未报齐：已报送{reported}/{expected}个单位（{names}），待全部单位报送或上传全市合计行后计算全市数并亮灯",
        "incomplete: {reported} of {expected} units have reported ({names}); the city's figure and "
        "its light wait for every unit, or the city's own total row",
    ),
    "incomplete.none": ("无", "none"),
    # the catch-up of a band target (kpi.progress.entry)
    "catch_up.band_met": (
        "已在目标区间内（{low}—{high}，{centre}±{band}个百分点），按区间规则为达标",
        "within the target band ({low}–{high}, {centre} ± {band} pp): achieved by the band rule",
    ),
    "catch_up.band_above": (
        "已高于目标区间（{low}—{high}），按区间规则为达标",
        "above the target band ({low}–{high}): achieved by the band rule",
    ),
    "catch_up.band_short": (
        "按当前{den}，{num}需再增加{money}万元才能达到{low}（{centre}±{band}个百分点区间下沿）",
        "at the current {den}, {money} 万元 more {num} would reach {low} (the lower edge of "
        "{centre} ± {band} pp)",
    ),
    "catch_up.due": ("目标年已到", "the target year has come"),
    # what counts as achieved for a band (kpi.reports.attention)
    "band.edge": (
        "{edge}（{centre}±{band}个百分点区间下沿）",
        "{edge} (the lower edge of {centre} ± {band} pp)",
    ),
    # the gap in words, by the light's own rule (kpi.progress.compute.gap_text)
    # the split of a same-period change (kpi.progress.entry): every contribution in 个百分点
    "decomposition": (
        "同比{total}个百分点：其中{num}变动（{num_growth}%）贡献{num_effect}个百分点，"
        "{den}变动（{den_growth}%）贡献{den_effect}个百分点",
        "{total} pp on the same period a year earlier: {num} ({num_growth} %) explains {num_effect} pp, "
        "{den} ({den_growth} %) explains {den_effect} pp",
    ),
    "gap.below": ("距目标 {gap}", "{gap} to target"),
    "gap.above": ("超出目标 {gap}", "{gap} above target"),
    "gap.on_target": ("恰好达到目标", "exactly on target"),
    "gap.below_tiny": ("距目标不足0.01个百分点", "less than 0.01 pp to target"),
    "gap.above_tiny": ("超出目标不足0.01个百分点", "less than 0.01 pp above target"),
    "gap.band_below_tiny": (
        "距目标区间下沿（{low}）不足0.01个百分点",
        "less than 0.01 pp below the target band's lower edge ({low})",
    ),
    "gap.band_above_tiny": (
        "高于目标区间上沿（{high}）不足0.01个百分点",
        "less than 0.01 pp above the target band's upper edge ({high})",
    ),
    "gap.band_within": ("在目标区间内（{low}—{high}）", "within the target band ({low}–{high})"),
    "gap.band_below": ("距目标区间下沿（{low}）{gap}", "{gap} below the target band's lower edge ({low})"),
    "gap.band_above": (
        "高于目标区间上沿（{high}）{gap}",
        "{gap} above the target band's upper edge ({high})",
    ),
}
