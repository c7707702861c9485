"""What the signed-in viewer may see: scoped reads and the viewer's units."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from kpi.model import moments, roles
from kpi.ui import signin
from kpi.ui.data import AS_OF_READERS, SCOPED, cached_read, data_version
from kpi.ui.fmt import region_name
from kpi.ui.lang import t


def read(name: str, *args: Any) -> Any:
    """A cached read through the kpi core for the signed-in user; `name` is a key of _READERS.
    Readers in _SCOPED get the user (`viewer=`) and apply its scope in their SQL; the others
    read what every role sees. Without a signed-in user: NotSignedIn (the guard comes first)."""
    v = signin.viewer()
    scope = (v.username, v.role.value, v.region) if name in SCOPED else None
    return cached_read(data_version(), name, args, scope, as_of() if name in AS_OF_READERS else None)


AS_OF_DAY = "as_of_day"  # the pages' "as known on" day (kpi.ui.vintage), kept across pages
PAGE = "kpi_page"  # the url path of the page this run draws (dashboard.py)
AS_OF_PAGES = frozenset({"", "regions", "clusters"})  # the pages with the picker ("": the Overview)


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
