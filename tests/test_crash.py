"""A process killed inside the ingest transaction (kill -9 at KPI_FAILPOINT=before_commit) leaves
the database exactly as it was, and usable: one transaction per file, all or nothing."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from pathlib import Path

import pytest
from support import fingerprint, ingest_text, kpi_command, stats_csv, value

pytestmark = pytest.mark.slow

FAILPOINT_LINE = "KPI_FAILPOINT before_commit"


def _start_and_kill_inside_the_transaction(*args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    env.update(KPI_FAILPOINT="before_commit", KPI_FAILPOINT_SLEEP="60")
    proc = subprocess.Popen(
        [kpi_command(), *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        seen, deadline = [], time.monotonic() + 60
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stderr, selectors.EVENT_READ)
            while FAILPOINT_LINE not in seen:
                assert time.monotonic() < deadline, f"no failpoint line; stderr so far: {seen}"
                if sel.select(timeout=1):
                    line = proc.stderr.readline()
                    assert line, f"the process ended before the failpoint (exit {proc.wait()}): {seen}"
                    seen.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def test_kill_inside_the_stats_transaction_changes_nothing(db: Path, tmp_path: Path):
    first = ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"))
    assert first.stored
    before = fingerprint(db)
    # a revision of the stored row and a new row: both an UPDATE and an INSERT are in flight
    crash = tmp_path / "crash.csv"
    crash.write_text(
        stats_csv("2025Q1,南湖区,,60,1000,500,1000,70,100", "2025Q1,秀洲区,,10,1000,500,1000,70,100"),
        encoding="utf-8",
    )
    _start_and_kill_inside_the_transaction("ingest", "stats", str(crash), "--db", str(db))

    assert fingerprint(db) == before  # row counts, KPI JSON, every stored value
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") == 0.03
    # still usable: the same file now goes in, under the next upload id
    again = ingest_text(db, crash.read_text(encoding="utf-8"), "crash.csv")
    assert again.stored and again.upload_id == first.upload_id + 1
    assert (again.new_rows, again.revised_rows) == (1, 1)
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") == 0.06


def test_kill_inside_the_platform_transaction_changes_nothing(db: Path, tmp_path: Path):
    ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"))
    before = fingerprint(db)
    register = tmp_path / "名录.csv"
    register.write_text(
        "平台名称,依托单位,县(市、区),服务集群,级别\n平台,单位,南湖区,智能光伏,国家级\n", encoding="gbk"
    )
    _start_and_kill_inside_the_transaction("ingest", "platforms", str(register), "--db", str(db))
    assert fingerprint(db) == before
