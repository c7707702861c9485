"""Pure KPI arithmetic (kpi.progress.compute): hand-computed cases and hypothesis properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.model.definitions import Status, TargetKind
from kpi.progress import compute
from kpi.progress.compute import Target

START, DEADLINE = dt.date(2025, 7, 4), dt.date(2027, 12, 31)
# The shipped defaults (kpi/reference/targets.csv): thresholds in percentage points.
RD = Target("rd_intensity", TargetKind.POINT, 0.0315, ">=", DEADLINE, START, None, 0.15, 0.40)
NEW = Target("new_product_rate", TargetKind.FLOOR, 0.50, ">=", DEADLINE, START, None, 0.0, 1.0)
HIGH = Target("hightech_share", TargetKind.BAND, 0.73, "≈", DEADLINE, START, 1.0, 1.0, 3.0)
ORDER = [Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK, Status.ACHIEVED]

fraction = st.floats(0, 1, allow_nan=False)
money = st.floats(0, 1e9, allow_nan=False)
positive = st.floats(1e-3, 1e9, allow_nan=False)


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [(30, 1000, 0.03), (0, 1000, 0.0), (1, 0, None), (None, 1000, None), (30, None, None), (0, 0, None)],
)
def test_ratio(num, den, expected):
    assert compute.ratio(num, den) == expected


@pytest.mark.parametrize(
    ("value", "target", "status"),
    [
        # rd 3.15 %: achieved at 3.15; on track within 0.15 pp; at risk within 0.40 pp
        (0.0315, RD, Status.ACHIEVED),
        (0.0400, RD, Status.ACHIEVED),
        (0.0300, RD, Status.ON_TRACK),  # exactly 0.15 pp short: the rule says ≤ 0.15
        (0.0299, RD, Status.AT_RISK),
        (0.0275, RD, Status.AT_RISK),  # exactly 0.40 pp short
        (0.0274, RD, Status.OFF_TRACK),
        # new product ≥ 50 %: no on-track band (0 pp), at risk within 1 pp
        (0.50, NEW, Status.ACHIEVED),
        (0.495, NEW, Status.AT_RISK),
        (0.49, NEW, Status.AT_RISK),
        (0.4899, NEW, Status.OFF_TRACK),
        # high-tech ≈ 73 % ± 1 pp: achieved from 72 %, on track within 1 pp below that, at risk within 3
        (0.80, HIGH, Status.ACHIEVED),
        (0.72, HIGH, Status.ACHIEVED),
        (0.71, HIGH, Status.ON_TRACK),
        (0.7099, HIGH, Status.AT_RISK),
        (0.69, HIGH, Status.AT_RISK),
        (0.6899, HIGH, Status.OFF_TRACK),
        (None, RD, Status.NO_DATA),
    ],
)
def test_ratio_status_by_hand(value, target, status):
    assert compute.ratio_status(value, target) is status


@pytest.mark.parametrize(
    ("value", "target", "shortfall"),
    [(0.03, RD, 0.15), (0.0315, RD, 0.0), (0.70, HIGH, 2.0), (0.75, HIGH, -3.0), (None, RD, None)],
)
def test_shortfall_in_percentage_points(value, target, shortfall):
    got = compute.shortfall_pp(value, target)
    assert got == (None if shortfall is None else pytest.approx(shortfall, abs=1e-9))


def test_change_pp_by_hand():
    assert compute.change_pp(0.031, 0.030) == pytest.approx(0.1)
    assert compute.change_pp(None, 0.03) is None and compute.change_pp(0.03, None) is None


@pytest.mark.parametrize(
    ("value", "target", "elapsed", "status"),
    [
        (3, 3, 0.5, Status.ACHIEVED),
        (2, 3, 0.5, Status.ON_TRACK),  # 67 % done, 50 % of the time gone
        (1, 3, 0.5, Status.AT_RISK),  # 33 % ≥ 60 % of 50 %
        (0, 3, 0.5, Status.OFF_TRACK),
        (2, 3, 1.0, Status.OFF_TRACK),  # deadline passed
        (0, 3, 0.0, Status.ON_TRACK),  # nothing expected yet
        (None, 3, 0.5, Status.NO_DATA),
        (1, 0, 0.5, Status.NO_DATA),
    ],
)
def test_count_status_by_hand(value, target, elapsed, status):
    assert compute.count_status(value, target, elapsed) is status


def test_elapsed_fraction_by_hand():
    assert compute.elapsed_fraction(START, START, DEADLINE) == 0.0
    assert compute.elapsed_fraction(DEADLINE, START, DEADLINE) == 1.0
    assert compute.elapsed_fraction(dt.date(2030, 1, 1), START, DEADLINE) == 1.0
    assert compute.elapsed_fraction(dt.date(2020, 1, 1), START, DEADLINE) == 0.0
    assert (
        compute.elapsed_fraction(dt.date(2026, 1, 1), dt.date(2025, 1, 1), dt.date(2027, 1, 1)) == 365 / 730
    )
    assert compute.elapsed_fraction(START, START, START) == 1.0


# ---- properties


@given(st.lists(st.tuples(money, positive), min_size=1, max_size=12))
def test_ratio_of_sums_lies_between_the_parts(parts):
    pooled = compute.ratio(sum(n for n, _ in parts), sum(d for _, d in parts))
    ratios = [n / d for n, d in parts]
    assert pooled is not None
    tol = 1e-9 * max(1.0, max(ratios))
    assert min(ratios) - tol <= pooled <= max(ratios) + tol


@given(st.lists(st.tuples(money, positive), min_size=1, max_size=12))
def test_ratio_of_sums_is_the_denominator_weighted_mean(parts):
    pooled = compute.ratio(sum(n for n, _ in parts), sum(d for _, d in parts))
    total = sum(d for _, d in parts)
    weighted = sum((n / d) * (d / total) for n, d in parts)
    assert pooled == pytest.approx(weighted, rel=1e-6, abs=1e-12)


@given(st.sampled_from([RD, NEW, HIGH]), fraction, fraction)
def test_ratio_status_is_monotone_in_the_value(target, a, b):
    low, high = sorted((a, b))
    assert ORDER.index(compute.ratio_status(low, target)) <= ORDER.index(compute.ratio_status(high, target))


@given(st.sampled_from([RD, NEW, HIGH]), fraction)
def test_achieved_exactly_when_the_shortfall_is_not_positive(target, value):
    achieved = compute.ratio_status(value, target) is Status.ACHIEVED
    assert achieved == (compute.shortfall_pp(value, target) <= 1e-9)


@given(fraction, fraction)
def test_change_pp_is_antisymmetric_and_in_points(a, b):
    assert compute.change_pp(a, b) == pytest.approx(-compute.change_pp(b, a))
    assert compute.change_pp(a, a) == 0
    assert compute.change_pp(a, b) == pytest.approx((a - b) * 100)


@given(st.integers(0, 10), st.integers(0, 10), st.integers(1, 5), st.floats(0, 1))
def test_count_status_is_monotone_in_the_value(a, b, target, elapsed):
    low, high = sorted((a, b))
    assert ORDER.index(compute.count_status(low, target, elapsed)) <= ORDER.index(
        compute.count_status(high, target, elapsed)
    )


@given(st.integers(0, 10), st.integers(1, 5), st.floats(0, 1), st.floats(0, 1))
def test_count_status_never_improves_as_time_passes(value, target, e1, e2):
    early, late = sorted((e1, e2))
    assert ORDER.index(compute.count_status(value, target, late)) <= ORDER.index(
        compute.count_status(value, target, early)
    )


@given(st.dates(dt.date(2020, 1, 1), dt.date(2032, 1, 1)), st.dates(dt.date(2020, 1, 1), dt.date(2032, 1, 1)))
def test_elapsed_fraction_is_clipped_and_monotone(d1, d2):
    early, late = sorted((d1, d2))
    e, f = (compute.elapsed_fraction(d, START, DEADLINE) for d in (early, late))
    assert 0.0 <= e <= f <= 1.0
