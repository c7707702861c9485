"""The reporting calendar (issue 19, CONTRACT.md §4 `kpi calendar`): for each unit and quarter,
received, revised, missing or late, with the values that count, on a hand-made set of uploads
and due days."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from support import ingest_text, run_kpi, stats_csv

from kpi.engine import calendar
from kpi.model.periods import Period
from kpi.reports import calendar_view
from kpi.store import connection, settings, vintages, writes

Q3 = Period(2025, 3)  # ends 2025-09-30; due 20 days later by default: 2025-10-20
NANHU, XIUZHOU, JIASHAN = "330402", "330411", "330421"
FIRST = stats_csv(
    "2025Q3,南湖区,,30,1000,500,1000,70,100",
    "2025Q3,南湖区,智能光伏,3,100,50,100,7,10",
    "2025Q3,秀洲区,,10,1000,500,1000,70,100",
    "2025Q2,嘉善县,,10,1000,500,1000,70,100",  # another quarter: nothing for 2025Q3
)
REVISION = stats_csv("2025Q3,秀洲区,,12,1000,500,1000,70,100")
WITHDRAWN = stats_csv("2025Q3,嘉善县,,10,1000,500,1000,70,100")


@pytest.fixture
def arrived(db: Path) -> Path:
    """The first file on 10 October 2025, 秀洲区's revision on 1 November, 嘉善县's file on 12
    October, rolled back (a withdrawn upload never arrived)."""
    times = {}
    for text, when in ((FIRST, dt.datetime(2025, 10, 10)), (REVISION, dt.datetime(2025, 11, 1))):
        times[ingest_text(db, text).upload_id] = when
    withdrawn = ingest_text(db, WITHDRAWN).upload_id
    times[withdrawn] = dt.datetime(2025, 10, 12)
    with connection.connect(db, write=True) as con:
        writes.rollback_upload(con, withdrawn)
        for upload_id, when in times.items():
            con.execute("UPDATE uploads SET uploaded_at = $t WHERE id = $id", {"t": when, "id": upload_id})
    return db


def _cells(db: Path, today: dt.date, periods=(Q3,)) -> dict[tuple[str, str], calendar.Cell]:
    with connection.connect(db) as con:
        return {(c.unit, c.period): c for c in calendar.matrix(con, list(periods), today=today)}


def test_each_status_with_its_values_before_and_after_the_due_day(arrived: Path) -> None:
    before, after = _cells(arrived, dt.date(2025, 10, 20)), _cells(arrived, dt.date(2025, 10, 21))
    for cells in (before, after):
        assert (cells[(NANHU, "2025Q3")].status, cells[(NANHU, "2025Q3")].values) == ("received", 2)
        assert (cells[(XIUZHOU, "2025Q3")].status, cells[(XIUZHOU, "2025Q3")].values) == ("revised", 1)
        assert cells[(NANHU, "2025Q3")].due == dt.date(2025, 10, 20)
    # nothing (嘉善县's only 2025Q3 upload was rolled back): awaited on the due day, late after it
    assert (before[(JIASHAN, "2025Q3")].status, before[(JIASHAN, "2025Q3")].values) == ("missing", 0)
    assert (after[(JIASHAN, "2025Q3")].status, after[(JIASHAN, "2025Q3")].values) == ("late", 0)
    assert [c.status for (u, _), c in after.items() if u not in (NANHU, XIUZHOU)] == ["late"] * 7
    assert len(after) == 9  # the nine units, never the city's own row


def test_the_due_day_is_a_setting(arrived: Path) -> None:
    with connection.connect(arrived) as con:
        settings.set_values(con, {"stats_due_days": "31"}, by="tester")
    cells = _cells(arrived, dt.date(2025, 10, 21))
    assert cells[(JIASHAN, "2025Q3")].status == "missing"
    assert cells[(JIASHAN, "2025Q3")].due == dt.date(2025, 10, 31)
    with connection.connect(arrived) as con, pytest.raises(settings.BadSettingValue) as info:
        settings.set_values(con, {"stats_due_days": "-1"}, by="tester")
    assert info.value.message() == "设置项 stats_due_days 的值“-1”不可用：应为 ≥ 0，未作任何修改"


def test_a_matrix_of_quarters_and_as_known_at_a_moment(arrived: Path) -> None:
    cells = _cells(arrived, dt.date(2025, 10, 21), periods=(Q3, Period(2025, 2)))
    assert cells[(JIASHAN, "2025Q2")].status == "received"
    assert cells[(NANHU, "2025Q2")].status == "late"
    with connection.connect(arrived) as con, vintages.known_at(con, dt.datetime(2025, 10, 31)) as known:
        then = {c.unit: c.status for c in calendar.matrix(known, [Q3], today=dt.date(2025, 10, 31))}
    assert then[XIUZHOU] == "received"  # the revision came on 1 November


def test_recent_periods_are_the_quarters_ended() -> None:
    assert [p.code for p in calendar.recent_periods(dt.date(2026, 1, 15), 5)] == [
        "2025Q4",
        "2025Q3",
        "2025Q2",
        "2025Q1",
        "2024Q4",
    ]


def test_kpi_calendar_json_is_exactly_the_contracts(arrived: Path) -> None:
    done = run_kpi("calendar", "--period", "2025年1-9月", "--json", db=arrived)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out) == ["period", "due", "units"]
    assert (out["period"], out["due"]) == ("2025Q3", "2025-10-20")
    assert out["units"][:3] == [
        {"region": NANHU, "name": "南湖区", "status": "received", "values": 2},
        {"region": XIUZHOU, "name": "秀洲区", "status": "revised", "values": 1},
        {"region": JIASHAN, "name": "嘉善县", "status": "late", "values": 0},  # today is past 2025-10-20
    ]
    assert all(list(u) == ["region", "name", "status", "values"] for u in out["units"])
    assert len(out["units"]) == 9
    text = run_kpi("calendar", "--period", "2025Q3", db=arrived)
    assert text.stdout.splitlines()[:2] == [
        "2025年1—9月 统计数据报送（应报日期 2025-10-20）",
        "  南湖区  已报送  2 条",
    ]
    bad = run_kpi("calendar", "--period", "2025Q5", db=arrived)
    assert bad.returncode == 2 and "2025Q5" in bad.stderr


def test_the_table_a_person_reads(arrived: Path) -> None:
    cells = list(_cells(arrived, dt.date(2025, 10, 21)).values())
    text, status = calendar_view.matrix_frames(cells, "zh")
    assert list(text.columns) == ["2025年1—9月"] and text.index[0] == "应报日期"
    assert text.loc["应报日期", "2025年1—9月"] == "2025-10-20"
    assert text.loc["南湖区", "2025年1—9月"] == "✔ 已报送 2"
    assert text.loc["秀洲区", "2025年1—9月"] == "↻ 已修订 1"
    assert text.loc["嘉善县", "2025年1—9月"] == "✖ 逾期未报 "
    assert status.loc["嘉善县", "2025年1—9月"] == "late"
    assert calendar_view.cell_css("late") == "background-color: #D55E00; color: white"
