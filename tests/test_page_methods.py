"""The methods page through the real Streamlit runtime (AppTest) against a real DuckDB file.

Targets, sources and status rules must come from the database (change one, the page follows);
every indicator is defined; the taxonomy says when it is a placeholder; both languages work.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import support
from streamlit.testing.v1 import AppTest

from kpi.engine import snapshot
from kpi.ingest import demo
from kpi.ingest.clusters import ingest_clusters
from kpi.model.definitions import INDICATOR_ORDER, RATIOS, STAT_FIELD, indicator_label
from kpi.platforms import rewards
from kpi.progress import compute
from kpi.store import connection, writes
from kpi.text.dashboard import UI_TEXT

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kpi.duckdb"
    monkeypatch.setenv("KPI_DB", str(path))
    monkeypatch.chdir(ROOT)
    with connection.connect(path) as con:
        demo.load(con, today=dt.date(2025, 10, 15))
    return path


def methods_page() -> AppTest:
    at = support.app("leader").run()
    at.switch_page("pages/methods.py").run()
    assert not at.exception
    return at


def tables(at: AppTest) -> list:
    return [t.value for t in at.table]


def table_with(at: AppTest, column: str):
    found = [t for t in tables(at) if column in t.columns]
    assert found, f"no table with {column!r}"
    return found[0]


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_every_indicator_is_defined_with_its_ratio_of_sums(db):
    at = methods_page()
    defs = table_with(at, "计算公式")
    assert list(defs["代码"]) == list(INDICATOR_ORDER)
    assert list(defs["指标"]) == [indicator_label(c) for c in INDICATOR_ORDER]
    for r in RATIOS:
        formula = defs.set_index("代码").loc[r.code, "计算公式"]
        assert formula == f"Σ{STAT_FIELD[r.numerator].label_zh} ÷ Σ{STAT_FIELD[r.denominator].label_zh}"
    text = markdown(at)
    assert "从不对各单位或各季度的比率求平均" in text
    assert "**万元**" in text and "年初至本季度末的累计值" in text
    assert "集群行从不计入区县或全市合计" in text


def test_targets_sources_and_rules_are_read_from_the_database(db):
    source = "测试来源：嘉经信技装〔2026〕1号 第一条"
    with connection.connect(db) as con, connection.transaction(con):  # set_target: inside one
        writes.set_target(con, "rd_intensity", value=0.032, source=source, by="专班 李四")
        writes.set_target(con, "provincial_platforms", value=4)
        targets = snapshot.load_targets(con)
    at = methods_page()
    shown = table_with(at, "目标来源").set_index("指标")
    rd = shown.loc[indicator_label("rd_intensity")]
    assert (rd["目标值"], rd["目标来源"]) == ("≥ 3.2%", source)
    assert rd["最近修改"].endswith("专班 李四")
    assert shown.loc[indicator_label("provincial_platforms"), "目标值"] == "≥ 4 家"
    assert shown.loc[indicator_label("hightech_share"), "目标值"] == "73% ± 1 个百分点"
    assert shown.loc[indicator_label("national_platforms"), "最近修改"] == "初始值"
    for code in ("new_product_rate", "hightech_share", "cluster_coverage", "national_platforms"):
        assert shown.loc[indicator_label(code), "目标来源"] == targets[code].source

    rules = table_with(at, "判定规则").set_index("指标")["判定规则"]
    for r in RATIOS:
        # the glide-path rule first, then the gap rule used where no baseline exists
        glide, gap = rules[indicator_label(r.code)].split("\n")
        assert glide.startswith("按序时路径（优先）：自2024年同期")
        assert gap == "无基期可比时按差距：" + compute.ratio_rule(targets[r.code], "zh")
    assert "达到3.20%及以上为达标" in rules[indicator_label("rd_intensity")]
    assert rules[indicator_label("national_platforms")] == compute.count_rule("zh")


def test_placeholder_taxonomy_is_flagged_until_confirmed(db):
    at = methods_page()
    assert any("占位分类：13 / 13 个集群尚未经官方确认" in w.value for w in at.warning)

    with connection.connect(db) as con:
        rows = con.execute("SELECT code, name, name_en, tier, grp FROM clusters ORDER BY sort").fetchall()
        csv = "code,name,name_en,tier,group,confirmed\n" + "".join(
            f"{c},{n},{e},{t},{g},true\n" for c, n, e, t, g in rows
        )
        assert ingest_clusters(con, csv.encode(), "135N.csv", replace=True).stored
    at = methods_page()
    assert not any("占位分类" in w.value for w in at.warning)
    assert f"集群分类已确认：全部 {len(rows)} 个集群均标记为已确认。" in [s.value for s in at.success]


def test_open_questions_of_the_plan_are_listed(db):
    text = markdown(methods_page())
    for i in range(1, 5):
        assert f"{i}. {UI_TEXT[f'methods.open.{i}'][0]}" in text
    assert "嘉经信技装〔2025〕47号" in text and "300 万元" in text


def test_english_switch(db):
    at = methods_page()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Methods"
    assert [e.label for e in at.expander][:2] == ["Indicator definitions", "Data sources"]
    defs = table_with(at, "Formula").set_index("Code")
    assert defs.loc["rd_intensity", "Formula"] == "Σ R&D expense ÷ Σ operating revenue"
    assert defs.loc["national_platforms", "Indicator"] == indicator_label("national_platforms", "en")
    text = markdown(at)
    assert "never a mean of the units' or quarters' ratios" in text
    assert "cultivation-pool reward cap" in text
    # no Chinese outside names, sources and quoted words: the headers and rules are English
    rules = table_with(at, "Rule")
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(rules["Rule"]))


def test_methods_page_works_on_an_empty_database(tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.chdir(ROOT)
    at = methods_page()
    assert table_with(at, "目标来源").shape[0] == len(INDICATOR_ORDER)


def test_every_text_key_of_the_methods_page_exists_in_both_languages():
    from kpi.text.methods import METHODS_TEXT

    for key, (zh, en) in METHODS_TEXT.items():
        assert zh.strip() and en.strip() and key in UI_TEXT, key
    used = set(re.findall(r'\bt\(\s*"([^"{]+)"', (ROOT / "pages" / "methods.py").read_text()))
    used |= {f"methods.col.{c}" for c in ("indicator", "code", "formula", "scope", "target", "kind")}
    used |= {f"methods.col.{c}" for c in ("deadline", "source", "updated", "rule")}
    used |= {
        f"methods.formula.{c}" for c in ("cluster_coverage", "provincial_platforms", "national_platforms")
    }
    used |= {f"methods.kind.{k}" for k in ("point", "floor", "band", "count", "coverage")}
    used |= {f"methods.meaning.{s}" for s in ("achieved", "on_track", "at_risk", "off_track", "no_data")}
    used |= {f"methods.tier.{t}" for t in ("1", "3", "5", "N")} | {f"methods.open.{i}" for i in range(1, 5)}
    used |= {f"methods.group.{g}" for g in ("traditional", "emerging", "future")}
    assert sorted(used - set(UI_TEXT)) == []


def rewards_table(at: AppTest):
    return table_with(at, "依据").set_index("设置项")


def test_reward_rules_in_force_are_shown_with_their_source(db):
    at = methods_page()
    assert "中试平台奖励规则" in [e.label for e in at.expander]
    shown = rewards_table(at)
    assert len(shown) == len(rewards.SETTING_KEYS)
    award = shown.loc["省级奖励（万元/个）"]
    assert award["现行值"] == "1000万元"
    assert "给予1000万元奖励" in award["依据"] and award["依据"].startswith("方案三、6")
    assert shown.loc["国家级配套比例（1 = 1:1）", "现行值"] == "1:1"
    assert shown.loc["上限口径", "现行值"] == "三年合计"
    assert (
        shown.loc["得分档次（分数:比例，分号分隔）", "现行值"]
        == "≥90分得100%；≥80分得70%；≥60分得40%；其余不奖励"
    )
    assert set(shown["最近修改"]) == {"初始值"}
    text = markdown(at)
    assert "省级：每个新认定（2025-07-04起）的省级制造业中试平台奖励 1000 万元" in text
    assert "即每年最多 100 万元" in text


def test_reward_rules_follow_a_change_of_the_settings(db):
    with connection.connect(db) as con:
        changed = {"provincial_award_wan": "800", "pool_cap_basis": "per_year"}
        assert rewards.save_settings(con, changed, "专班 李四") == {}
        settings = rewards.load_settings(con)
    at = methods_page()
    shown = rewards_table(at)
    assert shown.loc["省级奖励（万元/个）", "现行值"] == "800万元"
    assert shown.loc["上限口径", "现行值"] == "每年"
    assert shown.loc["省级奖励（万元/个）", "最近修改"].endswith("专班 李四")
    assert shown.loc["连续奖励年数", "最近修改"] == "初始值"
    text = markdown(at)
    assert f"奖励 {settings.provincial_award_wan:g} 万元" in text and "即每年最多 300 万元" in text


def test_reward_rules_in_english(db):
    at = methods_page()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert "Pilot-platform reward rules" in [e.label for e in at.expander]
    shown = table_with(at, "Source").set_index("Setting")
    assert shown.loc["Provincial award (10k yuan each)", "In force"] == "1000 (10k yuan)"
    assert shown.loc["The cap applies", "In force"] == "for the three years in total"
    assert shown.loc["Policy start (earlier recognitions earn nothing)", "Last changed"] == "as shipped"
    assert "Provincial: 1000 (10k yuan) per platform newly recognised" in markdown(at)


def test_the_page_writes_the_pace_glide_band_and_completeness_rules_as_they_work(db):
    """Issue 12: the methods page states the rules the numbers now follow."""
    from kpi.progress import trajectory

    at = methods_page()
    text = markdown(at)
    assert "按同期整年计时" in text and "到 2027 年都是 3 年" in text  # baseline 2024, target year 2027
    assert f"r/r* ≥ {trajectory.PACE_SUBSTANTIAL:g} 为进展显著" in text
    assert "达到区间下沿及以上即为达标" in text and "在区间内不再提示“需再增加”" in text
    assert "默认显示最近报齐的一期" in text and "数据未报齐" in text
    assert "同口径比较" in text
    assert any("数据未报齐" in m.value for m in at.markdown)  # the status legend has the new light
