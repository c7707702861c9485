"""The KPI engine: for a scope (city, region, cluster, region × cluster) and a period, the six
indicators with target, gap, same-period change and status, as in CONTRACT.md §3.

SQL gives the sums (kpi.queries); the arithmetic is pure (kpi.compute). The city takes its own
total row where one was uploaded (per indicator, where it reports both parts of the ratio), else
the sum of the nine units.

kpi_status reads the statistics with one statement per call; what it needs besides them (names,
units, taxonomy, targets, the register, the latest period, the demo uploads) is read once and
kept for as long as the database file is unchanged (see "what a status keeps between calls").
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from kpi import access, compute, progress_entry, queries, register, store
from kpi.compute import Target
from kpi.definitions import ALL_CLUSTER, CITY_CODE, LEVEL, RATIOS, Status, TargetKind, indicator_label
from kpi.errors import UnknownScope
from kpi.periods import Period, from_code, parse_period
from kpi.platforms import current_platforms  # noqa: F401 - kpi.ui reads engine.current_platforms
from kpi.reference import cluster_lookup, fold, region_lookup, resolve_cluster, resolve_region
from kpi.reference import clusters as cluster_table
from kpi.reference import targets as target_table
from kpi.reference import units as reference_units


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
            band_pp=_num(r["band_pp"]),
            green_pp=_num(r["green_pp"]),
            amber_pp=_num(r["amber_pp"]),
            source=r["source"] or "",
            note=r["note"] or "",
            glide_green_pp=_num(r.get("glide_green_pp")),
            glide_amber_pp=_num(r.get("glide_amber_pp")),
            baseline_year=None if _num(r.get("baseline_year")) is None else int(r["baseline_year"]),
        )
    return out


def _num(v: Any) -> float | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    return float(v)


def pick_scope_sums(frame: pd.DataFrame, code: str) -> dict[str, dict[str, Any]]:
    """Per period: numerator, denominator, basis and units reporting for one ratio.

    `frame` is queries.sums() for one scope: parts 'city'/'units', or a single region code.
    """
    return _pick(_by_period(frame.to_dict("records")), code)


def _by_period(records: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Rows of queries.sums() as {period: {part: row}}: plain dicts, not groupby + iterrows, since
    this runs for every ratio, scope and unit of a page (2,800 units × 3 ratios at country scale)."""
    by_period: dict[str, dict[str, dict[str, Any]]] = {}
    for row in records:
        by_period.setdefault(str(row["period"]), {})[str(row["part"])] = row
    return by_period


