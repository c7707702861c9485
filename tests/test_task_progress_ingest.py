"""The progress file (`kpi ingest progress`): the statistics file's guarantees. Every problem with
its line, column and a Chinese reason (English with --lang en), exit 2 and nothing stored, in
UTF-8, UTF-8 with BOM and GBK alike; a good file stored in one transaction, a revision keeping
the earlier report; English headers; the form checked like a one-line file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import run_kpi

from kpi.model.roles import Forbidden, Viewer
from kpi.store import connection
from kpi.store import tasks as task_store
from kpi.tasks import reports

TODAY = dt.date(2026, 12, 1)
HEADER = "任务编号,责任单位,报告期,完成进度(%),进展情况,存在问题,下步打算,佐证材料"
GOOD = [
    "二(一)2,市发展改革委,2026Q3,40,已编制建设规划,用地指标紧张,月度调度,规划文本",
    "二（一）2,市国资委,2026年三季度,35%,国资平台已组建,无,推进投资,",
    "二(三)4,市教育局,2026-Q2,20.5,组建中试联盟,资源分散,建设网络平台,",
]
BAD = [
    "二(九)1,市经信局,2026Q3,40,a,b,c,",  # line 2: unknown code
    "二(一)1,市商务局,2026Q3,40,a,b,c,",  # line 3: not accountable for 二(一)1
    "二(一)2,市发展改革委,2026Q3,140,a,b,c,",  # line 4: above 100
    "二(一)2,市国资委,2026Q4,40,a,b,c,",  # line 5: not ended on 2026-12-01
    "二(一)3,市经信局,2025Q2,40,a,b,c,",  # line 6: before the plan
    "二(一)3,市科技局,2026Q3,-5,a,b,c,",  # line 7: below 0
    "二(一)3,市不存在局,2026Q3,40,a,b,c,",  # line 8: unknown unit
    "二(一)4,市经信局,2026年1-8月,40,a,b,c,",  # line 9: not a quarter
    "二(一)4,市科技局,2026Q3,四十,,b,c,",  # line 10: not a number, 进展情况 empty
]
EXPECTED = [
    ("UNKNOWN_TASK", 2, "任务编号"),
    ("UNIT_NOT_ACCOUNTABLE", 3, "责任单位"),
    ("BAD_PERCENT", 4, "完成进度(%)"),
    ("TASK_PERIOD_NOT_ENDED", 5, "报告期"),
    ("PERIOD_BEFORE_PLAN", 6, "报告期"),
    ("BAD_PERCENT", 7, "完成进度(%)"),
    ("UNKNOWN_TASK_UNIT", 8, "责任单位"),
    ("UNKNOWN_PERIOD", 9, "报告期"),
    ("BAD_PERCENT", 10, "完成进度(%)"),
    ("MISSING_VALUE", 10, "进展情况"),
]
ENCODINGS = ["utf-8", "utf-8-sig", "gbk"]


def text(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def state(db: Path) -> tuple[list[tuple], list[tuple], int]:
    with connection.connect(db) as con:
        stored = con.execute("SELECT * FROM task_reports ORDER BY ALL").fetchall()
        uploads = con.execute("SELECT * FROM uploads ORDER BY id").fetchall()
        events = con.execute("SELECT count(*) FROM audit_log").fetchall()[0][0]
    return stored, uploads, events


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_bad_file_lists_every_problem_and_stores_nothing(db: Path, encoding: str) -> None:
    before = state(db)
    with connection.connect(db) as con:
        result = reports.ingest_progress(con, text(*BAD).encode(encoding), "进度.csv", today=TODAY)
    assert not result.stored
    got = sorted((i.code, i.line, i.column) for i in result.report.errors)
    assert got == sorted(EXPECTED)
    assert state(db) == before
    messages = {i.code + str(i.line): i.message("zh") for i in result.report.errors}
    assert messages["UNIT_NOT_ACCOUNTABLE3"] == (
        "“市商务局”不是任务 二(一)1 的责任单位（该任务的责任单位：市经信局、市发展改革委、市科技局、市财政局）"
    )
    assert (
        messages["TASK_PERIOD_NOT_ENDED5"]
        == "报告期 2026Q4 尚未结束（今天是 2026-12-01）：只能报送已经结束的季度"
    )


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_one_bad_line_among_good_ones_keeps_the_whole_file_out(
    db: Path, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "进度.csv"
    path.write_bytes(text(*GOOD, BAD[2]).encode(encoding))
    before = state(db)
    done = run_kpi("ingest", "progress", str(path), db=db)
    assert done.returncode == 2
    assert "第 5 行，列“完成进度(%)”：完成进度“140”应为 0 到 100 之间的数字" in done.stderr
    assert "Traceback" not in done.stderr
    assert state(db) == before
    english = run_kpi("ingest", "progress", str(path), "--lang", "en", db=db)
    assert (
        english.returncode == 2
        and "line 5" in english.stderr
        and "must be a number from 0 to 100" in english.stderr
    )


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_good_file_is_stored_with_its_lines_and_encoding(db: Path, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "进度.csv"
    path.write_bytes(text(*GOOD).encode(encoding))
    done = run_kpi("ingest", "progress", str(path), "--by", "张三", db=db)
    assert done.returncode == 0, done.stderr
    assert "3 条（新增 3 条，更正 0 条）" in done.stdout
    with connection.connect(db) as con:
        rows = task_store.reports(con)
        upload = con.execute("SELECT kind, encoding, uploaded_by FROM uploads").fetchall()
    assert upload == [("progress", "gb18030" if encoding == "gbk" else encoding, "张三")]
    got = sorted(zip(rows["code"], rows["unit"], rows["period"], rows["progress"], rows["line"], strict=True))
    assert got == [
        ("二(一)2", "市发展改革委", "2026Q3", 0.4, 2),
        ("二(一)2", "市国资委", "2026Q3", 0.35, 3),
        ("二(三)4", "市教育局", "2026Q2", 0.205, 4),
    ]
    assert set(rows["evidence"].dropna()) == {"规划文本"}


def test_a_revision_counts_and_the_earlier_report_stays(db: Path) -> None:
    with connection.connect(db) as con:
        first = reports.ingest_progress(con, text(GOOD[0]).encode(), "a.csv", today=TODAY)
        again = reports.ingest_progress(
            con, text(GOOD[0].replace(",40,", ",45,")).encode(), "b.csv", today=TODAY
        )
        current = task_store.reports(con)
        history = task_store.reports(con, history=True)
    assert first.stored and (again.new_rows, again.revised_rows) == (0, 1)
    assert list(current["progress"]) == [0.45]
    assert list(zip(history["progress"], history["is_current"], strict=True)) == [(0.45, True), (0.4, False)]


def test_progress_going_backwards_is_a_warning_not_a_refusal(db: Path) -> None:
    with connection.connect(db) as con:
        reports.ingest_progress(con, text(GOOD[0].replace("2026Q3", "2026Q2")).encode(), "a.csv", today=TODAY)
        lower = reports.ingest_progress(
            con, text(GOOD[0].replace(",40,", ",30,")).encode(), "b.csv", today=TODAY
        )
        stored = con.execute(
            "SELECT code, line, message_zh FROM upload_issues WHERE upload_id = $id", {"id": lower.upload_id}
        ).fetchall()
    assert lower.stored
    assert [(i.code, i.line, i.column) for i in lower.report.warnings] == [
        ("PROGRESS_DECREASE", 2, "完成进度(%)")
    ]
    assert stored == [("PROGRESS_DECREASE", 2, "完成进度 30% 低于此前的报告（2026Q2：40%），请确认")]


def test_a_rolled_back_upload_gives_the_earlier_report_back(db: Path) -> None:
    with connection.connect(db) as con:
        reports.ingest_progress(con, text(GOOD[0]).encode(), "a.csv", today=TODAY)
        again = reports.ingest_progress(
            con, text(GOOD[0].replace(",40,", ",45,")).encode(), "b.csv", today=TODAY
        )
    done = run_kpi("rollback", str(again.upload_id), db=db)
    assert done.returncode == 0, done.stderr
    with connection.connect(db) as con:
        assert list(task_store.reports(con)["progress"]) == [0.4]


def test_english_headers_and_spellings(db: Path) -> None:
    header = "Task, Unit, Period, Progress (%), Achievements, Problems, Next steps"
    good = "二（一）2,Municipal Development and Reform Commission,2026年三季度,40%,done,none,more"
    with connection.connect(db) as con:
        bad = reports.ingest_progress(
            con, text("2(1)2,市发展改革委,2026Q3,40,x,,", good, header=header).encode(), "en.csv", today=TODAY
        )
        assert [(i.code, i.line, i.column) for i in bad.report.errors] == [("UNKNOWN_TASK", 2, "Task")]
        ok = reports.ingest_progress(con, text(good, header=header).encode(), "en.csv", today=TODAY)
        rows = task_store.reports(con)
    assert ok.stored
    assert list(zip(rows["code"], rows["unit"], rows["period"], rows["progress"], strict=True)) == [
        ("二(一)2", "市发展改革委", "2026Q3", 0.4)
    ]


def test_a_missing_column_and_a_duplicate_row(db: Path) -> None:
    with connection.connect(db) as con:
        missing = reports.ingest_progress(
            con, "任务编号,责任单位\n二(一)2,市国资委\n".encode("gbk"), "m.csv", today=TODAY
        )
        twice = reports.ingest_progress(con, text(GOOD[0], GOOD[0]).encode(), "d.csv", today=TODAY)
    assert {i.code for i in missing.report.errors} == {"MISSING_COLUMN"}
    assert {i.column for i in missing.report.errors} == {
        "报告期",
        "完成进度(%)",
        "进展情况",
        "存在问题",
        "下步打算",
    }
    assert [(i.code, i.line) for i in twice.report.errors] == [("DUPLICATE_REPORT", 3)]


def test_the_form_is_checked_like_a_file(db: Path) -> None:
    with connection.connect(db) as con:
        uid, problems = reports.record_report(
            con, "二(一)2", "市国资委", "2026Q3", 140, "", by="王五", today=TODAY
        )
        assert uid is None and sorted(i.code for i in problems) == ["BAD_PERCENT", "MISSING_VALUE"]
        uid, problems = reports.record_report(
            con, "二(一)2", "市国资委", "2026Q3", 30, "已组建平台公司", by="王五", today=TODAY
        )
        assert problems == [] and uid is not None
        kind = con.execute("SELECT kind, uploaded_by FROM uploads WHERE id = $id", {"id": uid}).fetchall()
    assert kind == [("progress_form", "王五")]


def test_only_those_who_report_may_upload(db: Path) -> None:
    with connection.connect(db) as con, pytest.raises(Forbidden):
        reports.check_progress(
            con, text(*GOOD).encode(), "p.csv", viewer=Viewer("boss", "leader"), today=TODAY
        )
