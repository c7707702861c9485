"""Entry of the annual review on the pilot-platform page (中试平台), below the ranking: the pool
platforms still due; for statisticians the figures file (checked, then stored on confirm), the
form correcting one platform's figures for one year, and the override of a score (only with a
reason); the overrides on record. Writes run in on_click callbacks (kpi.ui.platforms.forms).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from kpi.ingest.result import IngestResult
from kpi.model.errors import KpiError
from kpi.model.roles import Permission
from kpi.platforms import figures, reviews, rewards
from kpi.reports import export
from kpi.store import connection
from kpi.ui import data as ui_data
from kpi.ui import fmt, lang, signin
from kpi.ui.platforms import listing
from kpi.ui.platforms.forms import allowed, by, flash, write

_ROUND = "_plat_rv_file_round"  # a new key after each stored file empties that uploader
_FIG_ROUND = "_plat_fg_file_round"


def entry_section(
    plats: pd.DataFrame, scores: pd.DataFrame, settings: rewards.RewardSettings, year: int, today: dt.date
) -> None:
    st.subheader(lang.t("plat.rv.due"))
    due = reviews.due_reviews(plats, scores, year, settings.pool_years)
    if due.empty:
        st.success(lang.t("plat.rv.none_due"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    lang.t("col.platform"): due["name"].astype(str),
                    lang.t("col.host"): due["host"].astype(str),
                    lang.t("plat.col.region"): due["region"].map(fmt.region_name),
                    lang.t("plat.rv.col.year"): due["review_year"],
                    lang.t("plat.rv.col.state"): due["state"].map(lambda s: lang.t(f"plat.rv.state.{s}")),
                }
            ),
            hide_index=True,
            width="stretch",
            key="plat_rv_due",
        )
    if signin.can(Permission.UPLOAD):
        _figures_upload(due, year)
        _figures_form(plats, year, today)
        _override_entry(plats, due, year)
    _recorded_overrides(listing.read("reviews"))


# ---------------------------------------------------------------- files: check, then store


def _checked_file(
    name: str, data: bytes, check: Callable[[Any], Any], store: Callable[[], None], keys: tuple[str, str, str]
) -> None:
    """Show a checked file's problems (every one, with line and column), or a confirm button."""
    report_key, store_key, valid = keys
    try:
        with connection.connect(ui_data.db_path()) as con:
            checked = check(con)
    except KpiError as exc:  # e.g. the database is busy: say so
        st.error(exc.message(lang.lang()))
        return
    if checked.rows is None:
        st.error(lang.t("plat.rv.rejected", n=len(checked.report.errors)))
        st.dataframe(checked.report.to_frame(lang.lang()), hide_index=True, width="stretch", key=report_key)
        return
    st.info(lang.t(valid, rows=len(checked.rows)))
    st.caption(lang.t("plat.ed.recorded_as", user=fmt.plain(by())))
    st.button(lang.t("plat.rv.store"), key=store_key, on_click=store, type="primary")


def _figures_upload(due: pd.DataFrame, year: int) -> None:
    st.subheader(lang.t("rv.upload"))
    st.caption(lang.t("rv.upload_help"))
    st.download_button(
        lang.t("rv.template"),
        export.export_csv(reviews.due_template(due)),
        file_name=lang.t("plat.rv.template_file", year=year),
        mime="text/csv",
        key="plat_rv_template",
        on_click="ignore",
        icon=":material/download:",
        help=lang.t("rv.template_help"),
    )
    uploaded = st.file_uploader(
        lang.t("rv.upload"),
        type=["csv"],
        key=f"plat_fg_file_{st.session_state.get(_FIG_ROUND, 0)}",
        label_visibility="collapsed",
    )
    if uploaded is not None:
        name, raw = uploaded.name, uploaded.getvalue()
        _checked_file(
            name,
            raw,
            lambda con: figures.check_figures(con, raw, name),
            lambda: _store_figures(name, raw),
            ("plat_fg_report", "plat_fg_store", "rv.valid"),
        )


