"""The pilot-platform register over time: levels, revocation, coverage, the ladder, history, edits.

The store keeps every version of every platform (`platform_versions`, one per register upload
or form edit, with the upload that brought it). The rules read from them, in one place:

- **Recognitions.** For each level a platform has held, its recognition date at that level is
  the `recognised_on` of its latest version at that level (a correction replaces an earlier
  date). The current version's level and date count; an earlier level counts only where it was
  recognised before the current level's date (a pool platform promoted to provincial). An
  undated recognition counts from the start of time, as the contract's undated rows always did.
- **Standing on a date.** A platform counts from its first recognition, at the level of its
  latest recognition on or before that date. A revoked platform counts until the day before its
  revocation date; one revoked without a known date never counts.
- **Coverage.** A cluster is covered when at least one counting platform, of any level from the
  city cultivation pool up, serves it (a higher level includes the lower ones). Clusters and
  region are the current version's.

Pure functions take frames; `versions` and `current_register` read. A platform's history and
its corrections are in kpi.platforms.history, the rewards in kpi.platforms.rewards, reviews in kpi.platforms.reviews.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from kpi.model.definitions import LEVEL, LEVELS
from kpi.model.periods import Period, quarters_between
from kpi.progress import compute

_EARLIEST = dt.date.min

# Every committed version, oldest first, with the upload (or edit) that brought it.
_VERSIONS_SQL = """
SELECT p.name, p.host, p.region, p.clusters, p.level, p.build_model, p.recognised_on, p.status,
       p.revoked_on, p.national_support, p.is_current, p.upload_id, p.line,
       u.kind, u.file_name, u.uploaded_at, u.uploaded_by, u.note, u.is_demo
FROM platform_versions p JOIN uploads u ON u.id = p.upload_id
WHERE u.status = 'committed'
  AND ($name IS NULL OR (p.name = $name AND p.host = $host))
ORDER BY p.name, p.host, p.upload_id
"""

REGISTER_COLUMNS = (
    "name",
    "host",
    "region",
    "clusters",
    "level",
    "build_model",
    "recognised_on",
    "status",
    "revoked_on",
    "national_support",
    "upload_id",
    "is_demo",
    "recognitions",
    "entered_on",
)


@dataclass(frozen=True)
class Recognition:
    """A level held by a platform and the date it was recognised at it (None: undated)."""

    level: str
    on: dt.date | None


def as_date(value: Any) -> dt.date | None:
    """A DuckDB/pandas date cell (Timestamp, date, NaT, None) → date or None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def as_number(value: Any) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


# ---------------------------------------------------------------- reading


def versions(
    con: duckdb.DuckDBPyConnection, name: str | None = None, host: str | None = None
) -> pd.DataFrame:
    """Committed versions (all platforms, or one), oldest first, with who/when/how they came."""
    frame = con.execute(_VERSIONS_SQL, {"name": name, "host": host}).df()
    frame["clusters"] = frame["clusters"].map(lambda cs: [str(c) for c in cs] if cs is not None else [])
    return frame


def recognitions_of(history: pd.DataFrame) -> list[Recognition]:
    """One platform's effective recognitions, oldest first, the current level last (module rules)."""
    per_level: dict[str, dt.date | None] = {}
    for r in history.sort_values("upload_id").to_dict("records"):
        per_level.pop(r["level"], None)  # keep version order: a re-dated level moves last
        per_level[r["level"]] = as_date(r["recognised_on"])
    current = history.sort_values("upload_id").iloc[-1]
    return effective(
        [Recognition(lv, on) for lv, on in per_level.items()],
        Recognition(str(current["level"]), as_date(current["recognised_on"])),
    )


def effective(history: list[Recognition], current: Recognition) -> list[Recognition]:
    """The current recognition and the earlier ones leading to it, oldest first."""
    if current.on is None:
        return [current]
    earlier = [r for r in history if r.level != current.level and (r.on is None or r.on < current.on)]
    earlier.sort(key=lambda r: r.on or _EARLIEST)  # stable: ties keep version order
    return [*earlier, current]


