"""A simple, honest projection of a ratio to the deadline year, with its assumption in words.

Values are fractions; slopes are given in pp per year. Pure arithmetic; no I/O. No projection is
made from fewer than two full-year values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kpi.model.periods import Period

# The high-tech series has a catalogue break before 2020 (DOMAIN.md §2): trends start here.
TREND_FROM_YEAR = 2020


@dataclass(frozen=True)
class SamePeriodChange:
    """The latest period's change against the same period a year earlier (fraction, not pp)."""

    period: Period
    change: float


@dataclass(frozen=True)
class Projection:
    value: float  # projected fraction at the end of `year`, clipped to [0, 1]
    year: int
    slope_pp_per_year: float  # the annual values' least-squares trend
    first_year: int
    last_year: int  # the annual values used
    points: int
    start_year: int  # the trend is continued from this year's (actual or estimated) value
    start_value: float
    used_same_period: bool  # the start year's value was estimated from the latest same-period change
    clipped: bool
    assumption_zh: str
    assumption_en: str


def project(
    annual: Mapping[int, float | None],
    latest: SamePeriodChange | None = None,
    *,
    year: int = 2027,
    from_year: int = TREND_FROM_YEAR,
) -> Projection | None:
    """A straight-line projection of a ratio to the end of `year`, with its assumption in words.

    `annual` holds full-year (Q4, 1—12月) values by year. The least-squares slope of the values
    from `from_year` to `year` is continued from the last full-year value. When the latest period
    is an incomplete year right after the last full year, that year's full-year value is first
    estimated as the last full-year value plus the latest same-period change (同比), and the trend
    continues from there. The result is clipped to [0, 1]. None with fewer than two annual values:
    a line through one point is not a trend.
    """
    points = sorted((y, v) for y, v in annual.items() if v is not None and from_year <= y <= year)
    if len(points) < 2:
        return None
    n = len(points)
    mean_y = math.fsum(y for y, _ in points) / n
    mean_v = math.fsum(v for _, v in points) / n
    slope = math.fsum((y - mean_y) * (v - mean_v) for y, v in points) / math.fsum(
        (y - mean_y) ** 2 for y, _ in points
    )
    start_year, start_value = points[-1]
    used = latest is not None and latest.period.quarter < 4 and latest.period.year == start_year + 1
    if used:
        assert latest is not None
        start_year, start_value = latest.period.year, start_value + latest.change
    raw = start_value + slope * (year - start_year)
    value = min(1.0, max(0.0, raw))
    first, last = points[0][0], points[-1][0]
    zh = f"按{first}—{last}年全年值（{n}个点）的线性趋势（每年{slope * 100:+.3f}个百分点）外推至{year}年末"
    en = (
        f"the straight-line trend of the {n} full-year values {first}–{last} "
        f"({slope * 100:+.3f} pp a year) continued to the end of {year}"
    )
    if used:
        assert latest is not None
        zh += (
            f"；{start_year}年全年值按{last}年全年值加{latest.period.label('zh')}同比变化"
            f"（{latest.change * 100:+.3f}个百分点）估计"
        )
        en += (
            f"; the {start_year} full-year value estimated as the {last} value plus the "
            f"{latest.period.label('en')} same-period change ({latest.change * 100:+.3f} pp)"
        )
    if value != raw:
        zh += "；结果截断在0—100%之间"
        en += "; the result is clipped to 0–100 %"
    zh += "。这是趋势外推，不是预测：假定过去的变化速度不变。"
    en = en[0].upper() + en[1:] + ". A trend line, not a forecast: it assumes the past pace continues."
    return Projection(
        value=value,
        year=year,
        slope_pp_per_year=slope * 100,
        first_year=first,
        last_year=last,
        points=n,
        start_year=start_year,
        start_value=start_value,
        used_same_period=used,
        clipped=value != raw,
        assumption_zh=zh,
        assumption_en=en,
    )
