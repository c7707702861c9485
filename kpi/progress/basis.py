"""Comparing two periods of a scope on one basis.

The city's figure in a period is its own total row (330400) where one was uploaded, else the sum
of the units (kpi.engine.sums). Two periods compared (the latest with the same period a year
earlier, or with the baseline) may then stand on different bases, and the difference of the two
ratios mixes a change of the economy with the switch of basis. `align` compares them on the one
basis both periods have: the sum of the units, where the period with the city's own row also has
every unit's row. Where no common basis exists, the pair stays as it is and says so.

Rows are the per-period dicts of kpi.engine.sums: numerator, denominator, basis, complete and,
beside a city row, `units_sum` (the same dict for the sum of the units).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kpi.text.lookup import pick
from kpi.text.progress import PROGRESS_TEXT

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Aligned:
    """Two periods' sums on the basis they are compared on."""

    now: Row | None
    before: Row | None
    basis: str | None  # the basis both are on; None when they differ or one is missing
    now_basis: str | None  # the basis each side is compared on
    before_basis: str | None
    switched: bool  # the comparison uses another basis than the headline figure's (`now`)
    consistent: bool  # both sides on the same basis (or nothing to compare)


def _units(row: Row) -> Row | None:
    """The row's sum of the units, when it is one or carries one, and it is complete."""
    if row.get("basis") == "sum_of_units":
        return row if row.get("complete", True) else None
    alt = row.get("units_sum")
    return alt if alt is not None and alt.get("complete", True) else None


def align(now: Row | None, before: Row | None) -> Aligned:
    """`now` and `before` on a common basis where both exist.

    Same basis: as they are. Different bases (one the city's own row, the other the sum of the
    units): both as the sum of the units when both have every unit's row; else as they are, with
    `consistent` False. Nothing to compare (a side missing): as they are, consistent.
    """
    if now is None or before is None:
        basis = (now or before or {}).get("basis")
        return Aligned(now, before, basis, (now or {}).get("basis"), (before or {}).get("basis"), False, True)
    if now.get("basis") == before.get("basis"):
        return Aligned(now, before, now.get("basis"), now.get("basis"), before.get("basis"), False, True)
    a, b = _units(now), _units(before)
    if a is not None and b is not None:
        return Aligned(a, b, "sum_of_units", "sum_of_units", "sum_of_units", a is not now, True)
    return Aligned(now, before, None, now.get("basis"), before.get("basis"), False, False)


def ratio(row: Row | None) -> float | None:
    """numerator / denominator of a row; None when a part is missing or the denominator is 0."""
    if not row or row.get("numerator") is None or not row.get("denominator"):
        return None
    return row["numerator"] / row["denominator"]


def note(aligned: Aligned, lang: str, what: str = "previous") -> str | None:
    """One short sentence when the comparison is not on the headline's basis, or mixes two; None
    when it is like with like on the headline's own basis. `what`: 'previous' (the same period a
    year earlier) or 'baseline'."""
    other = pick(PROGRESS_TEXT, f"basis.{what}", lang)
    if not aligned.consistent:
        return pick(
            PROGRESS_TEXT,
            "basis.mixed",
            lang,
            now=pick(PROGRESS_TEXT, f"basis.{aligned.now_basis}", lang),
            before=pick(PROGRESS_TEXT, f"basis.{aligned.before_basis}", lang),
            other=other,
        )
    if aligned.switched:
        return pick(PROGRESS_TEXT, "basis.switched", lang, other=other)
    return None
