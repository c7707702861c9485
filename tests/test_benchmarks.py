"""The benchmark command runs (at the city scale, one run each). It times nothing here: timing
belongs to the benchmarks, this only proves the command and its table still work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_command_prints_every_figure_at_city_scale(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    env["KPI_BENCH_CACHE"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--scales", "city"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    table = done.stdout.splitlines()
    assert table[0].startswith("| scale | figure | median | floor | × floor |")
    figures = [line.split("|")[2].strip() for line in table[2:]]
    assert figures == [
        "kpi status, city",
        "kpi status, one unit (330402)",
        "Overview rerun (warm cache)",
        "Overview first run (cold cache)",
        "Regions rerun (warm cache)",
        "Regions first run",
        "ingest 3,024 rows (validate + commit)",
        "peak memory, ingest of 3,024 rows (process maxrss)",
        "upload preview (check + changes) of 3,024 rows",
    ]
    assert (tmp_path / "cache").is_dir()  # the database was built there, not in the repo
