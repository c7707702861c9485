"""The fast road for big statistics files (kpi.ingest.csvload, kpi.ingest.row_checks, kpi.ingest.history_checks).

Big files no longer go through the csv module and pandas row by row: DuckDB reads the cells and
SQL checks them. What a user sees must not change, so these tests hold the fast road to the
reference road (kpi.ingest.csvfile.read_table, parse_numbers) and to hand-placed errors in a file of
thousands of rows, where a line number off by one would show."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import HEADER, TODAY, ingest_bytes, ingest_text, problems, stats_csv, warnings_of

from kpi.ingest.csvfile import _mixed_encoding, number_problem, parse_numbers, read_table
from kpi.ingest.csvload import drop_table, load_table
from kpi.ingest.report import Report
from kpi.ingest.stats import check_stats
from kpi.model.definitions import MAX_AMOUNT_WAN
from kpi.store import connection

UNITS = ("南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市", "嘉兴经开区", "嘉兴港区")
CLUSTERS = ("", "智能光伏", "化工新材料", "C3-02")
COLUMN = HEADER.split(",")


def _big_file() -> tuple[str, list[tuple[str, int, str | None]]]:
    """About 3,700 rows of valid statistics in CRLF lines, with blank lines, quoted cells and one
    error every few dozen lines; returns the text and the errors (code, line, column) expected."""
    lines = [HEADER]
    expected: list[tuple[str, int, str | None]] = []
    n = 0
    for year in range(1992, 2026):
        for q in range(1, 5):
            for unit in UNITS:
                for cluster in CLUSTERS:
                    n += 1
                    if n % 400 == 0:  # blank lines keep their numbers
                        lines += ["", " , ,\u3000,,,,,,"]
                    line = len(lines) + 1
                    period, rd, rev = f"{year}Q{q}", "30", "1000"
                    cells = [period, unit, cluster, rd, rev, "500", "1000", "70", "100"]
                    kind = n % 37
                    if kind == 1:
                        cells[0] = f"{year}Q5"
                        expected.append(("UNKNOWN_PERIOD", line, COLUMN[0]))
                    elif kind == 2:
                        cells[1] = "火星"
                        expected.append(("UNKNOWN_REGION", line, COLUMN[1]))
                    elif kind == 3:
                        cells[2] = "不存在的集群"
                        expected.append(("UNKNOWN_CLUSTER", line, COLUMN[2]))
                    elif kind == 4:
                        cells[5] = "5OO"
                        expected.append(("NOT_A_NUMBER", line, COLUMN[5]))
                    elif kind == 5:
                        cells[7] = "-7"
                        expected.append(("NEGATIVE", line, COLUMN[7]))
                    elif kind == 6:
                        cells[3] = '"1,200"'  # quoted, with a thousands comma: above revenue
                        expected.append(("NUMERATOR_ABOVE_DENOMINATOR", line, COLUMN[3]))
                    elif kind == 7:
                        cells[4] = '"1,000"'  # quoted and valid
                    elif kind == 8:
                        cells[6] = " 1000 "  # spaces around a valid number
                    elif kind == 9 and n > 100:  # line 6's key (1992Q1 × 秀洲区 × ALL), spelled otherwise
                        cells[0], cells[1], cells[2] = "1992年1-3月", "330411", "合计"
                        expected.append(("DUPLICATE_ROW", line, None))
                    lines.append(",".join(cells))
    return "\r\n".join(lines) + "\r\n", expected


def test_a_big_gbk_file_reports_every_error_at_its_line(db):
    text, expected = _big_file()
    assert len(text.splitlines()) > 3_000 and len(expected) > 50
    result = ingest_bytes(db, text.encode("gbk"), "big.csv")
    assert not result.stored
    assert result.report.encoding == "gb18030"
    key = lambda p: (p[1], p[0], p[2] or "")  # noqa: E731
    assert sorted(problems(result.report), key=key) == sorted(expected, key=key)


def test_a_big_file_is_stored_with_the_line_of_each_row(db):
    text, _ = _big_file()
    good = [ln for ln in text.split("\r\n") if "Q5" not in ln and "火星" not in ln and "不存在" not in ln]
    good = [ln for ln in good if "5OO" not in ln and "-7" not in ln and '"1,200"' not in ln]
    good = [ln for ln in good if not ln.startswith("1992年")]
    data = "\n".join(good).encode("gbk")
    result = ingest_bytes(db, data, "good.csv")
    assert problems(result.report) == [] and result.stored
    written = {i + 1: ln for i, ln in enumerate(data.decode("gbk").split("\n"))}
    with connection.connect(db) as con:
        rows = con.execute(
            "SELECT line, period, region, cluster, operating_revenue, gross_output FROM stat_values"
        ).fetchall()
    assert len(rows) == result.rows > 3_000
    for line, period, _region, _cluster, revenue, gross in rows:
        cells = written[line].split(",")
        assert cells[0] == period, line
        assert (revenue, gross) == (1000.0, 1000.0), line


# ---- the reader: the same cells and the same problems as the csv module's road

TRICKY = {
    "plain": "a,b,c\n1,2,3\n4,5,6\n",
    "crlf and no final newline": "a,b,c\r\n1,2,3\r\n4,5,6",
    "quotes": 'a,b,c\n"1,5",2,"x ""y"""\n4,"",6\n',
    "blank lines": "\n\n a , b ,c\n\n1,2,3\n ,,\n\u3000,\u3000,\n4,5,6\n\n",
    "blank extras": "a,b,c,,\n1,2,3,,\n4,5,6, ,\n",
    "field counts": "a,b,c\n1,2\n1,2,3,4\n1,2,3\n",
    "duplicate header": "a,b,a\n1,2,3\n",
    "unnamed column": "a,,c\n1,2,3\n",
    "a quoted cell over two lines": 'a,b,c\n"1\n2",3,4\n5,6,7\n',
    "lone carriage return": "a,b,c\r1,2,3\n4,5,6\n",
    "quote inside a cell": 'a,b,c\n1,x"y,3\n',
    "quote left open": 'a,b,c\n1,"2,3\n',
    "text after a closing quote": 'a,b,c\n1,"2"x,3\n',
    "only a header": "a,b,c\n",
    "only blank lines": "\n , \n",
    "cells of Chinese only": "甲,乙\n南湖,秀洲\n嘉善,\n",
    "lines that look like comments": "#a,b\n#1,2\n3,#4\n",
    "backslashes": "a,b\n\\1,2\\\n",
    "a control character that separates cells elsewhere": "a,b\nx\x1fy,2\n\x1e,\x1d\n",
    # more than a thousand lines that do not begin with a visible ASCII character
    "many lines starting with a blank or Chinese": "甲,乙\n"
    + "".join(f"{c}\n" for c in [" 1,2", "南湖,3", "\u3000,\u3000", ",", "  ", "中,", "\t,x"] * 300),
}


