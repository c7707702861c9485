"""Properties of the register's pure rules (kpi.platforms.register), over generated platforms and dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kpi.model.definitions import LEVEL, LEVELS
from kpi.platforms import register

DAYS = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2028, 12, 31))
LEVEL_CODES = st.sampled_from([lv.code for lv in LEVELS])
PLATFORM = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1, max_size=5),
        "clusters": st.lists(st.sampled_from(["C1", "C2", "C3", "C4"]), min_size=1, max_size=3),
        "region": st.sampled_from(["R1", "R2"]),
        "history": st.lists(st.tuples(LEVEL_CODES, st.one_of(st.none(), DAYS)), min_size=1, max_size=4),
        "status": st.sampled_from(["running", "building", "revoked"]),
        "revoked_on": st.one_of(st.none(), DAYS),
    }
)


def frame(platforms: list[dict]) -> pd.DataFrame:
    rows = []
    for p in platforms:
        history = [register.Recognition(lv, on) for lv, on in p["history"]]
        recs = register.effective(history[:-1], history[-1])
        rows.append(
            {
                "name": p["name"],
                "clusters": p["clusters"],
                "region": p["region"],
                "level": history[-1].level,
                "recognised_on": history[-1].on,
                "status": p["status"],
                "revoked_on": p["revoked_on"],
                "recognitions": recs,
            }
        )
    return pd.DataFrame(rows)


@given(st.lists(PLATFORM, max_size=8), DAYS)
def test_the_ladder_never_grows_upwards_and_starts_at_every_platform(
    platforms: list[dict], on: dt.date
) -> None:
    standing = register.standing_on(frame(platforms), on)
    above = list(register.ladder(standing)["at_or_above"])
    assert above == sorted(above, reverse=True)
    assert above[0] == len(standing)
    assert sum(register.ladder(standing)["at_level"]) == len(standing)


@given(st.lists(PLATFORM, min_size=1, max_size=8), DAYS)
def test_a_revoked_platform_never_counts_on_or_after_its_revocation(
    platforms: list[dict], on: dt.date
) -> None:
    plats = frame(platforms)
    for row in plats.to_dict("records"):
        level = register.counts_on(row, on)
        if row["status"] == "revoked" and (row["revoked_on"] is None or on >= row["revoked_on"]):
            assert level is None
        if level is not None:
            assert level in LEVEL


@given(st.lists(PLATFORM, max_size=8), DAYS)
def test_coverage_is_the_clusters_of_the_counting_platforms(platforms: list[dict], on: dt.date) -> None:
    plats = frame(platforms)
    standing = register.standing_on(plats, on)
    cov = register.coverage(standing, ["C1", "C2", "C3", "C4"])
    served = {c for cs in standing["clusters"] for c in cs} if not standing.empty else set()
    assert set(cov["covered"]) == served
    assert len(cov["covered"]) + len(cov["uncovered"]) == 4
    matrix = register.coverage_matrix(standing, ["C1", "C2", "C3", "C4"], ["R1", "R2"])
    assert {c for c in matrix.index if matrix.loc[c].sum() > 0} == set(cov["covered"])


@given(st.lists(st.tuples(LEVEL_CODES, st.one_of(st.none(), DAYS)), min_size=1, max_size=5), DAYS)
def test_the_current_level_holds_from_its_recognition_on(history: list, on: dt.date) -> None:
    recs = register.effective(
        [register.Recognition(*h) for h in history[:-1]], register.Recognition(*history[-1])
    )
    current = recs[-1]
    if current.on is None or on >= current.on:
        assert register.level_on(recs, on) == current.level
