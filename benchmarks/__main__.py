"""Benchmarks: does the app stay fast as the data grow?  `.venv/bin/python -m benchmarks`

For each scale (synthetic databases, benchmarks/synth.py) it measures, as medians of several
runs, each next to its raw floor measured in the same run:

- `kpi status` for the city and for one unit, in-process on an open connection,
  against the bare DuckDB aggregate query over the same rows;
- one rerun of the Overview and Regions pages through Streamlit's AppTest (warm: the cache
  filled by a first run, as when a leader changes a selector; cold: the first run after a write),
  against a rerun of a one-line Streamlit script;
- ingest of a statistics file (validation + commit; 100,000 rows, or every row of the city
  scale) in rows per second, against DuckDB's own read_csv of the same file into a table;
- the peak memory (maxrss) of a separate process doing that ingest;
- the upload page's preview of the same file (kpi.ingest.stats.check_stats, then preview_changes) on a
  read-only connection, against the same read_csv into a temporary table;
- with --concurrency: the longest read (what `kpi status --json` does) while another process
  ingests that file, against the longest of the same reads with no writer (benchmarks/concurrency.py).

Benchmarks are not tests: nothing here asserts. Options: --scales city,province,country
(default all three), --runs N, --quick (one run each, city only by default).

`--browser [--pages overview,regions,...]` runs the browser part instead (city scale, headless
Chromium, concurrency through AppTest threads): see benchmarks/browser.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from benchmarks.concurrency import longest_reads
from benchmarks.synth import SCALES, Scale, build, ingest_file
from kpi.engine import status
from kpi.ingest.stats import check_stats, ingest_stats, preview_changes
from kpi.model.definitions import MONEY_FIELDS
from kpi.store import connection

ROOT = Path(__file__).resolve().parents[1]
INGEST_ROWS = 100_000


@dataclass
class Figure:
    scale: str
    what: str
    value: float
    unit: str
    floor: float | None = None
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.floor is None or not self.floor:
            return None
        if self.unit == "rows/s":  # higher is better: how many times slower than the floor
            return self.floor / self.value
        return self.value / self.floor


def median_time(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_SUMS = ", ".join(f"sum({f})" for f in MONEY_FIELDS)  # column names from kpi.model.definitions
_BARE_SQL = f"""SELECT period, {_SUMS} FROM stat_values
WHERE is_current AND cluster = 'ALL' AND ($region IS NULL OR region = $region)
GROUP BY period"""  # noqa: S608 - no user text


def status_figures(scale: Scale, db: Path, runs: int) -> list[Figure]:
    out = []
    with connection.connect(db) as con:
        unit = con.execute("SELECT min(code) FROM regions WHERE kind <> 'city'").fetchall()[0][0]
        for label, region in (("kpi status, city", None), (f"kpi status, one unit ({unit})", unit)):
            status.kpi_status(con, None, region)  # warm DuckDB's buffers for both sides alike
            took = median_time(lambda r=region: status.kpi_status(con, None, r), runs)
            bare = median_time(lambda r=region: con.execute(_BARE_SQL, {"region": r}).fetchall(), runs)
            out.append(
                Figure(scale.name, label, took * 1000, "ms", bare * 1000, "≤ 3× floor", took <= 3 * bare)
            )
    return out


_TRIVIAL_APP = "import streamlit as st\nst.write('hello')\n"


def page_figures(scale: Scale, db: Path, runs: int) -> list[Figure]:
    """Overview and Regions reruns of a signed-in leader (every unit, the whole city).

    The app needs a signed-in session and a session needs an account in the database: both are
    made in a private copy, so the cached database is never written.
    """
    from streamlit.testing.v1 import AppTest

    limit = {"city": 0.3, "country": 0.3}.get(scale.name)  # issue 16: ≤ 300 ms at country scale too
    with tempfile.TemporaryDirectory(prefix="kpi-pages-") as tmp:
        trivial = Path(tmp) / "app.py"
        trivial.write_text(_TRIVIAL_APP, encoding="utf-8")
        t_app = AppTest.from_file(str(trivial), default_timeout=60)
        t_app.run()
        floor = median_time(t_app.run, max(runs, 3))
        copy = Path(tmp) / db.name
        shutil.copyfile(db, copy)
        os.environ["KPI_DB"] = str(copy)
        session = _leader_session(copy)
        import streamlit as st

        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=900)
        at.session_state[_SESSION_KEY] = session
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        _check(at, "overview")
        warm = median_time(at.run, runs)
        _check(at, "overview")
        at.switch_page("pages/regions.py")
        start = time.perf_counter()
        at.run()
        regions_first = time.perf_counter() - start
        _check(at, "regions")
        regions_warm = median_time(at.run, runs)
        _check(at, "regions")
    target = f"≤ {limit * 1000:.0f} ms" if limit else ""
    return [
        Figure(scale.name, "Overview rerun (warm cache)", warm * 1000, "ms", floor * 1000, target,
               None if limit is None else warm <= limit),
        Figure(scale.name, "Overview first run (cold cache)", cold * 1000, "ms", floor * 1000),
        Figure(scale.name, "Regions rerun (warm cache)", regions_warm * 1000, "ms", floor * 1000),
        Figure(scale.name, "Regions first run", regions_first * 1000, "ms", floor * 1000),
    ]  # fmt: skip


_SESSION_KEY = "kpi_session"  # kpi.ui.signin.SESSION: where the app looks for a signed-in session
_BENCH_USER = "bench_leader"


def _leader_session(db: Path) -> object:
    """A signed-in session of a leader account, created in `db` (a copy) on first use."""
    import secrets

    from kpi.access import accounts, sessions

    with connection.connect(db) as con:
        user = accounts.get_user(con, _BENCH_USER)
        if user is None:
            password = secrets.token_urlsafe(16)
            user = accounts.add_user(con, _BENCH_USER, password, "leader", by="benchmarks")
    return sessions.start_session(user)


def _check(at: object, page: str) -> None:
    """The page drew its charts: no exception, no error box, and not the sign-in form instead."""
    problems = [e.value for e in at.exception] + [e.value for e in at.error]  # type: ignore[attr-defined]
    if problems:
        raise RuntimeError(f"{page} failed: {problems}")
    if not at.get("plotly_chart"):  # type: ignore[attr-defined]
        raise RuntimeError(f"{page} drew no chart (signed out?): {[t.value for t in at.title]}")  # type: ignore[attr-defined]


def ingest_figures(scale: Scale, db: Path, runs: int, work: Path) -> list[Figure]:
    rows = min(INGEST_ROWS, scale.rows)
    csv = ingest_file(scale, rows, work / f"ingest-{scale.name}.csv")
    data = csv.read_bytes()
    ours, floor = [], []
    for i in range(runs):
        copy = work / f"ingest-{i}.duckdb"
        _copy(db, copy)
        start = time.perf_counter()
        with connection.connect(copy) as con:
            result = ingest_stats(con, data, csv.name)
        ours.append(time.perf_counter() - start)
        if not result.stored:
            raise RuntimeError(f"ingest rejected: {[i.describe('en') for i in result.report.errors[:5]]}")
        _copy(db, copy)
        start = time.perf_counter()
        with duckdb.connect(str(copy)) as con:
            con.execute(f"CREATE TABLE raw_csv AS SELECT * FROM read_csv('{csv}', header = true)")  # noqa: S608
        floor.append(time.perf_counter() - start)
        copy.unlink()
        Path(f"{copy}.wal").unlink(missing_ok=True)
    speed, raw_speed = rows / statistics.median(ours), rows / statistics.median(floor)
    peak = peak_memory(db, csv, work)
    return [
        Figure(scale.name, f"ingest {rows:,} rows (validate + commit)", speed, "rows/s", raw_speed,
               "≥ 200,000 rows/s, ≤ 5× floor", speed >= 200_000 and raw_speed / speed <= 5),
        Figure(scale.name, f"peak memory, ingest of {rows:,} rows (process maxrss)", peak, "MB", None,
               "< 500 MB", peak < 500),
    ]  # fmt: skip


def preview_figures(scale: Scale, db: Path, runs: int, work: Path) -> list[Figure]:
    """What the upload page does before anything is stored: validate the file, then list what it
    would change. Nothing is written, so the cached database is opened read-only, not copied."""
    rows = min(INGEST_ROWS, scale.rows)
    csv = ingest_file(scale, rows, work / f"preview-{scale.name}.csv")
    data = csv.read_bytes()
    config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}

    def preview() -> None:
        checked = check_stats(con, data, csv.name)
        if checked.rows is None:
            raise RuntimeError(f"preview rejected: {[i.describe('en') for i in checked.report.errors[:5]]}")
        preview_changes(con, checked.rows)

    def floor() -> None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_csv AS SELECT * FROM read_csv('{csv}', header = true)")  # noqa: S608
        con.execute("DROP TABLE raw_csv")

    with duckdb.connect(str(db), read_only=True, config=config) as con:
        con.execute("SET enable_progress_bar = false")
        took, bare = median_time(preview, runs), median_time(floor, runs)
    return [
        Figure(
            scale.name, f"upload preview (check + changes) of {rows:,} rows", took * 1000, "ms", bare * 1000
        )
    ]


def concurrency_figures(scale: Scale, db: Path, work: Path) -> list[Figure]:
    """The longest read while another process ingests the benchmark file (target under 1 s: a
    reader waits for a commit, never for a writer's reading, checking or printing)."""
    rows = min(INGEST_ROWS, scale.rows)
    csv = ingest_file(scale, rows, work / f"concurrency-{scale.name}.csv")
    copy = work / "concurrency.duckdb"
    _copy(db, copy)
    try:
        r = longest_reads(copy, csv, work)
    finally:
        copy.unlink()
        Path(f"{copy}.wal").unlink(missing_ok=True)
    what = (
        f"longest read during an ingest of {rows:,} rows ({r['reads']:.0f} reads, {r['failed']:.0f} failed)"
    )
    return [
        Figure(scale.name, what, r["during"] * 1000, "ms", r["alone"] * 1000, "< 1 s, none failed",
               r["during"] < 1 and not r["failed"]),
        Figure(scale.name, f"that ingest of {rows:,} rows, under the reader", r["ingest"] * 1000, "ms"),
    ]  # fmt: skip


def _copy(db: Path, copy: Path) -> None:
    """A private copy of the database, on disk before the clock starts. Without the fsync the
    copy (500 MB at country scale) is still being written back when the timed run commits,
    and its checkpoint waits for all of it: a second or more that belongs to the copy."""
    shutil.copyfile(db, copy)
    fd = os.open(copy, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# The child reports its own peak (VmHWM, KiB). Not getrusage's ru_maxrss: Linux carries the
# parent's peak RSS across the spawn into the child's maxrss, so after the page runs (GBs at
# country scale) ru_maxrss measured the benchmark process, not the ingest.
_CHILD = """
import resource, sys
from kpi.ingest.stats import ingest_stats
from kpi.store import connection
data = open(sys.argv[2], 'rb').read()
with connection.connect(sys.argv[1]) as con:
    assert ingest_stats(con, data, 'bench.csv').stored
try:
    status = open('/proc/self/status').read().split('VmHWM:')[1]
    print(int(status.split()[0]))
except (OSError, IndexError):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory(db: Path, csv: Path, work: Path) -> float:
    """Peak resident memory (MB) of a fresh interpreter that ingests the file into a copy of the
    database (its own peak: VmHWM where Linux has it, else maxrss)."""
    copy = work / "memory.duckdb"
    shutil.copyfile(db, copy)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(copy), str(csv)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    copy.unlink()
    Path(f"{copy}.wal").unlink(missing_ok=True)
    return int(done.stdout.split()[-1]) / 1024  # Linux reports KiB


def render(figures: list[Figure]) -> str:
    head = "| scale | figure | median | floor | × floor | target | met |\n|---|---|---:|---:|---:|---|---|"
    lines = [head]
    for f in figures:
        fmt = "{:,.0f}" if f.unit == "rows/s" else "{:,.1f}"
        value = fmt.format(f.value) + f" {f.unit}"
        floor = "" if f.floor is None else fmt.format(f.floor) + f" {f.unit}"
        ratio = "" if f.ratio is None else f"{f.ratio:.1f}×"
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.scale} | {f.what} | {value} | {floor} | {ratio} | {f.target} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=None, help="comma-separated: city,province,country")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--quick", action="store_true", help="one run per figure; city only unless --scales")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached databases")
    parser.add_argument(
        "--browser", action="store_true", help="the browser part only (benchmarks/browser.py)"
    )
    parser.add_argument("--pages", default=None, help="with --browser: comma-separated pages")
    parser.add_argument(
        "--concurrency", action="store_true", help="also: the longest read while another process ingests"
    )
    args = parser.parse_args(argv)
    if args.browser:
        from benchmarks import browser

        return browser.run(args.runs, args.quick, args.pages or ",".join(browser.PAGES), parser)
    names = (args.scales or ("city" if args.quick else "city,province,country")).split(",")
    unknown = [n for n in names if n not in SCALES]
    if unknown:
        parser.error(f"unknown scale(s): {', '.join(unknown)}; choose from {', '.join(SCALES)}")
    runs = 1 if args.quick else max(1, args.runs)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        for name in names:
            scale = SCALES[name]
            db, built = build(scale, force=args.rebuild)
            note = f"built in {built:.1f} s" if built else "cached"
            print(f"{name}: {scale.rows:,} statistics rows ({note}) — {db}", file=sys.stderr, flush=True)
            figures += status_figures(scale, db, runs)
            figures += page_figures(scale, db, runs)
            figures += ingest_figures(scale, db, min(runs, 3), Path(tmp))
            figures += preview_figures(scale, db, runs, Path(tmp))
            if args.concurrency:
                figures += concurrency_figures(scale, db, Path(tmp))
            print(render([f for f in figures if f.scale == name]), file=sys.stderr, flush=True)
    print(render(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
