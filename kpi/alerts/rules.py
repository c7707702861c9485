"""The alert rules: each one function over what the database holds, returning events with stable
keys; which rules run, and with what parameters, is data (`alert_rules`, seeded from
kpi/reference/alert_rules.csv). `check` runs the enabled rules and queues what they find in the
outbox, where an event's key is unique: the same event is queued once however often they run.

A rule whose data are not in this program yet is listed with `find=None` and what it waits for:
it can be switched on, and does nothing, until its function lands here (none is pending now).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from kpi.engine import calendar
from kpi.engine.status import kpi_status
from kpi.model.definitions import CITY_CODE, INDICATOR_ORDER, Status
from kpi.model.periods import Period, from_code
from kpi.platforms import rewards
from kpi.platforms.reviews import current_reviews
from kpi.progress.tasks import TaskStatus, classify, elapsed
from kpi.store import outbox, reference, settings
from kpi.store import tasks as task_store
from kpi.store.outbox import Event
from kpi.tasks import board as task_board
from kpi.text import numbers
from kpi.text.alerts import ALERT_TEXT
from kpi.text.labels import LABELS
from kpi.text.lookup import pick

# better first; a status outside this order (no data, no target) never worsens
_ORDER = {Status.ACHIEVED: 3, Status.ON_TRACK: 2, Status.AT_RISK: 1, Status.OFF_TRACK: 0}


@dataclass(frozen=True)
class Context:
    today: dt.date
    params: dict[str, str]


@dataclass(frozen=True)
class Rule:
    code: str
    find: Callable[[duckdb.DuckDBPyConnection, Context], list[Event]] | None  # None: pending
    needs: str | None = None  # what a pending rule waits for


def _t(key: str, **params: object) -> str:
    return pick(ALERT_TEXT, key, "zh", **params)


def status_word(status: str) -> str:
    return pick(LABELS, f"status.{status}", "zh")


def _quarter_before(p: Period) -> Period:
    return Period(p.year, p.quarter - 1) if p.quarter > 1 else Period(p.year - 1, 4)


def _value_text(code: str, entry: dict) -> str:
    value = entry.get("value")
    if value is None:
        return "—"
    share = "numerator" in entry or code == "cluster_coverage"  # a fraction, else a count
    return numbers.pct(value) if share else f"{value:g}"


def status_worsened(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Event]:
    """For the city and each unit, each KPI whose status in the latest published quarter (the
    period `kpi status` shows by default) is worse than in the quarter before."""
    latest = from_code(kpi_status(con, today=ctx.today)["period"])
    previous = _quarter_before(latest)
    units = reference.units(con)
    scopes = [(None, _t("who.city"), "全市"), *zip(units["code"], units["name"], units["name"], strict=True)]
    events = []
    for region, who, scope_name in scopes:
        now = kpi_status(con, latest.code, region, today=ctx.today)["indicators"]
        before = kpi_status(con, previous.code, region, today=ctx.today)["indicators"]
        for code in INDICATOR_ORDER:
            s_now, s_before = now[code]["status"], before[code]["status"]
            if s_now not in _ORDER or s_before not in _ORDER or _ORDER[s_now] >= _ORDER[s_before]:
                continue
            label = now[code]["label"]
            events.append(
                Event(
                    key=f"status_worsened|{code}|{region or CITY_CODE}|{latest.code}|{s_before}>{s_now}",
                    rule="status_worsened",
                    who=who,
                    what=_t(
                        "what.status_worsened",
                        scope=scope_name,
                        indicator=label,
                        before=status_word(s_before),
                        now=status_word(s_now),
                        period=latest.label(),
                    ),
                    why=_t(
                        "why.status_worsened",
                        period=latest.label(),
                        value_now=_value_text(code, now[code]),
                        previous=previous.label(),
                        value_before=_value_text(code, before[code]),
                    ),
                    detail={
                        "indicator": code,
                        "region": region or CITY_CODE,
                        "period": latest.code,
                        "previous": previous.code,
                        "before": s_before,
                        "now": s_now,
                    },
                )
            )
    return events


def stats_late(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Event]:
    """Each unit whose statistics for the latest ended quarter are late by more than
    `grace_days` days (the calendar's `late`: nothing arrived by the due day)."""
    grace = int(ctx.params.get("grace_days", "0") or 0)
    period = calendar.default_period(ctx.today)
    days = settings.whole(con, "stats_due_days")
    events = []
    for cell in calendar.matrix(con, [period], today=ctx.today):
        if cell.status != calendar.CellStatus.LATE or ctx.today <= cell.due + dt.timedelta(days=grace):
            continue
        events.append(
            Event(
                key=f"stats_late|{cell.unit}|{period.code}",
                rule="stats_late",
                who=cell.name,
                what=_t("what.stats_late", unit=cell.name, period=period.label()),
                why=_t("why.stats_late", due=cell.due.isoformat(), days=days, today=ctx.today.isoformat()),
                detail={"region": cell.unit, "period": period.code, "due": cell.due.isoformat()},
            )
        )
    return events


def platform_below_band(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Event]:
    """Each platform whose current review score for a year is below the reward rules' lowest
    band (the scores entered or uploaded; computed scores count here once kpi.platforms has them)."""
    bands = [lowest for lowest, share in rewards.load_settings(con).pool_score_bands if share > 0]
    if not bands:
        return []
    lowest = min(bands)
    events = []
    for r in current_reviews(con).to_dict("records"):
        if r["score"] >= lowest:
            continue
        events.append(
            Event(
                key=f"platform_below_band|{r['name']}|{r['host']}|{int(r['year'])}",
                rule="platform_below_band",
                who=str(r["host"]),
                what=_t(
                    "what.platform_below_band",
                    platform=r["name"],
                    host=r["host"],
                    year=int(r["year"]),
                    score=f"{r['score']:g}",
                ),
                why=_t("why.platform_below_band", lowest=f"{lowest:g}"),
                detail={"name": r["name"], "host": r["host"], "year": int(r["year"]), "score": r["score"]},
            )
        )
    return events


def task_report_late(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Event]:
    """Each accountable unit that, more than `grace_days` days after the latest due quarter's due
    day (the task rules' `due_days` after its end), has not reported on some of its tasks for that
    quarter (the board's `not_reported`; a task reported done needs no further report). One event
    per unit and quarter, naming the tasks."""
    grace = int(ctx.params.get("grace_days", "0") or 0)
    # the board on the day `grace` days ago: a quarter is due there only when due + grace has passed
    b = task_board.board(con, ctx.today - dt.timedelta(days=grace))
    missing: dict[tuple[str, Period], list[str]] = {}
    for task in b.tasks:
        for u in task.units:
            if u.state.status is TaskStatus.NOT_REPORTED and u.state.due is not None:
                missing.setdefault((u.name, u.state.due), []).append(task.code)
    events = []
    for (unit, quarter), codes in missing.items():
        due = quarter.end_date + dt.timedelta(days=b.rules.due_days)
        events.append(
            Event(
                key=f"task_report_late|{unit}|{quarter.code}",
                rule="task_report_late",
                who=unit,
                what=_t("what.task_report_late", unit=unit, period=quarter.label(), n=len(codes)),
                why=_t(
                    "why.task_report_late",
                    due=due.isoformat(),
                    days=b.rules.due_days,
                    today=ctx.today.isoformat(),
                    tasks="、".join(codes),
                ),
                detail={"unit": unit, "period": quarter.code, "due": due.isoformat(), "tasks": codes},
            )
        )
    return events


def _lagging_since(con: duckdb.DuckDBPyConnection, b: task_board.Board, code: str, unit: str) -> Period:
    """The first quarter of the unit's latest run of seriously lagging reports on the task (the
    event: a new run after a recovery is a new alert, a run that goes on is not)."""
    frame = task_store.reports(con, unit=unit, code=code)
    since = None
    for r in frame.sort_values("period", ascending=False).itertuples():
        p = from_code(r.period)
        if not task_board.has_ended_code(r.period, b.as_of):
            continue
        if (
            classify(float(r.progress), elapsed(p.end_date, b.rules), b.rules)[0]
            is not TaskStatus.SERIOUSLY_LAGGING
        ):
            break
        since = p
    assert since is not None  # the board's status rests on the latest such report
    return since


def task_seriously_lagging(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Event]:
    """Each task × accountable unit the board shows as 严重滞后 today (its latest report more than
    `seriously_lagging_pp` below 序时进度 and no report missing since). One event per run: from
    the first of the consecutive seriously lagging reports."""
    b = task_board.board(con, ctx.today)
    events = []
    for task in b.tasks:
        for u in task.units:
            s = u.state
            if s.status is not TaskStatus.SERIOUSLY_LAGGING or s.last_report is None:
                continue
            since = _lagging_since(con, b, task.code, u.name)
            events.append(
                Event(
                    key=f"task_seriously_lagging|{task.code}|{u.name}|{since.code}",
                    rule="task_seriously_lagging",
                    who=u.name,
                    what=_t(
                        "what.task_seriously_lagging",
                        code=task.code,
                        title=task.title,
                        unit=u.name,
                        period=s.last_report.label(),
                    ),
                    why=_t(
                        "why.task_seriously_lagging",
                        period=s.last_report.label(),
                        progress=numbers.pct_short(s.progress),
                        expected=numbers.pct_short(s.expected),
                        gap=numbers.pp(s.gap_pp, digits=1, signed=False),
                        threshold=f"{b.rules.seriously_lagging_pp:g}",
                    ),
                    detail={
                        "task": task.code,
                        "unit": u.name,
                        "period": s.last_report.code,
                        "since": since.code,
                        "progress": s.progress,
                        "gap_pp": s.gap_pp,
                    },
                )
            )
    return events


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("status_worsened", status_worsened),
        Rule("stats_late", stats_late),
        Rule("platform_below_band", platform_below_band),
        Rule("task_report_late", task_report_late),
        Rule("task_seriously_lagging", task_seriously_lagging),
    )
}


def label(rule: str, lang: str = "zh") -> str:
    return pick(ALERT_TEXT, f"rule.{rule}", lang)


def find_events(con: duckdb.DuckDBPyConnection, *, today: dt.date | None = None) -> list[Event]:
    """What the enabled rules find now (nothing is written)."""
    today = today or dt.date.today()
    found: list[Event] = []
    for code, enabled, params in settings.rules(con):
        rule = RULES.get(code)
        if enabled and rule is not None and rule.find is not None:
            found += rule.find(con, Context(today, params))
    return found


def check(con: duckdb.DuckDBPyConnection, *, today: dt.date | None = None) -> list[str]:
    """Run the enabled rules and queue what is new; returns the keys queued."""
    return outbox.queue(con, find_events(con, today=today))
