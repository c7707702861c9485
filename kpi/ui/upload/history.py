"""Upload history, stored warnings and rollback on the upload page (数据上传).

A rollback runs in an on_click callback like a commit (see kpi/ui_upload.py): its rows stop
counting and the previous vintage counts again; nothing is deleted, the upload stays in the list.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import streamlit as st

from kpi.model.errors import KpiError
from kpi.store import connection, writes
from kpi.ui import data, lang, scope, signin
from kpi.ui.upload import validate

log = logging.getLogger("kpi.ui.upload.validate")


def _option(uploads: pd.DataFrame) -> dict[int, str]:
    return {
        int(r["id"]): lang.t(
            "upload.option", id=int(r["id"]), file=r["file_name"], when=validate.when(r["uploaded_at"])
        )
        for r in uploads.to_dict("records")
    }


def table() -> None:
    """Every upload, newest first. Related fields share a column (rows with new / revised, kind with
    the demo mark, status with who rolled back) so the table fits the page without scrolling."""
    st.subheader(lang.t("upload.history"))
    uploads = scope.read("uploads")
    if uploads.empty:
        st.info(lang.t("upload.history_empty"))
        return
    records = uploads.to_dict("records")
    shown = pd.DataFrame(
        {
            lang.t("upload.col.id"): uploads["id"],
            lang.t("upload.col.when"): uploads["uploaded_at"].map(validate.when),
            lang.t("upload.col.by"): uploads["uploaded_by"],
            lang.t("upload.col.kind"): [_kind_text(r) for r in records],
            lang.t("upload.col.file"): uploads["file_name"],
            lang.t("upload.col.sha"): uploads["sha256"].str.slice(0, 12),
            lang.t("upload.col.rows"): [_rows_text(r) for r in records],
            lang.t("upload.col.status"): [_status_text(r) for r in records],
            lang.t("upload.col.warnings"): uploads["warnings"],
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
            lang.t(f"upload.col.{c}"): st.column_config.Column(
                width=w, help=lang.t("upload.col.sha_help") if c == "sha" else None
            )
            for c, w in widths.items()
        },
    )


def _kind_text(r: dict[str, Any]) -> str:
    kind = lang.t(f"upload.kind.{r['kind']}")
    return lang.t("upload.kind_demo", kind=kind) if r["is_demo"] else kind


def _status_text(r: dict[str, Any]) -> str:
    if r["status"] == "rolled_back":
        return lang.t(
            "upload.status_rolled_back_by",
            by=r["rolled_back_by"] or "",
            when=validate.when(r["rolled_back_at"]),
        )
    return lang.t(f"upload.status.{r['status']}")


def _rows_text(r: dict[str, Any]) -> str:
    """`722（722 / 0 / 0）`: rows (new / revised / unchanged), one column instead of four keeps
    the table on screen. Unchanged rows (identical to the stored ones) are the rest."""
    n = [0 if pd.isna(r[c]) else int(r[c]) for c in ("rows", "new_rows", "revised_rows")]
    return lang.t("upload.rows_text", rows=n[0], new=n[1], revised=n[2], unchanged=n[0] - n[1] - n[2])


def rollback(by: str) -> None:
    st.subheader(lang.t("upload.rollback"))
    st.caption(lang.t("upload.rollback_help"))
    uploads = scope.read("uploads")
    live = uploads[(uploads["status"] == "committed") & uploads["kind"].isin(validate.KINDS)]
    if live.empty:
        st.info(lang.t("upload.rollback_none"))
        return
    options = _option(live)
    # no default: the upload to withdraw is always a deliberate choice
    picked = st.selectbox(
        lang.t("upload.rollback_pick"),
        list(options),
        format_func=options.get,
        key="upload_rollback_id",
        index=None,
        placeholder=lang.t("upload.rollback_placeholder"),
    )
    st.button(
        lang.t("upload.rollback_confirm"),
        key="upload_rollback_confirm",
        disabled=picked is None,
        on_click=_rollback,
    )


def _rollback() -> None:
    """on_click: withdraw the chosen upload; its rows revert to the previous vintage, history is kept."""
    picked = st.session_state.get("upload_rollback_id")
    by = validate.uploader_name()
    if picked is None:
        return
    upload_id = int(picked)
    try:
        with connection.connect(data.db_path()) as con:
            n = writes.rollback_upload(con, upload_id, by, viewer=signin.viewer())
    except KpiError as exc:
        validate.flash("error", lang.t("upload.failed", detail=exc.message(lang.lang())))
        return
    except Exception:
        log.exception("rollback of %s failed", upload_id)
        validate.flash("error", lang.t("upload.failed_unexpected"))
        return
    if n is None:
        validate.flash("warning", lang.t("upload.rollback_missing", upload_id=upload_id))
        return
    validate.flash("success", lang.t("upload.rolled_back", upload_id=upload_id, rows=n))
    validate.written()


def stored_issues() -> None:
    uploads = scope.read("uploads")
    with_issues = uploads[uploads["warnings"] > 0]
    with st.expander(lang.t("upload.issues")):
        if with_issues.empty:
            st.caption(lang.t("upload.issues_none"))
            return
        options = _option(with_issues)
        picked = st.selectbox(
            lang.t("upload.issues_pick"), list(options), format_func=options.get, key="upload_issues_id"
        )
        issues = scope.read("upload_issues", int(picked))
        frame = pd.DataFrame(
            {
                lang.t("upload.col.line"): issues["line"].astype("Int64"),
                lang.t("upload.col.column"): issues["column_name"].fillna(""),
                lang.t("upload.col.code"): issues["code"],
                lang.t("upload.col.message"): issues["message_zh" if lang.lang() == "zh" else "message_en"],
            }
        )
        validate.issue_table(frame, "upload_issues_table")
