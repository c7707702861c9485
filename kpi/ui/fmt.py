"""Numbers, names and words as the pages write them (Chinese statistical-table conventions)."""

from __future__ import annotations

import functools
import re

from kpi.model.periods import from_code
from kpi.reports import attention, style
from kpi.text import numbers
from kpi.ui import warm
from kpi.ui.data import data_version
from kpi.ui.lang import lang, t

# ---------------------------------------------------------------- supplied text


_AUTOLINK = re.compile(r"(?i)://|www\.|@")
# markdown's punctuation; `_` between letters or digits (t_statistician) and `.` other than after
# leading digits ("1." would start a list) do nothing in GFM and stay as they are
_MARKDOWN_SPECIAL = re.compile(r"([\\`*{}\[\]()<>#+\-!|~:$&]|(?<!\w)_|_(?!\w))")
_LEADING_NUMBER = re.compile(r"^(\d+)\.")


def plain(text: object) -> str:
    """Text that a person or a file supplied (a display name, a file name, a platform name), made
    safe for Streamlit's markdown: every character markdown or Streamlit's own syntax would act on
    (links, emphasis, headings, `:red[...]`, `$math$`, HTML) is escaped with a backslash, so it
    shows as typed; line breaks become spaces. Use it wherever such text goes into st.markdown,
    st.caption, an alert or a label; tables and charts show text as text already."""
    flat = " ".join(str(text).split())
    # GFM turns bare addresses into links after the escapes are read (http://…, www.…, a@b.c): a
    # word joiner (U+2060, invisible) inside each marker keeps them text
    flat = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + "\u2060" + m.group(0)[-1], flat)
    flat = _MARKDOWN_SPECIAL.sub(r"\\\1", flat)
    return _LEADING_NUMBER.sub(r"\1\\.", flat)


# ---------------------------------------------------------------- formatting


def pct(value: float | None, digits: int = 2) -> str:
    return numbers.pct(value, digits)


def pp(value: float | None, digits: int = 2, signed: bool = True) -> str:
    """Percentage points, 百分点 in Chinese."""
    return numbers.pp(value, lang(), digits, signed)


def money(value_wan: float | None) -> str:
    """万元 in, shown in 亿元 from 1 亿 up (Chinese statistical tables' convention)."""
    return numbers.money(value_wan, lang())


def gap_text(entry: dict) -> str:
    """The gap of a ratio's status entry in words that agree with its light
    (kpi.reports.attention.gap_sentence: band targets from the band's lower edge)."""
    return attention.gap_sentence(entry.get("gap_pp"), lang(), entry)


def period_label(code: str | None) -> str:
    return "—" if not code else from_code(code).label(lang())


def status_word(status: str) -> str:
    return style.status_word(status, lang())


def status_badge(status: str) -> str:
    """HTML for a coloured pill with symbol and word (the word is the meaning; colour helps)."""
    colour, symbol = style.STATUS_STYLE.get(status, style.UNKNOWN_STYLE)
    return (
        f'<span style="background:{colour};color:white;border-radius:0.8em;padding:0.1em 0.6em;'
        f'font-size:0.85em;white-space:nowrap">{symbol} {status_word(status)}</span>'
    )


def region_name(code: str | None, short: bool = True) -> str:
    if code is None:
        return t("city")
    return _region_names(data_version(), lang(), short).get(code, code)


@functools.lru_cache(maxsize=32)
def _region_names(version: tuple[str, int, int], lng: str, short: bool) -> dict[str, str]:
    """Code → name for one data version and language: pages name every unit in every chart, and a
    dictionary lookup costs microseconds where filtering the cached frame cost a millisecond."""
    frame = warm.cached(version, "regions", ())
    column = "name_en" if lng == "en" else ("short_name" if short else "name")
    return {str(c): str(n) for c, n in zip(frame["code"], frame[column], strict=True)}


def cluster_name(code: str | None) -> str:
    if not code:
        return t("all_industry")
    return _cluster_names(data_version(), lang()).get(code, code)


@functools.lru_cache(maxsize=32)
def _cluster_names(version: tuple[str, int, int], lng: str) -> dict[str, str]:
    """Code → cluster name for one data version and language (the heat map names every cluster:
    filtering the cached frame once per name was half of the clusters page's rerun)."""
    frame = warm.cached(version, "clusters", ())
    column = "name_en" if lng == "en" else "name"
    return {str(c): str(n) for c, n in zip(frame["code"], frame[column], strict=True)}


def chart_labels() -> dict[str, str]:
    return {"band": t("band"), "floor": t("floor"), "target_line": t("target_line")}


def join(items: list[str]) -> str:
    """An enumeration: 、 in Chinese, a comma in English."""
    return ("、" if lang() == "zh" else ", ").join(items)


def clauses(items: list[str]) -> str:
    """Clauses of one sentence: ， in Chinese, a comma in English."""
    return ("，" if lang() == "zh" else ", ").join(items)


def colon() -> str:
    return "：" if lang() == "zh" else ": "
