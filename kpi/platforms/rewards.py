"""Rewards of the plan (§三.6), computed from the register, the review scores and the settings.

The rules as the plan states them, with what it leaves open kept as settings (table
`reward_settings`, defaults and their reasons in kpi/reference/rewards.csv; append-only, the
latest value of a key counts, so every change keeps who made it and when):

- **Provincial** (“对成功入围省级制造业中试平台的，给予1000万元奖励”): `provincial_award_wan` once per
  platform recognised at the provincial level, in the year of that recognition.
- **National** (“对成功入围国家级…按1：1予以配套支持”): `national_match_ratio` × the national
  support amount entered for the platform (万元), in the year of the national recognition. Until
  the amount is entered the matching is unknown (`support_missing`), never 0.
- **Cultivation pool** (“根据年度绩效考核给予连续三年不超过300万元的奖励”): for each of the first
  `pool_years` calendar years from the year the platform entered the pool, while it was in the
  pool for part of that year (not after its promotion or revocation year), the year's cap times
  the share its review score earns (the score in force: computed from the platform's figures, or
  a typed override with its reason, kpi.platforms.reviews.annual_reviews) (`pool_score_bands`, e.g. ``90:1;80:0.7;60:0.4``: ≥ 90 the
  whole cap, ≥ 80 70 %, ≥ 60 40 %, below nothing). The year's cap is `pool_cap_wan` when
  `pool_cap_basis` is `per_year`, and `pool_cap_wan / pool_years` when it is
  `three_years_total` (the default: the plan does not say, DOMAIN §7.4). A year without a score
  is `pending_review`: not committed yet, at most the year's cap.
- Recognitions before `reward_from` (default: the plan's publication date) are listed with 0.

Money is in 万元 (1000万元 = ¥10 million). A reward counts in the year it is earned (recognition
year, or the review year) and in the region where the platform sits now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from kpi.platforms.register import Recognition, as_date, as_number
from kpi.store import audit, connection, schema

POOL_CAP_BASES = ("three_years_total", "per_year")
SETTING_KEYS = (
    "provincial_award_wan",
    "national_match_ratio",
    "pool_cap_wan",
    "pool_cap_basis",
    "pool_years",
    "pool_score_bands",
    "reward_from",
)
STATES = ("committed", "pending_review", "support_missing", "before_reward_from", "undated")
REWARD_COLUMNS = [
    "name",
    "host",
    "region",
    "kind",
    "year",
    "on",
    "score",
    "amount_wan",
    "max_wan",
    "state",
    "score_source",  # "computed" or "override" for a pool reward with a score, else None
]


@dataclass(frozen=True)
class RewardSettings:
    provincial_award_wan: float
    national_match_ratio: float
    pool_cap_wan: float
    pool_cap_basis: str  # one of POOL_CAP_BASES
    pool_years: int
    pool_score_bands: tuple[tuple[float, float], ...]  # (lowest score, share of the year's cap), best first
    reward_from: dt.date | None

    def pool_year_cap(self) -> float:
        """万元 a pool platform can earn in one review year."""
        if self.pool_cap_basis == "per_year":
            return self.pool_cap_wan
        return self.pool_cap_wan / self.pool_years

    def lowest_band(self) -> float:
        """The lowest score that earns a band: a pool platform below it earns nothing that year
        (a candidate for 动态管理 exit)."""
        return min(lowest for lowest, _ in self.pool_score_bands)

    def pool_share(self, score: float) -> float:
        """Share of the year's cap a review score earns (0 below the lowest band)."""
        for lowest, share in self.pool_score_bands:
            if score >= lowest:
                return share
        return 0.0


# ---------------------------------------------------------------- settings


def parse_bands(text: str) -> tuple[tuple[float, float], ...] | None:
    """``90:1;80:0.7;60:0.4`` → ((90, 1.0), (80, 0.7), (60, 0.4)); None when malformed.

    Scores 0–100, shares 0–1, thresholds distinct; a share may be written as a percentage
    (``80:70%``). Sorted best first.
    """
    out = []
    for part in str(text).replace("；", ";").replace("，", ";").replace(",", ";").split(";"):
        if not part.strip():
            continue
        bits = part.replace("：", ":").split(":")
        if len(bits) != 2:
            return None
        try:
            score = float(bits[0])
            raw = bits[1].strip()
            share = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            return None
        if not (0 <= score <= 100 and 0 <= share <= 1):
            return None
        out.append((score, share))
    if not out or len({s for s, _ in out}) != len(out):
        return None
    return tuple(sorted(out, reverse=True))


