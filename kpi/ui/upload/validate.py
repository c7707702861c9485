"""Widgets of the upload page (数据上传): templates, validation report, change preview and commit
(history and rollback: kpi/ui_upload_history.py). Imports streamlit, like kpi/ui.py; the kpi core does the work.

Every database touch opens a short connection through kpi.store.connection.connect and closes it at once.
A file is validated on upload and never written until its confirm button is pressed; the write
re-validates inside one transaction (kpi.ingest.stats.ingest_stats / kpi.ingest.platforms.ingest_platforms).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from kpi.ingest.platforms import check_platforms, ingest_platforms
from kpi.ingest.result import Checked
from kpi.ingest.stats import check_stats, ingest_stats, preview_changes
from kpi.model.errors import KpiError
from kpi.reports import export
from kpi.store import connection
from kpi.text.upload import UPLOAD_TEXT
from kpi.ui import data as ui_data
from kpi.ui import lang as ui_lang
from kpi.ui import scope, signin
from kpi.ui.fmt import plain
from kpi.ui.upload import preview

log = logging.getLogger("kpi.ui.upload.validate")

KINDS = ("stats", "platforms")
_CHECKS = "_upload_checks"  # session_state: validation results, keyed on file and database version
_FLASH = "_upload_flash"  # session_state: messages to show after the rerun that follows a write

# One example row each, valid against the reference tables (a test checks they pass validation).
_TEMPLATES: dict[str, str] = {
    "stats": (
        "统计期,县(市、区),产业集群,研发费用(万元),营业收入(万元),新产品产值(万元),工业总产值(万元),"
        "高新技术产业增加值(万元),规上工业增加值(万元),企业数\n"
        "2025年1-9月,南湖区,合计,98500,3120000,1650000,3180000,480000,640000,612\n"
    ),
    "platforms": (
        "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态,撤销时间\n"
        "示例中试平台,示例科技有限公司,南湖区,集成电路与功率半导体;智能传感,市级培育库,龙头企业开放,2025-06-30,运行,\n"
    ),
}


def template(kind: str) -> bytes:
    """CSV template with Chinese headers and an example row, UTF-8 with BOM (Excel on Chinese Windows)."""
    return _TEMPLATES[kind].encode("utf-8-sig")


def limit_mb() -> int:
    """The upload limit the server enforces (.streamlit/config.toml server.maxUploadSize)."""
    return int(st.get_option("server.maxUploadSize"))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV for Excel, text cells that a spreadsheet would run as formulas neutralised:
    a report quotes the file's own header names and cells, which anyone can write."""
    return export.export_csv(frame)


# ---------------------------------------------------------------- messages from the callbacks

# Writes run in on_click callbacks, before the script reruns: a click is acted on exactly once,
# even when the entry script reruns at once (ui.entry_guard), and the page drawn after the click
# already reads the new data. Their messages wait in session_state until the page shows them.
_BOXES = {
    "success": (st.success, ":material/check_circle:"),
    "warning": (st.warning, ":material/warning:"),
    "error": (st.error, ":material/error:"),
}


def flash(kind: str, text: str) -> None:
    st.session_state.setdefault(_FLASH, []).append((kind, text))


def show_flash() -> None:
    # always one container, empty or not: the elements below keep their place, so the browser
    # keeps the chosen tab open after a commit
    with st.container():
        for kind, text in st.session_state.pop(_FLASH, []):
            box, icon = _BOXES[kind]
            box(text, icon=icon)


def written() -> None:
    """After any write: every page reads fresh numbers, stale validations are dropped."""
    ui_data.clear_cache()
    st.session_state.pop(_CHECKS, None)


def uploader_name() -> str:
    """Who uploads: the signed-in account (never typed in)."""
    return signin.viewer().username


# ---------------------------------------------------------------- validation


