"""The reporting calendar's second source (issue 19): the plan's task progress reports, per
accountable unit (责任单位) and quarter, received, revised, missing or late, with the number of
reports that count, on a hand-made set of reports and due days; `kpi calendar --source tasks`;
the upload page's tab.

2026Q3 ends on 2026-09-30; a task report is due 15 days later (task_rules.csv): 2026-10-15."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import support
from support import run_kpi

from kpi.engine import calendar
from kpi.model.periods import Period
from kpi.reports import calendar_view
from kpi.store import connection, writes
from kpi.tasks import catalog, reports

Q3, Q2 = Period(2026, 3), Period(2026, 2)
HEAD = "任务编号,责任单位,报告期,完成进度(%),进展情况,存在问题,下步打算\n"
# 市经信局 on two tasks; 市科技局 on one, corrected later; 市财政局's file rolled back
FIRST = HEAD + (
    "二(一)1,市经信局,2026Q3,50,推进中,无,继续\n"
    "二(一)3,市经信局,2026Q3,45,推进中,无,继续\n"
    "二(一)3,市科技局,2026Q3,40,推进中,无,继续\n"
    "二(一)1,市发展改革委,2026Q2,30,推进中,无,继续\n"  # another quarter: nothing for 2026Q3
)
CORRECTION = HEAD + "二(一)3,市科技局,2026Q3,42,推进中,无,继续\n"
WITHDRAWN = HEAD + "二(一)1,市财政局,2026Q3,50,推进中,无,继续\n"
UNITS_IN_ORDER = ["市经信局", "市发展改革委", "市科技局", "市财政局"]


def _ingest(con, text: str, when: dt.datetime) -> int:
    done = reports.ingest_progress(con, text.encode("utf-8"), "进度.csv", today=dt.date(2026, 12, 1))
    assert done.stored, done.report
    con.execute("UPDATE uploads SET uploaded_at = $t WHERE id = $id", {"t": when, "id": done.upload_id})
    return done.upload_id


@pytest.fixture
def arrived(db: Path) -> Path:
    with connection.connect(db, write=True) as con:
        _ingest(con, FIRST, dt.datetime(2026, 10, 8))
        _ingest(con, CORRECTION, dt.datetime(2026, 10, 30))
        writes.rollback_upload(con, _ingest(con, WITHDRAWN, dt.datetime(2026, 10, 9)))
    return db


def _cells(db: Path, today: dt.date, periods=(Q3,)) -> dict[tuple[str, str], calendar.Cell]:
    with connection.connect(db) as con:
        return {
            (c.unit, c.period): c for c in calendar.matrix(con, list(periods), source="tasks", today=today)
        }


def test_each_status_with_its_reports_before_and_after_the_due_day(arrived: Path) -> None:
    before, after = _cells(arrived, dt.date(2026, 10, 15)), _cells(arrived, dt.date(2026, 10, 16))
    for cells in (before, after):
        assert (cells[("市经信局", "2026Q3")].status, cells[("市经信局", "2026Q3")].values) == ("received", 2)
        assert (cells[("市科技局", "2026Q3")].status, cells[("市科技局", "2026Q3")].values) == ("revised", 1)
        assert cells[("市经信局", "2026Q3")].due == dt.date(2026, 10, 15)
        assert cells[("市经信局", "2026Q3")].first_at == dt.datetime(2026, 10, 8)
    # 市财政局's only 2026Q3 file was rolled back: awaited on the due day, late after it
    assert (before[("市财政局", "2026Q3")].status, before[("市财政局", "2026Q3")].values) == ("missing", 0)
    assert (after[("市财政局", "2026Q3")].status, after[("市财政局", "2026Q3")].values) == ("late", 0)
    assert after[("市发展改革委", "2026Q3")].status == "late"  # its 2026Q2 report is not 2026Q3's
    # every accountable unit with a current task, in the plan's order; the key is the unit's name
    with connection.connect(arrived) as con:
        assert [u for u, _ in after] == catalog.unit_order(con)
    assert [u for u, _ in after][:4] == UNITS_IN_ORDER


def test_the_due_day_is_the_tasks_own_setting_and_the_plan_starts_the_calendar(arrived: Path) -> None:
    with connection.connect(arrived) as con:
        assert catalog.save_rules(con, {"due_days": "30"}) == {}
    cells = _cells(arrived, dt.date(2026, 10, 20), periods=(Q3, Q2, Period(2025, 3), Period(2025, 2)))
    assert cells[("市财政局", "2026Q3")].status == "missing"
    assert cells[("市财政局", "2026Q3")].due == dt.date(2026, 10, 30)
    assert cells[("市发展改革委", "2026Q2")].status == "received"
    assert cells[("市经信局", "2026Q2")].status == "late"
    # the plan began on 2025-07-04: 2025Q3 is its first quarter, nothing was due before
    assert {p for _, p in cells} == {"2026Q3", "2026Q2", "2025Q3"}


def test_kpi_calendar_source_tasks_keeps_the_contracts_shape(arrived: Path) -> None:
    done = run_kpi("calendar", "--source", "tasks", "--period", "2026Q3", "--json", db=arrived)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["period", "due", "units"] and (out["period"], out["due"]) == ("2026Q3", "2026-10-15")
    assert out["units"][:4] == [
        {"region": "市经信局", "name": "市经信局", "status": "received", "values": 2},
        {"region": "市发展改革委", "name": "市发展改革委", "status": "late", "values": 0},
        {"region": "市科技局", "name": "市科技局", "status": "revised", "values": 1},
        {
            "region": "市财政局",
            "name": "市财政局",
            "status": "late",
            "values": 0,
        },  # today is past the due day
    ]
    text = run_kpi("calendar", "--source", "tasks", "--period", "2026Q3", db=arrived).stdout.splitlines()
    assert text[:2] == ["2026年1—9月 任务进展报告报送（应报日期 2026-10-15）", "  市经信局  已报送  2 份"]
    early = json.loads(
        run_kpi("calendar", "--source", "tasks", "--period", "2025Q2", "--json", db=arrived).stdout
    )
    assert early == {"period": "2025Q2", "due": "2025-07-15", "units": []}
    stats = json.loads(run_kpi("calendar", "--period", "2026Q3", "--json", db=arrived).stdout)
    assert stats["units"][0]["region"] == "330402" and stats["due"] == "2026-10-20"  # the default: statistics


def test_the_table_a_person_reads(arrived: Path) -> None:
    cells = list(_cells(arrived, dt.date(2026, 10, 16)).values())
    text, status = calendar_view.matrix_frames(cells, "zh")
    assert text.index.tolist()[:3] == ["应报日期", "市经信局", "市发展改革委"]
    assert text.loc["应报日期", "2026年1—9月"] == "2026-10-15"
    assert text.loc["市科技局", "2026年1—9月"] == "↻ 已修订 1"
    assert status.loc["市财政局", "2026年1—9月"] == "late"
    assert calendar_view.due_days(cells) == 15


def test_the_upload_page_shows_the_task_calendar_in_its_own_tab(arrived: Path, monkeypatch) -> None:
    monkeypatch.setenv("KPI_DB", str(arrived))
    at = support.app("statistician").run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.label for t in at.tabs][:2] == ["统计数据", "任务进展报告"]
    tasks = at.tabs[1]
    frame = tasks.dataframe[0].value
    assert frame.index.tolist()[:5] == ["应报日期", *UNITS_IN_ORDER]
    assert frame.loc["市科技局", "2026年1—9月"] == "↻ 已修订 1"
    assert frame.loc["市经信局", "2026年1—9月"] == "✔ 已报送 2"
    assert "2025年1—6月" not in frame.columns  # before the plan
    assert any("季度结束后第 15 天" in c.value for c in tasks.caption)
    assert any("季度结束后第 20 天" in c.value for c in at.tabs[0].caption)
