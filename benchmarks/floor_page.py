"""The browser benchmark's floor: what Streamlit itself costs for a page with a title and one small
plotly chart. Two such pages under st.navigation, so that a warm view (a click in the sidebar,
same session) is measured the same way as on the dashboard. Served by benchmarks/browser.py the
way dashboard.py is served: as an st.App, with kpi.ui.transport's TCP_NODELAY installed when
`streamlit run` imports it (else the floor would carry the 40 ms Nagle stalls the app no longer
has, and flatter every ratio)."""

import plotly.graph_objects as go
import streamlit as st

from kpi.ui import transport


def _page(title: str) -> None:
    st.title(title)
    figure = go.Figure(go.Scatter(x=[1, 2, 3, 4, 5], y=[3, 1, 4, 1, 5], mode="lines+markers"))
    st.plotly_chart(figure, key="floor", config={"displayModeBar": False})


def floor_a() -> None:
    _page("floor A")


def floor_b() -> None:
    _page("floor B")


if __name__ == "__main__":
    st.navigation(
        [st.Page(floor_a, title="A", url_path="a", default=True), st.Page(floor_b, title="B", url_path="b")]
    ).run()
else:
    transport.install()
    app = st.App(__file__)
