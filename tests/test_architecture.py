"""The tree shows the architecture (README, "Where things are"): kpi/ in subpackages, one per
layer and concern, imports in one direction, streamlit only in kpi/ui/.

Read from the code's own import statements (every one, also those inside functions), so a new
module is checked the day it lands."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KPI = ROOT / "kpi"

# Each subpackage and the layer it sits on: a module may import its own layer's siblings only
# where the pair is listed in SIDEWAYS, and any lower layer; never a higher one.
LAYERS: dict[str, int] = {
    "text": 0,  # every user-facing text; imports nothing of kpi
    "model": 1,  # definitions, periods, settings, errors, roles: no I/O
    "progress": 2,  # pure arithmetic of progress
    "store": 3,  # DuckDB: connections, schema, queries, reference tables, audit trail
    "ingest": 4,  # files in
    "access": 4,  # accounts, passwords, sessions
    "platforms": 5,  # the register over time, reviews, rewards (reviews use ingest's machinery)
    "tasks": 5,  # the plan's tasks and their progress reports (reports use ingest's machinery)
    "engine": 6,  # status and breakdowns
    "reports": 7,  # brief, exports, figures
    "alerts": 7,  # alert rules over the engine, the outbox's delivery to a webhook
    "ui": 8,  # everything that imports streamlit
    "cli": 8,  # the command line
}
TOP_LEVEL = {"__init__", "__main__"}
MAX_TOP_LEVEL = 8


def _modules() -> dict[str, Path]:
    out = {}
    for p in KPI.rglob("*.py"):
        parts = p.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every kpi module `path` imports (as written: `from kpi.x import y` names kpi.x.y when that
    is a module, else kpi.x), with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.append((sub if sub in MODULES else node.module, node.lineno))
    return found


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else None


def test_at_most_eight_modules_stay_at_the_top_of_kpi() -> None:
    top = sorted(p.stem for p in KPI.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top
    assert set(top) <= TOP_LEVEL | {"demo"}, f"a module at the top of kpi/ belongs in a subpackage: {top}"


def test_every_subpackage_has_a_layer_and_says_what_it_owns() -> None:
    packages = sorted(p.parent.name for p in KPI.glob("*/__init__.py"))
    assert set(packages) <= set(LAYERS), f"a new subpackage needs its layer here: {packages}"
    for name in packages:
        assert ast.get_docstring(ast.parse((KPI / name / "__init__.py").read_text())), name


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.count(".") >= 1))
def test_no_module_imports_a_higher_layer(module: str) -> None:
    own = _package(module)
    if own is None:
        return
    for target, line in _imports(MODULES[module]):
        if not target.startswith("kpi.") or target in {"kpi.__main__"}:
            continue
        other = _package(target)
        assert other is not None, f"{module}:{line} imports {target}, which is in no subpackage"
        if other == own:
            continue
        assert LAYERS[other] < LAYERS[own], (
            f"{module}:{line} imports {target}: layer {other} ({LAYERS[other]}) is not below {own} ({LAYERS[own]})"
        )


def test_there_is_no_import_cycle_between_modules() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in MODULES.items():
        for target, _ in _imports(path):
            if target in MODULES and target != module and MODULES[target].name != "__init__.py":
                graph[module].add(target)
    seen: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        seen[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if seen.get(n) == 1:
                cycle = [*stack[stack.index(n) :], n]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if n not in seen:
                visit(n)
        stack.pop()
        seen[m] = 2

    for m in sorted(MODULES):
        if m not in seen:
            visit(m)


def test_only_kpi_ui_imports_streamlit() -> None:
    for module, path in MODULES.items():
        if _package(module) == "ui":
            continue
        for target, line in _imports(path):
            assert target.split(".")[0] != "streamlit", f"{module}:{line} imports streamlit"


def test_the_lint_rule_holds_the_same_line() -> None:
    """One banned-api rule for the whole tree, one exception for kpi/ui/ (and the page scripts)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"streamlit".msg' in text
    ignores = [line.split("=")[0].strip().strip('"') for line in text.splitlines() if "TID251" in line]
    kpi_ignores = [p for p in ignores if p.startswith("kpi")]
    assert kpi_ignores == ["kpi/ui/**"], kpi_ignores


def test_pages_only_lay_out() -> None:
    """Pages render: under 120 lines each, no SQL and no database connection of their own."""
    for page in [*sorted((ROOT / "pages").glob("*.py")), ROOT / "dashboard.py"]:
        text = page.read_text(encoding="utf-8")
        assert len(text.splitlines()) < 120, f"{page.name} has {len(text.splitlines())} lines"
        for forbidden in ("duckdb", "connection.connect(", "SELECT "):
            assert forbidden not in text, f"{page.name} uses {forbidden!r}: that belongs in kpi"


def test_no_module_is_past_the_size_where_it_asks_to_be_split() -> None:
    big = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert not big, big
