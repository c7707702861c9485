"""A task × unit's status on a fixed day, by hand, on each edge of the written rule.

The plan runs from 2025-07-04 to 2027-12-31: 910 days. 序时进度 at the end of 2026Q3
(2026-09-30) = 453 / 910 = 49.78 %; at the end of 2026Q2 (2026-06-30) = 361 / 910 = 39.67 %; at
the end of 2025Q3 = 88 / 910 = 9.67 %. Defaults: lagging from 10 pp below, seriously lagging above
30 pp below (the gap as shown, one decimal), a quarter's report due 15 days after it ends."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from support import run_kpi

from kpi.model.periods import Period
from kpi.progress.tasks import Report, TaskRules, TaskStatus, mean_progress, unit_state, worst
from kpi.store import connection
from kpi.tasks import board, catalog, reports

RULES = TaskRules(dt.date(2025, 7, 4), dt.date(2027, 12, 31))
Q = Period


def rep(code: str, percent: float) -> Report:
    year, quarter = code.split("Q")
    return Report(Q(int(year), int(quarter)), percent / 100)


@pytest.mark.parametrize(
    ("on", "reports", "status", "gap", "last"),
    [
        # gap = 49.78 − progress at the end of 2026Q3, judged as shown (one decimal)
        ("2026-12-01", [rep("2026Q3", 100)], TaskStatus.COMPLETED, -50.2, "2026Q3"),
        ("2026-12-01", [rep("2026Q3", 60)], TaskStatus.ON_SCHEDULE, -10.2, "2026Q3"),
        ("2026-12-01", [rep("2026Q3", 39.9)], TaskStatus.ON_SCHEDULE, 9.9, "2026Q3"),
        ("2026-12-01", [rep("2026Q3", 39.8)], TaskStatus.LAGGING, 10.0, "2026Q3"),  # 10 pp: lagging
        ("2026-12-01", [rep("2026Q3", 19.8)], TaskStatus.LAGGING, 30.0, "2026Q3"),  # 30 pp: still lagging
        ("2026-12-01", [rep("2026Q3", 19.7)], TaskStatus.SERIOUSLY_LAGGING, 30.1, "2026Q3"),
        ("2026-12-01", [rep("2026Q3", 0)], TaskStatus.SERIOUSLY_LAGGING, 49.8, "2026Q3"),
        # the due day: 2026Q3 is due on 2026-10-15; on that day the 2026Q2 report still counts
        ("2026-10-15", [rep("2026Q2", 35)], TaskStatus.ON_SCHEDULE, 4.7, "2026Q2"),
        ("2026-10-16", [rep("2026Q2", 35)], TaskStatus.NOT_REPORTED, 4.7, "2026Q2"),
        ("2026-10-16", [], TaskStatus.NOT_REPORTED, None, None),
        # a quarter not ended on the day does not count; the latest report counts, not the first
        ("2026-09-30", [rep("2026Q3", 60)], TaskStatus.NOT_REPORTED, None, None),
        ("2026-12-01", [rep("2026Q2", 60), rep("2026Q3", 30)], TaskStatus.LAGGING, 19.8, "2026Q3"),
        # a task reported done stays done, even without later reports
        ("2026-12-01", [rep("2026Q1", 100)], TaskStatus.COMPLETED, -70.3, "2026Q1"),
        # before the first quarter is due (2025Q3, due 2025-10-15) nothing can be missing
        ("2025-10-15", [], TaskStatus.ON_SCHEDULE, None, None),
        ("2025-10-16", [], TaskStatus.NOT_REPORTED, None, None),
        ("2025-10-16", [rep("2025Q3", 0)], TaskStatus.ON_SCHEDULE, 9.7, "2025Q3"),
    ],
)
def test_status_on_each_edge(
    on: str, reports: list[Report], status: TaskStatus, gap: float | None, last: str | None
):
    state = unit_state(reports, dt.date.fromisoformat(on), RULES)
    assert state.status is status
    assert state.gap_pp == gap
    assert (state.last_report.code if state.last_report else None) == last


@pytest.mark.parametrize(
    ("rules", "percent", "status"),
    [
        # 30 days to report: on 2026-10-20 the latest due quarter is 2026Q2 (39.67 %)
        (TaskRules(RULES.plan_start, RULES.deadline, due_days=30, lagging_pp=5), 35, TaskStatus.ON_SCHEDULE),
        (TaskRules(RULES.plan_start, RULES.deadline, due_days=30, lagging_pp=5), 34.6, TaskStatus.LAGGING),
        (
            TaskRules(RULES.plan_start, RULES.deadline, due_days=30, seriously_lagging_pp=5, lagging_pp=5),
            34.6,
            TaskStatus.SERIOUSLY_LAGGING,
        ),
        (TaskRules(RULES.plan_start, RULES.deadline), 34.6, TaskStatus.NOT_REPORTED),  # 2026Q3 due on 10-15
    ],
)
def test_the_rules_are_settings(rules: TaskRules, percent: float, status: TaskStatus) -> None:
    assert unit_state([rep("2026Q2", percent)], dt.date(2026, 10, 20), rules).status is status


def test_how_long_a_unit_has_been_behind() -> None:
    """On schedule in 2025Q3 (10 % vs 9.67 %), silent for 2025Q4, then 19.7, 27.7 and 34.8 pp
    behind: behind for four quarters, since 2025Q4."""
    reports = [rep("2025Q3", 10), rep("2026Q1", 10), rep("2026Q2", 12), rep("2026Q3", 15)]
    state = unit_state(reports, dt.date(2026, 12, 1), RULES)
    assert state.status is TaskStatus.SERIOUSLY_LAGGING
    assert (state.behind_since, state.behind_quarters) == (Q(2025, 4), 4)
    silent = unit_state([rep("2025Q4", 30)], dt.date(2026, 12, 1), RULES)
    assert (silent.status, silent.missing, silent.behind_since, silent.behind_quarters) == (
        TaskStatus.NOT_REPORTED,
        3,
        Q(2026, 1),
        3,
    )


def test_a_task_is_its_worst_unit_and_the_mean_of_those_that_reported() -> None:
    assert worst([TaskStatus.ON_SCHEDULE, TaskStatus.COMPLETED]) is TaskStatus.ON_SCHEDULE
    assert worst([TaskStatus.LAGGING, TaskStatus.NOT_REPORTED]) is TaskStatus.NOT_REPORTED
    assert worst([TaskStatus.NOT_REPORTED, TaskStatus.SERIOUSLY_LAGGING]) is TaskStatus.SERIOUSLY_LAGGING
    assert mean_progress([0.4, None, 0.55]) == 0.475
    assert mean_progress([None, None]) is None


GOOD = (
    "任务编号,责任单位,报告期,完成进度(%),进展情况,存在问题,下步打算\n"
    "二(一)3,市经信局,2026Q3,39.8,推进中,无,继续\n"
    "二(一)3,市科技局,2026Q3,39.9,推进中,无,继续\n"
    "二(二)3,市市场监管局,2026Q2,35,推进中,无,继续\n"
    "二(二)3,市科技局,2026Q3,100,完成,无,验收\n"
)


def test_the_command_line_says_what_the_rule_says(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "progress.csv"
    path.write_bytes(GOOD.encode("utf-8"))
    assert run_kpi("ingest", "progress", str(path), db=db).returncode == 0
    done = run_kpi("tasks", "--json", "--as-of", "2026-12-01", db=db)
    assert done.returncode == 0, done.stderr
    tasks = {t["code"]: t for t in json.loads(done.stdout)["tasks"]}
    assert tasks["二(一)3"] == {
        "code": "二(一)3",
        "title": "鼓励龙头企业开放一批",
        "status": "lagging",
        "progress": 0.3985,
        "units": [
            {"name": "市经信局", "status": "lagging", "progress": 0.398, "last_report": "2026Q3"},
            {"name": "市科技局", "status": "on_schedule", "progress": 0.399, "last_report": "2026Q3"},
        ],
    }
    assert tasks["二(二)3"]["status"] == "not_reported"  # 市市场监管局 has no 2026Q3 report
    assert [u["status"] for u in tasks["二(二)3"]["units"]] == ["not_reported", "completed"]
    assert tasks["二(一)1"]["progress"] is None and tasks["二(一)1"]["status"] == "not_reported"
    # --as-of moves the day: on 2026-10-15 the 2026Q2 report of 市市场监管局 still counts
    early = json.loads(run_kpi("tasks", "--json", "--as-of", "2026-10-15", db=db).stdout)
    assert {t["code"]: t for t in early["tasks"]}["二(二)3"]["units"][0]["status"] == "on_schedule"


def test_a_department_view_is_its_unit_only(db: Path, tmp_path: Path) -> None:
    with connection.connect(db) as con:
        assert reports.ingest_progress(con, GOOD.encode(), "p.csv", today=dt.date(2026, 12, 1)).stored
        mine = board.to_json(board.board(con, dt.date(2026, 12, 1), "市科技局"))
        rules = catalog.rules(con)
    assert rules == RULES
    named = [t for t in mine["tasks"]]
    assert len(named) == 14  # 市科技局 is accountable for 14 of the 16 tasks
    assert all([u["name"] for u in t["units"]] == ["市科技局"] for t in named)
    by_code = {t["code"]: t for t in named}
    assert by_code["二(二)3"]["status"] == "completed"  # the unit's own status, not the task's
    done = run_kpi("tasks", "--json", "--unit", "科技局", "--as-of", "2026-12-01", db=db)
    assert json.loads(done.stdout) == mine  # the name without 市 is the same unit
    unknown = run_kpi("tasks", "--unit", "市不存在局", db=db)
    assert unknown.returncode == 2 and "未知的责任单位" in unknown.stderr
    bad_day = run_kpi("tasks", "--as-of", "2026-13-01", db=db)
    assert bad_day.returncode == 2 and "无法识别的日期" in bad_day.stderr
