"""One (Chinese, English) text lookup for the validation messages, the command line, the unit
rankings and the exports (kpi.text.lookup.pick): same texts, same behaviour as the lookups it replaced."""

from __future__ import annotations

import pytest

from kpi.text import export, lookup, messages, ranking
from kpi.text.lookup import pick

TABLE = {"greet": ("你好，{name}", "hello, {name}"), "keyed": ("键 {key}（{lang}）", "key {key} ({lang})")}


def test_pick_chooses_by_language_and_formats():
    assert pick(TABLE, "greet", "zh", name="张三") == "你好，张三"
    assert pick(TABLE, "greet", "en", name="Zhang") == "hello, Zhang"
    assert pick(TABLE, "greet", name="张三") == "你好，张三"  # Chinese first
    assert pick(TABLE, "greet", "fr", name="张三") == "你好，张三"  # anything but en is Chinese


def test_pick_leaves_key_and_lang_free_as_template_parameters():
    assert pick(TABLE, "keyed", "en", key="k1", lang="de") == "key k1 (de)"


def test_pick_raises_on_an_unknown_key():
    with pytest.raises(KeyError):
        pick(TABLE, "nope", "zh")


def test_the_three_modules_use_the_shared_lookup():
    for module in (messages, ranking, export):
        assert module.pick is lookup.pick, module.__name__


def test_messages_behave_as_before():
    assert messages.render("DUPLICATE_ROW", "en", first=2, key="2025Q1 × 330402 × ALL") == (
        "the same period × region × cluster as line 2 (2025Q1 × 330402 × ALL)"
    )
    assert messages.render("NOT_A_NUMBER", value="x") == "“x”不是数字"
    assert messages.render("SOME_NEW_CODE", "en") == "SOME_NEW_CODE"  # unknown codes: the code
    assert messages.text("line", "en", line=3) == "line 3"
    assert messages.text("line", line=3) == "第 3 行"
    with pytest.raises(KeyError):
        messages.text("no_such_key")


def test_ranking_and_export_texts_behave_as_before():
    assert ranking.text("ranking.rank_of", "zh", n=90, rank=4) == "90个单位中第 4 位"
    assert ranking.text("ranking.rank_of", "en", n=90, rank=4) == "rank 4 of 90"
    assert export.sheet_text("lines", "en") == "Line 1 is the header."
    assert export.cli_text("report_done", "zh", out="a.pdf", period="2025年1—9月", scope="全市") == (
        "已生成：a.pdf（2025年1—9月，全市）"
    )
    with pytest.raises(KeyError):
        ranking.text("ranking.nope", "zh")
