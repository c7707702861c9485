"""Placeholder: being written."""

import streamlit as st

from kpi import ui

ui.page_header(ui.t("nav.methods"))
st.info("…")
