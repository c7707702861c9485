"""The KPI engine: for a scope (city, region, cluster, region × cluster) and a period, the six
indicators with target, gap, same-period change and status, as in CONTRACT.md §3.

SQL gives the sums (kpi.queries); the arithmetic is pure (kpi.compute). The city takes its own
total row where one was uploaded (per indicator, where it reports both parts of the ratio), else
the sum of the nine units.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import duckdb
import pandas as pd

from kpi import access, compute, progress_entry, queries, register
from kpi.compute import Target
from kpi.definitions import ALL_CLUSTER, LEVEL, RATIOS, Status, TargetKind, indicator_label
from kpi.errors import UnknownScope
from kpi.periods import Period, from_code, parse_period
from kpi.platforms import current_platforms  # noqa: F401 - kpi.ui reads engine.current_platforms
from kpi.reference import clusters as cluster_table
from kpi.reference import resolve_cluster, resolve_region
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
    for period in sorted(by_period):
        parts = by_period[period]
        city = parts.get("city")
        if city is not None and (city[f"{code}_n"] or 0) > 0:
            chosen, basis, n = city, "city_total_row", 1
        elif "units" in parts:
            chosen, basis, n = parts["units"], "sum_of_units", int(parts["units"][f"{code}_n"] or 0)
        elif len(parts) == 1 and city is None:
            chosen = next(iter(parts.values()))
            basis, n = "region_rows", int(chosen[f"{code}_n"] or 0)
        else:
            continue
        if n == 0:
            continue
        out[str(period)] = {
            "numerator": _num(chosen[f"{code}_num"]),
            "denominator": _num(chosen[f"{code}_den"]),
            "basis": basis,
            "units_reporting": n,
            "demo": bool(chosen["demo"]),
            "uploads": [int(u) for u in chosen["uploads"]],
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
    plats = counting_platforms(register.current_register(con, region), as_of)
    taxonomy = cluster_table(con)
    city_scope = region is None and cluster == ALL_CLUSTER
    if cluster != ALL_CLUSTER:
        universe = [cluster]
    elif region is None:
        universe = list(taxonomy["code"])
    else:
        universe = queries.region_clusters(con, region)
    served = set(plats["clusters"].explode().dropna()) if not plats.empty else set()
    covered = [c for c in universe if c in served]
    uncovered = [c for c in universe if c not in served]
    names = dict(zip(taxonomy["code"], taxonomy["name" if lang == "zh" else "name_en"], strict=True))
    cov_target = targets["cluster_coverage"]
    elapsed = compute.elapsed_fraction(as_of, cov_target.plan_start, cov_target.deadline)
    cov_value = len(covered) / len(universe) if universe else None
    if cluster != ALL_CLUSTER:
        plats = plats[plats["clusters"].map(lambda cs: cluster in cs)] if not plats.empty else plats
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
        n = int((plats["level"].map(lambda lv: LEVEL[lv].rank) >= rank).sum()) if not plats.empty else 0
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
    official gets Forbidden for the city or another unit before any statistic is read."""
    region_code = _authorized_region(con, viewer, region, cluster)
    cluster_code = resolve_cluster(con, cluster)
    latest = queries.latest_period(con)
    if period:
        p = parse_period(period)
        if p is None:
            raise UnknownScope("period", period)
    else:
        p = from_code(latest) if latest else Period.latest_complete(today)
    prev = p.previous_year()
    today = today or dt.date.today()
    # platforms count at the period's end; for the latest period, the register as it is today
    as_of = max(p.end_date, today) if latest is None or p.code >= latest else p.end_date
    targets = load_targets(con)
    frame = queries.sums(
        con,
        cluster=cluster_code,
        region=region_code if region_code != "330400" else None,
        periods=None,  # all periods: the progress keys need the baseline year and full years
    )
    # the nine units' sums at p, for each ratio's region_contributions (city scope only)
    unit_frame = (
        queries.sums(con, cluster=cluster_code, periods=[p.code], by_region=True)
        if region_code in (None, "330400")
        else None
    )
    unit_codes = list(reference_units(con)["code"]) if unit_frame is not None else []
    indicators: dict[str, Any] = {}
    demo = False
    for r in RATIOS:
        by_period = pick_scope_sums(frame, r.code)
        now = by_period.get(p.code)
        demo = demo or bool(now and now["demo"])
        indicators[r.code] = ratio_entry(targets[r.code], now, by_period.get(prev.code), lang)
        indicators[r.code]["previous_period"] = prev.code
        keys = progress_entry.enrich(
            by_period, targets[r.code], p, lang=lang, units=_unit_sums(unit_frame, unit_codes, r.code)
        )
        indicators[r.code].update(keys)
        # the light follows the glide path where it can be judged (issue: progress analytics),
        # else the plain gap-to-target rule; `status_basis` says which
        light = progress_entry.glide_light(keys, targets[r.code], lang) if now else None
        indicators[r.code]["status_basis"] = "glide_path" if light else "gap_to_target"
        if light:
            indicators[r.code]["status"], indicators[r.code]["status_rule"] = light
    scope_region = None if region_code == "330400" else region_code
    indicators.update(platform_entries(con, targets, scope_region, cluster_code, as_of, lang))
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


def _unit_sums(
    frame: pd.DataFrame | None, units: list[str], code: str
) -> list[tuple[str, float | None, float | None]] | None:
    """(region, numerator, denominator) of each unit for one ratio, from queries.sums(by_region=True)
    for one period; (region, None, None) for a unit that does not report both parts."""
    if frame is None:
        return None
    rows = {str(r["part"]): r for r in frame.to_dict("records")}
    out: list[tuple[str, float | None, float | None]] = []
    for unit in units:
        r = rows.get(unit)
        if r is None or not r[f"{code}_n"]:
            out.append((unit, None, None))
        else:
            out.append((unit, _num(r[f"{code}_num"]), _num(r[f"{code}_den"])))
    return out


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
