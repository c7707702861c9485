"""Every vintage of a KPI figure: its value after each change of the scope's statistics (an upload
that brought rows of the scope, the rollback of one), the revision triangle, and whether a figure
was revised since a moment ("已修订").

The value after each change is worked out as `kpi status --as-of` that moment would give it: the
rows known then (kpi.store.vintages), summed per part, and the city's own total row or the sum of
the units chosen as the engine chooses (kpi.engine.sums), then Σ numerator / Σ denominator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpi.engine.snapshot import resolve_scope
from kpi.engine.sums import pick_fast
from kpi.model import roles
from kpi.model.definitions import CITY_CODE, RATIOS
from kpi.model.periods import Period, from_code
from kpi.progress import compute
from kpi.store import vintages

_RATIO_CODES = {r.code for r in RATIOS}


@dataclass(frozen=True)
class Moment:
    """One change of a scope's statistics: an upload, or the rollback of one."""

    at: dt.datetime
    upload_id: int
    event: str  # 'upload' or 'rollback'
    who: str | None
    file_name: str | None
    kind: str | None


@dataclass(frozen=True)
class Vintage:
    """A figure's value from one moment on (until the next vintage)."""

    moment: Moment
    value: float | None
    revision: bool  # False for the first value the figure had


@dataclass(frozen=True)
class History:
    """A figure's values for every period, after each moment of its scope (oldest first)."""

    indicator: str
    region: str | None  # None: the city
    cluster: str | None
    moments: tuple[Moment, ...]
    values: dict[str, tuple[float | None, ...]] = field(default_factory=dict)  # period → per moment

    def vintages(self, period: str) -> list[Vintage]:
        """The moments at which the period's value changed, the first value first."""
        out: list[Vintage] = []
        previous: float | None = None
        for moment, value in zip(
            self.moments, self.values.get(period) or [None] * len(self.moments), strict=True
        ):
            if not out and value is None:
                continue
            if not out or not _same(value, previous):
                out.append(Vintage(moment, value, revision=bool(out)))
                previous = value
        return out

    def first_published(self, period: str) -> dt.datetime | None:
        found = self.vintages(period)
        return found[0].moment.at if found else None

    def default_since(self, period: str) -> dt.datetime | None:
        """When the quarter before `period` was first published in this scope (None: never)."""
        return self.first_published(_quarter_before(period))

    def revised_since(self, period: str, since: dt.datetime | None = None) -> bool:
        """Whether the period's value changed after it was first published and after `since`
        (None: the quarter before's first publication, else any time after the first value)."""
        since = since or self.default_since(period)
        return any(v.revision and (since is None or v.moment.at > since) for v in self.vintages(period))

    def triangle(self, periods: int = 8) -> pd.DataFrame:
        """Rows: the latest `periods` periods, newest first; columns: the moments at which any of
        them changed (oldest first, named by their time); cells: the value known after it."""
        rows = sorted(self.values, reverse=True)[:periods]
        keep = [
            i
            for i in range(len(self.moments))
            if any(
                (i == 0 and self.values[p][i] is not None)
                or (i > 0 and not _same(self.values[p][i], self.values[p][i - 1]))
                for p in rows
            )
        ]
        frame = pd.DataFrame(
            {self.moments[i].at: [self.values[p][i] for p in rows] for i in keep}, index=rows, dtype="float64"
        )
        frame.index.name = "period"
        return frame


def history(
    con: Any,
    indicator: str,
    region: str | None = None,
    cluster: str | None = None,
    *,
    periods: list[str] | None = None,
    viewer: roles.Viewer | None = None,
) -> History:
    """Every vintage of one ratio KPI for one scope (`region` and `cluster` as kpi_status takes
    them), for the given periods only where `periods` is given (a page's few quarters: at a large
    scale the whole history of the city is millions of rows per moment). A `viewer` gets
    Forbidden for a scope it may not see, before any statistic is read."""
    if indicator not in _RATIO_CODES:
        raise ValueError(f"not a ratio KPI: {indicator}")
    return histories(con, region, cluster, periods=periods, viewer=viewer)[indicator]


def histories(
    con: Any,
    region: str | None = None,
    cluster: str | None = None,
    *,
    periods: list[str] | None = None,
    viewer: roles.Viewer | None = None,
) -> dict[str, History]:
    """`history` of every ratio KPI of the scope, from one read of its moments: the read gives
    every ratio's sums at once, so the three cards of a page need it once, not three times."""
    _, region_code, cluster_code = resolve_scope(con, None, viewer, region, cluster)
    scope_region = None if region_code in (None, CITY_CODE) else region_code
    records = vintages.scope_events(con, cluster=cluster_code, region=scope_region, periods=periods)
    moments: list[Moment] = []
    by_moment: list[dict[str, dict[str, dict[str, Any]]]] = []
    for r in records:
        key = (r["at"], r["upload_id"], r["event"])
        if not moments or (moments[-1].at, moments[-1].upload_id, moments[-1].event) != key:
            moments.append(
                Moment(r["at"], int(r["upload_id"]), r["event"], r["who"], r["file_name"], r["kind"])
            )
            by_moment.append({})
        if r["period"] is not None:
            by_moment[-1].setdefault(r["period"], {})[r["part"]] = {**r, "demo": False, "uploads": []}
    found = sorted({p for parts in by_moment for p in parts})
    out: dict[str, History] = {}
    for indicator in sorted(_RATIO_CODES):
        values: dict[str, list[float | None]] = {p: [] for p in found}
        for parts in by_moment:
            picked = pick_fast(parts, indicator)
            for p in found:
                now = picked.get(p)
                values[p].append(compute.ratio(now["numerator"], now["denominator"]) if now else None)
        out[indicator] = History(
            indicator,
            scope_region,
            None if cluster is None else cluster_code,
            tuple(moments),
            {p: tuple(v) for p, v in values.items()},
        )
    return out


def recent(period: str, count: int = 8) -> list[str]:
    """`period` and the `count - 1` quarters before it, newest first (the panel's rows)."""
    out = [period]
    while len(out) < count:
        out.append(_quarter_before(out[-1]))
    return out


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def _quarter_before(period: str) -> str:
    p = from_code(period)
    return (Period(p.year, p.quarter - 1) if p.quarter > 1 else Period(p.year - 1, 4)).code
