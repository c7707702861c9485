"""The only kpi module that imports streamlit: language, cached reads, formatting, shared widgets.

Pages render only: they call the functions here (which call the kpi core) and draw. Reads open a
short-lived connection and close it at once, so the app never keeps the DuckDB file locked
(`kpi ingest` from a shell keeps working while the app runs). Cached results are keyed on the
database file's modification stamp, so a write by any process invalidates them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from kpi import (
    access,
    auth,
    breakdown,
    engine,
    queries,
    reference,
    register,
    reviews,
    rewards,
    store,
    ui_auth,
)
from kpi.access import Permission, Viewer
from kpi.definitions import Status
from kpi.errors import KpiError
from kpi.i18n import UI_TEXT
from kpi.periods import from_code

log = logging.getLogger("kpi.ui")
T = TypeVar("T")


# ---------------------------------------------------------------- language


def lang() -> str:
    value = st.session_state.get("lang")
    if value not in ("zh", "en"):
        value = "en" if st.query_params.get("lang") == "en" else "zh"
        st.session_state["lang"] = value
    return value


def t(key: str, **params: object) -> str:
    """UI text in the current language (kpi.i18n.UI_TEXT)."""
    zh, en = UI_TEXT.get(key, (key, key))
    return (en if lang() == "en" else zh).format(**params)


def language_switch() -> None:
    lang()  # a ?lang=en link sets the first value
    st.sidebar.radio(
        "语言 / Language",
        options=("zh", "en"),
        format_func=lambda v: "中文" if v == "zh" else "English",
        key="lang",
        horizontal=True,
    )


# ---------------------------------------------------------------- entry guard


def entry_guard(
    *, entry: bool = False, permission: Permission | None = None, paths: Sequence[str] = ()
) -> auth.User:
    """First call of dashboard.py and of every page: run through dashboard.py, signed in.

    1. With a `pages/` folder, Streamlit starts each process in its old multipage mode, in which
       a URL such as /regions runs pages/regions.py directly, past dashboard.py's navigation,
       language switch and sign-in (TRAPS.md 1). Calling st.navigation leaves that mode, but only
       once the entry script has run. So a page that finds itself in the old mode switches it
       off and reruns at once: the rerun goes through dashboard.py and lands on the same page
       (page identity is the URL path in both modes), with nothing of the page drawn before.
    2. Nobody signed in (or the session expired, or the account was disabled): the sign-in form
       and nothing else, whatever the URL (dashboard.py passes every page's URL `paths`, so that
       the form answers each of them). Signed in without `permission`: a refusal and nothing
       else. Both stop the script run before the page draws anything.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if not entry:  # dashboard.py itself goes on to st.navigation: no rerun, no lost click
            st.rerun()
    return ui_auth.require(permission, paths=paths)


# ---------------------------------------------------------------- cached reads


def db_path() -> Path:
    return store.db_path()


def _version() -> tuple[str, int, int]:
    p = db_path()
    return (_resolved(str(p)), *store.data_version(p))


@functools.lru_cache(maxsize=16)
def _resolved(path: str) -> str:
    """The absolute path of the database, resolved once: `_version()` runs for every cached read
    and every unit name, and resolving walks the file system each time."""
    return str(Path(path).resolve())


@st.cache_data(show_spinner=False, max_entries=512)
def _read(
    version: tuple[str, int, int],
    name: str,
    args: tuple[Any, ...],
    scope: tuple[str, str, str | None] | None = None,
) -> Any:
    # `version` is part of the key: any write to the file (app or shell) gives a new key; `scope`
    # is the signed-in user for the readers whose answer depends on who asks (TRAPS.md 2)
    with store.connect(version[0]) as con:
        if name in _SCOPED:
            assert scope is not None
            return _READERS[name](con, *args, viewer=Viewer(*scope))
        return _READERS[name](con, *args)


def read(name: str, *args: Any) -> Any:
    """A cached read through the kpi core for the signed-in user; `name` is a key of _READERS.
    Readers in _SCOPED get the user (`viewer=`) and apply its scope in their SQL; the others
    read what every role sees. Without a signed-in user: NotSignedIn (the guard comes first)."""
    v = ui_auth.viewer()
    scope = (v.username, v.role.value, v.region) if name in _SCOPED else None
    return _read(_version(), name, args, scope)