@dataclass
class FileCheck:
    kind: str
    name: str
    data: bytes
    checked: Checked
    changes: pd.DataFrame | None  # stats: kpi.ingest.stats.preview_changes; platforms: field diffs
    checked_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))


def check(kind: str, name: str, data: bytes) -> FileCheck:
    """Validate a file (never writes); cached per session until the database changes."""
    version = connection.data_version(ui_data.db_path())
    checks = st.session_state.setdefault(_CHECKS, {})
    for old in [k for k in checks if k[-1] != version]:  # results against older data are stale
        del checks[old]
    key = (kind, name, hash(data), version)
    if key not in checks:
        with connection.connect(ui_data.db_path()) as con:
            if kind == "stats":
                checked = check_stats(con, data, name)
                changes = None if checked.rows is None else preview_changes(con, checked.rows)
            else:
                checked = check_platforms(con, data, name)
                changes = None
        if kind == "platforms" and checked.rows is not None:
            changes = preview.platform_changes(checked.rows, scope.read("platforms"))
        checks[key] = FileCheck(kind, name, data, checked, changes)
    return checks[key]


def show_report(fc: FileCheck, key: str) -> None:
    report = fc.checked.report
    enc = report.encoding
    known = f"upload.enc.{enc}" in UPLOAD_TEXT
    encoding = ui_lang.t(f"upload.enc.{enc}") if known else (enc or ui_lang.t("upload.encoding_unknown"))
    st.caption(ui_lang.t("upload.encoding", encoding=encoding, rows=report.rows))
    frame = report.to_frame(ui_lang.lang())  # the download: severity, line, column, code, message
    is_error = [i.severity == "error" for i in report.sorted_issues()]
    reading = frame.drop(columns=frame.columns[[0, 3]])  # on screen: line, column, message
    errors, warnings = reading[is_error], reading[[not e for e in is_error]]
    if not report.ok:
        st.error(ui_lang.t("upload.rejected", n=len(errors)), icon=":material/error:")
        issue_table(errors, f"{key}_errors")
    else:
        st.success(ui_lang.t("upload.valid", rows=report.rows), icon=":material/check_circle:")
    if not warnings.empty:
        with st.expander(
            ui_lang.t("upload.warnings", n=len(warnings)), expanded=not report.ok or len(warnings) < 6
        ):
            issue_table(warnings, f"{key}_warnings")
    if report.issues:
        stem = f"{fc.name.rsplit('.', 1)[0]}_{ui_lang.t('upload.report_file')}"
        row = st.container(horizontal=True)
        row.download_button(
            ui_lang.t("upload.report_download"),
            csv_bytes(frame),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}_report",
            on_click="ignore",
            icon=":material/download:",
        )
        row.download_button(
            ui_lang.t("upload.report_download_xlsx"),
            data=functools.partial(report_workbook, fc, ui_lang.lang()),  # made at the click
            file_name=f"{stem}.xlsx",
            mime=export.XLSX_MIME,
            key=f"{key}_report_xlsx",
            on_click="ignore",
            icon=":material/table_view:",
        )


def report_workbook(fc: FileCheck, lang: str) -> bytes:
    """The validation report of one checked file as an Excel workbook, in `lang`: what the
    report's download button gives. Runs on Streamlit's thread at the click, so it reads nothing
    from the session (the language comes in)."""
    sheet = export.report_table(fc.checked.report, lang, checked_at=fc.checked_at, sha256=fc.checked.sha256)
    return export.workbook_bytes([sheet])


# Up to this many problems show in a plain table (every message in full, wrapped); more go to a
# scrolling dataframe, and the downloadable report always has them all.
FULL_TABLE_ROWS = 50


def issue_table(frame: pd.DataFrame, key: str) -> None:
    """Problems as people read them: line, column and the reason in words. The stable codes
    (NOT_A_NUMBER, RATIO_OUTLIER) and the file's SHA-256 are for machines and support: they are
    in the downloadable report, not on the page."""
    if len(frame) <= FULL_TABLE_ROWS:
        st.table(frame, hide_index=True)
        return
    line, column, message = frame.columns
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            line: st.column_config.NumberColumn(width="small"),
            column: st.column_config.TextColumn(width="small"),
            message: st.column_config.TextColumn(width="large"),
        },
    )


