"""中试驾驶舱 entry point: language switch, sign-in, navigation, then the chosen page.

Run with `streamlit run dashboard.py` (or scripts/run.sh). Pages live in pages/ and only render.
Nobody gets past `ui.entry_guard` without a live session; the navigation lists only the pages
the signed-in role may open, and each page checks again at its top (a URL is no way around it).

`streamlit run` reads this file twice over: it imports it as a module (`__name__` is "dashboard")
to find `app`, Streamlit's own web app (st.App) with the route that sets the sign-in cookie
(kpi.ui.cookie), and serves it; every page view then runs the file as the script (`__main__`).
"""

import streamlit as st

from kpi.model.roles import Permission, Role
from kpi.ui import cookie, lang, signin, transport, warm
from kpi.ui import scope as ui_scope
from kpi.ui import signin as ui_signin

PATHS = ["overview", "regions", "clusters", "platforms", "tasks", "upload", "methods", "admin", "audit"]


def page(path: str, key: str, icon: str, *, default: bool = False) -> st.Page:
    return st.Page(path, title=lang.t(f"nav.{key}"), icon=icon, url_path=key, default=default)


def main() -> None:
    # an emoji icon: the page draws it itself; a :material/…: page icon made the browser fetch the
    # favicon from a font CDN, which a closed network does not reach
    st.set_page_config(page_title="中试驾驶舱", page_icon="🏭", layout="wide")
    lang.language_switch()
    lang.widget_texts()
    user = signin.entry_guard(entry=True, paths=PATHS)
    pages = [
        page("pages/overview.py", "overview", ":material/target:"),
        page("pages/regions.py", "regions", ":material/map:"),
        page("pages/clusters.py", "clusters", ":material/factory:"),
        page("pages/platforms.py", "platforms", ":material/science:"),
    ]
    if ui_signin.can(Permission.VIEW_TASKS):
        pages.append(page("pages/tasks.py", "tasks", ":material/assignment:"))
    if ui_signin.can(Permission.UPLOAD):
        pages.append(page("pages/upload.py", "upload", ":material/upload_file:"))
    pages.append(page("pages/methods.py", "methods", ":material/menu_book:"))
    admin = []
    if ui_signin.can(Permission.MANAGE_USERS):
        admin.append(page("pages/admin.py", "admin", ":material/manage_accounts:"))
    if ui_signin.can(Permission.VIEW_AUDIT):
        admin.append(page("pages/audit.py", "audit", ":material/policy:"))
    st.sidebar.caption(lang.t("app_title"))
    ui_signin.account_box(user)
    # Every page URL answers, the ones not in the menu hidden: "/" goes on to /overview (a default
    # page answers "/" only, so /overview would not), and a page the role may not open runs its own
    # guard, which refuses in Chinese; an unknown URL gets Streamlit's English "Page not found".
    # where "/" leads: a department (责任单位) reports on its own tasks, so it lands on 任务督办;
    # every other role on the Overview
    start = pages[0]
    if user.role == Role.DEPARTMENT:
        start = next((p for p in pages if p.url_path == "tasks"), pages[0])
    home = st.Page(start.run, title=start.title, url_path="home", default=True, visibility="hidden")
    offered = {p.url_path for p in pages + admin}
    hidden = [home] + [
        st.Page(f"pages/{p}.py", title=lang.t(f"nav.{p}"), url_path=p, visibility="hidden")
        for p in PATHS
        if p not in offered
    ]
    navigation = {lang.t("nav.group.dashboard"): pages + hidden, lang.t("nav.group.admin"): admin}
    chosen = st.navigation(navigation if admin else pages + hidden)
    asked = ui_signin.destination()  # the page a signed-out visitor asked for, after the sign-in
    if asked:
        path, query = asked
        target = next((p for p in pages + admin if p.url_path == path), None)
        if query:
            st.query_params.update(query)
        if target is not None and target.url_path != chosen.url_path:
            st.switch_page(target)
    if chosen is home:
        st.switch_page(start, query_params=dict(st.query_params))
    st.session_state[ui_scope.PAGE] = chosen.url_path  # "as known on" applies to some pages only
    chosen.run()


if __name__ == "__main__":  # the script, once per page view
    with warm.page_run():  # the sign-in check and the menu too: the cache warmer waits meanwhile
        main()
else:  # imported by `streamlit run`: the web app, with the route that sets the sign-in cookie
    transport.install()  # before the server accepts a connection: no 40 ms Nagle stalls
    app = st.App(__file__, routes=cookie.routes())
