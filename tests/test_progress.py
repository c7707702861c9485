"""The progress arithmetic: hand-computed tables of cases and hypothesis properties.

Units as in kpi.progress: fractions, pp, 万元, fractional years (a period's time is year + q/4).
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.model.definitions import TargetKind
from kpi.model.periods import Period
from kpi.progress import gaps as progress_gaps
from kpi.progress import trajectory
from kpi.progress.compute import Target
from kpi.progress.projection import SamePeriodChange, project

DEADLINE = dt.date(2027, 12, 31)
START = dt.date(2025, 7, 4)
RD = Target(
    "rd_intensity", TargetKind.POINT, 0.0315, ">=", DEADLINE, START, green_pp=0.15, amber_pp=0.40,
    glide_green_pp=0.05, glide_amber_pp=0.15, baseline_year=2024,
)  # fmt: skip
NEW_PRODUCT = Target(
    "new_product_rate", TargetKind.FLOOR, 0.50, ">=", DEADLINE, START,
    glide_green_pp=0.5, glide_amber_pp=1.5, baseline_year=2024,
)  # fmt: skip
HIGHTECH = Target(
    "hightech_share", TargetKind.BAND, 0.73, "≈", DEADLINE, START, band_pp=1.0,
    glide_green_pp=0.5, glide_amber_pp=1.5, baseline_year=2024,
)  # fmt: skip
Q = Period


# ---------------------------------------------------------------- time and achievement


@pytest.mark.parametrize(
    ("period", "t"),
    [(Q(2024, 3), 2024.75), (Q(2024, 4), 2025.0), (Q(2027, 4), 2028.0), (Q(2026, 1), 2026.25)],
)
def test_period_time_is_the_quarter_end_in_fractional_years(period, t):
    assert trajectory.period_time(period) == t


def test_deadline_period_is_the_quarter_of_the_deadline_date():
    assert trajectory.deadline_period(RD) == Q(2027, 4)
    assert trajectory.period_of(dt.date(2027, 11, 15)) == Q(2027, 4)
    assert trajectory.period_of(dt.date(2026, 4, 1)) == Q(2026, 2)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (0.0315, RD, True),  # exactly at a point target
        (0.0314, RD, False),
        (0.50, NEW_PRODUCT, True),  # a floor kept
        (0.4999, NEW_PRODUCT, False),
        (0.72, HIGHTECH, True),  # the band's lower edge, 73 − 1
        (0.7199, HIGHTECH, False),
        (0.80, HIGHTECH, True),  # above the band: exceeded, counts as achieved
        (None, RD, None),
    ],
)
def test_each_kind_has_its_own_notion_of_achieved(value, target, expected):
    assert trajectory.is_achieved(value, target) is expected


# ---------------------------------------------------------------- baseline


@pytest.mark.parametrize(
    ("values", "period", "expected", "fallback"),
    [
        ({Q(2024, 3): 0.030, Q(2025, 3): 0.031, Q(2024, 4): 0.9}, Q(2025, 3), Q(2024, 3), False),
        # data start after the baseline year: the earliest same-quarter value, and say so
        ({Q(2025, 3): 0.031, Q(2026, 3): 0.032}, Q(2026, 3), Q(2025, 3), True),
        # the baseline year is a hole: nearest year, ties to the later one
        ({Q(2023, 3): 0.029, Q(2025, 3): 0.031, Q(2026, 3): 0.032}, Q(2026, 3), Q(2025, 3), True),
        # a None value is no value
        ({Q(2024, 3): None, Q(2023, 3): 0.029, Q(2026, 3): 0.032}, Q(2026, 3), Q(2023, 3), True),
        # only other quarters: nothing to compare with
        ({Q(2024, 4): 0.03, Q(2025, 2): 0.03}, Q(2025, 3), None, None),
        # nothing after the period counts
        ({Q(2027, 3): 0.03}, Q(2026, 3), None, None),
        # a series with one point: its own baseline
        ({Q(2026, 3): 0.032}, Q(2026, 3), Q(2026, 3), True),
    ],
)
def test_baseline_is_the_same_quarter_of_the_baseline_year(values, period, expected, fallback):
    base = trajectory.choose_baseline(values, period, 2024)
    if expected is None:
        assert base is None
    else:
        assert base is not None
        assert (base.period, base.value, base.fallback) == (expected, values[expected], fallback)


# ---------------------------------------------------------------- glide path


@pytest.mark.parametrize(
    ("base", "base_period", "period", "expected"),
    [
        (0.030, Q(2024, 4), Q(2024, 4), 0.030),  # at the baseline: the baseline
        (0.030, Q(2024, 4), Q(2025, 4), 0.0305),  # one year of three: + 0.15 pp / 3
        (0.030, Q(2024, 4), Q(2026, 4), 0.0310),
        (0.030, Q(2024, 4), Q(2027, 4), 0.0315),  # at the deadline: the target
        (0.030, Q(2024, 4), Q(2028, 2), 0.0315),  # after it: still the target
        (0.030, Q(2024, 3), Q(2026, 3), 0.0310),  # 2 of 3 whole years, as in Q4 (issue 12)
        (0.030, Q(2024, 1), Q(2025, 1), 0.0305),  # 1 of 3 whole years in Q1 too
        (0.030, Q(2024, 4), Q(2024, 3), None),  # before the baseline
        (None, Q(2024, 4), Q(2025, 4), None),  # no baseline value
        (0.032, Q(2024, 4), Q(2025, 4), 0.0315),  # met at the baseline: keep it
    ],
)
def test_glide_expected_hand_computed(base, base_period, period, expected):
    got = trajectory.glide_expected(base, base_period, 0.0315, Q(2027, 4), period)
    assert got == (None if expected is None else pytest.approx(expected, abs=1e-12))


@pytest.mark.parametrize(
    ("latest", "expected", "target", "status"),
    [
        (0.0316, 0.0305, RD, "achieved"),  # target already met
        (0.0304, 0.0305, RD, "on_track"),  # 0.01 pp below the path
        (0.0300, 0.0305, RD, "on_track"),  # 0.05 pp: the green bound is inclusive
        (0.0298, 0.0305, RD, "at_risk"),  # 0.07 pp
        (0.0290, 0.0305, RD, "at_risk"),  # 0.15 pp: the amber bound is inclusive
        (0.0289, 0.0305, RD, "off_track"),  # 0.16 pp
        (0.0300, 0.0315, RD, "at_risk"),  # exactly on the amber bound: (0.0315 − 0.03)·100 > 0.15 in floats
        (0.0310, 0.0305, RD, "on_track"),  # ahead of the path
        (None, 0.0305, RD, "insufficient_data"),
        (0.0300, None, RD, "insufficient_data"),
        (0.7205, 0.74, HIGHTECH, "achieved"),  # inside the band
        (0.49, 0.4933, NEW_PRODUCT, "on_track"),  # 0.33 pp below, green 0.5
        (0.47, 0.4933, NEW_PRODUCT, "off_track"),  # 2.33 pp, amber 1.5
    ],
)
def test_glide_status_hand_computed(latest, expected, target, status):
    assert trajectory.glide_status(latest, expected, target).value == status


def test_glide_is_grey_at_the_baseline_itself():
    """A series with one point: nothing has moved yet, so no colour."""
    base = trajectory.Baseline(Q(2026, 3), 0.030, 2024, True)
    g = trajectory.assess_glide(base, 0.030, Q(2026, 3), RD)
    assert g.status is trajectory.GlideStatus.INSUFFICIENT_DATA
    assert g.expected == 0.030 and g.distance_pp == 0.0


def test_assess_glide_names_the_thresholds_crossed():
    base = trajectory.Baseline(Q(2024, 4), 0.030, 2024, False)
    g = trajectory.assess_glide(base, 0.0298, Q(2025, 4), RD)
    assert g.expected == pytest.approx(0.0305)
    assert g.distance_pp == pytest.approx(0.07)
    assert g.time_elapsed == pytest.approx(1 / 3)
    assert g.progress == pytest.approx(-0.2 / 1.5)  # moving away: negative progress
    assert (g.status, g.crossed) == (trajectory.GlideStatus.AT_RISK, ("glide_green_pp",))


def test_glide_thresholds_fall_back_to_the_defaults():
    bare = Target("rd_intensity", TargetKind.POINT, 0.0315, ">=", DEADLINE, START)
    assert trajectory.glide_thresholds(bare) == (
        trajectory.DEFAULT_GLIDE_GREEN_PP,
        trajectory.DEFAULT_GLIDE_AMBER_PP,
    )


@pytest.mark.parametrize(
    ("base", "latest", "target", "expected"),
    [
        (0.030, 0.030, 0.0315, 0.0),
        (0.030, 0.0315, 0.0315, 1.0),
        (0.030, 0.03075, 0.0315, 0.5),
        (0.030, 0.0285, 0.0315, -1.0),  # moving away
        (0.030, 0.033, 0.0315, 2.0),  # beyond the target
        (0.0315, 0.032, 0.0315, None),  # base at the target: no way to cover
        (None, 0.03, 0.0315, None),
    ],
)
def test_progress_fraction_hand_computed(base, latest, target, expected):
    got = trajectory.progress_fraction(base, latest, target)
    assert got == (None if expected is None else pytest.approx(expected))


# ---------------------------------------------------------------- pace

# base 3.0 % at 2024Q4 (t₀ = 2025.0), target 3.15 % at 2027Q4 (T = 2028.0), latest one year on:
# r* = 1.05^(1/3) − 1 = 0.0163963568
R_STAR = 0.01639635681485352


@pytest.mark.parametrize(
    ("base", "latest", "latest_t", "r", "ratio", "cls"),
    [
        (0.030, 0.0306, 2026.0, 0.02, 1.2197831644, "substantial"),
        (0.030, 0.0303, 2026.0, 0.01, 0.6098915822, "moderate"),
        (0.030, 0.0301, 2026.0, 0.0033333333, 0.2032971941, "limited"),
        (0.030, 0.0300, 2026.0, 0.0, 0.0, "limited"),  # 0 belongs to 'limited'
        (0.030, 0.0297, 2026.0, -0.01, -0.6098915822, "moving_away"),
        (0.030, 0.0316, 2026.0, 0.0533333333, 3.2527551049, "achieved"),  # already met
        (0.030, 0.0301, 2025.0, None, None, "insufficient_data"),  # one point: no time passed
        (0.0, 0.0301, 2026.0, None, None, "insufficient_data"),  # zero base
        (None, 0.0301, 2026.0, None, None, "insufficient_data"),  # missing base
        (0.030, None, 2026.0, None, None, "insufficient_data"),  # missing latest
    ],
)
def test_pace_hand_computed(base, latest, latest_t, r, ratio, cls):
    p = trajectory.pace(base, 2025.0, latest, latest_t, 0.0315, 2028.0)
    assert p.pace_class.value == cls
    assert p.r == (None if r is None else pytest.approx(r, abs=1e-9))
    assert p.ratio == (None if ratio is None else pytest.approx(ratio, rel=1e-9))
    if base:
        assert p.r_star == pytest.approx(R_STAR, rel=1e-12)


def test_pace_of_a_floor_met_at_the_baseline_and_lost_is_moving_away():
    p = trajectory.pace(0.52, 2025.0, 0.49, 2026.0, 0.50, 2028.0)
    assert p.pace_class is trajectory.PaceClass.MOVING_AWAY and p.ratio is None
    kept = trajectory.pace(0.52, 2025.0, 0.51, 2026.0, 0.50, 2028.0)
    assert kept.pace_class is trajectory.PaceClass.ACHIEVED


def test_pace_counts_a_band_as_achieved_from_its_lower_edge():
    p = trajectory.pace(
        0.70, 2025.0, 0.7205, 2026.0, 0.73, 2028.0, achieved_at=trajectory.achieved_from(HIGHTECH)
    )
    assert p.pace_class is trajectory.PaceClass.ACHIEVED


# ---------------------------------------------------------------- catch-up


@pytest.mark.parametrize(
    ("num", "den", "target", "extra"),
    [
        (2990.0, 100_000.0, 0.0315, 160.0),  # R&D 2.99 %: 160 万元 short of 3.15 %
        (3200.0, 100_000.0, 0.0315, -50.0),  # met: 50 万元 to spare
        (49.0, 100.0, 0.50, 1.0),  # new-product output
        (70_000.0, 100_000.0, 0.73, 3000.0),  # high-tech value added at 73 %
        (3000.0, 0.0, 0.0315, None),  # zero denominator
        (None, 100_000.0, 0.0315, None),  # missing numerator
        (3000.0, None, 0.0315, None),
    ],
)
def test_catch_up_money_hand_computed(num, den, target, extra):
    got = progress_gaps.catch_up_money(num, den, target)
    assert got == (None if extra is None else pytest.approx(extra, abs=1e-9))


@pytest.mark.parametrize(
    ("latest", "latest_t", "growth", "pp"),
    [
        (0.030, 2026.0, 0.02469507659595993, 0.075),  # √1.05 − 1 a year, 0.15 pp over 2 years
        (0.0315, 2026.0, 0.0, 0.0),
        (0.0330, 2026.0, -0.0229915786, -0.075),  # already above: may fall
        (0.0, 2026.0, None, 1.575),
        (None, 2026.0, None, None),
        (0.030, 2028.0, None, None),  # deadline reached
    ],
)
def test_required_growth_hand_computed(latest, latest_t, growth, pp):
    got = trajectory.required_annual_growth(latest, latest_t, 0.0315, 2028.0)
    assert got == (None if growth is None else pytest.approx(growth, abs=1e-7))
    per_year = trajectory.required_pp_per_year(latest, latest_t, 0.0315, 2028.0)
    assert per_year == (None if pp is None else pytest.approx(pp))


def test_region_gap_contributions_hand_computed():
    rows = [("A", 2000.0, 100_000.0), ("B", 4000.0, 100_000.0), ("C", None, 5000.0), ("D", 10.0, 0.0)]
    gaps = progress_gaps.region_gap_contributions(rows, 0.0315)
    # A: 3150 − 2000 = 1150 short; B: 3150 − 4000 = 850 over; city: 6300 − 6000 = 300 short
    assert [(g.region, g.gap_money) for g in gaps.regions] == [
        ("A", pytest.approx(1150.0)),
        ("B", pytest.approx(-850.0)),
    ]
    assert gaps.total == pytest.approx(300.0)
    assert [g.share for g in gaps.regions] == [pytest.approx(1150 / 300), pytest.approx(-850 / 300)]
    assert gaps.missing == ("C", "D")


def test_region_gap_contributions_of_nobody():
    gaps = progress_gaps.region_gap_contributions([("A", None, None)], 0.5)
    assert (gaps.total, gaps.regions, gaps.missing) == (0.0, (), ("A",))


# ---------------------------------------------------------------- why it moved


@pytest.mark.parametrize(
    ("num0", "den0", "num1", "den1", "total", "num_effect", "den_effect"),
    [
        (3000, 100_000, 3100, 100_000, 0.1, 0.1, 0.0),  # numerator only
        (3000, 100_000, 3000, 97_000, 0.0927835052, 0.0, 0.0927835052),  # revenue fall only
        (2000, 100_000, 2200, 110_000, 0.0, 0.1909090909, -0.1909090909),  # both +10 %: cancel
        # R&D +1 %, revenue −2 %: +0.09 pp, of which the revenue fall explains 0.06
        (3000, 100_000, 3030, 98_000, 0.0918367347, 0.0303061224, 0.0615306122),
    ],
)
def test_decompose_change_hand_computed(num0, den0, num1, den1, total, num_effect, den_effect):
    d = progress_gaps.decompose_change(num0, den0, num1, den1)
    assert d is not None
    assert d.total_pp == pytest.approx(total, abs=1e-9)
    assert d.numerator_effect_pp == pytest.approx(num_effect, abs=1e-9)
    assert d.denominator_effect_pp == pytest.approx(den_effect, abs=1e-9)


@pytest.mark.parametrize(
    "args",
    [(3000, 0, 3100, 100_000), (3000, 100_000, 3100, 0), (None, 100_000, 3100, 100_000)],
)
def test_decompose_change_undefined_with_a_zero_or_missing_part(args):
    assert progress_gaps.decompose_change(*args) is None


# ---------------------------------------------------------------- projection


def test_projection_continues_the_annual_trend():
    p = project({2022: 0.70, 2023: 0.71, 2024: 0.72, 2025: 0.73})
    assert p is not None
    assert p.value == pytest.approx(0.75) and p.slope_pp_per_year == pytest.approx(1.0)
    assert (p.first_year, p.last_year, p.points, p.start_year, p.used_same_period) == (
        2022,
        2025,
        4,
        2025,
        False,
    )
    assert "2022—2025" in p.assumption_zh and "not a forecast" in p.assumption_en


def test_projection_starts_from_the_latest_same_period_change():
    # 2026 estimated as 0.73 + 0.02 = 0.75 (Jan–Sep y/y), then +1 pp a year to 2027
    p = project({2024: 0.72, 2025: 0.73}, SamePeriodChange(Q(2026, 3), 0.02))
    assert p is not None and p.used_same_period
    assert (p.start_year, p.start_value, p.value) == (2026, pytest.approx(0.75), pytest.approx(0.76))
    assert "2026年1—9月" in p.assumption_zh


@pytest.mark.parametrize(
    "latest",
    [SamePeriodChange(Q(2026, 4), 0.02), SamePeriodChange(Q(2027, 1), 0.02), None],
    ids=["q4-is-annual-already", "not-the-year-after", "none"],
)
def test_projection_ignores_a_same_period_change_it_cannot_use(latest):
    p = project({2024: 0.72, 2025: 0.73}, latest)
    assert p is not None and not p.used_same_period and p.value == pytest.approx(0.75)


@pytest.mark.parametrize(
    "annual",
    [{}, {2025: 0.73}, {2024: None, 2025: 0.73}, {2017: 0.471, 2025: 0.73}],
    ids=["empty", "one-point", "one-value", "before-the-break"],
)
def test_no_projection_from_fewer_than_two_points(annual):
    assert project(annual, SamePeriodChange(Q(2026, 3), 0.01)) is None


def test_projection_is_clipped_to_a_fraction_and_says_so():
    p = project({2024: 0.90, 2025: 0.99})
    assert p is not None and p.value == 1.0 and p.clipped
    assert "clipped" in p.assumption_en


# ---------------------------------------------------------------- properties

fractions = st.floats(min_value=0.001, max_value=0.999, allow_nan=False)
money = st.floats(min_value=1.0, max_value=1e9, allow_nan=False)
years = st.integers(min_value=2020, max_value=2026)
quarters = st.integers(min_value=1, max_value=4)


@given(base=fractions, target=fractions)
def test_progress_is_zero_at_the_baseline_and_one_at_the_target(base, target):
    if base == target:
        assert trajectory.progress_fraction(base, target, target) is None
        return
    assert trajectory.progress_fraction(base, base, target) == 0.0
    assert trajectory.progress_fraction(base, target, target) == 1.0


@given(base=fractions, target=fractions, year=st.integers(2018, 2026), quarter=quarters)
def test_glide_path_runs_from_the_baseline_to_the_target(base, target, year, quarter):
    start, deadline = Q(year, quarter), Q(2027, 4)
    assert trajectory.glide_expected(base, start, target, deadline, deadline) == target
    at_start = trajectory.glide_expected(base, start, target, deadline, start)
    assert at_start == (base if base < target else target)


@given(base=fractions, target=fractions, latest=fractions, elapsed=st.integers(1, 7))
def test_pace_growth_rates_reach_their_end_points(base, target, latest, elapsed):
    """Same-period values are whole years apart; the target is 3 years after a Q4 baseline."""
    p = trajectory.pace(base, 2025.0, latest, 2025.0 + elapsed, target, 2028.0)
    assert p.r is not None and p.r_star is not None
    assert base * (1 + p.r_star) ** 3.0 == pytest.approx(target, rel=1e-9)
    assert base * (1 + p.r) ** elapsed == pytest.approx(latest, rel=1e-9)
    if latest < target and base < target:
        assert p.ratio is not None and (p.ratio >= 0) == (latest >= base)


@given(share=st.floats(0, 1, allow_nan=False), den=money, target=fractions)
def test_catch_up_money_meets_the_target_exactly(share, den, target):
    num = share * den  # a numerator never exceeds its denominator (upload validation)
    extra = progress_gaps.catch_up_money(num, den, target)
    assert extra is not None
    assert (num + extra) / den == pytest.approx(target, rel=1e-9, abs=1e-12)


@given(num0=money, den0=money, num1=money, den1=money)
def test_decomposition_effects_add_up_to_the_total_change(num0, den0, num1, den1):
    d = progress_gaps.decompose_change(num0, den0, num1, den1)
    assert d is not None
    scale = max(1.0, abs(d.numerator_effect_pp), abs(d.total_pp))
    assert d.numerator_effect_pp + d.denominator_effect_pp == pytest.approx(
        d.total_pp, rel=0, abs=4e-16 * scale
    )
    back = progress_gaps.decompose_change(num1, den1, num0, den0)  # symmetric: reversing time flips the signs
    assert back is not None
    assert back.numerator_effect_pp == pytest.approx(-d.numerator_effect_pp, abs=1e-9 * scale)


@given(
    rows=st.lists(st.tuples(st.floats(0, 1e8, allow_nan=False), money), min_size=1, max_size=12),
    target=fractions,
)
def test_region_contributions_add_up_to_the_city_gap(rows, target):
    named = [(f"R{i}", n, d) for i, (n, d) in enumerate(rows)]
    gaps = progress_gaps.region_gap_contributions(named, target)
    assert gaps.total == math.fsum(g.gap_money for g in gaps.regions)
    city = progress_gaps.catch_up_money(sum(n for n, _ in rows), sum(d for _, d in rows), target)
    assert city == pytest.approx(gaps.total, rel=1e-9, abs=1e-6)
    if gaps.total:
        assert math.fsum(g.share or 0.0 for g in gaps.regions) == pytest.approx(1.0, abs=1e-6)


def _status(values: dict[Period, float | None], period: Period, target: Target) -> tuple[str, str]:
    base = trajectory.choose_baseline(values, period, 2024)
    latest = values.get(period)
    glide = trajectory.assess_glide(base, latest, period, target)
    t0 = trajectory.period_time(base.period) if base else trajectory.period_time(period)
    pace = trajectory.pace(
        base.value if base else None, t0, latest, trajectory.period_time(period), target.value, 2028.0
    )
    return glide.status.value, pace.pace_class.value


@given(
    series=st.dictionaries(
        st.tuples(st.integers(2020, 2027), quarters).map(lambda yq: Q(*yq)),
        st.one_of(st.none(), st.floats(0.02, 0.04, allow_nan=False)),
        min_size=1,
        max_size=20,
    ),
    drop=st.tuples(st.integers(2020, 2027), quarters).map(lambda yq: Q(*yq)),
)
def test_status_never_flips_from_a_single_missing_value(series, drop):
    """One value missing changes no light except its own period's (which turns grey), or the
    baseline's when it was the baseline (then a fallback baseline is named)."""
    period = max(series)
    before = _status(series, period, RD)
    base = trajectory.choose_baseline(series, period, 2024)
    gone = {**series, drop: None}
    after = _status(gone, period, RD)
    if drop == period and series[period] is not None:
        assert after == ("insufficient_data", "insufficient_data")
    elif base is None or drop != base.period:
        assert after == before
