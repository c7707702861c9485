"""Values that would change the data are refused (issue 15): a decimal comma, a space inside a
number, digits other than 0-9, an amount past its bound once its unit is applied, a count past
its own, a row with no value, a quarter that has not ended, a register date outside the
programme's life, a name past its length. Each refusal names the line, the column and the
reason in Chinese, exit code 2 from `kpi`, and the database is as it was.

One tiny fixture file per kind of bad input, in fixtures/refused/; the class around each case
(other separators, other overflows, other digit forms) is parametrised below."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from support import (
    FIXTURES,
    HEADER,
    TODAY,
    fingerprint,
    ingest_bytes,
    ingest_text,
    problems,
    run_kpi,
    stats_csv,
)

from kpi.ingest.platforms import check_platforms, ingest_platforms
from kpi.model.definitions import MAX_AMOUNT_WAN, MAX_ENTERPRISES
from kpi.model.periods import Period
from kpi.platforms import reviews
from kpi.store import connection

REFUSED = FIXTURES / "refused"
SEED = stats_csv(
    "2024Q4,南湖区,,40,1300,650,1300,90,130",
    "2025Q1,南湖区,,30,1000,500,1000,70,100",
)
SEED_PLATFORMS = "平台名称,依托单位,县(市、区),服务集群,级别\n光伏中试平台,某公司,海宁市,智能光伏,省级\n"
# any exception's text: a class name ending in Error or Exception, ArrowInvalid, a traceback
EXCEPTION_TEXT = re.compile(r"Traceback|\w+(Error|Exception)\b|ArrowInvalid|Invalid Input|out of range for")

RD, REV, GROSS, HT, IVA, PERIOD = (
    "研发费用",
    "营业收入",
    "工业总产值",
    "高新技术产业增加值",
    "规上工业增加值",
    "统计期",
)

STATS = {
    "decimal_comma.csv": [("BAD_THOUSANDS", 3, RD), ("BAD_THOUSANDS", 4, REV)],  # "1,5", "0,5"
    "thousands_groups.csv": [  # 1,234,567.8 on line 2 is fine; 1,2,3  12,34  1,234,56  1,234.5,6  1,,234
        ("BAD_THOUSANDS", 3, RD),
        ("BAD_THOUSANDS", 4, RD),
        ("BAD_THOUSANDS", 5, REV),
        ("BAD_THOUSANDS", 6, REV),
        ("BAD_THOUSANDS", 7, REV),
    ],
    "lone_punctuation.csv": [  # a cell holding only , . - +
        ("NOT_A_NUMBER", 3, RD),
        ("NOT_A_NUMBER", 4, REV),
        ("NOT_A_NUMBER", 5, "新产品产值"),
        ("NOT_A_NUMBER", 6, GROSS),
    ],
    "space_inside.csv": [  # space, NBSP, thin space, narrow NBSP, zero-width space, U+3000
        ("SPACE_IN_NUMBER", 3, RD),
        ("SPACE_IN_NUMBER", 4, RD),
        ("SPACE_IN_NUMBER", 5, REV),
        ("SPACE_IN_NUMBER", 6, REV),
        ("SPACE_IN_NUMBER", 7, RD),
        ("SPACE_IN_NUMBER", 8, RD),
    ],
    "unicode_digits_number.csv": [  # Arabic-Indic, Devanagari, superscript, mathematical bold
        ("FOREIGN_DIGITS", 3, RD),
        ("FOREIGN_DIGITS", 4, REV),
        ("FOREIGN_DIGITS", 5, RD),
        ("FOREIGN_DIGITS", 6, RD),
    ],
    "amount_out_of_range.csv": [  # 1e305 亿元, 1e400, inf, nan, 2e7 亿元, 2e11 万元
        ("AMOUNT_OUT_OF_RANGE", 3, "研发费用(亿元)"),
        ("AMOUNT_OUT_OF_RANGE", 3, "营业收入(亿元)"),
        ("AMOUNT_OUT_OF_RANGE", 4, GROSS),
        ("NOT_A_NUMBER", 5, HT),
        ("NOT_A_NUMBER", 6, IVA),
        ("AMOUNT_OUT_OF_RANGE", 7, "营业收入(亿元)"),
        ("AMOUNT_OUT_OF_RANGE", 8, GROSS),
    ],
    "enterprises_out_of_range.csv": [  # 1e20, 2^63, 1,000,001, -3, 2.5
        ("COUNT_OUT_OF_RANGE", 3, "企业数"),
        ("COUNT_OUT_OF_RANGE", 4, "企业数"),
        ("COUNT_OUT_OF_RANGE", 5, "企业数"),
        ("NEGATIVE_COUNT", 6, "企业数"),
        ("NOT_A_WHOLE_NUMBER", 7, "企业数"),
    ],
    "no_values.csv": [("NO_VALUES", 3, None), ("NO_VALUES", 4, None)],  # the keys of two seeded rows
    "period_not_ended.csv": [
        ("PERIOD_NOT_ENDED", 3, PERIOD),
        ("PERIOD_NOT_ENDED", 4, PERIOD),
        ("PERIOD_NOT_ENDED", 5, PERIOD),
    ],
    "unicode_digits_period.csv": [  # ٢٠٢٥Q1, २०२५Q1, 𝟐𝟎𝟐𝟓Q1
        ("UNKNOWN_PERIOD", 3, PERIOD),
        ("UNKNOWN_PERIOD", 4, PERIOD),
        ("UNKNOWN_PERIOD", 5, PERIOD),
    ],
}
REGISTER = {
    "register_dates.csv": [  # 2031, 1677, 0000-01-01, 2014-12-31, revoked in 2031, ٢٠٢٥
        ("DATE_OUT_OF_RANGE", 3, "认定时间"),
        ("DATE_OUT_OF_RANGE", 4, "认定时间"),
        ("BAD_DATE", 5, "认定时间"),
        ("DATE_OUT_OF_RANGE", 6, "认定时间"),
        ("DATE_OUT_OF_RANGE", 7, "撤销时间"),
        ("BAD_DATE", 8, "认定时间"),
    ],
    "register_long_names.csv": [("TEXT_TOO_LONG", 3, "平台名称"), ("TEXT_TOO_LONG", 4, "依托单位")],
}
REVIEWS = {
    "review_years.csv": [  # 2014, 2031, ٢٠٢٥, "85,5"
        ("YEAR_OUT_OF_RANGE", 3, "考核年度"),
        ("YEAR_OUT_OF_RANGE", 4, "考核年度"),
        ("BAD_YEAR", 5, "考核年度"),
        ("BAD_SCORE", 6, "考核得分"),
    ],
}

# the exact Chinese line a user reads, one per kind (`今天` is the real date in the register's)
MESSAGES = {
    ("decimal_comma.csv", 3): "第 3 行，列“研发费用”：“1,5”中逗号的位置不对：千位分隔符须三位一组"
    "（如 1,234,567.8），小数请用小数点（如 1.5） [BAD_THOUSANDS]",
    ("lone_punctuation.csv", 3): "第 3 行，列“研发费用”：“,”不是数字 [NOT_A_NUMBER]",
    ("space_inside.csv", 4): "第 4 行，列“研发费用”：“3\u00a000”中间有空格或不可见字符（U+00A0）："
    "数字中不能有空格，千位分隔请用逗号（如 1,234） [SPACE_IN_NUMBER]",
    (
        "unicode_digits_number.csv",
        3,
    ): "第 3 行，列“研发费用”：“٣٠”含有 0–9 以外的数字字符“٣”：请用 0–9 书写 [FOREIGN_DIGITS]",
    (
        "amount_out_of_range.csv",
        3,
    ): "第 3 行，列“研发费用(亿元)”：金额“1e305”超出合理范围：换算为万元后须为有限值"
    "且不超过 100,000,000,000 万元（单位或小数点是否有误？） [AMOUNT_OUT_OF_RANGE]",
    ("enterprises_out_of_range.csv", 4): "第 4 行，列“企业数”：企业数“9223372036854775808”超出合理范围："
    "一行最多 1,000,000 家 [COUNT_OUT_OF_RANGE]",
    ("no_values.csv", 3): "第 3 行：此行只有统计期、地区和集群，没有任何数值：这样的行会清空已入库的数值，"
    "故不接受；不报送的行请删除 [NO_VALUES]",
    ("period_not_ended.csv", 3): "第 3 行，列“统计期”：统计期“2031Q1”尚未结束（至 2031-03-31 止）："
    "季度结束后才有统计数据 [PERIOD_NOT_ENDED]",
    ("unicode_digits_period.csv", 3): "第 3 行，列“统计期”：统计期“٢٠٢٥Q1”不可用：含有 0–9 以外的数字字符，"
    "请用 0–9 书写，如 2025Q1 [UNKNOWN_PERIOD]",
    ("register_dates.csv", 3): "第 3 行，列“认定时间”：日期“2031-01-01”不在中试平台工作的年限内："
    "应在 2015-01-01 至今天（{today}）之间 [DATE_OUT_OF_RANGE]",
    (
        "register_long_names.csv",
        3,
    ): "第 3 行，列“平台名称”：“平台名称”过长：101 个字，最多 100 个字 [TEXT_TOO_LONG]",
    (
        "review_years.csv",
        4,
    ): "第 4 行，列“考核年度”：考核年度“2031”应在 2015 年至今年（{year}）之间 [YEAR_OUT_OF_RANGE]",
}


def _sorted(items):
    return sorted(items, key=lambda p: (p[1] or 0, p[2] or "", p[0]))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, _db_template: Path):
    path = tmp_path_factory.mktemp("refused") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    assert ingest_text(path, SEED).stored
    with connection.connect(path) as con:
        assert ingest_platforms(con, SEED_PLATFORMS.encode(), "p.csv").stored
    return path, fingerprint(path)


@pytest.fixture
def seeded_db(seeded, tmp_path: Path) -> Path:
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(seeded[0], path)
    return path


def _ingest(db: Path, name: str):
    data = (REFUSED / name).read_bytes()
    if name in STATS:
        return ingest_bytes(db, data, name)
    with connection.connect(db) as con:
        if name in REGISTER:
            return ingest_platforms(con, data, name)
        return reviews.ingest_reviews(con, data, name)


CASES = {**STATS, **REGISTER, **REVIEWS}


def test_every_refused_fixture_has_a_case():
    assert {p.name for p in REFUSED.iterdir()} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_refused_file_names_every_problem_and_changes_nothing(seeded, seeded_db, name):
    result = _ingest(seeded_db, name)
    assert not result.stored
    assert _sorted(problems(result.report)) == _sorted(CASES[name])
    assert fingerprint(seeded_db) == seeded[1]


@pytest.mark.parametrize(("name", "line"), sorted(MESSAGES))
def test_the_exact_chinese_reason(seeded_db, name, line):
    result = _ingest(seeded_db, name)
    issue = next(i for i in result.report.errors if i.line == line)
    today = dt.date.today()
    assert issue.describe("zh") == MESSAGES[name, line].format(today=today.isoformat(), year=today.year)
    assert issue.message("en") and not re.search("[\u4e00-\u9fff]", issue.message("en").split("“")[0])


def test_the_command_line_refuses_every_file_with_exit_2_and_plain_words(seeded, seeded_db):
    stats = sorted(STATS)
    out = run_kpi("ingest", "stats", *(str(REFUSED / n) for n in stats), db=seeded_db)
    assert out.returncode == 2
    assert out.stdout == ""  # nothing stored, nothing to report as stored
    for name in stats:
        n = len(STATS[name])
        assert f"文件 {name} 未入库：发现 {n} 个问题" in out.stderr
        for issue in _ingest_copy(seeded, name).report.errors:
            assert "  " + issue.describe("zh") in out.stderr.splitlines()
    assert not EXCEPTION_TEXT.search(out.stderr)
    for name in (*REGISTER, *REVIEWS):
        kind = "platforms" if name in REGISTER else "reviews"
        out = run_kpi("ingest", kind, str(REFUSED / name), db=seeded_db)
        assert out.returncode == 2 and not EXCEPTION_TEXT.search(out.stderr)
        assert f"文件 {name} 未入库：发现 {len(CASES[name])} 个问题" in out.stderr
    assert fingerprint(seeded_db) == seeded[1]


def _ingest_copy(seeded, name: str):
    """The in-process report of a fixture (on a copy, the test's own database untouched)."""
    return ingest_bytes(seeded[0], (REFUSED / name).read_bytes(), name)


# ---------------------------------------------------------------- the class around each case

ROW = "2025Q1,秀洲区,,{rd},{rev},500,1000,70,100"
UNITS = ("南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市", "嘉兴经开区", "嘉兴港区")


def _lines(cells: list[str], *, extra: str = "", unit: str = "") -> str:
    """One row per cell, each in 营业收入 (or the enterprises column with `extra`), in one file:
    the cell's line is its index + 2. Periods step back a quarter every nine rows."""
    rows = []
    for i, cell in enumerate(cells):
        period = f"{2025 - i // 36}Q{4 - (i // 9) % 4}"
        quoted = f'"{cell}"'
        rev = "1000" if extra else quoted
        rows.append(f"{period},{UNITS[i % 9]},,0,{rev},500,1000,70,100" + (f",{quoted}" if extra else ""))
    header = HEADER + extra if extra else HEADER.replace(REV, REV + unit)
    return stats_csv(*rows, header=header)


SEPARATORS = [
    ("1,5", "BAD_THOUSANDS"),
    ("0,5", "BAD_THOUSANDS"),
    ("12,34", "BAD_THOUSANDS"),
    ("1,2,3", "BAD_THOUSANDS"),
    ("1234,567", "BAD_THOUSANDS"),
    ("1,234,56", "BAD_THOUSANDS"),
    ("1.234,5", "BAD_THOUSANDS"),  # a European decimal comma is not guessed either
    (",5", "BAD_THOUSANDS"),
    ("１，２３", "BAD_THOUSANDS"),  # full-width forms are read as ASCII, then checked alike
    ("1'234", "NOT_A_NUMBER"),
    ("1_234", "NOT_A_NUMBER"),  # Python's float() would take it
    ("1;234", "NOT_A_NUMBER"),
    ("1、234", "NOT_A_NUMBER"),
    ("0x10", "NOT_A_NUMBER"),
    ("1e", "NOT_A_NUMBER"),
    ("--1", "NOT_A_NUMBER"),
    ("1 234", "SPACE_IN_NUMBER"),
    ("1\u00a0234", "SPACE_IN_NUMBER"),
    ("1\u2009234", "SPACE_IN_NUMBER"),
    ("1\u202f234", "SPACE_IN_NUMBER"),
    ("1\u3000234", "SPACE_IN_NUMBER"),
    ("1\u200b234", "SPACE_IN_NUMBER"),
    ("1\ufeff234", "SPACE_IN_NUMBER"),
]


def test_other_separators_are_refused_too(db):
    result = ingest_text(db, _lines([cell for cell, _ in SEPARATORS]))
    assert problems(result.report) == _sorted([(code, i + 2, REV) for i, (_, code) in enumerate(SEPARATORS)])
    assert not result.stored


READ = [
    ("1,234,567.8", 1234567.8),
    ("1,234", 1234.0),
    ("１，２３４", 1234.0),
    ("３０．５", 30.5),
    (" 30 ", 30.0),
    ("\u300030\u3000", 30.0),  # spaces around a number are not inside it
    ("1e3", 1000.0),
    ("007", 7.0),
]


def test_numbers_written_as_tables_write_them_are_read(db):
    result = ingest_text(db, _lines([cell for cell, _ in READ]))
    assert problems(result.report) == []
    with connection.connect(db) as con:
        stored = [
            r[0] for r in con.execute("SELECT operating_revenue FROM stat_values ORDER BY line").fetchall()
        ]
    assert stored == [value for _, value in READ]


@pytest.mark.parametrize(
    ("unit", "cells"),
    [
        # 1e305 is finite as written and inf once × 10,000; 1e7 亿元 is the bound, 10^11 万元
        ("(亿元)", [("1e305", "AMOUNT_OUT_OF_RANGE"), ("1.0001e7", "AMOUNT_OUT_OF_RANGE"), ("1e7", None)]),
        (
            "",
            [
                ("1e309", "AMOUNT_OUT_OF_RANGE"),
                ("1e400", "AMOUNT_OUT_OF_RANGE"),
                ("1.7976931348623157e308", "AMOUNT_OUT_OF_RANGE"),
                ("100000000001", "AMOUNT_OUT_OF_RANGE"),
                ("1e-400", None),  # underflows to 0, a finite amount
                ("inf", "NOT_A_NUMBER"),
                ("Infinity", "NOT_A_NUMBER"),
                ("-inf", "NOT_A_NUMBER"),
                ("NaN", "NOT_A_NUMBER"),
                ("-1e400", "NEGATIVE"),
            ],
        ),
        ("(元)", [("1.0000001e15", "AMOUNT_OUT_OF_RANGE"), ("1e15", None)]),
    ],
    ids=["yi", "wan", "yuan"],
)
def test_every_amount_is_finite_and_within_its_bound_after_the_unit(db, unit, cells):
    column = REV + unit
    result = ingest_text(db, _lines([c for c, _ in cells], unit=unit))
    assert _sorted(problems(result.report)) == [
        (code, i + 2, column) for i, (_, code) in enumerate(cells) if code
    ]
    accepted = [c for c, code in cells if code is None]
    assert ingest_text(db, _lines(accepted, unit=unit)).stored
    with connection.connect(db) as con:
        values = [r[0] for r in con.execute("SELECT operating_revenue FROM stat_values").fetchall()]
    assert len(values) == len(accepted) and all(0 <= v <= MAX_AMOUNT_WAN for v in values)


COUNTS = [
    ("1e20", "COUNT_OUT_OF_RANGE"),
    ("9223372036854775808", "COUNT_OUT_OF_RANGE"),  # 2^63: DuckDB's INT64 cast failed on it
    ("18446744073709551616", "COUNT_OUT_OF_RANGE"),
    ("1e400", "COUNT_OUT_OF_RANGE"),
    (str(MAX_ENTERPRISES + 1), "COUNT_OUT_OF_RANGE"),
    ("1e6", None),
    ("-1", "NEGATIVE_COUNT"),
    ("2.5", "NOT_A_WHOLE_NUMBER"),
    ("1e-3", "NOT_A_WHOLE_NUMBER"),
    ("inf", "NOT_A_NUMBER"),
]


def test_enterprise_counts_are_whole_and_bounded(db):
    result = ingest_text(db, _lines([c for c, _ in COUNTS], extra=",企业数"))
    assert sorted(problems(result.report), key=lambda p: p[1]) == [
        (code, i + 2, "企业数") for i, (_, code) in enumerate(COUNTS) if code
    ]
    assert not result.stored


# digits of other scripts, and forms that NFKC would fold: never read as 0-9
FOREIGN = {
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "extended_arabic_indic": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "bengali": "০১২৩৪৫৬৭৮৯",
    "thai": "๐๑๒๓๔๕๖๗๘๙",
    "mathematical_bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
    "superscript": "⁰¹²³⁴⁵⁶⁷⁸⁹",
    "circled": "⓪①②③④⑤⑥⑦⑧⑨",
}


def _write(digits: str, text: str) -> str:
    return "".join(digits[int(c)] if c.isdigit() else c for c in text)


@pytest.mark.parametrize("script", sorted(FOREIGN))
def test_other_digit_forms_are_refused_in_numbers_and_periods(db, script):
    digits = FOREIGN[script]
    number = ingest_text(db, stats_csv(ROW.format(rd=0, rev=_write(digits, "1000"))))
    assert problems(number.report) == [("FOREIGN_DIGITS", 2, REV)]
    period = _write(digits, "2025") + "Q1"
    result = ingest_text(db, stats_csv(f"{period},秀洲区,,30,1000,500,1000,70,100"))
    assert problems(result.report) == [("UNKNOWN_PERIOD", 2, PERIOD)]
    assert "请用 0–9 书写" in result.report.errors[0].message("zh")
    with connection.connect(db) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(0,)]


