"""The admin page's "报送与提醒": the webhook the alerts go to (a DingTalk or WeCom group robot),
the calendar's due day and the retries, the alert rules on or off, a test message, and the
outbox. Every change goes through kpi.store.settings with the signed-in administrator as
`viewer` (checked again there) and is audited; the secret is never shown once set."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from kpi.alerts import listing, rules, webhook
from kpi.model.errors import KpiError
from kpi.store import connection, outbox, settings
from kpi.text.alerts import ALERT_TEXT
from kpi.text.lookup import pick
from kpi.ui import data, lang, layout, signin

FLASH = "alerts_flash"


def alerts_section() -> None:
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    st.markdown(lang.t("alerts.intro"))
    with connection.connect() as con:
        values = settings.values(con)
        found = settings.rules(con)
        frame = outbox.listing(con)
    _settings_form(values)
    _test_button(values)
    _rules(found)
    st.markdown(f"**{lang.t('alerts.outbox')}**")
    if frame.empty:
        st.caption(lang.t("alerts.outbox_empty"))
        return
    table = listing.table(frame, int(values["alert_max_attempts"]), lang.lang())
    st.dataframe(table, hide_index=True, width="stretch", height=layout.table_height(min(len(table), 12)))


def _settings_form(values: dict[str, str]) -> None:
    with st.form("alerts_settings"):
        url = st.text_input(lang.t("alerts.webhook"), value=values.get("webhook_url", ""))
        kinds = ["dingtalk", "wecom"]
        kind = st.radio(
            lang.t("alerts.kind"),
            kinds,
            index=kinds.index(values.get("webhook_kind", "dingtalk")),
            format_func=lambda k: lang.t(f"alerts.kind.{k}"),
            horizontal=True,
        )
        secret = st.text_input(lang.t("alerts.secret"), type="password", value="")
        clear = False
        if values.get("webhook_secret"):
            st.caption(lang.t("alerts.secret_set"))
            clear = st.checkbox(lang.t("alerts.secret_clear"))
        c1, c2, c3 = st.columns(3)
        due = c1.number_input(
            lang.t("alerts.calendar_due"), min_value=0, max_value=120, value=int(values["stats_due_days"])
        )
        most = c2.number_input(
            lang.t("alerts.retries"), min_value=1, max_value=50, value=int(values["alert_max_attempts"])
        )
        retry = c3.number_input(
            lang.t("alerts.retry_seconds"),
            min_value=0,
            max_value=86400,
            value=int(values["alert_retry_seconds"]),
        )
        if not st.form_submit_button(lang.t("alerts.save")):
            return
    changes = {
        "webhook_url": url,
        "webhook_kind": kind,
        "stats_due_days": str(int(due)),
        "alert_max_attempts": str(int(most)),
        "alert_retry_seconds": str(int(retry)),
    }
    if secret.strip() or clear:
        changes["webhook_secret"] = "" if clear else secret
    viewer = signin.viewer()
    try:
        with connection.connect() as con:
            changed = settings.set_values(con, changes, by=viewer.username, viewer=viewer)
    except KpiError as exc:
        st.error(exc.message(lang.lang()))
        return
    data.clear_cache()
    st.session_state[FLASH] = (
        lang.t("alerts.saved", keys="、".join(changed)) if changed else lang.t("alerts.unchanged")
    )
    st.rerun()


def _test_button(values: dict[str, str]) -> None:
    if not st.button(lang.t("alerts.test"), icon=":material/send:", key="alerts_test"):
        return
    with connection.connect() as con:
        hook = webhook.configured(con)
    if hook is None:
        st.warning(lang.t("alerts.no_url"))
        return
    try:  # the one call out of the app: to the address the administrator just configured
        webhook.post(hook, pick(ALERT_TEXT, "test_content", "zh", when=f"{dt.datetime.now():%Y-%m-%d %H:%M}"))
    except webhook.DeliveryError as exc:
        st.error(lang.t("alerts.test_failed", error=str(exc)))
    else:
        st.success(lang.t("alerts.test_ok"))


def _rules(found: list[tuple[str, bool, dict[str, str]]]) -> None:
    st.markdown(f"**{lang.t('alerts.rules')}**")
    viewer = signin.viewer()
    for code, enabled, params in found:
        rule = rules.RULES.get(code)
        pending = rule is None or rule.find is None
        text = rules.label(code, lang.lang()) if rule else code
        if params:
            text += "（" + "，".join(f"{k}={v}" for k, v in params.items()) + "）"
        if pending:
            text += " · " + lang.t("rule.pending")
        on = st.checkbox(text, value=enabled and not pending, disabled=pending, key=f"alert_rule_{code}")
        if not pending and on != enabled:
            with connection.connect() as con:
                settings.set_rule(con, code, enabled=on, by=viewer.username, viewer=viewer)
            data.clear_cache()
            st.rerun()
