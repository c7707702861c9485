"""中试驾驶舱 entry point: language switch, navigation, then the chosen page.

Run with `streamlit run dashboard.py` (or scripts/run.sh). Pages live in pages/ and only render.
"""

import streamlit as st

from kpi import ui

ui.entry_guard(entry=True)
st.set_page_config(page_title="中试驾驶舱", page_icon=":material/factory:", layout="wide")
ui.language_switch()

pages = [
    st.Page(
        "pages/overview.py",
        title=ui.t("nav.overview"),
        icon=":material/target:",
        url_path="overview",
        default=True,
    ),
    st.Page("pages/regions.py", title=ui.t("nav.regions"), icon=":material/map:", url_path="regions"),
    st.Page("pages/clusters.py", title=ui.t("nav.clusters"), icon=":material/factory:", url_path="clusters"),
    st.Page(
        "pages/platforms.py", title=ui.t("nav.platforms"), icon=":material/science:", url_path="platforms"
    ),
    st.Page("pages/upload.py", title=ui.t("nav.upload"), icon=":material/upload_file:", url_path="upload"),
    st.Page("pages/methods.py", title=ui.t("nav.methods"), icon=":material/menu_book:", url_path="methods"),
]
st.sidebar.caption(ui.t("app_title"))
st.navigation(pages).run()
