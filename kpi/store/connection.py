"""Connections to the DuckDB file: locks, short-lived connections, transactions, the data stamp."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb

from kpi.model.errors import DatabaseBusy
from kpi.store.schema import migrate

DEFAULT_DB = Path("data") / "kpi.duckdb"

_local_lock = threading.RLock()  # one writer at a time inside a process (TRAPS.md 11)


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db, else $KPI_DB, else data/kpi.duckdb (CONTRACT.md §3)."""
    return Path(explicit or os.environ.get("KPI_DB") or DEFAULT_DB)


def _raw_connect(path: Path, timeout: float) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {
        # nothing may reach for the network (TRAPS.md 7)
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
    }
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), config=config)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                if "lock" in str(exc).lower():
                    raise DatabaseBusy(str(path)) from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextlib.contextmanager
def connect(
    path: str | os.PathLike[str] | None = None, *, timeout: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database (creating and migrating it), yield a connection, close it again."""
    p = db_path(path)
    wait = float(os.environ.get("KPI_LOCK_TIMEOUT", "20")) if timeout is None else timeout
    with _local_lock:
        con = _raw_connect(p, wait)
        try:
            # long updates at large scale drew progress bars on a user's terminal and in the app's log
            con.execute("SET enable_progress_bar = false")
            migrate(con)
            yield con
        finally:
            con.close()


@contextlib.contextmanager
def lean(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB's memory capped while the block runs, for the operations that read the whole
    statistics history (a statistics upload checks each series against its past): by default
    DuckDB keeps every block it has read, 1.5 GB of an 11-million-row history, where 200 MB of
    buffers serve the same queries as fast (blocks are read once each). Operators that need
    more spill to the database's temp directory instead of failing."""
    try:
        con.execute("SET memory_limit = '200MB'")
    except duckdb.Error:  # another connection holds more than that now: go on without the cap
        yield
        return
    try:
        yield
    finally:
        con.execute("RESET memory_limit")


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All or nothing: a failure (or a killed process) before COMMIT leaves no trace."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        _failpoint("before_commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def data_version(path: str | os.PathLike[str] | None = None) -> tuple[int, ...]:
    """A cheap fingerprint that changes whenever any process writes the database (for caches):
    the modification time, size and inode of the file and of its WAL. The size guards against
    two commits within one tick of a coarse file-system clock; the inode against a file replaced
    by another (a restored backup) with the same time."""
    p = db_path(path)
    out: list[int] = []
    for f in (p, p.with_name(p.name + ".wal")):
        try:
            st = f.stat()
        except FileNotFoundError:
            out += [0, 0, 0]
        else:
            out += [st.st_mtime_ns, st.st_size, st.st_ino]
    return tuple(out)


# ---------------------------------------------------------------- uploads and revisions


def _failpoint(name: str) -> None:
    """Fault injection for the crash tests: KPI_FAILPOINT=NAME pauses here so a test can kill us."""
    if os.environ.get("KPI_FAILPOINT") == name:
        print(f"KPI_FAILPOINT {name}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("KPI_FAILPOINT_SLEEP", "60")))
