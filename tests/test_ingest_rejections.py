"""Rejections (CONTRACT.md §1): every problem by line (header = 1), column and reason, and
nothing stored from the file. One tiny fixture file per kind of bad input, in fixtures/bad/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import FIXTURES, GOOD_ROW, HEADER, fingerprint, ingest_bytes, ingest_text, problems, stats_csv

from kpi.ingest.platforms import ingest_platforms
from kpi.model.definitions import STAT_FIELDS
from kpi.store import connection

BAD = FIXTURES / "bad"

# Stored before every rejection, so that "unchanged" has something to compare.
SEED = stats_csv(
    "2024Q4,南湖区,,40,1300,650,1300,90,130",
    "2025Q1,南湖区,,30,1000,500,1000,70,100",
    "2025Q1,嘉兴港区,化工新材料,20,800,300,800,60,90",
)
SEED_PLATFORMS = "平台名称,依托单位,县(市、区),服务集群,级别\n光伏中试平台,某公司,海宁市,智能光伏,省级\n"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, _db_template: Path):
    """A database with data in it, and its fingerprint."""
    path = tmp_path_factory.mktemp("seeded") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    assert ingest_text(path, SEED).stored
    with connection.connect(path) as con:
        assert ingest_platforms(con, SEED_PLATFORMS.encode(), "p.csv").stored
    assert not path.with_name(path.name + ".wal").exists()  # closed cleanly: one file to copy
    return path, fingerprint(path)


@pytest.fixture
def seeded_db(seeded, tmp_path: Path) -> Path:
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(seeded[0], path)
    return path


STAT_COLUMN = "县(市、区)"

CASES = [
    ("unknown_period.csv", [("UNKNOWN_PERIOD", 3, "统计期")]),
    ("unknown_region.csv", [("UNKNOWN_REGION", 3, STAT_COLUMN)]),  # the contract's own sample
    ("unknown_cluster.csv", [("UNKNOWN_CLUSTER", 3, "产业集群")]),
    (
        "not_a_number.csv",  # 3O (letter O), 1.2.3, inf
        [
            ("NOT_A_NUMBER", 3, "研发费用"),
            ("NOT_A_NUMBER", 4, "规上工业增加值"),
            ("NOT_A_NUMBER", 5, "营业收入"),
        ],
    ),
    ("negative.csv", [("NEGATIVE", 3, "新产品产值")]),
    ("rd_above_revenue.csv", [("NUMERATOR_ABOVE_DENOMINATOR", 3, "研发费用")]),
    ("new_product_above_gross.csv", [("NUMERATOR_ABOVE_DENOMINATOR", 3, "新产品产值")]),
    ("hightech_above_value_added.csv", [("NUMERATOR_ABOVE_DENOMINATOR", 3, "高新技术产业增加值")]),
    ("duplicate_key.csv", [("DUPLICATE_ROW", 4, None)]),  # 2025Q1 × 南湖区 × ALL spelled twice
    ("missing_column.csv", [("MISSING_COLUMN", 1, "营业收入")]),
    ("empty.csv", [("EMPTY_FILE", 1, None)]),  # 0 bytes
    ("header_only.csv", [("EMPTY_FILE", 1, None)]),
    ("blank_lines.csv", [("EMPTY_FILE", 1, None)]),
    ("binary.bin", [("UNREADABLE", None, None)]),  # NUL bytes, no known file signature
    ("field_count.csv", [("FIELD_COUNT", 3, None), ("FIELD_COUNT", 4, None)]),  # 1,000 unquoted; a lost cell
    (
        "several_problems.csv",
        [
            ("UNKNOWN_PERIOD", 2, "统计期"),
            ("UNKNOWN_REGION", 3, STAT_COLUMN),
            ("UNKNOWN_CLUSTER", 4, "产业集群"),
            ("NOT_A_NUMBER", 5, "研发费用"),
            ("NEGATIVE", 5, "新产品产值"),
            ("NUMERATOR_ABOVE_DENOMINATOR", 6, "研发费用"),
            ("DUPLICATE_ROW", 7, None),  # repeats line 5's key
        ],
    ),
]


def _sorted(items):
    return sorted(items, key=lambda p: (p[1] or 0, p[2] or "", p[0]))


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_bad_file_is_rejected_with_every_problem_and_changes_nothing(seeded, seeded_db, name, expected):
    result = ingest_bytes(seeded_db, (BAD / name).read_bytes(), name)
    assert not result.stored
    assert result.upload_id is None
    assert _sorted(problems(result.report)) == _sorted(expected)
    assert fingerprint(seeded_db) == seeded[1]


def test_every_fixture_file_has_a_case():
    assert {p.name for p in BAD.iterdir()} == {name for name, _ in CASES}


def _issue(name: str, seeded_db: Path, code: str):
    result = ingest_bytes(seeded_db, (BAD / name).read_bytes(), name)
    return next(i for i in result.report.errors if i.code == code)


def test_exact_messages_in_chinese_and_english(seeded_db):
    region = _issue("unknown_region.csv", seeded_db, "UNKNOWN_REGION")
    assert region.describe("zh") == (
        "第 3 行，列“县(市、区)”：未知的地区“杭州市”"
        "（应为统计单位或全市的代码或名称，如 330402 或 南湖区） [UNKNOWN_REGION]"
    )
    assert region.describe("en") == (
        "line 3, column “县(市、区)”: unknown region “杭州市” "
        "(use the code or name of a reporting unit or the city, e.g. 330402 or 南湖区) [UNKNOWN_REGION]"
    )
    assert _issue("negative.csv", seeded_db, "NEGATIVE").message("zh") == "金额不能为负数：-500"
    above = _issue("rd_above_revenue.csv", seeded_db, "NUMERATOR_ABOVE_DENOMINATOR")
    assert above.message("zh") == "研发费用（1200）大于营业收入（1000）"
    assert above.message("en") == "研发费用 (1200) is above 营业收入 (1000)"
    dup = _issue("duplicate_key.csv", seeded_db, "DUPLICATE_ROW")
    assert dup.message("zh") == "统计期 × 地区 × 集群 与第 2 行重复（2025Q1 × 330402 × ALL）"
    assert dup.message("en") == "the same period × region × cluster as line 2 (2025Q1 × 330402 × ALL)"
    count = _issue("field_count.csv", seeded_db, "FIELD_COUNT")
    assert count.message("zh") == "字段个数不对：表头有 9 列，此行有 10 个值（含逗号的数值请加引号）"


REQUIRED = [f for f in STAT_FIELDS if f.required]


@pytest.mark.parametrize("field", REQUIRED, ids=[f.name for f in REQUIRED])
def test_each_required_column_missing_is_named(db, field):
    names = HEADER.split(",")
    cells = ["2025Q1", "南湖区", "", "30", "1000", "500", "1000", "70", "100"]
    drop = names.index(field.label_zh)
    header = ",".join(n for i, n in enumerate(names) if i != drop)
    row = ",".join(c for i, c in enumerate(cells) if i != drop)
    result = ingest_text(db, stats_csv(row, header=header))
    assert not result.stored
    assert ("MISSING_COLUMN", 1, field.label_zh) in problems(result.report)
    with connection.connect(db) as con:
        assert con.execute("SELECT count(*) FROM uploads").fetchall() == [(0,)]


def test_required_fields_are_the_contract_ones():
    assert [f.name for f in REQUIRED] == [
        "period",
        "region",
        "rd_expense",
        "operating_revenue",
        "new_product_output",
        "gross_output",
        "hightech_value_added",
        "industrial_value_added",
    ]


def test_a_missing_column_and_row_problems_are_listed_together(db):
    header = HEADER.replace(",规上工业增加值", "")
    result = ingest_text(db, stats_csv("2025Q9,南湖区,,30,1000,500,1000,70", header=header))
    assert _sorted(problems(result.report)) == [
        ("MISSING_COLUMN", 1, "规上工业增加值"),
        ("UNKNOWN_PERIOD", 2, "统计期"),
    ]


def test_an_empty_value_is_allowed_where_not_reported(db):
    result = ingest_text(db, stats_csv("2025Q1,南湖区,,,1000,,1000,70,100"))
    assert problems(result.report) == [] and result.stored


def test_a_good_row_in_a_bad_file_is_not_stored(db):
    result = ingest_text(db, stats_csv(GOOD_ROW, "2025Q1,秀洲区,,-1,1000,500,1000,70,100"))
    assert not result.stored
    with connection.connect(db) as con:
        assert con.execute("SELECT count(*) FROM stat_values").fetchall() == [(0,)]


def test_unterminated_quote_is_reported_not_swallowed(db):
    result = ingest_text(db, stats_csv(GOOD_ROW, '2025Q1,秀洲区,,"30,1000,500,1000,70,100'))
    assert not result.stored
    assert [p[0] for p in problems(result.report)] == ["BAD_CSV"]


def test_empty_cells_past_the_header_are_not_a_field_count_error(db):
    result = ingest_text(db, stats_csv(GOOD_ROW + ",,", "2025Q1,秀洲区,,30,1000,500,1000,70,100,"))
    assert problems(result.report) == [] and result.rows == 2


def test_a_shifted_row_is_never_stored(db):
    # one unquoted "1,000" in every row: pandas would have taken the first column as an index
    text = stats_csv("2025Q1,南湖区,,30,1,000,500,1000,70,100", "2025Q1,秀洲区,,30,1,000,500,1000,70,100")
    result = ingest_text(db, text)
    assert problems(result.report) == [("FIELD_COUNT", 2, None), ("FIELD_COUNT", 3, None)]


def test_a_count_of_enterprises_is_whole_and_not_negative_and_says_so(db):
    header = HEADER + ",企业数"
    bad = ingest_text(
        db,
        stats_csv(
            "2025Q1,南湖区,,30,1000,500,1000,70,100,-3",
            "2025Q1,秀洲区,,30,1000,500,1000,70,100,2.5",
            "2025Q1,嘉善县,,-30,1000,500,1000,70,100,4",
            header=header,
        ),
    )
    assert problems(bad.report) == [
        ("NEGATIVE", 4, "研发费用"),
        ("NEGATIVE_COUNT", 2, "企业数"),
        ("NOT_A_WHOLE_NUMBER", 3, "企业数"),
    ]
    assert [i.message("zh") for i in bad.report.errors[1:]] == ["企业数不能为负数：-3", "企业数应为整数：2.5"]
    # a count written with a thousands separator or as 12.0 is whole
    good = ingest_text(
        db,
        stats_csv(
            '2025Q1,南湖区,,30,1000,500,1000,70,100,"1,203"',
            "2025Q1,秀洲区,,30,1000,500,1000,70,100,12.0",
            header=header,
        ),
    )
    assert good.stored
    with connection.connect(db) as con:
        rows = con.execute("SELECT region, enterprises FROM stat_values ORDER BY region").fetchall()
    assert rows == [("330402", 1203), ("330411", 12)]
