"""A process killed inside the ingest transaction (kill -9 at KPI_FAILPOINT=before_commit) leaves
the database exactly as it was, and usable: one transaction per file, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import fingerprint, ingest_text, kill_inside_the_transaction, stats_csv, value

pytestmark = pytest.mark.slow


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
    kill_inside_the_transaction("ingest", "stats", str(crash), "--db", str(db))

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
    kill_inside_the_transaction("ingest", "platforms", str(register), "--db", str(db))
    assert fingerprint(db) == before
