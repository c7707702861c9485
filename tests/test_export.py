"""Excel exports: opened with openpyxl and checked against kpi_status / unit_ranking for the same
scope, number formats, Chinese headers, and cells that can never run as formulas."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import support
from openpyxl.worksheet.worksheet import Worksheet
from support import TODAY, run_kpi, stats_csv

from kpi.engine import series
from kpi.engine import status as engine_status
from kpi.ingest import demo
from kpi.ingest.platforms import ingest_platforms
from kpi.ingest.stats import check_stats
from kpi.model.definitions import CITY_CODE, RATIOS
from kpi.reports import export
from kpi.store import connection


@pytest.fixture
def demo_db(db: Path) -> Path:
    with connection.connect(db) as con:
        demo.load(con, today=TODAY)
    return db


def book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def table(ws: Worksheet) -> tuple[list[str], list[list[Any]], list[list[Any]]]:
    """(headers, values, cells) of a sheet: the header is the first row whose first cell is bold."""
    rows = list(ws.iter_rows())
    head = next(i for i, r in enumerate(rows) if r[0].font.bold)
    headers = [c.value for c in rows[head]]
    body = rows[head + 1 :]
    return headers, [[c.value for c in r] for r in body], [list(r) for r in body]


def test_overview_workbook_numbers_and_formats_match_kpi_status(demo_db: Path) -> None:
    with connection.connect(demo_db) as con:
        status = engine_status.kpi_status(con)
        data = export.overview_workbook(con)
    wb = book(data)
    assert wb.sheetnames == ["目标完成情况", "九个单位赛马排名", "分地区分期指标", "中试平台名录"]
    headers, values, cells = table(wb["目标完成情况"])
    assert headers[:3] == ["指标", "当前值(比率)", "当前值(家)"]
    by_label = {row[0]: (row, cell_row) for row, cell_row in zip(values, cells, strict=True)}
    for r in RATIOS:
        e = status["indicators"][r.code]
        row, cell_row = by_label[e["label"]]
        assert row[1] == pytest.approx(e["value"], rel=1e-12)
        assert cell_row[1].number_format == "0.00%"
        assert row[5] == round(e["gap_pp"], 2)  # two decimals, as the pages write it
        assert cell_row[5].number_format == "+0.00;-0.00;0.00"
        assert row[9] == e["catch_up"]["text"]
    nat = status["indicators"]["national_platforms"]
    row, cell_row = by_label[nat["label"]]
    assert (row[2], row[4]) == (nat["value"], nat["target"])
    assert "演示数据" in wb["目标完成情况"]["A1"].value


def test_kpis_by_region_and_period_equal_kpi_status_for_each_scope(demo_db: Path) -> None:
    with connection.connect(demo_db) as con:
        sheet = export.kpi_table(con)
        wb = book(export.workbook_bytes([sheet]))
        expected = {
            (period, region): engine_status.kpi_status(con, period, region)["indicators"]
            for period in ("2025Q4", "2024Q2")
            for region in (None, "330402", "JX-PORT")
        }
    headers, values, cells = table(wb["分地区分期指标"])
    assert headers[:3] == ["统计期", "地区代码", "县(市、区)"]
    rows = {(v[0], v[1]): (v, c) for v, c in zip(values, cells, strict=True)}
    assert len(rows) == len(values) == 16 * 10  # 2022Q1–2025Q4 × (city + nine units)
    for (period, region), ind in expected.items():
        row, cell_row = rows[(period, region or CITY_CODE)]
        for r in RATIOS:
            e = ind[r.code]
            j = headers.index(r.label_zh)
            assert row[j] == pytest.approx(e["value"], rel=1e-12)
            assert row[j + 1] == pytest.approx(e["numerator"], rel=1e-12)
            assert row[j + 2] == pytest.approx(e["denominator"], rel=1e-12)
            assert cell_row[j].number_format == "0.00%"
            assert cell_row[j + 1].number_format == "#,##0.00"
            assert headers[j + 1].endswith("(万元)")
    assert values[0][0] == "2025Q4" and values[0][1] == CITY_CODE  # latest first, the city on top


def test_ranking_sheet_equals_unit_ranking(demo_db: Path) -> None:
    with connection.connect(demo_db) as con:
        ranking = series.unit_ranking(con, "2025Q4")
        wb = book(export.workbook_bytes([export.ranking_table(con, "2025Q4")]))
    headers, values, _ = table(wb["九个单位赛马排名"])
    assert headers[:5] == ["指标", "排名", "县(市、区)", "地区代码", "数值"]
    assert len(values) == 27
    got = {(row[3], row[0]): (row[1], row[4]) for row in values}
    labels = {r.code: r.label_zh for r in RATIOS}
    for r in ranking.itertuples():
        rank, value = got[(r.region, labels[r.indicator])]
        assert rank == r.rank
        assert value == pytest.approx(r.value, rel=1e-12)


HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "-2+3", '=HYPERLINK("http://x","y")']


def test_a_platform_named_like_a_formula_is_a_literal_text_cell(db: Path) -> None:
    head = "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态\n"
    body = "".join(
        f'"{name.replace(chr(34), chr(34) * 2)}",{host},海宁市,智能光伏,省级,龙头企业开放,2025-08-15,运行\n'
        for name, host in zip(HOSTILE, ["=1+2", "甲", "乙", "丙", "丁"], strict=True)
    )
    with connection.connect(db) as con:
        result = ingest_platforms(con, (head + body).encode("utf-8"), "plats.csv")
        assert result.stored, [i.describe() for i in result.report.errors]
        data = export.workbook_bytes([export.platform_table(con)])
    _, values, cells = table(book(data)["中试平台名录"])
    names = {row[0] for row in values}
    assert names == set(HOSTILE)  # exactly the text, no apostrophe added to the data
    for cell_row in cells:
        for cell in cell_row[:2]:
            assert cell.data_type == "s"
            # quote prefix: it stays text when someone edits the cell
            assert cell.quotePrefix == str(cell.value).startswith(("=", "+", "-", "@"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula element anywhere


def test_validation_report_workbook_lists_every_problem(db: Path) -> None:
    text = stats_csv("2025Q1,南湖区,,abc,1000,500,1000,70,100", "2025Q1,火星,,30,1000,500,1000,70,100")
    with connection.connect(db) as con:
        report = check_stats(con, text.encode("utf-8"), "bad.csv", today=TODAY).report
    wb = book(export.workbook_bytes([export.report_table(report)]))
    headers, values, cells = table(wb["校验报告"])
    assert headers == ["级别", "行", "列", "代码", "说明"]
    assert sorted((row[3], row[1]) for row in values) == [("NOT_A_NUMBER", 2), ("UNKNOWN_REGION", 3)]
    assert all(c[1].number_format == "#,##0" for c in cells)
    assert "bad.csv" in wb["校验报告"]["A1"].value


def test_kpi_report_writes_the_workbook_and_rejects_bad_input(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables.xlsx"
    done = run_kpi("report", "--region", "南湖区", "--out", str(out), db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "南湖区" in done.stdout
    assert book(out.read_bytes())["目标完成情况"]["A1"].value.startswith("统计期：")
    unknown = run_kpi("report", "--region", "火星", "--out", str(tmp_path / "x.xlsx"), db=demo_db)
    assert unknown.returncode == 2
    assert "火星" in unknown.stderr
    bad = run_kpi("report", "--out", str(tmp_path / "x.docx"), db=demo_db)
    assert bad.returncode == 2
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "x.docx").exists()


def test_overview_offers_the_brief_and_the_workbook_for_download(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPI_DB", str(demo_db))  # this file's demo_db is already a private copy
    at = support.app("leader")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels[-2:] == ["下载一页简报（PDF）", "下载数据表（Excel）"]
    assert buttons[-2].proto.deferred_file_id or buttons[-2].proto.url  # made at the click, not per rerun


def test_kpi_report_on_a_database_without_statistics_says_what_to_do(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "brief.pdf"
    done = run_kpi("report", "--out", str(out), db=db)
    assert done.returncode == 1
    assert "数据库中还没有统计数据" in done.stderr and "kpi demo" in done.stderr
    assert not out.exists()
