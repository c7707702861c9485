"""审计记录 Audit trail: who did what and when (administrators only; read-only).

The trail is append-only in the database; nothing on this page can change it.
"""

from kpi import ui, ui_audit
from kpi.access import Permission

ui.entry_guard(permission=Permission.VIEW_AUDIT)


def body() -> None:
    ui.page_header(ui.t("nav.audit"))
    ui_audit.audit_section()


ui.guarded(body)
