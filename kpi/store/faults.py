"""DuckDB's errors about the database file, in the person's words (kpi.model.errors).

DuckDB says what went wrong in English, with the operating system's text inside ("Could not
write file …: No space left on device"); that text is stable across releases and locales
(DuckDB formats strerror itself), so the cause is recognised from it. An error that is not
about the file (a bug, a bad statement) is not translated: it goes on as it is.
"""

from __future__ import annotations

import logging

import duckdb

from kpi.model.errors import DatabaseFault, DatabaseMissing, KpiError

log = logging.getLogger("kpi.store")

# (words in DuckDB's message, the kind of fault, its cause); the first match wins
_WRITE_CAUSES = (
    ("read-only file system", "read_only", "cause_read_only_fs"),
    ("permission denied", "read_only", "cause_no_write_permission"),
    ("operation not permitted", "read_only", "cause_no_write_permission"),
)
_READ_CAUSES = (("permission denied", "no_access", None), ("operation not permitted", "no_access", None))
_IO_CAUSES = (
    ("input/output error", "cause_io"),
    ("too many open files", "cause_too_many_files"),
)


def is_lock_conflict(exc: BaseException) -> bool:
    """Another process holds the file (DuckDB: "Could not set lock on file …")."""
    return isinstance(exc, duckdb.Error) and "could not set lock" in str(exc).lower()


def explain(exc: BaseException, db: str, *, writing: bool) -> KpiError | None:
    """The fault behind a DuckDB error about the file at `db`, or None when the error is not
    about the file. `writing`: the error came while the file was opened or used for writing
    (a permission error then means "read-only here", not "cannot read")."""
    if isinstance(exc, KpiError) or not isinstance(exc, duckdb.Error):
        return None
    text = str(exc).lower()
    fault: KpiError | None = None
    if "no space left on device" in text or "disk quota exceeded" in text:
        fault = DatabaseFault("disk_full", db)
    elif "database does not exist" in text:
        fault = DatabaseMissing(db)
    elif "not a valid duckdb database file" in text:
        fault = DatabaseFault("not_duckdb", db)
    elif "newer version of duckdb" in text or "storage version" in text:
        fault = DatabaseFault("newer_format", db, version=duckdb.__version__)
    elif "corrupt database file" in text or "checksum" in text:
        fault = DatabaseFault("corrupt", db)
    else:
        for words, kind, cause in _WRITE_CAUSES if writing else _READ_CAUSES:
            if words in text:
                fault = DatabaseFault(kind, db, cause)
                break
        else:
            if isinstance(exc, duckdb.IOException):
                cause = next((c for words, c in _IO_CAUSES if words in text), "cause_other")
                fault = DatabaseFault("io", db, cause)
    if fault is not None:  # the operator finds the original in the log (never on the user's screen)
        log.info("database %s: %s: %s", db, type(exc).__name__, exc)
    return fault
