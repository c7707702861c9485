"""The scoring scheme of the annual review (年度绩效考核) as data, and the score it gives.

score = Σ weight × min(1, value ÷ full-marks value) over the figures of kpi.platforms.figures;
检验检测资质 scores with the number of the two accreditations held (CMA, CNAS), so full marks
at 1 means "CMA or CNAS held" (the default) and at 2 "both held".

**Rounding** (so that every point is traceable): each component is computed exactly (decimal
arithmetic on the numbers as written, no binary-float error), then rounded to 0.1, halves up;
the score is the sum of the rounded components. The components shown therefore always add up
to the score. Rounding the unrounded total instead could differ from this by at most 0.05 per
component (0.4 with eight components); the scheme's weights sum to 100, so the score is 0–100.

**The scheme** is a table: one weight and one full-marks value per figure, with its source and
whether it is a placeholder. The default (kpi/reference/review_scheme.csv) is a placeholder until
the task force publishes its own. An administrator stores a new version (all figures at once,
with its source); versions are append-only (`review_scheme_versions`, `review_scheme`): the
latest counts, for every review year, and the history keeps who set which and when. No version
stored means the reference.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import duckdb
import pandas as pd

from kpi.model import roles
from kpi.platforms.figures import FIGURE, FIGURE_CODES, FIGURES, current_figures, figure_value
from kpi.store import audit, connection, schema

SOURCE_LIMIT = 500
TOTAL_WEIGHT = 100


@dataclass(frozen=True)
class Component:
    figure: str  # a code of kpi.platforms.figures.FIGURES
    weight: float  # points at full marks
    full_marks: float  # the value that earns the whole weight


@dataclass(frozen=True)
class Scheme:
    components: tuple[Component, ...]  # in FIGURES order
    source: str
    placeholder: bool
    version: int | None = None  # None: the reference shipped with the code
    set_at: dt.datetime | None = None
    set_by: str = "reference"

    def weights(self) -> dict[str, float]:
        return {c.figure: c.weight for c in self.components}

    def same_rules(self, other: Scheme) -> bool:
        return (self.components, self.source, self.placeholder) == (
            other.components,
            other.source,
            other.placeholder,
        )


@dataclass(frozen=True)
class Scored:
    """A score and its components (points per figure code), each a multiple of 0.1."""

    score: float
    components: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- the score


def _exact(x: float) -> Fraction:
    """The decimal a number was written as (repr is the shortest decimal that reads back)."""
    return Fraction(repr(float(x)))


def points(value: float, c: Component) -> Fraction:
    """weight × min(1, value ÷ full marks), exactly (value ≥ 0, full marks > 0)."""
    return _exact(c.weight) * min(Fraction(1), _exact(value) / _exact(c.full_marks))


def tenths(p: Fraction) -> int:
    """p rounded to 0.1, halves up, as a number of tenths (p ≥ 0)."""
    return math.floor(p * 10 + Fraction(1, 2))


def score(values: dict[str, Any], scheme: Scheme) -> Scored:
    """The score of one platform's figures for one year (`values`: figure code → stored value,
    the accreditation as its word). The score is the sum of the rounded components."""
    parts = {c.figure: tenths(points(figure_value(c.figure, values[c.figure]), c)) for c in scheme.components}
    return Scored(sum(parts.values()) / 10, {k: v / 10 for k, v in parts.items()})


def score_figures(figures: pd.DataFrame, scheme: Scheme) -> pd.DataFrame:
    """kpi.platforms.figures.current_figures(...) with `computed` (the score) and `components`
    (figure code → points) per row."""
    out = figures.copy()
    scored = [score(r, scheme) for r in figures.to_dict("records")]
    out["computed"] = pd.Series([s.score for s in scored], index=figures.index, dtype="float64")
    out["components"] = pd.Series([s.components for s in scored], index=figures.index, dtype=object)
    return out


# ---------------------------------------------------------------- the scheme as data

PROBLEMS = (
    "bad_number",
    "negative_weight",
    "weights_total",
    "full_marks",
    "source_missing",
    "source_too_long",
)


def check_scheme(weights: dict[str, float], full_marks: dict[str, float], source: str) -> list[str]:
    """Problems of a scheme (codes of PROBLEMS, empty: it can be stored). Every figure needs a
    weight ≥ 0 and a full-marks value > 0 (for 检验检测资质 1 or 2); weights sum to 100."""
    out: list[str] = []
    try:
        w = {k: float(weights[k]) for k in FIGURE_CODES}
        m = {k: float(full_marks[k]) for k in FIGURE_CODES}
    except (KeyError, TypeError, ValueError):
        return ["bad_number"]
    if any(not math.isfinite(v) for v in (*w.values(), *m.values())):
        return ["bad_number"]
    if any(v < 0 for v in w.values()):
        out.append("negative_weight")
    if abs(sum(_exact(v) for v in w.values()) - TOTAL_WEIGHT) > Fraction(1, 10**6):
        out.append("weights_total")
    if any(v <= 0 for v in m.values()) or m["accreditation"] not in (1, 2):
        out.append("full_marks")
    if not source.strip():
        out.append("source_missing")
    elif len(source.strip()) > SOURCE_LIMIT:
        out.append("source_too_long")
    return out


def reference_scheme() -> Scheme:
    """The default shipped in kpi/reference/review_scheme.csv (a placeholder)."""
    rows = {r["figure"]: r for r in schema.reference_rows("review_scheme")}
    first = rows[FIGURE_CODES[0]]
    return Scheme(
        tuple(
            Component(f.code, float(rows[f.code]["weight"]), float(rows[f.code]["full_marks"]))
            for f in FIGURES
        ),
        source=first["source"],
        placeholder=first["placeholder"].strip().lower() == "true",
    )


def _versions(con: duckdb.DuckDBPyConnection) -> list[Scheme]:
    heads = con.execute(
        "SELECT version, source, placeholder, set_at, set_by FROM review_scheme_versions ORDER BY version DESC"
    ).fetchall()
    rows = con.execute("SELECT version, figure, weight, full_marks FROM review_scheme").fetchall()
    parts: dict[int, dict[str, Component]] = {}
    for version, figure, weight, full in rows:
        parts.setdefault(version, {})[figure] = Component(figure, float(weight), float(full))
    out = []
    for version, source, placeholder, set_at, set_by in heads:
        comps = parts.get(version, {})
        if set(comps) != set(FIGURE_CODES):  # only a hand-edited database gets here
            continue
        out.append(
            Scheme(tuple(comps[c] for c in FIGURE_CODES), source, bool(placeholder), version, set_at, set_by)
        )
    return out


def load_scheme(con: duckdb.DuckDBPyConnection) -> Scheme:
    """The scheme in force: the latest version stored, else the reference."""
    stored = _versions(con)
    return stored[0] if stored else reference_scheme()


def scheme_history(con: duckdb.DuckDBPyConnection) -> list[Scheme]:
    """Every version, newest first; the reference (as shipped) last."""
    return [*_versions(con), reference_scheme()]


def save_scheme(
    con: duckdb.DuckDBPyConnection,
    weights: dict[str, float],
    full_marks: dict[str, float],
    source: str,
    *,
    placeholder: bool,
    by: str | None = None,
    viewer: roles.Viewer | None = None,
) -> tuple[int | None, list[str]]:
    """Store a new version of the scheme, with its audit event, in one transaction. Returns
    (version, problems); (None, []) when nothing changed. A `viewer` without the right to
    change the reward rules gets Forbidden before anything is read."""
    roles.require(viewer, roles.Permission.MANAGE_TARGETS)
    who = (by or (viewer.username if viewer else "") or "").strip()
    problems = check_scheme(weights, full_marks, source)
    if not who:
        problems.append("by_missing")
    if problems:
        return None, problems
    new = Scheme(
        tuple(Component(c, float(weights[c]), float(full_marks[c])) for c in FIGURE_CODES),
        source.strip(),
        placeholder,
    )
    current = load_scheme(con)
    if new.same_rules(current):
        return None, []
    with connection.transaction(con):
        version = int(
            con.execute("SELECT coalesce(max(version), 0) + 1 FROM review_scheme_versions").fetchall()[0][0]
        )
        con.execute(
            "INSERT INTO review_scheme_versions VALUES ($v, $source, $placeholder, now(), $by)",
            {"v": version, "source": new.source, "placeholder": placeholder, "by": who},
        )
        for sort, c in enumerate(new.components):
            con.execute(
                "INSERT INTO review_scheme VALUES ($v, $figure, $weight, $full, $sort)",
                {"v": version, "figure": c.figure, "weight": c.weight, "full": c.full_marks, "sort": sort},
            )
        audit.record(
            con,
            who,
            audit.Action.SCHEME_CHANGE,
            version=version,
            before=_described(current),
            after=_described(new),
        )
    return version, []


def _described(s: Scheme) -> dict[str, Any]:
    return {
        "components": {FIGURE[c.figure].label_zh: [c.weight, c.full_marks] for c in s.components},
        "source": s.source,
        "placeholder": s.placeholder,
    }


def computed_scores(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current figures of every platform and year, scored with the scheme in force."""
    return score_figures(current_figures(con), load_scheme(con))
