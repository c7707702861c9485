"""Forms of the pilot-platform page (中试平台): correcting one platform and the annual reviews
(the reward settings' form is in kpi/ui_platforms_rewards.py). Writes run in on_click callbacks (acted on exactly once, before the
page is drawn again with the new data); their messages wait in session_state until shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from kpi.model import roles
from kpi.model.definitions import BUILD_MODELS, LEVELS, PLATFORM_STATUSES
from kpi.model.errors import KpiError
from kpi.model.roles import Permission
from kpi.platforms import history, register, reviews, rewards
from kpi.reports import export
from kpi.store import connection
from kpi.ui import data as ui_data
from kpi.ui import fmt, lang, scope, signin
from kpi.ui.platforms import listing

_FLASH = "_plat_flash"
_FILE_ROUND = "_plat_rv_file_round"
_BOXES = {"success": st.success, "warning": st.warning, "error": st.error}


def flash(kind: str, text: str, where: str) -> None:
    st.session_state.setdefault(_FLASH, []).append((kind, text, where))


def show_flash(where: str) -> None:
    """Messages of the writes made from one tab, shown at the top of that tab (where the user is)."""
    waiting = st.session_state.get(_FLASH, [])
    for kind, text, _ in [m for m in waiting if m[2] == where]:
        _BOXES[kind](text)
    st.session_state[_FLASH] = [m for m in waiting if m[2] != where]


def write(action: Any, where: str) -> Any:
    """Run a write on a short connection; a busy database becomes a message, not a traceback."""
    try:
        with connection.connect(ui_data.db_path()) as con:
            return action(con)
    except KpiError as exc:
        flash("error", exc.message(lang.lang()), where)
        return None
    finally:
        listing.written()


# ---------------------------------------------------------------- correcting one platform


def edit_section(plats: pd.DataFrame) -> None:
    show_flash("edit")
    st.caption(lang.t("plat.ed.intro"))
    keys = [listing.key_of(r) for r in plats.to_dict("records")]
    key = st.selectbox(
        lang.t("plat.ed.pick"), keys, format_func=listing.key_label, key=listing.lang_key("plat_edit_pick")
    )
    if key is None:
        return
    row = plats[[listing.key_of(r) == key for r in plats.to_dict("records")]].iloc[0]
    k = hashlib.sha256(key.encode()).hexdigest()[
        :10
    ]  # widget keys per platform: fields start from its values
    units = list(scope.read("units")["code"])
    taxonomy = list(scope.read("clusters")["code"])
    models = ["", *BUILD_MODELS.values()]
    statuses = list(PLATFORM_STATUSES.values())
    levels = [lv.code for lv in LEVELS]
    with st.form(f"plat_edit_form_{k}"):
        c1, c2 = st.columns(2)
        c1.selectbox(
            lang.t("plat.ed.region"),
            units,
            index=units.index(row["region"]) if row["region"] in units else 0,
            format_func=fmt.region_name,
            key=f"plat_ed_region_{k}",
        )
        c2.multiselect(
            lang.t("plat.ed.clusters"),
            taxonomy,
            default=[c for c in row["clusters"] if c in taxonomy],
            format_func=fmt.cluster_name,
            key=f"plat_ed_clusters_{k}",
        )
        c1.selectbox(
            lang.t("plat.ed.level"),
            levels,
            index=levels.index(row["level"]),
            format_func=listing.level_name,
            key=f"plat_ed_level_{k}",
        )
        model = row["build_model"] if isinstance(row["build_model"], str) else ""
        c2.selectbox(
            lang.t("plat.ed.build_model"),
            models,
            index=models.index(model) if model in models else 0,
            format_func=listing.model_name,
            key=f"plat_ed_model_{k}",
        )
        c1.date_input(
            lang.t("plat.ed.recognised_on"),
            value=register.as_date(row["recognised_on"]),
            min_value=dt.date(2000, 1, 1),
            key=f"plat_ed_recognised_{k}",
            format="YYYY-MM-DD",
        )
        c2.selectbox(
            lang.t("plat.ed.status"),
            statuses,
            index=statuses.index(row["status"]),
            format_func=listing.status_name,
            key=f"plat_ed_status_{k}",
        )
        c1.date_input(
            lang.t("plat.ed.revoked_on"),
            value=register.as_date(row["revoked_on"]),
            min_value=dt.date(2000, 1, 1),
            key=f"plat_ed_revoked_{k}",
            format="YYYY-MM-DD",
        )
        c2.number_input(
            lang.t("plat.ed.support"),
            min_value=0.0,
            value=register.as_number(row["national_support"]),
            step=100.0,
            key=f"plat_ed_support_{k}",
        )
        st.text_input(lang.t("plat.ed.note"), key=f"plat_ed_note_{k}", max_chars=history.NOTE_LIMIT)
        st.caption(lang.t("plat.ed.recorded_as", user=fmt.plain(_by())))
        st.form_submit_button(
            lang.t("plat.ed.save"),
            on_click=_save_edit,
            args=(key, k),
            key=f"plat_ed_save_{k}",
            type="primary",
        )


def _by() -> str:
    """Who records a change: the signed-in user (never typed in)."""
    return signin.viewer().username


def _allowed(where: str) -> bool:
    """The write permission checked again when the button is pressed (the form was drawn for
    this user, but the role may have changed since)."""
    if signin.can(Permission.UPLOAD):
        return True
    flash("error", roles.Forbidden(signin.viewer(), permission=Permission.UPLOAD).message(lang.lang()), where)
    return False


def _save_edit(key: str, k: str) -> None:
    s = st.session_state
    if not _allowed("edit"):
        return
    edit = history.PlatformEdit(
        region=s[f"plat_ed_region_{k}"],
        clusters=tuple(s[f"plat_ed_clusters_{k}"]),
        level=s[f"plat_ed_level_{k}"],
        build_model=s[f"plat_ed_model_{k}"] or None,
        recognised_on=s[f"plat_ed_recognised_{k}"],
        status=s[f"plat_ed_status_{k}"],
        revoked_on=s[f"plat_ed_revoked_{k}"] if s[f"plat_ed_status_{k}"] == "revoked" else None,
        national_support=s[f"plat_ed_support_{k}"],
    )
    name, host = listing.split_key(key)
    result = write(
        lambda con: history.edit_platform(con, name, host, edit, by=_by(), note=s[f"plat_ed_note_{k}"]),
        "edit",
    )
    if result is None:
        return
    if result.upload_id is None:
        for code in result.problems:
            flash(
                "warning" if code == "nothing_changed" else "error", lang.t(f"plat.ed.problem.{code}"), "edit"
            )
        return
    sep = "、" if lang.lang() == "zh" else ", "
    fields = sep.join(lang.t(f"plat.field.{f}") for f in result.changed)
    flash("success", lang.t("plat.ed.saved", id=result.upload_id, fields=fields), "edit")


# ---------------------------------------------------------------- annual reviews


def reviews_section(plats: pd.DataFrame, settings: rewards.RewardSettings, today: dt.date) -> None:
    show_flash("reviews")
    st.caption(lang.t("plat.rv.intro"))
    recorded = listing.read("reviews")
    default = reviews.default_review_year(today)
    years = list(range(default + 1, 2020, -1))
    year = st.columns([1, 3])[0].selectbox(
        lang.t("plat.rv.year"), years, index=years.index(default), key="plat_rv_year"
    )
    st.subheader(lang.t("plat.rv.due"))
    due = reviews.due_reviews(plats, recorded, year, settings.pool_years)
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
        _review_entry(plats, due, year)
    _recorded_reviews(recorded)


def _review_entry(plats: pd.DataFrame, due: pd.DataFrame, year: int) -> None:
    st.subheader(lang.t("plat.rv.form"))
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
            lang.t("plat.rv.year"), 2000, 2100, value=year, step=1, key=f"plat_rv_form_year_{year}"
        )
        c1.number_input(lang.t("plat.rv.score"), 0.0, 100.0, value=None, step=1.0, key="plat_rv_score")
        c2.text_input(lang.t("plat.rv.comment"), key="plat_rv_comment", max_chars=reviews.COMMENT_LIMIT)
        st.caption(lang.t("plat.ed.recorded_as", user=fmt.plain(_by())))
        st.form_submit_button(
            lang.t("plat.rv.save"), on_click=_save_review, args=(year,), key="plat_rv_save", type="primary"
        )

    st.subheader(lang.t("plat.rv.upload"))
    st.download_button(
        lang.t("plat.rv.template"),
        export.export_csv(reviews.due_template(due)),
        file_name=lang.t("plat.rv.template_file", year=year),
        mime="text/csv",
        key="plat_rv_template",
        on_click="ignore",
        icon=":material/download:",
        help=lang.t("plat.rv.template_help"),
    )
    # a new key after each stored file empties the uploader, so a file is not offered twice
    uploaded = st.file_uploader(
        lang.t("plat.rv.upload"),
        type=["csv"],
        key=f"plat_rv_file_{st.session_state.get(_FILE_ROUND, 0)}",
        label_visibility="collapsed",
    )
    if uploaded is not None:
        _review_file(uploaded.name, uploaded.getvalue())


def _recorded_reviews(recorded: pd.DataFrame) -> None:
    st.subheader(lang.t("plat.rv.recorded"))
    if recorded.empty:
        st.caption(lang.t("plat.rv.none_recorded"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    lang.t("col.platform"): recorded["name"].astype(str),
                    lang.t("col.host"): recorded["host"].astype(str),
                    lang.t("plat.rv.col.year"): recorded["year"],
                    lang.t("plat.rv.col.score"): recorded["score"],
                    lang.t("plat.rv.col.comment"): recorded["comment"].map(
                        lambda v: v if isinstance(v, str) else ""
                    ),
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


def _save_review(year: int) -> None:
    s = st.session_state
    if not _allowed("reviews"):
        return
    key = s.get(listing.lang_key("plat_rv_pick"))
    if key is None:
        return
    name, host = listing.split_key(key)
    score = s.get("plat_rv_score")
    out = write(
        lambda con: reviews.record_review(
            con,
            name,
            host,
            int(s[f"plat_rv_form_year_{year}"]),
            -1.0 if score is None else float(score),
            s.get("plat_rv_comment", ""),
            by=_by(),
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


def _review_file(name: str, data: bytes) -> None:
    try:
        with connection.connect(ui_data.db_path()) as con:
            checked = reviews.check_reviews(con, data, name)
    except KpiError as exc:  # e.g. the database is busy: say so
        st.error(exc.message(lang.lang()))
        return
    if checked.rows is None:
        st.error(lang.t("plat.rv.rejected", n=len(checked.report.errors)))
        st.dataframe(
            checked.report.to_frame(lang.lang()), hide_index=True, width="stretch", key="plat_rv_report"
        )
        return
    st.info(lang.t("plat.rv.valid", rows=len(checked.rows)))
    st.caption(lang.t("plat.ed.recorded_as", user=fmt.plain(_by())))
    st.button(
        lang.t("plat.rv.store"),
        key="plat_rv_store",
        on_click=_store_reviews,
        args=(name, data),
        type="primary",
    )


def _store_reviews(name: str, data: bytes) -> None:
    if not _allowed("reviews"):
        return
    result = write(lambda con: reviews.ingest_reviews(con, data, name, uploaded_by=_by()), "reviews")
    if result is None:
        return
    if not result.stored:
        flash("error", lang.t("plat.rv.rejected", n=len(result.report.errors)), "reviews")
        return
    st.session_state[_FILE_ROUND] = st.session_state.get(_FILE_ROUND, 0) + 1
    flash(
        "success",
        lang.t(
            "plat.rv.stored",
            rows=result.rows,
            new=result.new_rows,
            revised=result.revised_rows,
            id=result.upload_id,
        ),
        "reviews",
    )
