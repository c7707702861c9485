"""The upload page offers a file's validation report as an Excel workbook.

A rejected GBK file with Chinese headers goes through the real upload widget (AppTest); the
workbook the report's button offers is made by the function the button calls, opened with
openpyxl, and must hold every problem with its line, the file name and check time above the
table, the reasons in the chosen language, and no cell that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
import support

from kpi.ui.upload import validate

HEADER = (
    "统计期,县(市、区),产业集群,研发费用,营业收入,新产品产值,工业总产值,高新技术产业增加值,规上工业增加值"
)
# line 1: an extra column headed "=1+2" (ignored, a warning); line 3: unknown region;
# line 4: revenue "十万"; line 5: R&D expense "=SUM(A1:A9)"
BAD_GBK = (
    HEADER + ",=1+2\n"
    "2025Q3,南湖区,合计,1000,100000,50000,100000,15000,20000,x\n"
    "2025Q3,北京市,合计,1000,100000,50000,100000,15000,20000,x\n"
    "2025Q3,秀洲区,合计,1000,十万,50000,100000,15000,20000,x\n"
    "2025Q3,海宁市,合计,=SUM(A1:A9),100000,50000,100000,15000,20000,x\n"
).encode("gbk")
EXPECTED = [  # (severity, line, column, code), as the report sorts them
    ("错误", 3, "县(市、区)", "UNKNOWN_REGION"),
    ("错误", 4, "营业收入", "NOT_A_NUMBER"),
    ("错误", 5, "研发费用", "NOT_A_NUMBER"),
    ("提示", 1, "=1+2", "IGNORED_COLUMN"),
]


@pytest.fixture
def uploaded(app_db):
    at = support.app("statistician").run()
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_stats_files").set_value(("坏文件.csv", BAD_GBK, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def the_check(at) -> validate.FileCheck:
    (fc,) = at.session_state["_upload_checks"].values()
    return fc


def rows(ws) -> tuple[list[str], list[list], list[list]]:
    """(notes above the table, header, data rows): the header is the first bold row."""
    cells = list(ws.iter_rows())
    head = next(i for i, r in enumerate(cells) if r[0].font.bold)
    notes = [r[0].value for r in cells[:head] if r[0].value]
    return notes, [c.value for c in cells[head]], [list(r) for r in cells[head + 1 :]]


def test_the_report_of_a_rejected_file_downloads_as_a_workbook_with_every_problem(uploaded) -> None:
    button = uploaded.download_button(key="upload_stats_0_report_xlsx")
    assert button.label == "下载校验报告（Excel）"
    assert uploaded.download_button(key="upload_stats_0_report")  # the CSV stays beside it

    fc = the_check(uploaded)
    book = openpyxl.load_workbook(io.BytesIO(validate.report_workbook(fc, "zh")))
    notes, header, body = rows(book["校验报告"])
    assert header == ["级别", "行", "列", "代码", "说明"]
    assert [(r[0].value, r[1].value, r[2].value, r[3].value) for r in body] == EXPECTED
    assert body[0][4].value.startswith("未知的地区“北京市”")
    assert body[1][4].value == "“十万”不是数字"
    assert body[2][4].value == "“=SUM(A1:A9)”不是数字"
    assert all(r[1].number_format == "#,##0" for r in body)  # line numbers are numbers
    assert notes[0] == "校验报告：坏文件.csv"
    assert notes[1] == f"校验时间：{fc.checked_at:%Y-%m-%d %H:%M:%S}"
    assert notes[2] == "结果：未通过校验，整份文件未入库（3 个错误，1 个提示）"
    assert notes[3].startswith("编码：GBK/GB18030；数据行：4；SHA-256：")


def test_no_cell_of_the_report_is_a_formula(uploaded) -> None:
    data = validate.report_workbook(the_check(uploaded), "zh")
    ws = openpyxl.load_workbook(io.BytesIO(data))["校验报告"]
    cells = [c for r in ws.iter_rows() for c in r if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    (column,) = [c for c in cells if c.value == "=1+2"]  # exactly the file's header, kept as text
    assert column.data_type == "s" and column.quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet


def test_in_english_the_button_and_the_workbook_speak_english(uploaded) -> None:
    uploaded.sidebar.radio(key="lang").set_value("en").run()
    assert not uploaded.exception
    button = uploaded.download_button(key="upload_stats_0_report_xlsx")
    assert button.label == "Download the validation report (Excel)"

    book = openpyxl.load_workbook(io.BytesIO(validate.report_workbook(the_check(uploaded), "en")))
    notes, header, body = rows(book["Validation report"])
    assert header == ["severity", "line", "column", "code", "message"]
    assert [(r[1].value, r[3].value) for r in body] == [(e[1], e[3]) for e in EXPECTED]
    assert body[1][4].value == "“十万” is not a number"
    assert notes[0] == "Validation report: 坏文件.csv"
    assert notes[2] == "Result: rejected, nothing of the file was stored (3 error(s), 1 warning(s))"


def test_a_register_upload_offers_its_report_too(app_db) -> None:
    at = support.app("statistician").run()
    at.switch_page("pages/upload.py").run()
    bad = "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态\n坏平台,某公司,火星,,市级,,2025-13-01,运行\n"
    at.file_uploader(key="upload_platform_file").set_value(("名录.csv", bad.encode("gbk"), "text/csv")).run()
    assert not at.exception
    assert at.download_button(key="upload_platforms_report_xlsx")
    fc = the_check(at)
    notes, _, body = rows(openpyxl.load_workbook(io.BytesIO(validate.report_workbook(fc, "zh")))["校验报告"])
    assert notes[0] == "校验报告：名录.csv"
    lines = {(r[1].value, r[3].value) for r in body}
    assert lines == {(i.line, i.code) for i in fc.checked.report.issues}
    assert 2 in {line for line, _ in lines}
