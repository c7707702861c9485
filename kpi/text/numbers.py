"""Numbers as Chinese statistical tables write them: percent, 百分点, 万元 and 亿元. One set of
functions for the pages, the brief, the exports and the command line, so a figure is written
the same way wherever it appears. `None` and NaN are written "—"."""

from __future__ import annotations

import math

DASH = "—"
COMPARATOR = {">=": "≥", "<=": "≤"}  # the targets table's comparators as a reader writes them


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: float | None, digits: int = 2) -> str:
    """A fraction as percent: 0.0315 → 3.15%."""
    return DASH if _missing(value) else f"{value * 100:.{digits}f}%"


def sign(value: float, digits: int = 2) -> int:
    """The sign of `value` as written with `digits` decimals: 1, -1, or 0 when it rounds to zero
    (-0.004 is written 0.00, and an arrow or a word beside it must say "no change", not "down")."""
    rounded = float(f"{value:.{digits}f}")
    return (rounded > 0) - (rounded < 0)


def with_sign(value: float, digits: int = 2) -> str:
    """`value` with its sign, as written: +0.59, -0.28, and 0.00 (never -0.00 or +0.00)."""
    if sign(value, digits) == 0:
        return f"{0:.{digits}f}"
    return f"{value:+.{digits}f}"


def pp(value: float | None, lang: str = "zh", digits: int = 2, signed: bool = True) -> str:
    """Percentage points, 个百分点 in Chinese. A value that rounds to zero is written 0.00, with no
    sign (signed or not): "-0.00" beside a "no change" would contradict it."""
    if _missing(value):
        return DASH
    if sign(value, digits) == 0:
        number = f"{0:.{digits}f}"
    else:
        number = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return f"{number}{' pp' if lang == 'en' else '个百分点'}"


def money(value_wan: float | None, lang: str = "zh") -> str:
    """万元 in, written in 亿元 from 1 亿 up (the convention of Chinese statistical tables)."""
    if _missing(value_wan):
        return DASH
    if abs(value_wan) >= 10_000:
        return f"{value_wan / 10_000:,.2f}{' 100m yuan' if lang == 'en' else '亿元'}"
    return f"{value_wan:,.1f}{' 10k yuan' if lang == 'en' else '万元'}"


def pct_short(value: float | None) -> str:
    """A fraction as percent with at most one decimal and no trailing zero: 0.45 → 45%, 0.455 → 45.5%
    (self-assessed task progress, where two decimals would claim a precision nobody has)."""
    if _missing(value):
        return DASH
    assert value is not None
    return f"{value * 100:.1f}".removesuffix(".0") + "%"