@pytest.mark.parametrize(
    "spelling", ["２０２５Q1", "２０２５Ｑ１", "２０２５－Ｑ１", "２０２５年１－３月", "２０２５年一季度"]
)
def test_full_width_periods_are_read_as_their_ascii(db, spelling):
    result = ingest_text(db, stats_csv(f"{spelling},秀洲区,,30,1000,500,1000,70,100"))
    assert problems(result.report) == [] and result.stored
    with connection.connect(db) as con:
        assert con.execute("SELECT period FROM stat_values").fetchall() == [("2025Q1",)]


def test_a_quarter_that_has_not_ended_has_no_statistics(db):
    # TODAY is 2026-01-15: 2026Q1 is the current quarter, 2025Q4 ended on 2025-12-31
    periods = ["2026Q1", "2026年1-6月", "2031Q1", "2100Q4", "2025Q4"]
    rows = [f"{p},{UNITS[i]},,30,1000,500,1000,70,100" for i, p in enumerate(periods)]
    result = ingest_text(db, stats_csv(*rows))
    assert problems(result.report) == [("PERIOD_NOT_ENDED", line, PERIOD) for line in (2, 3, 4, 5)]
    assert ingest_text(db, stats_csv(rows[-1])).stored


def test_the_command_line_refuses_the_current_quarter_and_takes_the_last_ended_one(db, tmp_path: Path):
    today = dt.date.today()
    current = Period(today.year, (today.month - 1) // 3 + 1)
    ended = Period.latest_complete(today)
    f = tmp_path / "now.csv"
    f.write_text(stats_csv(f"{current.code},秀洲区,,30,1000,500,1000,70,100"), encoding="utf-8")
    out = run_kpi("ingest", "stats", str(f), db=db)
    assert out.returncode == 2 and "[PERIOD_NOT_ENDED]" in out.stderr
    f.write_text(stats_csv(f"{ended.code},秀洲区,,30,1000,500,1000,70,100"), encoding="utf-8")
    assert run_kpi("ingest", "stats", str(f), db=db).returncode == 0


def test_a_row_with_its_keys_and_no_value_never_erases_a_units_figures(seeded, seeded_db):
    for row in ("2025Q1,南湖区,,,,,,,", "2025Q1,南湖区,合计, ,\u3000,,,,", "2025年1-3月,330402,ALL,,,,,,"):
        result = ingest_text(seeded_db, stats_csv(row))
        assert problems(result.report) == [("NO_VALUES", 2, None)]
    assert fingerprint(seeded_db) == seeded[1]
    # a row with a value is a revision of the whole row: its empty cells are "not reported"
    assert ingest_text(seeded_db, stats_csv("2025Q1,南湖区,,,1000,500,1000,70,100")).stored
    with connection.connect(seeded_db) as con:
        row = con.execute(
            "SELECT rd_expense, operating_revenue FROM stat_values WHERE is_current AND period = '2025Q1'"
        ).fetchall()
    assert row == [(None, 1000.0)]


# ---------------------------------------------------------------- the register and the reviews

P_HEAD = "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态,撤销时间\n"


def _register(recognised: str = "2025-06-30", revoked: str = "", status: str = "运行", name: str = "甲平台"):
    return (
        P_HEAD + f"{name},甲公司,南湖区,智能光伏,市级,政府牵头,{recognised},{status},{revoked}\n"
    ).encode()


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("0000-01-01", "BAD_DATE"),  # no year 0: was "ValueError: year 0 is out of range"
        ("2025-02-30", "BAD_DATE"),
        ("٢٠٢٥-06-30", "BAD_DATE"),
        ("२०२५-06-30", "BAD_DATE"),
        ("1677-09-21", "DATE_OUT_OF_RANGE"),
        ("1900-01-01", "DATE_OUT_OF_RANGE"),
        ("2014-12-31", "DATE_OUT_OF_RANGE"),
        ("2031-01-01", "DATE_OUT_OF_RANGE"),
        ("9999-12-31", "DATE_OUT_OF_RANGE"),
        ("2026-01-16", "DATE_OUT_OF_RANGE"),  # the day after TODAY
        ("2015-01-01", None),
        ("2026-01-15", None),
        ("２０２５－０６－３０", None),
        ("２０２５年６月", None),
    ],
)
def test_register_dates_lie_within_the_programmes_life(db, cell, code):
    with connection.connect(db) as con:
        for column, data in (
            ("认定时间", _register(cell)),
            ("撤销时间", _register("", cell, "撤销")),
        ):
            checked = check_platforms(con, data, "r.csv", today=TODAY)
            assert problems(checked.report) == ([] if code is None else [(code, 2, column)])


