"""The page's language and its texts (kpi.text)."""

from __future__ import annotations

from typing import TypeVar

import streamlit as st

from kpi.text.dashboard import UI_TEXT

T = TypeVar("T")


# ---------------------------------------------------------------- language


def lang() -> str:
    value = st.session_state.get("lang")
    if value not in ("zh", "en"):
        value = "en" if st.query_params.get("lang") == "en" else "zh"
        st.session_state["lang"] = value
    return value


def t(key: str, **params: object) -> str:
    """UI text in the current language (kpi.text.dashboard.UI_TEXT)."""
    zh, en = UI_TEXT.get(key, (key, key))
    return (en if lang() == "en" else zh).format(**params)


def language_switch() -> None:
    lang()  # a ?lang=en link sets the first value
    st.sidebar.radio(
        "语言 / Language",
        options=("zh", "en"),
        format_func=lambda v: "中文" if v == "zh" else "English",
        key="lang",
        horizontal=True,
    )
