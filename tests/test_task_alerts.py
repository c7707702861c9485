"""The two task alert rules (issue 19), each firing once and only once for an event however often
the rules run: a unit's task progress reports late (per unit and quarter, naming the tasks), and a
task × unit turning seriously lagging on the 任务督办 board (per run of seriously lagging quarters).

The plan runs 2025-07-04 to 2027-12-31 (910 days): 序时进度 is 39.67 % at the end of 2026Q2,
49.78 % at the end of 2026Q3, 59.89 % at the end of 2026Q4, 69.78 % at the end of 2027Q1; a
quarter's report is due 15 days after it ends; seriously lagging = more than 30 pp below."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kpi.alerts import rules
from kpi.store import connection, outbox, settings
from kpi.tasks import catalog, reports

HEAD = "任务编号,责任单位,报告期,完成进度(%),进展情况,存在问题,下步打算\n"
LATER = dt.date(2027, 6, 1)  # the day the files are checked on: every quarter used here has ended


def _ingest(db: Path, lines: list[str]) -> None:
    with connection.connect(db) as con:
        done = reports.ingest_progress(con, (HEAD + "".join(lines)).encode(), "进度.csv", today=LATER)
    assert done.stored, done.report


def _every_report(
    db: Path, period: str, percent: float, skip: set[tuple[str, str]] = frozenset()
) -> list[str]:
    with connection.connect(db) as con:
        pairs = [(code, unit) for code, units in catalog.accountable(con).items() for unit in units]
    return [f"{c},{u},{period},{percent},推进中,无,继续\n" for c, u in pairs if (c, u) not in skip]


def _only(db: Path, rule: str, params: str | None = None) -> None:
    with connection.connect(db, write=True) as con:
        con.execute("UPDATE alert_rules SET enabled = (rule = $r)", {"r": rule})
        if params is not None:
            con.execute("UPDATE alert_rules SET params = $p WHERE rule = $r", {"p": params, "r": rule})


def _check(db: Path, today: dt.date) -> list[str]:
    with connection.connect(db) as con:
        return sorted(rules.check(con, today=today))


def _row(db: Path, key: str) -> dict:
    with connection.connect(db) as con:
        return next(r for r in outbox.listing(con).to_dict("records") if r["event_key"] == key)


def _late_quarters(db: Path) -> None:
    """2026Q2 complete (市科技局 reports 二(二)3 done); 2026Q3: 市经信局 misses 二(一)3, 市财政局
    sends nothing, 市科技局 sends nothing on the task it has completed."""
    _ingest(db, _every_report(db, "2026Q2", 40))
    _ingest(db, ["二(二)3,市科技局,2026Q2,100,完成,无,验收\n"])
    skip = {("二(一)3", "市经信局"), ("二(二)3", "市科技局")}
    with connection.connect(db) as con:
        skip |= {(c, "市财政局") for c, units in catalog.accountable(con).items() if "市财政局" in units}
    _ingest(db, _every_report(db, "2026Q3", 50, skip))


def test_late_task_reports_are_alerted_once_per_unit_and_quarter(db: Path) -> None:
    _late_quarters(db)
    _only(db, "task_report_late")
    assert _check(db, dt.date(2026, 10, 15)) == []  # 2026Q2 all in; 2026Q3 due on 2026-10-15: not late yet
    late = _check(db, dt.date(2026, 10, 16))
    assert late == ["task_report_late|市经信局|2026Q3", "task_report_late|市财政局|2026Q3"]
    assert _check(db, dt.date(2026, 10, 16)) == [] and _check(db, dt.date(2026, 11, 1)) == []  # once only
    row = _row(db, "task_report_late|市经信局|2026Q3")
    assert (row["who"], row["what"]) == ("市经信局", "市经信局 2026年1—9月 任务进展报告逾期未报（1 项任务）")
    assert (
        row["why"]
        == "应报日期 2026-10-15（季度结束后第 15 天），截至 2026-10-16 未收到以下任务的进展报告：二(一)3。"
    )
    assert _row(db, "task_report_late|市财政局|2026Q3")["what"].endswith("（5 项任务）")  # none of its five
    # the late unit reports afterwards: nothing more; the next quarter late is a new event
    _ingest(db, ["二(一)3,市经信局,2026Q3,50,推进中,无,继续\n"])
    assert _check(db, dt.date(2026, 12, 1)) == []
    assert "task_report_late|市经信局|2026Q4" in _check(db, dt.date(2027, 1, 16))


def test_the_grace_days_of_the_task_rule_are_data(db: Path) -> None:
    _late_quarters(db)
    _only(db, "task_report_late", "grace_days=3")
    assert _check(db, dt.date(2026, 10, 16)) == [] and _check(db, dt.date(2026, 10, 18)) == []
    assert len(_check(db, dt.date(2026, 10, 19))) == 2
    assert _check(db, dt.date(2026, 10, 19)) == []


def test_a_task_turning_seriously_lagging_is_alerted_once_per_run(db: Path) -> None:
    _only(db, "task_seriously_lagging")
    _ingest(
        db,
        ["二(一)3,市经信局,2026Q2,5,推进中,资金未到位,协调\n", "二(一)3,市科技局,2026Q2,40,推进中,无,继续\n"],
    )
    key = "task_seriously_lagging|二(一)3|市经信局|2026Q2"
    assert _check(db, dt.date(2026, 6, 30)) == []  # the quarter has not ended: its report does not count
    # 5 % against 39.67 %: 34.7 pp behind; on the board from the day after the quarter's end
    assert _check(db, dt.date(2026, 7, 1)) == [key]
    row = _row(db, key)
    assert (row["who"], row["what"]) == (
        "市经信局",
        "任务 二(一)3“鼓励龙头企业开放一批”市经信局 进度严重滞后（2026年1—6月）",
    )
    assert row["why"] == (
        "2026年1—6月 报告完成进度 5%，序时进度 39.7%，落后 34.7个百分点（落后超过 30 个百分点为严重滞后）。"
    )
    assert _check(db, dt.date(2026, 8, 1)) == []  # run again: the same event, no second alert
    # still seriously lagging in 2026Q3 (10 % against 49.78 %): the same run, no new alert
    _ingest(db, ["二(一)3,市经信局,2026Q3,10,推进中,无,继续\n"])
    assert _check(db, dt.date(2026, 10, 16)) == []
    # back on schedule in 2026Q4 (70 % against 59.89 %), then 35 % against 69.78 % in 2027Q1: a new run
    _ingest(db, ["二(一)3,市经信局,2026Q4,70,推进中,无,继续\n"])
    assert _check(db, dt.date(2027, 1, 16)) == []
    _ingest(db, ["二(一)3,市经信局,2027Q1,35,推进中,无,继续\n"])
    assert _check(db, dt.date(2027, 4, 16)) == ["task_seriously_lagging|二(一)3|市经信局|2027Q1"]
    assert _check(db, dt.date(2027, 4, 17)) == []


def test_both_task_rules_are_on_by_default(db: Path) -> None:
    with connection.connect(db) as con:
        found = {code: (on, params) for code, on, params in settings.rules(con)}
    assert found["task_report_late"] == (True, {"grace_days": "0"})
    assert found["task_seriously_lagging"] == (True, {})
    assert all(r.find is not None for r in rules.RULES.values())


def test_a_database_of_the_version_before_gets_them_on_unless_someone_set_them(db: Path) -> None:
    """Version 8 seeded both rules off; upgrading turns on those nobody has touched since."""
    with connection.connect(db, write=True) as con:
        con.execute("UPDATE alert_rules SET enabled = false WHERE rule LIKE 'task_%'")
        con.execute("UPDATE alert_rules SET updated_by = 'admin' WHERE rule = 'task_seriously_lagging'")
        con.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    with connection.connect(db) as con:
        found = {code: on for code, on, _ in settings.rules(con)}
    assert (found["task_report_late"], found["task_seriously_lagging"]) == (True, False)
