"""中试驾驶舱 entry point: language switch, sign-in, navigation, then the chosen page.

Run with `streamlit run dashboard.py` (or scripts/run.sh). Pages live in pages/ and only render.
Nobody gets past `ui.entry_guard` without a live session; the navigation lists only the pages
the signed-in role may open, and each page checks again at its top (a URL is no way around it).
"""

import streamlit as st

from kpi import ui, ui_auth
from kpi.access import Permission

st.set_page_config(page_title="中试驾驶舱", page_icon=":material/factory:", layout="wide")
ui.language_switch()
PATHS = ["overview", "regions", "clusters", "platforms", "upload", "methods", "admin", "audit"]
user = ui.entry_guard(entry=True, paths=PATHS)


def page(path: str, key: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(path, title=ui.t(f"nav.{key}"), icon=icon, url_path=key, default=default)


pages = [
    page("pages/overview.py", "overview", ":material/target:", default=True),
    page("pages/regions.py", "regions", ":material/map:"),
    page("pages/clusters.py", "clusters", ":material/factory:"),
    page("pages/platforms.py", "platforms", ":material/science:"),
]
if ui_auth.can(Permission.UPLOAD):
    pages.append(page("pages/upload.py", "upload", ":material/upload_file:"))
pages.append(page("pages/methods.py", "methods", ":material/menu_book:"))
admin = []
if ui_auth.can(Permission.MANAGE_USERS):
    admin.append(page("pages/admin.py", "admin", ":material/manage_accounts:"))
if ui_auth.can(Permission.VIEW_AUDIT):
    admin.append(page("pages/audit.py", "audit", ":material/policy:"))
st.sidebar.caption(ui.t("app_title"))
ui_auth.account_box(user)
navigation = {ui.t("nav.group.dashboard"): pages, ui.t("nav.group.admin"): admin} if admin else pages
chosen = st.navigation(navigation)
asked = ui_auth.destination()  # the page a signed-out visitor asked for, after the sign-in
if asked:
    path, query = asked
    target = next((p for p in pages + admin if p.url_path == path), None)
    if query:
        st.query_params.update(query)
    if target is not None and target.url_path != chosen.url_path:
        st.switch_page(target)
chosen.run()
