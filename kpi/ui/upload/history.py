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
            lang.t("upload.col.rows"): [_rows_text(r) for r in records],
            lang.t("upload.col.status"): [_status_text(r) for r in records],
            lang.t("upload.col.warnings"): uploads["warnings"],
        }
    )
    # pixel widths that add up to the page's content width: every column stays on screen, long
    # file names and rollback notes are cut with the full text on hover
    # (kind and rows wide enough for '考核结果上传（演示）' and '行数（新增/修订/未变）')
    widths = {"id": 50, "when": 125, "by": 70, "kind": 165, "file": 170}
    widths |= {"rows": 170, "status": 110, "warnings": 60}
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="upload_history",
        column_config={
            lang.t(f"upload.col.{c}"): st.column_config.Column(width=w) for c, w in widths.items()
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


def has_demo() -> bool:
    """Whether demo uploads still count (committed)."""
    uploads = scope.read("uploads")
    return bool((uploads["is_demo"].astype(bool) & (uploads["status"] == "committed")).any())


DEMO_SET = 0  # the rollback option that stands for every demo upload at once


def rollback_candidates(uploads: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """What a statistician may withdraw: (committed statistics and register uploads of real
    files, newest first; the ids of the demo uploads still counting). The demo uploads are never
    listed one by one among the real files: they are offered once, as the demo set."""
    live = uploads[(uploads["status"] == "committed") & uploads["kind"].isin(validate.KINDS)]
    demo = live["is_demo"].astype(bool)
    return live[~demo], [int(i) for i in live.loc[demo, "id"]]


def rollback(by: str) -> None:
    st.subheader(lang.t("upload.rollback"))
    st.caption(lang.t("upload.rollback_help"))
    live, demo_ids = rollback_candidates(scope.read("uploads"))
    if live.empty and not demo_ids:
        st.info(lang.t("upload.rollback_none"))
        return
    options = _option(live)
    if demo_ids:
        options[DEMO_SET] = lang.t("upload.demo_set", n=len(demo_ids))
    # no default: the upload to withdraw is always a deliberate choice
    picked = st.selectbox(
        lang.t("upload.rollback_pick"),
        list(options),
        format_func=options.get,
        key="upload_rollback_id",
        index=None,
        placeholder=lang.t("upload.rollback_placeholder"),
    )
    if picked is None:
        return
    ids = demo_ids if picked == DEMO_SET else [int(picked)]
    with connection.connect(data.db_path()) as con:
        effects = [e for e in (writes.rollback_effect(con, i) for i in ids) if e is not None]
    if not effects:
        st.info(lang.t("upload.rollback_missing", upload_id=int(picked)))
        return
    st.warning(effect_text(effects, options[picked]), icon=":material/undo:")
    # the confirmation names the upload: a box ticked for another upload does not carry over
    sure = st.checkbox(
        lang.t("upload.rollback_sure", upload=options[picked]), key=f"upload_rollback_sure_{picked}"
    )
    st.button(
        lang.t("upload.rollback_confirm"),
        key="upload_rollback_confirm",
        disabled=not sure,
        on_click=_rollback,
        args=(ids,),
        type="primary",
        icon=":material/undo:",
    )


def effect_text(effects: list[writes.RollbackEffect], what: str) -> str:
    """What the rollback will change, in one sentence: rows of statistics and platforms that go
    back to earlier values, that stop counting, that a later upload already replaced."""
    parts = []
    for kind in ("stats", "platforms"):
        mine = [e for e in effects if e.kind == kind]
        if not mine:
            continue
        unit = lang.t(f"upload.unit_{kind}")
        revert, vanish, later = (sum(getattr(e, f) for e in mine) for f in ("revert", "vanish", "superseded"))
        if revert or not (vanish or later):  # a count of nothing only when nothing else is said
            parts.append(lang.t("upload.effect_revert", n=revert, unit=unit))
        if vanish:
            parts.append(lang.t("upload.effect_vanish", n=vanish, unit=unit))
        if later:
            parts.append(lang.t("upload.effect_superseded", n=later, unit=unit))
    joined = ("；" if lang.lang() == "zh" else "; ").join(parts)
    return lang.t("upload.effect", upload=what, parts=joined)


def _rollback(ids: list[int]) -> None:
    """on_click: withdraw the chosen upload(s); their rows revert to the previous vintage, history is kept."""
    picked = st.session_state.get("upload_rollback_id")
    by = validate.uploader_name()
    if picked is None or not st.session_state.get(f"upload_rollback_sure_{picked}"):
        return
    done: list[tuple[int, int]] = []
    try:
        with connection.connect(data.db_path()) as con:
            for upload_id in ids:
                n = writes.rollback_upload(con, upload_id, by, viewer=signin.viewer())
                if n is not None:
                    done.append((upload_id, n))
    except KpiError as exc:
        validate.flash("error", lang.t("upload.failed", detail=exc.message(lang.lang())))
        return
    except Exception:
        log.exception("rollback of %s failed", ids)
        validate.flash("error", lang.t("upload.failed_unexpected"))
        return
    finally:
        if done:
            validate.written()
    if not done:
        validate.flash("warning", lang.t("upload.rollback_missing", upload_id=ids[0]))
        return
    for upload_id, n in done:
        validate.flash("success", lang.t("upload.rolled_back", upload_id=upload_id, rows=n))


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
                lang.t("upload.col.message"): issues["message_zh" if lang.lang() == "zh" else "message_en"],
            }
        )
        validate.issue_table(frame, "upload_issues_table")