def register(versions_frame: pd.DataFrame, region: str | None = None) -> pd.DataFrame:
    """The register as it stands: each platform's current version plus its recognitions and
    the date it entered the register (`entered_on`, None when undated)."""
    rows = []
    for _, history in versions_frame.groupby(["name", "host"], sort=False):
        current = history[history["is_current"]]
        if current.empty:  # every version of it was rolled back
            continue
        row = current.iloc[-1].to_dict()
        recs = recognitions_of(history)
        row["recognitions"] = recs
        row["entered_on"] = recs[0].on
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(REGISTER_COLUMNS))
    if region is not None:
        frame = frame[frame["region"] == region]
    return frame.sort_values(["region", "name"]).reset_index(drop=True) if not frame.empty else frame


def current_register(con: duckdb.DuckDBPyConnection, region: str | None = None) -> pd.DataFrame:
    return register(versions(con), region)


# ---------------------------------------------------------------- standing on a date


def level_on(recognitions: list[Recognition], as_of: dt.date) -> str | None:
    """The level held on `as_of` (the latest recognition on or before it), None before the first."""
    held = [r for r in recognitions if (r.on or _EARLIEST) <= as_of]
    return held[-1].level if held else None


def _recognitions(row: dict[str, Any]) -> list[Recognition]:
    recs = row.get("recognitions")
    if isinstance(recs, list) and recs:
        return recs
    return [Recognition(str(row["level"]), as_date(row.get("recognised_on")))]


def counts_on(row: dict[str, Any], as_of: dt.date) -> str | None:
    """The level at which a platform counts on `as_of`, or None when it does not count."""
    if row.get("status") == "revoked":
        revoked = as_date(row.get("revoked_on"))
        if revoked is None or as_of >= revoked:
            return None
    return level_on(_recognitions(row), as_of)