def format_bands(bands: tuple[tuple[float, float], ...]) -> str:
    return ";".join(f"{s:g}:{share:g}" for s, share in bands)


def parse_settings(values: dict[str, str]) -> tuple[RewardSettings | None, dict[str, str]]:
    """Text values of every key → settings, or None and {key: problem code}."""
    problems: dict[str, str] = {}

    def number(key: str, *, integer: bool = False, positive: bool = False) -> float:
        try:
            v = float(str(values[key]).strip())
        except (KeyError, ValueError):
            problems[key] = "not_a_number"
            return 0.0
        if v < 0 or (positive and v <= 0) or (integer and v != int(v)):
            problems[key] = "out_of_range"
        return v

    award = number("provincial_award_wan")
    ratio = number("national_match_ratio")
    cap = number("pool_cap_wan")
    years = number("pool_years", integer=True, positive=True)
    basis = str(values.get("pool_cap_basis", "")).strip()
    if basis not in POOL_CAP_BASES:
        problems["pool_cap_basis"] = "not_an_option"
    bands = parse_bands(values.get("pool_score_bands", ""))
    if bands is None:
        problems["pool_score_bands"] = "bad_bands"
    start_text = str(values.get("reward_from", "")).strip()
    start = None
    if start_text:
        try:
            start = dt.date.fromisoformat(start_text)
        except ValueError:
            problems["reward_from"] = "bad_date"
    if problems:
        return None, problems
    assert bands is not None
    return RewardSettings(award, ratio, cap, basis, int(years), bands, start), {}


def default_values() -> dict[str, str]:
    """The reference defaults (kpi/reference/rewards.csv)."""
    return {r["key"]: r["value"] for r in schema.reference_rows("rewards")}


