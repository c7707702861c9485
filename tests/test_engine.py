"""KPI values computed by hand on a small fixture (CONTRACT.md §3, DOMAIN.md §1): ratio of sums,
never a mean of ratios; cluster rows never feed a region or city; the city total row where one
exists; same-period change and gap in percentage points; warnings stored with the upload."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from support import fingerprint, ingest_text, stats_csv, status, warnings_of

from kpi.engine import series as engine_series
from kpi.store import connection, queries

# Two unequal units, a cluster row in each of two units, last year's same period.
#                       rd    rev   newp  gross  htech  iva
FIXTURE = stats_csv(
    "2025Q2,南湖区,,30,1000,600,1000,80,100",
    "2025Q2,嘉兴港区,,90,9000,3000,9000,600,900",
    "2025Q2,嘉兴港区,化工新材料,500,1000,900,1000,95,100",
    "2025Q2,平湖市,化工新材料,100,3000,1500,3000,150,300",
    "2025Q2,秀洲区,,,5000,,,,",  # revenue without R&D: must not deflate the city ratio
    "2024Q2,南湖区,,20,1000,500,1000,70,100",
    "2024Q2,嘉兴港区,,70,9000,2700,9000,540,900",
    "2024Q2,嘉兴港区,化工新材料,300,1000,800,1000,90,100",
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, _db_template: Path) -> Path:
    path = tmp_path_factory.mktemp("engine") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    result = ingest_text(path, FIXTURE)
    assert result.stored, result.report.errors
    return path


# scope → (rd_intensity, new_product_rate, hightech_share), by hand:
TABLE = [
    # city = 南湖 + 港区 all-industry rows; 秀洲 reports only revenue, so it counts for no ratio:
    # rd (30 + 90) / (1000 + 9000); new product (600 + 3000) / (1000 + 9000); high-tech (80 + 600) / (100 + 900)
    (("2025Q2", None, None), (120 / 10000, 3600 / 10000, 680 / 1000)),
    (("2025年1-6月", "全市", None), (120 / 10000, 3600 / 10000, 680 / 1000)),
    # single units: their own all-industry rows only, never their cluster rows
    (("2025Q2", "南湖区", None), (30 / 1000, 600 / 1000, 80 / 100)),
    (("2025Q2", "JX-PORT", None), (90 / 9000, 3000 / 9000, 600 / 900)),
    (("2025Q2", "330411", None), (None, None, None)),  # revenue alone: no ratio
    (("2025Q2", "海盐县", None), (None, None, None)),  # nothing uploaded
    # region × cluster
    (("2025Q2", "嘉兴港区", "化工新材料"), (500 / 1000, 900 / 1000, 95 / 100)),
    (("2025Q2", "平湖", "C5-01"), (100 / 3000, 1500 / 3000, 150 / 300)),
    # cluster only: Σ over the units hosting it (港区 + 平湖): (500 + 100) / (1000 + 3000), …
    (("2025Q2", None, "C5-01"), (600 / 4000, 2400 / 4000, 245 / 400)),
    (("2025Q2", None, "智能光伏"), (None, None, None)),
    # last year: (20 + 70) / (1000 + 9000), (500 + 2700) / 10000, (70 + 540) / 1000
    (("2024Q2", None, None), (90 / 10000, 3200 / 10000, 610 / 1000)),
]


@pytest.mark.parametrize(("scope", "expected"), TABLE, ids=[str(s) for s, _ in TABLE])
def test_hand_computed_kpis(small, scope, expected):
    out = status(small, *scope)
    got = tuple(
        out["indicators"][code]["value"] for code in ("rd_intensity", "new_product_rate", "hightech_share")
    )
    for g, e in zip(got, expected, strict=True):
        if e is None:
            assert g is None
        else:
            assert g == pytest.approx(e, rel=1e-12)


def test_ratio_of_sums_is_not_the_mean_of_ratios(small):
    # 南湖 3 % on 1000, 港区 1 % on 9000: the mean of ratios would say 2 %, the truth is 1.2 %
    rd = status(small, "2025Q2")["indicators"]["rd_intensity"]
    assert rd["value"] == pytest.approx(0.012, rel=1e-12)
    assert rd["value"] != pytest.approx((0.03 + 0.01) / 2)
    assert (rd["numerator"], rd["denominator"]) == (120.0, 10000.0)
    assert rd["units_reporting"] == 2
    assert rd["basis"] == "sum_of_units"


def test_same_period_change_and_gap_in_percentage_points(small):
    rd = status(small, "2025Q2")["indicators"]["rd_intensity"]
    assert rd["previous_period"] == "2024Q2"
    assert rd["target"] == 0.0315
    # two of the nine units and no city row: the sum is no city figure, so no light, no gap and
    # no same-period change from it (issue 12), though its value is written and flagged
    assert rd["status"] == "incomplete" and rd["complete"] is False
    assert rd["value"] == pytest.approx(0.012, rel=1e-12)
    assert rd["gap_pp"] is None and rd["previous_value"] is None and rd["change_pp"] is None
    assert rd["reported_units"] == ["330402", "JX-PORT"]
    nanhu_all = status(small, "2025Q2", "南湖区")["indicators"]
    assert nanhu_all["rd_intensity"]["gap"] == pytest.approx(0.0315 - 0.03, rel=1e-12)
    assert nanhu_all["rd_intensity"]["gap_pp"] == pytest.approx(0.15, rel=1e-9)
    assert nanhu_all["hightech_share"]["gap_pp"] == pytest.approx(-7.0, rel=1e-9)  # 73 % − 80 %
    port_all = status(small, "2025Q2", "嘉兴港区")["indicators"]
    assert port_all["rd_intensity"]["previous_value"] == pytest.approx(70 / 9000, rel=1e-12)
    assert port_all["hightech_share"]["change_pp"] == pytest.approx((600 / 900 - 0.6) * 100, rel=1e-9)
    assert port_all["rd_intensity"]["status"] == "off_track"  # 1 % is 2.15 pp short of 3.15 %
    port = status(small, "2025Q2", "嘉兴港区", "化工新材料")["indicators"]["rd_intensity"]
    assert port["change_pp"] == pytest.approx(20.0, rel=1e-9)  # 50 % against 30 %
    nanhu = status(small, "2025Q2", "南湖区")["indicators"]["rd_intensity"]
    assert nanhu["change_pp"] == pytest.approx(1.0, rel=1e-9)  # 3 % against 2 %


def test_no_previous_year_gives_no_change(small):
    ping = status(small, "2025Q2", "平湖市", "C5-01")["indicators"]["rd_intensity"]
    assert ping["previous_value"] is None and ping["change_pp"] is None
    none = status(small, "2025Q2", "海盐县")["indicators"]["rd_intensity"]
    assert none["status"] == "no_data" and none["gap_pp"] is None


def test_default_period_is_the_latest_with_data(small):
    assert status(small)["period"] == "2025Q2"


def test_cluster_rows_never_leak_into_region_or_city_totals(small, tmp_path):
    before = [status(small, "2025Q2", r)["indicators"]["rd_intensity"]["value"] for r in (None, "JX-PORT")]
    # add a huge cluster row: the city and the region must not move
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(small, path)
    assert ingest_text(path, stats_csv("2025Q2,嘉兴港区,氢能,9000,9000,9000,9000,900,900")).stored
    after = [status(path, "2025Q2", r)["indicators"]["rd_intensity"]["value"] for r in (None, "JX-PORT")]
    assert after == before
    assert status(path, "2025Q2", None, "CN-01")["indicators"]["rd_intensity"]["value"] == 1.0


def test_city_total_row_is_used_where_present_else_the_sum_of_units(small, tmp_path):
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(small, path)
    # the city row reports R&D and high-tech, but not the new-product pair
    assert ingest_text(path, stats_csv("2025Q2,全市,,130,10000,,,700,1000")).stored
    ind = status(path, "2025Q2")["indicators"]
    assert ind["rd_intensity"]["value"] == pytest.approx(130 / 10000, rel=1e-12)
    assert ind["rd_intensity"]["basis"] == "city_total_row"
    assert ind["hightech_share"]["value"] == pytest.approx(0.7, rel=1e-12)
    # per indicator: where the city row lacks a pair, the nine units' sum answers
    assert ind["new_product_rate"]["value"] == pytest.approx(0.36, rel=1e-12)
    assert ind["new_product_rate"]["basis"] == "sum_of_units"
    # the city row makes R&D complete; the new-product pair, from two of the nine units, is not
    assert (ind["rd_intensity"]["complete"], ind["new_product_rate"]["complete"]) == (True, False)
    assert ind["new_product_rate"]["status"] == "incomplete"
    # last year has no city row and only two units' rows: no figure to compare the city row with
    # (it once compared the city row with those two units' sum)
    assert ind["rd_intensity"]["previous_value"] is None and ind["rd_intensity"]["change_pp"] is None
    # a region scope is not affected by the city row
    assert status(path, "2025Q2", "南湖区")["indicators"]["rd_intensity"]["value"] == 0.03


def test_ratio_series_and_unit_ranking(small):
    with connection.connect(small) as con:
        series = engine_series.ratio_series(con)
        port = engine_series.ratio_series(con, "嘉兴港区")
        ranking = engine_series.unit_ranking(con, "2025Q2")
    # two of the nine units in both years and no city row: no city figure to draw (issue 12)
    assert series.empty
    rd = port[port["indicator"] == "rd_intensity"].set_index("period")["value"]
    assert rd.to_dict() == pytest.approx({"2024Q2": 70 / 9000, "2025Q2": 0.01}, rel=1e-12)
    rank = ranking[ranking["indicator"] == "rd_intensity"].set_index("region")
    assert rank.loc["330402", "value"] == 0.03 and rank.loc["330402", "rank"] == 1
    assert rank.loc["JX-PORT", "value"] == 0.01 and rank.loc["JX-PORT", "rank"] == 2
    assert rank.loc["JX-PORT", "change_pp"] == pytest.approx((0.01 - 70 / 9000) * 100, rel=1e-9)
    assert math.isnan(rank.loc["330424", "value"])  # 海盐 has no data
    assert len(rank) == 9


def test_zero_denominator_gives_null_not_an_error(db):
    assert ingest_text(db, stats_csv("2025Q2,南湖区,,0,0,0,0,0,0")).stored
    ind = status(db, "2025Q2", "南湖区")["indicators"]
    assert ind["rd_intensity"]["value"] is None
    assert ind["rd_intensity"]["status"] == "no_data"


# ---- warnings: stored with the upload, the file still stored

NINE = ("330402", "330411", "330421", "330424", "330481", "330482", "330483", "JX-ETDZ", "JX-PORT")


def _stored_warnings(db, upload_id):
    with connection.connect(db) as con:
        issues = queries.upload_issues(con, upload_id)
    return [
        (r.code, None if r.line is None or r.line != r.line else int(r.line), r.column_name)
        for r in issues.itertuples()
    ]


def test_year_to_date_decrease_is_a_stored_warning(db):
    # R&D 1—6月 below 1—3月 in one file; revenue 1—9月 (a second file) below 1—6月
    first = ingest_text(
        db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100", "2025Q2,南湖区,,25,2000,1000,2000,140,200")
    )
    assert first.stored
    assert warnings_of(first.report) == [("YTD_DECREASE", 3, "研发费用")]
    assert first.report.warnings[0].message("zh") == "累计值低于同年上一季度（2025Q1：30，本期：25）"
    assert _stored_warnings(db, first.upload_id) == [("YTD_DECREASE", 3, "研发费用")]
    second = ingest_text(db, stats_csv("2025Q3,南湖区,,40,1900,1500,3000,210,300"))
    assert second.stored
    assert warnings_of(second.report) == [("YTD_DECREASE", 2, "营业收入")]
    # Q1 of a new year restarts the year: no warning against last year's Q4
    third = ingest_text(
        db, stats_csv("2024Q4,秀洲区,,50,4000,2000,4000,280,400", "2025Q1,秀洲区,,5,500,200,500,30,50")
    )
    assert warnings_of(third.report) == []


def test_city_total_mismatch_above_a_tenth_of_a_percent_is_a_stored_warning(db):
    units = [f"2025Q2,{u},,10,1000,100,1000,10,100" for u in NINE]
    # revenue 9010 against 9000: 0.11 % off (warned); R&D 90.05 against 90: 0.056 % (not warned)
    result = ingest_text(db, stats_csv(*units, "2025Q2,全市,,90.05,9010,900,9000,90,900"))
    assert result.stored
    assert warnings_of(result.report) == [("CITY_TOTAL_MISMATCH", 11, "营业收入")]
    assert result.report.warnings[0].message("zh") == (
        "2025Q2 全市合计（9,010）与各单位之和（9,000）相差 0.11%，超过 0.1%"
    )
    assert _stored_warnings(db, result.upload_id) == [("CITY_TOTAL_MISMATCH", 11, "营业收入")]
    assert status(db, "2025Q2")["indicators"]["rd_intensity"]["value"] == pytest.approx(90.05 / 9010)


def test_a_city_total_alone_is_checked_against_the_units_stored_before(db):
    assert ingest_text(db, stats_csv(*(f"2025Q2,{u},,10,1000,100,1000,10,100" for u in NINE))).stored
    # the city's row comes later, alone: 9010 against the nine stored units' 9000
    result = ingest_text(db, stats_csv("2025Q2,全市,,90,9010,900,9000,90,900"))
    assert result.stored
    assert warnings_of(result.report) == [("CITY_TOTAL_MISMATCH", 2, "营业收入")]
    assert result.report.warnings[0].params["units"] == "9,000"
    # a unit's revision that breaks the stored city total is flagged too, at no line of the file
    revised = ingest_text(db, stats_csv("2025Q2,南湖区,,10,1020,100,1000,10,100"))
    assert [(w.code, w.line) for w in revised.report.warnings] == [("CITY_TOTAL_MISMATCH", None)]
    assert revised.report.warnings[0].params == {
        "period": "2025Q2",
        "city": "9,010",
        "units": "9,020",
        "diff_pct": "0.11",
    }


def test_no_city_mismatch_warning_when_a_unit_is_missing(db):
    units = [f"2025Q2,{u},,10,1000,100,1000,10,100" for u in NINE[:8]]
    result = ingest_text(db, stats_csv(*units, "2025Q2,全市,,90,9000,900,9000,90,900"))
    assert warnings_of(result.report) == []


def test_ratio_outlier_needs_four_history_points(db):
    history = [
        f"{y}Q{q},南湖区,,{rd},1000,500,1000,70,100"
        for (y, q), rd in zip(((2024, 1), (2024, 2), (2024, 3)), (30, 31, 30), strict=True)
    ]
    assert ingest_text(db, stats_csv(*history)).stored
    # three points of history: no judgement yet, even for a jump from 3 % to 9 %
    three = ingest_text(db, stats_csv("2025Q1,南湖区,,90,1000,500,1000,70,100"))
    assert warnings_of(three.report) == []
    assert ingest_text(db, stats_csv("2024Q4,南湖区,,31,1000,500,1000,70,100")).stored
    # now history is 3.0, 3.1, 3.0, 3.1 % (mean 3.05 %, sd 0.058 pp): 9 % is ~103 sd away
    four = ingest_text(db, stats_csv("2025Q1,南湖区,,90,1000,500,1000,70,100"))
    assert four.stored
    assert warnings_of(four.report) == [("RATIO_OUTLIER", 2, "研发费用")]
    assert four.report.warnings[0].params["mean"] == "3.05%"
    assert _stored_warnings(db, four.upload_id) == [("RATIO_OUTLIER", 2, "研发费用")]
    # within 3 sd: 3.1 % is not an outlier
    calm = ingest_text(db, stats_csv("2025Q1,南湖区,,31,1000,500,1000,70,100"))
    assert warnings_of(calm.report) == []


def test_warnings_never_block_and_rejected_files_store_no_warning(db):
    ok = ingest_text(
        db, stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100", "2025Q2,南湖区,,20,2000,1000,2000,140,200")
    )
    assert ok.stored and ok.report.warnings
    before = fingerprint(db)
    bad = ingest_text(db, stats_csv("2025Q3,南湖区,,10,3000,1500,3000,210,300", "2025Q3,火星,,1,1,1,1,1,1"))
    assert not bad.stored
    assert fingerprint(db) == before
