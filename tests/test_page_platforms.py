"""AppTest runs of the 中试平台 page against a real DuckDB file (the demo data, plus a few rows).

What the page shows must equal `kpi status` (kpi.engine.status.kpi_status); the filters narrow the
register; the correction form stores a new version with who made it and shows it in the history;
reviews and reward settings are stored; platform names are only ever shown as text.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import support
from streamlit.testing.v1 import AppTest

from kpi.engine import status
from kpi.ingest.platforms import ingest_platforms
from kpi.platforms import register, reviews, rewards
from kpi.store import connection

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/platforms.py"


def start(role: str = "statistician") -> AppTest:
    at = support.app(role)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def frames(at: AppTest, column: str) -> list:
    """The tables with a given column (AppTest does not expose a dataframe's key)."""
    return [d.value for d in at.dataframe if column in d.value.columns]


def frame(at: AppTest, column: str):
    found = frames(at, column)
    assert found, column
    return found[0]


def edit_key(name: str, host: str) -> str:
    return hashlib.sha256(f"{name}\x1f{host}".encode()).hexdigest()[:10]


def test_the_goal_cards_equal_kpi_status(app_db: Path) -> None:
    at = start()
    with connection.connect(app_db) as con:
        ind = status.kpi_status(con)["indicators"]
    assert at.title[0].value == "中试平台"
    values = [m.value for m in at.metric]
    assert values[0] == f"{ind['cluster_coverage']['value'] * 100:.1f}%"
    assert (
        values[1]
        == f"{ind['provincial_platforms']['value']} 家 / 目标 {ind['provincial_platforms']['target']:g} 家"
    )
    assert (
        values[2]
        == f"{ind['national_platforms']['value']} 家 / 目标 {ind['national_platforms']['target']:g} 家"
    )
    assert any("演示数据" in w.value for w in at.warning)
    assert not frames(at, "集群企业所在单位")  # only the open tab runs (issue 16)
    support.platforms_tab(at, "coverage")
    # the uncovered clusters on the page are the JSON's, in the same order
    uncovered = frame(at, "集群企业所在单位")
    assert list(uncovered["产业集群"]) == ind["cluster_coverage"]["uncovered_names"]
    # the last quarter of the coverage table is today's coverage
    latest = frame(at, "不再覆盖").iloc[0]
    assert (
        latest["已覆盖集群数"] == f"{ind['cluster_coverage']['covered']}/{ind['cluster_coverage']['total']}"
    )
    support.platforms_tab(at, "ladder")
    # the ladder's cumulative provincial and national counts are the JSON's too
    ladder = frame(at, "本级及以上（累计）").set_index("级别")["本级及以上（累计）"]
    assert ladder["省级"] == ind["provincial_platforms"]["value"]
    assert ladder["国家级"] == ind["national_platforms"]["value"]


def test_filters_narrow_the_register(app_db: Path) -> None:
    at = start()
    assert len(frame(at, "列入名录时间")) == 10
    at.multiselect(key="plat_f_region__zh").set_value(["JX-PORT"])
    rerun(at)
    table = frame(at, "列入名录时间")
    assert sorted(table["平台名称"]) == ["化工新材料中试基地（示例）", "氢能装备中试平台（示例）"]
    at.multiselect(key="plat_f_level__zh").set_value(["pool"])
    at.text_input(key="plat_search").set_value("氢能")
    rerun(at)
    assert list(frame(at, "列入名录时间")["平台名称"]) == ["氢能装备中试平台（示例）"]
    at.multiselect(key="plat_f_status__zh").set_value(["revoked"])
    rerun(at)
    assert not frames(at, "列入名录时间")
    assert any("没有符合" in i.value for i in at.info)


def test_a_closed_tab_keeps_its_filters_and_choices(app_db: Path) -> None:
    """Only the open tab runs, and a widget that does not run loses its state: the register's
    filters, search and history choice must still be set on coming back from another tab."""
    at = start()
    key = "现代纺织新材料中试平台（示例）\x1f示例纺织集团"
    at.multiselect(key="plat_f_region__zh").set_value(["JX-PORT"])
    at.text_input(key="plat_search").set_value("氢能")
    at.selectbox(key="plat_history__zh").set_value(key)
    rerun(at)
    assert list(frame(at, "列入名录时间")["平台名称"]) == ["氢能装备中试平台（示例）"]
    support.platforms_tab(at, "coverage")
    assert not frames(at, "列入名录时间")
    rerun(at)  # a second run with the register closed (a rerun of the coverage tab)
    support.platforms_tab(at, "register")
    assert list(frame(at, "列入名录时间")["平台名称"]) == ["氢能装备中试平台（示例）"]
    assert at.multiselect(key="plat_f_region__zh").value == ["JX-PORT"]
    assert at.text_input(key="plat_search").value == "氢能"
    assert at.selectbox(key="plat_history__zh").value == key
    # and the browser is told so: a kept value goes out with the widget (set_value), or the box
    # showed empty while the table was filtered
    search = at.text_input(key="plat_search").proto
    assert search.set_value and search.value == "氢能"
    region = at.multiselect(key="plat_f_region__zh").proto
    assert region.set_value and list(region.raw_values) == ["嘉兴港区"]  # as its label
    # the reviews tab's year choice too
    support.platforms_tab(at, "reviews")
    year = at.selectbox(key="plat_rv_year")
    other = [o for o in year.options if str(o) != str(year.value)]
    assert other, year.options
    year.set_value(type(year.value)(other[0]))
    rerun(at)
    chosen = at.selectbox(key="plat_rv_year").value
    assert str(chosen) == str(other[0])
    support.platforms_tab(at, "ladder")
    support.platforms_tab(at, "reviews")
    assert at.selectbox(key="plat_rv_year").value == chosen


def test_the_correction_form_stores_a_version_with_who_and_why(app_db: Path) -> None:
    name, host = "现代纺织新材料中试平台（示例）", "示例纺织集团"
    at = start()
    support.platforms_tab(at, "edit")
    key = f"{name}\x1f{host}"
    at.selectbox(key="plat_edit_pick__zh").set_value(key)
    rerun(at)
    k = edit_key(name, host)
    at.selectbox(key=f"plat_ed_level_{k}").set_value("provincial")
    at.text_input(key=f"plat_ed_note_{k}").set_value("省经信厅公布名单")
    assert any("记录人：t_statistician" in c.value for c in at.caption)  # who: the signed-in account
    at.button(key=f"plat_ed_save_{k}").click()
    rerun(at)
    assert any("已保存更正" in s.value for s in at.success)
    with connection.connect(app_db) as con:
        now = register.current_register(con).set_index("name").loc[name]
        ind = status.kpi_status(con)["indicators"]
        last = con.execute("SELECT kind, uploaded_by, note FROM uploads ORDER BY id DESC LIMIT 1").fetchall()
    assert now["level"] == "provincial"
    assert last == [("platform_edit", "t_statistician", "省经信厅公布名单")]
    # the page and the JSON move together
    assert at.metric[1].value.startswith(f"{ind['provincial_platforms']['value']} 家")
    assert ind["provincial_platforms"]["value"] == 3
    support.platforms_tab(at, "register")
    at.selectbox(key="plat_history__zh").set_value(key)
    rerun(at)
    history = frame(at, "事件")
    assert list(history["事件"]) == ["列入名录（市级）", "升级：市级 → 省级"]
    assert list(history["经办人"]) == ["demo", "t_statistician"]
    assert history["说明"].iloc[-1] == "省经信厅公布名单"


def money(text: str) -> float:
    """A metric written by kpi.text.numbers.money (万元 / 亿元) back to 万元."""
    if text.endswith("亿元"):
        return float(text.removesuffix("亿元").replace(",", "")) * 10_000
    return float(text.removesuffix("万元").replace(",", ""))


def test_an_override_needs_a_reason_is_stored_and_leaves_the_due_list(app_db: Path) -> None:
    """The demo's platform under construction reports no figures for 2026: it is due. A typed
    score without a reason is refused; with one it is stored, counts, and the platform leaves
    the due list."""
    name, host = "汽车零部件中试平台（示例）", "示例汽配科技公司"
    at = start()
    committed = money(support.platforms_tab(at, "rewards").metric[3].value)
    support.platforms_tab(at, "reviews")
    at.selectbox(key="plat_rv_year").set_value(2026)
    rerun(at)
    due = frame(at, "考核状态")
    assert (name, 2026) in set(zip(due["平台名称"], due["考核年度"], strict=True))
    at.selectbox(key="plat_rv_pick__zh").set_value(f"{name}\x1f{host}")
    at.number_input(key="plat_rv_form_year_2026").set_value(2026)
    at.number_input(key="plat_rv_score").set_value(92)
    at.button(key="plat_rv_save").click()
    rerun(at)
    assert any("必须填写调整理由" in e.value for e in at.error)
    at.text_input(key="plat_rv_comment").set_value("在建期间由专班现场核查评定")
    at.button(key="plat_rv_save").click()
    rerun(at)
    assert any("考核结果已保存" in s.value for s in at.success), [e.value for e in at.error]
    with connection.connect(app_db) as con:
        scores = reviews.current_reviews(con)
        events = con.execute(
            "SELECT actor, detail FROM audit_log WHERE action = 'review_override' ORDER BY id DESC LIMIT 1"
        ).fetchall()
    mine = scores[scores["recorded_by"] == "t_statistician"]
    assert mine[["name", "year", "score", "comment"]].values.tolist() == [
        [name, 2026, 92.0, "在建期间由专班现场核查评定"]
    ]
    assert events[0][0] == "t_statistician" and '"computed": null' in events[0][1]
    due = frames(at, "考核状态")
    assert not due or (name, 2026) not in set(zip(due[0]["平台名称"], due[0]["考核年度"], strict=True))
    # 92 earns the whole year's cap: 300 / 3 = 100万元 more committed
    assert money(support.platforms_tab(at, "rewards").metric[3].value) == committed + 100


def test_the_pool_cap_setting_changes_the_money(app_db: Path) -> None:
    at = support.platforms_tab(start("admin"), "rewards")  # the reward rules are an administrator's
    before = money(at.metric[4].value)  # pending reviews, at most
    at.radio(key="plat_rw_pool_cap_basis__zh").set_value("per_year")
    at.button(key="plat_rw_save").click()
    rerun(at)
    assert any("已保存" in s.value for s in at.success)
    with connection.connect(app_db) as con:
        assert rewards.load_settings(con).pool_cap_basis == "per_year"
    # each pending review year: at most 100 a year before (300 / 3), 300 a year now
    assert before > 0 and money(at.metric[4].value) == 3 * before


def test_platform_names_are_shown_as_text_only(app_db: Path) -> None:
    hostile = (
        "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态\n"
        '"<img src=x onerror=alert(1)>",=cmd|x,南湖区,合成生物,市级培育库,专业机构,2026-01-05,运行\n'
    )
    with connection.connect(app_db) as con:
        assert ingest_platforms(con, hostile.encode(), "x.csv", is_demo=True).stored
    at = start()
    names = list(frame(at, "列入名录时间")["平台名称"])
    assert "<img src=x onerror=alert(1)>" in names
    markup = " ".join(m.value for m in [*at.markdown, *at.caption, *at.info, *at.warning])
    assert "onerror" not in markup and "=cmd" not in markup


def test_english_labels(app_db: Path) -> None:
    at = start()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Pilot platforms"
    assert [t.label for t in at.tabs][:3] == ["Register", "135N coverage", "Levels"]


def test_an_empty_register_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_DB", str(tmp_path / "empty.duckdb"))
    at = start()
    # the page and the role that can fill it, not a shell command
    assert any("统计员登录后可在“数据上传”页" in i.value and "kpi " not in i.value for i in at.info)
    assert not at.metric


def test_a_review_file_is_checked_then_stored_on_confirm(app_db: Path) -> None:
    good = (
        "平台名称,依托单位,考核年度,考核得分,评语\n氢能装备中试平台（示例）,示例氢能检测中心,2026,81,良好\n"
    )
    bad = "平台名称,依托单位,考核年度,考核得分\n不存在的平台,某公司,2026,81\n"
    at = support.platforms_tab(start(), "reviews")
    at.file_uploader(key="plat_rv_file_0").set_value(("bad.csv", bad.encode("gb18030"), "text/csv"))
    rerun(at)
    assert any("未入库" in e.value for e in at.error)
    assert "UNKNOWN_PLATFORM" in set(frame(at, "代码")["代码"])
    at.file_uploader(key="plat_rv_file_0").set_value(("good.csv", good.encode("utf-8-sig"), "text/csv"))
    rerun(at)
    assert any("校验通过" in i.value for i in at.info)
    at.button(key="plat_rv_store").click()
    rerun(at)
    assert any("考核结果已入库" in s.value for s in at.success)
    with connection.connect(app_db) as con:
        scores = reviews.current_reviews(con)
    mine = scores[scores["recorded_by"] == "t_statistician"]
    assert mine[["name", "year", "score", "comment"]].values.tolist() == [
        ["氢能装备中试平台（示例）", 2026, 81.0, "良好"]
    ]


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_roles_without_the_upload_right_get_no_correction_or_review_forms(app_db: Path, role: str) -> None:
    at = start(role)
    labels = [t.label for t in at.tabs]
    assert "更正" not in " ".join(labels) and len(labels) == 5
    keys, buttons = set(), set()
    for tab in ("register", "coverage", "ladder", "rewards", "reviews"):  # only the open tab runs
        support.platforms_tab(at, tab)
        keys |= {w.key for w in [*at.button, *at.selectbox, *at.number_input]}
        buttons |= {b.key for b in at.button}
        assert not at.get("file_uploader"), tab
    assert "plat_rv_save" not in keys and "plat_rv_score" not in keys
    assert ("plat_rw_save" in buttons) == (role == "admin")  # the reward rules


def test_a_statistician_cannot_change_the_reward_rules(app_db: Path) -> None:
    at = start()
    assert "plat_rw_save" not in {b.key for b in support.platforms_tab(at, "rewards").button}
    assert "plat_rv_save" in {b.key for b in support.platforms_tab(at, "reviews").button}


def test_the_platform_reads_go_through_the_one_cached_reader_of_kpi_ui(app_db: Path) -> None:
    """One cache for the app (kpi.ui.scope.read, keyed on the file's stamp and the viewer's scope): the
    platform readers are registered there, no ui_platforms module keeps a cache of its own, and a
    write from a shell shows at the next rerun."""
    from kpi.ui import data

    for name in ("register", "versions", "reviews", "settings", "settings_log"):
        assert name in data._READERS and name not in data.SCOPED, name
    paths = sorted((ROOT / "kpi" / "ui" / "platforms").glob("*.py"))
    assert len(paths) >= 4
    for path in paths:
        assert "cache_data" not in path.read_text(encoding="utf-8"), path.name
    at = support.platforms_tab(start("leader"), "rewards")
    rule = "的省级制造业中试平台奖励 {} 万元"
    assert any(rule.format(1000) in m.value for m in at.markdown)
    with connection.connect(app_db) as con:
        assert rewards.save_settings(con, {"provincial_award_wan": "900"}, "shell") == {}
    rerun(at)
    assert any(rule.format(900) in m.value for m in at.markdown)
