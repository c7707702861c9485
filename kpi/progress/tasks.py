"""序时进度 of the plan's tasks: the status of one task × accountable unit from its quarterly
reports, and of a task from its units. Pure: dates, fractions and the rules in, a status and
the numbers behind it out (kpi.tasks reads the reports and writes the sentences).

The rule, with the defaults of kpi/reference/task_rules.csv (data, editable by an administrator):

- 序时进度 (time elapsed) on a day = days since the plan's start / days from the start to the
  deadline (2025-07-04 to 2027-12-31: 910 days), between 0 and 1.
- A quarter's report is due `due_days` after the quarter's last day (15: 2026Q3 is due on
  2026-10-15); the *latest due quarter* on a day is the last quarter whose due day has passed.
- A unit's status rests on its latest report for a quarter that has ended (its current revision):
  `completed` when it says 100 %; otherwise `not_reported` when that report is older than the
  latest due quarter (or there is none); otherwise the gap = 序时进度 at the end of the reported
  quarter − the reported 完成进度, in percentage points rounded to one decimal (as shown):
  `seriously_lagging` above `seriously_lagging_pp` (30), `lagging` from `lagging_pp` (10) up to
  that, else `on_schedule`. Before any quarter is due, a unit without a report is `on_schedule`.
- A task is as far behind as its furthest-behind unit (SEVERITY); its progress is the mean of its
  units' latest reported progress (units without a report left out; None when none reported).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from kpi.model.periods import Period


class TaskStatus(StrEnum):
    """The closed set of task statuses (CONTRACT.md §4, `kpi tasks`)."""

    COMPLETED = "completed"
    ON_SCHEDULE = "on_schedule"
    LAGGING = "lagging"
    SERIOUSLY_LAGGING = "seriously_lagging"
    NOT_REPORTED = "not_reported"


# worst last: a missing report for the latest due quarter weighs more than a gap of 10–30 pp,
# less than a gap above 30 pp
SEVERITY: dict[TaskStatus, int] = {
    TaskStatus.COMPLETED: 0,
    TaskStatus.ON_SCHEDULE: 1,
    TaskStatus.LAGGING: 2,
    TaskStatus.NOT_REPORTED: 3,
    TaskStatus.SERIOUSLY_LAGGING: 4,
}
BEHIND = frozenset({TaskStatus.LAGGING, TaskStatus.SERIOUSLY_LAGGING, TaskStatus.NOT_REPORTED})
COMPLETE = 1.0  # a fraction: 100 %


@dataclass(frozen=True)
class TaskRules:
    """The thresholds (percentage points below 序时进度), the due day and the plan's span."""

    plan_start: dt.date
    deadline: dt.date
    lagging_pp: float = 10.0
    seriously_lagging_pp: float = 30.0
    due_days: int = 15

    def __post_init__(self) -> None:
        if not self.plan_start < self.deadline:
            raise ValueError("the plan starts before its deadline")
        if not 0 < self.lagging_pp <= self.seriously_lagging_pp <= 100:
            raise ValueError("0 < lagging_pp <= seriously_lagging_pp <= 100")
        if not 0 <= self.due_days <= 90:
            raise ValueError("due_days between 0 and 90")

    @property
    def span_days(self) -> int:
        return (self.deadline - self.plan_start).days


@dataclass(frozen=True)
class Report:
    """One current report: the quarter it covers and its 完成进度 as a fraction (0.45 = 45 %)."""

    period: Period
    progress: float


@dataclass(frozen=True)
class UnitState:
    """A unit's status on a day and the numbers behind it.

    `progress` and `last_report` are the latest report's (None without one); `expected` is
    序时进度 at the end of that report's quarter and `gap_pp` how far the report lies below it
    (negative: ahead), both None without a report; `due` is the latest due quarter (None before
    the first is due); `missing` the quarters due since the last report; `behind_since` and
    `behind_quarters` the run of quarters, up to now, in which the unit was behind or silent."""

    status: TaskStatus
    progress: float | None
    last_report: Period | None
    due: Period | None
    expected: float | None
    gap_pp: float | None
    missing: int = 0
    behind_since: Period | None = None
    behind_quarters: int = 0


def elapsed(on: dt.date, rules: TaskRules) -> float:
    """序时进度 on a day: a fraction from 0 (the plan's start) to 1 (its deadline)."""
    share = (on - rules.plan_start).days / rules.span_days
    return min(1.0, max(0.0, share))