def _stored(result: IngestResult | None, round_key: str, message: str) -> None:
    if result is None:
        return
    if not result.stored:
        flash("error", lang.t("plat.rv.rejected", n=len(result.report.errors)), "reviews")
        return
    st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
    flash(
        "success",
        lang.t(
            message, rows=result.rows, new=result.new_rows, revised=result.revised_rows, id=result.upload_id
        ),
        "reviews",
    )


def _store_figures(name: str, data: bytes) -> None:
    if allowed("reviews"):
        result = write(lambda con: figures.ingest_figures(con, data, name, uploaded_by=by()), "reviews")
        _stored(result, _FIG_ROUND, "rv.stored")


# ---------------------------------------------------------------- one platform's figures


def _figures_form(plats: pd.DataFrame, year: int, today: dt.date) -> None:
    with st.expander(lang.t("rv.form"), icon=":material/edit_note:"):
        c1, c2 = st.columns([3, 1])
        keys = [listing.key_of(r) for r in plats.to_dict("records")]
        key = c1.selectbox(
            lang.t("plat.rv.platform"),
            keys,
            format_func=listing.key_label,
            key=listing.lang_key("plat_fg_pick"),
        )
        when = int(
            c2.number_input(
                lang.t("plat.rv.year"), *reviews.review_years(), value=year, step=1, key="plat_fg_year"
            )
        )
        if key is None:
            return
        name, host = listing.split_key(key)
        figs = listing.read("figures")
        now = figs[(figs["name"] == name) & (figs["host"] == host) & (figs["year"] == when)]
        old = now.iloc[0].to_dict() if not now.empty else {}
        k = hashlib.sha256(f"{key}\x1f{when}".encode()).hexdigest()[:10]  # fields start from its values
        st.caption(lang.t("rv.form_now" if old else "rv.form_new"))
        with st.form(f"plat_fg_form_{k}"):
            cols = st.columns(2)
            for i, f in enumerate(figures.FIGURES):
                label = f.label_zh if lang.lang() == "zh" else f.label_en
                box = cols[i % 2]
                if f.kind == "accreditation":
                    options = list(figures.ACCREDITATIONS)
                    box.selectbox(
                        label,
                        options,
                        index=options.index(old.get(f.code, "none")),
                        format_func=lambda v: lang.t(f"rv.accreditation.{v}"),
                        key=f"plat_fg_{f.code}_{k}",
                    )
                elif f.kind == "money":
                    box.number_input(
                        label,
                        min_value=0.0,
                        value=_old(old, f.code, float),
                        step=10.0,
                        key=f"plat_fg_{f.code}_{k}",
                    )
                else:
                    box.number_input(
                        label, min_value=0, value=_old(old, f.code, int), step=1, key=f"plat_fg_{f.code}_{k}"
                    )
            st.caption(lang.t("plat.ed.recorded_as", user=fmt.plain(by())))
            st.form_submit_button(
                lang.t("rv.form_save"),
                on_click=_save_figures,
                args=(key, when, k),
                key=f"plat_fg_save_{k}",
                type="primary",
            )


def _old(old: dict[str, Any], code: str, kind: type) -> Any:
    value = old.get(code)
    return None if value is None or pd.isna(value) else kind(value)


def _save_figures(key: str, year: int, k: str) -> None:
    if not allowed("reviews"):
        return
    s = st.session_state
    values = {f.code: s.get(f"plat_fg_{f.code}_{k}") for f in figures.FIGURES}
    name, host = listing.split_key(key)
    result = write(lambda con: figures.record_figures(con, name, host, year, values, by=by()), "reviews")
    if result is None:
        return
    if not result.stored:
        for issue in result.report.errors:
            flash(
                "error",
                f"{issue.column or ''}{fmt.colon() if issue.column else ''}{issue.message(lang.lang())}",
                "reviews",
            )
        return
    flash("success", lang.t("rv.form_saved", id=result.upload_id), "reviews")


# ---------------------------------------------------------------- overrides


