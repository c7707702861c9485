"""Messages stay true whatever the number of units in the database: the province-scale synthetic
database has 90 units, and the region tables, not a count of nine, say which exist."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from kpi.cli import main
from kpi.text.messages import CLI_TEXT, TEMPLATES, render, text

PW = "correct horse battery"

# Texts that still name the nine units, each for a reason given here (and nothing else may);
# that they exist at all is checked below, so a renamed key cannot hide here
NINE_ALLOWED = {
    # a county account of Jiaxing's own deployment; its wording is fixed by tests/test_auth.py
    "region_required",
}


@pytest.mark.parametrize("key", sorted((set(TEMPLATES) | set(CLI_TEXT)) - NINE_ALLOWED))
def test_no_message_counts_the_units(key):
    zh, en = TEMPLATES.get(key) or CLI_TEXT[key]
    assert "九个" not in zh and "9个" not in zh, zh
    assert "nine" not in en.lower() and " 9 units" not in en, en


def test_unknown_region_names_no_count_and_keeps_its_example():
    assert render("UNKNOWN_REGION", value="杭州市") == (
        "未知的地区“杭州市”（应为统计单位或全市的代码或名称，如 330402 或 南湖区）"
    )
    assert render("UNKNOWN_REGION", "en", value="杭州市") == (
        "unknown region “杭州市” (use the code or name of a reporting unit or the city, e.g. 330402 or 南湖区)"
    )


def test_a_county_account_cannot_belong_to_the_city_or_an_unknown_unit(db: Path, capsys, monkeypatch):
    def add(region: str, lang: str = "zh") -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(PW + "\n"))
        code = main.main(
            ["user", "add", "xz", "--role", "county", "--region", region, "--lang", lang, "--db", str(db)]
        )
        return code, capsys.readouterr().err.strip()

    assert add("全市") == (2, "“全市”不是统计单位（区县账号须属于一个统计单位，不能属于全市）")
    assert add("火星", "en") == (
        2,
        "“火星” is not a reporting unit (a county account belongs to one unit, not to the city)",
    )
    assert text("region_not_unit", value="嘉兴市").startswith("“嘉兴市”不是统计单位")


def test_every_allowed_exception_is_a_message_that_exists():
    assert set(CLI_TEXT) | set(TEMPLATES) >= NINE_ALLOWED
