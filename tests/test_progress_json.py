"""The progress keys of `kpi status --json`, on a tiny hand-made database.

Two units (南湖区, 秀洲区), full years 2024 and 2025 (1—12月), all-industry rows, 万元:

| period | unit | R&D / revenue | new product / gross output | high-tech / value added |
|---|---|---|---|---|
| 2024Q4 | 南湖 | 1500 / 50000 | 25000 / 50000 | 35000 / 50000 |
| 2024Q4 | 秀洲 | 1500 / 50000 | 24000 / 50000 | 35000 / 50000 |
| 2025Q4 | 南湖 | 1650 / 50000 | 24000 / 50000 | 37000 / 50000 |
| 2025Q4 | 秀洲 | 1400 / 48000 | 23000 / 48000 | 34560 / 48000 |

The city's own total rows (330400) hold the sums of the two units: the city's figure is complete
(issue 12: a sum over some of the nine units is not the city's), and the numbers are those sums.

City 2024 → 2025: R&D 3.0 % → 3050/98000 = 3.1122 %; new product 49 % → 47000/98000 = 47.959 %;
high-tech 70 % → 71560/98000 = 73.020 %. Baseline 2024Q4 (t₀ = 2024), latest 2025Q4 (t = 2025),
target year 2027 (T = 2027): whole years of the same-quarter series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from kpi.engine import snapshot
from kpi.engine import status as engine_status
from kpi.ingest.stats import ingest_stats
from kpi.store import connection, schema

HEADER = "统计期,县(市、区),产业集群,研发费用,营业收入,新产品产值,工业总产值,高新技术产业增加值,工业增加值\n"
ROWS = """2024Q4,南湖区,,1500,50000,25000,50000,35000,50000
2024Q4,秀洲区,,1500,50000,24000,50000,35000,50000
2025Q4,南湖区,,1650,50000,24000,50000,37000,50000
2025Q4,秀洲区,,1400,48000,23000,48000,34560,48000
2024Q4,嘉兴市,,3000,100000,49000,100000,70000,100000
2025Q4,嘉兴市,,3050,98000,47000,98000,71560,98000
"""
TODAY = dt.date(2026, 2, 1)


def load(path: Path) -> Path:
    with connection.connect(path) as c:
        result = ingest_stats(c, (HEADER + ROWS).encode("utf-8"), "progress.csv", today=TODAY)
        assert result.stored, result.report
    return path


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database for the read-only tests (building it is most of the time they take)."""
    return load(tmp_path_factory.mktemp("progress") / "kpi.duckdb")