def test_a_name_of_100000_characters_is_refused_and_100_are_accepted(db):
    with connection.connect(db) as con:
        long = ingest_platforms(con, _register(name="长" * 100_000), "r.csv")
        assert problems(long.report) == [("TEXT_TOO_LONG", 2, "平台名称")]
        assert "100000 个字，最多 100 个字" in long.report.errors[0].message("zh")
        assert ingest_platforms(con, _register(name="长" * 100), "r.csv").stored


def test_a_revoked_platform_without_a_date_is_stored_with_the_stated_rule_and_said(db):
    with connection.connect(db) as con:
        first = ingest_platforms(con, _register(), "r.csv", today=TODAY)
        assert first.stored and first.report.warnings == []
        result = ingest_platforms(con, _register(status="撤销"), "r.csv", today=TODAY)
        assert result.stored
        assert [(i.code, i.line, i.column) for i in result.report.warnings] == [
            ("REVOKED_WITHOUT_DATE", 2, "状态")
        ]
        revoked_on = con.execute("SELECT revoked_on FROM platform_versions WHERE is_current").fetchall()
    assert revoked_on == [(TODAY,)]  # the day the register learnt of it


@pytest.mark.parametrize(
    ("cell", "code"),
    [("2014", "YEAR_OUT_OF_RANGE"), ("2031", "YEAR_OUT_OF_RANGE"), ("٢٠٢٥", "BAD_YEAR"), ("２０２５", None)],
)
def test_review_years_lie_within_the_programmes_life(seeded_db, cell, code):
    data = f"平台名称,依托单位,考核年度,考核得分,评语\n光伏中试平台,某公司,{cell},85,按期完成\n".encode()
    with connection.connect(seeded_db) as con:
        result = reviews.check_reviews(con, data, "r.csv", today=TODAY)
    assert problems(result.report) == ([] if code is None else [(code, 2, "考核年度")])
