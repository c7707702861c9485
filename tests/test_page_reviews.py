"""AppTest runs of the annual review on evidence against a real DuckDB file (`kpi demo`: the demo
platforms with their figures and one override): the platforms page's review tab shows what
`kpi reviews --year --json` prints; figures go in by file (every problem with its line, nothing
stored) and by form; the administrator stores a new scheme; the methods page marks the
placeholder."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import support
from streamlit.testing.v1 import AppTest

from kpi.platforms import figures, scoring
from kpi.store import connection
from kpi.text.dashboard import UI_TEXT

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2026


def start(role: str = "statistician", page: str = "pages/platforms.py") -> AppTest:
    at = support.app(role)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, *columns: str, without: str | None = None):
    """The first table with all `columns` (and not `without`): AppTest does not expose its key."""
    found = [
        d.value
        for d in at.dataframe
        if set(columns) <= set(d.value.columns) and (without is None or without not in d.value.columns)
    ]
    assert found, columns
    return found[0]


def on_year(at: AppTest, year: int = YEAR) -> AppTest:
    support.platforms_tab(at, "reviews")  # only the open tab runs
    at.selectbox(key="plat_rv_year").set_value(year)
    return rerun(at)


def contract_json(db: Path, year: int = YEAR) -> dict:
    done = support.run_kpi("reviews", "--year", str(year), "--json", db=db)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_page_shows_what_kpi_reviews_json_prints(app_db: Path) -> None:
    out = contract_json(app_db)
    at = on_year(start("leader"))
    ranking = table(at, "排名")
    pool = [p for p in out["platforms"] if p["in_pool"]]
    words = {"computed": "按数据计算", "override": "人工调整"}
    assert ranking[["排名", "平台名称", "考核得分", "得分来源", "培育库奖励（万元）"]].values.tolist() == [
        [p["rank"], p["name"], f"{p['score']:.1f}", words[p["source"]], f"{p['reward_wan']:,.1f}"]
        for p in pool
    ]
    others = table(at, "级别", "考核得分", without="排名")
    rest = [p for p in out["platforms"] if not p["in_pool"]]
    assert others[["平台名称", "考核得分", "得分来源"]].values.tolist() == [
        [p["name"], f"{p['score']:.1f}", words[p["source"]]] for p in rest
    ]
    exits = table(at, "得分来源", without="排名")  # the exit candidates' table comes first
    assert list(exits["平台名称"]) == [p["name"] for p in out["platforms"] if p["exit_candidate"]]
    assert at.metric[4].value == f"{out['pool_reward_wan']:,.1f}万元"  # after the 3 goal cards: 在库, 奖励
    # the demo spreads over the bands: a top score, one below the lowest band, one pending
    assert pool[0]["reward_wan"] == 100.0 and any(p["exit_candidate"] for p in pool) and out["pending"]
    # the ranking chart draws the same scores
    chart = json.loads(at.get("plotly_chart")[-2].proto.spec)
    assert chart["data"][0]["x"][::-1] == [p["score"] for p in pool]


def test_one_platforms_score_by_component_equals_the_json(app_db: Path) -> None:
    out = contract_json(app_db)
    at = on_year(start())
    first = out["platforms"][0]
    at.selectbox(key="plat_rv_detail__zh").set_value(f"{first['name']}\x1f{first['host']}")
    rerun(at)
    chart = json.loads(at.get("plotly_chart")[-1].proto.spec)
    track, bars = chart["data"]
    assert bars["y"][::-1] == list(first["components"]) and bars["x"][::-1] == list(
        first["components"].values()
    )
    assert track["x"][::-1] == [c.weight for c in scoring.reference_scheme().components]  # against the weight
    detail = table(at, "报送值")
    assert list(detail["得分"])[:-1] == [f"{v:.1f}" for v in first["components"].values()]
    assert detail["得分"].iloc[-1] == f"{first['score']:.1f}"  # the components add up to the score


def test_an_override_shows_beside_the_computed_score(app_db: Path) -> None:
    out = contract_json(app_db, 2025)
    override = next(p for p in out["platforms"] if p["source"] == "override")
    at = on_year(start(), 2025)
    row = table(at, "排名").set_index("平台名称").loc[override["name"]]
    assert (row["考核得分"], row["计算得分"]) == (f"{override['score']:.1f}", f"{override['computed']:.1f}")
    assert row["调整理由"] == override["reason"]


BAD = (
    "平台名称,依托单位,考核年度,服务企业数,中试服务项目数,中试服务收入(万元),孵化企业数,成果转化数,检验检测资质,参与制定标准数,专利授权数\n"
    "汽车零部件中试平台（示例）,示例汽配科技公司,2026,12,-4,300,1,2,CMA,0,1\n"
    "汽车零部件中试平台（示例）,示例汽配科技公司,2025,12,4,300,1,2,甲级,0,1.5\n"
)


def test_a_figures_file_is_checked_then_stored_on_confirm(app_db: Path) -> None:
    at = on_year(start())
    with connection.connect(app_db) as con:
        before = len(figures.current_figures(con))
    at.file_uploader(key="plat_fg_file_0").set_value(("bad.csv", BAD.encode("gbk"), "text/csv"))
    rerun(at)
    assert any("未入库" in e.value for e in at.error)
    report = table(at, "代码")
    assert sorted(zip(report["行"], report["代码"], strict=True)) == [
        (2, "NEGATIVE_FIGURE"),
        (3, "FRACTIONAL_FIGURE"),
        (3, "UNKNOWN_ACCREDITATION"),
        (3, "YEAR_OUTSIDE_LIFE"),  # recognised 2026-05-20
    ]
    good = BAD.splitlines()[0] + "\n汽车零部件中试平台（示例）,示例汽配科技公司,2026,12,4,300,1,2,CMA,0,1\n"
    at.file_uploader(key="plat_fg_file_0").set_value(("good.csv", good.encode("utf-8-sig"), "text/csv"))
    rerun(at)
    assert any("校验通过" in i.value for i in at.info)
    with connection.connect(app_db) as con:
        assert len(figures.current_figures(con)) == before  # nothing before the confirmation
    at.button(key="plat_fg_store").click()
    rerun(at)
    assert any("年度数据已入库" in s.value for s in at.success)
    # 6 + 2.7 + 6 + 2 + 2 + 5 + 0 + 1 = 24.7: now scored, below the lowest band, no longer due
    row = table(at, "排名").set_index("平台名称").loc["汽车零部件中试平台（示例）"]
    assert (row["考核得分"], row["得分来源"]) == ("24.7", "按数据计算")
    assert "汽车零部件中试平台（示例）" in set(table(at, "得分来源", without="排名")["平台名称"])


def test_the_form_corrects_one_platforms_figures(app_db: Path) -> None:
    name, host = "氢能装备中试平台（示例）", "示例氢能检测中心"
    at = on_year(start())
    at.selectbox(key="plat_fg_pick__zh").set_value(f"{name}\x1f{host}")
    at.number_input(key="plat_fg_year").set_value(YEAR)
    rerun(at)
    k = hashlib.sha256(f"{name}\x1f{host}\x1f{YEAR}".encode()).hexdigest()[:10]  # the form's widget keys
    assert at.number_input(key=f"plat_fg_served_firms_{k}").value == 18  # starts from the figures on record
    at.number_input(key=f"plat_fg_served_firms_{k}").set_value(50)
    at.button(key=f"plat_fg_save_{k}").click()
    rerun(at)
    assert any("年度数据已保存" in s.value for s in at.success), [e.value for e in at.error]
    with connection.connect(app_db) as con:
        row = figures.current_figures(con, YEAR).set_index("name").loc[name]
    assert (row["served_firms"], row["kind"], row["recorded_by"]) == (50, "figures_form", "t_statistician")
    # 33.7 − 9.0 + 25.0 = 49.7
    assert table(at, "排名").set_index("平台名称").loc[name, "考核得分"] == "49.7"


def test_an_administrator_stores_a_new_scheme_and_the_methods_page_marks_the_placeholder(
    app_db: Path,
) -> None:
    methods = start("leader", "pages/methods.py")
    assert any("占位方案" in w.value for w in methods.warning)
    shown = next(t.value for t in methods.table if "满分值" in t.value.columns)
    assert shown.values.tolist()[0] == ["服务企业数", "25", "50"]
    assert shown.values.tolist()[5] == ["检验检测资质", "5", "具备CMA或CNAS"]

    at = start("admin", "pages/admin.py")
    at.number_input(key="admin_scheme_w_served_firms").set_value(30.0)
    at.button(key="admin_scheme_save").click()
    rerun(at)
    assert any("之和应为 100 分（现为 105 分）" in e.value for e in at.error)
    at.number_input(key="admin_scheme_w_patents").set_value(0.0)
    at.text_area(key="admin_scheme_source").set_value("专班2026年第3号通知")
    at.checkbox(key="admin_scheme_placeholder").set_value(False)
    at.button(key="admin_scheme_save").click()
    rerun(at)
    assert any("已保存为第 1 版" in s.value for s in at.success), [e.value for e in at.error]
    history = table(at, "权重/满分值")
    assert len(history) == 2 and history["设置人"].iloc[0] == "t_admin"  # the new version, then the reference
    assert history["来源"].iloc[0] == "专班2026年第3号通知"
    with connection.connect(app_db) as con:
        scheme = scoring.load_scheme(con)
    assert (scheme.weights()["served_firms"], scheme.weights()["patents"], scheme.placeholder) == (
        30.0,
        0.0,
        False,
    )
    methods = rerun(methods)
    assert not any("占位方案" in w.value for w in methods.warning)
    assert any("专班正式方案" in s.value for s in methods.success)


def test_every_text_key_of_the_review_widgets_exists_in_both_languages() -> None:
    from kpi.text.reviews import REVIEWS_TEXT

    for key, (zh, en) in REVIEWS_TEXT.items():
        assert zh.strip() and en.strip() and key in UI_TEXT, key
    used: set[str] = set()
    for module in ("kpi/ui/platforms/annual.py", "kpi/ui/platforms/entry.py", "kpi/ui/scheme.py"):
        used |= set(re.findall(r'\bt\(\s*"([^"{]+)"', (ROOT / module).read_text(encoding="utf-8")))
    used |= {f"rv.source.{s}" for s in ("computed", "override")} | {
        f"rv.accreditation.{a}" for a in figures.ACCREDITATIONS
    }
    used |= {
        "rv.full_accreditation.1",
        "rv.full_accreditation.2",
        "plat.rw.state.not_in_pool",
        "plat.rw.state.below_bands",
    }
    used |= {f"scheme.problem.{p}" for p in (*scoring.PROBLEMS, "by_missing")} | {"admin.tab.scheme"}
    assert len(used) > 60 and sorted(used - set(UI_TEXT)) == []


def test_the_review_tab_in_english(app_db: Path) -> None:
    at = support.platforms_tab(start(), "reviews")
    # one run after the switch (AppTest formats options in Chinese); the open tab stays open
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert [t.label for t in at.tabs][4] == "Annual reviews"
    assert "Score" in table(at, "Rank").columns
    assert any(s.value.startswith("Pool platforms ranked") for s in at.subheader)
