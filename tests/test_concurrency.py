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
import json
import os
import subprocess
import sys
import threading
import time
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
from kpi.store import audit, connection, gate

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
    # the file the failure hit, then the cause
    assert err.strip() == f"文件 q1.csv 未入库\n数据库 {db} 正被另一个进程占用，请稍后重试"
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


# ---------------------------------------------------------------- writers and readers

ALL_UNITS = [*UNITS, "嘉兴港区"]
UNIT_CODES = ["330402", "330411", "330421", "330424", "330481", "330482", "330483", "JX-ETDZ", "JX-PORT"]


def _falling_file(tmp_path: Path, years: range) -> Path:
    """Every unit's figures falling quarter by quarter (a year-to-date fall is a warning, not an
    error): stored, with some 2,000 warnings, about 240 KB of report, far more than a pipe holds."""
    rows = [
        f"{y}Q{q},{u},,{3 * (5 - q)},{100 * (5 - q)},{50 * (5 - q)},{100 * (5 - q)},{7 * (5 - q)},{10 * (5 - q)}"
        for y in years
        for q in (1, 2, 3, 4)
        for u in ALL_UNITS
    ]
    return _file(tmp_path, "falling.csv", *rows)


def _status_json(db: Path, *args: str, timeout: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [kpi_command(), "status", "--json", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        env=_env(KPI_LOCK_TIMEOUT=timeout),
        timeout=120,
        check=False,
    )


def test_a_slow_reader_of_an_ingests_report_keeps_nobody_waiting(db: Path, tmp_path: Path):
    """`kpi ingest stats big.csv | less`: the report waits for its reader, the database does not.
    The ingest's output goes to a pipe nobody reads (it fills after 64 KB); meanwhile `kpi
    status` in another process, allowed to wait 3 s for the lock, answers every time, and sees
    the file's data as soon as it is committed, while the ingest is still stuck printing."""
    f = _falling_file(tmp_path, range(2013, 2025))
    ingest = subprocess.Popen(
        [kpi_command(), "ingest", "stats", str(f), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=_env(),
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            r = _status_json(db, "--period", "2024Q4", "--region", "南湖区", timeout="3")
            assert r.returncode == 0, r.stderr  # before: 数据库 … 正被另一个进程占用, after 3 s
            if json.loads(r.stdout)["indicators"]["rd_intensity"]["value"] is not None:
                break
            assert time.monotonic() < deadline and ingest.poll() is None, "the ingest ended early"
        assert json.loads(r.stdout)["indicators"]["rd_intensity"]["value"] == pytest.approx(0.03)
        time.sleep(4)  # longer than the reader may wait: nothing holds the database now
        assert ingest.poll() is None  # still waiting for its reader: the report is not read yet
        again = _status_json(db, "--period", "2024Q4", timeout="3")
        assert again.returncode == 0, again.stderr
    finally:
        out, _ = ingest.communicate(timeout=120)  # the reader comes at last
    assert ingest.returncode == 0
    report = out.decode("utf-8")
    assert "文件 falling.csv 已入库：432 行" in report and report.count("\n") > 1000


POLLER = """
import contextlib, io, json, sys, time
from pathlib import Path
from kpi.cli.main import main
db, stop = sys.argv[1], Path(sys.argv[2])
reads = []
while not stop.exists():
    out = io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(["status", "--json", "--db", db])
    seconds = time.monotonic() - start
    try:
        json.loads(out.getvalue())
        ok = code == 0
    except ValueError:
        ok = False
    reads.append({"ok": ok, "seconds": seconds, "error": err.getvalue()[-300:]})
    time.sleep(0.05)  # leave the two cores some room for the writers
print(json.dumps(reads))
"""


def test_pairs_of_ingests_while_a_reader_polls_store_every_file_whole(db: Path, tmp_path: Path):
    """Ten rounds of two `kpi ingest stats` processes started at the same moment, while another
    process runs `kpi status --json` (the real command, in a loop, timed inside the process) as
    fast as it can: every file is stored whole (its upload, its rows, its values, nothing of
    another file's), no read fails, and the slowest read stays far below the lock timeout (a
    bound against a reader waiting on a writer's work rather than on its commit)."""
    stop = tmp_path / "stop"
    poller = subprocess.Popen(
        [sys.executable, "-c", POLLER, str(db), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(KPI_LOCK_TIMEOUT="20"),
    )
    expected: dict[str, list[tuple[str, str, float, float]]] = {}
    try:
        for r in range(10):
            period = f"{2023 + r // 4}Q{r % 4 + 1}"
            files = []
            for half, units in (("a", UNIT_CODES[:4]), ("b", UNIT_CODES[4:])):
                name = f"r{r}{half}.csv"
                rows = [(u, 10 + r + i, 1000 + 10 * i) for i, u in enumerate(units)]
                files.append(
                    _file(
                        tmp_path, name, *(f"{period},{u},,{rd},{rev},500,1000,70,100" for u, rd, rev in rows)
                    )
                )
                expected[name] = [(period, u, float(rd), float(rev)) for u, rd, rev in rows]
            procs = [_ingest(db, f) for f in files]
            outs = [p.communicate(timeout=120) for p in procs]
            assert [p.returncode for p in procs] == [0, 0], outs
    finally:
        stop.touch()
        reads_out, reads_err = poller.communicate(timeout=120)
    assert poller.returncode == 0, reads_err
    reads = json.loads(reads_out)
    assert len(reads) >= 10, "the reader hardly ran"
    failed = [x for x in reads if not x["ok"]]
    assert not failed, failed[:3]
    assert max(x["seconds"] for x in reads) < 10, sorted(x["seconds"] for x in reads)[-5:]

    uploads = _uploads(db)
    assert sorted(u[0] for u in uploads) == list(range(1, 21))  # each once, none lost
    assert all(s == "committed" for _, _, s, _ in uploads)
    with connection.read(db) as con:
        for uid, name, _, n in uploads:
            stored = con.execute(
                """SELECT period, region, rd_expense, operating_revenue FROM stat_values
                   WHERE upload_id = $id AND is_current ORDER BY region""",
                {"id": uid},
            ).fetchall()
            want = sorted(expected[name])
            assert n == len(want) and sorted(stored) == want, name
        assert con.execute("SELECT count(*) FROM stat_values").fetchall()[0][0] == 90


READ_HOLD = """
import sys
from kpi.store import connection
with connection.read(sys.argv[1]) as con:
    con.execute("SELECT count(*) FROM stat_values").fetchall()
    print("reading", flush=True)
    sys.stdin.read()  # a long read, until the test lets go
"""


def _gate_taken(db: Path) -> bool:
    """Whether a writer holds the writers' gate beside the database (kpi.store.gate)."""
    return gate.writer_waiting(db)


def test_a_waiting_writer_goes_before_readers_that_come_after_it(db: Path, tmp_path: Path):
    """DuckDB's lock does not queue: readers coming one after another could keep a writer out
    for as long as they keep coming. A writer that waits for a read in progress now goes first:
    a read that starts while it waits runs after its commit (and sees it)."""
    f = _file(tmp_path, "q2.csv", "2025Q2,南湖区,,70,2000,900,2000,140,200")
    with subprocess.Popen(
        [sys.executable, "-c", READ_HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as long_read:
        assert long_read.stdout is not None and long_read.stdout.readline().strip() == "reading"
        writer = _ingest(db, f)
        deadline = time.monotonic() + 60
        while not _gate_taken(db):  # checked its file, now waiting for the long read to end
            assert writer.poll() is None and time.monotonic() < deadline, writer.communicate()
            time.sleep(0.05)
        reader = subprocess.Popen(
            [kpi_command(), "status", "--json", "--period", "2025Q2", "--region", "南湖区", "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        with pytest.raises(subprocess.TimeoutExpired):
            reader.wait(timeout=5)  # behind the writer (before: it read at once, without the file)
        long_read.communicate(timeout=60)  # the long read ends
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0 and out.startswith("文件 q2.csv 已入库"), err
    answer, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    assert json.loads(answer)["indicators"]["rd_intensity"]["value"] == pytest.approx(0.035)


def _attaches(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every attachment of a database file this process makes from now on (True: read-write)."""
    made: list[bool] = []
    attach = connection._File._attach

    def counted(self: connection._File, writing: bool, deadline: float) -> None:
        made.append(writing)
        attach(self, writing, deadline)

    monkeypatch.setattr(connection._File, "_attach", counted)
    return made


def _count(db: Path) -> int:
    with connection.read(db) as con:
        return con.execute("SELECT count(*) FROM stat_values").fetchall()[0][0]


def test_reads_held_together_attach_the_file_once_and_let_it_go_at_the_end(db: Path, monkeypatch):
    """A page's reads after a change share one attachment (issue 16); single reads each attach."""
    made = _attaches(monkeypatch)
    for _ in range(3):
        _count(db)
    assert made == [False] * 3  # the file is let go after every single read
    made.clear()
    with connection.reads_together():
        for _ in range(3):
            _count(db)
            assert connection._file(db).mode == "ro"  # kept between the reads
    assert made == [False]
    assert connection._file(db).mode is None  # and let go at the block's end: nobody else kept out


def test_reads_held_together_let_a_writer_of_another_process_in_at_the_next_read(db: Path, tmp_path: Path):
    """While a page holds the file for its reads, a `kpi ingest` waits for it; the page's next read
    sees the writer waiting (the writers' gate), lets go and reads after the commit, as a
    single read would: the writer never waits for the rest of the page."""
    f = _file(tmp_path, "q2.csv", "2025Q2,南湖区,,70,2000,900,2000,140,200")
    before = _count(db)
    with connection.reads_together():
        _count(db)
        writer = _ingest(db, f)
        deadline = time.monotonic() + 60
        while not _gate_taken(db):  # it waits for the file this block keeps attached
            assert writer.poll() is None and time.monotonic() < deadline, writer.communicate()
            time.sleep(0.05)
        assert _count(db) == before + 1  # the next read let the writer in and saw its row
        _, err = writer.communicate(timeout=60)
        assert writer.returncode == 0, err  # done while the block is still open
        assert connection._file(db).mode is None  # not taken again while this read was queued


def test_reads_held_together_let_a_writer_of_this_process_in_at_the_next_read(db: Path):
    """Another session's write in the same process waits for a page's held file only up to the
    page's next read."""
    read_once, go_on, written = threading.Event(), threading.Event(), threading.Event()
    seen: list[float] = []

    def page() -> None:
        with connection.reads_together():
            _count(db)
            read_once.set()
            go_on.wait(30)
            deadline = time.monotonic() + 30
            while not connection._file(db).waiting:  # until the writer waits for the held file
                assert time.monotonic() < deadline
                time.sleep(0.01)
            _count(db)
            seen.append(written.is_set())

    def write() -> None:
        with connection.connect(db) as con, connection.transaction(con):
            con.execute("UPDATE targets SET note = note")
        written.set()

    reader = threading.Thread(target=page)
    reader.start()
    assert read_once.wait(30)
    writer = threading.Thread(target=write)
    writer.start()
    go_on.set()
    reader.join(30)
    writer.join(30)
    assert seen == [True]  # the page's second read came after the write, inside its block
    assert not reader.is_alive() and not writer.is_alive()
