"""Readers during a writer: the longest read while a statistics file is loaded.

A reader process runs what `kpi status --json` runs (a read-only connection opened and closed
for each read, kpi_status for the city, the JSON) in a loop, and times every read: first alone
for a few seconds (the floor: the same reads with no writer), then while another process runs
`kpi ingest stats` of the benchmark's ingest file into the same database. A read waits only
while the ingest commits (connection.transaction holds the write lock for the commit alone);
the longest read during the ingest is the figure, next to the longest read alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

# the reader: one read per loop, timed inside the process (no interpreter start in the figure)
_READER = """
import json, sys, time
from pathlib import Path
from kpi.engine import status
from kpi.store import connection
db, go, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
alone, during, failed = [], [], 0
def read():
    start = time.perf_counter()
    with connection.read(db) as con:
        json.dumps(status.kpi_status(con), default=str)
    return time.perf_counter() - start
read()  # imports and the first parse of the statements are not a wait
print("ready", flush=True)
while not go.exists():
    alone.append(read())
while not stop.exists():
    try:
        during.append(read())
    except Exception:
        failed += 1
print(json.dumps({"alone": alone, "during": during, "failed": failed}))
"""


def longest_reads(db: Path, csv: Path, work: Path, *, alone_seconds: float = 3.0) -> dict[str, float]:
    """Run the reader against `db` (written: use a copy), alone for `alone_seconds`, then during
    one `kpi ingest stats csv`. Seconds: the longest read alone and during the ingest, the
    ingest's own time; counts of the reads during it and of the failed ones."""
    go, stop = work / "reader.go", work / "reader.stop"
    for f in (go, stop):
        f.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(db), str(go), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert reader.stdout is not None
        if reader.stdout.readline().strip() != "ready":
            raise RuntimeError("the reader did not start")
        time.sleep(alone_seconds)
        go.touch()
        kpi = Path(sys.executable).with_name("kpi")
        start = time.perf_counter()
        done = subprocess.run(
            [str(kpi), "ingest", "stats", str(csv), "--db", str(db)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        took = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"the ingest failed: {done.stderr[-500:]}")
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=600)
    reads = json.loads(out.splitlines()[-1])
    if not reads["during"]:
        raise RuntimeError("no read ran during the ingest")
    return {
        "alone": max(reads["alone"] or [0.0]),
        "during": max(reads["during"]),
        "ingest": took,
        "reads": len(reads["during"]),
        "failed": reads["failed"],
    }
