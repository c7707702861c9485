"""The concurrency benchmark (benchmarks/concurrency.py, `python -m benchmarks --concurrency`)
runs: a reader process reads alone, then while another process ingests, and reports its reads.
Nothing is timed here (timing belongs to the benchmarks): only that the figure can be made."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import stats_csv

from benchmarks.concurrency import longest_reads

pytestmark = pytest.mark.slow


def test_the_reader_reads_alone_and_during_an_ingest(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, db)
    csv = tmp_path / "q.csv"
    csv.write_text(stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"), encoding="utf-8")
    figures = longest_reads(db, csv, tmp_path, alone_seconds=0.5)
    assert figures["failed"] == 0 and figures["reads"] >= 1
    assert min(figures["alone"], figures["during"], figures["ingest"]) > 0
    assert (tmp_path / "reader.stop").exists()
