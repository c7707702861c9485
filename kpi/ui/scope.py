"""What the signed-in viewer may see: scoped reads and the viewer's units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from kpi.model import moments, roles
from kpi.ui import signin, warm
from kpi.ui.data import AS_OF_READERS, SCOPED, data_version
from kpi.ui.fmt import region_name
from kpi.ui.lang import t


def read(name: str, *args: Any) -> Any:
    """A cached read through the kpi core for the signed-in user; `name` is a key of _READERS.
    Readers in _SCOPED get a viewer (`viewer=`) and apply its scope in their SQL; the others
    read what every role sees. Without a signed-in user: NotSignedIn (the guard comes first).
    A reader of the figures on a page with the "as known on" picker sees the data as they stood
    then (as_of). The serving process remembers a read of the data as they are now, to make it
    again when the data change (kpi.ui.warm)."""
    scope = cache_scope(signin.viewer()) if name in SCOPED else None
    version = data_version()
    moment = as_of() if name in AS_OF_READERS else None
    return warm.cached(version, name, args, scope, moment)


def derived(name: str, compute: Callable[[], Any], *key: Hashable) -> Any:
    """A value a page computes from cached reads only (no database), kept as they are: per data
    version, the viewer's scope and the moment shown, and `key`, which must name every other
    input of `compute` (the period, the unit, the language). `compute` runs once for all the
    sessions that share these; the pandas work a page did on its reads on every rerun was a
    third of the Overview's run (issue 16). A copy is returned (st.cache_data), so a caller may
    change it."""
    return _derived(data_version(), cache_scope(signin.viewer()), as_of(), name, key, compute)


@st.cache_data(show_spinner=False, max_entries=256)
def _derived(
    version: tuple[str, int, int],
    scope: tuple[str, str, str | None, str | None],
    moment: dt.datetime | None,
    name: str,
    key: tuple[Hashable, ...],
    _compute: Callable[[], Any],  # not part of the key (Streamlit skips a leading underscore)
) -> Any:
    return _compute()


def cache_scope(viewer: roles.Viewer) -> tuple[str, str, str | None, str | None]:
    """The viewer a scoped read is made for and cached under: what the answer depends on, the
    units the viewer may see in full, not who asks. Every role that sees the city sees what a
    leader sees; a county official what that county's officials see. So ten leaders opening
    the Overview share one cached answer instead of computing ten, and the reads can be warmed
    for a scope before anyone of it asks (TRAPS.md 2 holds: the key still carries the scope)."""
    if roles.visible_regions(viewer) is None and viewer.unit is None:
        return (SHARED, roles.Role.LEADER.value, None, None)
    return (SHARED, viewer.role.value, viewer.region, viewer.unit)  # a department: its own unit


SHARED = "*"  # the username of a scope's shared viewer (no account has it: names are 2+ characters)
AS_OF_DAY = "as_of_day"  # the pages' "as known on" day (kpi.ui.vintage), kept across pages
PAGE = "kpi_page"  # the url path of the page this run draws (dashboard.py)
AS_OF_PAGES = frozenset(
    {"", "overview", "regions", "clusters"}
)  # the pages with the picker ("": the Overview at /)


def as_of() -> dt.datetime | None:
    """The moment the figures are shown as known at (the end of the chosen day) on a page with
    the picker; None: now (always on the other pages: upload, register, admin, ...)."""
    if st.session_state.get(PAGE) not in AS_OF_PAGES:
        return None
    day = st.session_state.get(AS_OF_DAY)
    return moments.end_of_day(day) if isinstance(day, dt.date) else None


# ---------------------------------------------------------------- the signed-in user's scope


def sees_city() -> bool:
    """Whether the signed-in user may see the city's own figures (every role but a county)."""
    return roles.visible_regions(signin.viewer()) is None


def home_region() -> str | None:
    """The scope a page opens with: a county official's unit, else the city (None)."""
    return roles.default_region(signin.viewer())


def visible_units(codes: list[str]) -> list[str]:
    """The units of `codes` whose detail the signed-in user may see, in order."""
    allowed = roles.visible_regions(signin.viewer())
    return list(codes) if allowed is None else [c for c in codes if c in allowed]


def scope_note() -> None:
    """For a county official: one line saying what the page shows and what it does not."""
    region = home_region()
    if region is not None:
        st.caption(t("auth.county_scope", unit=region_name(region, short=False)))
