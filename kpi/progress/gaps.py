"""Gaps in money and why a ratio moved: the catch-up money, each region's share of the city's
gap, and the split of a change into its numerator and denominator effects. Pure arithmetic.

Units as in `kpi.progress.trajectory`: fractions, pp where a name ends in `_pp`, money in 万元.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def catch_up_money(numerator: float | None, denominator: float | None, target: float) -> float | None:
    """Extra numerator (万元) that would have met `target` at the same denominator: target·den − num.

    E.g. the R&D expense missing for 3.15 % at the current revenue. Signed: ≤ 0 means the target
    was met, and its magnitude is the surplus. None when a value is missing or the denominator is 0.
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    return target * denominator - numerator


@dataclass(frozen=True)
class RegionGap:
    region: str
    gap_money: float  # 万元, target·den − num; negative = a surplus that offsets others
    share: float | None  # gap_money / total; None when the total is 0


@dataclass(frozen=True)
class GapContributions:
    total: float  # 万元: the scope's gap, the exact (fsum) sum of the regions' gaps
    regions: tuple[RegionGap, ...]
    missing: tuple[str, ...]  # regions without both parts of the ratio: not in the total


def region_gap_contributions(
    rows: Sequence[tuple[str, float | None, float | None]], target: float
) -> GapContributions:
    """Each region's share of the city's gap in money at the target ratio.

    Because a ratio over a group is Σnum/Σden, the city's gap target·Σden − Σnum is exactly the
    sum of the regions' target·den − num; the total is that sum (`math.fsum`, correctly rounded).
    Regions with a missing part (or a zero denominator) are listed in `missing` and left out, as
    the sums leave them out of the city ratio. Shares are signed and add to 1.
    """
    gaps: list[tuple[str, float]] = []
    missing: list[str] = []
    for region, num, den in rows:
        money = catch_up_money(num, den, target)
        if money is None:
            missing.append(region)
        else:
            gaps.append((region, money))
    total = math.fsum(g for _, g in gaps)
    regions = tuple(RegionGap(r, g, g / total if total else None) for r, g in gaps)
    return GapContributions(total, regions, tuple(missing))


# ---------------------------------------------------------------- why it moved


@dataclass(frozen=True)
class Decomposition:
    total_pp: float  # change of the ratio, pp
    numerator_effect_pp: float  # part due to the numerator's change, pp
    denominator_effect_pp: float  # part due to the denominator's change, pp


def decompose_change(
    num0: float | None, den0: float | None, num1: float | None, den1: float | None
) -> Decomposition | None:
    """Split the change n1/d1 − n0/d0 (in pp) into a numerator and a denominator effect.

    Symmetric (midpoint, the two-factor Shapley) split, so the order of the factors does not
    matter and the effects add up to the total:
    numerator effect = ½(n1 − n0)(1/d0 + 1/d1), denominator effect = ½(n0 + n1)(1/d1 − 1/d0).
    The denominator effect is computed as total − numerator effect (algebraically the same), so
    the two add up to the total to the last rounding even when they nearly cancel. A falling
    denominator gives a positive denominator effect. None when a value is missing or a
    denominator is 0.
    """
    if None in (num0, den0, num1, den1) or den0 == 0 or den1 == 0:
        return None
    assert num0 is not None and den0 is not None and num1 is not None and den1 is not None
    total = (num1 / den1 - num0 / den0) * 100
    numerator = 50 * (num1 - num0) * (1 / den0 + 1 / den1)
    return Decomposition(total, numerator, total - numerator)
