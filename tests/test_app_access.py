"""Access control in the app (AppTest on the real dashboard.py): nothing without a sign-in on any
page, the sign-in form itself (right and wrong passwords, audit events), sign-out, expired and
revoked sessions, the navigation by role, a page opened without its permission, each role's
numbers asserted against the kpi functions with the same scope, and the admin pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import support
from streamlit.testing.v1 import AppTest

from kpi.access import accounts, sessions
from kpi.engine import status as engine_status
from kpi.model.definitions import CITY_CODE
from kpi.model.roles import Viewer
from kpi.store import audit, connection

PAGES = [
    "pages/overview.py",
    "pages/regions.py",
    "pages/clusters.py",
    "pages/platforms.py",
    "pages/upload.py",
    "pages/methods.py",
    "pages/admin.py",
    "pages/audit.py",
]
NANHU = "330402"


@pytest.fixture(autouse=True)
def _no_sign_in_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPI_LOGIN_DELAY_SECONDS", "0")  # the delays are tested in test_auth.py


def texts(at: AppTest) -> str:
    """Every text the run drew (markdown, captions, titles, alerts, metrics), one string."""
    parts = []
    for kind in (
        "markdown",
        "caption",
        "title",
        "header",
        "subheader",
        "error",
        "warning",
        "info",
        "success",
    ):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def is_sign_in_only(at: AppTest) -> bool:
    labels = [w.label for w in at.text_input]
    return (
        labels == ["用户名", "密码"]
        and not at.metric
        and not at.dataframe
        and not at.get("plotly_chart")
        and not at.get("download_button")
    )


def events(db: Path, action: str) -> list[dict]:
    with connection.connect(db) as con:
        frame = audit.list_events(con, action=action)
    return frame.to_dict("records")


# ---------------------------------------------------------------- signed out


@pytest.mark.parametrize("page", PAGES)
def test_every_page_without_a_sign_in_shows_the_sign_in_form_and_nothing_else(
    app_db: Path, page: str
) -> None:
    at = support.app(None)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert is_sign_in_only(at), texts(at)
    assert "研发费用" not in texts(at)


def test_signing_in_with_the_right_password_opens_the_dashboard_and_is_audited(app_db: Path) -> None:
    support.account(app_db, "leader")
    at = support.app(None).run()
    at.text_input[0].input("T_Leader")  # usernames are compared in lower case
    at.text_input[1].input(support.PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric, "the overview's cards after the sign-in"
    assert "测试leader" in texts(at) and "领导" in texts(at)  # the account box
    assert [e["actor"] for e in events(app_db, "sign_in")] == ["t_leader"]


def test_a_wrong_password_is_refused_with_one_message_and_audited(app_db: Path) -> None:
    support.account(app_db, "leader")
    for name in ("t_leader", "nobody"):
        at = support.app(None).run()
        at.text_input[0].input(name)
        at.text_input[1].input("wrong password here")
        at.button[0].click().run()
        assert is_sign_in_only(at)
        assert [e.value for e in at.error] == ["用户名或密码不正确，或账号已停用"]  # same for both names
    failed = events(app_db, "sign_in_failed")
    assert sorted(e["actor"] for e in failed) == ["nobody", "t_leader"]
    assert "st.session_state" not in texts(at) and "kpi_session" not in at.session_state


def test_sign_out_ends_the_session_and_is_audited(app_db: Path) -> None:
    at = support.app("leader").run()
    assert at.metric
    at.button(key="sign_out").click().run()
    assert is_sign_in_only(at)
    assert "您已退出登录。" in texts(at)
    assert [e["actor"] for e in events(app_db, "sign_out")] == ["t_leader"]
    at.run()  # and no page comes back without a new sign-in
    assert is_sign_in_only(at)
    assert "kpi_session" not in at.session_state and "kpi_user" not in at.session_state


def test_an_idle_session_expires(app_db: Path) -> None:
    at = support.app("leader")
    session = at.session_state["kpi_session"]
    long_ago = dt.datetime.now() - dt.timedelta(hours=2)
    at.session_state["kpi_session"] = sessions.Session(session.username, long_ago, long_ago)
    at.run()
    assert is_sign_in_only(at)
    assert "登录已超时（30 分钟无操作）" in texts(at)


def test_disabling_an_account_from_a_shell_ends_its_open_session_at_the_next_click(app_db: Path) -> None:
    at = support.app("leader").run()
    assert at.metric
    with connection.connect(app_db) as con:
        accounts.disable_user(con, "t_leader", by="admin")
    at.run()
    assert is_sign_in_only(at)
    assert "账号已停用" in texts(at)


# ---------------------------------------------------------------- roles and pages


@pytest.mark.parametrize(
    ("role", "region", "allowed", "refused"),
    [
        ("leader", None, ["overview", "regions", "methods"], ["upload", "admin", "audit"]),
        ("county", NANHU, ["overview", "regions"], ["upload", "admin", "audit"]),
        ("statistician", None, ["upload", "overview"], ["admin", "audit"]),
        ("admin", None, ["admin", "audit", "overview"], ["upload"]),
    ],
)
def test_each_role_opens_its_pages_and_is_refused_the_others(
    app_db: Path, role: str, region: str | None, allowed: list[str], refused: list[str]
) -> None:
    at = support.app(role, region).run()
    for page in allowed:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not [e.value for e in at.error if "不能" in str(e.value)], page
        assert not is_sign_in_only(at), page
    for page in refused:
        # not in the menu, but its URL answers (no English "Page not found" dialog): the page's
        # own guard refuses, in Chinese, before anything of the page is drawn
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert "无权" in " ".join(str(e.value) for e in at.error), page
        assert not at.get("file_uploader") and not at.dataframe, page
        assert "账号与角色" not in texts(at) and "审计记录只增不改" not in texts(at), page
        direct = support.app(role, region)  # asked for by its URL in a new session
        direct.switch_page(f"pages/{page}.py").run()
        assert not direct.exception, (page, [e.value for e in direct.exception])
        shown = texts(direct)
        assert not direct.get("file_uploader"), page
        assert "账号与角色" not in shown and "审计记录只增不改" not in shown, page


def test_the_leader_sees_the_city_numbers_of_kpi_status(app_db: Path) -> None:
    at = support.app("leader").run()
    with connection.connect(app_db) as con:
        city = engine_status.kpi_status(con, None, None, viewer=Viewer("t_leader", "leader"))
    rd = city["indicators"]["rd_intensity"]["value"]
    assert f"{rd * 100:.2f}%" in [m.value for m in at.metric]


def test_a_county_official_sees_its_unit_in_full_and_no_city_total(app_db: Path) -> None:
    at = support.app("county", NANHU).run()
    assert not at.exception, [e.value for e in at.exception]
    me = Viewer("t_county_330402", "county", NANHU)
    with connection.connect(app_db) as con:
        own = engine_status.kpi_status(con, None, NANHU, viewer=me)
        city = engine_status.kpi_status(con, None, None)
    values = [m.value for m in at.metric]
    for code in ("rd_intensity", "new_product_rate", "hightech_share"):
        assert f"{own['indicators'][code]['value'] * 100:.2f}%" in values, code
        city_value = f"{city['indicators'][code]['value'] * 100:.2f}%"
        assert city_value not in values or city_value == f"{own['indicators'][code]['value'] * 100:.2f}%"
    at.switch_page("pages/regions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error], "the regions page works for the own unit"
    region_boxes = [s for s in at.selectbox if s.label == "县(市、区)"]
    assert all(s.options == ["南湖区"] or s.options == ["南湖"] for s in region_boxes)


def test_a_county_official_cannot_reach_another_unit_through_the_url(app_db: Path) -> None:
    at = support.app("county", NANHU, query={"region": "秀洲区"})
    at.switch_page("pages/regions.py").run()
    assert not at.exception
    shown = texts(at)
    with connection.connect(app_db) as con:
        other = engine_status.kpi_status(con, None, "330411")
    assert f"{other['indicators']['rd_intensity']['value'] * 100:.2f}%" not in [m.value for m in at.metric]
    assert "秀洲" not in " ".join(m.label for m in at.metric)
    assert re.search("region", shown) or at.warning  # told that the link's unit was not used


# ---------------------------------------------------------------- admin pages


def test_the_admin_adds_a_user_on_the_admin_page_and_the_audit_page_shows_it(app_db: Path) -> None:
    at = support.app("admin").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, [e.value for e in at.exception]
    inputs = {w.label: w for w in at.text_input}
    inputs["用户名"].input("wangwu")
    inputs["姓名"].input("王五")
    inputs["初始密码（至少 10 个字符）"].input("a-long-password")
    inputs["再输入一次"].input("a-long-password")
    role = next(s for s in at.selectbox if s.label == "角色")
    role.set_value("county")
    unit = next(s for s in at.selectbox if s.label == "所属单位")
    unit.set_value(NANHU)
    next(b for b in at.button if b.label == "创建").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    with connection.connect(app_db) as con:
        user = accounts.get_user(con, "wangwu")
    assert user is not None and user.role == "county" and user.region == NANHU
    at.switch_page("pages/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    added = table[(table["事件"] == "新建账号") & (table["操作人"] == "t_admin")]
    assert len(added) == 1 and "wangwu" in added["详情"].iloc[0]


def test_the_admin_changes_a_target_and_the_overview_follows(app_db: Path) -> None:
    at = support.app("admin").run()
    at.switch_page("pages/admin.py").run()
    box = next(s for s in at.selectbox if s.label == "指标")
    box.set_value("provincial_platforms").run()
    value = next(n for n in at.number_input if n.label.startswith("目标值"))
    value.set_value(4.0)
    next(b for b in at.button if b.label == "保存目标").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with connection.connect(app_db) as con:
        status = engine_status.kpi_status(con)
    assert status["indicators"]["provincial_platforms"]["target"] == 4
    assert [e["actor"] for e in events(app_db, "target_change")] == ["t_admin"]


def test_cached_answers_are_kept_apart_by_user(app_db: Path) -> None:
    """TRAPS 2: a county official's run after a leader's in the same process gets no city total."""
    leader = support.app("leader").run()
    county = support.app("county", NANHU).run()
    with connection.connect(app_db) as con:
        city = engine_status.kpi_status(con, None, None)
    city_rd = f"{city['indicators']['rd_intensity']['value'] * 100:.2f}%"
    assert city_rd in [m.value for m in leader.metric]
    assert city_rd not in [m.value for m in county.metric]
    assert CITY_CODE not in texts(county)


@pytest.mark.parametrize(
    ("page", "role"),
    [
        ("upload", "leader"),
        ("upload", "admin"),
        ("admin", "statistician"),
        ("audit", "leader"),
        ("admin", None),
    ],
)
def test_a_page_script_run_on_its_own_checks_the_role_itself(
    app_db: Path, page: str, role: str | None
) -> None:
    """Past the navigation (the page file run directly): the page's own first line refuses."""
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[1] / "pages" / f"{page}.py"), default_timeout=60
    )
    if role is not None:
        at.session_state["kpi_session"] = sessions.start_session(support.account(app_db, role))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("file_uploader") and not at.dataframe and not at.title[1:]
    if role is None:
        assert is_sign_in_only(at)
    else:
        assert [e.value for e in at.error] and "无权" in at.error[0].value


def test_single_sign_on_is_offered_only_where_it_is_configured(app_db: Path) -> None:
    plain = support.app(None).run()
    assert "sign_in_sso" not in [b.key for b in plain.button]
    configured = support.app(None)
    configured.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "kpi",
        "client_secret": "secret",
        "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
    }
    configured.run()
    assert not configured.exception, [e.value for e in configured.exception]
    assert "sign_in_sso" in [b.key for b in configured.button]
    assert is_sign_in_only(configured)
