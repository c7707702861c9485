"""The administrator's pages: accounts, targets, the cluster taxonomy (pages/admin.py); the audit
trail (pages/audit.py) is kpi.ui_audit. Every change goes through kpi.auth / kpi.store / kpi.platforms with the
signed-in administrator as `viewer`, so the permission is checked again where the write happens
and the audit event is written in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from kpi import access, auth, store, ui, ui_auth
from kpi.access import Role
from kpi.definitions import indicator_label
from kpi.errors import KpiError
from kpi.platforms import ingest_clusters

FLASH = "admin_flash"


def _flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _write(action: Callable[[Any], object], done: str) -> bool:
    """Run one change on a short connection; a refusal or bad input shows its message."""
    try:
        with store.connect() as con:
            action(con)
    except KpiError as exc:
        st.error(exc.message(ui.lang()))
        return False
    ui.clear_cache()
    st.session_state[FLASH] = ui.t("admin.users.done", what=done)
    return True


def _role_label(role: str) -> str:
    return access.role_label(role, ui.lang())


def _unit_label(code: str) -> str:
    return ui.t("admin.users.none") if not code else ui.region_name(code, short=False)


# ---------------------------------------------------------------- accounts


def users_section() -> None:
    _flash()
    st.markdown(ui.t("admin.users.intro"))
    with store.connect() as con:
        users = auth.list_users(con)
    rows = [
        {
            ui.t("admin.users.col.username"): u.username,
            ui.t("admin.users.col.name"): u.display_name or "",
            ui.t("admin.users.col.role"): _role_label(u.role),
            ui.t("admin.users.col.region"): "" if not u.region else ui.region_name(u.region, short=False),
            ui.t("admin.users.col.active"): u.active,
            ui.t("admin.users.col.last"): _when(u.last_sign_in_at),
            ui.t("admin.users.col.created"): _when(u.created_at),
        }
        for u in users
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=ui.table_height(len(rows)))
    left, right = st.columns(2)
    with left:
        _add_user_form()
    with right:
        _change_user_form(users)


def _when(at: dt.datetime | None) -> str:
    return "—" if at is None else at.strftime("%Y-%m-%d %H:%M")


def _units() -> list[str]:
    return [""] + [str(c) for c in ui.read("units")["code"]]


def _add_user_form() -> None:
    me = ui_auth.viewer()
    with st.form("admin_add_user", clear_on_submit=True, border=True):
        st.markdown(f"**{ui.t('admin.users.add')}**")
        name = st.text_input(ui.t("admin.users.col.username"), max_chars=64)
        display = st.text_input(ui.t("admin.users.col.name"), max_chars=64)
        role = st.selectbox(ui.t("admin.users.col.role"), [r.value for r in Role], format_func=_role_label)
        region = st.selectbox(
            ui.t("admin.users.col.region"),
            _units(),
            format_func=_unit_label,
            help=ui.t("admin.users.region_help"),
        )
        password = st.text_input(
            ui.t("admin.users.password", min=auth.PASSWORD_MIN), type="password", max_chars=auth.PASSWORD_MAX
        )
        again = st.text_input(ui.t("admin.users.password2"), type="password", max_chars=auth.PASSWORD_MAX)
        if st.form_submit_button(ui.t("admin.users.add_submit"), icon=":material/person_add:"):
            if password != again:
                st.error(ui.t("admin.users.mismatch"))
            elif _write(
                lambda con: auth.add_user(
                    con, name, password, role, region=region or None, display_name=display, viewer=me
                ),
                f"{ui.t('admin.users.add')} {name}",
            ):
                st.rerun()


def _change_user_form(users: list[auth.User]) -> None:
    me = ui_auth.viewer()
    if not users:
        return
    with st.container(border=True):
        st.markdown(f"**{ui.t('admin.users.change')}**")
        names = [u.username for u in users]
        picked = st.selectbox(ui.t("admin.users.pick"), names, key="admin_pick_user")
        user = users[names.index(picked)]
        roles = [r.value for r in Role]
        c1, c2 = st.columns(2)
        role = c1.selectbox(
            ui.t("admin.users.col.role"),
            roles,
            index=roles.index(user.role.value),
            format_func=_role_label,
            key=f"admin_role_{user.username}",
        )
        units = _units()
        region = c2.selectbox(
            ui.t("admin.users.col.region"),
            units,
            index=units.index(user.region) if user.region in units else 0,
            format_func=_unit_label,
            key=f"admin_region_{user.username}",
        )
        if st.button(ui.t("admin.users.set_role"), key="admin_set_role", icon=":material/save:") and _write(
            lambda con: auth.set_role(con, user.username, role, region=region or None, viewer=me),
            f"{user.username} → {_role_label(role)}",
        ):
            st.rerun()
        password = st.text_input(
            ui.t("admin.users.new_password"),
            type="password",
            key=f"admin_pw_{user.username}",
            max_chars=auth.PASSWORD_MAX,
        )
        if st.button(ui.t("admin.users.set_password"), key="admin_set_pw", icon=":material/key:") and _write(
            lambda con: auth.set_password(con, user.username, password, viewer=me),
            ui.t("admin.users.set_password") + f" {user.username}",
        ):
            st.rerun()
        if user.active:
            if st.button(
                ui.t("admin.users.disable"), key="admin_disable", icon=":material/person_off:"
            ) and _write(
                lambda con: auth.disable_user(con, user.username, viewer=me),
                ui.t("admin.users.disable") + f" {user.username}",
            ):
                st.rerun()
        elif st.button(ui.t("admin.users.enable"), key="admin_enable", icon=":material/person:") and _write(
            lambda con: auth.enable_user(con, user.username, viewer=me),
            ui.t("admin.users.enable") + f" {user.username}",
        ):
            st.rerun()


# ---------------------------------------------------------------- targets and taxonomy


def _is_share(kind: str) -> bool:
    return kind not in ("count",)


def targets_section() -> None:
    me = ui_auth.viewer()
    _flash()
    st.markdown(ui.t("admin.targets.intro"))
    frame = ui.read("targets")
    shown = frame[
        ["indicator", "value", "comparator", "deadline", "source", "updated_at", "updated_by"]
    ].copy()
    shown["indicator"] = [_indicator_label(c) for c in shown["indicator"]]
    st.dataframe(shown, hide_index=True, width="stretch", height=ui.table_height(len(shown)))
    codes = list(frame["indicator"])
    # the choice of indicator outside the form: the fields below must follow it at once
    code = st.selectbox(
        ui.t("admin.targets.pick"), codes, format_func=_indicator_label, key="admin_target_pick"
    )
    row = frame[frame["indicator"] == code].iloc[0]
    share = _is_share(str(row["kind"]))
    with st.form(f"admin_target_{code}", border=True):
        value = st.number_input(
            ui.t("admin.targets.value") + (" (%)" if share else ""),
            value=float(row["value"]) * (100 if share else 1),
            step=0.01 if share else 1.0,
            format="%.4f" if share else "%.0f",
            help=ui.t("admin.targets.value_help"),
        )
        source = st.text_area(ui.t("admin.targets.source"), value=str(row["source"] or ""), max_chars=500)
        deadline = st.date_input(ui.t("admin.targets.deadline"), value=pd.Timestamp(row["deadline"]).date())
        if st.form_submit_button(ui.t("admin.targets.save"), icon=":material/save:"):
            new_value = value / 100 if share else value
            changed = {
                "value": None if abs(new_value - float(row["value"])) < 1e-12 else new_value,
                "source": None if source == str(row["source"] or "") else source,
                "deadline": None if deadline == pd.Timestamp(row["deadline"]).date() else deadline,
            }
            if all(v is None for v in changed.values()):
                st.info(ui.t("admin.targets.unchanged"))
            elif _write(lambda con: _set_target(con, str(code), changed, me), _indicator_label(str(code))):
                st.rerun()


def _set_target(con: Any, code: str, changed: dict[str, Any], viewer: access.Viewer) -> None:
    with store.transaction(con):
        store.set_target(con, code, viewer=viewer, **changed)


def _indicator_label(code: str) -> str:
    return indicator_label(code, ui.lang())


def taxonomy_section() -> None:
    me = ui_auth.viewer()
    _flash()
    st.markdown(ui.t("admin.taxonomy.intro"))
    clusters = ui.read("clusters")
    st.dataframe(clusters, hide_index=True, width="stretch", height=ui.table_height(len(clusters)))
    with st.form("admin_taxonomy", clear_on_submit=True, border=True):
        upload = st.file_uploader(ui.t("admin.taxonomy.file"), type=["csv"])
        replace = st.checkbox(ui.t("admin.taxonomy.replace"))
        if (
            st.form_submit_button(ui.t("admin.taxonomy.submit"), icon=":material/upload:")
            and upload is not None
        ):
            try:
                with store.connect() as con:
                    result = ingest_clusters(con, upload.getvalue(), upload.name, replace=replace, viewer=me)
            except KpiError as exc:
                st.error(exc.message(ui.lang()))
                return
            if not result.stored:
                for issue in result.report.errors:
                    st.error(issue.describe(ui.lang()))
                return
            ui.clear_cache()
            st.session_state[FLASH] = ui.t("admin.taxonomy.done", rows=result.rows)
            st.rerun()
