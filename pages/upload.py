"""数据上传 Data upload: templates, validation before anything is stored, preview, confirm, history, rollback.

A file is checked on upload (every error with line, column and reason) and written only after its
confirm button, in one transaction. The widgets live in kpi/ui_upload.py; this page lays them out.
"""

import streamlit as st

from kpi.model.errors import KpiError
from kpi.model.roles import Permission
from kpi.ui import calendar, data, lang, layout, signin
from kpi.ui.fmt import plain
from kpi.ui.upload import history, validate

signin.entry_guard(permission=Permission.UPLOAD)


def body() -> None:
    # the demo notice of the other pages sends people here: this page says what to do instead
    layout.page_header(lang.t("nav.upload"), demo=False)
    if history.has_demo():
        st.warning(lang.t("upload.demo_banner"), icon=":material/science:")
    validate.show_flash()
    calendar.calendar_section()  # first: what has arrived from each unit, what is late
    st.markdown(lang.t("upload.intro"))
    st.info(lang.t("upload.limits", mb=validate.limit_mb()), icon=":material/info:")

    by = validate.uploader_name()  # the signed-in statistician: recorded with every upload and rollback
    st.caption(lang.t("upload.recorded_as", user=plain(by)))

    st.markdown(f"**{lang.t('upload.templates')}**")
    row = st.container(horizontal=True)
    for kind in validate.KINDS:
        row.download_button(
            lang.t(f"upload.template_{kind}"),
            validate.template(kind),
            file_name=lang.t(f"upload.template_{kind}_file"),
            mime="text/csv",
            key=f"upload_template_{kind}",
            on_click="ignore",
            icon=":material/download:",
        )
    st.caption(lang.t("upload.template_hint"))

    tab_stats, tab_platforms = st.tabs([lang.t("upload.section_stats"), lang.t("upload.section_platforms")])
    with tab_stats:
        files = st.file_uploader(
            lang.t("upload.stats_files"), type=["csv"], accept_multiple_files=True, key="upload_stats_files"
        )
        for i, f in enumerate(files or []):
            _file_section("stats", f, f"upload_stats_{i}", by)
    with tab_platforms:
        f = st.file_uploader(lang.t("upload.platform_file"), type=["csv"], key="upload_platform_file")
        if f is not None:
            _file_section("platforms", f, "upload_platforms", by)

    st.divider()
    history.table()
    history.stored_issues()
    history.rollback(by)


def _file_section(kind: str, uploaded, key: str, by: str) -> None:
    with st.container(border=True):
        st.markdown(f"##### {lang.t('upload.file_head', name=plain(uploaded.name))}")
        try:
            fc = validate.check(kind, uploaded.name, uploaded.getvalue())
        except KpiError as exc:  # e.g. the database is busy: say so, keep the other files
            st.error(exc.message(lang.lang()), icon=":material/error:")
            return
        except Exception:  # one bad file must not hide the others
            data.log.exception("validation of %s failed", uploaded.name)
            st.error(lang.t("upload.check_failed", file=plain(uploaded.name)), icon=":material/error:")
            return
        validate.show_report(fc, key)
        validate.show_preview(fc, key, by)


layout.guarded(body)
