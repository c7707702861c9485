"""Concurrency and faults with real processes and threads: two `kpi ingest` processes at the
same moment, threads in one process (two statisticians confirming at once), a shell ingest while
another process holds the database, a process killed inside the commit. Every time: every
accepted upload is there exactly once, a rejected one left nothing, and the person is told.

Decided behaviour: a writer that finds the database locked waits (store.connect retries for
KPI_LOCK_TIMEOUT seconds, 20 by default), so simultaneous uploads are serialised and all stored;
only when the lock outlasts the wait is it refused, with "数据库 … 正被另一个进程占用", exit 1
and nothing written."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import (
    TODAY,
    fingerprint,
    ingest_text,
    kill_inside_the_transaction,
    kpi_command,
    stats_csv,
    value,
)

from kpi.access import accounts, sessions
from kpi.ingest.stats import ingest_stats
from kpi.model.roles import Role, Viewer
from kpi.store import audit, connection

pytestmark = pytest.mark.slow

UNITS = ["南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市", "经开区"]


def _file(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(stats_csv(*rows), encoding="utf-8")
    return path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    env.update(extra)
    return env


def _uploads(db: Path) -> list[tuple[int, str, str, int]]:
    with connection.connect(db) as con:
        return con.execute("SELECT id, file_name, status, rows FROM uploads ORDER BY id").fetchall()


def _current(db: Path) -> list[tuple[str, str, float]]:
    with connection.connect(db) as con:
        return con.execute(
            "SELECT period, region, rd_expense FROM stat_values WHERE is_current ORDER BY ALL"
        ).fetchall()


def test_two_processes_ingesting_at_the_same_moment_are_both_stored(db: Path, tmp_path: Path):
    a = _file(tmp_path, "a.csv", "2025Q1,南湖区,,30,1000,500,1000,70,100")
    b = _file(tmp_path, "b.csv", "2025Q1,秀洲区,,10,500,300,500,30,50", "2025Q1,嘉善县,,8,400,200,400,20,40")
    # each holds the database for a second inside its transaction, so they must meet
    env = _env(KPI_FAILPOINT="before_commit", KPI_FAILPOINT_SLEEP="1")
    procs = [
        subprocess.Popen(
            [kpi_command(), "ingest", "stats", str(f), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for f in (a, b)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    told = sorted(out for out, _ in outs)
    assert told[0].startswith("文件 a.csv 已入库：1 行") and told[1].startswith("文件 b.csv 已入库：2 行")
    uploads = _uploads(db)
    assert sorted((f, s, n) for _, f, s, n in uploads) == [
        ("a.csv", "committed", 1),
        ("b.csv", "committed", 2),
    ]
    assert [u[0] for u in uploads] == [1, 2]
    assert _current(db) == [
        ("2025Q1", "330402", 30.0),
        ("2025Q1", "330411", 10.0),
        ("2025Q1", "330421", 8.0),
    ]
    assert value(db, "rd_intensity", period="2025Q1") == pytest.approx(48 / 1900)


def test_statisticians_confirming_at_the_same_moment_in_one_process(db: Path):
    """Eight threads (the app serves every browser session in its own thread): four new units,
    four revisions of the same row, and one rejected file, all at once."""
    people = [Viewer(f"tongji{i}", Role.STATISTICIAN) for i in range(9)]
    files = [stats_csv(f"2025Q1,{unit},,{i + 1},1000,500,1000,70,100") for i, unit in enumerate(UNITS[1:5])]
    files += [stats_csv(f"2025Q2,南湖区,,{40 + i},1000,500,1000,70,100") for i in range(4)]
    files.append(stats_csv("2025Q1,火星,,1,1000,500,1000,70,100"))  # rejected
    start = threading.Barrier(len(files))
    results: dict[int, object] = {}

    def confirm(i: int) -> None:
        start.wait()
        try:
            with connection.connect(db) as con:
                results[i] = ingest_stats(con, files[i].encode(), f"f{i}.csv", today=TODAY, viewer=people[i])
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(files))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    stored = [results[i] for i in range(8)]
    assert all(getattr(r, "stored", False) for r in stored), results
    assert not results[8].stored and results[8].upload_id is None
    ids = sorted(r.upload_id for r in stored)
    assert ids == list(range(1, 9))  # each once, none lost, none doubled
    with connection.connect(db) as con:
        rows = con.execute("SELECT count(*) FROM stat_values").fetchall()[0][0]
        current = con.execute(
            "SELECT count(*), max(rd_expense) FROM stat_values WHERE is_current AND period = '2025Q2'"
        ).fetchall()[0]
        last_revision = con.execute(
            "SELECT rd_expense FROM stat_values s WHERE is_current AND period = '2025Q2'"
        ).fetchall()[0][0]
        newest = con.execute("SELECT max(upload_id) FROM stat_values WHERE period = '2025Q2'").fetchall()[0][
            0
        ]
        newest_value = con.execute(
            "SELECT rd_expense FROM stat_values WHERE upload_id = $id", {"id": newest}
        ).fetchall()[0][0]
        events = audit.list_events(con, action="upload")
    assert rows == 8  # every vintage kept
    assert current[0] == 1  # exactly one revision counts: the last one committed
    assert last_revision == newest_value
    assert sorted(events["actor"]) == sorted(v.username for v in people[:8])
    for i, unit in enumerate(UNITS[1:5]):
        assert value(db, "rd_intensity", period="2025Q1", region=unit) == pytest.approx((i + 1) / 1000)


HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN TRANSACTION")
con.execute("UPDATE targets SET note = note")
print("holding", flush=True)
sys.stdin.read()  # until the test lets go
con.execute("COMMIT")
con.close()
"""


