"""Encodings are detected, never asked (CONTRACT.md §1): UTF-8, UTF-8 with BOM, GBK, GB18030,
and UTF-16 with a BOM. The same rows must come out whatever the bytes were."""

from __future__ import annotations

import pytest
from support import FIXTURES, HEADER, ingest_bytes, problems, stats_csv, value, warnings_of

from kpi.store import connection

# Chinese in every part that matters: headers, region names, cluster names, period spelling.
ROWS = (
    "2025年1-6月,南湖区,合计,3000,100000,52000,98000,15000,21000",
    "2025年1-6月,嘉兴港区,化工新材料,600,15000,8000,16000,3000,4000",
    "2025年1—6月,桐乡市,,1000,50000,20000,49000,6000,9000",
)
TEXT = stats_csv(*ROWS)
EXPECTED = {
    ("330402", "ALL"): (3000.0, 100000.0),
    ("JX-PORT", "C5-01"): (600.0, 15000.0),
    ("330483", "ALL"): (1000.0, 50000.0),
}


def _stored(db):
    with connection.connect(db) as con:
        rows = con.execute(
            "SELECT region, cluster, rd_expense, operating_revenue, line FROM stat_values WHERE is_current"
        ).fetchall()
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}, sorted(r[4] for r in rows)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),  # Python writes the BOM of the machine's byte order
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.replace("\n", "\r\n").encode("gbk"), "gb18030"),  # Excel on Windows: GBK and CRLF
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16", "utf16-le-bom", "utf16-be-bom", "gbk-crlf"],
)
def test_each_encoding_stores_the_same_rows(db, data, encoding):
    result = ingest_bytes(db, data, "季报.csv")
    assert problems(result.report) == []
    assert result.stored and result.rows == 3
    assert result.report.encoding == encoding
    stored, lines = _stored(db)
    assert stored == EXPECTED
    assert lines == [2, 3, 4]  # the BOM does not shift line numbers
    with connection.connect(db) as con:
        enc = con.execute("SELECT encoding FROM uploads WHERE id = $id", {"id": result.upload_id}).fetchall()
    assert enc == [(encoding,)]


def test_gb18030_only_characters_decode(db):
    # U+20000 has no GBK code: only GB18030 (4-byte sequence) can carry it; the column is ignored
    text = stats_csv(*(r + ",𠀀备注" for r in ROWS), header=HEADER + ",备注")
    data = text.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    result = ingest_bytes(db, data)
    assert result.stored
    assert result.report.encoding == "gb18030"
    assert warnings_of(result.report) == [("IGNORED_COLUMN", 1, "备注")]
    assert _stored(db)[0] == EXPECTED


def test_the_contract_gbk_sample_gives_the_ratio_of_sums(db):
    data = (FIXTURES / "stats_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is GBK
    assert ingest_bytes(db, data, "stats_gbk.csv").stored
    # (3000 + 1000 + 6000) / (100000 + 50000 + 150000)
    assert value(db, "rd_intensity", period="2025Q2") == pytest.approx(10000 / 300000, rel=1e-12)
    assert value(db, "new_product_rate", period="2025Q2") == pytest.approx(152000 / 307000, rel=1e-12)
    assert value(db, "hightech_share", period="2025Q2") == pytest.approx(51000 / 70000, rel=1e-12)


def test_surrounding_spaces_and_trailing_blank_lines_are_ignored(db):
    text = (
        " 统计期 , 县(市、区) ,产业集群, 研发费用 ,营业收入,新产品产值,工业总产值,高新技术产业增加值,规上工业增加值\n"
        " 2025Q2 ,  南湖区 , , 3000 , 100000 ,52000,98000,15000,21000\n"
        "\n\n   \n,,,,,,,,\n"
    )
    result = ingest_bytes(db, text.encode("gbk"))
    assert problems(result.report) == [] and result.rows == 1
    assert _stored(db)[0] == {("330402", "ALL"): (3000.0, 100000.0)}


def test_blank_lines_inside_keep_line_numbers(db):
    text = stats_csv("", ROWS[0], "", "2025Q2,火星,,1,10,1,10,1,10")
    result = ingest_bytes(db, text.encode("gbk"))
    assert problems(result.report) == [("UNKNOWN_REGION", 5, "县(市、区)")]


def test_utf16_without_bom_is_not_guessed(db):
    result = ingest_bytes(db, TEXT.encode("utf-16-le"))
    assert problems(result.report) == [("UNREADABLE", None, None)]
    assert not result.stored
