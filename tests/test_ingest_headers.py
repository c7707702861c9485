"""Header aliases (case and spaces ignored, full-width brackets), a file without a cluster
column, value spellings of regions and clusters, and units in headers (CONTRACT.md §1)."""

from __future__ import annotations

import pytest
from support import HEADER, ingest_text, problems, stats_csv, status, warnings_of

from kpi.ingest.csvfile import resolve_columns
from kpi.ingest.report import Report
from kpi.ingest.stats import check_stats
from kpi.model.definitions import STAT_FIELDS
from kpi.store import connection, queries


def _variants(alias: str) -> list[tuple[str, str]]:
    out = [("as-is", alias), ("outer-spaces", f"  {alias}\t"), ("inner-space", f"{alias[0]} {alias[1:]}")]
    out.append(("ideographic-space", f"{alias[0]}\u3000{alias[1:]}"))
    if alias.isascii():
        out += [("upper", alias.upper()), ("title", alias.title())]
    if "(" in alias:
        out.append(("full-width-brackets", alias.replace("(", "（").replace(")", "）")))
    return out


ALIAS_CASES = [
    pytest.param(f.name, header, id=f"{f.name}-{alias}-{kind}")
    for f in STAT_FIELDS
    for alias in dict.fromkeys((f.name, *f.aliases))
    for kind, header in _variants(alias)
]


def test_every_alias_group_is_covered():
    # the contract's Chinese aliases are declared (a missing one would silently go untested)
    declared = {f.name: set(f.aliases) for f in STAT_FIELDS}
    assert {"统计期", "报告期", "期间", "period"} <= declared["period"]
    assert {"县(市、区)", "县市区", "地区", "区域", "region", "county"} <= declared["region"]
    assert {"产业集群", "集群", "cluster"} <= declared["cluster"]
    assert {"研发费用", "研发费用支出"} <= declared["rd_expense"]
    assert {"营业收入"} <= declared["operating_revenue"]
    assert {"新产品产值"} <= declared["new_product_output"]
    assert {"工业总产值"} <= declared["gross_output"]
    assert {"高新技术产业增加值"} <= declared["hightech_value_added"]
    assert {"工业增加值", "规上工业增加值"} <= declared["industrial_value_added"]
    assert {"企业数", "企业个数"} <= declared["enterprises"]
    assert len(ALIAS_CASES) > 100


@pytest.mark.parametrize(("field", "header"), ALIAS_CASES)
def test_each_alias_and_variation_resolves_to_its_field(field, header):
    canonical = {f.name: f.aliases[0] for f in STAT_FIELDS}
    headers = [header if name == field else alias for name, alias in canonical.items()]
    report = Report("t.csv")
    cols = resolve_columns(headers, STAT_FIELDS, report)
    assert report.issues == []
    assert set(cols) == {f.name for f in STAT_FIELDS}
    assert cols[field].header == header
    assert cols[field].factor == 1.0


def test_an_unknown_header_is_ignored_with_a_warning_and_a_near_miss_is_not_an_alias(db):
    header = HEADER.replace("研发费用", "研发") + ",备注"
    result = ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100,说明", header=header))
    assert not result.stored
    assert problems(result.report) == [("MISSING_COLUMN", 1, "研发费用")]
    assert warnings_of(result.report) == [("IGNORED_COLUMN", 1, "研发"), ("IGNORED_COLUMN", 1, "备注")]
    assert result.report.warnings[1].message("zh") == "未识别的列“备注”已忽略"


def test_an_extra_column_is_stored_with_its_warning(db):
    result = ingest_text(
        db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100,说明", header=HEADER + ",备注")
    )
    assert result.stored
    with connection.connect(db) as con:
        issues = queries.upload_issues(con, result.upload_id)
    assert list(issues["code"]) == ["IGNORED_COLUMN"]
    assert list(issues["column_name"]) == ["备注"]


def test_two_aliases_of_one_field_are_rejected(db):
    header = HEADER + ",研发费用支出"
    result = ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100,30", header=header))
    assert problems(result.report) == [("DUPLICATE_COLUMN", 1, "研发费用支出")]
    assert result.report.errors[0].message("zh") == "列“研发费用支出”与第 4 列表示同一字段“研发费用”"


