"""Cached reads: short-lived read-only connections, results keyed on the database file's stamp."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from kpi.access import accounts
from kpi.engine import breakdown, calendar, completeness, revisions, series, status
from kpi.model.roles import Viewer
from kpi.platforms import figures, register, reviews, rewards, scoring
from kpi.reports import clusters as cluster_reports
from kpi.store import connection, queries, reference, settings, vintages
from kpi.store import tasks as task_store
from kpi.tasks import board, catalog

log = logging.getLogger("kpi.ui")


# ---------------------------------------------------------------- cached reads


def db_path() -> Path:
    return connection.db_path()


def data_version() -> tuple[str, int, int]:
    p = db_path()
    return (_resolved(str(p)), *connection.data_version(p))


@functools.lru_cache(maxsize=16)
def _resolved(path: str) -> str:
    """The absolute path of the database, resolved once: `_version()` runs for every cached read
    and every unit name, and resolving walks the file system each time."""
    return str(Path(path).resolve())


@st.cache_data(show_spinner=False, max_entries=512)
def cached_read(
    version: tuple[str, int, int],
    name: str,
    args: tuple[Any, ...],
    scope: tuple[str, str, str | None, str | None] | None,
    as_of: dt.datetime | None,
) -> Any:
    # Every caller passes all five arguments (no defaults, on purpose): Streamlit keys a cached
    # call on the arguments as passed, so a call that left `as_of=None` out was another entry than
    # the page's call with it. The cache warmer made its reads that way, and not one of them ever
    # served a page (issue 16). `version` is part of the key: any write to the file (app or
    # shell) gives a new key; `scope` is the signed-in user for the readers whose answer depends
    # on who asks (TRAPS.md 2); `as_of` a past moment the reader sees the data at
    # (kpi.store.vintages). Read only, on a connection closed at once: the app never keeps the
    # file from a writer, and a read-only file (a replica, a backup, a read-only mount) serves the
    # pages as well.
    with connection.read(version[0]) as base, vintages.seen_at(base, as_of) as con:
        if name in SCOPED:
            assert scope is not None
            return _READERS[name](con, *args, viewer=Viewer(*scope))
        return _READERS[name](con, *args)


def clear_cache() -> None:
    cached_read.clear()


# readers whose answer depends on the signed-in user: they take `viewer=`
SCOPED = frozenset(
    {
        "status",
        "series",
        "ranking",
        "cluster_ratios",
        "matrix",
        "cluster_table",
        "revisions",
        "task_board",
        "task_history",
    }
)
# readers of the figures, which the pages' "as known on" picker applies to (kpi.ui.scope.read;
# the pages that show the picker: Overview, Regions, Clusters). The register page, whose forms
# edit the current versions, the upload history, accounts, settings and reference tables are
# always as they are now.
AS_OF_READERS = frozenset(
    {
        "status",
        "series",
        "ranking",
        "cluster_ratios",
        "matrix",
        "matrix_scale",
        "cluster_table",
        "periods",
        "latest",
        "default_period",
        "completeness",
        "revisions",
    }
)

_READERS: dict[str, Callable[..., Any]] = {
    "status": lambda con, period, region, cluster, lng, viewer: status.kpi_status(
        con, period, region, cluster, lang=lng, viewer=viewer
    ),
    "series": lambda con, region, cluster, viewer: series.ratio_series(con, region, cluster, viewer=viewer),
    "ranking": lambda con, period, cluster, viewer: series.unit_ranking(con, period, cluster, viewer=viewer),
    "account": lambda con, username: accounts.get_user(con, username),
    "periods": lambda con: queries.periods(con),
    "latest": lambda con: queries.latest_period(con),
    # the period pages open on: the latest complete quarter (every unit, or the city's own row)
    "default_period": lambda con: queries.default_period(con),
    "completeness": lambda con, period: completeness.period_completeness(con, period),
    "regions": lambda con: reference.regions(con),
    "units": lambda con: reference.units(con),
    "clusters": lambda con: reference.clusters(con),
    "targets": lambda con: reference.targets(con),
    "uploads": lambda con: queries.uploads(con),
    "upload_issues": lambda con, uid: queries.upload_issues(con, uid),
    "cluster_regions": lambda con: queries.cluster_regions(con),
    "platforms": lambda con: register.current_platforms(con),
    "region_lookup": lambda con: reference.region_lookup(con),
    "cluster_ratios": lambda con, period, region, viewer: breakdown.cluster_ratios(
        con, period, region, viewer=viewer
    ),
    "matrix": lambda con, period, viewer: breakdown.region_cluster_matrix(con, period, viewer=viewer),
    "cluster_table": lambda con, period, region, viewer: cluster_reports.cluster_table(
        con, period, region, viewer=viewer
    ),
    # the heat maps' colour scales: every unit's range, the same for every viewer (two numbers
    # per ratio; the platform counts come from the public register)
    "matrix_scale": lambda con, period: cluster_reports.matrix_scale(con, period),
    "platform_matrix": lambda con, as_of: cluster_reports.platform_matrix(con, as_of),
    # the pilot-platform page's readers (kpi.ui.platforms): not scoped, because the register, its
    # reviews and the reward rules are the same for every role (the recognised platforms are published)
    "register": lambda con: register.current_register(con),
    # coverage at each quarter's end: the coverage and ladder tabs both draw it (a loop over the
    # register per quarter, 30 % of the page's run when made on every view)
    "standing": lambda con, today: register.standing_on(register.current_register(con), today),
    "coverage_series": lambda con, today: register.coverage_series(
        register.current_register(con), list(reference.clusters(con)["code"]), today
    ),
    "versions": lambda con, name, host: register.versions(con, name, host),
    "reviews": lambda con: reviews.current_reviews(con),
    "settings": lambda con: rewards.setting_values(con),
    "settings_log": lambda con: rewards.settings_log(con),
    # the annual review on evidence: figures, the scores in force, the scheme and its history
    "figures": lambda con: figures.current_figures(con),
    "annual": lambda con: reviews.annual_reviews(con),
    "scheme": lambda con: scoring.load_scheme(con),
    "scheme_history": lambda con: scoring.scheme_history(con),
    # every vintage of a KPI figure (kpi.ui.vintage) and the reporting calendar (kpi.ui.calendar)
    "revisions": lambda con, region, cluster, periods, viewer: revisions.histories(
        con, region, cluster, periods=list(periods), viewer=viewer
    ),  # every ratio's at once: the cards of a page share one read
    "app_settings": lambda con: settings.values(con),
    "calendar": lambda con, periods, source, today: calendar.matrix(con, periods, source=source, today=today),
    # the plan's tasks (kpi.ui.tasks): the board and the report history as the viewer may see them
    # (a department its own unit's rows); the task list, units and settings are the same for all
    "task_board": lambda con, as_of, unit, viewer: board.board(con, as_of, unit, viewer=viewer),
    "task_history": lambda con, code, viewer: board.history(con, code, viewer=viewer),
    "task_units": lambda con: catalog.unit_names(con),
    "task_list": lambda con: catalog.tasks(con),
    "task_versions": lambda con: task_store.task_versions(con),
    "task_settings": lambda con: task_store.settings(con),
    "task_settings_log": lambda con: task_store.settings_log(con),
}
