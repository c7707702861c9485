"""The KPI engine: for a scope (city, region, cluster, region × cluster) and a period, the six
indicators with target, gap, same-period change and status, as in CONTRACT.md §3.

SQL gives the sums (kpi.store.queries); the arithmetic is pure (kpi.progress.compute). The city takes its own
total row where one was uploaded (per indicator, where it reports both parts of the ratio), else
the sum of the nine units.

kpi_status reads the statistics with one statement per call; what it needs besides them (names,
units, taxonomy, targets, the register, the latest period, the demo uploads) is read once and
kept for as long as the database file is unchanged (see "what a status keeps between calls").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from kpi.engine.platform_status import entries_from_register
from kpi.engine.snapshot import (
    State,
    as_float,
    cluster_hosts,
    create_macros,
    has_macros,
    hosted_clusters,
    is_current,
    kept_state,
    now_us,
    read_state,
    resolve_scope,
)
from kpi.engine.sums import pick_fast
from kpi.model import roles
from kpi.model.definitions import ALL_CLUSTER, CITY_CODE, RATIOS, Status, indicator_label
from kpi.model.errors import UnknownScope
from kpi.model.moments import moment_text
from kpi.model.periods import Period, from_code, parse_period
from kpi.progress import basis, compute
from kpi.progress import entry as progress_entry
from kpi.progress.compute import Target
from kpi.store import queries, vintages
from kpi.text.lookup import pick
from kpi.text.progress import PROGRESS_TEXT


def ratio_entry(
    target: Target, now: dict[str, Any] | None, before: dict[str, Any] | None, lang: str
) -> dict[str, Any]:
    """The contract's keys of one ratio at a period (`now`) against the same period a year
    earlier (`before`), both the per-period sums of kpi.engine.sums.

    `value` is the scope's own figure (the city's own row where uploaded). The same-period change
    compares like with like (kpi.progress.basis): where the two periods stand on different bases,
    both are taken as the sum of the units where both have it, and `value_compared`,
    `previous_value`, `change_pp` are on that basis (`comparison_basis`); `basis_note` says so,
    or that no common basis exists. `change_pp` = (value_compared − previous_value) × 100 always.
    A `now` that is not complete (some units missing, no city row) keeps its partial `value`
    (with numerator, denominator and `complete: False`) but no gap and no same-period change: a
    sum of the units that have reported is no city figure to measure; kpi_status gives it the
    status `incomplete`.
    """
    complete = bool(now is None or now.get("complete", True))
    if before is not None and not before.get("complete", True):
        before = None  # a partial sum is no figure to compare with
    value = compute.ratio(now["numerator"], now["denominator"]) if now else None
    aligned = basis.align(now if complete else None, before)
    compared = basis.ratio(aligned.now)
    previous = basis.ratio(aligned.before)
    gap = None if value is None or not complete else target.value - value
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
        "shortfall_pp": compute.shortfall_pp(value, target) if complete else None,
        "gap_text": compute.gap_text(value if complete else None, target, lang),
        "previous_value": previous,
        "value_compared": compared,
        "change_pp": compute.change_pp(compared, previous),
        "status": compute.ratio_status(value, target).value,
        "status_rule": compute.ratio_rule(target, lang),
        "basis": now["basis"] if now else None,
        "previous_basis": aligned.before_basis,
        "comparison_basis": aligned.now_basis if aligned.before is not None else None,
        "basis_consistent": aligned.consistent,
        "basis_note": basis.note(aligned, lang, "previous"),
        "units_reporting": now["units_reporting"] if now else 0,
        "complete": complete,
        "uploads": now["uploads"] if now else [],
    }


def kpi_status(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    region: str | None = None,
    cluster: str | None = None,
    *,
    today: dt.date | None = None,
    lang: str = "zh",
    viewer: roles.Viewer | None = None,
    as_of: dt.datetime | None = None,
) -> dict[str, Any]:
    """The contract's `kpi status --json` object for one scope; `as_of`: as known at that moment
    (kpi.store.vintages: uploads committed by then, rollbacks made later not made), with `today`
    that moment's day unless given, and the moment echoed as `as_of`.

    With a `viewer`, the scope must be one it may see (access.authorize_scope): a county
    official gets Forbidden for the city or another unit before any statistic is read.

    One statement reads the statistics (queries.city_status_rows or region_status_rows: the
    scope's sums for every period and, for the city, the units' own rows at the period). What
    else a status needs (names, units, taxonomy, targets, register, the latest period, the demo
    uploads, the clusters a region hosts) is kept per connection for as long as the data stay as
    they were (_State, checked by _current after the statement); its reference part is shared
    between connections on its content fingerprint (_Reference).
    """
    as_of = as_of or vintages.moment(con)
    if as_of is not None and vintages.moment(con) != as_of:
        with vintages.known_at(con, as_of) as known:
            return kpi_status(
                known, period, region, cluster, today=today, lang=lang, viewer=viewer, as_of=as_of
            )
    today = today or (as_of.date() if as_of else None)
    p = _fast_period(period) if period else None
    if period and p is None:
        p = parse_period(period)
        if p is None:
            raise UnknownScope("period", period)
    if region is None or str(region).strip() == "":
        roles.authorize_scope(viewer, None, cluster)  # before anything is read
    state = kept_state(con)
    for attempt in range(1, 4):  # the data changed while reading: again, at most twice
        last = attempt == 3
        ref, region_code, cluster_code = resolve_scope(
            con, state.ref if state else None, viewer, region, cluster
        )
        if state is None or (ref is not None and ref is not state.ref):
            state = read_state(con)
            if ref is not None and ref is not state.ref and not last:
                continue  # the names were looked up in another snapshot than the state's
        scope_region = None if region_code == CITY_CODE else region_code
        # the default period is the latest complete quarter (every unit, or the city's own row);
        # while no quarter is complete yet, the latest with data
        default = state.latest_complete or state.latest
        chosen = p or (from_code(default) if default else Period.latest_complete(today))
        macros = has_macros(con)  # None: not tried yet on this connection
        macro = bool(macros)
        called = now_us()
        if scope_region is None:
            rows = queries.city_status_rows(con, cluster=cluster_code, period=chosen.code, macro=macro)
        else:
            rows = queries.region_status_rows(con, cluster=cluster_code, region=scope_region, macro=macro)
        started = rows[0][-1] if rows else None
        if macros is None and started is not None and started >= called:
            create_macros(con)  # in autocommit: no transaction of the caller can take them away
        if last or is_current(con, state, started, called):
            break
        state = read_state(con)
    hosted = None
    if scope_region is not None and cluster_code == ALL_CLUSTER:
        hosted = hosted_clusters(con, state, scope_region)
    makers = None  # the units whose rows make the city's figure
    if scope_region is None:
        makers = (
            state.ref.units if cluster_code == ALL_CLUSTER else tuple(cluster_hosts(con, state, cluster_code))
        )
    out = _status(rows, state, chosen, region_code, cluster_code, hosted, makers, today, lang)
    return out if as_of is None else {**out, "as_of": moment_text(as_of)}


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
    state: State,
    p: Period,
    region_code: str | None,
    cluster_code: str,
    hosted: list[str] | None,
    makers: Sequence[str] | None,
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
    unit_codes = tuple(makers) if units and makers is not None else ()
    expected = len(unit_codes) if units else None
    indicators: dict[str, Any] = {}
    demo = False
    for i, ratio in enumerate(RATIOS):
        code, target = ratio.code, targets[ratio.code]
        by_period = pick_fast(by_part, code, expected)
        now = by_period.get(p.code)
        demo = demo or bool(now and now["demo"])
        entry = ratio_entry(target, now, by_period.get(prev.code), lang)
        entry["previous_period"] = prev.code
        unit_sums = _unit_tuples(unit_rows, unit_codes, 1 + 2 * i) if units else None
        if unit_sums is not None:
            entry["reported_units"] = [u for u, n, _ in unit_sums if n is not None]
            entry["missing_units"] = [u for u, n, _ in unit_sums if n is None]
        keys = progress_entry.enrich(by_period, target, p, lang=lang, units=unit_sums if units else None)
        entry.update(keys)
        if not entry["complete"]:
            # some units have not reported and the city sent no total row: the partial sum is no
            # city figure, so there is no light from it (issue 12: one unit's early report)
            entry["status"] = Status.INCOMPLETE.value
            entry["status_basis"] = "incomplete"
            entry["status_rule"] = _incomplete_rule(entry, ref, lang)
        else:
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
        entries_from_register(
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
        "latest_complete_period": state.latest_complete,
        **_completeness(by_part, unit_rows, unit_codes, p, units),
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


def _completeness(
    by_part: Mapping[str, Mapping[str, Any]],
    unit_rows: Mapping[str, Any],
    makers: Sequence[str],
    p: Period,
    city: bool,
) -> dict[str, Any]:
    """Whether the scope's figure at `p` is complete, and for the city who has reported.

    The city (or a cluster's city figure): complete with its own total row, or once every unit
    that makes it has sent its row. A region: complete once it has a row for the period."""
    parts = by_part.get(p.code) or {}
    if not city:
        return {"complete": bool(parts), "reported_units": None, "missing_units": None}
    reported = [u for u in makers if u in unit_rows]
    return {
        "complete": "city" in parts or (bool(makers) and len(reported) == len(makers)),
        "city_total_row": "city" in parts,
        "reported_units": reported,
        "missing_units": [u for u in makers if u not in unit_rows],
    }


def _incomplete_rule(entry: Mapping[str, Any], ref: Any, lang: str) -> str:
    """The rule of an incomplete city figure, naming the units that have reported."""
    names = ref.unit_names_zh if lang == "zh" else ref.unit_names_en
    reported = entry.get("reported_units") or []
    missing = entry.get("missing_units") or []
    listed = ("、" if lang == "zh" else ", ").join(names.get(u, u) for u in reported)
    return pick(
        PROGRESS_TEXT,
        "incomplete.rule",
        lang,
        reported=len(reported),
        expected=len(reported) + len(missing),
        names=listed or pick(PROGRESS_TEXT, "incomplete.none", lang),
    )


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
            out.append((unit, as_float(r[at]), as_float(r[at + 1])))
    return out
