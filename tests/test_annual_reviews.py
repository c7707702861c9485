"""The annual review on evidence, on a hand-made register in a real DuckDB file, every number by
hand (default scheme; default reward rules: a pool year's cap 300 / 3 = 100万元, bands ≥90 all,
≥80 70 %, ≥60 40 %, below nothing; reward_from 2025-07-04). TODAY = 2027-06-30.

| key | platform | upload 1 | upload 2 |
|---|---|---|---|
| A | 光伏中试平台 / 甲公司 | 省级 2025-08-15 | same |
| B | 纺织中试平台 / 乙集团 | 培育库 2025-07-15 | 省级 2026-02-10 (promoted out of the pool) |
| C | 食品中试平台 / 丙公司 | 培育库 2025-09-01 | 撤销, 2026-06-30 (revoked mid-year) |
| G | 机器人中试平台 / 庚公司 | 培育库 2025-09-20 | same |

Pool windows: B 2025, 2026 (in the pool for part of 2026); C 2025, 2026; G 2025–2027.

Figures (served, projects, revenue 万元, incubated, transfers, accreditation, standards, patents)
and the components by hand (weight × min(1, value ÷ full marks), each rounded to 0.1):

| key | year | figures | components | score |
|---|---|---|---|---|
| B | 2025 | 30 15 500 2 5 CMA 1 3 | 15 + 10 + 10 + 4 + 5 + 5 + 2.5 + 3 | 54.5 |
| B | 2026 | 50 30 1000 5 10 CNAS 2 5 | 25 + 20 + 20 + 10 + 10 + 5 + 5 + 5 | 100.0 |
| B | 2027 | 45 27 900 4 9 both 2 4 | 22.5 + 18 + 18 + 8 + 9 + 5 + 5 + 4 | 89.5 |
| C | 2025 | 41 22 733 3 7 无 1 2 | 20.5 + 14.7 + 14.7 + 6 + 7 + 0 + 2.5 + 2 | 67.4 |
| C | 2026 | 20 10 250 1 2 CMA 0 1 | 10 + 6.7 + 5 + 2 + 2 + 5 + 0 + 1 | 31.7 |
| G | 2025 | 44 26 880 4 8 both 1 4 | 22 + 17.3 + 17.6 + 8 + 8 + 5 + 2.5 + 4 | 84.4 |
| G | 2026 | 12 5 120 0 1 无 0 0 | 6 + 3.3 + 2.4 + 0 + 1 + 0 + 0 + 0 | 12.7, overridden: 81 |
| A | 2026 | 50 30 1000 5 10 CMA 2 5 | all full marks | 100.0 |
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import fingerprint, run_kpi

from kpi.ingest.platforms import ingest_platforms
from kpi.model.errors import KpiError
from kpi.model.roles import Role, Viewer
from kpi.platforms import annual, figures, register, reviews, rewards, scoring
from kpi.reports import brief
from kpi.store import audit, connection, writes

TODAY = dt.date(2027, 6, 30)
HEAD = "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态,撤销时间\n"
A = "光伏中试平台,甲公司,海宁市,智能光伏,省级,龙头企业开放,2025-08-15,运行,\n"
B1 = "纺织中试平台,乙集团,桐乡市,现代纺织与服装,市级培育库,多主体共建,2025-07-15,运行,\n"
B2 = "纺织中试平台,乙集团,桐乡市,现代纺织与服装,省级,多主体共建,2026-02-10,运行,\n"
C1 = "食品中试平台,丙公司,海盐县,健康食品,市级培育库,龙头企业开放,2025-09-01,运行,\n"
C2 = "食品中试平台,丙公司,海盐县,健康食品,市级培育库,龙头企业开放,2025-09-01,撤销,2026-06-30\n"
G = "机器人中试平台,庚公司,平湖市,机器人与数控机床,市级培育库,龙头企业开放,2025-09-20,运行,\n"

FIG_HEAD = (
    "平台名称,依托单位,考核年度,服务企业数,中试服务项目数,中试服务收入(万元),孵化企业数,成果转化数,"
    "检验检测资质,参与制定标准数,专利授权数\n"
)
FIGURES = FIG_HEAD + (
    "纺织中试平台,乙集团,2025,30,15,500,2,5,CMA,1,3\n"
    "纺织中试平台,乙集团,2026,50,30,1000,5,10,CNAS,2,5\n"
    "纺织中试平台,乙集团,2027年,45,27,900,4,9,CMA+CNAS,2,4\n"
    '食品中试平台,丙公司,2025,41,22,"733",3,7,无,1,2\n'
    "食品中试平台,丙公司,2026,20,10,250,1,2,cma,0,1\n"
    "机器人中试平台,庚公司,2025,44,26,880,4,8,均有,1,4\n"
    "机器人中试平台,庚公司,2026,12,5,120,0,1,none,0,0\n"
    "光伏中试平台,甲公司,2026,50,30,1000,5,10,CMA,2,5\n"
)
OVERRIDE = "平台名称,依托单位,考核年度,考核得分,评语\n机器人中试平台,庚公司,2026,81,现场核查：报送遗漏两个季度的服务项目\n"

# (key, year) → score, source, computed, reward_wan, in_pool, rank, exit candidate
EXPECTED = {
    2025: [
        ("机器人中试平台", 84.4, "computed", 84.4, 70.0, True, 1, False),
        ("食品中试平台", 67.4, "computed", 67.4, 40.0, True, 2, False),
        ("纺织中试平台", 54.5, "computed", 54.5, 0.0, True, 3, True),
    ],
    2026: [
        ("纺织中试平台", 100.0, "computed", 100.0, 100.0, True, 1, False),  # promoted in 2026: still its year
        ("机器人中试平台", 81.0, "override", 12.7, 70.0, True, 2, False),
        ("食品中试平台", 31.7, "computed", 31.7, 0.0, True, 3, True),  # revoked mid-2026: still its year
        ("光伏中试平台", 100.0, "computed", 100.0, 0.0, False, None, False),  # provincial: no pool reward
    ],
    2027: [("纺织中试平台", 89.5, "computed", 89.5, 0.0, False, None, False)],  # out of the pool
}
# every reward committed in the year: the pool's, plus A's provincial award (2025) and B's (2026)
TOTALS = {2025: (110.0, 1110.0), 2026: (170.0, 1170.0), 2027: (0.0, 0.0)}


@pytest.fixture
def reg(db: Path) -> Path:
    with connection.connect(db) as con:
        assert ingest_platforms(con, (HEAD + A + B1 + C1 + G).encode(), "名录1.csv").stored
        assert ingest_platforms(con, (HEAD + A + B2 + C2 + G).encode(), "名录2.csv").stored
    return db


@pytest.fixture
def scored(reg: Path) -> Path:
    with connection.connect(reg) as con:
        done = figures.ingest_figures(
            con, FIGURES.encode("gbk"), "年度数据.csv", uploaded_by="赵六", today=TODAY
        )
        assert done.stored, [i.describe() for i in done.report.errors]
        assert reviews.ingest_reviews(con, OVERRIDE.encode(), "调整.csv", uploaded_by="钱七").stored
    return reg


def review_of(db: Path, year: int) -> annual.YearReview:
    with connection.connect(db) as con:
        plats = register.current_register(con)
        return annual.year_review(plats, reviews.annual_reviews(con), rewards.load_settings(con), year)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_scores_and_rewards_by_hand(scored: Path, year: int) -> None:
    review = review_of(scored, year)
    got = [
        (
            r["name"],
            r["score"],
            r["source"],
            r["computed"],
            r["reward_wan"],
            r["in_pool"],
            None if pd.isna(r["rank"]) else int(r["rank"]),
            r["exit_candidate"],
        )
        for r in review.rows.to_dict("records")
    ]
    assert got == EXPECTED[year]
    assert (review.pool_reward_wan, review.total_reward_wan) == TOTALS[year]
    states = dict(zip(review.rows["name"], review.rows["reward_state"], strict=True))
    for name, *_, in_pool, _, below in EXPECTED[year]:
        assert states[name] == ("below_bands" if below else "committed" if in_pool else "not_in_pool"), name
    pending = list(review.pending["name"])
    assert pending == (["机器人中试平台"] if year == 2027 else [])  # G's third year: no figures yet


def test_components_by_hand_and_the_override_beside_the_computed_score(scored: Path) -> None:
    out = annual.to_json(review_of(scored, 2026))
    g = next(p for p in out["platforms"] if p["name"] == "机器人中试平台")
    assert (g["score"], g["source"], g["computed"]) == (81.0, "override", 12.7)
    assert g["reason"] == "现场核查：报送遗漏两个季度的服务项目"
    assert g["components"] == {
        "服务企业数": 6.0,
        "中试服务项目数": 3.3,
        "中试服务收入(万元)": 2.4,
        "孵化企业数": 0.0,
        "成果转化数": 1.0,
        "检验检测资质": 0.0,
        "参与制定标准数": 0.0,
        "专利授权数": 0.0,
    }
    c = annual.to_json(review_of(scored, 2025))["platforms"][1]
    assert c["name"] == "食品中试平台"
    assert list(c["components"].values()) == [20.5, 14.7, 14.7, 6.0, 7.0, 0.0, 2.5, 2.0]


def test_the_override_is_audited_and_its_rollback_brings_the_computed_score_back(scored: Path) -> None:
    with connection.connect(scored) as con:
        events = audit.list_events(con, action="review_override")
        detail = audit.detail_of(events["detail"].iloc[0])
        uid = int(con.execute("SELECT id FROM uploads WHERE kind = 'reviews'").fetchall()[0][0])
        writes.rollback_upload(con, uid, by="王五")
    assert events["actor"].tolist() == ["钱七"]
    assert {k: detail[k] for k in ("name", "year", "score", "computed", "reason")} == {
        "name": "机器人中试平台",
        "year": 2026,
        "score": 81.0,
        "computed": 12.7,
        "reason": "现场核查：报送遗漏两个季度的服务项目",
    }
    g = review_of(scored, 2026).rows.set_index("name").loc["机器人中试平台"]
    assert (g["score"], g["source"], g["reward_wan"], g["exit_candidate"]) == (12.7, "computed", 0.0, True)


def test_a_typed_score_without_a_reason_is_refused(scored: Path) -> None:
    with connection.connect(scored) as con:
        uid, problems = reviews.record_review(con, "食品中试平台", "丙公司", 2026, 75, "  ", by="钱七")
        result = reviews.ingest_reviews(
            con, "平台名称,依托单位,考核年度,考核得分\n食品中试平台,丙公司,2026,75\n".encode(), "x.csv"
        )
    assert (uid, problems) == (None, ["reason_missing"])
    assert [(i.code, i.line, i.column) for i in result.report.errors] == [("REASON_REQUIRED", 2, "评语")]
    assert review_of(scored, 2026).rows.set_index("name").loc["食品中试平台", "source"] == "computed"


def test_a_new_row_corrects_the_figures_and_a_rollback_restores_them(scored: Path) -> None:
    with connection.connect(scored) as con:
        done = figures.record_figures(
            con,
            "食品中试平台",
            "丙公司",
            2026,
            {**dict.fromkeys(figures.FIGURE_CODES, 0), "served_firms": 50, "accreditation": "none"},
            by="赵六",
            today=TODAY,
        )
        assert done.stored and done.revised_rows == 1
        kind = con.execute(
            "SELECT kind, uploaded_by FROM uploads WHERE id = $id", {"id": done.upload_id}
        ).fetchall()
        after = review_of(scored, 2026).rows.set_index("name").loc["食品中试平台", "score"]
        writes.rollback_upload(con, done.upload_id, by="王五")
    assert kind == [("figures_form", "赵六")]
    assert after == 25.0  # only 服务企业数 at full marks
    assert review_of(scored, 2026).rows.set_index("name").loc["食品中试平台", "score"] == 31.7


BAD = FIG_HEAD + (
    "纺织中试平台,乙集团,2025,-3,15,500,2,5,CMA,1,3\n"  # 2: negative count
    "纺织中试平台,乙集团,2026,30,1.5,500,2,5,CMA,1,3\n"  # 3: fractional count
    "不存在的平台,某公司,2026,30,15,500,2,5,CMA,1,3\n"  # 4: unknown platform
    "食品中试平台,丙公司,2027,30,15,500,2,5,CMA,1,3\n"  # 5: after its revocation year
    "纺织中试平台,乙集团,2024,30,15,500,2,5,CMA,1,3\n"  # 6: before it entered the register
    "机器人中试平台,庚公司,2026,30,15,500,2,5,ISO9001,1,3\n"  # 7: unknown accreditation
    "光伏中试平台,甲公司,2026,30,15,-1,2,5,CMA,,x\n"  # 8: negative amount, empty, not a number
    "机器人中试平台,庚公司,2028,30,15,500,2,5,CMA,1,3\n"  # 9: a year not yet begun (TODAY 2027)
    "纺织中试平台,乙集团,2025,30,15,500,2,5,CMA,1,3\n"  # 10: line 2's platform and year again
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_bad_figures_file_is_rejected_with_every_line_and_nothing_stored(reg: Path, encoding: str) -> None:
    before = fingerprint(reg)
    with connection.connect(reg) as con:
        stored_before = con.execute("SELECT count(*) FROM platform_figures").fetchall()
        result = figures.ingest_figures(con, BAD.encode(encoding), "bad.csv", today=TODAY)
        stored_after = con.execute("SELECT count(*) FROM platform_figures").fetchall()
    assert not result.stored and stored_before == stored_after == [(0,)]
    assert fingerprint(reg) == before
    got = sorted((i.line, i.column, i.code) for i in result.report.errors)
    assert got == [
        (2, "服务企业数", "NEGATIVE_FIGURE"),
        (3, "中试服务项目数", "FRACTIONAL_FIGURE"),
        (4, "平台名称", "UNKNOWN_PLATFORM"),
        (5, "考核年度", "YEAR_OUTSIDE_LIFE"),
        (6, "考核年度", "YEAR_OUTSIDE_LIFE"),
        (7, "检验检测资质", "UNKNOWN_ACCREDITATION"),
        (8, "专利授权数", "NOT_A_NUMBER"),
        (8, "中试服务收入(万元)", "NEGATIVE"),
        (8, "参与制定标准数", "MISSING_VALUE"),
        (9, "考核年度", "YEAR_OUTSIDE_LIFE"),
        (10, None, "DUPLICATE_FIGURES"),
    ]
    by_line = {i.line: i for i in result.report.errors}
    assert by_line[5].describe() == (
        "第 5 行，列“考核年度”：考核年度 2027 不在该平台列入名录的年份内（2025–2026年） [YEAR_OUTSIDE_LIFE]"
    )
    assert by_line[3].message("en") == "“中试服务项目数” must be a whole number: 1.5"


def test_units_in_the_header_and_english_headers(reg: Path) -> None:
    text = (
        "name,host,year,firms_served,pilot_projects,revenue (亿元),incubated,transfers,accreditation,standards,patents\n"
        "纺织中试平台,乙集团,2025,30,15,0.05,2,5,CMA,1,3\n"
    )
    with connection.connect(reg) as con:
        assert figures.ingest_figures(con, text.encode(), "en.csv", today=TODAY).stored
        row = figures.current_figures(con).iloc[0]
    assert (row["service_revenue"], row["accreditation"], row["served_firms"]) == (500.0, "cma", 30)


# ---------------------------------------------------------------- the score and its rounding


@pytest.mark.parametrize(
    ("revenue", "points"),
    [
        (7.5, 0.2),  # 0.15 exactly: half up (binary 0.15 is 0.1499…, which round() takes down)
        (733, 14.7),  # 14.66
        (122.5, 2.5),  # 2.45 exactly: half up
        (2500, 20.0),  # above full marks: the weight, no more
        (0, 0.0),
    ],
)
def test_a_component_is_rounded_half_up_from_its_exact_value(revenue: float, points: float) -> None:
    scheme = scoring.reference_scheme()
    values = {**dict.fromkeys(figures.FIGURE_CODES, 0), "accreditation": "none", "service_revenue": revenue}
    assert scoring.score(values, scheme).components["service_revenue"] == points


counts = st.integers(min_value=0, max_value=10_000)


@st.composite
def schemes(draw: st.DrawFn) -> scoring.Scheme:
    """Weights in tenths that add up to 100, full marks anywhere from 0.1 up."""
    cuts = sorted(draw(st.lists(st.integers(0, 1000), min_size=7, max_size=7)))
    tenths = [b - a for a, b in zip([0, *cuts], [*cuts, 1000], strict=True)]
    comps = []
    for f, w in zip(figures.FIGURES, tenths, strict=True):
        full = (
            draw(st.sampled_from([1, 2])) if f.code == "accreditation" else draw(st.integers(1, 50_000)) / 10
        )
        comps.append(scoring.Component(f.code, w / 10, float(full)))
    return scoring.Scheme(tuple(comps), "test", True)


@settings(max_examples=300, deadline=None)
@given(
    scheme=schemes(),
    values=st.fixed_dictionaries(
        {
            **{f.code: counts for f in figures.FIGURES if f.kind == "count"},
            "service_revenue": st.integers(0, 10**8).map(lambda v: v / 100),
            "accreditation": st.sampled_from(sorted(figures.ACCREDITATIONS)),
        }
    ),
)
def test_the_components_add_up_to_the_score(scheme: scoring.Scheme, values: dict) -> None:
    """Rule: each component is rounded to 0.1 (halves up) from its exact value and the score is
    their sum; so the components shown add up to the score exactly, and the score is within
    0.05 per component of the unrounded total."""
    out = scoring.score(values, scheme)
    assert sum(Decimal(repr(c)) for c in out.components.values()) == Decimal(repr(out.score))
    exact = sum(
        scoring.points(figures.figure_value(c.figure, values[c.figure]), c) for c in scheme.components
    )
    assert abs(Fraction(repr(out.score)) - exact) <= Fraction(5, 100) * len(scheme.components)
    for c in scheme.components:
        assert 0 <= out.components[c.figure] <= c.weight + 0.05
    assert 0 <= out.score <= 100


# ---------------------------------------------------------------- the scheme as data


def test_the_scheme_is_data_with_its_source_history_and_audit(scored: Path) -> None:
    admin = Viewer("guanli", Role.ADMIN)
    weights = {**scoring.reference_scheme().weights(), "served_firms": 20.0, "patents": 10.0}
    full = {c.figure: c.full_marks for c in scoring.reference_scheme().components}
    with connection.connect(scored) as con:
        assert scoring.save_scheme(
            con, {**weights, "patents": 11.0}, full, "专班通知", placeholder=False, viewer=admin
        ) == (
            None,
            ["weights_total"],
        )
        assert scoring.save_scheme(
            con, weights, {**full, "accreditation": 3}, "", placeholder=False, viewer=admin
        )[1] == [
            "full_marks",
            "source_missing",
        ]
        with pytest.raises(KpiError):
            scoring.save_scheme(
                con, weights, full, "x", placeholder=False, viewer=Viewer("tongji", Role.STATISTICIAN)
            )
        assert scoring.save_scheme(
            con, weights, full, "专班2027年第1号通知", placeholder=False, viewer=admin
        ) == (1, [])
        assert scoring.save_scheme(
            con, weights, full, "专班2027年第1号通知", placeholder=False, viewer=admin
        ) == (None, [])
        history = scoring.scheme_history(con)
        event = audit.detail_of(audit.list_events(con, action="scheme_change")["detail"].iloc[0])
    assert [(s.version, s.set_by, s.placeholder) for s in history] == [
        (1, "guanli", False),
        (None, "reference", True),
    ]
    assert "placeholder until the task force publishes its own" in history[-1].source
    assert event["before"]["components"]["服务企业数"] == [25.0, 50.0]
    assert (
        event["after"]["components"]["服务企业数"] == [20.0, 50.0]
        and event["after"]["source"] == "专班2027年第1号通知"
    )
    # B 2025 again: 服务企业数 20 × 30/50 = 12, 专利授权数 10 × 3/5 = 6: 54.5 − 15 + 12 − 3 + 6 = 54.5
    # A 2026 stays 100; G 2025: 17.6 (not 22) and 8 (not 4): 84.4 − 4.4 + 4 = 84.0
    scores = review_of(scored, 2025).rows.set_index("name")["score"]
    assert (scores["纺织中试平台"], scores["机器人中试平台"]) == (54.5, 84.0)


# ---------------------------------------------------------------- the command line and the brief


def test_the_command_line_ingests_figures_and_prints_the_contract_json(reg: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD.encode("gbk"))
    rejected = run_kpi("ingest", "platform-figures", str(bad), db=reg)
    assert rejected.returncode == 2
    assert (
        "第 5 行" in rejected.stderr
        and "YEAR_OUTSIDE_LIFE" in rejected.stderr
        and "Traceback" not in rejected.stderr
    )
    english = run_kpi("ingest", "platform-figures", str(bad), "--lang", "en", db=reg)
    assert "line 3" in english.stderr and "must be a whole number" in english.stderr
    good = tmp_path / "年度数据.csv"
    good.write_bytes(
        FIG_HEAD.encode("utf-8-sig") + "纺织中试平台,乙集团,2026,50,30,1000,5,10,CNAS,2,5\n".encode()
    )
    done = run_kpi("ingest", "platform-figures", str(good), "--by", "赵六", db=reg)
    assert done.returncode == 0, done.stderr
    assert "1 条年度数据" in done.stdout
    out = json.loads(run_kpi("reviews", "--year", "2026", "--json", db=reg).stdout)
    assert out["year"] == 2026
    assert out["platforms"] == [
        {
            "name": "纺织中试平台",
            "host": "乙集团",
            "score": 100.0,
            "source": "computed",
            "components": {
                f.label_zh: float(c.weight)
                for f, c in zip(figures.FIGURES, scoring.reference_scheme().components, strict=True)
            },
            "reward_wan": 100.0,
            "region": "330483",
            "computed": 100.0,
            "reason": None,
            "in_pool": True,
            "rank": 1,
            "exit_candidate": False,
        }
    ]
    assert [p["name"] for p in out["pending"]] == ["食品中试平台", "机器人中试平台"]  # region order
    table = run_kpi("reviews", "--year", "2026", db=reg)
    assert table.returncode == 0 and "纺织中试平台" in table.stdout and "100.0" in table.stdout
    assert run_kpi("reviews", "--year", "99", db=reg).returncode == 2


def test_the_brief_has_the_years_total_reward_and_the_ranking(scored: Path) -> None:
    with connection.connect(scored) as con:
        page = brief.brief_html(con, today=dt.date(2027, 2, 1))  # reviews of 2026 are made now
    assert "2026年度绩效考核" in page
    assert "奖励资金已承诺1,170.0万元（培育库考核奖励170.0万元" in page
    ranking = page[page.index("排名：") :]
    assert ranking.index("纺织中试平台") < ranking.index("机器人中试平台") < ranking.index("食品中试平台")
    assert "81.0分（人工调整） 70.0万元" in ranking and "低于最低档（动态管理候选）1个" in ranking
