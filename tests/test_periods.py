"""Period spellings (CONTRACT.md §1) and year-to-date quarter arithmetic: pure, no database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.model.periods import Period, from_code, parse_period, parse_periods, quarters_between

CONTRACT_SPELLINGS = ("2025Q3", "2025-Q3", "2025年1-9月", "2025年1—9月", "2025年三季度")


@pytest.mark.parametrize("text", CONTRACT_SPELLINGS)
def test_every_contract_spelling_is_the_cumulative_third_quarter(text):
    assert parse_period(text) == Period(2025, 3)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # case, spaces and other dashes
        ("2025q3", "2025Q3"),
        (" 2025 Q3 ", "2025Q3"),
        ("2025 年 1 - 9 月", "2025Q3"),
        ("2025年1–9月", "2025Q3"),  # en dash
        ("2025年1－9月", "2025Q3"),  # full-width hyphen
        ("2025年1~9月", "2025Q3"),
        ("2025年1～9月", "2025Q3"),
        ("2025年1至9月", "2025Q3"),
        ("2025年1到9月", "2025Q3"),
        ("2025年1-9", "2025Q3"),
        ("2025年1-09月", "2025Q3"),
        ("2025/Q3", "2025Q3"),
        ("2025_Q3", "2025Q3"),
        # quarter words
        ("2025年第三季度", "2025Q3"),
        ("2025年第3季度", "2025Q3"),
        ("2025年3季度", "2025Q3"),
        ("2025年前三季度", "2025Q3"),
        ("2025年一季度", "2025Q1"),
        ("2025年二季度", "2025Q2"),
        ("2025年四季度", "2025Q4"),
        # month ranges of the other quarters
        ("2025年1-3月", "2025Q1"),
        ("2025年1-03月", "2025Q1"),
        ("2025年1-6月", "2025Q2"),
        ("2025年1—6月", "2025Q2"),
        ("2025年上半年", "2025Q2"),
        ("2025年1-12月", "2025Q4"),
        ("2025年全年", "2025Q4"),
        ("2025年度", "2025Q4"),
        ("2024-Q1", "2024Q1"),
        ("1990Q1", "1990Q1"),
        ("2100Q4", "2100Q4"),
    ],
)
def test_further_spellings_parse(text, code):
    period = parse_period(text)
    assert period is not None
    assert period.code == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Q3",
        "2025",
        "2025年",
        "2025Q0",
        "2025Q5",
        "2025-09",
        "25Q3",
        "2025年1-8月",  # not a quarter end
        "2025年1-10月",
        "2025年2-9月",  # year-to-date starts in January
        "2025年第五季度",
        "1989Q4",  # a typo for a year, not a period
        "2101Q1",
        "三季度",
        "abc",
    ],
)
def test_non_periods_are_rejected(text):
    assert parse_period(text) is None


def test_parse_periods_is_vectorised_and_keeps_the_index():
    values = pd.Series(["2025Q3", "bad", "2024年1-6月", ""], index=[10, 11, 12, 13])
    out = parse_periods(values)
    assert list(out.index) == [10, 11, 12, 13]
    assert out[10] == "2025Q3"
    assert pd.isna(out[11])
    assert out[12] == "2024Q2"
    assert pd.isna(out[13])


@pytest.mark.parametrize(
    ("period", "end"),
    [
        (Period(2025, 1), dt.date(2025, 3, 31)),
        (Period(2025, 2), dt.date(2025, 6, 30)),
        (Period(2025, 3), dt.date(2025, 9, 30)),
        (Period(2025, 4), dt.date(2025, 12, 31)),
        (Period(2024, 1), dt.date(2024, 3, 31)),
    ],
)
def test_end_date_is_the_last_day_of_the_quarter(period, end):
    assert period.end_date == end


def test_same_period_previous_year_and_previous_quarter():
    assert Period(2025, 3).previous_year() == Period(2024, 3)
    assert Period(2025, 3).previous_quarter() == Period(2025, 2)
    # year to date restarts in January: Q1 has no earlier quarter in its year
    assert Period(2025, 1).previous_quarter() is None


@pytest.mark.parametrize(
    ("period", "zh", "en"),
    [
        (Period(2025, 1), "2025年1—3月", "Jan–Mar 2025"),
        (Period(2025, 2), "2025年1—6月", "Jan–Jun 2025"),
        (Period(2025, 3), "2025年1—9月", "Jan–Sep 2025"),
        (Period(2025, 4), "2025年1—12月", "Jan–Dec 2025"),
    ],
)
def test_labels(period, zh, en):
    assert period.label("zh") == zh
    assert period.label("en") == en
    assert parse_period(zh) == period  # the Chinese label reads back


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (dt.date(2025, 10, 1), Period(2025, 3)),
        (dt.date(2025, 9, 30), Period(2025, 2)),
        (dt.date(2025, 4, 1), Period(2025, 1)),
        (dt.date(2025, 3, 31), Period(2024, 4)),
        (dt.date(2025, 1, 1), Period(2024, 4)),
    ],
)
def test_latest_complete_quarter(today, latest):
    assert Period.latest_complete(today) == latest


def test_from_code_rejects_anything_but_a_code():
    assert from_code("2025Q3") == Period(2025, 3)
    for bad in ("2025-Q3", "2025Q5", "2025年1-9月"):
        with pytest.raises(ValueError, match="not a period code"):
            from_code(bad)


def test_quarters_between_crosses_years_in_order():
    got = [p.code for p in quarters_between(Period(2024, 3), Period(2025, 2))]
    assert got == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert quarters_between(Period(2025, 2), Period(2025, 1)) == []


def test_periods_order_by_time():
    assert Period(2024, 4) < Period(2025, 1) < Period(2025, 2)


def test_code_and_label_round_trip_for_every_quarter_accepted():
    every = [Period(y, q) for y in range(1990, 2101) for q in range(1, 5)]
    for spell in (lambda p: p.code, lambda p: p.label("zh"), lambda p: f"{p.year}-Q{p.quarter}"):
        parsed = parse_periods(pd.Series([spell(p) for p in every]))
        assert list(parsed) == [p.code for p in every]
    assert all(from_code(p.code) == p for p in every)


def test_the_fast_road_for_stored_codes_reads_them_as_the_parser_does() -> None:
    """parse_period reads a stored code directly (issue 16); it must agree with the parser of
    every spelling on each code-like value, in range or not."""
    from kpi.model import periods

    for year in (1985, 1989, 1990, 2000, 2026, 2100, 2101, 2105):
        for q in range(0, 6):
            code = f"{year}Q{q}"
            slow = periods.parse_periods(pd.Series([code])).iloc[0]
            expected = None if pd.isna(slow) else periods.from_code(str(slow))
            assert periods.parse_period(code) == expected, code
