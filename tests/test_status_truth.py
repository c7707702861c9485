"""What `kpi status --json` says is true (issue 12): a figure and its words never disagree.

- an early report of one unit is no city figure, and no default view (item 8);
- the pace class and the glide path do not depend on the quarter (item 4);
- two periods compared stand on one basis, or say they do not (item 5);
- a band target has one rule for the light, `met` and the catch-up sentence (item 6).

Every database is a real DuckDB file loaded through the real ingestion; the CLI tests run the
installed `kpi` command.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ingest_text, run_kpi, stats_csv, status

from kpi.engine import breakdown
from kpi.engine import series as engine_series
from kpi.model.definitions import TargetKind
from kpi.model.periods import Period
from kpi.progress import entry as progress_entry
from kpi.progress.compute import Target
from kpi.store import connection

UNITS = ("南湖区", "秀洲区", "嘉善县", "海盐县", "海宁市", "平湖市", "桐乡市", "经开区", "嘉兴港区")
UNIT_CODES = ("330402", "330411", "330421", "330424", "330481", "330482", "330483", "JX-ETDZ", "JX-PORT")


def nine(period: str, row: str = "30,1000,500,1000,70,100") -> list[str]:
    return [f"{period},{u},,{row}" for u in UNITS]


# ---------------------------------------------------------------- item 8: complete quarters


@pytest.fixture(scope="module")
def early(tmp_path_factory: pytest.TempPathFactory, _db_template: Path) -> Path:
    """2025Q1 from all nine units (3 % each); 2025Q2 from 南湖区 only (4.5 %, above the target).
    Cluster C3-02 has rows from 南湖区 and 经开区 in 2025Q1, from 南湖区 only in 2025Q2."""
    path = tmp_path_factory.mktemp("early") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    rows = [
        *nine("2025Q1"),
        "2025Q1,南湖区,C3-02,10,200,100,200,30,40",
        "2025Q1,经开区,C3-02,10,200,100,200,30,40",
        "2025Q2,南湖区,,45,1000,600,1000,80,100",
        "2025Q2,南湖区,C3-02,20,200,100,200,30,40",
    ]
    assert ingest_text(path, stats_csv(*rows)).stored
    return path


def _json(db: Path, *args: str) -> dict:
    done = run_kpi("status", "--json", *args, db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_default_period_is_the_latest_complete_quarter(early: Path):
    out = _json(early)
    assert out["period"] == "2025Q1"  # not 2025Q2, which only 南湖区 has sent
    assert (out["latest_period"], out["latest_complete_period"]) == ("2025Q2", "2025Q1")
    assert out["complete"] is True and out["missing_units"] == []
    rd = out["indicators"]["rd_intensity"]
    assert rd["value"] == pytest.approx(0.03) and rd["complete"] is True and rd["status"] != "incomplete"


def test_an_incomplete_quarter_says_so_and_who_has_reported(early: Path):
    out = _json(early, "--period", "2025Q2")
    assert out["complete"] is False
    assert out["reported_units"] == ["330402"]
    assert out["missing_units"] == list(UNIT_CODES[1:])
    for code in ("rd_intensity", "new_product_rate", "hightech_share"):
        e = out["indicators"][code]
        # 南湖区's 4.5 % is no city figure: never 'achieved' from one unit
        assert e["status"] == "incomplete" and e["complete"] is False, code
        assert e["reported_units"] == ["330402"] and len(e["missing_units"]) == 8
        assert "1/9" in e["status_rule"] and "南湖" in e["status_rule"]
        # no comparison, no glide path and no pace from a partial sum
        assert e["change_pp"] is None and e["decomposition"] is None
        assert e["glide"]["status"] == "insufficient_data" and e["pace_class"] == "insufficient_data"
    # the unit's own figure is complete: its light is its own
    nanhu = _json(early, "--period", "2025Q2", "--region", "南湖区")["indicators"]["rd_intensity"]
    assert nanhu["status"] == "achieved" and nanhu["complete"] is True


def test_a_clusters_city_figure_needs_every_unit_with_its_rows(early: Path):
    out = status(early, "2025Q2", None, "C3-02")
    rd = out["indicators"]["rd_intensity"]
    assert (out["complete"], out["reported_units"], out["missing_units"]) == (False, ["330402"], ["JX-ETDZ"])
    assert rd["status"] == "incomplete" and rd["missing_units"] == ["JX-ETDZ"]
    full = status(early, "2025Q1", None, "C3-02")["indicators"]["rd_intensity"]
    assert full["complete"] is True and full["value"] == pytest.approx(20 / 400)
    with connection.connect(early) as con:
        ratios = breakdown.cluster_ratios(con, "2025Q2")
        assert "C3-02" not in set(ratios["cluster"])  # the city's cluster table leaves it out
        assert "C3-02" in set(breakdown.cluster_ratios(con, "2025Q1")["cluster"])
        assert "C3-02" in set(breakdown.cluster_ratios(con, "2025Q2", "330402")["cluster"])


def test_the_citys_trend_leaves_out_an_incomplete_quarter(early: Path):
    with connection.connect(early) as con:
        city = engine_series.ratio_series(con)
        nanhu = engine_series.ratio_series(con, "南湖区")
    assert sorted(set(city["period"])) == ["2025Q1"]
    assert sorted(set(nanhu["period"])) == ["2025Q1", "2025Q2"]


def test_a_city_row_completes_a_quarter(early: Path, tmp_path: Path):
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(early, path)
    assert ingest_text(path, stats_csv("2025Q2,嘉兴市,,330,10000,5000,10000,700,1000")).stored
    out = status(path)
    assert out["period"] == "2025Q2" and out["complete"] is True and out["city_total_row"] is True
    rd = out["indicators"]["rd_intensity"]
    assert rd["basis"] == "city_total_row" and rd["status"] != "incomplete"


def test_the_pages_open_on_the_latest_complete_quarter_and_name_who_reported(
    early: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import support

    support.app_copy(early, tmp_path, monkeypatch)
    at = support.app("leader").run()
    assert not at.exception
    assert at.sidebar.selectbox[0].value == "2025Q1"
    assert not [w for w in at.warning if "尚未报齐" in w.value]
    at.sidebar.selectbox[0].set_value("2025Q2").run()
    assert not at.exception
    notices = [w.value for w in at.warning if "尚未报齐" in w.value]
    assert len(notices) == 1 and "1/9" in notices[0] and "南湖" in notices[0]
    assert "最近报齐的一期：2025年1—3月" in notices[0]
    assert "数据未报齐" in " ".join(m.value for m in at.markdown)  # the cards' light, not 达标
    assert [m.value for m in at.metric][:3] == ["—", "—", "—"]  # not 南湖区's 4.50 % as the city's


# ---------------------------------------------------------------- item 4: whole years


@pytest.fixture(scope="module")
def quarters(tmp_path_factory: pytest.TempPathFactory, _db_template: Path) -> Path:
    """南湖区: R&D 3.00 % in 2024 and 3.04 % in 2025, the same in Q1 and in Q4."""
    path = tmp_path_factory.mktemp("quarters") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    rows = [
        f"{y}Q{q},南湖区,,{rd},10000,5000,10000,700,1000"
        for q in (1, 4)
        for y, rd in ((2024, 300), (2025, 304))
    ]
    assert ingest_text(path, stats_csv(*rows)).stored
    return path


def test_the_pace_class_does_not_depend_on_the_quarter(quarters: Path):
    q1 = status(quarters, "2025Q1", "南湖区")["indicators"]["rd_intensity"]
    q4 = status(quarters, "2025Q4", "南湖区")["indicators"]["rd_intensity"]
    # r = 3.04/3.00 − 1 over 1 year, r* = (3.15/3.00)^(1/3) − 1 over 3 years (2024 → 2027)
    r, r_star = 0.04 / 3, 1.05 ** (1 / 3) - 1
    for e in (q1, q4):
        assert e["pace"]["r"] == pytest.approx(r) and e["pace"]["r_star"] == pytest.approx(r_star)
        assert e["pace_ratio"] == pytest.approx(r / r_star)  # 0.813
        assert e["pace_class"] == "moderate"
        assert (e["pace"]["years_elapsed"], e["pace"]["years_allowed"]) == (1, 3)
        assert e["glide"]["expected"] == pytest.approx(0.0305)  # 3.00 % + 0.15 pp × 1/3
        assert e["glide"]["time_elapsed"] == pytest.approx(1 / 3)
        assert e["catch_up"]["years_left"] == 2.0
    assert q1["glide"]["target_period"] == "2027Q1" and q4["glide"]["target_period"] == "2027Q4"
    assert q1["status"] == q4["status"]


def _target() -> Target:
    return Target(
        "rd_intensity", TargetKind.POINT, 0.0315, ">=", dt.date(2027, 12, 31), dt.date(2025, 7, 4),
        green_pp=0.15, amber_pp=0.40, glide_green_pp=0.05, glide_amber_pp=0.15, baseline_year=2024,
    )  # fmt: skip


def _row(value: float) -> dict:
    return {
        "numerator": value * 1e6,
        "denominator": 1e6,
        "basis": "region_rows",
        "complete": True,
        "uploads": [1],
    }


@settings(max_examples=150, deadline=None)
@given(
    base=st.floats(0.005, 0.06),
    values=st.lists(st.floats(0.0, 0.08), min_size=1, max_size=4),
    q=st.integers(1, 4),
)
def test_progress_is_the_same_in_every_quarter(base, values, q):
    """Identical same-quarter series in two quarters: the same path, pace and class."""
    target = _target()
    years = range(2024, 2025 + len(values))
    series = [base, *values]

    def keys(quarter: int) -> dict:
        by_period = {Period(y, quarter).code: _row(v) for y, v in zip(years, series, strict=True)}
        return progress_entry.enrich(by_period, target, Period(years[-1], quarter))

    a, b = keys(4), keys(q)
    for k in ("expected", "distance_pp", "time_elapsed", "status"):
        assert a["glide"][k] == b["glide"][k], k
    for k in ("r", "r_star", "ratio", "class", "years_elapsed", "years_allowed"):
        assert a["pace"][k] == b["pace"][k], k
    assert a["pace_class"] == b["pace_class"]
    for k in ("required_pp_per_year", "required_growth_per_year", "years_left", "met"):
        assert a["catch_up"][k] == b["catch_up"][k], k


# ---------------------------------------------------------------- item 5: one basis


@pytest.fixture(scope="module")
def switch(tmp_path_factory: pytest.TempPathFactory, _db_template: Path) -> Path:
    """2024Q2: the nine units, R&D 3.00 % (270 / 9000), no city row. 2025Q2: the nine units at
    3.20 % (288 / 9000) and the city's own row at 3.40 % (306 / 9000). Of the +0.40 pp from 3.00 %
    to 3.40 %, +0.20 pp is the switch of basis: like with like, R&D rose 0.20 pp."""
    path = tmp_path_factory.mktemp("switch") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    rows = [
        *nine("2024Q2"),
        *nine("2025Q2", "32,1000,500,1000,70,100"),
        "2025Q2,嘉兴市,,306,9000,4500,9000,630,900",
    ]
    assert ingest_text(path, stats_csv(*rows)).stored
    return path


def test_the_change_compares_like_with_like(switch: Path):
    rd = _json(switch, "--period", "2025Q2")["indicators"]["rd_intensity"]
    assert rd["value"] == pytest.approx(0.034) and rd["basis"] == "city_total_row"  # the city's figure
    assert rd["previous_basis"] == rd["comparison_basis"] == "sum_of_units"
    assert rd["value_compared"] == pytest.approx(0.032) and rd["previous_value"] == pytest.approx(0.03)
    assert rd["change_pp"] == pytest.approx(0.2)  # not 0.4
    assert rd["change_pp"] == pytest.approx((rd["value_compared"] - rd["previous_value"]) * 100)
    assert rd["basis_consistent"] is True and "各单位合计" in rd["basis_note"]
    d = rd["decomposition"]
    assert d["basis"] == "sum_of_units" and d["total_pp"] == pytest.approx(rd["change_pp"])
    assert d["numerator_effect_pp"] == pytest.approx(0.2) and d["denominator_effect_pp"] == pytest.approx(0.0)
    # the baseline (2024Q2) is compared on the same basis, the light on the city's own figure
    assert rd["baseline_basis"] == rd["baseline"]["basis"] == "sum_of_units"
    assert rd["glide"]["distance_pp"] == pytest.approx(0.0305 * 100 - 3.2)  # 3.20 % against 3.05 %
    assert rd["status"] == "achieved"  # 3.40 % ≥ 3.15 %
    assert rd["basis_note"] in rd["decomposition"]["text"]


def test_where_no_common_basis_exists_it_says_so(switch: Path, tmp_path: Path):
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(switch, path)
    with connection.connect(path, write=True) as con:  # 2025Q2 without 嘉兴港区: the units' sum is incomplete
        con.execute(
            "UPDATE stat_values SET is_current = false WHERE period = '2025Q2' AND region = 'JX-PORT'"
        )
    rd = status(path, "2025Q2")["indicators"]["rd_intensity"]
    assert rd["complete"] is True  # the city's own row
    assert (rd["basis"], rd["previous_basis"], rd["basis_consistent"]) == (
        "city_total_row",
        "sum_of_units",
        False,
    )
    assert rd["change_pp"] == pytest.approx(0.4) and "口径不一致" in rd["basis_note"]
    assert rd["decomposition"] is None  # no split of a change that includes a switch of basis


def test_the_card_and_the_brief_say_the_basis(switch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import support

    from kpi.reports import brief

    support.app_copy(switch, tmp_path, monkeypatch)
    note = status(switch, "2025Q2")["indicators"]["rd_intensity"]["basis_note"]
    at = support.app("leader").run()
    assert not at.exception
    assert any(note in c.value.split("  \n") for c in at.caption)  # a line of the card's caption
    with connection.connect(switch) as con:
        page = brief.brief_html(con, "2025Q2")
    assert note in page


# ---------------------------------------------------------------- item 6: the band rule


@pytest.mark.parametrize(
    ("hightech", "met", "words"),
    [
        (725, True, "在目标区间内（72.00%—74.00%）"),  # 72.5 %: inside 73 % ± 1 pp
        (720, True, "在目标区间内（72.00%—74.00%）"),  # the lower edge itself
        (760, True, "高于目标区间上沿（74.00%）2.00个百分点"),
        (715, False, "距目标区间下沿（72.00%）0.50个百分点"),
    ],
)
def test_a_band_target_has_one_rule(db: Path, hightech, met, words):
    assert ingest_text(db, stats_csv(f"2025Q2,南湖区,,30,1000,500,1000,{hightech},1000")).stored
    e = status(db, "2025Q2", "南湖区")["indicators"]["hightech_share"]
    assert e["catch_up"]["met"] is met
    assert (e["status"] == "achieved") is met
    assert e["gap_text"] == words
    if met:
        assert "需再增加" not in e["catch_up"]["text"]
    else:  # what is missing to what counts as achieved: the band's lower edge
        assert e["catch_up"]["extra_numerator"] == pytest.approx(720 - hightech)
        assert "72.00%" in e["catch_up"]["text"] and "73.00%" not in e["catch_up"]["text"]


def test_the_brief_asks_for_nothing_inside_the_band(db: Path):
    from kpi.reports import brief

    assert ingest_text(db, stats_csv("2025Q2,南湖区,,30,1000,500,1000,725,1000")).stored
    with connection.connect(db) as con:
        data = brief.gather(con, "2025Q2", "南湖区", today=dt.date(2026, 1, 15))
    assert not [line for line in brief.attention(data) if "尚未达到目标" in line and "高新" in line]
    assert "距目标 0.50" not in brief.html_page(data)


def test_a_unit_inside_the_band_is_not_listed_below_the_target(db: Path, monkeypatch: pytest.MonkeyPatch):
    """The units-below lists (overview, brief) use the light's rule: 72.5 % is achieved, 71.5 % not."""
    import support

    from kpi.engine import snapshot
    from kpi.reports import attention, brief

    rows = [*nine("2025Q2", "30,1000,500,1000,725,1000")]
    rows[1] = "2025Q2,秀洲区,,30,1000,500,1000,715,1000"
    assert ingest_text(db, stats_csv(*rows)).stored
    with connection.connect(db) as con:
        out = status(db, "2025Q2")
        ranking = engine_series.unit_ranking(con, "2025Q2")
        targets = snapshot.load_targets(con)
        data = brief.gather(con, "2025Q2", today=dt.date(2026, 1, 15))
    items = attention.attention_items(out, ranking, targets, {"330411": "秀洲"}, "zh")
    below = [i.reason for i in items if i.kind == attention.BELOW and i.indicator == "hightech_share"]
    assert below == ["低于目标区间下沿72.00%的单位：秀洲"]  # the band's edge, as on the cards
    lines = [line for line in brief.attention(data) if line.startswith("高新") and "低于目标" in line]
    assert lines == ["高新技术产业占比低于目标区间下沿72.00%的单位：秀洲"]

    monkeypatch.setenv("KPI_DB", str(db))
    at = support.app("leader", query={"region": "330402", "period": "2025Q2"}).run()
    at.switch_page("pages/regions.py").run()
    assert not at.exception
    assert any("在目标区间内（72.00%—74.00%）" in c.value for c in at.caption)
