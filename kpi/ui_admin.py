"""The administrator's pages: accounts, targets, the cluster taxonomy (pages/admin.py) and the audit
trail (pages/audit.py). Every change goes through kpi.auth / kpi.store / kpi.platforms with the
signed-in administrator as `viewer`, so the permission is checked again where the write happens
and the audit event is written in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from kpi import access, audit, auth, export, store, ui, ui_auth
from kpi.access import Role
from kpi.definitions import COUNT_LABELS, RATIO, indicator_label
from kpi.errors import KpiError
from kpi.i18n import UI_TEXT
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


# ---------------------------------------------------------------- audit trail


def audit_section() -> None:
    me = ui_auth.viewer()
    st.markdown(ui.t("audit.intro"))
    actions = [""] + [a.value for a in audit.Action]
    c1, c2, c3, c4 = st.columns([2, 2, 2, 1])
    actor = c1.text_input(ui.t("audit.actor"), key="audit_actor", max_chars=64).strip()
    action = c2.selectbox(
        ui.t("audit.action"),
        actions,
        format_func=lambda a: ui.t("audit.any") if not a else audit.action_label(a, ui.lang()),
        key=f"audit_action__{ui.lang()}",
    )
    since = c3.date_input(ui.t("audit.since"), value=None, key="audit_since")
    limit = c4.number_input(ui.t("audit.limit"), 10, 5000, 200, step=50, key="audit_limit")
    with store.connect() as con:
        events = audit.list_events(
            con,
            limit=int(limit),
            actor=auth.normalise_username(actor) if actor else None,
            action=action or None,
            since=None if since is None else dt.datetime.combine(since, dt.time()),
            viewer=me,
        )
    if events.empty:
        st.info(ui.t("audit.empty"))
        return
    detail = ui.t("audit.col.detail")
    shown = pd.DataFrame(
        {
            ui.t("audit.col.at"): events["at"],
            ui.t("audit.actor"): events["actor"],
            ui.t("audit.action"): [_action_name(a) for a in events["action"]],
            detail: [event_text(a, d) for a, d in zip(events["action"], events["detail"], strict=True)],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=ui.table_height(min(len(shown), 30)),
        # narrow fixed columns leave the sentence the rest of the row
        column_config={
            ui.t("audit.col.at"): st.column_config.DatetimeColumn(width=140, format="YYYY-MM-DD HH:mm:ss"),
            ui.t("audit.actor"): st.column_config.TextColumn(width=100),
            ui.t("audit.action"): st.column_config.TextColumn(width=130),
            detail: st.column_config.TextColumn(width=590),
        },
    )
    # the workbook keeps the recorded JSON beside the sentence: the sentence is for reading, the
    # JSON is the record itself (every field, for an auditor's own checks)
    raw = shown.assign(**{ui.t("audit.col.raw"): events["detail"]})
    st.download_button(
        ui.t("audit.download"),
        export.workbook_bytes([export.Sheet(ui.t("nav.audit"), raw)]),
        file_name="audit.xlsx",
        mime=export.XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="audit_download",
    )


def _action_name(action: str) -> str:
    """The event's name in the page's language; an action this version does not know (a newer
    version wrote it) keeps its code rather than failing the page."""
    try:
        return audit.action_label(action, ui.lang())
    except ValueError:
        return str(action)


def event_text(action: str, detail: str) -> str:
    """One readable sentence for an audit event in the page's language, built from its action and
    its detail (JSON text), e.g. “上传统计数据 a.csv：3,024 行（新增 3,000，修订 24），上传编号 12”.

    An action without a sentence of its own, or a detail that lacks the fields its action records
    (an event written by another version), falls back to the event's name and the detail's facts
    as `key value` clauses; a detail that is not JSON is shown as it is."""
    try:
        facts = audit.detail_of(detail)
    except (TypeError, ValueError):
        return str(detail)
    if not isinstance(facts, dict):
        return f"{_action_name(action)}{ui.colon()}{_plain(facts)}"
    sentence = _SENTENCES.get(action)
    if sentence is not None:
        try:
            return sentence(facts)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # an event of another shape: its facts below
    parts = _facts(facts)
    return _action_name(action) + (f"{ui.colon()}{ui.clauses(parts)}" if parts else "")


def _facts(facts: dict[str, Any], prefix: str = "") -> list[str]:
    """`key value` for every field, nested objects flattened as `outer.inner value`."""
    parts: list[str] = []
    for key, value in facts.items():
        if isinstance(value, dict):
            parts += _facts(value, f"{prefix}{key}.")
        else:
            parts.append(f"{prefix}{key} {_plain(value)}")
    return parts


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list):
        return ui.join([_plain(v) for v in value])
    return str(value)


def _known(key: str, default: str) -> str:
    """The text of `key`, or `default` for a code this version has no text for."""
    return ui.t(key) if key in UI_TEXT else default


def _paren(text: str) -> str:
    return f"（{text}）" if ui.lang() == "zh" else f" ({text})"


def _count(value: Any) -> str:
    return f"{int(value):,}"


def _sign_in(facts: dict[str, Any]) -> str:
    method = str(facts.get("method", "password"))
    return ui.t("audit.text.sign_in", method=_known(f"audit.method.{method}", method))


def _sign_in_failed(facts: dict[str, Any]) -> str:
    reason = str(facts["reason"])
    text = _known(f"audit.reason.{reason}", reason)
    if facts.get("failures"):
        text += _paren(ui.t("audit.text.failures", n=int(facts["failures"])))
    if facts.get("locked"):
        text = ui.clauses([text, ui.t("audit.text.now_locked")])
    if facts.get("method") == "oidc":
        text += _paren(ui.t("audit.method.oidc"))
    return ui.t("audit.text.sign_in_failed", reason=text)


def _upload(facts: dict[str, Any]) -> str:
    kind = str(facts["kind"])
    text = ui.t(
        "audit.text.upload",
        what=_known(f"audit.upload.{kind}", ui.t("audit.upload.other", kind=kind)),
        file=f" {facts['file']}" if facts.get("file") else "",
        rows=_count(facts["rows"]),
        new=_count(facts["new"]),
        revised=_count(facts["revised"]),
        id=int(facts["upload_id"]),
    )
    return text + (ui.t("audit.text.demo") if facts.get("demo") and kind != "demo" else "")


def _rollback(facts: dict[str, Any]) -> str:
    kind = str(facts["kind"])
    return ui.t(
        "audit.text.rollback",
        id=int(facts["upload_id"]),
        what=_known(f"audit.kind.{kind}", kind),
        rows=_count(facts["rows"]),
    )


def _changes(changes: list[str]) -> str:
    """Changed fields, `；` apart in Chinese (a source text may hold commas of its own)."""
    if not changes:
        return ui.t("audit.text.unchanged")
    return ("；" if ui.lang() == "zh" else "; ").join(changes)


def _change(old: str, new: str, label: str | None = None) -> str:
    return f"{label} {old} → {new}" if label else f"{old} → {new}"


def _target_change(facts: dict[str, Any]) -> str:
    code = str(facts["indicator"])
    before, after = facts["before"], facts["after"]
    targets = ui.read("targets")
    kinds = dict(zip(targets["indicator"], targets["kind"], strict=True))
    share = kinds.get(code, "point") != "count"  # a ratio or the coverage: a fraction shown in %

    def value(v: Any) -> str:
        if v is None:
            return "—"
        return f"{float(v) * 100:g}%" if share else f"{float(v):g}"

    changes = []
    for field in after:  # the fields that changed, as recorded
        old, new = before.get(field), after[field]
        if field == "value":
            changes.append(_change(value(old), value(new)))
        else:
            changes.append(_change(_plain(old), _plain(new), _known(f"audit.field.{field}", field)))
    return ui.t("audit.text.target_change", indicator=_indicator_short(code), changes=_changes(changes))


def _indicator_short(code: str) -> str:
    if code in RATIO:
        return RATIO[code].short_zh if ui.lang() == "zh" else RATIO[code].short_en
    return indicator_label(code, ui.lang()) if code in COUNT_LABELS else code


def _reward_settings(facts: dict[str, Any]) -> str:
    before, after = facts["before"], facts["after"]

    def value(key: str, v: Any) -> str:
        return _known(f"plat.rw.basis.{v}", _plain(v)) if key == "pool_cap_basis" else _plain(v)

    changes = [
        _change(value(k, before.get(k)), value(k, v), _known(f"plat.rw.set.{k}", k)) for k, v in after.items()
    ]
    return ui.t("audit.text.reward_settings", changes=_changes(changes))


def _user(facts: dict[str, Any]) -> str:
    name = str(facts["username"])
    display = facts.get("display_name")
    return name + (_paren(str(display)) if display else "")


def _role(role: str, region: str | None) -> str:
    return _role_label(role) + (_paren(ui.region_name(region, short=False)) if region else "")


def _user_add(facts: dict[str, Any]) -> str:
    return ui.t("audit.text.user_add", user=_user(facts), role=_role(facts["role"], facts.get("region")))


def _user_role(facts: dict[str, Any]) -> str:
    before, after = facts["before"], facts["after"]
    return ui.t(
        "audit.text.user_role",
        user=_user(facts),
        old=_role(before["role"], before.get("region")),
        new=_role(after["role"], after.get("region")),
    )


def _user_event(action: audit.Action) -> Callable[[dict[str, Any]], str]:
    return lambda facts: ui.t(f"audit.text.{action.value}", user=_user(facts))


_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    audit.Action.SIGN_IN: _sign_in,
    audit.Action.SIGN_IN_FAILED: _sign_in_failed,
    audit.Action.SIGN_OUT: lambda facts: ui.t("audit.text.sign_out"),
    audit.Action.UPLOAD: _upload,
    audit.Action.TAXONOMY_CHANGE: _upload,
    audit.Action.ROLLBACK: _rollback,
    audit.Action.TARGET_CHANGE: _target_change,
    audit.Action.REWARD_SETTINGS: _reward_settings,
    audit.Action.USER_ADD: _user_add,
    audit.Action.USER_ROLE: _user_role,
    **{
        a: _user_event(a)
        for a in (audit.Action.USER_PASSWORD, audit.Action.USER_DISABLE, audit.Action.USER_ENABLE)
    },
}