def cached(name: str, *args: Any) -> Any:
    """A cached read that needs nobody signed in (the guard's own account lookup)."""
    if name in _SCOPED:
        raise ValueError(f"{name} is scoped: use read()")
    return _read(_version(), name, args)


def clear_cache() -> None:
    _read.clear()


# ---------------------------------------------------------------- the signed-in user's scope


def sees_city() -> bool:
    """Whether the signed-in user may see the city's own figures (every role but a county)."""
    return access.visible_regions(ui_auth.viewer()) is None


def home_region() -> str | None:
    """The scope a page opens with: a county official's unit, else the city (None)."""
    return access.default_region(ui_auth.viewer())


def visible_units(codes: list[str]) -> list[str]:
    """The units of `codes` whose detail the signed-in user may see, in order."""
    allowed = access.visible_regions(ui_auth.viewer())
    return list(codes) if allowed is None else [c for c in codes if c in allowed]


def scope_note() -> None:
    """For a county official: one line saying what the page shows and what it does not."""
    region = home_region()
    if region is not None:
        st.caption(t("auth.county_scope", unit=region_name(region, short=False)))


# readers whose answer depends on the signed-in user: they take `viewer=`
_SCOPED = frozenset({"status", "series", "ranking", "cluster_ratios", "matrix"})

_READERS: dict[str, Callable[..., Any]] = {
    "status": lambda con, period, region, cluster, lng, viewer: engine.kpi_status(
        con, period, region, cluster, lang=lng, viewer=viewer
    ),
    "series": lambda con, region, cluster, viewer: engine.ratio_series(con, region, cluster, viewer=viewer),
    "ranking": lambda con, period, cluster, viewer: engine.unit_ranking(con, period, cluster, viewer=viewer),
    "account": lambda con, username: auth.get_user(con, username),
    "periods": lambda con: queries.periods(con),
    "latest": lambda con: queries.latest_period(con),
    "regions": lambda con: reference.regions(con),
    "units": lambda con: reference.units(con),
    "clusters": lambda con: reference.clusters(con),
    "targets": lambda con: reference.targets(con),
    "uploads": lambda con: queries.uploads(con),
    "upload_issues": lambda con, uid: queries.upload_issues(con, uid),
    "cluster_regions": lambda con: queries.cluster_regions(con),
    "platforms": lambda con: engine.current_platforms(con),
}


# ---------------------------------------------------------------- formatting


def pct(value: float | None, digits: int = 2) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.{digits}f}%"


def pp(value: float | None, digits: int = 2, signed: bool = True) -> str:
    """Percentage points, 百分点 in Chinese."""
    if value is None or pd.isna(value):
        return "—"
    number = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return f"{number}{'个百分点' if lang() == 'zh' else ' pp'}"


def money(value_wan: float | None) -> str:
    """万元 in, shown in 亿元 from 1 亿 up (Chinese statistical tables' convention)."""
    if value_wan is None or pd.isna(value_wan):
        return "—"
    if abs(value_wan) >= 10_000:
        return f"{value_wan / 10_000:,.2f}{'亿元' if lang() == 'zh' else ' 100m yuan'}"
    return f"{value_wan:,.1f}{'万元' if lang() == 'zh' else ' 10k yuan'}"


def gap_text(gap_pp: float | None) -> str:
    """'距目标 0.06个百分点' below the target; '超出目标 0.36个百分点' at or above it."""
    if gap_pp is None or pd.isna(gap_pp):
        return "—"
    if gap_pp > 0:
        return t("card.gap", gap=pp(gap_pp, signed=False))
    return t("card.above", gap=pp(-gap_pp, signed=False))


def period_label(code: str | None) -> str:
    return "—" if not code else from_code(code).label(lang())


# Okabe–Ito colours, each with a symbol and a word: never colour alone.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    Status.ACHIEVED: ("#0072B2", "✔"),
    Status.ON_TRACK: ("#009E73", "●"),
    Status.AT_RISK: ("#E69F00", "▲"),
    Status.OFF_TRACK: ("#D55E00", "✖"),
    Status.NO_DATA: ("#999999", "○"),
    Status.NO_TARGET: ("#999999", "–"),
}


