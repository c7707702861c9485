"""What a status keeps between calls: the reference snapshot and the per-file state, and
how to tell they still hold."""

from __future__ import annotations

import math
import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from kpi.model import roles
from kpi.model.definitions import ALL_CLUSTER, TargetKind
from kpi.model.errors import UnknownScope
from kpi.platforms import register
from kpi.progress.compute import Target
from kpi.store import connection, queries, vintages
from kpi.store.reference import cluster_lookup, fold, region_lookup
from kpi.store.reference import clusters as cluster_table
from kpi.store.reference import targets as target_table
from kpi.store.reference import units as reference_units


def load_targets(con: duckdb.DuckDBPyConnection) -> dict[str, Target]:
    out = {}
    for r in target_table(con).to_dict("records"):
        out[r["indicator"]] = Target(
            indicator=r["indicator"],
            kind=TargetKind(r["kind"]),
            value=float(r["value"]),
            comparator=r["comparator"],
            deadline=pd.Timestamp(r["deadline"]).date(),
            plan_start=pd.Timestamp(r["plan_start"]).date(),
            band_pp=as_float(r["band_pp"]),
            green_pp=as_float(r["green_pp"]),
            amber_pp=as_float(r["amber_pp"]),
            source=r["source"] or "",
            note=r["note"] or "",
            glide_green_pp=as_float(r.get("glide_green_pp")),
            glide_amber_pp=as_float(r.get("glide_amber_pp")),
            baseline_year=None if as_float(r.get("baseline_year")) is None else int(r["baseline_year"]),
        )
    return out


def hosted_clusters(con: duckdb.DuckDBPyConnection, state: State, region: str) -> list[str]:
    """The clusters a region hosts (queries.region_clusters), kept with the state when read at
    its stamp (or, for a state of this connection alone, as it stands)."""
    found = state.hosted.get(region)
    if found is None:
        found = queries.region_clusters(con, region)
        path = _database_file(con)
        if state.stamp is None or (path is not None and _file_stamp(path) == state.stamp):
            state.hosted[region] = found
    return found


def cluster_hosts(con: duckdb.DuckDBPyConnection, state: State, cluster: str) -> list[str]:
    """The units whose rows make a cluster's city figure (queries.cluster_hosts), kept with the
    state as `hosted_clusters` keeps its answer."""
    found = state.hosts.get(cluster)
    if found is None:
        found = queries.cluster_hosts(con, cluster)
        path = _database_file(con)
        if state.stamp is None or (path is not None and _file_stamp(path) == state.stamp):
            state.hosts[cluster] = found
    return found


# ---------------------------------------------------------------- what a status keeps between calls


@dataclass(frozen=True)
class Reference:
    """What a status reads besides the statistics, as of one REFERENCE_FINGERPRINT: built by the
    same functions that read them uncached (kpi.store.reference, load_targets, kpi.platforms.register), so the
    answers are the same; never changed once built (shared between connections and threads)."""

    fingerprint: str
    regions: Mapping[str, str]  # folded name → region code (reference.region_lookup)
    clusters: Mapping[str, str]  # folded name → cluster code (reference.cluster_lookup)
    units: tuple[str, ...]  # the reporting units, in their order (reference.units)
    unit_names_zh: Mapping[str, str]  # unit code → short name, English name (for sentences)
    unit_names_en: Mapping[str, str]
    taxonomy: tuple[str, ...]  # cluster codes in the taxonomy's order
    names_zh: Mapping[str, Any]
    names_en: Mapping[str, Any]
    targets: Mapping[str, Target]
    platforms: tuple[Mapping[str, Any], ...]  # the register's records (register.current_register)


