"""Connections to the DuckDB file: read-only reads, a write lock held only for a commit,
short-lived connections, transactions, the data stamp.

How the file is shared (TRAPS.md 8). DuckDB locks the file for the process that opens it: many
processes may hold it read-only at once, one process may hold it read-write and then nobody else
may open it at all. So a connection here reads with the file attached READ_ONLY and takes the
write lock only inside `transaction()`: the file is re-attached read-write for the commit and
read-only again afterwards. A command or a page that reads, validates, computes warnings or
prints never keeps another process from reading (a writer does wait for the reads and checks
running when it wants to commit); a reader
that meets a commit (or a writer that meets readers) waits, up to KPI_LOCK_TIMEOUT seconds; a
waiting writer holds the writers' gate (kpi.store.gate), so that new readers queue behind it.

Inside one process the file is opened once (a second handle would drop the process's lock when
it closed, POSIX locks being per process): every connection is a cursor of one in-memory DuckDB
instance per file, which attaches the file under the name `kpi` while anyone uses it and
detaches it when the last one is done (the app never keeps the file). Threads share the
attachment as readers; a writer waits for the other threads' reads to end, and reads wait for a
commit. Temporary tables and macros live in the cursor, not the file: they outlast the switch.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from kpi.model.errors import DatabaseBusy, DatabaseFault, DatabaseMissing
from kpi.store import faults, gate, together
from kpi.store.schema import SCHEMA_VERSION, migrate, schema_version
from kpi.store.together import reads_together  # noqa: F401 - part of this module's interface

DEFAULT_DB = Path("data") / "kpi.duckdb"
ALIAS = "kpi"  # the name the file is attached under in its process's instance

_CONFIG = {
    # nothing may reach for the network (TRAPS.md 7)
    "autoinstall_known_extensions": "false",
    "autoload_known_extensions": "false",
}


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db, else $KPI_DB, else data/kpi.duckdb (CONTRACT.md §3)."""
    return Path(explicit or os.environ.get("KPI_DB") or DEFAULT_DB)


def lock_timeout(explicit: float | None = None) -> float:
    return float(os.environ.get("KPI_LOCK_TIMEOUT", "20")) if explicit is None else explicit


# ---------------------------------------------------------------- one file, one process