def setting_values(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Current text value of every key (the latest set; the reference default where never set)."""
    rows = con.execute("""SELECT key, arg_max(value, set_at) FROM reward_settings GROUP BY key""").fetchall()
    return {**default_values(), **dict(rows)}


def load_settings(con: duckdb.DuckDBPyConnection) -> RewardSettings:
    settings, _ = parse_settings(setting_values(con))
    if settings is None:  # only a hand-edited database gets here; fall back to the reference
        settings, _ = parse_settings(default_values())
    assert settings is not None
    return settings


def settings_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every value ever set, newest first: key, value, set_at, set_by."""
    return con.execute(
        "SELECT key, value, set_at, set_by FROM reward_settings ORDER BY set_at DESC, key"
    ).df()


def save_settings(con: duckdb.DuckDBPyConnection, values: dict[str, str], by: str) -> dict[str, str]:
    """Store the keys whose value changed, with who changed them. Returns {key: problem} (empty:
    stored, or nothing to store). All or nothing: one bad value stores none."""
    if not by.strip():
        return {"by": "by_missing"}
    merged = {**setting_values(con), **{k: str(v).strip() for k, v in values.items() if k in SETTING_KEYS}}
    settings, problems = parse_settings(merged)
    if settings is None:
        return problems
    merged["pool_score_bands"] = format_bands(settings.pool_score_bands)
    current = setting_values(con)
    changed = {k: v for k, v in merged.items() if k in SETTING_KEYS and current.get(k) != v}
    with connection.transaction(con):
        for key, value in changed.items():
            con.execute(
                "INSERT INTO reward_settings VALUES ($key, $value, now(), $by)",
                {"key": key, "value": value, "by": by.strip()},
            )
        if changed:
            before = {k: current.get(k) for k in changed}
            audit.record(con, by.strip(), audit.Action.REWARD_SETTINGS, before=before, after=changed)
    return {}


# ---------------------------------------------------------------- the rewards


def pool_window(recognitions: list[Recognition], status: str, revoked_on: Any, years: int) -> list[int]:
    """Review years with a pool reward: the first `years` from entry into the pool, while the
    platform was in the pool for part of the year (until promotion or revocation)."""
    entry_at = next((i for i, r in enumerate(recognitions) if r.level == "pool"), None)
    if entry_at is None or recognitions[entry_at].on is None:
        return []
    entry = recognitions[entry_at].on
    assert entry is not None
    later = [r.on for r in recognitions[entry_at + 1 :] if r.on is not None]
    leave = later[0] if later else None
    if status == "revoked":
        revoked = as_date(revoked_on)
        if revoked is None:  # revoked at an unknown date: it never counts, it earns nothing
            return []
        leave = min(leave, revoked) if leave else revoked
    return [entry.year + k for k in range(years) if leave is None or dt.date(entry.year + k, 1, 1) < leave]


def reward_rows(plats: pd.DataFrame, reviews: pd.DataFrame, settings: RewardSettings) -> pd.DataFrame:
    """One row per reward earned or pending (columns REWARD_COLUMNS; amounts in 万元).

    `plats` is kpi.platforms.register.register(...) (with `recognitions`); `reviews` has name, host, year,
    score and optionally source (kpi.platforms.reviews.annual_reviews; a frame without `source`
    is typed scores only). amount_wan is None where it is not known yet (pending review,
    national support missing); max_wan is the most it can be (None when unknown).
    """
    scores = {(r["name"], r["host"], int(r["year"])): float(r["score"]) for r in reviews.to_dict("records")}
    sources = {(r["name"], r["host"], int(r["year"])): r.get("source") for r in reviews.to_dict("records")}
    start = settings.reward_from
    rows: list[dict[str, Any]] = []
    for p in plats.to_dict("records"):
        head = {"name": p["name"], "host": p["host"], "region": p["region"]}
        recs: list[Recognition] = p["recognitions"]
        for r in recs:
            if r.level not in ("provincial", "national"):
                continue
            if r.level == "provincial":
                amount: float | None = settings.provincial_award_wan
            else:
                support = as_number(p["national_support"])
                amount = None if support is None else settings.national_match_ratio * support
            if r.on is None:
                state, amount, top = "undated", None, amount
            elif start is not None and r.on < start:
                state, amount, top = "before_reward_from", 0.0, 0.0
            else:
                state, top = ("committed" if amount is not None else "support_missing"), amount
            rows.append(
                {
                    **head,
                    "kind": r.level,
                    "year": r.on.year if r.on else None,
                    "on": r.on,
                    "score": None,
                    "amount_wan": amount,
                    "max_wan": top,
                    "state": state,
                }
            )
        window = pool_window(recs, p["status"], p["revoked_on"], settings.pool_years)
        entry = next((r.on for r in recs if r.level == "pool"), None)
        early = start is not None and entry is not None and entry < start
        cap = settings.pool_year_cap()
        for year in window:
            score = scores.get((p["name"], p["host"], year))
            if early:
                state, amount, top = "before_reward_from", 0.0, 0.0
            elif score is None:
                state, amount, top = "pending_review", None, cap
            else:
                amount = cap * settings.pool_share(score)
                state, top = "committed", amount
            rows.append(
                {
                    **head,
                    "kind": "pool",
                    "year": year,
                    "on": entry,
                    "score": score,
                    "amount_wan": amount,
                    "max_wan": top,
                    "state": state,
                    "score_source": sources.get((p["name"], p["host"], year)),
                }
            )
    out = pd.DataFrame(rows, columns=REWARD_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    out["amount_wan"] = out["amount_wan"].astype("Float64")
    out["max_wan"] = out["max_wan"].astype("Float64")
    out["score"] = out["score"].astype("Float64")
    out["score_source"] = out["score_source"].astype(object).where(out["score_source"].notna(), None)
    return out.sort_values(["year", "region", "name", "kind"], na_position="last").reset_index(drop=True)


def committed_table(rows: pd.DataFrame, regions: list[str]) -> pd.DataFrame:
    """Money committed (万元) per year (rows) and region (columns, in `regions` order), with a
    `total` column; only rows whose amount is known and committed."""
    done = rows[(rows["state"] == "committed") & rows["year"].notna()]
    table = done.pivot_table(
        index="year", columns="region", values="amount_wan", aggfunc="sum", fill_value=0.0
    )
    table = table.reindex(columns=regions, fill_value=0.0).astype("float64")
    table["total"] = table.sum(axis=1)
    table.index = table.index.astype("int64")
    return table.sort_index()


def totals(rows: pd.DataFrame) -> dict[str, float]:
    """committed (known and committed), pending (most the pending reviews can add), and the
    number of national platforms whose support amount is missing."""
    return {
        "committed": float(rows.loc[rows["state"] == "committed", "amount_wan"].sum()),
        "pending_max": float(rows.loc[rows["state"] == "pending_review", "max_wan"].sum()),
        "support_missing": int((rows["state"] == "support_missing").sum()),
    }