@dataclass(frozen=True)
class State:
    """What one connection saw of the data besides the statistics (queries.status_state), and
    how to tell it still holds (_current): the database file's stamp when it was read (None
    when read inside a transaction, or in memory) and the newest audit event's id."""

    stamp: tuple[int, ...] | None
    version: int | None
    latest: str | None  # the latest period with data
    demo: frozenset[int]  # the demo uploads
    ref: Reference
    hosted: dict[str, list[str]] = field(default_factory=dict)  # region → the clusters it hosts
    latest_complete: str | None = None  # the latest quarter every unit (or the city row) reported
    hosts: dict[str, list[str]] = field(default_factory=dict)  # cluster → the units with its rows


_CACHE_SIZE = 8
_references: OrderedDict[str, Reference] = OrderedDict()  # by REFERENCE_FINGERPRINT
# states read in autocommit, by (database file, its stamp then): any connection may use them
_shared: OrderedDict[tuple[str, tuple[int, ...]], State] = OrderedDict()
# states read inside a transaction, or of an in-memory database: that connection only
_local: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, State] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _load_reference(con: duckdb.DuckDBPyConnection, fingerprint: str) -> Reference:
    taxonomy = cluster_table(con)
    units = reference_units(con)
    return Reference(
        fingerprint=fingerprint,
        regions=region_lookup(con),
        clusters=cluster_lookup(con),
        units=tuple(units["code"]),
        unit_names_zh=dict(zip(units["code"], units["short_name"].fillna(units["name"]), strict=True)),
        unit_names_en=dict(zip(units["code"], units["name_en"].fillna(units["name"]), strict=True)),
        taxonomy=tuple(taxonomy["code"]),
        names_zh=dict(zip(taxonomy["code"], taxonomy["name"], strict=True)),
        names_en=dict(zip(taxonomy["code"], taxonomy["name_en"], strict=True)),
        targets=load_targets(con),
        platforms=tuple(register.current_register(con).to_dict("records")),
    )


def _reference(con: duckdb.DuckDBPyConnection, fingerprint: str | None = None) -> Reference:
    """The snapshot for the database as `con` sees it now (`fingerprint`: as just read).

    Built when no cached one has that fingerprint; cached only when the fingerprint is the same
    before and after reading the tables (no write came in between)."""
    fingerprint = fingerprint or queries.reference_fingerprint(con)
    with _lock:
        ref = _references.get(fingerprint)
        if ref is not None:
            _references.move_to_end(fingerprint)
    if ref is None:
        ref = _load_reference(con, fingerprint)
        if queries.reference_fingerprint(con) == fingerprint:
            with _lock:
                _references[fingerprint] = ref
                while len(_references) > _CACHE_SIZE:
                    _references.popitem(last=False)
    return ref


def kept_state(con: duckdb.DuckDBPyConnection) -> State | None:
    """The state kept for the database file as it is now (any connection read it), else the one
    this connection read inside a transaction or in memory; None when there is none."""
    path = _database_file(con)
    if path is not None:
        key = (path, _file_stamp(path))
        with _lock:
            state = _shared.get(key)
            if state is not None:
                _shared.move_to_end(key)
                return state
    with _lock:
        return _local.get(con)


def read_state(con: duckdb.DuckDBPyConnection) -> State:
    """Read what a status keeps (one statement, queries.status_state) with the reference snapshot
    for its fingerprint. Kept for every connection under the file's stamp when read in autocommit
    and the stamp was the same before and after; else for this connection alone, unstamped."""
    path = _database_file(con)
    stamp = _file_stamp(path) if path else None
    called = now_us()
    started, version, latest, fingerprint, demo, complete = queries.status_state(con)
    ref = _reference(con, fingerprint)
    if path is not None and started >= called and _file_stamp(path) == stamp:
        assert stamp is not None
        state = State(stamp, version, latest, frozenset(demo), ref, latest_complete=complete)
        with _lock:
            _shared[(path, stamp)] = state
            while len(_shared) > 2 * _CACHE_SIZE:
                _shared.popitem(last=False)
    else:  # inside the caller's transaction its changes are not on file yet; or in memory
        state = State(None, version, latest, frozenset(demo), ref, latest_complete=complete)
        with _lock:
            _local[con] = state
    return state