def status_word(status: str) -> str:
    return t(f"status.{status}")


def status_badge(status: str) -> str:
    """HTML for a coloured pill with symbol and word (the word is the meaning; colour helps)."""
    colour, symbol = STATUS_STYLE.get(status, ("#999999", "?"))
    return (
        f'<span style="background:{colour};color:white;border-radius:0.8em;padding:0.1em 0.6em;'
        f'font-size:0.85em;white-space:nowrap">{symbol} {status_word(status)}</span>'
    )


def region_name(code: str | None, short: bool = True) -> str:
    if code is None:
        return t("city")
    return _region_names(_version(), lang(), short).get(code, code)


@functools.lru_cache(maxsize=32)
def _region_names(version: tuple[str, int, int], lng: str, short: bool) -> dict[str, str]:
    """Code → name for one data version and language: pages name every unit in every chart, and a
    dictionary lookup costs microseconds where filtering the cached frame cost a millisecond."""
    frame = _read(version, "regions", ())
    column = "name_en" if lng == "en" else ("short_name" if short else "name")
    return {str(c): str(n) for c, n in zip(frame["code"], frame[column], strict=True)}


def cluster_name(code: str | None) -> str:
    if not code:
        return t("all_industry")
    frame = read("clusters")
    row = frame[frame["code"] == code]
    return code if row.empty else str(row["name" if lang() == "zh" else "name_en"].iloc[0])


# ---------------------------------------------------------------- page scaffolding


def page_header(title: str, period: str | None = None, demo: bool | None = None) -> None:
    """Title plus the data period and a demo banner: every page states both."""
    st.title(title)
    latest = read("latest")
    if period:
        st.caption(t("data_period", period=period_label(period), latest=period_label(latest)))
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


# ---------------------------------------------------------------- indicator cards


def target_of(code: str) -> engine.Target:
    frame = read("targets")
    row = frame[frame["indicator"] == code].iloc[0]
    return engine.Target(
        indicator=code,
        kind=engine.TargetKind(row["kind"]),
        value=float(row["value"]),
        comparator=str(row["comparator"]),
        deadline=pd.Timestamp(row["deadline"]).date(),
        plan_start=pd.Timestamp(row["plan_start"]).date(),
        band_pp=None if pd.isna(row["band_pp"]) else float(row["band_pp"]),
        green_pp=None if pd.isna(row["green_pp"]) else float(row["green_pp"]),
        amber_pp=None if pd.isna(row["amber_pp"]) else float(row["amber_pp"]),
        source=str(row["source"] or ""),
    )


def chart_labels() -> dict[str, str]:
    return {"band": t("band"), "floor": t("floor"), "target_line": t("target_line")}


def ratio_card(code: str, entry: dict[str, Any], period: str, series: pd.DataFrame | None, key: str) -> None:
    """One target card: value with its period, target, gap (pp), y/y change, light and rule."""
    from kpi import charts

    with st.container(border=True):
        st.markdown(f"**{entry['label']}**  \n{status_badge(entry['status'])}", unsafe_allow_html=True)
        st.metric(
            t("card.as_of", period=period_label(period)),
            pct(entry["value"]),
            delta=None if entry["change_pp"] is None else t("card.yoy", change=pp(entry["change_pp"])),
            delta_color="normal",
        )
        target = target_of(code)
        band = f"±{target.band_pp:g}" if target.band_pp else ""
        st.caption(
            f"{t('target')} {target.comparator} {pct(target.value)}{band} ({target.deadline:%Y}) · "
            + gap_text(entry["gap_pp"])
        )
        if series is not None and not series.empty:
            st.plotly_chart(
                charts.sparkline(series, target), key=f"spark-{key}", config={"displayModeBar": False}
            )
        st.caption(f"{t('rule')}{colon()}{entry['status_rule']}")
        show_work(entry, key)


