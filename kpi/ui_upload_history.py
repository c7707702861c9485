"""Upload history, stored warnings and rollback on the upload page (数据上传).

A rollback runs in an on_click callback like a commit (see kpi/ui_upload.py): its rows stop
counting and the previous vintage counts again; nothing is deleted, the upload stays in the list.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import streamlit as st

from kpi import store, ui, ui_auth
from kpi import ui_upload as up
from kpi.errors import KpiError

log = logging.getLogger("kpi.ui_upload")


def _option(uploads: pd.DataFrame) -> dict[int, str]:
    return {
        int(r["id"]): ui.t(
            "upload.option", id=int(r["id"]), file=r["file_name"], when=up.when(r["uploaded_at"])
        )
        for r in uploads.to_dict("records")
    }


def table() -> None:
    """Every upload, newest first. Related fields share a column (rows with new / revised, kind with
    the demo mark, status with who rolled back) so the table fits the page without scrolling."""
    st.subheader(ui.t("upload.history"))
    uploads = ui.read("uploads")
    if uploads.empty:
        st.info(ui.t("upload.history_empty"))
        return
    records = uploads.to_dict("records")
    shown = pd.DataFrame(
        {
            ui.t("upload.col.id"): uploads["id"],
            ui.t("upload.col.when"): uploads["uploaded_at"].map(up.when),
            ui.t("upload.col.by"): uploads["uploaded_by"],
            ui.t("upload.col.kind"): [_kind_text(r) for r in records],
            ui.t("upload.col.file"): uploads["file_name"],
            ui.t("upload.col.sha"): uploads["sha256"].str.slice(0, 12),
            ui.t("upload.col.rows"): [_rows_text(r) for r in records],
            ui.t("upload.col.status"): [_status_text(r) for r in records],
            ui.t("upload.col.warnings"): uploads["warnings"],
        }
    )
    # pixel widths that add up to the page's content width: every column stays on screen, long
    # file names and rollback notes are cut with the full text on hover
    widths = {"id": 50, "when": 125, "by": 95, "kind": 120, "file": 140, "sha": 105}
    widths |= {"rows": 130, "status": 100, "warnings": 60}
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="upload_history",
        column_config={
            ui.t(f"upload.col.{c}"): st.column_config.Column(
                width=w, help=ui.t("upload.col.sha_help") if c == "sha" else None
            )
            for c, w in widths.items()
        },
    )


def _kind_text(r: dict[str, Any]) -> str:
    kind = ui.t(f"upload.kind.{r['kind']}")
    return ui.t("upload.kind_demo", kind=kind) if r["is_demo"] else kind


def _status_text(r: dict[str, Any]) -> str:
    if r["status"] == "rolled_back":
        return ui.t(
            "upload.status_rolled_back_by", by=r["rolled_back_by"] or "", when=up.when(r["rolled_back_at"])
        )
    return ui.t(f"upload.status.{r['status']}")


def _rows_text(r: dict[str, Any]) -> str:
    """`722（722 / 0）`: one column instead of three keeps the table on screen."""
    n = [0 if pd.isna(r[c]) else int(r[c]) for c in ("rows", "new_rows", "revised_rows")]
    return ui.t("upload.rows_text", rows=n[0], new=n[1], revised=n[2])


def rollback(by: str) -> None:
    st.subheader(ui.t("upload.rollback"))
    st.caption(ui.t("upload.rollback_help"))
    uploads = ui.read("uploads")
    live = uploads[(uploads["status"] == "committed") & uploads["kind"].isin(up.KINDS)]
    if live.empty:
        st.info(ui.t("upload.rollback_none"))
        return
    options = _option(live)
    # no default: the upload to withdraw is always a deliberate choice
    picked = st.selectbox(
        ui.t("upload.rollback_pick"),
        list(options),
        format_func=options.get,
        key="upload_rollback_id",
        index=None,
        placeholder=ui.t("upload.rollback_placeholder"),
    )
    st.button(
        ui.t("upload.rollback_confirm"),
        key="upload_rollback_confirm",
        disabled=picked is None,
        on_click=_rollback,
    )


def _rollback() -> None:
    """on_click: withdraw the chosen upload; its rows revert to the previous vintage, history is kept."""
    picked = st.session_state.get("upload_rollback_id")
    by = up.uploader_name()
    if picked is None:
        return
    upload_id = int(picked)
    try:
        with store.connect(ui.db_path()) as con:
            n = store.rollback_upload(con, upload_id, by, viewer=ui_auth.viewer())
    except KpiError as exc:
        up.flash("error", ui.t("upload.failed", detail=exc.message(ui.lang())))
        return
    except Exception:
        log.exception("rollback of %s failed", upload_id)
        up.flash("error", ui.t("upload.failed_unexpected"))
        return
    if n is None:
        up.flash("warning", ui.t("upload.rollback_missing", upload_id=upload_id))
        return
    up.flash("success", ui.t("upload.rolled_back", upload_id=upload_id, rows=n))
    up.written()


def stored_issues() -> None:
    uploads = ui.read("uploads")
    with_issues = uploads[uploads["warnings"] > 0]
    with st.expander(ui.t("upload.issues")):
        if with_issues.empty:
            st.caption(ui.t("upload.issues_none"))
            return
        options = _option(with_issues)
        picked = st.selectbox(
            ui.t("upload.issues_pick"), list(options), format_func=options.get, key="upload_issues_id"
        )
        issues = ui.read("upload_issues", int(picked))
        frame = pd.DataFrame(
            {
                ui.t("upload.col.line"): issues["line"].astype("Int64"),
                ui.t("upload.col.column"): issues["column_name"].fillna(""),
                ui.t("upload.col.code"): issues["code"],
                ui.t("upload.col.message"): issues["message_zh" if ui.lang() == "zh" else "message_en"],
            }
        )
        up.issue_table(frame, "upload_issues_table")
