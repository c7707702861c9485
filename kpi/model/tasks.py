"""The plan's task codes: how they are written, compared and ordered (no I/O).

A task of part 二 is coded by its section and item, `二(一)2` = 二、重点任务 (一) item 2, with ASCII
parentheses (CONTRACT.md §4) where the plan writes full-width ones. Files and forms may use
either, and spaces; `normalise_code` folds them.
"""

from __future__ import annotations

import re

_NUMERALS = "一二三四五六七八九十"
_CODE_RE = re.compile(
    r"^(?P<part>[一二三四五六七八九十])\((?P<section>[一二三四五六七八九十]+)\)(?P<item>\d{1,3})$"
)
UNIT_NAME_MAX = 40


def normalise_code(value: str) -> str:
    """`二（一）2`, ` 二 ( 一 ) 2 ` → `二(一)2`; anything else comes back stripped, unchanged."""
    text = re.sub(r"\s+", "", str(value)).replace("（", "(").replace("）", ")")
    return text


def is_code(value: str) -> bool:
    """True for a code in the plan's form: part, section in parentheses, item number."""
    return _CODE_RE.fullmatch(normalise_code(value)) is not None


def _numeral(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.index(text[1]) + 1
    return _NUMERALS.index(text[0]) + 1 if len(text) == 1 else 0


def code_order(code: str) -> int:
    """A sort key in the plan's order (二(一)1 < 二(一)6 < 二(二)1 < 二(四)3); codes of another form
    sort after every plan code."""
    m = _CODE_RE.fullmatch(normalise_code(code))
    if m is None:
        return 10_000_000
    return _numeral(m["part"]) * 100_000 + _numeral(m["section"]) * 1_000 + int(m["item"])


def valid_unit_name(name: str) -> bool:
    """An accountable unit's name: 2–40 characters, no list separator, no bracket of the plan's
    notes, no control character (names come from a form or a file)."""
    text = str(name).strip()
    return 2 <= len(text) <= UNIT_NAME_MAX and re.search(r"[、，,;；\s〔〕\x00-\x1f]", text) is None
