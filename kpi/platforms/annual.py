"""One review year as the platforms page, `kpi reviews --year` and the brief show it: every
platform with a score for the year, the cultivation-pool reward the score earns, the ranking of
the pool's platforms, and those below the lowest band (candidates for 动态管理 exit).

One function builds it (`year_review`) and one writes its JSON (`to_json`), so the page, the
command line and the brief cannot disagree. The rules are the other modules': the score in force
(kpi.platforms.reviews.effective_reviews), the pool window and the bands (kpi.platforms.rewards).

- `in_pool`: the year is in the platform's pool window (the first `pool_years` years from its
  entry into the pool, while it was in the pool for part of the year: a platform promoted or
  revoked during a year still has that year, not the next).
- `reward_wan`: the pool reward the review earns that year (万元): the year's cap × its band's
  share; 0 outside the pool window, below the lowest band, or for an entry before `reward_from`.
- `rank`: among the pool platforms of the year, by score, highest first (equal scores share a
  rank); None for the others.
- `exit_candidate`: a pool platform whose score is below the lowest band.
- `reward_state`: the reward row's state (kpi.platforms.rewards.STATES), `below_bands` for a
  score below the lowest band, `not_in_pool` outside the pool window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi.platforms import rewards
from kpi.platforms.figures import FIGURES

ROW_COLUMNS = [
    "name",
    "host",
    "region",
    "level",
    "score",
    "source",
    "computed",
    "components",
    "reason",
    "override_by",
    "in_pool",
    "rank",
    "reward_wan",
    "reward_state",
    "exit_candidate",
]


@dataclass(frozen=True)
class YearReview:
    year: int
    rows: pd.DataFrame  # ROW_COLUMNS; the pool's platforms first, in rank order, then the others
    pending: pd.DataFrame  # pool platforms of the year without a score: name, host, region
    pool_reward_wan: float  # pool rewards committed for the year
    pending_max_wan: float  # the most the pending reviews can add
    total_reward_wan: float  # every reward committed in the year (provincial, national, pool)
    lowest_band: float

    @property
    def pool(self) -> pd.DataFrame:
        return self.rows[self.rows["in_pool"]]

    @property
    def exit_candidates(self) -> pd.DataFrame:
        return self.rows[self.rows["exit_candidate"]]


def year_review(
    plats: pd.DataFrame, reviews: pd.DataFrame, settings: rewards.RewardSettings, year: int
) -> YearReview:
    """`plats`: the register (kpi.platforms.register.register); `reviews`: the scores in force
    (kpi.platforms.reviews.annual_reviews)."""
    money = rewards.reward_rows(plats, reviews, settings)
    of_year = money[money["year"].eq(year).fillna(False)]
    pool = {(r["name"], r["host"]): r for r in of_year[of_year["kind"] == "pool"].to_dict("records")}
    where = {(r["name"], r["host"]): r for r in plats.to_dict("records")}
    lowest = settings.lowest_band()
    rows = []
    for r in reviews[reviews["year"] == year].to_dict("records"):
        key = (r["name"], r["host"])
        if key not in where:  # no longer in the register (its upload was rolled back)
            continue
        reward = pool.get(key)
        in_pool = reward is not None
        rows.append(
            {
                "name": r["name"],
                "host": r["host"],
                "region": where[key]["region"],
                "level": where[key]["level"],
                "score": float(r["score"]),
                "source": r["source"],
                "computed": None if pd.isna(r["computed"]) else float(r["computed"]),
                "components": r["components"],
                "reason": r["reason"],
                "override_by": r["override_by"],
                "in_pool": in_pool,
                "rank": None,
                "reward_wan": float(reward["amount_wan"])
                if in_pool and pd.notna(reward["amount_wan"])
                else 0.0,
                "reward_state": _state(reward, float(r["score"]), lowest),
                "exit_candidate": in_pool and float(r["score"]) < lowest,
            }
        )
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS)
    frame["in_pool"] = frame["in_pool"].astype(bool)
    frame["exit_candidate"] = frame["exit_candidate"].astype(bool)
    frame["score"] = frame["score"].astype("float64")
    frame["reward_wan"] = frame["reward_wan"].astype("float64")
    ranks = frame.loc[frame["in_pool"], "score"].rank(method="min", ascending=False)
    frame["rank"] = pd.array([None] * len(frame), dtype="Int64")
    frame.loc[ranks.index, "rank"] = ranks.astype("int64")
    frame["order"] = (~frame["in_pool"]).astype(int)
    frame = frame.sort_values(["order", "score", "name", "host"], ascending=[True, False, True, True])
    pending = of_year[(of_year["kind"] == "pool") & (of_year["state"] == "pending_review")]
    committed = of_year["state"] == "committed"
    return YearReview(
        year=year,
        rows=frame.drop(columns="order").reset_index(drop=True),
        pending=pending[["name", "host", "region"]].reset_index(drop=True),
        pool_reward_wan=float(of_year.loc[committed & (of_year["kind"] == "pool"), "amount_wan"].sum()),
        pending_max_wan=float(pending["max_wan"].sum()),
        total_reward_wan=float(of_year.loc[committed, "amount_wan"].sum()),
        lowest_band=lowest,
    )


def _state(reward: dict[str, Any] | None, score: float, lowest: float) -> str:
    """The reward row's state, `below_bands` for a committed 0 below the lowest band and
    `not_in_pool` outside the pool window."""
    if reward is None:
        return "not_in_pool"
    if reward["state"] == "committed" and score < lowest:
        return "below_bands"
    return str(reward["state"])


def component_points(components: dict[str, float] | None) -> dict[str, float]:
    """Figure code → points, as the contract's JSON keys them: the figure's Chinese name, in
    FIGURES order ({} for an override of a year without figures)."""
    if not components:
        return {}
    return {f.label_zh: float(components[f.code]) for f in FIGURES if f.code in components}


def to_json(review: YearReview) -> dict[str, Any]:
    """CONTRACT.md §4 `kpi reviews --year YYYY --json`: year, platforms (name, host, score,
    source, components, reward_wan, and further keys), plus the pool's pending platforms and
    the year's totals."""

    def number(v: Any) -> float | None:
        return None if v is None or pd.isna(v) else float(v)

    platforms = [
        {
            "name": r["name"],
            "host": r["host"],
            "score": float(r["score"]),
            "source": r["source"],
            "components": component_points(r["components"]),
            "reward_wan": float(r["reward_wan"]),
            "region": r["region"],
            "computed": number(r["computed"]),
            "reason": r["reason"],
            "in_pool": bool(r["in_pool"]),
            "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
            "exit_candidate": bool(r["exit_candidate"]),
        }
        for r in review.rows.to_dict("records")
    ]
    return {
        "year": review.year,
        "platforms": platforms,
        "pending": review.pending.to_dict("records"),
        "pool_reward_wan": review.pool_reward_wan,
        "pending_max_wan": review.pending_max_wan,
        "total_reward_wan": review.total_reward_wan,
        "lowest_band": review.lowest_band,
    }