class _File:
    """The process's use of one database file: its instance, what is attached, who uses it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cond = threading.Condition()
        self.root: duckdb.DuckDBPyConnection | None = None
        self.mode: str | None = None  # None (not attached), "ro" or "rw"
        self.readers: dict[int, int] = {}  # thread → read slots it holds
        self.writer: int | None = None  # the thread holding the write lock
        self.depth = 0  # nested write holds of that thread
        self.waiting = 0  # writers waiting: new readers let them go first
        self.gate: int | None = None  # the writers' gate, held while waiting for and holding "rw"
        # the file's stamp (data_version) when its schema was last found current: the check is a
        # catalogue query, a tenth of a cold page's time when made on every connection (issue 16)
        self.schema_stamp: tuple[int, ...] | None = None

    # -- attach / detach (called with `cond` held)

    def _instance(self) -> duckdb.DuckDBPyConnection:
        if self.root is None:
            config = dict(_CONFIG, temp_directory=str(self.path) + ".tmp")
            self.root = duckdb.connect(":memory:", config=config)
        return self.root

    def attach(self, mode: str, deadline: float, *, create: bool = False) -> None:
        if self.mode == mode:
            return
        self.detach()
        writing = mode == "rw"
        if writing and create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        elif not self.path.exists():
            raise DatabaseMissing(str(self.path))
        if writing:
            self.gate = gate.enter(self.path, deadline)  # new readers now wait behind us
        else:
            gate.pass_through(self.path, deadline)  # behind a writer that waits or writes
        try:
            self._attach(writing, deadline)
        except BaseException:
            if writing:
                gate.leave(self.gate)
                self.gate = None
            raise
        self.mode = mode

    def _attach(self, writing: bool, deadline: float) -> None:
        options = "" if writing else " (READ_ONLY)"
        delay = 0.005
        while True:
            try:
                self._instance().execute(f"ATTACH $p AS {ALIAS}{options}", {"p": str(self.path)})
                return
            except duckdb.Error as exc:
                if not faults.is_lock_conflict(exc):
                    raise faults.explain(exc, str(self.path), writing=writing) or exc from exc
                if time.monotonic() > deadline:
                    raise DatabaseBusy(str(self.path)) from exc
                # both sides hold the lock briefly (a read, a commit): try again at short steps,
                # so that a reader starts within 50 ms of a commit's end
                time.sleep(delay)
                delay = min(delay * 2, 0.05)

    def detach(self) -> None:
        """Let go of the file (a read-write attachment checkpoints its log into the file first)."""
        if self.mode is None or self.root is None:
            self.mode = None
            return
        try:
            self.root.execute(f"DETACH {ALIAS}")
        except duckdb.Error:  # the commit is in the log whatever happened here; start afresh
            self.reset()
        self.mode = None
        gate.leave(self.gate)  # after the checkpoint: readers come in to a finished file
        self.gate = None

    def reset(self) -> None:
        """Close the instance (after a fault it may refuse further work); the next use makes one."""
        root, self.root, self.mode = self.root, None, None
        if root is not None:
            with contextlib.suppress(duckdb.Error):
                root.close()
        gate.leave(self.gate)
        self.gate = None

    # -- the in-process lock: readers share, a writer is alone. Each acquire returns what it
    # took ("read", or "write"/"nested" for the writer thread), to hand back to release().

    def _await(self, busy: Callable[[], bool], deadline: float) -> None:
        while busy():
            if not self.cond.wait(max(0.0, deadline - time.monotonic())) and busy():
                raise DatabaseBusy(str(self.path))

    def acquire_read(self, deadline: float) -> str:
        me = threading.get_ident()
        with self.cond:
            if self.writer == me:  # a read inside this thread's own write: it has the file
                self.depth += 1
                return "nested"
            self._await(
                lambda: self.writer is not None or bool(self.waiting and me not in self.readers), deadline
            )
            self.readers[me] = self.readers.get(me, 0) + 1
            try:
                if self.mode is None:
                    self.attach("ro", deadline)
            except BaseException:
                self.release("read")
                raise
            return "read"

    def acquire_write(self, deadline: float, *, create: bool = False) -> str:
        me = threading.get_ident()
        with self.cond:
            if self.writer == me:
                self.depth += 1
                return "nested"
            self.waiting += 1
            try:
                self._await(lambda: self.writer is not None or self._others(me) > 0, deadline)
            finally:
                self.waiting -= 1
            self.writer, self.depth = me, 1
            try:
                self.attach("rw", deadline, create=create)
            except BaseException:
                self.depth = 1
                self.release("write")
                raise
            return "write"

    def _others(self, me: int) -> int:
        return sum(n for t, n in self.readers.items() if t != me)

    def release(self, held: str) -> None:
        me = threading.get_ident()
        with self.cond:
            if held == "read":
                self.readers[me] -= 1
                if not self.readers[me]:
                    del self.readers[me]
                if not self.readers and self.writer is None:
                    self.detach()  # nobody reads: the file is free for other processes
            else:
                self.depth -= 1
                if self.depth:
                    return
                self.writer = None
                self.detach()
                if self.readers:  # this thread's own reads around the write go on read-only
                    try:
                        self.attach("ro", time.monotonic() + 2 * lock_timeout())
                    except Exception:
                        self.reset()
            self.cond.notify_all()


_files: dict[str, _File] = {}
_files_lock = threading.Lock()


def _file(path: Path) -> _File:
    key = str(path.resolve())
    with _files_lock:
        if key not in _files:
            _files[key] = _File(Path(key))
        return _files[key]


@dataclass
class _Use:
    """How an open connection uses its file: `kind` "read" (never writes), "deferred" (writes
    in transaction()) or "write" (holds the write lock throughout); `held` what it holds now."""

    file: _File
    kind: str
    held: str | None = None

    def hold(self, want: str | None, deadline: float) -> None:
        """Trade what is held for `want` ("read", "write" or None). What was held goes first:
        two threads upgrading at once must not wait for each other."""
        if self.held == want or (self.held == "nested" and want is not None):
            return  # "nested": inside this thread's own write, which serves reads and writes
        held, self.held = self.held, None
        if held is not None:
            self.file.release(held)
        if want is None:
            return
        try:
            self.held = (
                self.file.acquire_read(deadline) if want == "read" else self.file.acquire_write(deadline)
            )
        except BaseException:
            if held == "read" and want == "write":  # the connection goes on reading, as before
                with contextlib.suppress(Exception):
                    self.held = self.file.acquire_read(time.monotonic() + lock_timeout())
            raise


_uses: dict[int, _Use] = {}  # id of an open connection → how it uses its file


# ---------------------------------------------------------------- connections


@contextlib.contextmanager
def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    create: bool = True,
    write: bool = False,
    timeout: float | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that reads the file read-only and writes inside `transaction()` only, with
    the write lock held for that transaction alone. `create`: make (and migrate) the database
    where the file does not exist, else DatabaseMissing. `write`: hold the write lock for the
    whole block (plain SQL writes outside transaction(); migrations). The schema is brought to
    SCHEMA_VERSION on the way in. Faults of the file become DatabaseFault, DatabaseMissing or
    DatabaseBusy, with the person's words."""
    with _open(db_path(path), "write" if write else "deferred", create, lock_timeout(timeout)) as con:
        yield con