def test_a_repeated_header_is_rejected_not_silently_renamed(db):
    header = HEADER + ",营业收入"
    result = ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100,2000", header=header))
    assert not result.stored
    assert problems(result.report) == [("DUPLICATE_COLUMN", 1, "营业收入")]


def test_english_headers_with_case_and_spaces(db):
    header = " Period ,REGION,Cluster,rd_expense,Operating_Revenue, new_product_output ,GROSS_OUTPUT,hightech_value_added,industrial_value_added,Enterprises"
    result = ingest_text(db, stats_csv("2025-Q2,Nanhu,all,30,1000,500,1000,70,100,12", header=header))
    assert problems(result.report) == [] and result.stored
    with connection.connect(db) as con:
        row = con.execute(
            "SELECT period, region, cluster, rd_expense, operating_revenue, enterprises FROM stat_values"
        ).fetchall()
    assert row == [("2025Q2", "330402", "ALL", 30.0, 1000.0, 12)]


def test_second_chinese_aliases_with_full_width_brackets(db):
    header = "报告期,县（市、区）,集群,研发费用支出,营业收入,新产品产值,工业总产值,高新技术产业增加值,工业增加值,企业个数"
    result = ingest_text(
        db, stats_csv("2025年1-6月,南湖区,智能光伏,30,1000,500,1000,70,100,5", header=header)
    )
    assert problems(result.report) == [] and result.stored
    assert status(db, "2025Q2", "南湖区", "C3-01")["indicators"]["rd_intensity"]["value"] == 0.03


def test_a_file_without_a_cluster_column_is_all_industry(db):
    header = "统计期,地区,研发费用,营业收入,新产品产值,工业总产值,高新技术产业增加值,规上工业增加值"
    result = ingest_text(db, stats_csv("2025Q2,南湖区,30,1000,500,1000,70,100", header=header))
    assert problems(result.report) == [] and result.stored
    with connection.connect(db) as con:
        assert con.execute("SELECT region, cluster FROM stat_values").fetchall() == [("330402", "ALL")]
    out = status(db, "2025Q2", "南湖区")
    assert out["indicators"]["rd_intensity"]["value"] == 0.03
    assert status(db, "2025Q2")["indicators"]["rd_intensity"]["value"] == 0.03  # feeds the city


REGION_SPELLINGS = [
    ("330402", "330402"),
    ("南湖区", "330402"),
    ("南湖", "330402"),
    ("嘉善县", "330421"),
    ("嘉善", "330421"),
    ("海宁市", "330481"),
    ("海宁", "330481"),
    ("JX-ETDZ", "JX-ETDZ"),
    ("jx-etdz", "JX-ETDZ"),
    ("嘉兴经济技术开发区", "JX-ETDZ"),
    ("经开区", "JX-ETDZ"),
    ("JX-PORT", "JX-PORT"),
    ("嘉兴港区", "JX-PORT"),
    ("乍浦经济开发区", "JX-PORT"),
    ("浙江乍浦经济开发区（嘉兴港区）", "JX-PORT"),
    ("330400", "330400"),
    ("嘉兴市", "330400"),
    ("全市", "330400"),
]
CLUSTER_SPELLINGS = [
    ("", "ALL"),
    ("ALL", "ALL"),
    ("all", "ALL"),
    ("全部", "ALL"),
    ("合计", "ALL"),
    ("全行业", "ALL"),
    ("C3-01", "C3-01"),
    ("智能光伏", "C3-01"),
    ("Smart photovoltaics", "C3-01"),
    ("化工新材料", "C5-01"),
]


def test_region_and_cluster_spellings_resolve_to_codes(db):
    # one row per spelling, each in its own year so that no key repeats
    rows = [f"{2000 + i}Q1,{text},,1,10,1,10,1,10" for i, (text, _) in enumerate(REGION_SPELLINGS)]
    rows += [f"{1990 + i}Q1,南湖区,{text},1,10,1,10,1,10" for i, (text, _) in enumerate(CLUSTER_SPELLINGS)]
    with connection.connect(db) as con:
        checked = check_stats(con, stats_csv(*rows).encode(), "t.csv")
    assert problems(checked.report) == []
    got = checked.rows
    n = len(REGION_SPELLINGS)
    assert list(got["region"][:n]) == [code for _, code in REGION_SPELLINGS]
    assert list(got["cluster"][n:]) == [code for _, code in CLUSTER_SPELLINGS]