def _pick(by_period: dict[str, dict[str, dict[str, Any]]], code: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    k_num, k_den, k_n = f"{code}_num", f"{code}_den", f"{code}_n"
    for period in sorted(by_period):
        parts = by_period[period]
        city = parts.get("city")
        if city is not None and (city[k_n] or 0) > 0:
            chosen, basis, n = city, "city_total_row", 1
        elif "units" in parts:
            chosen, basis, n = parts["units"], "sum_of_units", int(parts["units"][k_n] or 0)
        elif len(parts) == 1 and city is None:
            chosen = next(iter(parts.values()))
            basis, n = "region_rows", int(chosen[k_n] or 0)
        else:
            continue
        if n == 0:
            continue
        out[str(period)] = {
            "numerator": _num(chosen[k_num]),
            "denominator": _num(chosen[k_den]),
            "basis": basis,
            "units_reporting": n,
            "demo": bool(chosen["demo"]),
            "uploads": [int(u) for u in chosen["uploads"]],
        }
    return out


def _pick_fast(by_period: dict[str, dict[str, dict[str, Any]]], code: str) -> dict[str, dict[str, Any]]:
    """_pick for rows read by fetchall (floats or None, never pandas' NA): the same choice and
    the same values, without the DataFrame conversions."""
    out: dict[str, dict[str, Any]] = {}
    k_num, k_den, k_n = f"{code}_num", f"{code}_den", f"{code}_n"
    for period in sorted(by_period):
        parts = by_period[period]
        city = parts.get("city")
        if city is not None and city[k_n]:
            chosen, basis, n = city, "city_total_row", 1
        elif "units" in parts:
            chosen, basis, n = parts["units"], "sum_of_units", parts["units"][k_n]
        elif len(parts) == 1 and city is None:
            chosen = next(iter(parts.values()))
            basis, n = "region_rows", chosen[k_n]
        else:
            continue
        if not n:
            continue
        num, den = chosen[k_num], chosen[k_den]
        out[period] = {
            "numerator": None if num is None or num != num else float(num),
            "denominator": None if den is None or den != den else float(den),
            "basis": basis,
            "units_reporting": n,
            "demo": chosen["demo"],
            "uploads": list(chosen["uploads"]),
        }
    return out


def ratio_entry(
    target: Target, now: dict[str, Any] | None, before: dict[str, Any] | None, lang: str
) -> dict[str, Any]:
    value = compute.ratio(now["numerator"], now["denominator"]) if now else None
    previous = compute.ratio(before["numerator"], before["denominator"]) if before else None
    gap = None if value is None else target.value - value
    return {
        "label": indicator_label(target.indicator, lang),
        "value": value,
        "numerator": now["numerator"] if now else None,
        "denominator": now["denominator"] if now else None,
        "unit": "fraction",
        "money_unit": "万元",
        "target": target.value,
        "target_kind": target.kind.value,
        "comparator": target.comparator,
        "band_pp": target.band_pp,
        "deadline": target.deadline.isoformat(),
        "source": target.source,
        "gap": gap,
        "gap_pp": None if gap is None else gap * 100,
        "shortfall_pp": compute.shortfall_pp(value, target),
        "previous_value": previous,
        "change_pp": compute.change_pp(value, previous),
        "status": compute.ratio_status(value, target).value,
        "status_rule": compute.ratio_rule(target, lang),
        "basis": now["basis"] if now else None,
        "units_reporting": now["units_reporting"] if now else 0,
        "uploads": now["uploads"] if now else [],
    }


def platform_entries(
    con: duckdb.DuckDBPyConnection,
    targets: dict[str, Target],
    region: str | None,
    cluster: str,
    as_of: dt.date,
    lang: str,
) -> dict[str, dict[str, Any]]:
    """Coverage and the provincial and national counts for a scope on `as_of` (read from `con`)."""
    taxonomy = cluster_table(con)
    universe = queries.region_clusters(con, region) if region is not None and cluster == ALL_CLUSTER else None
    return _platform_entries(
        register.current_register(con, region).to_dict("records"),
        list(taxonomy["code"]),
        dict(zip(taxonomy["code"], taxonomy["name" if lang == "zh" else "name_en"], strict=True)),
        universe,
        targets,
        region,
        cluster,
        as_of,
        lang,
    )


def _platform_entries(
    register_rows: Sequence[Mapping[str, Any]],
    taxonomy: Sequence[str],
    names: Mapping[str, Any],
    region_universe: list[str] | None,
    targets: Mapping[str, Target],
    region: str | None,
    cluster: str,
    as_of: dt.date,
    lang: str,
) -> dict[str, dict[str, Any]]:
    """platform_entries on plain rows: `register_rows` are the register's records (kpi.register,
    already restricted to `region`), `region_universe` the clusters the region hosts (a region
    with all industry only). Each platform counts at the level it held on `as_of`."""
    # (levels, clusters) of the platforms that count on as_of (register.standing_on's rule)
    plats = [(lv, row["clusters"]) for row in register_rows if (lv := register.counts_on(row, as_of))]
    city_scope = region is None and cluster == ALL_CLUSTER
    if cluster != ALL_CLUSTER:
        universe = [cluster]
    elif region is None:
        universe = list(taxonomy)
    else:
        universe = list(region_universe or [])
    served = {c for _, cs in plats for c in cs}
    covered = [c for c in universe if c in served]
    uncovered = [c for c in universe if c not in served]
    cov_target = targets["cluster_coverage"]
    elapsed = compute.elapsed_fraction(as_of, cov_target.plan_start, cov_target.deadline)
    cov_value = len(covered) / len(universe) if universe else None
    if cluster != ALL_CLUSTER:
        plats = [(lv, cs) for lv, cs in plats if cluster in cs]
    ranks = [LEVEL[lv].rank for lv, _ in plats]
    out: dict[str, dict[str, Any]] = {
        "cluster_coverage": {
            "label": indicator_label("cluster_coverage", lang),
            "value": cov_value,
            "covered": len(covered),
            "total": len(universe),
            "uncovered": uncovered,
            "uncovered_names": [names.get(c, c) for c in uncovered],
            "target": cov_target.value,
            "target_kind": cov_target.kind.value,
            "deadline": cov_target.deadline.isoformat(),
            "source": cov_target.source,
            "elapsed": elapsed,
            "status": compute.count_status(cov_value, cov_target.value, elapsed).value,
            "status_rule": compute.count_rule(lang),
        }
    }
    for code, min_level in (("provincial_platforms", "provincial"), ("national_platforms", "national")):
        t = targets[code]
        rank = LEVEL[min_level].rank
        n = sum(r >= rank for r in ranks)
        elapsed = compute.elapsed_fraction(as_of, t.plan_start, t.deadline)
        out[code] = {
            "label": indicator_label(code, lang),
            "value": n,
            "target": t.value if city_scope else None,
            "city_target": t.value,
            "target_kind": t.kind.value,
            "deadline": t.deadline.isoformat(),
            "source": t.source,
            "elapsed": elapsed,
            "completion": n / t.value if city_scope and t.value else None,
            "status": (
                compute.count_status(n, t.value, elapsed).value if city_scope else Status.NO_TARGET.value
            ),
            "status_rule": compute.count_rule(lang),
        }
    return out


def counting_platforms(plats: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Platforms that count on a date, each at the level it held then (kpi.register's rules:
    from its first recognition, or always when undated; a revoked one until its revocation date,
    never when that date is unknown)."""
    return register.standing_on(plats, as_of)


def kpi_status(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    region: str | None = None,
    cluster: str | None = None,
    *,
    today: dt.date | None = None,
    lang: str = "zh",
    viewer: access.Viewer | None = None,
) -> dict[str, Any]:
    """The contract's `kpi status --json` object for one scope.

    With a `viewer`, the scope must be one it may see (access.authorize_scope): a county
    official gets Forbidden for the city or another unit before any statistic is read.

    One statement reads the statistics (queries.city_status_rows or region_status_rows: the
    scope's sums for every period and, for the city, the units' own rows at the period). What
    else a status needs (names, units, taxonomy, targets, register, the latest period, the demo
    uploads, the clusters a region hosts) is kept per connection for as long as the data stay as
    they were (_State, checked by _current after the statement); its reference part is shared
    between connections on its content fingerprint (_Reference).
    """
    p = _fast_period(period) if period else None
    if period and p is None:
        p = parse_period(period)
        if p is None:
            raise UnknownScope("period", period)
    if region is None or str(region).strip() == "":
        access.authorize_scope(viewer, None, cluster)  # before anything is read
    state = _kept(con)
    for attempt in range(1, 4):  # the data changed while reading: again, at most twice
        last = attempt == 3
        ref, region_code, cluster_code = _scope(con, state.ref if state else None, viewer, region, cluster)
        if state is None or (ref is not None and ref is not state.ref):
            state = _state(con)
            if ref is not None and ref is not state.ref and not last:
                continue  # the names were looked up in another snapshot than the state's
        scope_region = None if region_code == CITY_CODE else region_code
        chosen = p or (from_code(state.latest) if state.latest else Period.latest_complete(today))
        macros = _has_macros(con)  # None: not tried yet on this connection
        macro = bool(macros)
        called = _now_us()
        if scope_region is None:
            rows = queries.city_status_rows(con, cluster=cluster_code, period=chosen.code, macro=macro)
        else:
            rows = queries.region_status_rows(con, cluster=cluster_code, region=scope_region, macro=macro)
        started = rows[0][-1] if rows else None
        if macros is None and started is not None and started >= called:
            _create_macros(con)  # in autocommit: no transaction of the caller can take them away
        if last or _current(con, state, started, called):
            break
        state = _state(con)
    hosted = None
    if scope_region is not None and cluster_code == ALL_CLUSTER:
        hosted = _hosted(con, state, scope_region)
    return _status(rows, state, chosen, region_code, cluster_code, hosted, today, lang)


def _hosted(con: duckdb.DuckDBPyConnection, state: _State, region: str) -> list[str]:
    """The clusters a region hosts (queries.region_clusters), kept with the state when read at
    its stamp (or, for a state of this connection alone, as it stands)."""
    found = state.hosted.get(region)
    if found is None:
        found = queries.region_clusters(con, region)
        path = _database_file(con)
        if state.stamp is None or (path is not None and _file_stamp(path) == state.stamp):
            state.hosted[region] = found
    return found


_N = len(queries.SUM_NAMES)


def _scope_rows(
    rows: list[tuple], scope_region: str | None, demo: frozenset[int]
) -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, list[Any]]]:
    """The statement's rows as `sums` would give them to _pick ({period: {part: row}}), and for
    the city the units' own rows at the period ({region: [region, num, den, ...]})."""
    by_part: dict[str, dict[str, dict[str, Any]]] = {}
    units: dict[str, list[Any]] = {}
    for r in rows:
        if scope_region is None:
            period, part = r[0], "city" if r[1] else "units"
            for unit in r[3 + _N] or ():
                _add_unit_row(units, unit)
        else:
            period, part = f"{r[0]}Q{r[1]}", scope_region
        row = dict(zip(queries.SUM_NAMES, r[2 : 2 + _N], strict=True))
        uploads = sorted(r[2 + _N])
        row["uploads"] = uploads
        row["demo"] = not demo.isdisjoint(uploads)
        by_part.setdefault(period, {})[part] = row
    return by_part, units


def _status(
    rows: list[tuple],
    state: _State,
    p: Period,
    region_code: str | None,
    cluster_code: str,
    hosted: list[str] | None,
    today: dt.date | None,
    lang: str,
) -> dict[str, Any]:
    ref, latest = state.ref, state.latest
    scope_region = None if region_code == CITY_CODE else region_code
    units = scope_region is None
    prev = p.previous_year()
    today = today or dt.date.today()
    # platforms count at the period's end; for the latest period, the register as it is today
    as_of = max(p.end_date, today) if latest is None or p.code >= latest else p.end_date
    targets = ref.targets
    by_part, unit_rows = _scope_rows(rows, scope_region, state.demo)
    unit_codes = ref.units if units else ()
    indicators: dict[str, Any] = {}
    demo = False
    for i, ratio in enumerate(RATIOS):
        code, target = ratio.code, targets[ratio.code]
        by_period = _pick_fast(by_part, code)
        now = by_period.get(p.code)
        demo = demo or bool(now and now["demo"])
        entry = ratio_entry(target, now, by_period.get(prev.code), lang)
        entry["previous_period"] = prev.code
        unit_sums = _unit_tuples(unit_rows, unit_codes, 1 + 2 * i) if units else None
        keys = progress_entry.enrich(by_period, target, p, lang=lang, units=unit_sums)
        entry.update(keys)
        # the light follows the glide path where it can be judged (issue: progress analytics),
        # else the plain gap-to-target rule; `status_basis` says which
        light = progress_entry.glide_light(keys, target, lang) if now else None
        entry["status_basis"] = "glide_path" if light else "gap_to_target"
        if light:
            entry["status"], entry["status_rule"] = light
        indicators[code] = entry
    register_rows = (
        ref.platforms if scope_region is None else [r for r in ref.platforms if r["region"] == scope_region]
    )
    indicators.update(
        _platform_entries(
            register_rows,
            ref.taxonomy,
            ref.names_zh if lang == "zh" else ref.names_en,
            hosted,
            targets,
            scope_region,
            cluster_code,
            as_of,
            lang,
        )
    )
    return {
        "period": p.code,
        "period_label": p.label(lang),
        "region": region_code,
        "cluster": None if cluster_code == ALL_CLUSTER else cluster_code,
        "previous_period": prev.code,
        "latest_period": latest,
        "platforms_as_of": as_of.isoformat(),
        "demo": demo,
        "indicators": indicators,
    }


def _add_unit_row(units: dict[str, list[Any]], row: tuple) -> None:
    """A unit's own row at the period, (region, numerator, denominator, ...) per ratio, with a
    ratio's parts kept only where both are reported (as the sums count them). A second current row
    for the same key (the store never writes one) adds up, as the sums would."""
    parts = list(row)
    for i in range(1, len(parts), 2):
        if parts[i] is None or parts[i + 1] is None:
            parts[i] = parts[i + 1] = None
    have = units.get(row[0])
    if have is None:
        units[row[0]] = parts
        return
    for i in range(1, len(parts), 2):
        if parts[i] is not None:
            if have[i] is None:
                have[i], have[i + 1] = parts[i], parts[i + 1]
            else:
                have[i], have[i + 1] = have[i] + parts[i], have[i + 1] + parts[i + 1]


_PERIOD_CODE = re.compile(r"(\d{4})Q([1-4])")


def _fast_period(text: str) -> Period | None:
    """A period already written as its code (`2025Q3`), without the parser's pandas round trip;
    None for any other spelling (then periods.parse_period decides)."""
    m = _PERIOD_CODE.fullmatch(text)
    if m is None or not 1990 <= int(m.group(1)) <= 2100:
        return None
    return Period(int(m.group(1)), int(m.group(2)))


def _unit_tuples(
    rows: Mapping[str, Sequence[Any]], units: Sequence[str], at: int
) -> list[tuple[str, float | None, float | None]]:
    """(region, numerator, denominator) of each unit for one ratio, whose parts are at columns
    `at` and `at + 1` of the units' own rows; (region, None, None) for a unit without both."""
    out: list[tuple[str, float | None, float | None]] = []
    for unit in units:
        r = rows.get(unit)
        if r is None or r[at] is None or r[at + 1] is None:
            out.append((unit, None, None))
        else:
            out.append((unit, _num(r[at]), _num(r[at + 1])))
    return out


# ---------------------------------------------------------------- what a status keeps between calls


@dataclass(frozen=True)
class _Reference:
    """What a status reads besides the statistics, as of one REFERENCE_FINGERPRINT: built by the
    same functions that read them uncached (kpi.reference, load_targets, kpi.register), so the
    answers are the same; never changed once built (shared between connections and threads)."""

    fingerprint: str
    regions: Mapping[str, str]  # folded name → region code (reference.region_lookup)
    clusters: Mapping[str, str]  # folded name → cluster code (reference.cluster_lookup)
    units: tuple[str, ...]  # the reporting units, in their order (reference.units)
    taxonomy: tuple[str, ...]  # cluster codes in the taxonomy's order
    names_zh: Mapping[str, Any]
    names_en: Mapping[str, Any]
    targets: Mapping[str, Target]
    platforms: tuple[Mapping[str, Any], ...]  # the register's records (register.current_register)


@dataclass(frozen=True)
class _State:
    """What one connection saw of the data besides the statistics (queries.status_state), and
    how to tell it still holds (_current): the database file's stamp when it was read (None
    when read inside a transaction, or in memory) and the newest audit event's id."""

    stamp: tuple[int, ...] | None
    version: int | None
    latest: str | None  # the latest period with data
    demo: frozenset[int]  # the demo uploads
    ref: _Reference
    hosted: dict[str, list[str]] = field(default_factory=dict)  # region → the clusters it hosts


_CACHE_SIZE = 8
_references: OrderedDict[str, _Reference] = OrderedDict()  # by REFERENCE_FINGERPRINT
# states read in autocommit, by (database file, its stamp then): any connection may use them
_shared: OrderedDict[tuple[str, tuple[int, ...]], _State] = OrderedDict()
# states read inside a transaction, or of an in-memory database: that connection only
_local: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, _State] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _load_reference(con: duckdb.DuckDBPyConnection, fingerprint: str) -> _Reference:
    taxonomy = cluster_table(con)
    return _Reference(
        fingerprint=fingerprint,
        regions=region_lookup(con),
        clusters=cluster_lookup(con),
        units=tuple(reference_units(con)["code"]),
        taxonomy=tuple(taxonomy["code"]),
        names_zh=dict(zip(taxonomy["code"], taxonomy["name"], strict=True)),
        names_en=dict(zip(taxonomy["code"], taxonomy["name_en"], strict=True)),
        targets=load_targets(con),
        platforms=tuple(register.current_register(con).to_dict("records")),
    )


def _reference(con: duckdb.DuckDBPyConnection, fingerprint: str | None = None) -> _Reference:
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


def _kept(con: duckdb.DuckDBPyConnection) -> _State | None:
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


def _state(con: duckdb.DuckDBPyConnection) -> _State:
    """Read what a status keeps (one statement, queries.status_state) with the reference snapshot
    for its fingerprint. Kept for every connection under the file's stamp when read in autocommit
    and the stamp was the same before and after; else for this connection alone, unstamped."""
    path = _database_file(con)
    stamp = _file_stamp(path) if path else None
    called = _now_us()
    started, version, latest, fingerprint, demo = queries.status_state(con)
    ref = _reference(con, fingerprint)
    if path is not None and started >= called and _file_stamp(path) == stamp:
        assert stamp is not None
        state = _State(stamp, version, latest, frozenset(demo), ref)
        with _lock:
            _shared[(path, stamp)] = state
            while len(_shared) > 2 * _CACHE_SIZE:
                _shared.popitem(last=False)
    else:  # inside the caller's transaction its changes are not on file yet; or in memory
        state = _State(None, version, latest, frozenset(demo), ref)
        with _lock:
            _local[con] = state
    return state


def _current(con: duckdb.DuckDBPyConnection, state: _State, started: int | None, called: int) -> bool:
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
    """The connection's database file (looked up once per connection); None in memory."""
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
    return store.data_version(path)


_macros: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, bool] = weakref.WeakKeyDictionary()


