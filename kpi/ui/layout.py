"""Page furniture: headers, empty states, selectors that follow the URL, table heights."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kpi.model.errors import KpiError
from kpi.store import reference
from kpi.ui import vintage
from kpi.ui.data import log
from kpi.ui.fmt import period_label
from kpi.ui.lang import lang, t
from kpi.ui.scope import as_of, read

# ---------------------------------------------------------------- page scaffolding


def page_header(title: str, period: str | None = None, demo: bool | None = None) -> None:
    """Title plus the data period and a demo banner: every page states both."""
    st.title(title)
    latest = read("latest")
    if period:
        st.caption(t("data_period", period=period_label(period), latest=period_label(latest)))
        vintage.controls()  # "按…时已知数据": the figures as known at a past day
    elif latest:
        st.caption(t("data_latest", latest=period_label(latest)))
    if demo if demo is not None else _has_demo():
        st.warning(t("demo_banner"), icon=":material/science:")


def _has_demo() -> bool:
    frame = read("uploads")
    return bool(not frame.empty and (frame["is_demo"] & (frame["status"] == "committed")).any())


def empty_state() -> bool:
    """Show what to do when there are no statistics yet; True when the page should stop."""
    if read("latest") is None:
        st.info(t("empty_state"), icon=":material/inbox:")
        if as_of() is not None:  # nothing was known yet at the chosen day: the way back
            vintage.controls()
        return True
    return False


def guarded(body: Callable[[], None]) -> None:
    """Run a page body; a failure shows a plain message, never a traceback."""
    try:
        body()
    except KpiError as exc:
        st.error(exc.message(lang()))
    except Exception:
        log.exception("page failed")
        st.error(t("page_failed"))


# ---------------------------------------------------------------- URL parameters


def choose_from_url(param: str, options: list[str], key: str, default: str) -> str:
    """Initial value of a selector from the URL query (validated against `options`).

    An invalid value (unknown code, typo, hostile text) is never used: the default is shown and
    the user is told. Region parameters also accept names (南湖区, 嘉兴港区).
    """
    if key not in st.session_state:
        raw = st.query_params.get(param)
        value = default
        if raw:
            candidate = raw
            if param == "region" and raw not in options:
                lookup = read("region_lookup")
                candidate = lookup.get(reference.fold(raw), raw)
            if candidate in options:
                value = candidate
            else:
                st.warning(t("bad_url_param", param=param))
        st.session_state[key] = value
    return str(st.session_state[key])


def select(
    label: str,
    options: list[str],
    name: str,
    format_func: Callable[[str], str],
    *,
    sidebar: bool = False,
) -> str:
    """A selectbox whose option labels follow the language switch.

    The browser keeps showing a keyed selectbox's old option labels after a language switch, so
    the widget key carries the language (`name__zh`) and the chosen value itself lives under
    `name`, where it survives the switch (and where choose_from_url puts a link's value).
    """
    current = st.session_state.get(name)
    index = options.index(current) if current in options else 0
    box = st.sidebar if sidebar else st
    value = box.selectbox(label, options, index=index, format_func=format_func, key=f"{name}__{lang()}")
    st.session_state[name] = value
    return value


def table_height(rows: int) -> int:
    """Pixel height that shows every row of a st.dataframe without an inner scrollbar."""
    return 38 + 35 * max(rows, 1)
