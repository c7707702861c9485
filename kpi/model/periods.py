"""Year-to-date quarterly periods: parsing every spelling the contract allows, and arithmetic.

A period `2025Q3` means the cumulative value from January to the end of September 2025
(1—9月). Values are compared with the same period one year earlier, never with the
previous quarter, because year-to-date ratios are seasonal.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.model.characters import FULL_WIDTH, ascii_forms, foreign_digit, with_ascii_digits

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTHS_TO_Q = {3: 1, 6: 2, 9: 3, 12: 4}

# Normalised forms (full-width forms as ASCII, spaces removed, dashes folded to '-', upper-case Q).
# Years are the digits 0-9 only: `\d` would take ٢٠٢٥ for a year (kpi.model.characters).
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("q", r"^(?P<y>[0-9]{4})-?Q(?P<q>[1-4])$"),  # 2025Q3, 2025-Q3
    # 2025年三季度, 2025年第3季度, 2025第3季度: a 年 or 第 between the year and a quarter digit
    ("q", r"^(?P<y>[0-9]{4})(?:年第?|第)(?P<q>[1-4一二三四])季度?$"),
    # 2025三季度: a Chinese numeral needs no separator; 20253季 (a run of digits) is refused
    ("q", r"^(?P<y>[0-9]{4})(?P<q>[一二三四])季度?$"),
    # year to date from January to a quarter end, as statistical tables name it: 2025年1-9月,
    # 2025年1—9月, 2025年01-09月, 2025年1月-9月, 2025年1-9月份, 2025年1-12月
    ("m", r"^(?P<y>[0-9]{4})年0?1月?-(?P<m>0?[369]|12)(?:月份?)?$"),
    ("h", r"^(?P<y>[0-9]{4})年上半年$"),
    ("t", r"^(?P<y>[0-9]{4})年前三季度$"),
    ("a", r"^(?P<y>[0-9]{4})年全年$"),
    ("a", r"^(?P<y>[0-9]{4})年度$"),
)
# What the refused spellings look like, for the reason a message gives (refusal below)
_ANY_MONTH_RANGE = re.compile(r"(?P<y>[0-9]{4})年0?(?P<s>[0-9]{1,2})月?-0?(?P<e>[0-9]{1,2})(?:月份?)?")
_DIGIT_RUN = re.compile(r"(?P<y>[0-9]{4})(?P<q>[1-4])季度?")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def end_date(self) -> dt.date:
        month = self.quarter * 3
        nxt = dt.date(self.year + (month == 12), month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    def previous_year(self) -> Period:
        return Period(self.year - 1, self.quarter)

    def previous_quarter(self) -> Period | None:
        """The earlier quarter of the same year (None for Q1: YTD restarts in January)."""
        return Period(self.year, self.quarter - 1) if self.quarter > 1 else None

    def label(self, lang: str = "zh") -> str:
        """`2025年1—9月` in Chinese statistical style; `Jan–Sep 2025` in English."""
        if lang == "en":
            months = ("Mar", "Jun", "Sep", "Dec")[self.quarter - 1]
            return f"Jan–{months} {self.year}" if self.quarter > 1 else f"Jan–Mar {self.year}"
        return f"{self.year}年1—{self.quarter * 3}月"

    @staticmethod
    def latest_complete(today: dt.date | None = None) -> Period:
        today = today or dt.date.today()
        q = (today.month - 1) // 3  # quarters fully ended this year
        return Period(today.year, q) if q else Period(today.year - 1, 4)


def _normalise(values: pd.Series) -> pd.Series:
    s = values.astype("string").fillna("").str.translate(FULL_WIDTH).str.strip().str.upper()
    s = s.str.replace(r"\s+", "", regex=True)
    s = s.str.replace(r"[—–－~～至到_/]", "-", regex=True)
    return s


def parse_periods(values: pd.Series) -> pd.Series:
    """Vectorised: each spelling → period code `YYYYQn`, or <NA> when it is not a period.

    Parses each distinct spelling once: a file of 100,000 rows has a handful of periods, and the
    regular expressions are the cost of an ingest.
    """
    codes, uniques = pd.factorize(values.astype("string"))
    parsed = _parse_distinct(pd.Series(uniques, dtype="string")).to_numpy(dtype=object, na_value=None)
    lookup = np.append(parsed, None)  # code -1 (a missing cell) picks the None at the end
    return pd.Series(lookup[codes], index=values.index, dtype="string")


def _parse_distinct(values: pd.Series) -> pd.Series:
    s = _normalise(values)
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    for kind, pattern in _PATTERNS:
        m = s.str.extract(pattern)
        hit = m["y"].notna() & out.isna()
        if not hit.any():
            continue
        year = m.loc[hit, "y"]
        if kind == "q":
            q = m.loc[hit, "q"].map(_CN_DIGITS).astype("Int64").astype("string")
        elif kind == "m":
            q = m.loc[hit, "m"].astype(int).map(_MONTHS_TO_Q).astype("Int64").astype("string")
        elif kind == "h":
            q = pd.Series("2", index=year.index, dtype="string")
        elif kind == "t":
            q = pd.Series("3", index=year.index, dtype="string")
        else:
            q = pd.Series("4", index=year.index, dtype="string")
        out.loc[hit] = year.astype("string") + "Q" + q
    years = out.str.slice(0, 4).astype("Float64")
    out = out.where(~((years < 1990) | (years > 2100)), pd.NA)  # a typo, not a period
    return out


def _normalise_one(value: str) -> str:
    """`_normalise` for one string."""
    s = re.sub(r"\s+", "", ascii_forms(str(value)).strip().upper())
    return re.sub(r"[—–－~～至到_/]", "-", s)


def refusal(value: str) -> tuple[str, tuple[str, ...]] | None:
    """Why a spelling that looks like a period is not one, for the message that refuses it:
    ("quarter_end", ...) for a month range not ending at a quarter end (2025年1-8月),
    ("ytd_start", ...) for one not starting in January (2025年4-9月: the values are year to date),
    ("digit_run", ...) for a year run together with a quarter digit (20253季, ambiguous),
    ("foreign_digits", ...) for digits other than 0-9 (٢٠٢٥Q3, 二〇二五年); each with
    the spellings to write instead. None where the value is a period or looks like none of these
    (the message then gives the accepted forms)."""
    if parse_period(value) is not None:
        return None
    text = _normalise_one(value)
    if foreign_digit(text) is not None:  # ٢٠٢٥Q3: not read as 2025Q3, but say what to write
        instead = with_ascii_digits(text)
        return "foreign_digits", (instead if parse_period(instead) is not None else "2025Q3",)
    m = _ANY_MONTH_RANGE.fullmatch(text) or _DIGIT_RUN.fullmatch(text)
    if m is None or not 1990 <= int(m["y"]) <= 2100:
        return None
    if m.re is _DIGIT_RUN:
        return "digit_run", (f"{m['y']}Q{m['q']}", f"{m['y']}年{m['q']}季度")
    y, start, end = m["y"], int(m["s"]), int(m["e"])
    if 1 <= start <= 12 and 1 <= end <= 12:
        if end not in _MONTHS_TO_Q:
            return "quarter_end", tuple(f"{y}年1-{e}月" for e in _MONTHS_TO_Q)
        if start != 1:
            return "ytd_start", (f"{y}年1-{end}月",)
    return None


_CODE = re.compile(r"([0-9]{4})Q([1-4])")


@functools.lru_cache(maxsize=4096)
def parse_period(value: str) -> Period | None:
    """One spelling → its Period, or None. A stored code (2026Q3) is read directly: the engine
    and the pages pass codes, and the vectorised parser cost them 30 ms a call (issue 16)."""
    m = _CODE.fullmatch(value) if isinstance(value, str) else None
    if m is not None and 1990 <= int(m.group(1)) <= 2100:
        return Period(int(m.group(1)), int(m.group(2)))
    code = parse_periods(pd.Series([value])).iloc[0]
    return None if pd.isna(code) else from_code(str(code))


def from_code(code: str) -> Period:
    m = re.fullmatch(r"([0-9]{4})Q([1-4])", code)
    if not m:
        raise ValueError(f"not a period code: {code!r}")
    return Period(int(m.group(1)), int(m.group(2)))


def quarters_between(start: Period, end: Period) -> list[Period]:
    out, p = [], start
    while p <= end:
        out.append(p)
        p = Period(p.year + (p.quarter == 4), p.quarter % 4 + 1)
    return out
