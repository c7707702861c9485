"""系统管理 Administration: accounts, targets and the 135N taxonomy (administrators only).

The widgets live in kpi/ui_admin.py; every change is checked again in the kpi core (`viewer=`)
and recorded in the audit trail.
"""

import streamlit as st

from kpi import ui, ui_admin
from kpi.access import Permission

ui.entry_guard(permission=Permission.MANAGE_USERS)


def body() -> None:
    ui.page_header(ui.t("nav.admin"))
    users, targets, taxonomy = st.tabs(
        [ui.t("admin.tab.users"), ui.t("admin.tab.targets"), ui.t("admin.tab.taxonomy")]
    )
    with users:
        ui_admin.users_section()
    with targets:
        ui_admin.targets_section()
    with taxonomy:
        ui_admin.taxonomy_section()


ui.guarded(body)
