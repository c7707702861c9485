"""No exception text reaches a user from an ingest.

Every check of a file reports what it finds as issues with a line, a column and a reason. A
failure no check foresaw (a bug, or an input that trips a library: an ArrowInvalid, a DuckDB
ConversionException) must not reach the user as its exception text either: `guarded` turns it
into one INTERNAL_ERROR issue, "文件未入库", with a reference number, and writes the full trace
to the `kpi` logger under that number (the command line sends it to its log file, the app to the
server's log). The file is rejected like any bad file: nothing stored (a failure inside the
write's transaction rolls it back), exit code 2.

Failures of the system rather than of the file are not caught here: an expected KpiError
(database busy, not allowed), a full disk, memory, a database file that cannot be read. They
go on to the caller, which names them (exit code 1).
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import duckdb

from kpi.ingest.report import Report
from kpi.ingest.result import Checked, IngestResult
from kpi.model.errors import KpiError

log = logging.getLogger("kpi.ingest")

# Not the file's doing: these go on to the caller
SYSTEM_FAILURES: tuple[type[BaseException], ...] = (
    KpiError,
    OSError,
    MemoryError,
    duckdb.IOException,
    duckdb.OutOfMemoryException,
    duckdb.FatalException,
    duckdb.ConnectionException,
    duckdb.TransactionException,
    duckdb.PermissionException,
    duckdb.InterruptException,
)

FAILPOINT = "ingest_error"  # KPI_FAILPOINT=ingest_error: `failpoint` raises (for the tests)

P = ParamSpec("P")
R = TypeVar("R", Checked, IngestResult)


def guarded(kind: type[R]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a check (`kind` Checked) or an ingest (`kind` IngestResult) taking
    `(con, data, file_name, ...)`: an unexpected failure becomes a rejection of the file (an
    INTERNAL_ERROR issue), its trace logged under a reference."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except SYSTEM_FAILURES:
                raise
            except Exception:
                file_name = str(kwargs.get("file_name", args[2] if len(args) > 2 else ""))
                report = rejected(file_name, fn.__qualname__)
                return kind(report, None)  # Checked: no rows; IngestResult: no upload

        return wrapper

    return wrap


def rejected(file_name: str, where: str) -> Report:
    """Log the exception being handled under a new reference; the report that rejects the file."""
    ref = secrets.token_hex(4)
    log.error("ingest of %r failed unexpectedly in %s [ref %s]", file_name, where, ref, exc_info=True)
    report = Report(file_name)
    report.error("INTERNAL_ERROR", None, None, ref=ref)
    return report


def failpoint() -> None:
    """Fault injection for the tests: with KPI_FAILPOINT=ingest_error an ingest fails here with an
    error no check foresaw (its text must never reach the user)."""
    if os.environ.get("KPI_FAILPOINT") == FAILPOINT:
        raise RuntimeError("ArrowInvalid: injected failure (KPI_FAILPOINT=ingest_error)")
