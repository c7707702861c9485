"""The README is the truth: it names the two commands, every `kpi` sub-command and every KPI."""

from __future__ import annotations

from pathlib import Path

from kpi.cli.main import build_parser
from kpi.model.definitions import INDICATOR_ORDER

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_names_the_setup_and_test_commands_and_ci_calls_the_same() -> None:
    assert "bash scripts/run.sh" in README
    assert "bash scripts/test.sh" in README
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_documents_every_cli_command() -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in sub.choices:
        assert f"kpi {name}" in README, name


def test_readme_defines_every_indicator() -> None:
    for code in INDICATOR_ORDER:
        assert f"`{code}`" in README, code


def test_readme_documents_every_setting_with_its_default() -> None:
    from kpi.model.settings import SETTINGS

    for s in SETTINGS.values():
        default = f"{s.default:g}" if not s.integer else str(int(s.default))
        assert f"| `{s.name}` | `{default}` |" in README, s.name
