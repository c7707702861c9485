"""The register over time, on a hand-made register in a real DuckDB file, every number by hand.

Seven platforms (TODAY = 2026-06-30; plan start 2025-07-04, deadline 2027-12-31):

| key | region | clusters | upload 1 | upload 2 |
|---|---|---|---|---|
| A | 海宁 330481 | C3-01 智能光伏, C3-02 集成电路 | 省级 2025-08-15 | same |
| B | 桐乡 330483 | C1-01 纺织 | 培育库 2025-07-15 | 省级 2026-02-10 (promoted) |
| C | 海盐 330424 | C5-05 健康食品 | 培育库 2025-09-01 | 撤销, 撤销时间 2026-01-20 |
| D | 港区 JX-PORT | CN-01 氢能, C5-01 化工新材料 | 国家级 2025-10-01 | same; then a form edit: national support 2000万元 |
| E | 嘉善 330421 | C5-04 智能传感 | 市级 2025-12-01 | same |
| F | 南湖 330402 | C3-03 数字安防 | 培育库 2024-06-01, 撤销 (no date) | same |
| G | 平湖 330482 | C5-02 机器人 | 培育库 2025-09-20 | same |
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from kpi.engine import platform_status, snapshot
from kpi.engine import status as engine_status
from kpi.ingest.platforms import ingest_platforms
from kpi.ingest.stats import ingest_stats
from kpi.model.definitions import ALL_CLUSTER
from kpi.platforms import figures, history, register, reviews, rewards
from kpi.reports import export
from kpi.store import connection, schema, writes
from kpi.store.queries import cluster_regions
from kpi.store.reference import clusters as taxonomy
from kpi.store.reference import targets

TODAY = dt.date(2026, 6, 30)
HEAD = "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态,撤销时间\n"
A = "光伏中试平台,甲公司,海宁市,智能光伏;集成电路与功率半导体,省级,龙头企业开放,2025-08-15,运行,\n"
B1 = "纺织中试平台,乙集团,桐乡市,现代纺织与服装,市级培育库,多主体共建,2025-07-15,运行,\n"
B2 = "纺织中试平台,乙集团,桐乡市,现代纺织与服装,省级,多主体共建,2026-02-10,运行,\n"
C1 = "食品中试平台,丙公司,海盐县,健康食品,市级培育库,龙头企业开放,2025-09-01,运行,\n"
C2 = "食品中试平台,丙公司,海盐县,健康食品,市级培育库,龙头企业开放,2025-09-01,撤销,2026-01-20\n"
D = '氢能中试平台,丁中心,嘉兴港区,"氢能、化工新材料",国家级,专业机构,2025-10-01,运行,\n'
E = "传感中试平台,戊研究院,嘉善县,智能传感,市级,高校院所,2025-12-01,运行,\n"
F = "安防中试平台,己公司,南湖区,数字安防与网络通信,市级培育库,龙头企业开放,2024-06-01,撤销,\n"
G = "机器人中试平台,庚公司,平湖市,机器人与数控机床,市级培育库,龙头企业开放,2025-09-20,运行,\n"
UPLOAD_1 = HEAD + A + B1 + C1 + D + E + F + G
UPLOAD_2 = HEAD + A + B2 + C2 + D + E + F + G
# cluster rows say where the clusters' firms are (kpi.store.queries.cluster_regions)
STATS = (
    "统计期,县(市、区),产业集群,研发费用,营业收入,新产品产值,工业总产值,高新技术产业增加值,规上工业增加值\n"
    "2025Q1,南湖区,合计,30,1000,500,1000,70,100\n"
    "2025Q1,南湖区,数字安防与网络通信,3,100,50,100,7,10\n"
    "2025Q1,嘉善县,数字安防与网络通信,3,100,50,100,7,10\n"
    "2025Q1,经开区,生物医药,3,100,50,100,7,10\n"
)
UNCOVERED = ["C3-03", "C5-03", "C5-05", "CN-02", "CN-03", "CN-04"]


def _support(con, amount: float) -> history.EditResult:
    d = register.current_register(con)
    row = d[d["name"] == "氢能中试平台"].iloc[0]
    edit = history.PlatformEdit(
        region=row["region"],
        clusters=tuple(row["clusters"]),
        level=row["level"],
        build_model=row["build_model"],
        recognised_on=register.as_date(row["recognised_on"]),
        status=row["status"],
        revoked_on=None,
        national_support=amount,
    )
    return history.edit_platform(
        con, "氢能中试平台", "丁中心", edit, by="张三", note="国家支持资金到位", today=TODAY
    )


@pytest.fixture
def reg(db: Path) -> Path:
    with connection.connect(db) as con:
        assert ingest_stats(con, STATS.encode(), "stats.csv", today=TODAY).stored
        assert ingest_platforms(con, UPLOAD_1.encode(), "名录1.csv", uploaded_by="李四").stored
        assert ingest_platforms(con, UPLOAD_2.encode("gb18030"), "名录2.csv", uploaded_by="王五").stored
        result = _support(con, 2000.0)
        assert result.upload_id is not None, result.problems
        assert result.changed == ("national_support",)
    return db


def standing(db: Path, on: dt.date = TODAY) -> pd.DataFrame:
    with connection.connect(db) as con:
        return register.standing_on(register.current_register(con), on)


def test_coverage_and_uncovered_clusters_today(reg: Path) -> None:
    with connection.connect(reg) as con:
        tax = taxonomy(con)
        hosts = cluster_regions(con)
    now = standing(reg)
    cov = register.coverage(now, list(tax["code"]))
    # A serves two clusters, D two; C revoked on 2026-01-20, F revoked at an unknown date
    assert cov["covered"] == ["C1-01", "C3-01", "C3-02", "C5-01", "C5-02", "C5-04", "CN-01"]
    assert cov["uncovered"] == UNCOVERED
    assert cov["value"] == pytest.approx(7 / 13)
    unc = register.uncovered_clusters(now, tax, hosts)
    assert list(unc["code"]) == UNCOVERED
    assert dict(zip(unc["code"], unc["regions"], strict=True)) == {
        "C3-03": ["330402", "330421"],
        "C5-03": [],
        "C5-05": [],
        "CN-02": [],
        "CN-03": ["JX-ETDZ"],
        "CN-04": [],
    }
    assert list(unc["tier"]) == ["3", "5", "5", "N", "N", "N"]


def test_the_kpi_json_agrees_with_the_register(reg: Path) -> None:
    with connection.connect(reg) as con:
        ind = engine_status.kpi_status(con, today=TODAY)["indicators"]
    assert ind["cluster_coverage"]["covered"] == 7
    assert ind["cluster_coverage"]["uncovered"] == UNCOVERED
    assert ind["provincial_platforms"]["value"] == 3  # A, B (promoted), D (national counts too)
    assert ind["national_platforms"]["value"] == 1


@pytest.mark.parametrize(
    ("on", "levels"),
    [
        # before anything: F (revoked, date unknown) never counts
        (dt.date(2025, 7, 14), {}),
        (dt.date(2025, 7, 15), {"纺织中试平台": "pool"}),
        (dt.date(2026, 1, 19), {"纺织中试平台": "pool", "食品中试平台": "pool"}),
        # C stops on its revocation date; B is provincial from 2026-02-10
        (dt.date(2026, 1, 20), {"纺织中试平台": "pool"}),
        (dt.date(2026, 2, 10), {"纺织中试平台": "provincial"}),
    ],
)
def test_a_platform_counts_at_the_level_it_held_that_day(reg: Path, on: dt.date, levels: dict) -> None:
    got = standing(reg, on)
    got = dict(zip(got["name"], got["level"], strict=True))
    for name in ("光伏中试平台", "氢能中试平台", "传感中试平台", "机器人中试平台"):
        got.pop(name, None)
    assert got == levels


def test_ladder_counts_each_level_and_the_ones_above(reg: Path) -> None:
    lad = register.ladder(standing(reg)).set_index("level")
    assert lad["at_level"].to_dict() == {"pool": 1, "city": 1, "provincial": 2, "miit_key": 0, "national": 1}
    assert lad["at_or_above"].to_dict() == {
        "pool": 5,
        "city": 4,
        "provincial": 3,
        "miit_key": 1,
        "national": 1,
    }


def test_coverage_over_time_per_quarter(reg: Path) -> None:
    with connection.connect(reg) as con:
        plats = register.current_register(con)
        universe = list(taxonomy(con)["code"])
        tgt = snapshot.load_targets(con)
        series = register.coverage_series(plats, universe, TODAY)
        # the KPI engine, asked for the same dates, says the same
        for r in series.to_dict("records"):
            entry = platform_status.platform_entries(con, tgt, None, ALL_CLUSTER, r["as_of"], "zh")
            assert entry["cluster_coverage"]["covered"] == r["covered"], r["period"]
            assert entry["provincial_platforms"]["value"] == r["provincial"], r["period"]
            assert entry["national_platforms"]["value"] == r["national"], r["period"]
    rows = {r["period"]: r for r in series.to_dict("records")}
    assert series["period"].iloc[0] == "2024Q2"  # F's recognition is the earliest date
    assert [rows[p]["covered"] for p in ("2024Q2", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2")] == [
        0,
        0,
        5,
        8,
        7,
        7,
    ]
    assert rows["2025Q3"]["newly"] == ["C1-01", "C3-01", "C3-02", "C5-02", "C5-05"]
    assert rows["2025Q4"]["newly"] == ["C5-01", "C5-04", "CN-01"]
    assert rows["2026Q1"]["lost"] == ["C5-05"] and rows["2026Q1"]["newly"] == []
    assert rows["2026Q2"]["as_of"] == TODAY and rows["2026Q2"]["newly"] == []
    # cumulative counts: A provincial 2025-08-15, D national 2025-10-01, B provincial 2026-02-10
    assert [rows[p]["provincial"] for p in ("2025Q2", "2025Q3", "2025Q4", "2026Q1")] == [0, 1, 2, 3]
    assert [rows[p]["national"] for p in ("2025Q3", "2025Q4", "2026Q2")] == [0, 1, 1]


@pytest.mark.parametrize(
    ("today", "elapsed", "provincial", "status"),
    [
        # (today − 2025-07-04) / (2027-12-31 − 2025-07-04) = 361 / 910
        (TODAY, 361 / 910, 3, "achieved"),
        # 180 / 910 = 0.198; 2 of 3 (A, D) = 0.667 ≥ that: on track
        (dt.date(2025, 12, 31), 180 / 910, 2, "on_track"),
        (dt.date(2025, 7, 4), 0.0, 0, "on_track"),
    ],
)
def test_goals_against_time_elapsed(
    reg: Path, today: dt.date, elapsed: float, provincial: int, status: str
) -> None:
    with connection.connect(reg) as con:
        universe = list(taxonomy(con)["code"])
        out = register.goals(standing(reg, today), universe, targets(con), today)
    goal = {g.indicator: g for g in out}
    assert goal["provincial_platforms"].elapsed == pytest.approx(elapsed)
    assert goal["provincial_platforms"].value == provincial
    assert goal["provincial_platforms"].target == 3
    assert goal["provincial_platforms"].status == status
    assert goal["cluster_coverage"].deadline == dt.date(2027, 12, 31)


def test_history_shows_entry_promotion_revocation_and_who_corrected(reg: Path) -> None:
    with connection.connect(reg) as con:
        b = history.history(register.versions(con, "纺织中试平台", "乙集团"))
        c = history.history(register.versions(con, "食品中试平台", "丙公司"))
        d = history.history(register.versions(con, "氢能中试平台", "丁中心"))
        a = history.history(register.versions(con, "光伏中试平台", "甲公司"))
    assert list(zip(b["event"], b["level_from"], b["level_to"], b["on"], b["by"], strict=True)) == [
        ("entered", None, "pool", dt.date(2025, 7, 15), "李四"),
        ("promoted", "pool", "provincial", dt.date(2026, 2, 10), "王五"),
    ]
    assert list(zip(c["event"], c["on"], strict=True)) == [
        ("entered", dt.date(2025, 9, 1)),
        ("revoked", dt.date(2026, 1, 20)),
    ]
    assert list(d["event"]) == ["entered", "corrected"]
    assert d["fields"].iloc[1] == ["national_support"]
    assert (d["by"].iloc[1], d["note"].iloc[1], d["kind"].iloc[1]) == (
        "张三",
        "国家支持资金到位",
        "platform_edit",
    )
    assert list(a["event"]) == ["entered"]  # the unchanged re-upload adds nothing


def test_a_revocation_without_a_date_takes_the_upload_day(reg: Path) -> None:
    revoked = (HEAD + E).replace(",运行,", ",撤销,")
    with connection.connect(reg) as con:
        assert ingest_platforms(con, revoked.encode(), "名录3.csv").stored
        now = register.current_register(con)
    row = now[now["name"] == "传感中试平台"].iloc[0]
    assert register.as_date(row["revoked_on"]) == dt.date.today()
    # the national support entered on the form survives a register upload that does not carry it
    assert now[now["name"] == "氢能中试平台"]["national_support"].iloc[0] == 2000


def test_an_edit_without_a_name_or_with_a_bad_date_is_refused_and_stores_nothing(reg: Path) -> None:
    with connection.connect(reg) as con:
        before = con.execute("SELECT count(*) FROM platform_versions").fetchall()
        d = register.current_register(con)
        row = d[d["name"] == "传感中试平台"].iloc[0]
        edit = history.PlatformEdit(
            row["region"], tuple(row["clusters"]), "city", None, dt.date(2025, 12, 1), "running",
            dt.date(2025, 1, 1), None,
        )  # fmt: skip
        result = history.edit_platform(con, "传感中试平台", "戊研究院", edit, by=" ")
        after = con.execute("SELECT count(*) FROM platform_versions").fetchall()
    assert result.upload_id is None
    assert set(result.problems) == {"by_missing", "revoked_on_not_revoked", "revoked_before_recognised"}
    assert before == after


REVIEWS = (
    "平台名称,依托单位,考核年度,考核得分,评语\n"
    "纺织中试平台,乙集团,2025,92,优秀\n"
    "机器人中试平台,庚公司,2025,85,良好\n"
    "机器人中试平台,庚公司,2026,55,现场核查\n"
    '食品中试平台,丙公司,2025,65,=HYPERLINK("x")\n'
)


@pytest.mark.parametrize(
    ("basis", "by_year", "pool", "pending"),
    [
        # three_years_total: a year's cap is 300 / 3 = 100万元 → B 2025 100 (92: all), G 2025 70
        # (85: 70 %), G 2026 0 (55), C 2025 40 (65: 40 %); A 1000 (2025), D 2000 × 1 (2025),
        # B 1000 (2026, promoted); pending: B 2026, C 2026, G 2027 at most 100 each
        ("three_years_total", {2025: 1000 + 2000 + 100 + 70 + 40, 2026: 1000 + 0}, 210, 300),
        # per_year: a year's cap is 300 → 300, 210, 0, 120
        ("per_year", {2025: 1000 + 2000 + 300 + 210 + 120, 2026: 1000 + 0}, 630, 900),
    ],
)
def test_reward_totals_by_hand(reg: Path, basis: str, by_year: dict, pool: float, pending: float) -> None:
    with connection.connect(reg) as con:
        assert reviews.ingest_reviews(con, REVIEWS.encode("utf-8-sig"), "考核.csv", uploaded_by="赵六").stored
        assert rewards.save_settings(con, {"pool_cap_basis": basis}, by="赵六") == {}
        settings = rewards.load_settings(con)
        rows = rewards.reward_rows(register.current_register(con), reviews.current_reviews(con), settings)
    assert settings.pool_cap_basis == basis
    table = rewards.committed_table(rows, ["330481", "330483", "330424", "330482", "JX-PORT"])
    assert table["total"].to_dict() == by_year
    assert table.loc[2025, "JX-PORT"] == 2000  # 1:1 matching of D's national support
    assert table.loc[2026, "330483"] == 1000  # B, provincial in 2026
    tot = rewards.totals(rows)
    assert tot["committed"] == sum(by_year.values())
    assert rows.loc[(rows["kind"] == "pool") & (rows["state"] == "committed"), "amount_wan"].sum() == pool
    assert tot["pending_max"] == pending
    # F (revoked at an unknown date) and E (city level) earn nothing
    assert not rows["name"].isin(["安防中试平台", "传感中试平台"]).any()


def test_national_matching_is_unknown_until_the_support_is_entered(reg: Path) -> None:
    with connection.connect(reg) as con:
        _support(con, None)  # type: ignore[arg-type]
        rows = rewards.reward_rows(
            register.current_register(con), reviews.current_reviews(con), rewards.load_settings(con)
        )
    national = rows[rows["kind"] == "national"].iloc[0]
    assert national["state"] == "support_missing" and pd.isna(national["amount_wan"])


def test_review_file_problems_are_listed_by_line_and_nothing_is_stored(reg: Path) -> None:
    bad = (
        "平台名称,依托单位,考核年度,考核得分,评语\n"
        "纺织中试平台,乙集团,2025,92,复核\n"
        "不存在的平台,某公司,2025,80,复核\n"
        "纺织中试平台,乙集团,25,80,复核\n"
        "机器人中试平台,庚公司,2025,101,复核\n"
        "纺织中试平台,乙集团,2025,70,复核\n"
        "机器人中试平台,庚公司,2026,70,\n"
    )
    with connection.connect(reg) as con:
        result = reviews.ingest_reviews(con, bad.encode(), "bad.csv")
        stored = con.execute("SELECT count(*) FROM platform_reviews").fetchall()[0][0]
    assert not result.stored and stored == 0
    assert [(i.code, i.line) for i in result.report.errors] == [
        ("UNKNOWN_PLATFORM", 3),
        ("BAD_YEAR", 4),
        ("BAD_SCORE", 5),
        ("REASON_REQUIRED", 7),  # a typed score overrides the computed one: only with a reason
        ("DUPLICATE_REVIEW", 6),
    ]
    assert result.report.errors[0].message("zh") == (
        "名录中没有平台“不存在的平台 / 某公司”（平台名称 + 依托单位须与名录一致）"
    )


def test_pool_platforms_due_for_review(reg: Path) -> None:
    with connection.connect(reg) as con:
        uid, problems = reviews.record_review(con, "机器人中试平台", "庚公司", 2025, 85, "良好", by="赵六")
        assert uid is not None and problems == []
        due = reviews.due_reviews(register.current_register(con), reviews.current_reviews(con), 2026, 3)
    # B: pool 2025 (promoted 2026-02-10, so 2026 too); C: 2025 and 2026 (revoked 2026-01-20);
    # G: 2025 reviewed, 2026 due; F: revoked at an unknown date, never
    got = sorted(zip(due["name"], due["review_year"], due["state"], strict=True))
    assert got == [
        ("机器人中试平台", 2026, "due"),
        ("纺织中试平台", 2025, "overdue"),
        ("纺织中试平台", 2026, "due"),
        ("食品中试平台", 2025, "overdue"),
        ("食品中试平台", 2026, "due"),
    ]


def test_a_new_score_revises_the_old_one_and_keeps_it(reg: Path) -> None:
    with connection.connect(reg) as con:
        reviews.record_review(con, "机器人中试平台", "庚公司", 2025, 70, "初评", by="赵六")
        reviews.record_review(con, "机器人中试平台", "庚公司", 2025, 88, "复核后", by="钱七")
        now = reviews.current_reviews(con)
        every = con.execute("SELECT score FROM platform_reviews ORDER BY upload_id").fetchall()
    assert now[["score", "comment", "recorded_by"]].values.tolist() == [[88.0, "复核后", "钱七"]]
    assert every == [(70.0,), (88.0,)]


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("90:1;80:0.7;60:0.4", ((90.0, 1.0), (80.0, 0.7), (60.0, 0.4))),
        ("60：40%，90:100%", ((90.0, 1.0), (60.0, 0.4))),
        ("90:1.5", None),
        ("abc", None),
        ("90:1;90:0.5", None),
    ],
)
def test_score_bands_parse(text: str, bands: tuple | None) -> None:
    assert rewards.parse_bands(text) == bands


def test_bad_settings_are_refused_and_the_defaults_are_data(db: Path) -> None:
    with connection.connect(db) as con:
        assert rewards.save_settings(con, {"pool_cap_basis": "sometimes", "pool_years": "0"}, by="x") == {
            "pool_cap_basis": "not_an_option",
            "pool_years": "out_of_range",
        }
        assert rewards.save_settings(con, {"pool_cap_wan": "300"}, by="") == {"by": "by_missing"}
        s = rewards.load_settings(con)
        log = rewards.settings_log(con)
    assert (s.provincial_award_wan, s.national_match_ratio, s.pool_cap_wan, s.pool_years) == (1000, 1, 300, 3)
    assert s.pool_cap_basis == "three_years_total" and s.reward_from == dt.date(2025, 7, 4)
    assert set(log["set_by"]) == {"reference"}


def test_export_neutralises_formula_cells() -> None:
    frame = pd.DataFrame({"平台": ["=1+1", "+x", "-y", "@z", "ok"], "万元": [1.0, 2.0, 3.0, 4.0, 5.0]})
    text = export.export_csv(frame).decode("utf-8-sig")
    assert text.splitlines() == ["平台,万元", "'=1+1,1.0", "'+x,2.0", "'-y,3.0", "'@z,4.0", "ok,5.0"]


def test_migration_from_a_version_2_database_keeps_its_platforms(tmp_path: Path) -> None:
    """A database made before the register columns existed gains them; revoked stays uncounted."""
    path = tmp_path / "old.duckdb"
    with connection.connect(path, write=True) as con:
        ingest_platforms(con, (HEAD + A + F).encode(), "old.csv")
        con.execute("DROP TABLE platform_reviews; DROP TABLE reward_settings")
        con.execute("ALTER TABLE platform_versions DROP COLUMN revoked_on")
        con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with connection.connect(path) as con:
        assert schema.schema_version(con) == schema.SCHEMA_VERSION
        plats = register.current_register(con)
        assert rewards.load_settings(con).provincial_award_wan == 1000
    assert set(register.standing_on(plats, TODAY)["name"]) == {"光伏中试平台"}


def test_rolling_back_uploads_restores_the_register_and_the_scores(reg: Path) -> None:
    with connection.connect(reg) as con:
        uid = con.execute("SELECT id FROM uploads WHERE file_name = '名录2.csv'").fetchall()[0][0]
        assert writes.rollback_upload(con, uid, by="王五") == 7
        plats = register.current_register(con)
        result = reviews.ingest_reviews(con, REVIEWS.encode(), "考核.csv")
        writes.rollback_upload(con, result.upload_id, by="赵六")
        scores = reviews.current_reviews(con)
    now = dict(zip(plats["name"], zip(plats["level"], plats["status"], strict=True), strict=True))
    assert now["纺织中试平台"] == ("pool", "running") and now["食品中试平台"] == ("pool", "running")
    assert plats[plats["name"] == "氢能中试平台"]["national_support"].iloc[0] == 2000  # the edit stays
    assert scores.empty


def test_the_due_list_downloads_as_a_figures_file_that_uploads_back(reg: Path) -> None:
    formula = HEAD + "=公式平台,+某公司,南湖区,合成生物,市级培育库,专业机构,2026-01-05,运行,\n"
    with connection.connect(reg) as con:
        assert ingest_platforms(con, formula.encode(), "名录4.csv").stored
        due = reviews.due_reviews(register.current_register(con), reviews.annual_reviews(con), 2026, 3)
        sheet = export.export_csv(reviews.due_template(due)).decode("utf-8-sig")
        assert sheet.splitlines()[0] == (
            "平台名称,依托单位,考核年度,服务企业数,中试服务项目数,中试服务收入(万元),孵化企业数,成果转化数,"
            "检验检测资质,参与制定标准数,专利授权数"
        )
        assert "'=公式平台,'+某公司,2026" in sheet  # neutralised for the spreadsheet
        filled = "\n".join(
            line.rstrip(",") + ",10,5,100,1,2,CMA,0,1" if i else line
            for i, line in enumerate(sheet.splitlines())
        )
        result = figures.ingest_figures(
            con, filled.encode("utf-8-sig"), "填好的.csv", uploaded_by="赵六", today=TODAY
        )
        assert result.stored, [i.describe() for i in result.report.errors]
        left = reviews.due_reviews(register.current_register(con), reviews.annual_reviews(con), 2026, 3)
        names = set(figures.current_figures(con)["name"])
    assert len(due) == 7 and left.empty  # B, C, G: 2025 and 2026; the new one: 2026
    assert "=公式平台" in names
