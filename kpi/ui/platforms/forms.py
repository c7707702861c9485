"""Forms of the pilot-platform page (中试平台): correcting one platform, and the helpers every
write of the page shares (the annual review's entry is kpi.ui.platforms.entry, the reward
settings' form kpi.ui.platforms.rewards). Writes run in on_click callbacks (acted on exactly once, before the
page is drawn again with the new data); their messages wait in session_state until shown.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from kpi.model import roles
from kpi.model.definitions import BUILD_MODELS, LEVELS, PLATFORM_DATES_FROM, PLATFORM_STATUSES
from kpi.model.errors import KpiError
from kpi.model.roles import Permission
from kpi.platforms import history, register
from kpi.store import connection
from kpi.ui import data as ui_data
from kpi.ui import fmt, lang, scope, signin
from kpi.ui.platforms import listing

_FLASH = "_plat_flash"
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
            # an older date stored before the bound existed still shows (and is refused on save)
            min_value=min(PLATFORM_DATES_FROM, register.as_date(row["recognised_on"]) or PLATFORM_DATES_FROM),
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
            # an older date stored before the bound existed still shows (and is refused on save)
            min_value=min(PLATFORM_DATES_FROM, register.as_date(row["revoked_on"]) or PLATFORM_DATES_FROM),
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
        st.caption(lang.t("plat.ed.recorded_as", user=fmt.plain(by())))
        st.form_submit_button(
            lang.t("plat.ed.save"),
            on_click=_save_edit,
            args=(key, k),
            key=f"plat_ed_save_{k}",
            type="primary",
        )


def by() -> str:
    """Who records a change: the signed-in user (never typed in)."""
    return signin.viewer().username


def allowed(where: str) -> bool:
    """The write permission checked again when the button is pressed (the form was drawn for
    this user, but the role may have changed since)."""
    if signin.can(Permission.UPLOAD):
        return True
    flash("error", roles.Forbidden(signin.viewer(), permission=Permission.UPLOAD).message(lang.lang()), where)
    return False


def _save_edit(key: str, k: str) -> None:
    s = st.session_state
    if not allowed("edit"):
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
        lambda con: history.edit_platform(con, name, host, edit, by=by(), note=s[f"plat_ed_note_{k}"]),
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
