"""Synthetic demo reports on the plan's tasks: plausible, deterministic (fixed seed, for a given
day), marked as demo wherever they show, loaded through the progress file's own checks.

Every accountable unit reports every quarter from the plan's first to the last one ended, at a
pace of its own against 序时进度 (most on schedule, some 10–30 pp behind, a few further, one
done early); some units miss the latest quarter. The texts say they are examples.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from kpi.ingest.report import Report
from kpi.ingest.result import IngestResult
from kpi.model.errors import DemoRefused
from kpi.model.periods import Period
from kpi.progress.tasks import elapsed, first_quarter, next_quarter
from kpi.store import tasks as store
from kpi.tasks import catalog, reports

SEED = 20250704  # the plan's publication date, as for the statistics
# (pace against 序时进度, share of units): on schedule, ahead, 10–30 pp behind, further behind, early
PACES = ((1.0, 0.62), (1.2, 0.2), (0.72, 0.1), (0.3, 0.03), (2.6, 0.05))
SKIP_LATEST = 0.04  # share of units whose latest quarter's report is missing
ACHIEVEMENTS = (
    "（示例）已制定年度工作方案，明确责任分工和时间节点。",
    "（示例）组织召开专题推进会，协调解决项目用地和资金问题。",
    "（示例）完成重点企业和平台走访调研，形成需求清单。",
    "（示例）配套政策已印发实施，首批项目进入建设阶段。",
)
PROBLEMS = ("（示例）无。", "（示例）部分项目前期手续办理进度偏慢。", "（示例）专业人才和运营资金仍有缺口。")
NEXT_STEPS = ("（示例）加快推进在建项目，按月调度。", "（示例）开展绩效评估，完善激励机制。")


def reports_frame(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> pd.DataFrame:
    """The demo reports in the progress file's shape (Chinese headers)."""
    on = today or dt.date.today()
    rules = catalog.rules(con)
    last = Period.latest_complete(on)
    quarters = []
    q = first_quarter(rules)
    while q <= last:
        quarters.append(q)
        q = next_quarter(q)
    rng = np.random.default_rng(SEED)
    paces, shares = zip(*PACES, strict=True)
    rows = []
    for task in catalog.tasks(con):
        for unit in task.units:
            pace = float(rng.choice(paces, p=shares)) * float(rng.uniform(0.9, 1.1))
            skip = rng.random() < SKIP_LATEST
            for i, q in enumerate(quarters):
                if skip and q == last:
                    continue
                share = min(1.0, elapsed(q.end_date, rules) * pace * (1 + rng.normal(0, 0.03)))
                percent = 100.0 if share >= 0.995 else max(0.0, round(share * 20) * 5.0)
                rows.append(
                    {
                        "任务编号": task.code,
                        "责任单位": unit,
                        "报告期": q.code,
                        "完成进度(%)": f"{percent:g}",
                        "进展情况": ACHIEVEMENTS[(i + len(unit)) % len(ACHIEVEMENTS)],
                        "存在问题": PROBLEMS[int(rng.integers(len(PROBLEMS)))],
                        "下步打算": NEXT_STEPS[i % len(NEXT_STEPS)],
                        "佐证材料": f"（示例）{unit}{q.code}工作台账",
                    }
                )
    return pd.DataFrame(rows, columns=reports.HEADER_ZH)


def load(
    con: duckdb.DuckDBPyConnection, *, force: bool = False, today: dt.date | None = None
) -> IngestResult:
    """Load the demo reports through the normal checks (upload kind `progress`, marked demo).
    Refuses to mix into real reports unless `force`."""
    if store.has_real_reports(con) and not force:
        raise DemoRefused()
    frame = reports_frame(con, today)
    if frame.empty:  # before the plan's first quarter has ended
        return IngestResult(Report("demo_task_reports.csv"))
    data = frame.to_csv(index=False).encode("utf-8")
    result = reports.ingest_progress(
        con, data, "demo_task_reports.csv", uploaded_by="demo", is_demo=True, today=today
    )
    if not result.stored:  # a bug in this module, never the user's doing
        raise RuntimeError(
            f"demo task reports failed validation: {[i.describe('en') for i in result.report.errors][:5]}"
        )
    return result
