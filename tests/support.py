"""Helpers shared by the tests: CSV text, ingestion, the real `kpi` command, a database fingerprint."""

from __future__ import annotations

import datetime as dt
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kpi.engine import status as engine_status
from kpi.ingest.report import Report
from kpi.ingest.result import IngestResult
from kpi.ingest.stats import ingest_stats
from kpi.store import connection, queries

# A fixed "today": every period in the tests has ended by then, so no FUTURE_PERIOD warnings,
# and platform counts do not depend on the day the suite runs.
TODAY = dt.date(2026, 1, 15)

HEADER = (
    "统计期,县(市、区),产业集群,研发费用,营业收入,新产品产值,工业总产值,高新技术产业增加值,规上工业增加值"
)
FIXTURES = Path(__file__).parent / "fixtures"

# One valid all-industry row for a region: rd, revenue, new product, gross, high-tech, value added.
GOOD_ROW = "2025Q1,南湖区,,30,1000,500,1000,70,100"


def stats_csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def ingest_bytes(db: Path, data: bytes, name: str = "t.csv") -> IngestResult:
    with connection.connect(db) as con:
        return ingest_stats(con, data, name, today=TODAY)


def ingest_text(db: Path, text: str, name: str = "t.csv", encoding: str = "utf-8") -> IngestResult:
    return ingest_bytes(db, text.encode(encoding), name)


def problems(report: Report) -> list[tuple[str, int | None, str | None]]:
    """Errors as (code, line, column), in report order."""
    return [(i.code, i.line, i.column) for i in report.errors]


def warnings_of(report: Report) -> list[tuple[str, int | None, str | None]]:
    return [(i.code, i.line, i.column) for i in report.warnings]


def status(db: Path, period: str | None = None, region: str | None = None, cluster: str | None = None):
    with connection.connect(db) as con:
        return engine_status.kpi_status(con, period, region, cluster, today=TODAY)


def value(db: Path, indicator: str, **scope: Any) -> float | None:
    return status(db, **scope)["indicators"][indicator]["value"]


def fingerprint(db: Path) -> tuple[dict[str, int], str, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Row counts, the KPI JSON, and every stored statistic and platform version."""
    with connection.connect(db) as con:
        counts = queries.row_counts(con)
        kpis = json.dumps(engine_status.kpi_status(con, today=TODAY), sort_keys=True, default=str)
        stats = con.execute("SELECT * FROM stat_values ORDER BY ALL").fetchall()
        plats = con.execute(
            "SELECT upload_id, name, host, level, status, is_current FROM platform_versions ORDER BY ALL"
        ).fetchall()
    return counts, kpis, stats, plats


def kpi_command() -> str:
    """The installed `kpi` script of the interpreter running the tests."""
    beside = Path(sys.executable).parent / "kpi"
    found = str(beside) if beside.exists() else shutil.which("kpi")
    assert found, "the kpi command is not installed (pip install -e .)"
    return found


def run_kpi(
    *args: str, db: Path | None = None, env: dict[str, str] | None = None, module: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess (`kpi ...`, or `python -m kpi ...`)."""
    cmd = [sys.executable, "-m", "kpi"] if module else [kpi_command()]
    cmd += list(args)
    if db is not None:
        cmd += ["--db", str(db)]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    full_env.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=full_env, check=False)


FAILPOINT_LINE = "KPI_FAILPOINT before_commit"


def kill_inside_the_transaction(*args: str, stdin: str | None = None) -> None:
    """Run `kpi ARGS` with KPI_FAILPOINT=before_commit and kill -9 it while it waits there,
    inside its transaction (stdin: text for the command's standard input, e.g. a password)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    env.update(KPI_FAILPOINT="before_commit", KPI_FAILPOINT_SLEEP="60")
    proc = subprocess.Popen(
        [kpi_command(), *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        if stdin is not None:
            assert proc.stdin is not None
            proc.stdin.write(stdin)
            proc.stdin.close()
        seen: list[str] = []
        deadline = time.monotonic() + 60
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stderr, selectors.EVENT_READ)  # type: ignore[arg-type]
            while FAILPOINT_LINE not in seen:
                assert time.monotonic() < deadline, f"no failpoint line; stderr so far: {seen}"
                if sel.select(timeout=1):
                    line = proc.stderr.readline()  # type: ignore[union-attr]
                    assert line, f"the process ended before the failpoint (exit {proc.wait()}): {seen}"
                    seen.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()  # type: ignore[union-attr]


# ---------------------------------------------------------------- signed-in app sessions

PASSWORD = "correct-horse-battery"  # every test account's password (scrypt hashes are slow: reuse)


def account(
    db: Path,
    role: str = "statistician",
    region: str | None = None,
    username: str | None = None,
    unit: str | None = None,
):
    """The test account of `role` (and region, or a department's unit) in `db`, created on first use."""
    from kpi.access import accounts

    name = username or f"t_{role}{'_' + region if region else ''}{'_' + unit if unit else ''}".lower()
    with connection.connect(db) as con:
        user = accounts.get_user(con, name)
        if user is None:
            user = accounts.add_user(
                con, name, PASSWORD, role, region=region, unit=unit, display_name=f"测试{role}", by="tests"
            )
    return user


def app(
    role: str | None = "statistician",
    region: str | None = None,
    *,
    db: Path | None = None,
    query: dict[str, str] | None = None,
    timeout: float = 60,
    unit: str | None = None,
):
    """An AppTest of dashboard.py on $KPI_DB (or `db`) with a signed-in session of `role`
    (None: nobody signed in). Not yet run."""
    from streamlit.testing.v1 import AppTest

    from kpi.access import sessions

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboard.py"), default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if role is not None:
        path = db or Path(os.environ["KPI_DB"])
        if str(path) in ("", "."):
            raise RuntimeError("support.app needs KPI_DB (the app_db fixture) or db=")
        at.session_state["kpi_session"] = sessions.start_session(account(path, role, region, unit=unit))
    return at


def app_copy(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of a database for one test, named by KPI_DB (the file the app opens)."""
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(template, path)
    monkeypatch.setenv("KPI_DB", str(path))
    return path


RATIO_CODES = ("rd_intensity", "new_product_rate", "hightech_share")


def each_ratio(at: Any, control: str, marker: str) -> list[dict[str, Any]]:
    """The chart a section draws for each ratio, chosen in turn with its segmented control `control`
    (a widget key; the page draws the chosen ratio's chart only): one parsed plotly spec per ratio,
    in RATIO_CODES order, from the charts whose id holds `marker`."""
    specs = []
    for code in RATIO_CODES:
        at.segmented_control(key=control).set_value(code).run()
        assert not at.exception, [e.value for e in at.exception]
        found = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if marker in c.proto.id]
        assert len(found) == 1, (code, len(found))
        specs.append(found[0])
    return specs


PLATFORMS_TAB = "platforms_tab"  # pages/platforms.py's TAB_KEY: the open tab's label


def platforms_tab(at: Any, name: str) -> Any:
    """Open one tab of the platforms page (only the open tab runs, as a click on it does): `name`
    is the tab's part of its text key, plat.tab.<name>, in the page's language."""
    from kpi.text.dashboard import UI_TEXT

    zh, en = UI_TEXT[f"plat.tab.{name}"]
    at.session_state[PLATFORMS_TAB] = en if at.session_state["lang"] == "en" else zh
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