def standing_on(plats: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Platforms that count on `as_of`, each with the level it had that day.

    Accepts the register (with `recognitions`) or a frame of current versions without it (then
    the current level and `recognised_on` are the only recognition).
    """
    if plats.empty:
        return plats
    keep, levels = [], []
    for row in plats.to_dict("records"):
        level = counts_on(row, as_of)
        keep.append(level is not None)
        if level is not None:
            levels.append(level)
    out = plats[keep].reset_index(drop=True).copy()
    out["level"] = pd.Series(levels, dtype="str") if levels else out["level"]
    return out


# ---------------------------------------------------------------- coverage and the ladder


def served(standing: pd.DataFrame) -> set[str]:
    """Clusters served by at least one platform in `standing`."""
    if standing.empty:
        return set()
    return {c for cs in standing["clusters"] for c in cs}


def coverage(standing: pd.DataFrame, universe: list[str]) -> dict[str, Any]:
    """Covered and uncovered clusters of `universe` (in its order); value a fraction or None."""
    hit = served(standing)
    covered = [c for c in universe if c in hit]
    uncovered = [c for c in universe if c not in hit]
    return {
        "covered": covered,
        "uncovered": uncovered,
        "total": len(universe),
        "value": len(covered) / len(universe) if universe else None,
    }


def quarter_of(day: dt.date) -> Period:
    return Period(day.year, (day.month - 1) // 3 + 1)


def coverage_series(
    plats: pd.DataFrame, universe: list[str], today: dt.date, first: Period | None = None
) -> pd.DataFrame:
    """Coverage at the end of each quarter up to today's (that one as of today).

    Starts at `first`, else the quarter of the earliest recognition (else today's). Columns:
    period, as_of, covered, total, value, newly (clusters covered at this quarter's end and not
    at the previous one's), lost (the reverse: a revocation), provincial and national (platforms
    at that level or above, cumulative).
    """
    if first is None:
        dates = [r.on for row in plats.to_dict("records") for r in _recognitions(row) if r.on]
        first = quarter_of(min(dates)) if dates else quarter_of(today)
    rows, before = [], served(standing_on(plats, quarter_start(first) - dt.timedelta(days=1)))
    for q in quarters_between(first, quarter_of(today)):
        as_of = min(q.end_date, today)
        counting = standing_on(plats, as_of)
        now = coverage(counting, universe)
        above = ladder(counting).set_index("level")["at_or_above"]
        hit = set(now["covered"])
        rows.append(
            {
                "period": q.code,
                "as_of": as_of,
                "covered": len(hit),
                "total": now["total"],
                "value": now["value"],
                "newly": [c for c in universe if c in hit and c not in before],
                "lost": [c for c in universe if c in before and c not in hit],
                "provincial": int(above["provincial"]),
                "national": int(above["national"]),
            }
        )
        before = hit
    columns = ["period", "as_of", "covered", "total", "value", "newly", "lost", "provincial", "national"]
    return pd.DataFrame(rows, columns=columns)


def quarter_start(q: Period) -> dt.date:
    return dt.date(q.year, 3 * q.quarter - 2, 1)


def uncovered_clusters(
    standing: pd.DataFrame, taxonomy: pd.DataFrame, cluster_regions: pd.DataFrame
) -> pd.DataFrame:
    """Clusters without a counting platform: code, name, name_en, tier, group, regions (the units
    whose statistics have rows for that cluster, i.e. where its firms are)."""
    hit = served(standing)
    hosts = cluster_regions.groupby("cluster")["region"].agg(list) if not cluster_regions.empty else {}
    out = taxonomy[~taxonomy["code"].isin(hit)][["code", "name", "name_en", "tier", "group"]].copy()
    out["regions"] = [list(hosts.get(c, [])) for c in out["code"]]
    return out.reset_index(drop=True)


def coverage_matrix(standing: pd.DataFrame, clusters: list[str], regions: list[str]) -> pd.DataFrame:
    """Counting platforms per cluster (rows) and the region where they sit (columns).

    A platform serving several clusters counts once in each of their rows.
    """
    out = pd.DataFrame(0, index=pd.Index(clusters, name="cluster"), columns=list(regions), dtype="int64")
    for row in standing.to_dict("records") if not standing.empty else []:
        for c in set(row["clusters"]):
            if c in out.index and row["region"] in out.columns:
                out.loc[c, row["region"]] += 1
    return out


def ladder(standing: pd.DataFrame) -> pd.DataFrame:
    """Platforms per level, lowest first: `at_level` and `at_or_above` (a higher level includes the
    lower ones; the provincial and national counts of the plan are `at_or_above`, cumulative)."""
    ranks = [LEVEL[lv].rank for lv in standing["level"]] if not standing.empty else []
    return pd.DataFrame(
        {
            "level": [lv.code for lv in LEVELS],
            "at_level": [sum(r == lv.rank for r in ranks) for lv in LEVELS],
            "at_or_above": [sum(r >= lv.rank for r in ranks) for lv in LEVELS],
        }
    )


@dataclass(frozen=True)
class Goal:
    """A count target of the plan with its completion against time elapsed (序时进度)."""

    indicator: str
    value: float | None
    target: float
    completion: float | None  # value / target
    elapsed: float  # share of plan_start → deadline gone
    status: str
    deadline: dt.date


# indicator → (count: the minimum level counted, or None for coverage)
GOAL_LEVELS: dict[str, str | None] = {
    "cluster_coverage": None,
    "provincial_platforms": "provincial",
    "national_platforms": "national",
}


def goals(standing: pd.DataFrame, universe: list[str], targets: pd.DataFrame, today: dt.date) -> list[Goal]:
    """Coverage, provincial and national counts against the targets table, as of `today`."""
    by_code = {r["indicator"]: r for r in targets.to_dict("records")}
    ranks = ladder(standing).set_index("level")["at_or_above"]
    out = []
    for code, level in GOAL_LEVELS.items():
        t = by_code[code]
        start, deadline = as_date(t["plan_start"]), as_date(t["deadline"])
        assert start is not None and deadline is not None  # NOT NULL columns
        value: float | None = coverage(standing, universe)["value"] if level is None else int(ranks[level])
        elapsed = compute.elapsed_fraction(today, start, deadline)
        target = float(t["value"])
        out.append(
            Goal(
                indicator=code,
                value=value,
                target=target,
                completion=None if value is None or not target else value / target,
                elapsed=elapsed,
                status=compute.count_status(value, target, elapsed).value,
                deadline=deadline,
            )
        )
    return out


def current_platforms(con: duckdb.DuckDBPyConnection, region: str | None = None) -> pd.DataFrame:
    """The register as it stands: one row per platform (its current version)."""
    return con.execute(
        """SELECT p.name, p.host, p.region, p.clusters, p.level, p.build_model, p.recognised_on,
                  p.status, p.upload_id, u.is_demo
           FROM platform_versions p JOIN uploads u ON u.id = p.upload_id
           WHERE p.is_current AND ($region IS NULL OR p.region = $region)
           ORDER BY p.region, p.name""",
        {"region": region},
    ).df()


def level_rank(level: str) -> int:
    return LEVEL[level].rank
