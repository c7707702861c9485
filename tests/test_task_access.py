"""The department role (责任单位 reporter): its own task rows only, in the kpi queries and on the
page; it submits and corrects its own reports only. Leaders and administrators see every row, and
the page shows what `kpi tasks --json` says for the same day."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path

import pytest
import support
from support import kpi_command

from kpi.access import accounts
from kpi.model.errors import InvalidInput
from kpi.model.roles import Forbidden, Viewer
from kpi.store import connection
from kpi.store import tasks as task_store
from kpi.tasks import board, demo, reports

AS_OF = dt.date(2026, 10, 20)
TODAY = dt.date(2026, 12, 1)
MINE, OTHER = "市经信局", "市科技局"
DEPT = Viewer("t_department_市经信局", "department", unit=MINE)
WORDS = {  # the page writes a status as its symbol and word (hand-written here, not imported)
    "completed": "✔ 已完成",
    "on_schedule": "● 按序时推进",
    "lagging": "▲ 滞后",
    "seriously_lagging": "✖ 严重滞后",
    "not_reported": "○ 未报送",
}


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".removesuffix(".0") + "%"


@pytest.fixture(scope="module")
def tasks_template(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo statistics and the demo task reports (loaded once, copied per test)."""
    path = tmp_path_factory.mktemp("tasks") / "kpi.duckdb"
    path.write_bytes(demo_db.read_bytes())
    with connection.connect(path) as con:
        demo.load(con)
    return path