def _issues(report: Report) -> list[tuple]:
    return [(i.severity, i.code, i.line, i.column, i.params) for i in report.issues]


def _both(text: str) -> tuple[tuple, tuple]:
    data = text.encode("utf-8")
    reference = Report("t.csv")
    frame = read_table(data, reference)
    fast = Report("t.csv")
    with duckdb.connect() as con:
        loaded = load_table(con, data, fast, "_t")
        if loaded is not None:
            cells = con.execute("SELECT * FROM _t ORDER BY line").fetchall()
            drop_table(con, "_t")
    if frame is None or loaded is None:
        return (frame is None, _issues(reference)), (loaded is None, _issues(fast))
    names = [c for c in frame.columns if c != "_line"]
    want = [(int(r["_line"]), *(r[c] for c in names)) for _, r in frame.iterrows()]
    got = [(line, *("" if v is None else v.strip() for v in rest)) for line, *rest in cells]
    return (names, want, _issues(reference)), (loaded.names, got, _issues(fast))


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_the_fast_reader_agrees_with_the_csv_module(text):
    reference, fast = _both(text)
    assert fast == reference


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet='ab1 ,"#\\\n\r\t\u3000\x1f中', max_size=40))
def test_the_fast_reader_agrees_with_the_csv_module_on_any_text(text):
    reference, fast = _both("h1,h2,h3\n" + text)
    assert fast == reference


# ---- numbers: DuckDB's cast where it is pandas' parse, parse_numbers everywhere else

SPELLINGS = [
    "0", "12", "12.5", "12.", ".5", "+3", "-0", "007", "1,234", "1,234.5", "12345678901234", "1234567890.1234",
    "123456789012345678", "1.2345678901234567", "1e3", "1E-2", "1_000", "0x10", " 5", "5 ", "1 000",
    "1，000", "inf", "nan", "-inf", "1e999", "1.2.3", "3O", "--1", "1-", "+", ".", ",", "١٢",
    "1,5", "0,5", "12,34", "1,2,3", "1,234,56", "1\u00a0000", "1\u2009000", "１２３", "１，２３４．５", "1e305",
    " ", "\u3000",
]  # fmt: skip


