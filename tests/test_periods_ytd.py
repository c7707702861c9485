"""Year-to-date month ranges, as Chinese statistical tables name their periods (1—3月, 1—6月,
1—9月, 1—12月), and the spellings refused with a reason (CONTRACT.md §1, DOMAIN.md §2)."""

from __future__ import annotations

import pandas as pd
import pytest
from support import ingest_text, problems, stats_csv

from kpi.cli import main
from kpi.model.periods import parse_period, parse_periods, refusal

# (the contract's own spellings: tests/test_periods.py)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2025年01-09月", "2025Q3"),
        ("2025年1-9月", "2025Q3"),
        ("2025年1—9月", "2025Q3"),
        ("2025年01—09月", "2025Q3"),
        ("2025年01-9月", "2025Q3"),
        ("2025年1月-9月", "2025Q3"),  # 1月至9月, as bulletins write it
        ("2025年1月至9月", "2025Q3"),
        ("2025年1-9月份", "2025Q3"),
        ("2025年01-03月", "2025Q1"),
        ("2025年1—3月", "2025Q1"),
        ("2025年01-06月", "2025Q2"),
        ("2025年01-12月", "2025Q4"),
        ("2025年1—12月", "2025Q4"),
        ("2026年1—9月", "2026Q3"),  # the dashboard's own label reads back
        ("2025第3季度", "2025Q3"),  # 第 separates the year from the quarter
        ("2025三季度", "2025Q3"),  # a Chinese numeral cannot run into the year
        ("2025年3季", "2025Q3"),
    ],
)
def test_year_to_date_month_ranges_to_a_quarter_end_are_that_quarter(text, code):
    assert parse_periods(pd.Series([text])).iloc[0] == code


@pytest.mark.parametrize(
    ("text", "reason", "instead"),
    [
        ("20253季", "digit_run", ("2025Q3", "2025年3季度")),  # 2025 Q3, or a typo? not a listed form
        ("20253季度", "digit_run", ("2025Q3", "2025年3季度")),
        ("2025年2-9月", "ytd_start", ("2025年1-9月",)),
        ("2025年4-6月", "ytd_start", ("2025年1-6月",)),  # one quarter, not the year to date
        ("2025年07—09月", "ytd_start", ("2025年1-9月",)),
        ("2025年1-8月", "quarter_end", ("2025年1-3月", "2025年1-6月", "2025年1-9月", "2025年1-12月")),
        ("2025年01-11月", "quarter_end", ("2025年1-3月", "2025年1-6月", "2025年1-9月", "2025年1-12月")),
        ("2025年2-8月", "quarter_end", ("2025年1-3月", "2025年1-6月", "2025年1-9月", "2025年1-12月")),
    ],
)
def test_refused_spellings_say_why_and_what_to_write(text, reason, instead):
    assert parse_period(text) is None
    assert refusal(text) == (reason, instead)


@pytest.mark.parametrize(
    "text", ["2025Q3", "2025年1-9月", "2025Q9", "abc", "", "2025年1-13月", "1989年2-9月"]
)
def test_no_reason_for_periods_and_for_what_looks_like_no_period(text):
    assert refusal(text) is None


def test_a_file_with_refused_periods_is_rejected_with_the_reason(db):
    result = ingest_text(
        db,
        stats_csv(
            "2025年01-09月,南湖区,,30,1000,500,1000,70,100",
            "2025年4-6月,秀洲区,,30,1000,500,1000,70,100",
            "20253季,嘉善县,,30,1000,500,1000,70,100",
        ),
    )
    assert not result.stored
    assert problems(result.report) == [("UNKNOWN_PERIOD", 3, "统计期"), ("UNKNOWN_PERIOD", 4, "统计期")]
    ytd, run = result.report.errors
    assert ytd.message("zh") == (
        "统计期“2025年4-6月”不可用：数值是年初至今的累计值，月份范围应从 1 月开始，请写作 2025年1-6月"
    )
    assert ytd.message("en") == (
        "period “2025年4-6月” is not accepted: the values are cumulative from January, so a month range "
        "starts in January; write 2025年1-6月"
    )
    assert (
        run.message("zh")
        == "统计期“20253季”不可用：年份与季度数字连写，含义不明，请写作 2025Q3 或 2025年3季度"
    )


def test_a_file_with_year_to_date_month_ranges_is_stored(db):
    result = ingest_text(
        db,
        stats_csv(
            "2025年01-03月,南湖区,,30,1000,500,1000,70,100", "2025年1—6月,南湖区,,60,2000,900,2000,140,200"
        ),
    )
    assert result.stored, [i.describe() for i in result.report.errors]


def test_the_command_line_says_why_a_period_is_refused(db, capsys):
    assert main.main(["status", "--period", "2025年1-8月", "--db", str(db)]) == 2
    assert main.main(["status", "--period", "20253季", "--db", str(db), "--lang", "en"]) == 2
    assert main.main(["status", "--period", "2025Q9", "--db", str(db)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "统计期不可用：2025年1-8月（月份范围应截至季末的 3、6、9 或 12 月，请写作 2025年1-3月、2025年1-6月、2025年1-9月 或 2025年1-12月）",
        "period not accepted: 20253季 (a year run together with a quarter digit is ambiguous; write 2025Q3 or 2025年3季度)",
        "无法识别的统计期：2025Q9",
    ]
