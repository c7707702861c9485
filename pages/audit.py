"""审计记录 Audit trail: who did what and when (administrators only; read-only).

The trail is append-only in the database; nothing on this page can change it.
"""

from kpi.model.roles import Permission
from kpi.ui import audit, lang, layout, signin

signin.entry_guard(permission=Permission.VIEW_AUDIT)


def body() -> None:
    layout.page_header(lang.t("nav.audit"))
    audit.audit_section()


layout.guarded(body)