# ---------------------------------------------------------------- preview and confirm


def already_stored(fc: FileCheck) -> pd.Series | None:
    """The committed upload with the same content, when storing the file again would change nothing."""
    if fc.changes is None or not fc.changes.empty:  # invalid, or it would change something
        return None
    uploads = scope.read("uploads")
    same = uploads[
        (uploads["sha256"] == fc.checked.sha256)
        & (uploads["status"] == "committed")
        & (uploads["kind"] == fc.kind)
    ]
    return None if same.empty else same.iloc[0]


def show_preview(fc: FileCheck, key: str, by: str) -> None:
    """Counts and old → new values, then the confirm button (only for a valid file)."""
    rows, changes = fc.checked.rows, fc.changes
    if rows is None or changes is None:
        return
    st.markdown(f"**{ui_lang.t('upload.preview')}**")
    new, revised, n_new, n_revised = preview.counts(fc.kind, changes)
    stats = fc.kind == "stats"
    cols = st.columns(4)
    cols[0].metric(ui_lang.t("upload.rows_in_file"), len(rows))
    cols[1].metric(ui_lang.t("upload.new_rows" if stats else "upload.platform_new"), n_new)
    cols[2].metric(ui_lang.t("upload.revised_rows" if stats else "upload.platform_updated"), n_revised)
    cols[3].metric(ui_lang.t("upload.unchanged_rows"), len(rows) - n_new - n_revised)
    (preview.stats_tables if stats else preview.platform_tables)(new, revised, key)
    before = already_stored(fc)
    if before is not None:
        st.info(ui_lang.t("upload.already", when=when(before["uploaded_at"]), upload_id=int(before["id"])))
        return
    if n_new + n_revised == 0:
        st.info(ui_lang.t("upload.no_change"))
    st.button(
        ui_lang.t("upload.confirm"),
        key=f"{key}_confirm",
        type="primary",
        help=ui_lang.t("upload.confirm_help"),
        on_click=commit,
        args=(fc.kind, fc.name, fc.data),
    )


# ---------------------------------------------------------------- commit


def commit(kind: str, name: str, data: bytes) -> None:
    """on_click: store one file in one transaction (the core re-validates inside the write)."""
    by = uploader_name()
    try:  # a second click on the same button (double click) must not store the file twice
        before = already_stored(check(kind, name, data))
    except Exception:  # the write below re-validates anyway
        log.warning("pre-check of %s failed", name, exc_info=True)
        before = None
    if before is not None:
        flash(
            "warning",
            ui_lang.t("upload.already", when=when(before["uploaded_at"]), upload_id=int(before["id"])),
        )
        return
    ingest = ingest_stats if kind == "stats" else ingest_platforms
    try:
        with connection.connect(ui_data.db_path()) as con:
            result = ingest(con, data, name, uploaded_by=by, viewer=signin.viewer())
    except KpiError as exc:
        flash("error", ui_lang.t("upload.failed", detail=exc.message(ui_lang.lang())))
        return
    except Exception:
        log.exception("commit of %s failed", name)
        flash("error", ui_lang.t("upload.failed_unexpected"))
        return
    if not result.stored:  # the data changed since the check: the page re-validates and shows why
        st.session_state.pop(_CHECKS, None)
        flash("error", ui_lang.t("upload.rejected", n=len(result.report.errors)))
        return
    text = ui_lang.t(
        "upload.stored",
        file=plain(name),
        upload_id=result.upload_id,
        rows=result.rows,
        new=result.new_rows,
        revised=result.revised_rows,
        unchanged=result.unchanged_rows,
    )
    flash("success", text)
    written()


def when(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"
