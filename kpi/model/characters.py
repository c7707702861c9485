"""How the characters of a cell are read where the file means a number, a period or a date.

Chinese input methods type full-width forms (`２０２５`, `１，２３４．５`, `－`): each is the ASCII
character it stands for, with no doubt about the meaning, so they are read as that character
(the full-width block U+FF01–U+FF5E and the ideographic space U+3000, the part of NFKC that is
certain here). Every other character is read as itself: digits of other scripts (`٢٠٢٥`,
`२०२५`), superscripts, circled or mathematical digits are not the digits 0–9 a statistical
table uses, and full NFKC would turn `1²` into `12`. A cell holding them is refused, and the
message names the character.
"""

from __future__ import annotations

import unicodedata

# full-width ASCII forms → ASCII; the ideographic space → a space
FULL_WIDTH: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
ASCII_DIGITS = frozenset("0123456789")


def ascii_forms(text: str) -> str:
    """`text` with its full-width forms as the ASCII characters they stand for."""
    return text.translate(FULL_WIDTH)


def foreign_digit(text: str) -> str | None:
    """The first character of `text` that is a digit or numeral but not one of 0–9 (after
    `ascii_forms`): `٢`, `२`, `²`, `①`, `〇`; None when there is none. Chinese numerals that
    are words (三 in 2025年三季度, 十万) are letters here, not digits."""
    return next((c for c in ascii_forms(text) if c not in ASCII_DIGITS and _numeral(c)), None)


def _numeral(c: str) -> bool:
    return c.isnumeric() and unicodedata.category(c) != "Lo"


def with_ascii_digits(text: str) -> str:
    """`text` with every decimal digit of any script written as 0–9 (`٢٠٢٥Q3` → `2025Q3`): what
    a message suggests writing instead, never what is read."""
    return "".join(
        str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c
        for c in ascii_forms(text)
    )


def blank_inside(text: str) -> str | None:
    """The first space, invisible or control character inside `text` (stripped first), as
    `U+00A0`; None when there is none. `3 00` and `3\u00a000` are not 300."""
    for c in text.strip():
        if c.isspace() or unicodedata.category(c) in ("Cf", "Cc", "Zs", "Zl", "Zp"):
            return f"U+{ord(c):04X}"
    return None
