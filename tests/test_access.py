"""Each role sees exactly its scope, asserted on the numbers the kpi functions return (not on
page titles), and only the roles that may change data can: Forbidden comes before any read or
write, and a refused change leaves the database as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from support import TODAY, fingerprint, ingest_text, stats_csv

from kpi.engine import breakdown, series, status
from kpi.ingest.clusters import ingest_clusters
from kpi.ingest.platforms import ingest_platforms
from kpi.ingest.stats import ingest_stats
from kpi.model.roles import (
    Forbidden,
    Permission,
    Role,
    Viewer,
    authorize_scope,
    can,
    can_admin,
    can_rollback,
    can_upload,
    default_region,
    visible_regions,
)
from kpi.store import connection, queries, writes

NANHU, XIUZHOU, CITY = "330402", "330411", "330400"

# rd / revenue: 南湖 30/1000 = 3 %, 秀洲 10/500 = 2 %, city (sum of the units) 40/1500
DATA = stats_csv(
    "2024Q1,南湖区,,24,1000,400,1000,60,100",
    "2024Q1,秀洲区,,12,500,250,500,35,50",
    "2025Q1,南湖区,,30,1000,500,1000,70,100",
    "2025Q1,秀洲区,,10,500,300,500,30,50",
    "2025Q1,南湖区,智能光伏,6,200,100,200,20,40",
    "2025Q1,秀洲区,智能光伏,3,300,100,300,10,20",
)
PLATFORMS = "平台名称,依托单位,县(市、区),服务集群,级别\n光伏中试平台,某公司,南湖区,智能光伏,省级\n"

LEADER = Viewer("lingdao", Role.LEADER)
STATISTICIAN = Viewer("tongji", Role.STATISTICIAN)
ADMIN = Viewer("guanli", Role.ADMIN)
NANHU_OFFICIAL = Viewer("nanhu", Role.COUNTY, NANHU)
EVERYONE = [LEADER, STATISTICIAN, ADMIN, NANHU_OFFICIAL]
ALL_REGIONS = [LEADER, STATISTICIAN, ADMIN]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, _db_template: Path) -> Path:
    path = tmp_path_factory.mktemp("access") / "kpi.duckdb"
    shutil.copyfile(_db_template, path)
    assert ingest_text(path, DATA).stored
    with connection.connect(path) as con:
        assert ingest_platforms(con, PLATFORMS.encode(), "p.csv").stored
    return path


@pytest.fixture
def con(loaded: Path):
    with connection.connect(loaded) as c:
        yield c


def _status(con, viewer, region=None, cluster=None):
    return status.kpi_status(con, "2025Q1", region, cluster, today=TODAY, viewer=viewer)


def _rd(out) -> float | None:
    return out["indicators"]["rd_intensity"]["value"]


# ---------------------------------------------------------------- the pure rules


@pytest.mark.parametrize(
    ("viewer", "upload", "rollback", "admin", "regions"),
    [
        (LEADER, False, False, False, None),
        (STATISTICIAN, True, True, False, None),
        (ADMIN, False, False, True, None),
        (NANHU_OFFICIAL, False, False, False, frozenset({NANHU})),
        (None, True, True, True, None),  # the command line: a trusted operator
    ],
)
def test_each_role_has_exactly_its_rights(viewer, upload, rollback, admin, regions):
    assert (can_upload(viewer), can_rollback(viewer), can_admin(viewer)) == (upload, rollback, admin)
    assert visible_regions(viewer) == regions
    assert can(viewer, Permission.MANAGE_TARGETS) == admin
    assert can(viewer, Permission.MANAGE_TAXONOMY) == admin
    assert can(viewer, Permission.VIEW_AUDIT) == admin


def test_a_county_viewer_needs_a_region_and_only_it_has_one():
    with pytest.raises(ValueError):
        Viewer("x", Role.COUNTY)
    with pytest.raises(ValueError):
        Viewer("x", Role.LEADER, NANHU)
    assert Viewer("x", "county", NANHU).role is Role.COUNTY  # a plain string is taken as the role


@pytest.mark.parametrize(
    ("region", "allowed"), [(NANHU, True), (XIUZHOU, False), (CITY, False), (None, False)]
)
def test_authorize_scope_for_a_county_official(region, allowed):
    if allowed:
        assert authorize_scope(NANHU_OFFICIAL, region, "C3-01") == NANHU
    else:
        with pytest.raises(Forbidden):
            authorize_scope(NANHU_OFFICIAL, region)
    for viewer in ALL_REGIONS:
        assert authorize_scope(viewer, region) == (None if region in (None, CITY) else region)


def test_default_region_opens_a_county_official_on_its_unit():
    assert default_region(NANHU_OFFICIAL) == NANHU
    assert [default_region(v) for v in ALL_REGIONS] == [None, None, None]


def test_forbidden_messages_name_the_account_and_what_was_refused():
    with pytest.raises(Forbidden) as refused:
        authorize_scope(NANHU_OFFICIAL, XIUZHOU)
    assert refused.value.message("zh") == (
        "区县账号 nanhu 只能查看南湖区的明细，不能查看秀洲区的明细（各单位的比较见全市排名）"
    )
    assert refused.value.message("en") == (
        "county account nanhu may see the detail of Nanhu only, not of Xiuzhou "
        "(the city ranking compares the units)"
    )
    with pytest.raises(Forbidden) as refused:
        authorize_scope(NANHU_OFFICIAL, None)
    assert "不能查看嘉兴市的明细" in refused.value.message("zh")
    with pytest.raises(Forbidden) as refused:
        ingest_stats(None, b"", "x.csv", viewer=LEADER)  # type: ignore[arg-type]
    assert refused.value.message("zh") == "账号 lingdao（领导）无权上传数据"


# ---------------------------------------------------------------- reading, with numbers


@pytest.mark.parametrize("viewer", ALL_REGIONS, ids=lambda v: v.role.value)
def test_leader_statistician_and_admin_see_the_city_and_every_unit(con, viewer):
    assert _rd(_status(con, viewer)) == pytest.approx(40 / 1500)
    assert _rd(_status(con, viewer, "南湖区")) == pytest.approx(0.03)
    assert _rd(_status(con, viewer, "秀洲区")) == pytest.approx(0.02)
    assert _rd(_status(con, viewer, None, "智能光伏")) == pytest.approx(9 / 500)
    assert _status(con, viewer) == _status(con, None)  # the same answer as the trusted operator


def test_a_county_official_sees_its_own_unit_in_full(con):
    mine = _status(con, NANHU_OFFICIAL, "南湖区")
    assert mine == _status(con, None, "南湖区")
    assert _rd(mine) == pytest.approx(0.03)
    assert mine["indicators"]["new_product_rate"]["value"] == pytest.approx(0.5)
    assert mine["indicators"]["provincial_platforms"]["value"] == 1
    # by code, by short name, and one cluster inside the unit
    assert _status(con, NANHU_OFFICIAL, NANHU) == mine
    assert _status(con, NANHU_OFFICIAL, "南湖") == mine
    assert _rd(_status(con, NANHU_OFFICIAL, "南湖区", "智能光伏")) == pytest.approx(6 / 200)


@pytest.mark.parametrize(
    ("region", "cluster"),
    [(None, None), ("嘉兴市", None), ("全市", None), ("秀洲区", None), (XIUZHOU, None), (None, "智能光伏")],
)
def test_a_county_official_cannot_see_the_city_or_another_unit(con, region, cluster):
    with pytest.raises(Forbidden):
        _status(con, NANHU_OFFICIAL, region, cluster)
    with pytest.raises(Forbidden):
        series.ratio_series(con, region, cluster, viewer=NANHU_OFFICIAL)


def test_forbidden_comes_before_any_statistic_is_read(loaded):
    closed = duckdb.connect(str(loaded), read_only=True)
    closed.close()  # any query on it would raise a ConnectionException instead of Forbidden
    with pytest.raises(Forbidden):
        status.kpi_status(closed, "2025Q1", viewer=NANHU_OFFICIAL)
    with pytest.raises(Forbidden):
        breakdown.cluster_ratios(closed, "2025Q1", None, viewer=NANHU_OFFICIAL)
    with pytest.raises(Forbidden):
        ingest_stats(closed, b"anything", "x.csv", viewer=LEADER)
    with pytest.raises(Forbidden):
        writes.rollback_upload(closed, 1, viewer=NANHU_OFFICIAL)


def test_the_ratio_series_of_a_county_official_is_its_own(con):
    mine = series.ratio_series(con, "南湖区", viewer=NANHU_OFFICIAL)
    assert mine.equals(series.ratio_series(con, "南湖区"))
    rd = mine[mine["indicator"] == "rd_intensity"].set_index("period")["value"]
    assert rd.to_dict() == pytest.approx({"2024Q1": 0.024, "2025Q1": 0.03})


def test_every_role_sees_the_ranking_but_a_county_official_not_the_others_amounts(con):
    full = series.unit_ranking(con, "2025Q1")
    rd = full[full["indicator"] == "rd_intensity"].set_index("region")
    assert rd.loc[NANHU, "rank"] == 1 and rd.loc[XIUZHOU, "rank"] == 2
    for viewer in ALL_REGIONS:
        assert series.unit_ranking(con, "2025Q1", viewer=viewer).equals(full)
    county = series.unit_ranking(con, "2025Q1", viewer=NANHU_OFFICIAL)
    # the same ratios and ranks for all nine units
    assert county[["region", "indicator", "value", "rank", "change_pp"]].equals(
        full[["region", "indicator", "value", "rank", "change_pp"]]
    )
    mine = county[county["region"] == NANHU]
    others = county[county["region"] != NANHU]
    assert mine.set_index("indicator").loc["rd_intensity", "numerator"] == 30
    assert mine.set_index("indicator").loc["rd_intensity", "denominator"] == 1000
    assert others["numerator"].isna().all() and others["denominator"].isna().all()
    assert county.set_index(["region", "indicator"]).loc[(XIUZHOU, "rd_intensity"), "value"] == 0.02


def test_cluster_breakdowns_are_scoped_in_the_query(con):
    mine = breakdown.cluster_ratios(con, "2025Q1", NANHU, viewer=NANHU_OFFICIAL)
    assert mine.equals(breakdown.cluster_ratios(con, "2025Q1", NANHU))
    assert mine.set_index("indicator").loc["rd_intensity", "value"] == pytest.approx(0.03)
    for region in (None, CITY, XIUZHOU):
        with pytest.raises(Forbidden):
            breakdown.cluster_ratios(con, "2025Q1", region, viewer=NANHU_OFFICIAL)
    full = breakdown.region_cluster_matrix(con, "2025Q1")
    assert set(full["region"]) == {NANHU, XIUZHOU}
    county = breakdown.region_cluster_matrix(con, "2025Q1", viewer=NANHU_OFFICIAL)
    assert set(county["region"]) == {NANHU}
    assert county.reset_index(drop=True).equals(full[full["region"] == NANHU].reset_index(drop=True))
    assert breakdown.region_cluster_matrix(con, "2025Q1", viewer=LEADER).equals(full)


# ---------------------------------------------------------------- changing


def _copy(loaded: Path, tmp_path: Path) -> Path:
    path = tmp_path / "kpi.duckdb"
    shutil.copyfile(loaded, path)
    return path


NEW_ROW = stats_csv("2025Q1,嘉善县,,5,100,50,100,7,10").encode()


@pytest.mark.parametrize("viewer", [LEADER, ADMIN, NANHU_OFFICIAL], ids=lambda v: v.role.value)
def test_only_a_statistician_uploads_and_rolls_back(loaded, tmp_path, viewer):
    db = _copy(loaded, tmp_path)
    before = fingerprint(db)
    with connection.connect(db) as con:
        with pytest.raises(Forbidden):
            ingest_stats(con, NEW_ROW, "new.csv", today=TODAY, viewer=viewer)
        with pytest.raises(Forbidden):
            ingest_platforms(con, PLATFORMS.encode(), "p.csv", viewer=viewer)
        with pytest.raises(Forbidden):
            writes.rollback_upload(con, 1, viewer=viewer)
    assert fingerprint(db) == before


def test_a_statistician_uploads_under_its_own_name_and_rolls_back(loaded, tmp_path):
    db = _copy(loaded, tmp_path)
    with connection.connect(db) as con:
        done = ingest_stats(con, NEW_ROW, "new.csv", today=TODAY, viewer=STATISTICIAN)
        assert done.stored
        assert _rd(_status(con, STATISTICIAN, "嘉善县")) == pytest.approx(0.05)
        assert queries.uploads(con).set_index("id").loc[done.upload_id, "uploaded_by"] == "tongji"
        assert writes.rollback_upload(con, done.upload_id, viewer=STATISTICIAN) == 1
        assert _rd(_status(con, STATISTICIAN, "嘉善县")) is None
        assert queries.uploads(con).set_index("id").loc[done.upload_id, "rolled_back_by"] == "tongji"


TAXONOMY = "code,name,name_en,tier,group,confirmed\nC9-99,测试集群,Test cluster,N,future,false\n"


def test_only_an_admin_changes_targets_and_the_taxonomy(loaded, tmp_path):
    db = _copy(loaded, tmp_path)
    before = fingerprint(db)
    with connection.connect(db) as con:
        for viewer in (LEADER, STATISTICIAN, NANHU_OFFICIAL):
            with pytest.raises(Forbidden), connection.transaction(con):
                writes.set_target(con, "rd_intensity", value=0.04, viewer=viewer)
            with pytest.raises(Forbidden):
                ingest_clusters(con, TAXONOMY.encode(), "c.csv", viewer=viewer)
    assert fingerprint(db) == before
    with connection.connect(db) as con:
        with connection.transaction(con):
            assert writes.set_target(con, "rd_intensity", value=0.04, viewer=ADMIN)
        assert ingest_clusters(con, TAXONOMY.encode(), "c.csv", viewer=ADMIN).stored
        assert _status(con, ADMIN)["indicators"]["rd_intensity"]["target"] == 0.04
        assert "C9-99" in set(con.execute("SELECT code FROM clusters").df()["code"])