# ---- units in headers: each money column converted on its own to 万元

MIXED_ZH = (
    "统计期,县(市、区),产业集群,研发费用(亿元),营业收入（万元）,新产品产值 (元),工业总产值,"
    "高新技术产业增加值（千元）,规上工业增加值【亿元】\n"
    '2025Q2,南湖区,,0.0123,"12,345.5","50,000,000",10000,"20,000",0.3\n'
)
MIXED_EN = (
    "period,region,cluster,rd_expense (yuan),operating_revenue (10k yuan),new_product_output (100m yuan),"
    "gross_output(wanyuan),hightech_value_added [thousand yuan],industrial_value_added （亿元）\n"
    '2025Q2,330411,ALL,"1,230,000",12345.5,0.5,"10,000",20000,0.3\n'
)


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        # 0.0123 亿元 = 123 万元; "12,345.5" 万元; 50,000,000 元 = 5000 万元; 10000 万元;
        # 20,000 千元 = 2000 万元; 0.3 亿元 = 3000 万元
        (MIXED_ZH, "330402", (123.0, 12345.5, 5000.0, 10000.0, 2000.0, 3000.0)),
        # 1,230,000 元 = 123 万元; 0.5 亿元 = 5000 万元; the rest as above
        (MIXED_EN, "330411", (123.0, 12345.5, 5000.0, 10000.0, 2000.0, 3000.0)),
    ],
    ids=["chinese", "english"],
)
def test_mixed_units_are_stored_in_wanyuan(db, text, region, expected):
    result = ingest_text(db, text)
    assert problems(result.report) == [] and result.stored
    with connection.connect(db) as con:
        row = con.execute(
            """SELECT rd_expense, operating_revenue, new_product_output, gross_output,
                      hightech_value_added, industrial_value_added FROM stat_values WHERE region = $r""",
            {"r": region},
        ).fetchall()[0]
    assert row == pytest.approx(expected, rel=1e-12)
    ind = status(db, "2025Q2", region)["indicators"]
    assert ind["rd_intensity"]["value"] == pytest.approx(123 / 12345.5, rel=1e-12)
    assert ind["new_product_rate"]["value"] == pytest.approx(0.5, rel=1e-12)
    assert ind["hightech_share"]["value"] == pytest.approx(2000 / 3000, rel=1e-12)
    assert ind["rd_intensity"]["numerator"] == pytest.approx(123.0, rel=1e-12)


def test_thousands_separators_and_spaces_in_numbers(db):
    # spaces around a number are ignored; a space inside one is refused (tests/test_number_cells.py)
    text = stats_csv('2025Q2,南湖区,,"1,234.5","1,000,000",500，000,"1,000,000", 70 ,100')
    result = ingest_text(db, text)
    assert problems(result.report) == []
    with connection.connect(db) as con:
        row = con.execute(
            "SELECT rd_expense, operating_revenue, new_product_output, gross_output, hightech_value_added "
            "FROM stat_values"
        ).fetchall()[0]
    assert row == (1234.5, 1_000_000.0, 500_000.0, 1_000_000.0, 70.0)


def test_an_unknown_unit_is_rejected_with_its_column(db):
    header = HEADER.replace("研发费用", "研发费用(美元)")
    result = ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100", header=header))
    assert problems(result.report) == [
        ("UNKNOWN_UNIT", 1, "研发费用(美元)"),
        ("MISSING_COLUMN", 1, "研发费用"),
    ]
    assert (
        result.report.errors[0].message("zh")
        == "列“研发费用(美元)”的单位“美元”无法识别（应为 元、万元 或 亿元）"
    )


def test_a_region_renamed_or_given_an_alias_is_known_at_once(db):
    """Region names are looked up through a lookup kept per content of the regions table."""
    row = "2025Q1,南湖新区,,30,1000,500,1000,70,100"
    assert [p[0] for p in problems(ingest_text(db, stats_csv(row)).report)] == ["UNKNOWN_REGION"]
    with connection.connect(db, write=True) as con:
        con.execute("UPDATE regions SET aliases = '南湖新区' WHERE code = '330402'")
    assert ingest_text(db, stats_csv(row)).stored
