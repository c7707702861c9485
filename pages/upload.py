"""数据上传 Data upload: templates, validation before anything is stored, preview, confirm, history, rollback.

A file is checked on upload (every error with line, column and reason) and written only after its
confirm button, in one transaction. The widgets live in kpi/ui_upload.py; this page lays them out.
"""

import streamlit as st

from kpi import ui
from kpi import ui_upload as up
from kpi import ui_upload_history as history
from kpi.access import Permission
from kpi.errors import KpiError

ui.entry_guard(permission=Permission.UPLOAD)


def body() -> None:
    ui.page_header(ui.t("nav.upload"))
    up.show_flash()
    st.markdown(ui.t("upload.intro"))
    st.info(ui.t("upload.limits", mb=up.limit_mb()), icon=":material/info:")

    by = up.uploader_name()  # the signed-in statistician: recorded with every upload and rollback
    st.caption(ui.t("upload.recorded_as", user=by))

    st.markdown(f"**{ui.t('upload.templates')}**")
    row = st.container(horizontal=True)
    for kind in up.KINDS:
        row.download_button(
            ui.t(f"upload.template_{kind}"),
            up.template(kind),
            file_name=ui.t(f"upload.template_{kind}_file"),
            mime="text/csv",
            key=f"upload_template_{kind}",
            on_click="ignore",
            icon=":material/download:",
        )
    st.caption(ui.t("upload.template_hint"))

    tab_stats, tab_platforms = st.tabs([ui.t("upload.section_stats"), ui.t("upload.section_platforms")])
    with tab_stats:
        files = st.file_uploader(
            ui.t("upload.stats_files"), type=["csv"], accept_multiple_files=True, key="upload_stats_files"
        )
        for i, f in enumerate(files or []):
            _file_section("stats", f, f"upload_stats_{i}", by)
    with tab_platforms:
        f = st.file_uploader(ui.t("upload.platform_file"), type=["csv"], key="upload_platform_file")
        if f is not None:
            _file_section("platforms", f, "upload_platforms", by)

    st.divider()
    history.table()
    history.stored_issues()
    history.rollback(by)


def _file_section(kind: str, uploaded, key: str, by: str) -> None:
    with st.container(border=True):
        st.markdown(f"##### {ui.t('upload.file_head', name=uploaded.name)}")
        try:
            fc = up.check(kind, uploaded.name, uploaded.getvalue())
        except KpiError as exc:  # e.g. the database is busy: say so, keep the other files
            st.error(exc.message(ui.lang()), icon=":material/error:")
            return
        except Exception:  # one bad file must not hide the others
            ui.log.exception("validation of %s failed", uploaded.name)
            st.error(ui.t("upload.check_failed", file=uploaded.name), icon=":material/error:")
            return
        up.show_report(fc, key)
        up.show_preview(fc, key, by)


ui.guarded(body)
