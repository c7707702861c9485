"""Reads held together (kpi.store.connection.reads_together): one attachment of the file for
a page run's reads, let go of when a writer waits. `file` is connection's per-process record of
one database file (its _File: acquire_read, release, waiting, path)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from kpi.store import gate

_together = threading.local()  # .held: file → what this thread's hold took (None: no block)


@contextlib.contextmanager
def reads_together() -> Iterator[None]:
    """Within the block, the file stays attached between this thread's reads: the first read
    attaches it, the block's end lets go. A page that reads a dozen times after a change paid an
    attachment and a detachment for each (about 2 ms, and DuckDB's buffers emptied each time;
    issue 16). Only reads are held this way, and only while no writer waits: a writer of this
    process (file.waiting) or of another (the writers' gate) is seen at the next read, and the
    hold then lets go so that the writer comes in as it would between single reads; a writer
    that starts waiting after the block's last read waits for the block's end (a page run: tens
    of milliseconds where the page only shows; its downloads are made after the run, outside
    the block). Nested blocks are one block. The block adds nothing where it makes no read (a
    page whose reads are all cached never attaches)."""
    if getattr(_together, "held", None) is not None:
        yield
        return
    _together.held = {}
    try:
        yield
    finally:
        held, _together.held = _together.held, None
        for file, took in held.items():
            with contextlib.suppress(Exception):
                file.release(took)


def hold(file: Any, deadline: float) -> None:
    """In a reads_together block: keep `file` attached for the block, or let go where a writer waits."""
    held: dict[Any, str] | None = getattr(_together, "held", None)
    if held is None:
        return
    waiting = file.waiting > 0 or gate.writer_waiting(file.path)
    if file in held:
        if waiting:
            file.release(held.pop(file))
        return
    if not waiting:
        held[file] = file.acquire_read(deadline)