def _has_macros(con: duckdb.DuckDBPyConnection) -> bool | None:
    """Whether the status statements' macros (queries.create_status_macros) exist on `con`;
    None before they were tried."""
    with _lock:
        return _macros.get(con)


def _create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the macros once per connection, outside any transaction of the caller; where they
    cannot be made, the statements are sent whole."""
    try:
        queries.create_status_macros(con)
        made = True
    except duckdb.Error:
        made = False
    with _lock:
        _macros[con] = made


def _now_us() -> int:
    return time.time_ns() // 1000


def _scope(
    con: duckdb.DuckDBPyConnection,
    ref: _Reference | None,
    viewer: access.Viewer | None,
    region: str | None,
    cluster: str | None,
) -> tuple[_Reference | None, str | None, str]:
    """(snapshot, region code, cluster code) of a scope the viewer may see, as _authorized_region
    and resolve_cluster answer. Names are looked up in the snapshot `ref`; a name it does not
    know, or a scope it makes Forbidden, is checked again against a fresh snapshot first."""
    if region is None or str(region).strip() == "":
        access.authorize_scope(viewer, None, cluster)  # before anything is read, as for the city
        if cluster is None:
            return ref, None, ALL_CLUSTER
    if ref is None:
        ref = _reference(con)
    try:
        return ref, *_lookup_scope(ref, viewer, region, cluster)
    except (UnknownScope, access.Forbidden):
        fresh = _reference(con)
        if fresh.fingerprint == ref.fingerprint:
            raise
        return fresh, *_lookup_scope(fresh, viewer, region, cluster)


def _lookup_scope(
    ref: _Reference, viewer: access.Viewer | None, region: str | None, cluster: str | None
) -> tuple[str | None, str]:
    code: str | None = None
    if not (region is None or str(region).strip() == ""):
        code = ref.regions.get(fold(region))
        if code is None:
            raise UnknownScope("region", str(region))
    access.authorize_scope(viewer, code, cluster)
    if cluster is None:
        return code, ALL_CLUSTER
    found = ref.clusters.get(fold(cluster))
    if found is None:
        raise UnknownScope("cluster", str(cluster))
    return code, found


def _authorized_region(
    con: duckdb.DuckDBPyConnection, viewer: access.Viewer | None, region: str | None, cluster: str | None
) -> str | None:
    """The region code of a scope the viewer may see (None = the city); Forbidden otherwise.
    Only the reference table is read before the check (none at all for the city)."""
    code = resolve_region(con, region)  # None without a lookup when no region is given
    access.authorize_scope(viewer, code, cluster)
    return code


def ratio_series(
    con: duckdb.DuckDBPyConnection,
    region: str | None = None,
    cluster: str | None = None,
    *,
    viewer: access.Viewer | None = None,
) -> pd.DataFrame:
    """Every period's ratios for one scope: period, indicator, value, numerator, denominator, basis.
    A `viewer` may ask only for a scope it may see (as in kpi_status)."""
    region_code = _authorized_region(con, viewer, region, cluster)
    scope_region = None if region_code == "330400" else region_code
    frame = queries.sums(con, cluster=resolve_cluster(con, cluster), region=scope_region)
    rows = []
    for r in RATIOS:
        for period, s in pick_scope_sums(frame, r.code).items():
            rows.append(
                {
                    "period": period,
                    "indicator": r.code,
                    "value": compute.ratio(s["numerator"], s["denominator"]),
                    "numerator": s["numerator"],
                    "denominator": s["denominator"],
                    "basis": s["basis"],
                }
            )
    return pd.DataFrame(rows, columns=["period", "indicator", "value", "numerator", "denominator", "basis"])


def unit_ranking(
    con: duckdb.DuckDBPyConnection,
    period: str,
    cluster: str | None = None,
    *,
    viewer: access.Viewer | None = None,
) -> pd.DataFrame:
    """The nine units' ratios for one period (赛马), with the same period a year earlier.

    Columns: region, name, indicator, value, numerator, denominator, previous_value, change_pp,
    rank (1 = highest). Every role may see the ranking; for a county official the other units
    show as the city ranking shows them, ratios and ranks only: their numerator and denominator
    (the amounts behind the ratio) are None.
    """
    p = parse_period(period)
    if p is None:
        raise UnknownScope("period", period)
    prev = p.previous_year()
    frame = queries.sums(
        con, cluster=resolve_cluster(con, cluster), periods=[p.code, prev.code], by_region=True
    )
    units = reference_units(con)
    by_part: dict[str, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        by_part.setdefault(str(record["part"]), []).append(record)
    sums = {part: _by_period(records) for part, records in by_part.items()}
    rows = []
    for r in RATIOS:
        for unit in units.itertuples():
            picked = _pick(sums.get(unit.code, {}), r.code)
            now, before = picked.get(p.code), picked.get(prev.code)
            value = compute.ratio(now["numerator"], now["denominator"]) if now else None
            previous = compute.ratio(before["numerator"], before["denominator"]) if before else None
            rows.append(
                {
                    "region": unit.code,
                    "name": unit.name,
                    "short_name": unit.short_name,
                    "name_en": unit.name_en,
                    "indicator": r.code,
                    "value": value,
                    "numerator": now["numerator"] if now else None,
                    "denominator": now["denominator"] if now else None,
                    "previous_value": previous,
                    "change_pp": compute.change_pp(value, previous),
                }
            )
    out = pd.DataFrame(rows)
    out["rank"] = out.groupby("indicator")["value"].rank(ascending=False, method="min").astype("Int64")
    own = access.visible_regions(viewer)
    if own is not None:
        others = ~out["region"].isin(own)
        out["numerator"] = out["numerator"].astype(object).where(~others, None)
        out["denominator"] = out["denominator"].astype(object).where(~others, None)
    return out
