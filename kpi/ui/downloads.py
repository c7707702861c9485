"""Download buttons for the exports (the one-page PDF brief, Excel workbooks).

The files are made only when someone clicks: Streamlit calls the `data` callable on its own
thread at the click, so an Overview rerun costs nothing for them (printing the PDF takes a
second or two). Results are kept per data version, so a second click is instant and any write
to the database gives fresh files.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

import streamlit as st

from kpi.model.roles import Viewer
from kpi.reports import brief, export
from kpi.store import connection, vintages
from kpi.text.export import EXPORT_TEXT
from kpi.ui import data, lang, scope, signin

Moment = dt.datetime | None


def _t(key: str) -> str:
    zh, en = EXPORT_TEXT[key]
    return en if lang.lang() == "en" else zh


# Files are kept per data version and per signed-in user (`viewer` is part of the key: a county
# official's file never serves a leader's click, nor the other way round; TRAPS.md 2).
@functools.lru_cache(maxsize=8)
def _brief(
    version: tuple[str, int, int], period: str | None, region: str | None, viewer: Viewer, as_of: Moment
) -> bytes:
    with connection.connect(version[0]) as base, vintages.seen_at(base, as_of) as con:
        page = brief.brief_html(con, period, region, viewer=viewer)
    return brief.to_pdf(page)  # printed after the connection is closed


@functools.lru_cache(maxsize=8)
def _workbook(
    version: tuple[str, int, int], period: str | None, region: str | None, viewer: Viewer, as_of: Moment
) -> bytes:
    with connection.connect(version[0]) as base, vintages.seen_at(base, as_of) as con:
        return export.overview_workbook(con, period, region, viewer=viewer)


def _later(make: Callable[..., bytes], *args: object) -> Callable[[], bytes]:
    return lambda: make(*args)


def brief_buttons(period: str | None, region: str | None = None) -> None:
    """The brief (PDF) and the page's tables (Excel) for one period and scope, as the signed-in
    user may see them (the scope is checked again when the file is made)."""
    viewer, as_of = signin.viewer(), scope.as_of()  # the files as the page shows the figures
    p = data.db_path()
    version = (str(p.resolve()), *connection.data_version(p))
    stem = f"中试驾驶舱_{region or '全市'}_{period or 'latest'}"
    st.subheader(_t("export.title"))
    c1, c2 = st.columns(2)
    with c1:
        st.download_button(
            _t("export.brief"),
            data=_later(_brief, version, period, region, viewer, as_of),
            file_name=f"{stem}_简报.pdf",
            mime=brief.PDF_MIME,
            help=_t("export.brief_help"),
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            key=f"export-brief-{region}-{period}",
        )
    with c2:
        st.download_button(
            _t("export.workbook"),
            data=_later(_workbook, version, period, region, viewer, as_of),
            file_name=f"{stem}_数据表.xlsx",
            mime=export.XLSX_MIME,
            help=_t("export.workbook_help"),
            on_click="ignore",
            icon=":material/table_view:",
            key=f"export-xlsx-{region}-{period}",
        )
