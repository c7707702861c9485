"""Where the command line's traces go: a log file, never the user's terminal.

The terminal (stderr) is what the person running `kpi` reads, so it gets plain messages only.
The full trace of an unexpected failure goes to the `kpi` logger, which the command line writes
to a file: `$KPI_LOG`, else `kpi.log` beside the database (`data/kpi.log`). The file is made
only when there is something to write; when it cannot be written (a read-only folder) the trace
is dropped rather than shown. `--debug` (or KPI_DEBUG=1) also prints it to stderr.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


class _QuietFileHandler(logging.FileHandler):
    """A file handler that never prints a "--- Logging error ---" to the terminal."""

    def handleError(self, record: logging.LogRecord) -> None:
        return

    def emit(self, record: logging.LogRecord) -> None:
        # FileHandler opens a delayed file outside the try that routes errors to handleError: on a
        # read-only folder the open itself would raise into the command
        try:
            super().emit(record)
        except OSError:
            return


def log_path(db: Path) -> Path:
    """$KPI_LOG, else kpi.log beside the database file."""
    return Path(os.environ.get("KPI_LOG") or db.with_name("kpi.log"))


def setup(db: Path, debug: bool) -> Path:
    """Send the `kpi` logger to the log file (and to stderr when `debug`); returns the file."""
    path = log_path(db)
    logger = logging.getLogger("kpi")
    for handler in list(logger.handlers):  # main() may run more than once in a process (tests)
        logger.removeHandler(handler)
        handler.close()
    file_handler = _QuietFileHandler(path, encoding="utf-8", delay=True)
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(file_handler)
    if debug:
        logger.addHandler(logging.StreamHandler(sys.stderr))
    logger.setLevel(logging.INFO)
    logger.propagate = False  # never Python's last-resort handler, which writes to stderr
    return path