@contextlib.contextmanager
def _held(db: Path) -> Iterator[None]:
    """Another process (the app, a backup script) holding the database file open, inside a write
    transaction, until the block ends."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
        try:
            yield
        finally:
            proc.communicate(timeout=60)  # closes its stdin: it commits and exits
            assert proc.returncode == 0


def _ingest(db: Path, f: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [kpi_command(), "ingest", "stats", str(f), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(**env),
    )


def test_a_shell_ingest_waits_for_a_process_holding_the_database(db: Path, tmp_path: Path):
    f = _file(tmp_path, "q1.csv", "2025Q1,南湖区,,30,1000,500,1000,70,100")
    with _held(db):
        ingest = _ingest(db, f)
        with pytest.raises(subprocess.TimeoutExpired):
            ingest.wait(timeout=5)  # it cannot finish while the file is held: it waits
    out, err = ingest.communicate(timeout=60)
    assert ingest.returncode == 0, err
    assert out.startswith("文件 q1.csv 已入库：1 行")
    assert [(f, s) for _, f, s, _ in _uploads(db)] == [("q1.csv", "committed")]


def test_a_lock_that_outlasts_the_wait_is_reported_and_nothing_is_stored(db: Path, tmp_path: Path):
    ingest_text(db, stats_csv("2024Q1,南湖区,,30,1000,500,1000,70,100"))
    before = fingerprint(db)
    f = _file(tmp_path, "q1.csv", "2025Q1,南湖区,,30,1000,500,1000,70,100")
    with _held(db):
        busy = _ingest(db, f, KPI_LOCK_TIMEOUT="1")
        out, err = busy.communicate(timeout=60)
    assert (busy.returncode, out) == (1, "")
    assert err.strip() == f"数据库 {db} 正被另一个进程占用，请稍后重试"
    assert fingerprint(db) == before
    # told to try again, the person does, and it goes in
    again = subprocess.run(
        [kpi_command(), "ingest", "stats", str(f), "--db", str(db)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert [f for _, f, _, _ in _uploads(db)] == ["t.csv", "q1.csv"]


def test_failed_sign_ins_from_many_threads_are_all_counted(db: Path):
    with connection.connect(db) as con:
        accounts.add_user(con, "nanhu", "correct horse battery", "county", region="南湖区", by="admin")
    n = 4  # below the lock (5): every attempt must count once
    start = threading.Barrier(n)
    outcomes: list[str] = []

    def attempt() -> None:
        start.wait()
        outcomes.append(sessions.sign_in(db, "nanhu", "wrong password", sleep=lambda s: None).outcome)

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes == ["failed"] * n
    with connection.connect(db) as con:
        failures = con.execute("SELECT failures FROM sign_in_failures WHERE username = 'nanhu'").fetchall()
        assert failures == [(n,)]
        assert len(audit.list_events(con, action="sign_in_failed")) == n
    assert sessions.sign_in(db, "nanhu", "wrong password", sleep=lambda s: None).outcome == "locked"


@pytest.mark.parametrize("what", ["rollback", "user"])
def test_a_process_killed_inside_the_commit_leaves_no_change_and_no_event(db: Path, what: str):
    first = ingest_text(db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100"))
    before = fingerprint(db)
    with connection.connect(db) as con:
        events = audit.list_events(con)
    if what == "rollback":
        kill_inside_the_transaction("rollback", str(first.upload_id), "--db", str(db))
    else:
        kill_inside_the_transaction(
            "user", "add", "boss", "--role", "admin", "--db", str(db), stdin="correct horse battery\n"
        )
    assert fingerprint(db) == before
    with connection.connect(db) as con:
        assert audit.list_events(con).equals(events)
        assert accounts.list_users(con) == []
    assert value(db, "rd_intensity", period="2025Q1", region="南湖区") == 0.03