def show_work(entry: dict[str, Any], key: str) -> None:
    """The panel behind a status: formula and live numbers (issue: show the work)."""
    with st.popover(t("show_work"), width="stretch"):
        work = entry.get("work") or {}
        if entry.get("numerator") is not None:
            st.markdown(
                t(
                    "work.sums",
                    num=money(entry["numerator"]),
                    den=money(entry["denominator"]),
                    basis=t(f"basis.{entry.get('basis')}"),
                )
            )
        glide = entry.get("glide") or {}
        if glide.get("expected") is not None and glide.get("distance_pp") is not None:
            dist = glide["distance_pp"]
            st.markdown(
                t(
                    "work.glide",
                    expected=pct(glide["expected"]),
                    side=t("work.below" if dist > 0 else "work.above"),
                    distance=pp(abs(dist), signed=False),
                )
            )
        if entry.get("pace_class"):
            ratio = entry.get("pace_ratio")
            st.markdown(
                t(
                    "work.pace",
                    pace=t(f"pace.{entry['pace_class']}"),
                    ratio="—" if ratio is None else f"{ratio:.2f}",
                )
            )
        if work.get("text"):
            st.caption(work["text"])
        catch = entry.get("catch_up") or {}
        if catch.get("text"):
            st.markdown(f"**{t('work.catch_up')}**{colon()}{catch['text']}")
        dec = entry.get("decomposition") or {}
        if dec.get("text"):
            st.markdown(f"**{t('work.why')}**{colon()}{dec['text']}")
        proj = entry.get("projection")
        if proj and proj.get("value") is not None:
            st.markdown(t("work.projection", value=pct(proj["value"])))
            st.caption(proj.get("assumption", ""))
        elif "projection" in entry:
            st.caption(t("work.no_projection"))
        formulas = [f for f in (glide.get("formula"), (entry.get("pace") or {}).get("formula")) if f]
        if formulas:
            st.caption(f"{t('work.formula')}{colon()}" + "；".join(formulas))


def count_card(code: str, entry: dict[str, Any], as_of: str) -> None:
    with st.container(border=True):
        st.markdown(f"**{entry['label']}**  \n{status_badge(entry['status'])}", unsafe_allow_html=True)
        if code == "cluster_coverage":
            st.metric(t("card.platforms_as_of", date=as_of), pct(entry["value"], 1))
            st.caption(t("card.covered", covered=entry["covered"], total=entry["total"]))
            if entry["uncovered_names"]:
                from kpi import ui_ranking  # the first few names when many clusters lack a platform

                st.caption(ui_ranking.uncovered(entry["uncovered_names"]))
        else:
            target = "—" if entry["target"] is None else f"{entry['target']:g}"
            st.metric(
                t("card.platforms_as_of", date=as_of), t("card.count", value=entry["value"], target=target)
            )
        st.caption(t("card.elapsed", elapsed=pct(entry.get("elapsed"), 0)))
        st.caption(f"{t('rule')}{colon()}{entry['status_rule']}")


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


def join(items: list[str]) -> str:
    """An enumeration: 、 in Chinese, a comma in English."""
    return ("、" if lang() == "zh" else ", ").join(items)


def clauses(items: list[str]) -> str:
    """Clauses of one sentence: ， in Chinese, a comma in English."""
    return ("，" if lang() == "zh" else ", ").join(items)


def colon() -> str:
    return "：" if lang() == "zh" else ": "


_READERS["region_lookup"] = lambda con: reference.region_lookup(con)
_READERS["cluster_ratios"] = lambda con, period, region, viewer: breakdown.cluster_ratios(
    con, period, region, viewer=viewer
)
_READERS["matrix"] = lambda con, period, viewer: breakdown.region_cluster_matrix(con, period, viewer=viewer)
# the pilot-platform page's readers (kpi/ui_platforms.py): not scoped, because the register, its
# reviews and the reward rules are the same for every role (the recognised platforms are published)
_READERS["register"] = lambda con: register.current_register(con)
_READERS["versions"] = lambda con, name, host: register.versions(con, name, host)
_READERS["reviews"] = lambda con: reviews.current_reviews(con)
_READERS["settings"] = lambda con: rewards.setting_values(con)
_READERS["settings_log"] = lambda con: rewards.settings_log(con)


def table_height(rows: int) -> int:
    """Pixel height that shows every row of a st.dataframe without an inner scrollbar."""
    return 38 + 35 * max(rows, 1)
