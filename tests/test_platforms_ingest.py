"""Pilot-platform register (CONTRACT.md §2) and the cluster taxonomy: aliases, cluster lists,
dates, levels, rejections by line and column, re-import as a revision, and the counts the KPI
status makes of them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from support import TODAY, fingerprint, ingest_text, problems, stats_csv, status

from kpi.ingest.clusters import ingest_clusters
from kpi.ingest.platforms import ingest_platforms, parse_dates
from kpi.platforms.register import current_platforms
from kpi.store import connection, writes

HEADER = "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态"


def _ingest(db, text: str, name: str = "名录.csv", encoding: str = "utf-8"):
    with connection.connect(db) as con:
        return ingest_platforms(con, text.encode(encoding), name)


def _current(db):
    with connection.connect(db) as con:
        frame = current_platforms(con)
    return {
        r.name: (r.host, r.region, list(r.clusters), r.level, r.build_model, _date(r.recognised_on), r.status)
        for r in frame.itertuples()
    }


def _date(value) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


@pytest.mark.parametrize(
    "header",
    [
        "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态",
        "名称,建设单位,地区,所属集群,层级,建设模式,认定日期,状态",
        " 名称 ,建设单位,县（市、区）,产业集群,层级,建设模式,认定日期,状态",
        "name,host,region,clusters,level,build_model,recognised_on,status",
        "Name,HOST,County,Cluster,Level,Build_Model,recognized_on,Status",
    ],
)
def test_header_aliases(db, header):
    result = _ingest(
        db,
        f"{header}\n光伏平台,某公司,海宁市,智能光伏,省级,龙头企业开放,2025-06-30,运行\n",
        encoding="gbk" if header.isascii() else "utf-8",
    )
    assert problems(result.report) == [] and result.stored
    assert _current(db) == {
        "光伏平台": (
            "某公司",
            "330481",
            ["C3-01"],
            "provincial",
            "leading_firm",
            dt.date(2025, 6, 30),
            "running",
        )
    }


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ('"智能光伏;氢能"', ["C3-01", "CN-01"]),
        ('"智能光伏；氢能"', ["C3-01", "CN-01"]),
        ("智能光伏、氢能", ["C3-01", "CN-01"]),
        ('"智能光伏,氢能"', ["C3-01", "CN-01"]),
        ('"智能光伏，氢能"', ["C3-01", "CN-01"]),
        ('" C3-01 ; cn-01 ;"', ["C3-01", "CN-01"]),
        ('"氢能;Hydrogen energy;CN-01"', ["CN-01"]),  # one cluster three ways: counted once
        ("化工新材料", ["C5-01"]),
    ],
)
def test_cluster_lists(db, cell, codes):
    result = _ingest(db, f"{HEADER}\n平台,单位,嘉兴港区,{cell},市级,,,\n")
    assert problems(result.report) == []
    assert _current(db)["平台"][2] == codes


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("2025-06-30", dt.date(2025, 6, 30)),
        ("2025/6/30", dt.date(2025, 6, 30)),
        ("2025年6月30日", dt.date(2025, 6, 30)),
        ("2025-06", dt.date(2025, 6, 1)),
        ("2025年6月", dt.date(2025, 6, 1)),
        ("2025.6.3", dt.date(2025, 6, 3)),
        (" 2025-6-30 ", dt.date(2025, 6, 30)),
        ("", None),
    ],
)
def test_date_forms(cell, date):
    dates, bad = parse_dates(pd.Series([cell]))
    assert dates.iloc[0] == date
    assert not bad.iloc[0]


@pytest.mark.parametrize(
    "cell", ["2025-13-01", "2025-02-30", "30/6/2025", "2025", "昨天", "2025-06-30T00:00"]
)
def test_bad_dates(cell):
    dates, bad = parse_dates(pd.Series([cell]))
    assert bad.iloc[0] and dates.iloc[0] is None


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        ("市级培育库", "pool"),
        ("市级", "city"),
        ("省级", "provincial"),
        ("工信部重点培育", "miit_key"),
        ("国家级", "national"),
        ("pool", "pool"),
        ("City", "city"),
        ("PROVINCIAL", "provincial"),
        ("miit_key", "miit_key"),
        ("national", "national"),
        ("培育库", "pool"),
    ],
)
def test_levels_in_chinese_and_english(db, cell, level):
    assert _ingest(db, f"{HEADER}\n平台,单位,南湖区,智能光伏,{cell},,,\n").stored
    assert _current(db)["平台"][3] == level


def test_build_models_and_statuses(db):
    rows = [
        "甲,单位,南湖区,智能光伏,市级,政府牵头,,在建",
        "乙,单位,南湖区,智能光伏,市级,龙头企业开放,,运行",
        "丙,单位,南湖区,智能光伏,市级,高校院所,,撤销",
        "丁,单位,南湖区,智能光伏,市级,专业机构,,",
        "戊,单位,南湖区,智能光伏,市级,多主体共建,,running",
    ]
    assert _ingest(db, "\n".join((HEADER, *rows)) + "\n").stored
    got = {name: (v[4], v[6]) for name, v in _current(db).items()}
    assert got == {
        "甲": ("government", "building"),
        "乙": ("leading_firm", "running"),
        "丙": ("university", "revoked"),
        "丁": ("specialist", "running"),  # status empty: running
        "戊": ("joint", "running"),
    }


def test_optional_columns_may_be_absent(db):
    result = _ingest(db, "平台名称,依托单位,地区,服务集群,级别\n平台,单位,南湖区,智能光伏,省级\n")
    assert result.stored
    assert _current(db)["平台"][4:] == (None, None, "running")
    assert status(db)["indicators"]["provincial_platforms"]["value"] == 1  # undated: counts


def test_rejections_with_line_and_column_and_nothing_stored(db):
    assert _ingest(db, f"{HEADER}\n已有平台,单位,南湖区,智能光伏,省级,,,\n").stored
    before = fingerprint(db)
    bad = "\n".join(
        (
            HEADER,
            "甲,单位,火星,智能光伏,省级,,,",
            '乙,单位,南湖区,"智能光伏;量子",省级,,,',
            "丙,单位,南湖区,智能光伏,部级,,,",
            "丁,单位,南湖区,智能光伏,省级,自己建,2025-13-01,停用",
            ",单位,南湖区,,,,,",
            "甲,单位,南湖区,智能光伏,省级,,,",
        )
    )
    result = _ingest(db, bad + "\n")
    assert not result.stored
    assert sorted(problems(result.report), key=lambda p: (p[1], p[2], p[0])) == [
        ("UNKNOWN_REGION", 2, "县(市、区)"),
        ("UNKNOWN_CLUSTER", 3, "服务集群"),
        ("UNKNOWN_LEVEL", 4, "级别"),
        ("UNKNOWN_BUILD_MODEL", 5, "建设模式"),
        ("UNKNOWN_STATUS", 5, "状态"),
        ("BAD_DATE", 5, "认定时间"),
        ("MISSING_VALUE", 6, "平台名称"),
        ("MISSING_VALUE", 6, "服务集群"),
        ("MISSING_VALUE", 6, "级别"),
        ("DUPLICATE_PLATFORM", 7, None),
    ]
    level = next(i for i in result.report.errors if i.code == "UNKNOWN_LEVEL")
    assert level.message("zh") == "未知的平台级别“部级”（应为 市级培育库/市级/省级/工信部重点培育/国家级）"
    assert fingerprint(db) == before


def test_a_register_missing_a_required_column(db):
    result = _ingest(db, "平台名称,县(市、区),服务集群,级别\n平台,南湖区,智能光伏,省级\n")
    assert problems(result.report) == [("MISSING_COLUMN", 1, "依托单位")]


def test_reimport_is_a_revision_that_keeps_history(db):
    first = _ingest(db, f"{HEADER}\n平台,单位,南湖区,智能光伏,省级,,2025-06-30,运行\n")
    assert status(db)["indicators"]["national_platforms"]["value"] == 0
    second = _ingest(db, f"{HEADER}\n平台,单位,南湖区,智能光伏,国家级,,2025-06-30,运行\n")
    assert (second.rows, second.new_rows, second.revised_rows) == (1, 0, 1)
    with connection.connect(db) as con:
        versions = con.execute(
            "SELECT upload_id, level, is_current FROM platform_versions ORDER BY upload_id"
        ).fetchall()
    assert versions == [(first.upload_id, "provincial", False), (second.upload_id, "national", True)]
    assert status(db)["indicators"]["national_platforms"]["value"] == 1
    # same name, another host: another platform
    third = _ingest(db, f"{HEADER}\n平台,另一单位,南湖区,智能光伏,市级,,,\n")
    assert (third.new_rows, third.revised_rows) == (1, 0)
    with connection.connect(db) as con:
        writes.rollback_upload(con, second.upload_id)
    assert status(db)["indicators"]["national_platforms"]["value"] == 0


REGISTER = "\n".join(
    (
        HEADER,
        "省甲,单位,海宁市,智能光伏,省级,,2025-06-30,运行",
        '国乙,单位,南湖区,"集成电路与功率半导体;氢能",国家级,,2025-03-01,运行',
        "省丙,单位,嘉善县,智能传感,省级,,2024-12-01,撤销",
        "培丁,单位,嘉兴港区,化工新材料,市级培育库,,2025-08-01,在建",
        "晚戊,单位,平湖市,机器人与数控机床,省级,,2025-11-01,运行",
    )
)


def test_counts_in_the_kpi_status(db):
    assert _ingest(db, REGISTER + "\n").stored
    ind = status(db)["indicators"]
    # 省甲, 国乙 (a national one counts as provincial too), 晚戊; 省丙 is revoked
    assert ind["provincial_platforms"]["value"] == 3
    assert ind["national_platforms"]["value"] == 1
    cov = ind["cluster_coverage"]
    # C3-01, C3-02, CN-01, C5-01 (a pool platform under construction covers), C5-02; not C5-04 (revoked)
    assert (cov["covered"], cov["total"]) == (5, 13)
    assert cov["value"] == pytest.approx(5 / 13)
    assert "C5-04" in cov["uncovered"] and "C3-01" not in cov["uncovered"]
    assert isinstance(ind["provincial_platforms"]["value"], int)


def test_platforms_count_at_the_end_of_a_past_period(db):
    assert _ingest(db, REGISTER + "\n").stored
    assert ingest_text(
        db, stats_csv("2025Q2,南湖区,,30,1000,500,1000,70,100", "2025Q4,南湖区,,90,3000,1500,3000,210,300")
    ).stored
    past = status(db, "2025Q2")
    assert past["platforms_as_of"] == "2025-06-30"
    # by 2025-06-30: 省甲 (recognised that day) and 国乙; 晚戊 came later
    assert past["indicators"]["provincial_platforms"]["value"] == 2
    latest = status(db, "2025Q4")
    assert latest["platforms_as_of"] == TODAY.isoformat()
    assert latest["indicators"]["provincial_platforms"]["value"] == 3


def test_region_and_cluster_scopes_count_their_platforms(db):
    assert _ingest(db, REGISTER + "\n").stored
    assert status(db, region="南湖区")["indicators"]["national_platforms"]["value"] == 1
    assert status(db, region="海宁市")["indicators"]["national_platforms"]["value"] == 0
    assert status(db, region="海宁市")["indicators"]["provincial_platforms"]["status"] == "no_target"
    assert status(db, cluster="氢能")["indicators"]["provincial_platforms"]["value"] == 1
    cov = status(db, cluster="智能传感")["indicators"]["cluster_coverage"]
    assert (cov["covered"], cov["total"], cov["value"]) == (0, 1, 0.0)


# ---- the cluster taxonomy (kpi ingest clusters)

TAXONOMY = "code,name,name_en,tier,group,confirmed\n"


def _clusters(db):
    with connection.connect(db) as con:
        return con.execute("SELECT code, name, tier, grp, confirmed FROM clusters ORDER BY code").fetchall()


def test_taxonomy_upsert_and_replace(db):
    with connection.connect(db) as con:
        added = ingest_clusters(
            con, (TAXONOMY + "CN-09,低空经济,Low-altitude economy,N,未来,是\n").encode(), "t.csv"
        )
    assert added.stored
    assert ("CN-09", "低空经济", "N", "future", True) in _clusters(db)
    assert len(_clusters(db)) == 14
    text = TAXONOMY + "C1-01,现代纺织与服装,Textiles,1,traditional,true\nC3-01,智能光伏,PV,3,emerging,false\n"
    with connection.connect(db) as con:
        replaced = ingest_clusters(con, text.encode(), "t.csv", replace=True)
    assert replaced.stored
    assert _clusters(db) == [
        ("C1-01", "现代纺织与服装", "1", "traditional", True),
        ("C3-01", "智能光伏", "3", "emerging", False),
    ]
    assert status(db)["indicators"]["cluster_coverage"]["total"] == 2


def test_taxonomy_rejections(db):
    text = TAXONOMY + "X1,甲,,2,traditional,true\nX1,乙,,N,other,maybe\n"
    with connection.connect(db) as con:
        result = ingest_clusters(con, text.encode(), "t.csv")
    assert not result.stored
    assert sorted(problems(result.report), key=lambda p: (p[1], p[0])) == [
        ("BAD_TIER", 2, "tier"),
        ("BAD_BOOL", 3, "confirmed"),
        ("BAD_GROUP", 3, "group"),
        ("DUPLICATE_CLUSTER", 3, "code"),
    ]
    assert len(_clusters(db)) == 13


def test_replace_refused_when_it_would_drop_a_cluster_in_use(db):
    assert ingest_text(db, stats_csv("2025Q2,嘉兴港区,化工新材料,20,800,300,800,60,90")).stored
    assert _ingest(db, f"{HEADER}\n平台,单位,海宁市,智能光伏,省级,,,\n").stored
    before = fingerprint(db)
    taxonomy = _clusters(db)
    with connection.connect(db) as con:
        result = ingest_clusters(
            con, (TAXONOMY + "C3-01,智能光伏,PV,3,emerging,true\n").encode(), "t.csv", replace=True
        )
    assert not result.stored
    assert [(i.code, i.params["value"]) for i in result.report.errors] == [("CLUSTER_IN_USE", "C5-01")]
    assert result.report.errors[0].message("zh") == "替换后将删除仍被引用的集群“C5-01”（statistics: 1）"
    assert _clusters(db) == taxonomy
    assert fingerprint(db) == before