@pytest.fixture
def con(shared_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connection.connect(shared_db) as c:
        yield c


def status(con: duckdb.DuckDBPyConnection, **kw) -> dict:
    return engine_status.kpi_status(con, today=TODAY, **kw)["indicators"]


def test_existing_keys_are_unchanged(con):
    rd = status(con)["rd_intensity"]
    assert rd["value"] == pytest.approx(3050 / 98000)
    assert rd["previous_value"] == pytest.approx(0.03)
    assert rd["status"] == "on_track"  # 0.0378 pp short, within green_pp 0.15


def test_rd_intensity_progress_keys_hand_computed(con):
    rd = status(con)["rd_intensity"]
    assert rd["baseline"]["period"] == "2024Q4"
    assert rd["baseline"]["value"] == pytest.approx(0.03)
    assert rd["baseline"]["fallback"] is False
    # glide: 3.0 % + 0.15 pp × 1/3 = 3.05 %; latest 3.1122 % is 0.0622 pp above it
    assert rd["glide"]["expected"] == pytest.approx(0.0305)
    assert rd["glide"]["distance_pp"] == pytest.approx(-0.0622449, abs=1e-6)
    assert rd["glide"]["status"] == "on_track"
    assert rd["glide"]["time_elapsed"] == pytest.approx(1 / 3)
    assert rd["glide"]["progress"] == pytest.approx(0.1122449 / 0.15, abs=1e-6)
    # pace: r = 3.1122/3.0 − 1 = 3.741 %; r* = 1.05^(1/3) − 1 = 1.6396 %; r/r* = 2.2819
    assert rd["pace"]["r"] == pytest.approx(0.0374150, abs=1e-6)
    assert rd["pace"]["r_star"] == pytest.approx(0.0163964, abs=1e-6)
    assert rd["pace_ratio"] == pytest.approx(2.2819073, abs=1e-6)
    assert rd["pace_class"] == rd["pace"]["class"] == "substantial"
    # catch-up: 3.15 % × 98000 − 3050 = 37 万元; √(3.15/3.1122) − 1 a year over 2 years
    assert rd["catch_up"]["extra_numerator"] == pytest.approx(37.0)
    assert rd["catch_up"]["met"] is False
    assert rd["catch_up"]["required_growth_per_year"] == pytest.approx(0.0060473, abs=1e-6)
    assert rd["catch_up"]["required_pp_per_year"] == pytest.approx(0.0188776, abs=1e-6)
    assert rd["catch_up"]["years_left"] == 2.0
    assert "37万元" in rd["catch_up"]["text"]
    # why it moved: +0.1122 pp = R&D +1.67 % (0.0505) + revenue −2 % (0.0617)
    d = rd["decomposition"]
    assert d["total_pp"] == pytest.approx(0.1122449, abs=1e-6)
    assert d["numerator_effect_pp"] == pytest.approx(0.0505102, abs=1e-6)
    assert d["denominator_effect_pp"] == pytest.approx(0.0617347, abs=1e-6)
    assert d["denominator_change_pct"] == pytest.approx(-2.0)
    # projection: two full years, +0.1122 pp a year from 2025 to 2027
    pr = rd["projection"]
    assert (pr["points"], pr["first_year"], pr["last_year"], pr["used_same_period"]) == (2, 2024, 2025, False)
    assert pr["value"] == pytest.approx(0.0333673, abs=1e-6)
    assert pr["achieved"] is True
    assert "2024—2025" in pr["assumption"]


def test_region_contributions_add_up_to_the_city_gap(con):
    rc = status(con)["rd_intensity"]["region_contributions"]
    gaps = {r["region"]: r["gap_money"] for r in rc["regions"]}
    # 南湖 1575 − 1650 = 75 over; 秀洲 1512 − 1400 = 112 short; city 37 short
    assert gaps == {"330402": pytest.approx(-75.0), "330411": pytest.approx(112.0)}
    assert rc["total"] == pytest.approx(37.0)
    assert rc["scope_gap_money"] == pytest.approx(37.0)
    assert rc["residual"] == 0.0
    assert len(rc["missing"]) == 7  # the other seven units sent nothing


def test_a_value_moving_away_from_a_floor(con):
    npr = status(con)["new_product_rate"]
    # path 49 % + 1 pp/3 = 49.333 %; latest 47.959 % is 1.374 pp below: at risk (amber 1.5)
    assert npr["glide"]["expected"] == pytest.approx(0.4933333, abs=1e-6)
    assert npr["glide"]["distance_pp"] == pytest.approx(1.3741497, abs=1e-6)
    assert npr["glide"]["status"] == "at_risk"
    assert npr["glide"]["crossed"] == ["glide_green_pp"]
    assert npr["pace_class"] == "moving_away"
    assert npr["pace"]["r"] == pytest.approx(-0.0212411, abs=1e-6)
    assert npr["pace_ratio"] < 0
    # 50 % × 98000 − 47000 = 2000 万元 more new-product output
    assert npr["catch_up"]["extra_numerator"] == pytest.approx(2000.0)
    names = [c["name"] for c in npr["work"]["thresholds_crossed"]]
    assert names == ["glide_green_pp", "pace_substantial", "pace_moderate", "pace_limited"]


def test_a_target_already_met(con):
    ht = status(con)["hightech_share"]
    assert ht["glide"]["status"] == "achieved"
    assert ht["pace_class"] == "achieved"
    # the band 73 % ± 1 pp counts from 72 %: 72 % × 98000 − 71560 = −1000, met, 1000 万元 to spare
    assert ht["catch_up"]["extra_numerator"] == pytest.approx(-1000.0)
    assert ht["catch_up"]["aims_at"] == pytest.approx(0.72)
    assert ht["catch_up"]["met"] is True
    assert "在目标区间内" in ht["catch_up"]["text"] and "需再增加" not in ht["catch_up"]["text"]


def test_show_the_work(con):
    work = status(con, lang="en")["rd_intensity"]["work"]
    assert (work["base_period"], work["latest_period"], work["deadline_period"]) == (
        "2024Q4",
        "2025Q4",
        "2027Q4",
    )
    assert (work["t0"], work["t"], work["T"]) == (2024, 2025, 2027)
    assert work["base"] == pytest.approx(0.03) and work["target"] == 0.0315
    assert work["r"] == pytest.approx(0.0374150, abs=1e-6)
    assert work["uploads"] == {"base": [1], "latest": [1]}
    assert work["thresholds_crossed"] == []
    assert "3.05%" in work["text"] and "r/r* = 2.28" in work["text"] and "#1" in work["text"]


def test_a_series_with_one_point(con):
    ind = status(con, period="2024Q4")
    rd = ind["rd_intensity"]
    assert rd["baseline"]["period"] == "2024Q4"
    assert rd["glide"]["status"] == "insufficient_data"
    assert rd["pace_class"] == "insufficient_data" and rd["pace_ratio"] is None
    assert rd["projection"] is None and rd["decomposition"] is None
    # a later upload does not leak into an earlier period's answer
    assert rd["work"]["uploads"]["latest"] == [1]


def test_a_period_without_data_is_grey(con):
    rd = status(con, period="2025Q3")["rd_intensity"]
    assert rd["value"] is None and rd["baseline"] is None
    assert rd["glide"]["status"] == "insufficient_data"
    assert rd["catch_up"]["extra_numerator"] is None
    # by the end of 2025Q3 only the 2024 full year was known: one point is not a trend
    assert rd["projection"] is None


def test_a_region_has_its_own_catch_up_and_no_contributions(con):
    rd = status(con, region="秀洲区")["rd_intensity"]
    assert rd["catch_up"]["extra_numerator"] == pytest.approx(112.0)
    assert "region_contributions" not in rd


def test_a_missing_denominator_leaves_the_unit_out(db):
    more = "2025Q4,嘉善县,,800,,,,,\n"  # revenue and the rest not reported
    with connection.connect(load(db)) as c:
        assert ingest_stats(c, (HEADER + more).encode("utf-8"), "jiashan.csv", today=TODAY).stored
        rd = status(c)["rd_intensity"]
    assert rd["value"] == pytest.approx(3050 / 98000)
    assert "330421" in rd["region_contributions"]["missing"]
    assert rd["region_contributions"]["total"] == pytest.approx(37.0)


def test_a_version_1_database_gets_the_progress_settings(db):
    with connection.connect(db, write=True) as c:
        for col in ("glide_green_pp", "glide_amber_pp", "baseline_year"):
            c.execute(f"ALTER TABLE targets DROP COLUMN {col}")
        c.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with connection.connect(db) as c:
        assert schema.schema_version(c) == schema.SCHEMA_VERSION >= 2  # later steps may follow
        rd = snapshot.load_targets(c)["rd_intensity"]
        npr = snapshot.load_targets(c)["provincial_platforms"]
    assert (rd.glide_green_pp, rd.glide_amber_pp, rd.baseline_year) == (0.05, 0.15, 2024)
    assert (npr.glide_green_pp, npr.baseline_year) == (None, None)
