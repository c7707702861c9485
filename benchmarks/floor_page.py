"""The browser benchmark's floor: what Streamlit itself costs for a page with a title and one small
plotly chart. Two such pages under st.navigation, so that a warm view (a click in the sidebar,
same session) is measured the same way as on the dashboard. Served by benchmarks/browser.py."""

import plotly.graph_objects as go
import streamlit as st


def _page(title: str) -> None:
    st.title(title)
    figure = go.Figure(go.Scatter(x=[1, 2, 3, 4, 5], y=[3, 1, 4, 1, 5], mode="lines+markers"))
    st.plotly_chart(figure, key="floor", config={"displayModeBar": False})


def floor_a() -> None:
    _page("floor A")


def floor_b() -> None:
    _page("floor B")


st.navigation(
    [st.Page(floor_a, title="A", url_path="a", default=True), st.Page(floor_b, title="B", url_path="b")]
).run()
