"""The plan's sixteen tasks and their accountable units, exactly as the plan lists them.

The expected table is the hand-check of the plan's part 二 (each task's （责任单位：…） copied from
the text, units in the plan's order; 二(二)3 is the one list separated by “，”): the shipped
reference file, the database seeded from it and `kpi tasks --json` must all say the same."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

from support import run_kpi

from kpi.store import connection
from kpi.store import tasks as task_store
from kpi.tasks import catalog

# code: (section, title, accountable units in the plan's order) — hand-checked against the plan
PLAN: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "二(一)1": (
        "加快建设布局，构建多层次中试平台体系",
        "锚定“135N”先进制造业集群进行布局",
        ("市经信局", "市发展改革委", "市科技局", "市财政局"),
    ),
    "二(一)2": (
        "加快建设布局，构建多层次中试平台体系",
        "推动政府牵头建设一批",
        (
            "市发展改革委",
            "市国资委",
            "市应急管理局",
            "市自然资源和规划局",
            "市经信局",
            "市科技局",
            "市商务局",
        ),
    ),
    "二(一)3": ("加快建设布局，构建多层次中试平台体系", "鼓励龙头企业开放一批", ("市经信局", "市科技局")),
    "二(一)4": ("加快建设布局，构建多层次中试平台体系", "支持高校院所提升一批", ("市科技局", "市经信局")),
    "二(一)5": (
        "加快建设布局，构建多层次中试平台体系",
        "引导专业机构发展一批",
        ("市发展改革委", "市卫生健康委", "市经信局"),
    ),
    "二(一)6": (
        "加快建设布局，构建多层次中试平台体系",
        "梯度培育完善体系架构",
        ("市经信局", "市科技局", "市财政局"),
    ),
    "二(二)1": (
        "提升硬核能力，优化中试转化核心架构",
        "支持多主体协同布局",
        ("市经信局", "市科技局", "市国资委", "市市场监管局"),
    ),
    "二(二)2": (
        "提升硬核能力，优化中试转化核心架构",
        "提升市场化运营能力",
        ("市经信局", "市发展改革委", "市科技局", "市市场监管局"),
    ),
    "二(二)3": ("提升硬核能力，优化中试转化核心架构", "加强知识产权保护", ("市市场监管局", "市科技局")),
    "二(三)1": (
        "拓展服务功能，打造产业协同赋能生态",
        "强化创新成果转化",
        ("市科技局", "市经信局", "市财政局", "市国资委"),
    ),
    "二(三)2": ("拓展服务功能，打造产业协同赋能生态", "拓展检验检测服务", ("市市场监管局", "市经信局")),
    "二(三)3": (
        "拓展服务功能，打造产业协同赋能生态",
        "加速科创企业孵化",
        ("市科技局", "市经信局", "市发展改革委"),
    ),
    "二(三)4": (
        "拓展服务功能，打造产业协同赋能生态",
        "优化资源共享机制",
        ("市经信局", "市发展改革委", "市科技局", "市教育局"),
    ),
    "二(四)1": (
        "强化要素保障，夯实平台发展基础支撑",
        "创新金融要素供给",
        ("市政府办公室", "市国资委", "市财政局", "市发展改革委", "市科技局"),
    ),
    "二(四)2": (
        "强化要素保障，夯实平台发展基础支撑",
        "培养专业人才队伍",
        ("市委组织部", "市教育局", "市人社局", "市科技局", "市经信局"),
    ),
    "二(四)3": (
        "强化要素保障，夯实平台发展基础支撑",
        "优化政策保障体系",
        ("市发展改革委", "市财政局", "市生态环境局", "市应急管理局", "市自然资源和规划局", "市科技局"),
    ),
}
# the note closing 二(一)1's list, with the plan's tortoise-shell brackets 〔〕 (nested in （…）)
NOTE = "嘉兴经济技术开发区、浙江乍浦经济开发区〔嘉兴港区〕和各县〔市、区〕政府均为责任主体，不再列出"
# the fifteen units in the order the plan first names them
UNITS = (
    "市经信局",
    "市发展改革委",
    "市科技局",
    "市财政局",
    "市国资委",
    "市应急管理局",
    "市自然资源和规划局",
    "市商务局",
    "市卫生健康委",
    "市市场监管局",
    "市教育局",
    "市政府办公室",
    "市委组织部",
    "市人社局",
    "市生态环境局",
)


def _reference(name: str) -> str:
    return resources.files("kpi").joinpath("reference", name).read_text(encoding="utf-8")


def test_the_hand_check_itself_adds_up() -> None:
    """6 + 3 + 4 + 3 tasks; 15 units; 市科技局 in 14 tasks, 市经信局 in 13 (CHECK.md's counts)."""
    sections = [code[:4] for code in PLAN]
    assert [sections.count(s) for s in ("二(一)", "二(二)", "二(三)", "二(四)")] == [6, 3, 4, 3]
    named = [u for _, _, units in PLAN.values() for u in units]
    assert tuple(dict.fromkeys(named)) == UNITS
    assert named.count("市科技局") == 14 and named.count("市经信局") == 13
    assert named.count("市发展改革委") == 8 and named.count("市财政局") == 5
    assert all(len(set(units)) == len(units) for _, _, units in PLAN.values())


def test_the_shipped_reference_file_is_the_plan() -> None:
    rows = list(csv.DictReader(_reference("tasks.csv").splitlines()))
    assert [r["code"] for r in rows] == list(PLAN)
    for r in rows:
        section, title, units = PLAN[r["code"]]
        assert (r["section"], r["title"], tuple(r["units"].split(";"))) == (section, title, units), r["code"]
        assert r["deliverable"].startswith("摘要：") and r["deliverable"].endswith("。")
    assert _reference("task_note.txt") == NOTE
    units = list(csv.DictReader(_reference("task_units.csv").splitlines()))
    assert tuple(u["name"] for u in units) == UNITS
    assert all(u["name_en"].strip() for u in units)


def test_a_new_database_holds_the_sixteen_tasks_in_the_plans_order(db: Path) -> None:
    with connection.connect(db) as con:
        tasks = catalog.tasks(con)
        note = catalog.note(con)
        units = catalog.unit_names(con)
        versions = task_store.task_versions(con)
    assert [(t.code, t.section, t.title, t.units) for t in tasks] == [(c, *v) for c, v in PLAN.items()]
    assert note == NOTE
    assert tuple(units) == UNITS
    assert len(versions) == 16 and set(versions["changed_by"]) == {"reference"}


def test_kpi_tasks_json_lists_the_plans_tasks_and_units(db: Path) -> None:
    done = run_kpi("tasks", "--json", "--as-of", "2026-01-20", db=db)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["as_of"] == "2026-01-20"
    got = {t["code"]: (t["title"], tuple(u["name"] for u in t["units"])) for t in out["tasks"]}
    assert list(got) == list(PLAN)  # ASCII parentheses, the plan's order
    assert got == {code: (title, units) for code, (_, title, units) in PLAN.items()}


def test_the_plan_span_is_the_targets_plan_start_and_deadline(db: Path) -> None:
    """序时进度 runs over the span the KPI targets use (kpi/reference/targets.csv)."""
    targets = list(csv.DictReader(_reference("targets.csv").splitlines()))
    with connection.connect(db) as con:
        rules = catalog.rules(con)
    assert rules.plan_start.isoformat() == min(t["plan_start"] for t in targets) == "2025-07-04"
    assert rules.deadline.isoformat() == max(t["deadline"] for t in targets) == "2027-12-31"
    assert (rules.lagging_pp, rules.seriously_lagging_pp, rules.due_days) == (10.0, 30.0, 15)
