"""The audit page (审计记录) through the real Streamlit runtime against a real DuckDB file: each
event reads as one sentence in the page's language, made from its action and its detail, never
as the raw JSON; an event this version has no sentence for still shows its facts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import support
from streamlit.testing.v1 import AppTest

from kpi.access import accounts, sessions
from kpi.platforms import rewards
from kpi.store import connection, writes

NANHU, XIUZHOU = "330402", "330411"


@pytest.fixture
def trail(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database whose trail holds one event of nearly every kind, made by the real kpi code."""
    monkeypatch.setenv("KPI_DB", str(db))
    monkeypatch.setenv("KPI_LOGIN_DELAY_SECONDS", "0")
    first = support.stats_csv(
        "2025Q1,南湖区,,30,1000,500,1000,70,100", "2025Q1,秀洲区,,20,1000,400,1000,60,100"
    )
    again = support.stats_csv(
        "2025Q1,南湖区,,31,1000,500,1000,70,100",
        "2025Q1,秀洲区,,21,1000,400,1000,60,100",
        "2025Q1,嘉善县,,25,1000,450,1000,65,100",
    )
    assert support.ingest_text(db, first, "stats_2025Q1.csv").stored
    assert support.ingest_text(db, again, "stats_2025Q1_修订.csv").stored
    with connection.connect(db, write=True) as con:
        assert writes.rollback_upload(con, 2, by="统计员甲") == 3
        with connection.transaction(con):
            writes.set_target(con, "rd_intensity", value=0.032, by="admin1")
            writes.set_target(con, "provincial_platforms", value=4, by="admin1")
        accounts.add_user(
            con, "wangwu", "a-long-password", "county", region=NANHU, display_name="王五", by="admin1"
        )
        accounts.set_role(con, "wangwu", "county", region=XIUZHOU, by="admin1")
        sessions.check_sign_in(con, "wangwu", "not-the-password")
        sessions.check_sign_in(con, "nobody", "not-the-password")
        sessions.check_sign_in(con, "wangwu", "a-long-password")
        assert (
            rewards.save_settings(
                con, {"pool_cap_basis": "per_year", "provincial_award_wan": "800"}, "admin1"
            )
            == {}
        )
        accounts.disable_user(con, "wangwu", by="admin1")
        # what another version might have written: an action without a sentence here, and a known
        # action whose detail lacks the fields this version expects
        for action, detail in (
            ("api_token_issued", {"token_id": 7, "scope": {"role": "leader"}}),
            ("upload", {"file": "旧格式.csv"}),
        ):
            con.execute(
                """INSERT INTO audit_log (id, "at", actor, action, detail)
                   VALUES (nextval('audit_id_seq'), now(), 'older', $action, $detail)""",
                {"action": action, "detail": json.dumps(detail, ensure_ascii=False)},
            )
    return db


def audit_page(lang: str = "zh") -> AppTest:
    at = support.app("admin").run()
    at.switch_page("pages/audit.py").run()
    if lang == "en":
        at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def details(at: AppTest, column: str) -> list[str]:
    return list(at.dataframe[0].value[column])


ZH = [
    "上传统计数据 stats_2025Q1.csv：2 行（新增 2，修订 0，未变 0），上传编号 1",
    "上传统计数据 stats_2025Q1_修订.csv：3 行（新增 1，修订 2，未变 0），上传编号 2",
    "撤回上传编号 2（统计数据，3 行）",
    "修改目标 研发费用占比：3.15% → 3.2%",
    "修改目标 省级制造业中试平台（累计）：3 → 4",
    "新建账号 wangwu（王五），角色 区县（南湖区）",
    "修改账号 wangwu 的角色：区县（南湖区） → 区县（秀洲区）",
    "登录失败：密码错误（连续第 1 次）",
    "登录失败：用户名不存在（连续第 1 次）",
    "登录（密码）",
    "修改奖补规则：上限口径 三年合计 → 每年；省级奖励（万元/个） 1000 → 800",
    "停用账号 wangwu",
    "api_token_issued：token_id 7，scope.role leader",
    "上传：file 旧格式.csv",
]

EN = [
    "Uploaded statistics stats_2025Q1.csv: 2 rows (2 new, 0 revised, 0 unchanged), upload 1",
    "Rolled back upload 2 (statistics, 3 rows)",
    "Target changed, R&D intensity: 3.15% → 3.2%",
    "Added account wangwu (王五), role county official (Nanhu)",
    "Failed sign-in: wrong password (1 in a row)",
    "Signed in (password)",
    "Reward rules changed: The cap applies for the three years in total → per year; "
    "Provincial award (10k yuan each) 1000 → 800",
    "Disabled account wangwu",
    "api_token_issued: token_id 7, scope.role leader",
]


def test_each_event_reads_as_one_sentence_built_from_its_action_and_detail(trail: Path) -> None:
    shown = details(audit_page(), "详情")
    for sentence in ZH:
        assert sentence in shown, (sentence, shown)
    assert not [d for d in shown if "{" in d or '"' in d], "no raw JSON left"


def test_the_sentences_follow_the_english_switch(trail: Path) -> None:
    at = audit_page("en")
    shown = details(at, "Detail")
    for sentence in EN:
        assert sentence in shown, (sentence, shown)
    events = list(at.dataframe[0].value["Event"])
    assert "target change" in events and "api_token_issued" in events


def test_the_event_filter_still_narrows_the_table(trail: Path) -> None:
    at = audit_page()
    next(s for s in at.selectbox if s.label == "事件").set_value("target_change").run()
    assert not at.exception, [e.value for e in at.exception]
    assert sorted(details(at, "详情")) == sorted(s for s in ZH if s.startswith("修改目标"))


def test_the_demo_trail_reads_in_chinese_without_field_names(app_db: Path, monkeypatch) -> None:
    """The review override, the annual figures upload and a department account read as sentences
    (seen on the page: 'computed 10.9，host …', '上传（platform_figures）', a unit left out)."""
    monkeypatch.setenv("KPI_LOGIN_DELAY_SECONDS", "0")
    with connection.connect(app_db, write=True) as con:
        accounts.add_user(con, "jxj", "a-long-password", "department", unit="市经信局", by="admin1")
    shown = details(audit_page(), "详情")
    assert (
        "人工调整考核得分：机器人与数控机床中试验证中心（示例）（示例智能装备股份公司）2025年度 65 分"
        "（计算得分 10.9），理由：列入培育库不足3个月" in "\n".join(shown)
    )
    assert any(d.startswith("上传平台年度服务数据 demo_figures.csv：14 行") for d in shown), shown
    assert "新建账号 jxj，角色 责任单位（市经信局）" in shown
    assert not [d for d in shown if "computed" in d or "platform_figures" in d or "host" in d]
