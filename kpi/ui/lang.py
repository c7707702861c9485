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


# ---------------------------------------------------------------- Streamlit's own widget texts

# Streamlit's file uploader ("Upload", "20MB per file • CSV") and the empty date input
# ("yyyy / mm / dd") write their texts in the browser, in English, whatever the label says
# (TRAPS.md 5). On a Chinese page a style sheet hides those texts and puts the catalogue's words
# in their place with `content:`, matched on Streamlit's data-testid attributes (kept stable for
# its own tests) and react-aria's data-placeholder, so nothing else on the page is touched and a
# Streamlit that renames them falls back to its English, never to a blank.
_WIDGET_CSS = """<style>
[data-testid=stFileUploaderDropzone] [data-testid=stBaseButton-secondary] [data-testid=stMarkdownContainer] p,
[data-testid=stFileUploaderDropzoneInstructions] span {{ font-size: 0 !important; }}
[data-testid=stFileUploaderDropzone] [data-testid=stBaseButton-secondary] [data-testid=stMarkdownContainer] p::after
    {{ content: "{button}"; font-size: 0.875rem; }}
[data-testid=stFileUploaderDropzoneInstructions] span::after {{ content: "{limit}"; font-size: 0.875rem; }}
[data-testid=stDateInput] span[data-placeholder=true] {{ font-size: 0 !important; }}
[data-testid=stDateInput] span[data-placeholder=true]::after {{ font-size: 1rem; }}
[data-testid=stDateInput] span[data-placeholder=true][data-type=year]::after {{ content: "{year}"; }}
[data-testid=stDateInput] span[data-placeholder=true][data-type=month]::after {{ content: "{month}"; }}
[data-testid=stDateInput] span[data-placeholder=true][data-type=day]::after {{ content: "{day}"; }}
</style>"""


def widget_texts() -> None:
    """On a Chinese page, Streamlit's own uploader and date texts in Chinese (once per run)."""
    if lang() != "zh":
        return
    mb = int(st.get_option("server.maxUploadSize"))
    st.html(
        _WIDGET_CSS.format(
            button=t("widget.upload_button"),
            limit=t("widget.upload_limit", mb=mb),
            year=t("widget.date_year"),
            month=t("widget.date_month"),
            day=t("widget.date_day"),
        )
    )
