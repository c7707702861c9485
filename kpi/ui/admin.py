"""The administrator's pages: accounts, targets, the cluster taxonomy (pages/admin.py); the audit
trail (pages/audit.py) is kpi.ui.audit. Every change goes through kpi.access.accounts / kpi.store / kpi.platforms with the
signed-in administrator as `viewer`, so the permission is checked again where the write happens
and the audit event is written in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from kpi.access import accounts
from kpi.ingest.clusters import ingest_clusters
from kpi.model import roles as model_roles
from kpi.model.definitions import indicator_label
from kpi.model.errors import KpiError
from kpi.model.roles import Role
from kpi.store import connection, writes
from kpi.ui import data, fmt, lang, layout, scope, signin
from kpi.ui import tasks as ui_tasks

FLASH = "admin_flash"


def _flash() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def _write(action: Callable[[Any], object], done: str) -> bool:
    """Run one change on a short connection; a refusal or bad input shows its message."""
    try:
        with connection.connect() as con:
            action(con)
    except KpiError as exc:
        st.error(exc.message(lang.lang()))
        return False
    data.clear_cache()
    st.session_state[FLASH] = lang.t("admin.users.done", what=done)
    return True


def _role_label(role: str) -> str:
    return model_roles.role_label(role, lang.lang())


def _unit_label(code: str) -> str:
    return lang.t("admin.users.none") if not code else fmt.region_name(code, short=False)


# ---------------------------------------------------------------- accounts


def users_section() -> None:
    _flash()
    st.markdown(lang.t("admin.users.intro"))
    with connection.connect() as con:
        users = accounts.list_users(con)
    rows = [
        {
            lang.t("admin.users.col.username"): u.username,
            lang.t("admin.users.col.name"): u.display_name or "",
            lang.t("admin.users.col.role"): _role_label(u.role),
            lang.t("admin.users.col.region"): u.unit
            or ("" if not u.region else fmt.region_name(u.region, short=False)),
            lang.t("admin.users.col.active"): u.active,
            lang.t("admin.users.col.last"): _when(u.last_sign_in_at),
            lang.t("admin.users.col.created"): _when(u.created_at),
        }
        for u in users
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=layout.table_height(len(rows)))
    left, right = st.columns(2)
    with left:
        _add_user_form()
    with right:
        _change_user_form(users)


def _when(at: dt.datetime | None) -> str:
    return "—" if at is None else at.strftime("%Y-%m-%d %H:%M")


def _units() -> list[str]:
    """The nine units (a county account's) and the plan's accountable units (a department's)."""
    return [""] + [str(c) for c in scope.read("units")["code"]] + list(ui_tasks.read("units"))


def _placed(role: str, unit: str) -> dict[str, str | None]:
    """The unit chosen, as a county account's region or a department account's unit."""
    return {"region": None, "unit": unit or None} if role == Role.DEPARTMENT else {"region": unit or None}


def _add_user_form() -> None:
    me = signin.viewer()
    with st.form("admin_add_user", clear_on_submit=True, border=True):
        st.markdown(f"**{lang.t('admin.users.add')}**")
        name = st.text_input(lang.t("admin.users.col.username"), max_chars=64)
        display = st.text_input(lang.t("admin.users.col.name"), max_chars=64)
        role = st.selectbox(lang.t("admin.users.col.role"), [r.value for r in Role], format_func=_role_label)
        region = st.selectbox(
            lang.t("admin.users.col.region"),
            _units(),
            format_func=_unit_label,
            help=lang.t("admin.users.region_help"),
        )
        password = st.text_input(
            lang.t("admin.users.password", min=accounts.PASSWORD_MIN),
            type="password",
            max_chars=accounts.PASSWORD_MAX,
        )
        again = st.text_input(
            lang.t("admin.users.password2"), type="password", max_chars=accounts.PASSWORD_MAX
        )
        if st.form_submit_button(lang.t("admin.users.add_submit"), icon=":material/person_add:"):
            if password != again:
                st.error(lang.t("admin.users.mismatch"))
            elif _write(
                lambda con: accounts.add_user(
                    con, name, password, role, **_placed(role, region), display_name=display, viewer=me
                ),
                f"{lang.t('admin.users.add')} {name}",
            ):
                st.rerun()


def _change_user_form(users: list[accounts.User]) -> None:
    me = signin.viewer()
    if not users:
        return
    with st.container(border=True):
        st.markdown(f"**{lang.t('admin.users.change')}**")
        names = [u.username for u in users]
        picked = st.selectbox(lang.t("admin.users.pick"), names, key="admin_pick_user")
        user = users[names.index(picked)]
        roles = [r.value for r in Role]
        c1, c2 = st.columns(2)
        role = c1.selectbox(
            lang.t("admin.users.col.role"),
            roles,
            index=roles.index(user.role.value),
            format_func=_role_label,
            key=f"admin_role_{user.username}",
        )
        units = _units()
        region = c2.selectbox(
            lang.t("admin.users.col.region"),
            units,
            index=units.index(user.region or user.unit) if (user.region or user.unit) in units else 0,
            format_func=_unit_label,
            key=f"admin_region_{user.username}",
        )
        if st.button(lang.t("admin.users.set_role"), key="admin_set_role", icon=":material/save:") and _write(
            lambda con: accounts.set_role(con, user.username, role, **_placed(role, region), viewer=me),
            f"{user.username} → {_role_label(role)}",
        ):
            st.rerun()
        password = st.text_input(
            lang.t("admin.users.new_password"),
            type="password",
            key=f"admin_pw_{user.username}",
            max_chars=accounts.PASSWORD_MAX,
        )
        if st.button(
            lang.t("admin.users.set_password"), key="admin_set_pw", icon=":material/key:"
        ) and _write(
            lambda con: accounts.set_password(con, user.username, password, viewer=me),
            lang.t("admin.users.set_password") + f" {user.username}",
        ):
            st.rerun()
        if user.active:
            if st.button(
                lang.t("admin.users.disable"), key="admin_disable", icon=":material/person_off:"
            ) and _write(
                lambda con: accounts.disable_user(con, user.username, viewer=me),
                lang.t("admin.users.disable") + f" {user.username}",
            ):
                st.rerun()
        elif st.button(lang.t("admin.users.enable"), key="admin_enable", icon=":material/person:") and _write(
            lambda con: accounts.enable_user(con, user.username, viewer=me),
            lang.t("admin.users.enable") + f" {user.username}",
        ):
            st.rerun()


# ---------------------------------------------------------------- targets and taxonomy


def _is_share(kind: str) -> bool:
    return kind not in ("count",)


def targets_section() -> None:
    me = signin.viewer()
    _flash()
    st.markdown(lang.t("admin.targets.intro"))
    frame = scope.read("targets")
    shown = frame[
        ["indicator", "value", "comparator", "deadline", "source", "updated_at", "updated_by"]
    ].copy()
    shown["indicator"] = [_indicator_label(c) for c in shown["indicator"]]
    st.dataframe(shown, hide_index=True, width="stretch", height=layout.table_height(len(shown)))
    codes = list(frame["indicator"])
    # the choice of indicator outside the form: the fields below must follow it at once
    code = st.selectbox(
        lang.t("admin.targets.pick"), codes, format_func=_indicator_label, key="admin_target_pick"
    )
    row = frame[frame["indicator"] == code].iloc[0]
    share = _is_share(str(row["kind"]))
    with st.form(f"admin_target_{code}", border=True):
        value = st.number_input(
            lang.t("admin.targets.value") + (" (%)" if share else ""),
            value=float(row["value"]) * (100 if share else 1),
            step=0.01 if share else 1.0,
            format="%.4f" if share else "%.0f",
            help=lang.t("admin.targets.value_help"),
        )
        source = st.text_area(lang.t("admin.targets.source"), value=str(row["source"] or ""), max_chars=500)
        deadline = st.date_input(
            lang.t("admin.targets.deadline"), value=pd.Timestamp(row["deadline"]).date(), format="YYYY-MM-DD"
        )
        if st.form_submit_button(lang.t("admin.targets.save"), icon=":material/save:"):
            new_value = value / 100 if share else value
            changed = {
                "value": None if abs(new_value - float(row["value"])) < 1e-12 else new_value,
                "source": None if source == str(row["source"] or "") else source,
                "deadline": None if deadline == pd.Timestamp(row["deadline"]).date() else deadline,
            }
            if all(v is None for v in changed.values()):
                st.info(lang.t("admin.targets.unchanged"))
            elif _write(lambda con: _set_target(con, str(code), changed, me), _indicator_label(str(code))):
                st.rerun()


def _set_target(con: Any, code: str, changed: dict[str, Any], viewer: model_roles.Viewer) -> None:
    with connection.transaction(con):
        writes.set_target(con, code, viewer=viewer, **changed)


def _indicator_label(code: str) -> str:
    return indicator_label(code, lang.lang())


def taxonomy_section() -> None:
    me = signin.viewer()
    _flash()
    st.markdown(lang.t("admin.taxonomy.intro"))
    clusters = scope.read("clusters")
    st.dataframe(clusters, hide_index=True, width="stretch", height=layout.table_height(len(clusters)))
    with st.form("admin_taxonomy", clear_on_submit=True, border=True):
        upload = st.file_uploader(lang.t("admin.taxonomy.file"), type=["csv"])
        replace = st.checkbox(lang.t("admin.taxonomy.replace"))
        if (
            st.form_submit_button(lang.t("admin.taxonomy.submit"), icon=":material/upload:")
            and upload is not None
        ):
            try:
                with connection.connect() as con:
                    result = ingest_clusters(con, upload.getvalue(), upload.name, replace=replace, viewer=me)
            except KpiError as exc:
                st.error(exc.message(lang.lang()))
                return
            if not result.stored:
                for issue in result.report.errors:
                    st.error(issue.describe(lang.lang()))
                return
            data.clear_cache()
            st.session_state[FLASH] = lang.t("admin.taxonomy.done", rows=result.rows)
            st.rerun()