@contextlib.contextmanager
def read(
    path: str | os.PathLike[str] | None = None, *, timeout: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection: never creates the file (DatabaseMissing), never writes (a
    transaction() on it is a programming error); works on a read-only file or file system. A
    database of an older schema is migrated first where the file is writable, else
    DatabaseFault('outdated')."""
    with _open(db_path(path), "read", False, lock_timeout(timeout)) as con:
        yield con


@contextlib.contextmanager
def _open(p: Path, kind: str, create: bool, wait: float) -> Iterator[duckdb.DuckDBPyConnection]:
    if not create and not p.exists():
        raise DatabaseMissing(str(p))
    use = _Use(_file(p), kind)
    deadline = time.monotonic() + wait
    con: duckdb.DuckDBPyConnection | None = None
    try:
        if kind == "write" or not p.exists():
            use.held = use.file.acquire_write(deadline, create=create)
        else:
            if kind == "read":
                together.hold(use.file, deadline)
            use.hold("read", deadline)
        root = use.file.root
        assert root is not None
        con = root.cursor()
        _uses[id(con)] = use
        con.execute(f"USE {ALIAS}")
        # long updates at large scale drew progress bars on a user's terminal and in the app's log
        con.execute("SET enable_progress_bar = false")
        _bring_schema(con, use, deadline)
        use.hold("write" if kind == "write" else "read", deadline)  # made just now: go on reading
        yield con
    except duckdb.Error as exc:
        fault = faults.explain(exc, str(p), writing=use.file.mode == "rw")
        if fault is None:
            raise
        raise fault from exc
    finally:
        if con is not None:
            _uses.pop(id(con), None)
            with contextlib.suppress(duckdb.Error):
                con.close()
        use.hold(None, deadline)


def _bring_schema(con: duckdb.DuckDBPyConnection, use: _Use, deadline: float) -> None:
    """Check the schema (migrate where it is older), unless the file is unchanged since it was
    last found current: any write, a migration by a newer program or a file put in its place,
    changes the stamp, and while this connection holds the file no other process writes it."""
    stamp = data_version(use.file.path)
    if use.file.schema_stamp == stamp:
        return
    found = schema_version(con)
    if found > SCHEMA_VERSION:
        raise DatabaseFault("newer_schema", str(use.file.path), found=found, supported=SCHEMA_VERSION)
    if found == SCHEMA_VERSION:
        use.file.schema_stamp = stamp
        return
    try:
        use.hold("write", deadline)
    except DatabaseFault as fault:
        if fault.key != "db_read_only":
            raise
        raise DatabaseFault("outdated", str(use.file.path), found=found, supported=SCHEMA_VERSION) from fault
    if schema_version(con) < SCHEMA_VERSION:  # another process may have done it meanwhile
        migrate(con)


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
def transaction(con: duckdb.DuckDBPyConnection, *, timeout: float | None = None) -> Iterator[None]:
    """All or nothing: a failure (or a killed process) before COMMIT leaves no trace. On a
    connection from `connect()` this is where the write lock is taken (waiting up to
    KPI_LOCK_TIMEOUT for other processes' reads and commits) and given back after the commit;
    what the block reads sees every commit made before it began. A fault of the file (a full
    disk) is raised as itself, never as the failed ROLLBACK that follows it."""
    use = _uses.get(id(con))
    if use is not None and use.kind == "read":
        raise RuntimeError("a read-only connection (connection.read) cannot write")
    upgrade = use is not None and use.kind == "deferred"
    if upgrade:
        assert use is not None
        use.hold("write", time.monotonic() + lock_timeout(timeout))
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            yield
            _failpoint("before_commit")
            con.execute("COMMIT")
        except BaseException as exc:
            # a failed COMMIT has ended the transaction already: "cannot rollback" is no news
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            fault = faults.explain(exc, str(use.file.path), writing=True) if use is not None else None
            if fault is not None:
                raise fault from exc
            raise
    finally:
        if upgrade:
            assert use is not None
            use.hold("read", time.monotonic() + 2 * lock_timeout(timeout))


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


# ---------------------------------------------------------------- fault injection


def _failpoint(name: str) -> None:
    """Fault injection for the crash tests: KPI_FAILPOINT=NAME pauses here so a test can kill us."""
    if os.environ.get("KPI_FAILPOINT") == name:
        print(f"KPI_FAILPOINT {name}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get("KPI_FAILPOINT_SLEEP", "60")))
