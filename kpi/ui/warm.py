"""Warm the caches when the data change, in the process that serves (issue 16).

Cached reads are keyed on the database file's stamp (kpi.ui.data), so after any write the first
person to open a page paid for every read of it (1.7–3.6 s at country scale). Here the serving
process remembers the reads its pages made lately (name, arguments, scope: `note`, called by
kpi.ui.scope.read) and a background thread watches the stamp of each database they came from;
once a stamp has changed and the writer has let go of the file (a `kpi ingest` holds it until it
exits, and its last checkpoint changes the stamp again), it makes those reads again under the
stamp the pages will see (`refresh`), in the order they were made, so they are in the cache
before anyone asks (a page asking meanwhile waits for the read under way, Streamlit's per-key
lock, instead of making it twice). Where the latest period moved (a new quarter came in), the reads of the old latest
period are made for the new one as well: the pages open on the latest period.

Only in a served app: AppTest runs pages on a stand-in runtime, where a thread outliving the test
would read other tests' files. Reads that fail (a file gone, a database busy) are left for the
page to make, as before.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any

from kpi.store import connection
from kpi.ui.data import cached_read

log = logging.getLogger("kpi.ui.warm")

Key = tuple[str, tuple[Any, ...], Hashable]  # (reader name, arguments, scope) of kpi.ui.data
KEEP = 256  # reads remembered per database
FRESH_S = 30 * 60  # a read not made for this long is not warmed (a session's idle limit)
POLL_S = 0.1
OPEN_WAIT_S = 60.0  # how long to wait for a writer in another process to let go of the file

YIELD_S = 2.0  # how long a read waits for the pages running now, at most (then it goes ahead)

_lock = threading.Lock()
# database path → read → (when last made (monotonic), how many times it was made)
_recent: dict[str, dict[Key, tuple[float, int]]] = {}
_thread: threading.Thread | None = None
_running = 0  # page runs under way in this process (kpi.ui.layout.guarded)
_idle = threading.Condition(_lock)


@contextlib.contextmanager
def page_run() -> Iterator[None]:
    """Around a page's run: while one runs, the warmer waits (up to YIELD_S a read), so that a
    page opened just after a change computes what it needs at full speed instead of sharing the
    CPU with the warming of every other page's reads; what the page reads is then cached and the
    warmer finds it there."""
    global _running
    with _lock:
        _running += 1
    try:
        with connection.reads_together():  # a cold page's reads share one attachment of the file
            yield
    finally:
        with _lock:
            _running -= 1
            if not _running:
                _idle.notify_all()


def _wait_for_pages() -> None:
    deadline = time.monotonic() + YIELD_S
    with _lock:
        while _running and (left := deadline - time.monotonic()) > 0:
            _idle.wait(left)


def cached(
    version: tuple[str, int, int],
    name: str,
    args: tuple[Any, ...],
    scope: Hashable = None,
    as_of: Any = None,
) -> Any:
    """A cached read (kpi.ui.data.cached_read) that the warmer remembers, to make again when the
    data change, when it is of the data as they are now (`as_of` None). Every read a page makes
    goes through here, and the warmer makes its reads with the same arguments, so what it makes is
    the very cache entry the page asks for next (a read under another key warms nobody)."""
    if as_of is None:
        note(version, name, args, scope)
    return cached_read(version, name, args, scope, as_of)  # type: ignore[arg-type]


def note(version: tuple[Any, ...], name: str, args: tuple[Any, ...], scope: Hashable) -> None:
    """A page made this read under `version` (path first): remember it, and make sure the thread
    that watches the database runs."""
    path = str(version[0])
    key = (name, args, scope)
    with _lock:
        reads = _recent.setdefault(path, {})
        reads[key] = (time.monotonic(), reads.get(key, (0.0, 0))[1] + 1)
        if len(reads) > KEEP:  # forget the oldest
            for old in sorted(reads, key=lambda k: reads[k][0])[: len(reads) - KEEP]:
                del reads[old]
    _start()


def _start() -> None:
    global _thread
    if _thread is not None and _thread.is_alive():
        return
    if not _serving():
        return
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_watch, name="kpi-cache-warmer", daemon=True)
            _thread.start()


def _serving() -> bool:
    """True in a `streamlit run` server (AppTest's runtime is a stand-in of another type)."""
    from streamlit import runtime
    from streamlit.runtime import Runtime

    return runtime.exists() and type(Runtime.instance()) is Runtime


def stamp(path: str) -> tuple[str, int, int]:
    """The version kpi.ui.data keys its reads on, for one database path."""
    return (path, *connection.data_version(path))  # type: ignore[return-value]


def _watch() -> None:
    seen: dict[str, tuple[str, int, int]] = {}
    while True:
        time.sleep(POLL_S)
        with _lock:
            paths = list(_recent)
        for path in paths:
            now = stamp(path)
            before = seen.setdefault(path, now)
            if now == before:
                continue
            if not Path(path).exists():
                with _lock:
                    _recent.pop(path, None)
                seen.pop(path, None)
                continue
            if not _wait_for_writer(path):
                continue  # still held: look again at the next poll
            current = stamp(path)
            try:
                refresh(current, before)
            except Exception:  # never let the thread die: the pages read for themselves
                log.exception("warming the caches failed")
            seen[path] = stamp(path)


def _wait_for_writer(path: str) -> bool:
    """Wait until the database can be opened (another process's writer has exited); False after
    OPEN_WAIT_S."""
    deadline = time.monotonic() + OPEN_WAIT_S
    while True:
        try:
            with connection.read(path, timeout=0):
                return True
        except Exception:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def refresh(version: tuple[str, int, int], before: tuple[str, int, int] | None = None) -> list[Key]:
    """Make the recent reads of `version`'s database under `version`: the reads made most often
    first (the Overview, where everyone lands, before a page opened once), those made equally
    often in the order they were last made (a page's own order); with the stamp `before` the
    change, first the reads of the old latest period for the new one. Each read waits for the
    pages running now (page_run). Returns the reads made (those that failed are left out)."""
    path = version[0]
    horizon = time.monotonic() - FRESH_S
    with _lock:
        recent = dict(_recent.get(path, {}))
    reads = sorted(
        (k for k, (at, _) in recent.items() if at >= horizon), key=lambda k: (-recent[k][1], recent[k][0])
    )
    reads = [*_moved(reads, version, before), *reads]
    made = []
    # the reads share one attachment of the file (connection.reads_together), let go of while
    # the warmer waits for a page, so that the file is never kept attached by a thread at rest
    together, held = contextlib.ExitStack(), False
    with together:
        for name, args, scope in dict.fromkeys(reads):  # once each, in order
            if _pages_running():
                together.close()
                held = False
                _wait_for_pages()
            if not held:
                together.enter_context(connection.reads_together())
                held = True
            try:
                cached_read(version, name, args, scope, None)
            except Exception as exc:  # a file gone, a database busy: the page will read for itself
                log.debug("not warmed: %s %s: %s", name, args, exc)
                continue
            made.append((name, args, scope))
    return made


def _pages_running() -> bool:
    with _lock:
        return _running > 0


def _moved(reads: list[Key], version: tuple[str, int, int], before: tuple[str, int, int] | None) -> list[Key]:
    """The reads of the old latest period asked again for the new latest period."""
    if before is None:
        return []
    try:
        old, new = _latest(before), _latest(version)
    except Exception:
        return []
    if old is None or new is None or old == new:
        return []
    return [(n, tuple(new if a == old else a for a in args), s) for n, args, s in reads if old in args]


def _latest(version: tuple[str, int, int]) -> str | None:
    periods = cached_read(version, "periods", (), None, None)
    return periods[-1] if len(periods) else None