def is_current(con: duckdb.DuckDBPyConnection, state: State, started: int | None, called: int) -> bool:
    """Whether `state` still describes the data a statement that began its transaction at
    `started` (µs; None when it returned no row) just read, `called` being when it was sent.

    In autocommit the statement saw the committed data, and every commit (from any connection;
    no other process writes while a connection is open) is written to the database file or its
    WAL before others see it: the file's stamp tells (as the app's cache keys, store.data_version).
    Inside a transaction the caller began, its own uncommitted changes are not on file yet: every
    change through kpi records an audit event in its transaction, so the newest event's id tells.
    """
    path = _database_file(con)
    if path is not None and started is not None and started >= called:
        return state.stamp is not None and _file_stamp(path) == state.stamp
    if queries.data_version(con) != state.version:
        return False
    return state.stamp is None or path is None or _file_stamp(path) == state.stamp


_files: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str | None] = weakref.WeakKeyDictionary()


def _database_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """The connection's database file (looked up once per connection); None in memory, and
    for a connection that sees a past moment (kpi.store.vintages): what it reads is its own."""
    if vintages.moment(con) is not None:
        return None
    with _lock:
        if con in _files:
            return _files[con]
    path = queries.database_file(con)
    found = None if not path or path == ":memory:" else os.path.abspath(path)
    with _lock:
        _files[con] = found
    return found


def _file_stamp(path: str) -> tuple[int, ...]:
    """Modification time, size and inode of the database file and of its write-ahead log."""
    return connection.data_version(path)


_macros: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = weakref.WeakKeyDictionary()


def has_macros(con: duckdb.DuckDBPyConnection) -> bool | None:
    """Whether the status statements' macros (queries.create_status_macros) exist on `con`;
    None before they were tried."""
    with _lock:
        return _macros.get(con)


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the macros once per connection, outside any transaction of the caller; where they
    cannot be made, the statements are sent whole."""
    try:
        queries.create_status_macros(con)
        made = True
    except duckdb.Error:
        made = False
    with _lock:
        _macros[con] = made


def now_us() -> int:
    return time.time_ns() // 1000


def resolve_scope(
    con: duckdb.DuckDBPyConnection,
    ref: Reference | None,
    viewer: roles.Viewer | None,
    region: str | None,
    cluster: str | None,
) -> tuple[Reference | None, str | None, str]:
    """(snapshot, region code, cluster code) of a scope the viewer may see, as _authorized_region
    and resolve_cluster answer. Names are looked up in the snapshot `ref`; a name it does not
    know, or a scope it makes Forbidden, is checked again against a fresh snapshot first."""
    if region is None or str(region).strip() == "":
        roles.authorize_scope(viewer, None, cluster)  # before anything is read, as for the city
        if cluster is None:
            return ref, None, ALL_CLUSTER
    if ref is None:
        ref = _reference(con)
    try:
        return ref, *_lookup_scope(ref, viewer, region, cluster)
    except (UnknownScope, roles.Forbidden):
        fresh = _reference(con)
        if fresh.fingerprint == ref.fingerprint:
            raise
        return fresh, *_lookup_scope(fresh, viewer, region, cluster)


def _lookup_scope(
    ref: Reference, viewer: roles.Viewer | None, region: str | None, cluster: str | None
) -> tuple[str | None, str]:
    code: str | None = None
    if not (region is None or str(region).strip() == ""):
        code = ref.regions.get(fold(region))
        if code is None:
            raise UnknownScope("region", str(region))
    roles.authorize_scope(viewer, code, cluster)
    if cluster is None:
        return code, ALL_CLUSTER
    found = ref.clusters.get(fold(cluster))
    if found is None:
        raise UnknownScope("cluster", str(cluster))
    return code, found


def as_float(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return float(v)
