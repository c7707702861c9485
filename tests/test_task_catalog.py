"""The task list and its rules are data an administrator changes (a plan revision), each change a
version with who, when and why, and an audit event; the board follows. The overview's card and
the brief's section say the same as the board."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import support

from kpi.model.roles import Forbidden, Viewer
from kpi.progress.tasks import TaskStatus
from kpi.reports import tasks_brief, tasks_view
from kpi.store import audit, connection
from kpi.store import tasks as task_store
from kpi.tasks import board, catalog, reports

ADMIN = Viewer("root", "admin")
TODAY = dt.date(2026, 12, 1)


def test_an_administrator_changes_a_task_and_the_history_keeps_both(db: Path) -> None:
    with connection.connect(db) as con:
        version, problems = catalog.save_task(
            con,
            "二（一）3",
            section="加快建设布局，构建多层次中试平台体系",
            title="鼓励龙头企业开放一批",
            units=["市经信局", "市科技局", "市商务局"],
            note="方案修订（示例）",
            viewer=ADMIN,
        )
        assert problems == [] and version is not None
        units = catalog.accountable(con)["二(一)3"]
        history = task_store.task_versions(con, "二(一)3")
        events = audit.list_events(con, action="task_change")
        b = board.board(con, TODAY)
    assert units == ("市经信局", "市科技局", "市商务局")
    assert [list(u) for u in history["units"]] == [
        ["市经信局", "市科技局", "市商务局"],
        ["市经信局", "市科技局"],
    ]
    assert list(history["changed_by"]) == ["root", "reference"]
    assert history["note"].iloc[0] == "方案修订（示例）"
    assert len(events) == 1 and audit.detail_of(events["detail"].iloc[0])["code"] == "二(一)3"
    assert [u.name for u in next(t for t in b.tasks if t.code == "二(一)3").units][-1] == "市商务局"


def test_a_new_task_a_new_unit_and_a_withdrawal(db: Path) -> None:
    with connection.connect(db) as con:
        added, _ = catalog.save_task(
            con,
            "二(一)7",
            section="加快建设布局，构建多层次中试平台体系",
            title="示例新增任务",
            units=["市新设局"],
            viewer=ADMIN,
        )
        codes = [t.code for t in catalog.tasks(con)]
        names = catalog.unit_names(con)
        gone, _ = catalog.save_task(
            con,
            "二(一)7",
            section="加快建设布局，构建多层次中试平台体系",
            title="示例新增任务",
            units=["市新设局"],
            active=False,
            viewer=ADMIN,
        )
        after = [t.code for t in catalog.tasks(con)]
        versions = task_store.task_versions(con, "二(一)7")
    assert added and gone
    assert codes.index("二(一)7") == 6  # after 二(一)6, before 二(二)1: the plan's order
    assert names[-1] == "市新设局"
    assert "二(一)7" not in after and len(after) == 16
    assert list(versions["active"]) == [False, True]


@pytest.mark.parametrize(
    ("code", "title", "units", "problem"),
    [
        ("2-1-3", "标题", ["市经信局"], "bad_code"),
        ("二(一)3", "", ["市经信局"], "bad_title"),
        ("二(一)3", "标题", [], "no_units"),
        ("二(一)3", "标题", ["市经信局", "市经信局"], "duplicate_unit"),
        ("二(一)3", "标题", ["市经信局、市科技局"], "bad_unit"),
    ],
)
def test_a_bad_task_is_not_stored(db: Path, code: str, title: str, units: list[str], problem: str) -> None:
    with connection.connect(db) as con:
        version, problems = catalog.save_task(
            con, code, section="部分", title=title, units=units, viewer=ADMIN
        )
        assert version is None and problem in problems
        assert len(task_store.task_versions(con)) == 16


def test_only_an_administrator_changes_the_list_or_the_rules(db: Path) -> None:
    leader = Viewer("boss", "leader")
    with connection.connect(db) as con:
        with pytest.raises(Forbidden):
            catalog.save_task(con, "二(一)3", section="x", title="y", units=["市经信局"], viewer=leader)
        with pytest.raises(Forbidden):
            catalog.save_rules(con, {"lagging_pp": "5"}, viewer=Viewer("d", "department", unit="市经信局"))


def test_the_rules_are_settings_that_move_the_statuses(db: Path) -> None:
    data = "任务编号,责任单位,报告期,完成进度(%),进展情况,存在问题,下步打算\n二(一)3,市经信局,2026Q3,45,a,,\n"
    with connection.connect(db) as con:
        assert reports.ingest_progress(con, data.encode(), "p.csv", today=TODAY).stored
        unit = lambda: board.board(con, TODAY, "市经信局").tasks[2].units[0].state.status  # noqa: E731
        assert unit() is TaskStatus.ON_SCHEDULE  # 4.8 pp below 49.78 %
        assert catalog.save_rules(con, {"lagging_pp": "20", "seriously_lagging_pp": "10"}, viewer=ADMIN) == {
            "lagging_pp": "bad_thresholds",
            "seriously_lagging_pp": "bad_thresholds",
        }
        assert catalog.save_rules(con, {"lagging_pp": "4"}, viewer=ADMIN) == {}
        assert unit() is TaskStatus.LAGGING
        assert catalog.save_rules(con, {"due_days": "70"}, viewer=ADMIN) == {}
        log = task_store.settings_log(con)
        events = audit.list_events(con, action="task_rules")
    assert next(r for r in log.itertuples() if r.key == "lagging_pp").value == "4"
    assert len(events) == 2


def test_an_administrator_edits_a_task_on_the_page(app_db: Path) -> None:
    at = support.app("admin")
    at.run()
    at.switch_page("pages/tasks.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "任务清单维护" in [t.label for t in at.tabs]
    at.selectbox(key="tasks_manage_pick").set_value("二(二)3").run()
    edited = next(w for w in at.text_input if w.label == "新增责任单位（方案修订新列出的单位，用“、”分隔）")
    edited.set_value("市商务局")
    next(w for w in at.text_input if w.label == "修改依据（如修订文件名）").set_value("示例修订")
    next(b for b in at.button if b.label == "保存任务").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with connection.connect(app_db) as con:
        assert catalog.accountable(con)["二(二)3"] == ("市市场监管局", "市科技局", "市商务局")
        assert task_store.task_versions(con, "二(二)3")["changed_by"].iloc[0] == "t_admin"
    assert any("已保存任务 二(二)3" in s.value for s in at.success)


def test_the_overview_card_and_the_brief_say_what_the_board_says(app_db: Path) -> None:
    data = "任务编号,责任单位,报告期,完成进度(%),进展情况,存在问题,下步打算\n二(二)3,市科技局,2026Q3,10,a,,\n"
    with connection.connect(app_db) as con:
        assert reports.ingest_progress(con, data.encode(), "p.csv", today=TODAY).stored
        b = board.board(con, TODAY)
        section = tasks_brief.section(tasks_brief.gather(con, today=TODAY))
    # 二(二)3: 市科技局 39.8 pp behind (seriously lagging); the 15 other tasks have no report
    # the seriously lagging one is named beside the lagging count (the pills show them apart)
    assert tasks_view.card_line(b) == "重点任务：0 项按序时推进，1 项滞后（其中 1 项严重滞后），15 项未报送"
    assert (
        tasks_view.card_line(b, "en")
        == "Tasks: 0 on schedule, 1 lagging (1 of them seriously), 15 not reported"
    )
    assert "重点任务：0 项按序时推进，1 项滞后（其中 1 项严重滞后），15 项未报送。" in section
    assert "需督办：二(二)3 ✖ 严重滞后（2个单位）" in section
    at = support.app("leader")
    at.run()
    assert not at.exception
    shown = [m.value for m in at.markdown]
    assert any(v.startswith("重点任务：") and "项未报送" in v for v in shown)


def test_kpi_demo_loads_deterministic_demo_task_reports(db: Path, tmp_path: Path) -> None:
    done = support.run_kpi("demo", db=db)
    assert done.returncode == 0, done.stderr
    assert "演示任务进度" in done.stdout
    with connection.connect(db) as con:
        kinds = con.execute("SELECT kind, is_demo FROM uploads WHERE kind = 'progress'").fetchall()
        first = demo_frame(con)
        b = board.board(con)
    other = tmp_path / "other.duckdb"
    with connection.connect(other) as con:
        again = demo_frame(con)
    assert kinds == [("progress", True)]
    assert first.equals(again) and len(first) > 16
    assert b.demo and any(t.status is not TaskStatus.NOT_REPORTED for t in b.tasks)


def demo_frame(con):
    from kpi.tasks import demo

    return demo.reports_frame(con, TODAY)
