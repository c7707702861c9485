"""The words people read (AppTest on the demo database): no shell command on a page for someone
who cannot run it, a county link to another unit explained as such, the upload page's own demo
notice, supplied names shown as text, sessions kept in the database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import support
from streamlit.testing.v1 import AppTest

from kpi.access import accounts, sessions
from kpi.store import connection

SHELL = re.compile(r"`?kpi (ingest|user|targets|demo|init|rollback)\b")


def texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "title", "subheader", "error", "warning", "info", "success", "text")
    parts = [str(e.value) for kind in kinds for e in at.get(kind)]
    parts += [e.label for e in at.get("expander")]
    return "\n".join(parts)


def run(role: str | None, page: str | None = None, region: str | None = None, **kw) -> AppTest:
    at = support.app(role, region, **kw).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(
    ("role", "region", "page"),
    [
        (None, None, None),  # the sign-in form
        *[
            (r, u, p)
            for r, u in (("leader", None), ("county", "330402"), ("statistician", None))
            for p in ("pages/clusters.py", "pages/methods.py")
        ],
    ],
)
def test_no_shell_command_is_shown_to_someone_who_cannot_run_it(app_db: Path, role, region, page) -> None:
    shown = texts(run(role, page, region))
    assert not SHELL.search(shown), SHELL.search(shown)


def test_the_placeholder_taxonomy_note_names_the_page_and_role_that_replace_it(app_db: Path) -> None:
    shown = texts(run("leader", "pages/clusters.py"))
    assert "由管理员在“系统管理”页的“产业集群分类”中替换" in shown


def test_a_county_link_to_another_unit_says_own_unit_only(app_db: Path) -> None:
    at = run("county", "pages/regions.py", "330402", query={"region": "秀洲区"})
    notices = [i.value for i in at.info]
    assert any("区县账号仅可查看本单位" in n and "南湖区" in n for n in notices), notices
    assert not any("无效" in w.value for w in at.warning)
    # a leader's typo is still a typo
    at = run("leader", "pages/regions.py", query={"region": "火星区"})
    assert any("无效" in w.value for w in at.warning)


def test_the_upload_page_does_not_send_the_statistician_to_the_upload_page(app_db: Path) -> None:
    at = run("statistician", "pages/upload.py")
    warnings = " ".join(w.value for w in at.warning)
    assert "演示数据" in warnings and "请到“数据上传”页" not in warnings
    assert "全部演示数据" in warnings


def test_demo_uploads_are_one_option_never_listed_among_real_files(app_db: Path) -> None:
    at = run("statistician", "pages/upload.py")
    options = at.selectbox(key="upload_rollback_id").options
    assert options == ["全部演示数据（2 次上传）"], options


@pytest.mark.parametrize(
    "name", ["[点此重新登录](http://127.0.0.1:9/phish)", "**粗体** <b>x</b> :red[红] $x$", "a@b.cn www.x.cn"]
)
def test_a_display_name_is_shown_as_typed_not_as_markdown(app_db: Path, name: str) -> None:
    from kpi.ui.fmt import plain

    with connection.connect(app_db) as con:
        user = accounts.add_user(con, "named", support.PASSWORD, "leader", display_name=name, by="tests")
    at = support.app(None)
    at.session_state["kpi_session"] = sessions.start_session(user)
    at.run()
    box = [m.value for m in at.sidebar.markdown if "领导" in m.value]
    assert box == [f"**{plain(name)}**  \n领导"]
    rendered = plain(name).replace("\\", "").replace("\u2060", "")
    assert rendered == " ".join(name.split())  # what the escapes show is what was typed


def test_a_session_row_keeps_a_tab_signed_in_until_another_tab_signs_out(app_db: Path) -> None:
    user = support.account(app_db, "leader")
    with connection.connect(app_db) as con:
        _, session = sessions.open_session(con, user)
    at = support.app(None)
    at.session_state["kpi_session"] = session
    at.run()
    assert at.metric and not at.text_input
    with connection.connect(app_db) as con:  # the same browser's other tab signs out
        sessions.sign_out(con, session)
    at.run()
    assert [w.label for w in at.text_input] == ["用户名", "密码"] and not at.metric
    assert "您已退出登录。" in texts(at)


def test_a_disable_from_the_shell_ends_a_session_row_at_the_next_run(app_db: Path) -> None:
    user = support.account(app_db, "county", "330402")
    with connection.connect(app_db) as con:
        _, session = sessions.open_session(con, user)
    at = support.app(None)
    at.session_state["kpi_session"] = session
    at.run()
    assert at.metric
    with connection.connect(app_db) as con:
        accounts.disable_user(con, user.username, by="operator")
    at.run()
    assert not at.metric and "账号已停用" in texts(at)


def test_no_latin_vs_in_a_chinese_heading() -> None:
    """'本地区 vs 全市 vs 目标' was English on the Chinese page: '本地区、全市与目标'."""
    from kpi.text.dashboard import UI_TEXT

    found = {k: zh for k, (zh, _en) in UI_TEXT.items() if re.search(r"\bvs\b", zh)}
    assert not found, found