def _override_entry(plats: pd.DataFrame, due: pd.DataFrame, year: int) -> None:
    with st.expander(lang.t("rv.override"), icon=":material/gavel:"):
        st.caption(lang.t("rv.override_help"))
        keys = [listing.key_of(r) for r in plats.to_dict("records")]
        due_keys = [f"{n}\x1f{h}" for n, h in zip(due["name"], due["host"], strict=True)]
        keys = list(dict.fromkeys([*due_keys, *keys]))  # the platforms due first
        with st.form("plat_rv_form", clear_on_submit=False):
            c1, c2 = st.columns(2)
            c1.selectbox(
                lang.t("plat.rv.platform"),
                keys,
                format_func=listing.key_label,
                key=listing.lang_key("plat_rv_pick"),
            )
            c2.number_input(
                lang.t("plat.rv.year"),
                *reviews.review_years(),
                value=year,
                step=1,
                key=f"plat_rv_form_year_{year}",
            )
            c1.number_input(lang.t("plat.rv.score"), 0.0, 100.0, value=None, step=1.0, key="plat_rv_score")
            c2.text_input(lang.t("rv.reason"), key="plat_rv_comment", max_chars=reviews.COMMENT_LIMIT)
            st.caption(lang.t("plat.ed.recorded_as", user=fmt.plain(by())))
            st.form_submit_button(
                lang.t("plat.rv.save"),
                on_click=_save_review,
                args=(year,),
                key="plat_rv_save",
                type="primary",
            )
        st.markdown(f"**{lang.t('rv.override_file')}**")
        uploaded = st.file_uploader(
            lang.t("rv.override_file"),
            type=["csv"],
            key=f"plat_rv_file_{st.session_state.get(_ROUND, 0)}",
            label_visibility="collapsed",
        )
        if uploaded is not None:
            name, raw = uploaded.name, uploaded.getvalue()
            _checked_file(
                name,
                raw,
                lambda con: reviews.check_reviews(con, raw, name),
                lambda: _store_reviews(name, raw),
                ("plat_rv_report", "plat_rv_store", "plat.rv.valid"),
            )


def _save_review(year: int) -> None:
    s = st.session_state
    if not allowed("reviews"):
        return
    key = s.get(listing.lang_key("plat_rv_pick"))
    if key is None:
        return
    name, host = listing.split_key(key)
    score = s.get("plat_rv_score")
    when = int(s[f"plat_rv_form_year_{year}"])
    reason = s.get("plat_rv_comment", "")
    out = write(
        lambda con: reviews.record_review(
            con, name, host, when, -1.0 if score is None else float(score), reason, by=by()
        ),
        "reviews",
    )
    if out is None:
        return
    uid, problems = out
    for code in problems:
        flash("error", lang.t(f"plat.rv.problem.{code}"), "reviews")
    if uid is not None:
        flash("success", lang.t("plat.rv.saved", id=uid), "reviews")


def _store_reviews(name: str, data: bytes) -> None:
    if allowed("reviews"):
        result = write(lambda con: reviews.ingest_reviews(con, data, name, uploaded_by=by()), "reviews")
        _stored(result, _ROUND, "plat.rv.stored")


def _recorded_overrides(recorded: pd.DataFrame) -> None:
    st.subheader(lang.t("rv.recorded"))
    if recorded.empty:
        st.caption(lang.t("rv.none_recorded"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                lang.t("col.platform"): recorded["name"].astype(str),
                lang.t("col.host"): recorded["host"].astype(str),
                lang.t("plat.rv.col.year"): recorded["year"],
                lang.t("plat.rv.col.score"): recorded["score"],
                lang.t("rv.col.reason"): recorded["comment"].map(lambda v: v if isinstance(v, str) else ""),
                lang.t("plat.col.by"): recorded["recorded_by"].astype(str),
                lang.t("plat.col.recorded_at"): recorded["recorded_at"].map(
                    lambda v: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")
                ),
            }
        ),
        hide_index=True,
        width="stretch",
        key="plat_rv_recorded",
    )
