"""中试驾驶舱 entry point: language switch, navigation, then the chosen page.

Run with `streamlit run dashboard.py` (or scripts/run.sh). Pages live in pages/ and only render.
"""

import streamlit as st

from kpi import ui

st.set_page_config(page_title="中试驾驶舱", page_icon="🏭", layout="wide")
ui.language_switch()

pages = [
    st.Page("pages/overview.py", title=ui.t("nav.overview"), url_path="overview", default=True),
]
st.sidebar.caption(ui.t("app_title"))
st.navigation(pages).run()
