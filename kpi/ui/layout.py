"""Page furniture: headers, empty states, selectors that follow the URL, table heights."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from kpi.model.errors import KpiError
from kpi.store import reference
from kpi.text.dashboard import UI_TEXT
from kpi.ui import vintage, warm
from kpi.ui.data import log
from kpi.ui.fmt import period_label, region_name
from kpi.ui.lang import lang, t
from kpi.ui.scope import as_of, read

# ---------------------------------------------------------------- page scaffolding

# Page-wide rules that Streamlit's elements have no parameter for (issue 14, phone width): the
# cards keep their lines closer (six of them stacked on a phone).
PAGE_STYLE = """<style>
[class*="st-key-card_"] { gap: 0.45rem; }
</style>"""


def page_header(title: str, period: str | None = None, demo: bool | None = None) -> None:
    """Title plus the data period and a demo banner: every page states both; for a quarter not
    every unit has reported yet, who has (incomplete_notice)."""
    st.html(PAGE_STYLE)  # style only: Streamlit puts it out of the layout (no gap)
    st.title(title)
    latest = read("latest")
    if period:
        st.caption(t("data_period", period=period_label(period), latest=period_label(latest)))
        vintage.controls()  # "按…时已知数据": the figures as known at a past day
    elif latest:
        st.caption(t("data_latest", latest=period_label(latest)))
    if demo if demo is not None else _has_demo():
        st.warning(t("demo_banner"), icon=":material/science:")
    if period:
        incomplete_notice(period)


def default_period() -> str | None:
    """The period a page opens on: the latest complete quarter (every unit, or the city's own
    row), else the latest with data. One unit's early report never becomes everyone's view."""
    found = read("default_period")
    return None if found is None else str(found)


def incomplete_notice(period: str) -> None:
    """For a quarter some units have not reported (and the city sent no total row): say so,
    name who has reported, and which quarter is the latest complete one."""
    c = read("completeness", period)
    if c["complete"]:
        return
    reported = c["reported_units"]
    names = ("、" if lang() == "zh" else ", ").join(region_name(u) for u in reported) or t("incomplete.none")
    latest = c["latest_complete_period"]
    st.warning(
        t(
            "incomplete.notice",
            period=period_label(period),
            n=len(reported),
            total=len(reported) + len(c["missing_units"]),
            names=names,
        )
        + (t("incomplete.latest", latest=period_label(latest)) if latest else ""),
        icon=":material/hourglass_top:",
    )


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
    """Run a page body; a failure shows a plain message, never a traceback. While it runs, the
    cache warmer waits (kpi.ui.warm.page_run)."""
    try:
        with warm.page_run():
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
            elif param == "region" and _county() and candidate in set(read("regions")["code"]):
                # a real unit, not offered: a county account's link to another unit
                st.info(t("url_own_unit", unit=region_name(default, short=False)), icon=":material/lock:")
            else:
                st.warning(t("bad_url_param", param=param))
        st.session_state[key] = value
    return str(st.session_state[key])


def _county() -> bool:
    from kpi.model.roles import Role
    from kpi.ui.signin import signed_in_viewer

    viewer = signed_in_viewer()
    return viewer is not None and viewer.role == Role.COUNTY


def select(
    label: str,
    options: list[str],
    name: str,
    format_func: Callable[[str], str],
    *,
    sidebar: bool = False,
    default: str | None = None,
) -> str:
    """A selectbox whose option labels follow the language switch.

    The browser keeps showing a keyed selectbox's old option labels after a language switch, so
    the widget key carries the language (`name__zh`) and the chosen value itself lives under
    `name`, where it survives the switch (and where choose_from_url puts a link's value).
    """
    current = st.session_state.get(name)
    if current not in options:  # nothing chosen yet: the `default` (e.g. default_period()), else the first
        current = default
    index = options.index(current) if current in options else 0
    box = st.sidebar if sidebar else st
    value = box.selectbox(label, options, index=index, format_func=format_func, key=f"{name}__{lang()}")
    st.session_state[name] = value
    return value


def table_height(rows: int) -> int:
    """Pixel height that shows every row of a st.dataframe without an inner scrollbar."""
    return 38 + 35 * max(rows, 1)


def lazy_tabs(keys: list[str], state_key: str, keep: dict[str, tuple[str, ...]] | None = None) -> list:
    """st.tabs in its lazy mode (each tab's `.open`; a click on a tab reruns the page with it): a
    page runs only its open tab instead of drawing every hidden one (issue 16). `keys` are the
    tabs' text keys; the open tab is kept in session state under `state_key` as its label, and a
    language switch keeps it open (its label in the other language is carried over).

    A widget that does not run loses its state at the end of the run, so a filter set on one tab
    and a half-filled form would be gone on coming back. `keep` maps a tab's text key to the key
    prefixes of its value widgets (selects, inputs; never buttons or uploaders, whose state cannot
    be written): while that tab is closed, their values are written back each run, Streamlit's own
    way of keeping a widget's state past a run that does not draw it."""
    labels = [t(k) for k in keys]
    chosen = st.session_state.get(state_key)
    if chosen is not None and chosen not in labels:
        same = [label for k, label in zip(keys, labels, strict=True) if chosen in UI_TEXT.get(k, ())]
        if same:
            st.session_state[state_key] = same[0]
            chosen = same[0]
    open_key = keys[labels.index(chosen)] if chosen in labels else keys[0]
    shown_key = f"{state_key}__shown"  # the tab the last run drew
    reopened = st.session_state.get(shown_key) != open_key
    st.session_state[shown_key] = open_key
    # the closed tabs' values, so they outlive this run; and the tab opened just now, because a
    # value kept that way reaches the browser only when written in the run that draws the widget
    # again (else the register said "1 of 10 shown" under an empty search box)
    kept = tuple(p for k, prefixes in (keep or {}).items() if k != open_key or reopened for p in prefixes)
    if kept:
        for name in [n for n in st.session_state if isinstance(n, str) and n.startswith(kept)]:
            st.session_state[name] = st.session_state[name]
    return list(st.tabs(labels, on_change="rerun", key=state_key))
