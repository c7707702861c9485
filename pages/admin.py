"""系统管理 Administration: accounts, targets, the 135N taxonomy and the review scheme
(administrators only).

The widgets live in kpi/ui_admin.py; every change is checked again in the kpi core (`viewer=`)
and recorded in the audit trail.
"""

import streamlit as st

from kpi.model.roles import Permission
from kpi.ui import admin, alerts, lang, layout, scheme, signin

signin.entry_guard(permission=Permission.MANAGE_USERS)


def body() -> None:
    layout.page_header(lang.t("nav.admin"))
    users, targets, taxonomy, review_scheme, office = st.tabs(
        [lang.t(f"admin.tab.{k}") for k in ("users", "targets", "taxonomy", "scheme")]
        + [lang.t("alerts.tab")]
    )
    with users:
        admin.users_section()
    with targets:
        admin.targets_section()
    with taxonomy:
        admin.taxonomy_section()
    with review_scheme:
        scheme.scheme_section()  # the annual review's scoring scheme (kpi.ui.scheme)
    with office:  # the calendar's due day, the alert rules, the webhook and the outbox
        alerts.alerts_section()


layout.guarded(body)