def quarter_of(day: dt.date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def first_quarter(rules: TaskRules) -> Period:
    """The first quarter with work to report: the one the plan starts in."""
    return quarter_of(rules.plan_start)


def next_quarter(p: Period) -> Period:
    return Period(p.year + (p.quarter == 4), p.quarter % 4 + 1)


def due_date(period: Period, rules: TaskRules) -> dt.date:
    """The last day on which the quarter's report is on time."""
    return period.end_date + dt.timedelta(days=rules.due_days)


def has_ended(period: Period, on: dt.date) -> bool:
    """A quarter has ended on the day after its last day."""
    return period.end_date < on


def latest_due(on: dt.date, rules: TaskRules) -> Period | None:
    """The last quarter (from the plan's first) whose report was due before `on`; None before."""
    p = Period.latest_complete(on)
    while p >= first_quarter(rules):
        if due_date(p, rules) < on:
            return p
        p = Period(p.year - (p.quarter == 1), (p.quarter - 2) % 4 + 1)
    return None


def classify(progress: float, expected: float, rules: TaskRules) -> tuple[TaskStatus, float]:
    """Status and gap (pp below 序时进度, one decimal, negative = ahead) of one report."""
    gap = round((expected - progress) * 100, 1) + 0.0  # + 0.0: never "-0.0"
    if progress >= COMPLETE:
        return TaskStatus.COMPLETED, gap
    if gap > rules.seriously_lagging_pp:
        return TaskStatus.SERIOUSLY_LAGGING, gap
    if gap >= rules.lagging_pp:
        return TaskStatus.LAGGING, gap
    return TaskStatus.ON_SCHEDULE, gap


def _snapshot(reports: Sequence[Report], on: dt.date, rules: TaskRules) -> UnitState:
    """The state on a day from the reports of quarters ended by then, without the run count."""
    known = [r for r in reports if has_ended(r.period, on) and r.period >= first_quarter(rules)]
    last = max(known, key=lambda r: r.period, default=None)
    due = latest_due(on, rules)
    if last is None:
        missing = 0 if due is None else len(_quarters(first_quarter(rules), due))
        status = TaskStatus.ON_SCHEDULE if due is None else TaskStatus.NOT_REPORTED
        return UnitState(status, None, None, due, None, None, missing)
    expected = elapsed(last.period.end_date, rules)
    status, gap = classify(last.progress, expected, rules)
    missing = 0 if due is None or last.period >= due else len(_quarters(next_quarter(last.period), due))
    if missing and status is not TaskStatus.COMPLETED:
        status = TaskStatus.NOT_REPORTED
    return UnitState(status, last.progress, last.period, due, expected, gap, missing)


def _quarters(start: Period, end: Period) -> list[Period]:
    out, p = [], start
    while p <= end:
        out.append(p)
        p = next_quarter(p)
    return out


def unit_state(reports: Sequence[Report], on: dt.date, rules: TaskRules) -> UnitState:
    """A unit's status on a day from its current reports (any order; one per quarter), with the
    run of quarters it has been behind or silent: each due quarter, counted back from the latest,
    judged as on the day after its due day with the reports of quarters up to it."""
    now = _snapshot(reports, on, rules)
    if now.status not in BEHIND or now.due is None:
        return now
    run: list[Period] = []
    for q in reversed(_quarters(first_quarter(rules), now.due)):
        upto = [r for r in reports if r.period <= q]
        if _snapshot(upto, due_date(q, rules) + dt.timedelta(days=1), rules).status not in BEHIND:
            break
        run.append(q)
    if not run:  # behind on a report ahead of the latest due quarter only
        assert now.last_report is not None
        run = [now.last_report]
    return UnitState(
        now.status,
        now.progress,
        now.last_report,
        now.due,
        now.expected,
        now.gap_pp,
        now.missing,
        behind_since=run[-1],
        behind_quarters=len(run),
    )


def worst(statuses: Sequence[TaskStatus]) -> TaskStatus:
    """The furthest-behind status of a task's units (SEVERITY)."""
    return max(statuses, key=SEVERITY.__getitem__)


def mean_progress(values: Sequence[float | None]) -> float | None:
    """The mean of the reported fractions, four decimals; None when no unit has reported."""
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 4) if known else None
