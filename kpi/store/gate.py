"""The writers' gate: a file beside the database (`kpi.duckdb.lock`) that lets a waiting writer
go before new readers, across processes.

DuckDB's own lock does not queue: a writer gets the file only at a moment when no process is
reading it, and readers that follow one another closely (a reader polling, ten leaders using
the app) can keep that moment from coming for many seconds. So a writer holds this gate (an
exclusive flock) from the moment it starts waiting until its commit is checkpointed; a reader
passes through it (a shared flock, taken and let go at once) before it opens the database. New
readers then wait behind a waiting writer, which waits only for the reads already running.

The gate is a courtesy between the program's own processes, never a condition of correctness:
DuckDB's lock still decides who may open the file. Where the gate file cannot be made or
opened (a read-only folder, where nobody writes anyway), there is simply no gate.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path

from kpi.model.errors import DatabaseBusy


def gate_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _take(fd: int, mode: int, deadline: float, db: Path) -> None:
    delay = 0.005
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise DatabaseBusy(str(db)) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.02)


def enter(db: Path, deadline: float) -> int | None:
    """For a writer: the gate, held (its descriptor, for `leave`), or None where there is none."""
    try:
        fd = os.open(gate_path(db), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        try:
            fd = os.open(gate_path(db), os.O_RDONLY)
        except OSError:
            return None
    try:
        _take(fd, fcntl.LOCK_EX, deadline, db)
    except BaseException:
        os.close(fd)
        raise
    return fd


def leave(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)  # closing the descriptor lets go of its flock


def pass_through(db: Path, deadline: float) -> None:
    """For a reader: wait while a writer holds the gate (none there: go on at once)."""
    try:
        fd = os.open(gate_path(db), os.O_RDONLY)
    except OSError:
        return
    try:
        _take(fd, fcntl.LOCK_SH, deadline, db)
    finally:
        os.close(fd)


def writer_waiting(db: Path) -> bool:
    """Whether a writer holds the gate now (waiting for the file or writing); no gate: False.
    Asked by a reader that keeps the file attached between reads (connection.reads_together)."""
    try:
        fd = os.open(gate_path(db), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing lets go of the shared lock, where it was taken
    return False
