"""The annual review's scoring scheme on two pages: the administrator's section of 系统管理 (the
scheme in force, a form for a new version with its source, every version so far), and the
methods page's section (the scheme marked as a placeholder while it is one). The scheme is
kpi.platforms.scoring's; a new version is checked again there (`viewer=`) and audited."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.model.errors import KpiError
from kpi.platforms import scoring
from kpi.platforms.figures import FIGURE, FIGURES
from kpi.store import connection
from kpi.ui import data, lang, scope, signin

_FLASH = "admin_scheme_flash"


def _label(code: str) -> str:
    f = FIGURE[code]
    return f.label_zh if lang.lang() == "zh" else f.label_en


def full_marks_text(c: scoring.Component) -> str:
    if c.figure == "accreditation":
        return lang.t(f"rv.full_accreditation.{int(c.full_marks)}")
    return f"{c.full_marks:,g}"


def scheme_table(scheme: scoring.Scheme) -> pd.DataFrame:
    """One row per figure: weight and full-marks value, as the methods and admin pages show it."""
    return pd.DataFrame(
        [(_label(c.figure), f"{c.weight:g}", full_marks_text(c)) for c in scheme.components],
        columns=[lang.t(f"scheme.col.{c}") for c in ("figure", "weight", "full")],
    )


def _state(scheme: scoring.Scheme) -> None:
    if scheme.placeholder:
        st.warning(lang.t("scheme.placeholder"), icon=":material/warning:")
    else:
        st.success(lang.t("scheme.published"), icon=":material/verified:")
    when = "—" if scheme.set_at is None else pd.Timestamp(scheme.set_at).strftime("%Y-%m-%d %H:%M")
    who = lang.t("methods.seeded") if scheme.version is None else f"{when} {scheme.set_by}"
    st.caption(lang.t("scheme.version", version=scheme.version or lang.t("scheme.reference"), who=who))


def methods_section() -> None:
    """For the methods page (方法说明): the formula, the scheme in force, its source, the rounding
    and override rules."""
    scheme: scoring.Scheme = scope.read("scheme")
    st.markdown(f"**{lang.t('scheme.methods')}**")
    st.markdown(lang.t("scheme.formula"))
    _state(scheme)
    st.table(scheme_table(scheme), hide_index=True)
    st.markdown(lang.t("scheme.source_line"))
    st.text(scheme.source)  # the administrator's words: plain text
    st.markdown(lang.t("scheme.rules"))


# ---------------------------------------------------------------- the administrator's section


def scheme_section() -> None:
    message = st.session_state.pop(_FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    st.markdown(lang.t("scheme.intro"))
    scheme: scoring.Scheme = scope.read("scheme")
    _state(scheme)
    st.dataframe(scheme_table(scheme), hide_index=True, width="stretch", key="admin_scheme_table")
    st.text(scheme.source)
    with st.form("admin_scheme_form", border=True):
        st.markdown(f"**{lang.t('scheme.new')}**")
        now = {c.figure: c for c in scheme.components}
        for f in FIGURES:
            c1, c2 = st.columns(2)
            c1.number_input(
                lang.t("scheme.weight_of", figure=_label(f.code)),
                min_value=0.0,
                max_value=100.0,
                value=float(now[f.code].weight),
                step=1.0,
                key=f"admin_scheme_w_{f.code}",
            )
            if f.code == "accreditation":
                c2.selectbox(
                    lang.t("scheme.full_of", figure=_label(f.code)),
                    [1, 2],
                    index=[1, 2].index(int(now[f.code].full_marks)),
                    format_func=lambda v: lang.t(f"rv.full_accreditation.{v}"),
                    key="admin_scheme_f_accreditation",
                )
            else:
                c2.number_input(
                    lang.t("scheme.full_of", figure=_label(f.code)),
                    min_value=0.0,
                    value=float(now[f.code].full_marks),
                    step=1.0,
                    key=f"admin_scheme_f_{f.code}",
                )
        st.text_area(
            lang.t("scheme.source"),
            value=scheme.source,
            max_chars=scoring.SOURCE_LIMIT,
            key="admin_scheme_source",
        )
        st.checkbox(lang.t("scheme.is_placeholder"), value=scheme.placeholder, key="admin_scheme_placeholder")
        st.caption(lang.t("scheme.applies"))
        if st.form_submit_button(lang.t("scheme.save"), icon=":material/save:", key="admin_scheme_save"):
            _save()
    _history()


def _save() -> None:
    s = st.session_state
    weights = {f.code: s[f"admin_scheme_w_{f.code}"] for f in FIGURES}
    full = {f.code: s[f"admin_scheme_f_{f.code}"] for f in FIGURES}
    try:
        with connection.connect() as con:
            version, problems = scoring.save_scheme(
                con,
                weights,
                full,
                s["admin_scheme_source"],
                placeholder=bool(s["admin_scheme_placeholder"]),
                viewer=signin.viewer(),
            )
    except KpiError as exc:
        st.error(exc.message(lang.lang()))
        return
    for code in problems:
        st.error(lang.t(f"scheme.problem.{code}", total=f"{sum(float(v) for v in weights.values()):g}"))
    if problems:
        return
    if version is None:
        st.info(lang.t("scheme.unchanged"))
        return
    data.clear_cache()
    s[_FLASH] = lang.t("scheme.saved", version=version)
    st.rerun()


def _history() -> None:
    st.markdown(f"**{lang.t('scheme.history')}**")
    rows = []
    for v in scope.read("scheme_history"):
        rows.append(
            {
                lang.t("scheme.col.version"): v.version or lang.t("scheme.reference"),
                lang.t("scheme.col.set_at"): ""
                if v.set_at is None
                else pd.Timestamp(v.set_at).strftime("%Y-%m-%d %H:%M"),
                lang.t("scheme.col.set_by"): v.set_by if v.version else lang.t("methods.seeded"),
                lang.t("scheme.col.rules"): "；".join(
                    f"{_label(c.figure)} {c.weight:g}/{full_marks_text(c)}" for c in v.components
                ),
                lang.t("scheme.col.placeholder"): lang.t("methods.yes" if v.placeholder else "methods.no"),
                lang.t("scheme.col.source"): v.source,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="admin_scheme_history")