def test_every_number_spelling_reads_as_parse_numbers_reads_it(db):
    numbers, bad = parse_numbers(pd.Series([s.strip() for s in SPELLINGS], dtype="str"))
    rows = [f'{2000 + i // 4}Q{i % 4 + 1},南湖区,,0,"{s}",1,1e10,1,1e10' for i, s in enumerate(SPELLINGS)]
    result = ingest_text(db, stats_csv(*rows))
    found = {(code, line) for code, line, column in problems(result.report) if column == "营业收入"}
    want = {(number_problem(SPELLINGS[i])[0], i + 2) for i in range(len(SPELLINGS)) if bad[i]}
    negative = [not bad[i] and pd.notna(numbers[i]) and numbers[i] < 0 for i in range(len(SPELLINGS))]
    want |= {("NEGATIVE", i + 2) for i in range(len(SPELLINGS)) if negative[i]}
    big = [
        not bad[i] and pd.notna(numbers[i]) and not numbers[i] <= MAX_AMOUNT_WAN
        for i in range(len(SPELLINGS))
    ]
    want |= {("AMOUNT_OUT_OF_RANGE", i + 2) for i in range(len(SPELLINGS)) if big[i]}
    assert found == want
    good = [i for i in range(len(SPELLINGS)) if not bad[i] and not negative[i] and not big[i]]
    with connection.connect(db) as con:
        checked = check_stats(con, stats_csv(*(rows[i] for i in good)).encode(), "t.csv", TODAY)
    assert problems(checked.report) == []
    got = [None if pd.isna(v) else v for v in checked.rows["operating_revenue"]]
    assert got == [None if pd.isna(numbers[i]) else float(numbers[i]) for i in good]
    assert None in got and 1234567890.1234 in got  # an empty-looking cell; a long plain number


def test_the_checked_rows_keep_their_columns_and_types(db):
    with connection.connect(db) as con:
        checked = check_stats(con, stats_csv("2025Q1,南湖区,,30,1000,,1000,70,100").encode(), "t.csv")
    assert checked.rows is not None
    assert dict(checked.rows.dtypes.astype(str)) == {
        "line": "int64",
        "period": "string",
        "year": "int16",
        "quarter": "int8",
        "region": "string",
        "cluster": "string",
        **{name: "Float64" for name in checked.rows.columns[6:]},
    }
    assert checked.rows["new_product_output"].isna().tolist() == [True]


# ---- warnings: the stored history is found by the key columns


HISTORY = stats_csv(
    *(f"2024Q{q},南湖区,,{rd},1000,500,1000,70,100" for q, rd in ((1, 30), (2, 31), (3, 30), (4, 31)))
)


def test_an_outlier_is_judged_against_history_in_the_quarters_the_file_also_touches(db):
    assert ingest_text(db, HISTORY).stored
    # the file has 2024Q1 for another unit: 南湖区's own 2024Q1 still counts (4 points)
    result = ingest_text(
        db, stats_csv("2025Q1,南湖区,,90,1000,500,1000,70,100", "2024Q1,秀洲区,,30,1000,500,1000,70,100")
    )
    assert warnings_of(result.report) == [("RATIO_OUTLIER", 2, "研发费用")]


def test_a_stored_period_the_file_replaces_is_not_history(db):
    assert ingest_text(db, HISTORY).stored
    # the file replaces 南湖区's 2024Q1: three points of history are left, too few to judge
    result = ingest_text(
        db, stats_csv("2025Q1,南湖区,,90,1000,500,1000,70,100", "2024Q1,南湖区,,30,1000,500,1000,70,100")
    )
    assert warnings_of(result.report) == []


# ---- mixed encodings: the first UTF-8 line with Chinese in it, found without a regex backtracking
# over every line of a GBK file; the pattern it replaced is the reference


def _mixed_reference(data: bytes) -> tuple[int, int] | None:
    text = data.decode("utf-8", errors="surrogateescape")
    utf8 = re.search("^[^\n\udc80-\udcff]*[\u4e00-\u9fff][^\n\udc80-\udcff]*$", text, re.M)
    other = re.search("^[^\n]*?[\udc80-\udcff]", text, re.M) if utf8 else None
    if utf8 is None or other is None:
        return None
    return text.count("\n", 0, utf8.start()) + 1, text.count("\n", 0, other.start()) + 1


PIECES = [
    "南湖区,2025Q1\n".encode("gbk"),
    "南湖区,2025Q1\n".encode(),
    b"abc,1\n",
    b"\r\n",
    "中".encode(),
    "中".encode("gbk"),
    b"\xe4\xb8",
    b"\xff",
    "\u3000".encode(),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_mixed_encodings_are_found_as_the_line_pattern_found_them(pieces):
    data = b"".join(pieces)
    assert _mixed_encoding(data) == _mixed_reference(data)


def test_a_one_quarter_file_leaves_its_own_stored_quarter_out_of_the_history(db):
    assert ingest_text(db, HISTORY).stored
    assert ingest_text(db, stats_csv("2025Q1,南湖区,,90,1000,500,1000,70,100")).stored
    # revising 2025Q1 again: the stored 9 % is replaced, the history is 2024's 3.0-3.1 %
    result = ingest_text(
        db, stats_csv("2025Q1,南湖区,,90,1000,500,1000,70,100", "2025Q1,秀洲区,,30,1000,500,1000,70,100")
    )
    assert warnings_of(result.report) == [("RATIO_OUTLIER", 2, "研发费用")]