@pytest.fixture
def tasks_db(tasks_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return support.app_copy(tasks_template, tmp_path, monkeypatch)


def test_a_department_account_needs_one_of_the_plans_units(db: Path) -> None:
    with connection.connect(db) as con:
        for role, unit, key in (
            ("department", None, "unit_required"),
            ("department", "市不存在局", "unit_unknown"),
            ("leader", MINE, "unit_not_allowed"),
        ):
            with pytest.raises(InvalidInput) as refused:
                accounts.add_user(con, "x_user", support.PASSWORD, role, unit=unit, by="tests")
            assert refused.value.key == key
        user = accounts.add_user(con, "jxj", support.PASSWORD, "department", unit=MINE, by="tests")
        assert user.viewer == Viewer("jxj", "department", unit=MINE)
        moved = accounts.set_role(con, "jxj", "department", unit=OTHER, by="tests")
        assert moved.unit == OTHER
        assert accounts.set_role(con, "jxj", "leader", by="tests").unit is None


def test_kpi_user_add_takes_the_unit(db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    cmd = [kpi_command(), "user", "add", "jxj", "--role", "department", "--unit", MINE, "--db", str(db)]
    done = subprocess.run(
        cmd, input=support.PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "责任单位，市经信局" in done.stdout
    listed = subprocess.run(
        [kpi_command(), "user", "list", "--db", str(db)], capture_output=True, text=True, env=env
    )
    assert "市经信局" in listed.stdout
    bad = subprocess.run(
        [kpi_command(), "user", "add", "x2", "--role", "department", "--db", str(db)],
        input=support.PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2 and "--unit" in bad.stderr


def test_the_kpi_queries_give_a_department_its_own_rows_only(tasks_db: Path) -> None:
    with connection.connect(tasks_db) as con:
        mine = board.board(con, AS_OF, viewer=DEPT)
        everyone = board.board(con, AS_OF, viewer=Viewer("boss", "leader"))
        history = board.history(con, viewer=DEPT)
        with pytest.raises(Forbidden) as refused:
            board.board(con, AS_OF, OTHER, viewer=DEPT)
    assert {u.name for t in mine.tasks for u in t.units} == {MINE}
    assert len(mine.tasks) == 13 and mine.units == (MINE,)  # 市经信局 has 13 of the 16 tasks
    assert len(everyone.tasks) == 16 and len(everyone.units) == 15
    assert set(history["unit"]) == {MINE}
    assert "只能查看和报送市经信局的任务" in refused.value.message("zh")


def test_a_department_submits_and_corrects_its_own_reports_only(tasks_db: Path) -> None:
    file = "任务编号,责任单位,报告期,完成进度(%),进展情况,存在问题,下步打算\n"
    with connection.connect(tasks_db) as con:
        before = task_store.reports(con, history=True)
        theirs = reports.ingest_progress(
            con,
            (file + f"二(一)3,{MINE},2026Q3,50,a,b,c\n二(一)3,{OTHER},2026Q3,50,a,b,c\n").encode("gbk"),
            "p.csv",
            viewer=DEPT,
            today=TODAY,
        )
        assert [(i.code, i.line, i.column) for i in theirs.report.errors] == [
            ("NOT_YOUR_UNIT", 3, "责任单位")
        ]
        assert task_store.reports(con, history=True).equals(before)  # nothing stored
        uid, problems = reports.record_report(
            con, "二(一)3", OTHER, "2026Q3", 50, "a", viewer=DEPT, today=TODAY
        )
        assert uid is None and [i.code for i in problems] == ["NOT_YOUR_UNIT"]
        uid, problems = reports.record_report(
            con, "二(一)3", MINE, "2026Q3", 55, "更正", viewer=DEPT, today=TODAY
        )
        assert problems == [] and uid is not None
        mine = task_store.reports(con, code="二(一)3", unit=MINE, history=True)
        recorded = con.execute("SELECT uploaded_by FROM uploads WHERE id = $id", {"id": uid}).fetchall()
    q3 = mine[mine["period"] == "2026Q3"]
    assert next(zip(q3["progress"], q3["is_current"], strict=True)) == (0.55, True)
    assert len(q3) == 2  # the demo report stays, superseded
    assert recorded == [(DEPT.username,)]


def _matrix(at) -> object:
    frame = next(d.value for d in at.dataframe if "任务编号" in d.value.columns and "状态" in d.value.columns)
    return frame


def _open(role: str, unit: str | None = None):
    at = support.app(role, unit=unit)
    at.run()
    at.switch_page("pages/tasks.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.sidebar.date_input(key="tasks_as_of").set_value(AS_OF).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_shows_what_kpi_tasks_json_says(tasks_db: Path) -> None:
    at = _open("leader")
    with connection.connect(tasks_db) as con:
        expected = board.to_json(board.board(con, AS_OF))
    frame = _matrix(at)
    assert list(frame["任务编号"]) == [t["code"] for t in expected["tasks"]]
    for row, task in zip(frame.to_dict("records"), expected["tasks"], strict=True):
        assert row["状态"] == WORDS[task["status"]]
        assert row["完成进度"] == percent(task["progress"])
        named = {u["name"]: u for u in task["units"]}
        for column in list(frame.columns)[4:]:
            if column in named:
                u = named[column]
                assert row[column] == f"{WORDS[u['status']]} {percent(u['progress'])}", (task["code"], column)
            else:
                assert row[column] == "—"
    assert len(frame.columns) == 4 + 15
    assert [t.label for t in at.tabs] == [
        "任务矩阵",
        "滞后与未报送",
        "判定依据与报送历史",
    ]  # a leader reports nothing


def test_a_department_sees_and_reports_its_own_unit_on_the_page(tasks_db: Path) -> None:
    at = _open("department", MINE)
    frame = _matrix(at)
    assert list(frame.columns)[4:] == [MINE]
    shown = " ".join(str(v) for v in frame.to_numpy().ravel())
    assert OTHER not in shown and "市发展改革委" not in " ".join(map(str, frame.columns))
    assert any("只显示市经信局负责的任务" in i.value for i in at.info)
    assert "填报进度" in [t.label for t in at.tabs]
    assert at.selectbox(key="tasks_form_unit_二(一)1").options == [MINE]  # no other unit to pick
    with connection.connect(tasks_db) as con:
        before = len(task_store.reports(con, history=True))
    period = at.selectbox(key="tasks_form_period").value
    shown_periods = at.selectbox(key="tasks_form_period").options  # as a reader writes a quarter
    assert all(re.fullmatch(r"20\d\d年第[一二三四]季度", p) for p in shown_periods), shown_periods
    key = f"二(一)1_{MINE}_{period}"
    at.number_input(key=f"tasks_pct_{key}").set_value(65.0)
    at.text_area(key=f"tasks_achievements_{key}").set_value("页面更正")
    at.button(key=f"FormSubmitter:tasks_form_{key}-提交报告").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with connection.connect(tasks_db) as con:
        after = task_store.reports(con, history=True)
        current = task_store.reports(con, code="二(一)1", unit=MINE)
    assert len(after) == before + 1
    assert current[current["period"] == period]["achievements"].tolist() == ["页面更正"]
    assert any("已保存" in s.value for s in at.success)


def test_an_administrator_creates_a_department_account_on_the_admin_page(app_db: Path) -> None:
    at = support.app("admin")
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, [e.value for e in at.exception]
    by_label = {w.label: w for w in at.text_input}
    by_label["用户名"].set_value("jxj_reporter")
    role = next(s for s in at.selectbox if s.label == "角色" and "责任单位" in s.options)  # labels shown
    role.set_value("department")
    unit = next(s for s in at.selectbox if s.label == "所属单位" and MINE in s.options)
    unit.set_value(MINE)
    passwords = [w for w in at.text_input if w.proto.type == w.proto.PASSWORD]
    passwords[0].set_value(support.PASSWORD)
    passwords[1].set_value(support.PASSWORD)
    next(b for b in at.button if b.label == "创建").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with connection.connect(app_db) as con:
        user = accounts.get_user(con, "jxj_reporter")
    assert user is not None and (user.role, user.unit, user.region) == ("department", MINE, None)


def test_a_bad_progress_file_on_the_page_is_listed_by_line_and_not_stored(tasks_db: Path) -> None:
    at = _open("department", MINE)
    bad = (
        "任务编号,责任单位,报告期,完成进度(%),进展情况,存在问题,下步打算\n"
        f"二(一)3,{MINE},2026Q3,50,推进,无,继续\n"
        f"二(一)3,{OTHER},2026Q3,50,推进,无,继续\n"
    ).encode("gbk")
    with connection.connect(tasks_db) as con:
        before = task_store.reports(con, history=True)
    at.file_uploader(key="tasks_file_0").set_value(("进度.csv", bad, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("文件未入库：发现 1 个问题" in e.value for e in at.error)
    report = next(d.value for d in at.dataframe if "行" in d.value.columns and "代码" in d.value.columns)
    assert report[["行", "列", "代码"]].values.tolist() == [[3, "责任单位", "NOT_YOUR_UNIT"]]
    assert not [b for b in at.button if b.label == "确认入库"]
    with connection.connect(tasks_db) as con:
        assert task_store.reports(con, history=True).equals(before)


def test_the_page_writes_a_reported_quarter_as_a_reader_does_not_as_its_code(tasks_db: Path) -> None:
    """'最近应报季度 2026年第三季度', '自 2026年第二季度 起', never '2026Q3' (a code for files)."""
    from kpi.reports import tasks_view

    with connection.connect(tasks_db) as con:
        b = board.board(con, AS_OF)
    line = tasks_view.as_of_line(b)
    behind = tasks_view.behind_frame(b)
    works = [tasks_view.unit_work(b, u.name, u.state) for t in b.tasks for u in t.units]
    shown = "\n".join([line, behind.to_csv(), *works])
    assert "最近应报季度 2026年第三季度（" in line
    assert "年第" in behind["最近报告"].iloc[0] and "年第" in behind["持续"].iloc[0]
    assert not re.search(r"20\d\dQ[1-4]", shown), re.findall(r".{12}20\d\dQ[1-4]", shown)[:3]
    assert "Q3 2026" in tasks_view.as_of_line(b, "en")
    with connection.connect(tasks_db) as con:
        history = board.history(con, b.tasks[0].code)
    periods = tasks_view.history_frame(history).iloc[:, 0]
    assert periods.str.fullmatch(r"20\d\d年第[一二三四]季度").all(), list(periods)


def test_a_department_lands_on_its_tasks_and_every_other_role_on_the_overview(tasks_db: Path) -> None:
    """The address '/' leads a 责任单位 to 任务督办, where its work is; the others to 总览."""
    at = support.app("department", unit=MINE)
    at.run()
    assert not at.exception
    assert [t.value for t in at.title][:1] == ["任务督办"]
    assert any(MINE in i.value for i in at.info)  # its own rows only, as on that page
    at = support.app("leader")
    at.run()
    assert not at.exception
    assert [t.value for t in at.title][:1] == ["总览"]
