"""The pages' side of issue 19 (AppTest on a real database): the "按…时已知数据" picker shows the
figures as known at a past day, the "已修订" badge and the vintages panel, the reporting calendar
first on the upload page, and the admin page's webhook, rules and outbox."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import support
from support import ingest_text, stats_csv

from kpi.store import connection, outbox, settings

# with the city's own total row: two of nine units alone are an incomplete quarter, which shows
# no city figure (issue 12)
V1 = stats_csv(
    "2025Q1,南湖区,,30,1000,500,1000,70,100",
    "2025Q1,秀洲区,,10,1000,500,1000,70,100",
    "2025Q1,330400,,40,2000,1000,2000,140,200",
)
V2 = stats_csv("2025Q1,南湖区,,45,1000,500,1000,70,100", "2025Q1,330400,,55,2000,1000,2000,140,200")


@pytest.fixture
def revised(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """V1 on 5 January 2026, its revision V2 on 5 February."""
    monkeypatch.setenv("KPI_DB", str(db))
    for text, when in ((V1, dt.datetime(2026, 1, 5, 10)), (V2, dt.datetime(2026, 2, 5, 10))):
        upload_id = ingest_text(db, text).upload_id
        with connection.connect(db, write=True) as con:
            con.execute("UPDATE uploads SET uploaded_at = $t WHERE id = $id", {"t": when, "id": upload_id})
    return db


def _texts(at, kind: str) -> list[str]:
    return [e.value for e in at.get(kind)]


def _rd_card(at) -> str:
    return at.metric[0].value


def test_the_picker_shows_the_figures_as_known_at_a_past_day_and_back(revised: Path) -> None:
    at = support.app("leader").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _rd_card(at) == "2.75%"  # (45 + 10) / 2000: the revision counts
    at.date_input(key="as_of_day__w").set_value(dt.date(2026, 1, 20)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _rd_card(at) == "2.00%"  # (30 + 10) / 2000: as known on 20 January
    assert "按 2026-01-20 时已知数据显示：此后的上传未计入，此后的撤回视为未发生。" in _texts(at, "info")
    at.switch_page("pages/regions.py").run()  # the chosen day holds on the next page
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value == "3.00%"  # 南湖区 as known then
    at.button(key="asof_reset").click().run()
    assert at.metric[0].value == "4.50%" and not [i for i in _texts(at, "info") if "已知数据" in i]


def test_a_revised_figure_carries_the_badge_and_its_panel_lists_each_vintage(revised: Path) -> None:
    at = support.app("leader").run()
    badges = [m for m in _texts(at, "markdown") if "已修订" in m]
    assert len(badges) == 1  # the R&D card only: the other ratios did not change
    assert not at.table  # the panels are drawn only when asked for (issue 16)
    at.button(key="vintages_rd_intensity").click().run()  # the R&D card's 版本记录: a dialog
    assert not at.exception, [e.value for e in at.exception]
    tables = [t.value for t in at.table]
    vintages = next(t for t in tables if "上传批次" in t.columns)
    assert vintages.index.tolist() == ["2026-02-05 10:00", "2026-01-05 10:00"]  # newest first
    assert vintages["数值"].tolist() == ["2.75%", "2.00%"]
    assert vintages["变化"].tolist() == ["上传", "上传"]
    at.date_input(key="revised_since_day__w").set_value(dt.date(2026, 2, 6)).run()
    assert not [m for m in _texts(at, "markdown") if "已修订" in m]  # nothing changed since then
    at.button(key="vintages_rd_intensity").click().run()
    assert any("“已修订”：自 2026-02-06 之后被修订过。" in c for c in _texts(at, "caption"))


def test_the_upload_page_shows_the_reporting_calendar_first(revised: Path) -> None:
    at = support.app("statistician").run()
    at.date_input(key="as_of_day__w").set_value(dt.date(2026, 1, 1)).run()  # on the Overview
    at.switch_page("pages/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value == "报送日历"
    frame = at.dataframe[0].value
    assert frame.index.tolist()[:3] == ["应报日期", "南湖区", "秀洲区"]
    assert len(frame.columns) == 8  # the last eight quarters ended
    # the upload page is always as things are now, whatever day the Overview was shown at
    assert frame.loc["南湖区", "2025年1—3月"] == "↻ 已修订 1"
    assert frame.loc["秀洲区", "2025年1—3月"] == "✔ 已报送 1"


def test_the_admin_sets_the_webhook_and_sees_the_outbox(revised: Path) -> None:
    with connection.connect(revised) as con:
        outbox.queue(con, [outbox.Event("k1", "stats_late", "嘉善县", "嘉善县 统计数据逾期未报", "原因", {})])
    at = support.app("admin").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "报送与提醒" in [t.label for t in at.tabs]
    next(t for t in at.text_input if t.label.startswith("推送地址")).input(
        "https://oapi.dingtalk.com/robot/send?access_token=x"
    )
    next(n for n in at.number_input if n.label.startswith("统计数据应报日")).set_value(25)
    next(b for b in at.button if b.label == "保存设置").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with connection.connect(revised) as con:
        values = settings.values(con)
    assert values["webhook_url"] == "https://oapi.dingtalk.com/robot/send?access_token=x"
    assert values["stats_due_days"] == "25"
    table = at.dataframe[-1].value
    assert table["内容"].tolist() == ["嘉善县 统计数据逾期未报"] and table["发送"].tolist() == ["待发送"]
