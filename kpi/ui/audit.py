"""The audit trail page (pages/audit.py, administrators only, read-only): the events filtered by
person, event and date, each as one sentence in the page's language, and an Excel download that
keeps the recorded JSON beside the sentence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from kpi.access import accounts
from kpi.model import roles
from kpi.model.definitions import COUNT_LABELS, RATIO, indicator_label
from kpi.reports import export
from kpi.store import audit, connection
from kpi.text.dashboard import UI_TEXT
from kpi.ui import fmt, lang, layout, scope, signin


def audit_section() -> None:
    me = signin.viewer()
    st.markdown(lang.t("audit.intro"))
    actions = [""] + [a.value for a in audit.Action]
    c1, c2, c3, c4 = st.columns([2, 2, 2, 1])
    actor = c1.text_input(lang.t("audit.actor"), key="audit_actor", max_chars=64).strip()
    action = c2.selectbox(
        lang.t("audit.action"),
        actions,
        format_func=lambda a: lang.t("audit.any") if not a else audit.action_label(a, lang.lang()),
        key=f"audit_action__{lang.lang()}",
    )
    since = c3.date_input(lang.t("audit.since"), value=None, key="audit_since", format="YYYY-MM-DD")
    limit = c4.number_input(lang.t("audit.limit"), 10, 5000, 200, step=50, key="audit_limit")
    with connection.connect() as con:
        events = audit.list_events(
            con,
            limit=int(limit),
            actor=accounts.normalise_username(actor) if actor else None,
            action=action or None,
            since=None if since is None else dt.datetime.combine(since, dt.time()),
            viewer=me,
        )
    if events.empty:
        st.info(lang.t("audit.empty"))
        return
    detail = lang.t("audit.col.detail")
    shown = pd.DataFrame(
        {
            lang.t("audit.col.at"): events["at"],
            lang.t("audit.actor"): events["actor"],
            lang.t("audit.action"): [_action_name(a) for a in events["action"]],
            detail: [event_text(a, d) for a, d in zip(events["action"], events["detail"], strict=True)],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=layout.table_height(min(len(shown), 30)),
        # narrow fixed columns leave the sentence the rest of the row
        column_config={
            lang.t("audit.col.at"): st.column_config.DatetimeColumn(width=140, format="YYYY-MM-DD HH:mm:ss"),
            lang.t("audit.actor"): st.column_config.TextColumn(width=100),
            lang.t("audit.action"): st.column_config.TextColumn(width=130),
            detail: st.column_config.TextColumn(width=590),
        },
    )
    # the workbook keeps the recorded JSON beside the sentence: the sentence is for reading, the
    # JSON is the record itself (every field, for an auditor's own checks)
    raw = shown.assign(**{lang.t("audit.col.raw"): events["detail"]})
    st.download_button(
        lang.t("audit.download"),
        export.workbook_bytes([export.Sheet(lang.t("nav.audit"), raw)]),
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
        return audit.action_label(action, lang.lang())
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
        return f"{_action_name(action)}{fmt.colon()}{_plain(facts)}"
    sentence = _SENTENCES.get(action)
    if sentence is not None:
        try:
            return sentence(facts)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # an event of another shape: its facts below
    parts = _facts(facts)
    return _action_name(action) + (f"{fmt.colon()}{fmt.clauses(parts)}" if parts else "")


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
        return fmt.join([_plain(v) for v in value])
    return str(value)


def _known(key: str, default: str) -> str:
    """The text of `key`, or `default` for a code this version has no text for."""
    return lang.t(key) if key in UI_TEXT else default


def _paren(text: str) -> str:
    return f"（{text}）" if lang.lang() == "zh" else f" ({text})"


def _count(value: Any) -> str:
    return f"{int(value):,}"


def _sign_in(facts: dict[str, Any]) -> str:
    method = str(facts.get("method", "password"))
    return lang.t("audit.text.sign_in", method=_known(f"audit.method.{method}", method))


def _sign_in_failed(facts: dict[str, Any]) -> str:
    reason = str(facts["reason"])
    text = _known(f"audit.reason.{reason}", reason)
    if facts.get("failures"):
        text += _paren(lang.t("audit.text.failures", n=int(facts["failures"])))
    if facts.get("locked"):
        text = fmt.clauses([text, lang.t("audit.text.now_locked")])
    if facts.get("method") == "oidc":
        text += _paren(lang.t("audit.method.oidc"))
    return lang.t("audit.text.sign_in_failed", reason=text)


def _upload(facts: dict[str, Any]) -> str:
    kind = str(facts["kind"])
    # statistics uploads record their unchanged rows (identical to the stored ones) since issue 12
    unchanged = facts.get("unchanged")
    text = lang.t(
        "audit.text.upload" if unchanged is None else "audit.text.upload_unchanged",
        what=_known(f"audit.upload.{kind}", lang.t("audit.upload.other", kind=kind)),
        file=f" {facts['file']}" if facts.get("file") else "",
        rows=_count(facts["rows"]),
        new=_count(facts["new"]),
        revised=_count(facts["revised"]),
        unchanged="" if unchanged is None else _count(unchanged),
        id=int(facts["upload_id"]),
    )
    return text + (lang.t("audit.text.demo") if facts.get("demo") and kind != "demo" else "")


def _rollback(facts: dict[str, Any]) -> str:
    kind = str(facts["kind"])
    return lang.t(
        "audit.text.rollback",
        id=int(facts["upload_id"]),
        what=_known(f"audit.kind.{kind}", kind),
        rows=_count(facts["rows"]),
    )


def _changes(changes: list[str]) -> str:
    """Changed fields, `；` apart in Chinese (a source text may hold commas of its own)."""
    if not changes:
        return lang.t("audit.text.unchanged")
    return ("；" if lang.lang() == "zh" else "; ").join(changes)


def _change(old: str, new: str, label: str | None = None) -> str:
    return f"{label} {old} → {new}" if label else f"{old} → {new}"


def _target_change(facts: dict[str, Any]) -> str:
    code = str(facts["indicator"])
    before, after = facts["before"], facts["after"]
    targets = scope.read("targets")
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
    return lang.t("audit.text.target_change", indicator=_indicator_short(code), changes=_changes(changes))


def _indicator_short(code: str) -> str:
    if code in RATIO:
        return RATIO[code].short_zh if lang.lang() == "zh" else RATIO[code].short_en
    return indicator_label(code, lang.lang()) if code in COUNT_LABELS else code


def _reward_settings(facts: dict[str, Any]) -> str:
    before, after = facts["before"], facts["after"]

    def value(key: str, v: Any) -> str:
        return _known(f"plat.rw.basis.{v}", _plain(v)) if key == "pool_cap_basis" else _plain(v)

    changes = [
        _change(value(k, before.get(k)), value(k, v), _known(f"plat.rw.set.{k}", k)) for k, v in after.items()
    ]
    return lang.t("audit.text.reward_settings", changes=_changes(changes))


def _user(facts: dict[str, Any]) -> str:
    name = str(facts["username"])
    display = facts.get("display_name")
    return name + (_paren(str(display)) if display else "")


def _role(role: str, region: str | None, unit: str | None = None) -> str:
    """'区县（南湖区）', '责任单位（市经信局）': a county's region, a department's unit."""
    where = fmt.region_name(region, short=False) if region else unit
    return roles.role_label(role, lang.lang()) + (_paren(where) if where else "")


def _user_add(facts: dict[str, Any]) -> str:
    role = _role(facts["role"], facts.get("region"), facts.get("unit"))
    return lang.t("audit.text.user_add", user=_user(facts), role=role)


def _review_override(facts: dict[str, Any]) -> str:
    computed = facts["computed"]
    return lang.t(
        "audit.text.review_override",
        name=facts["name"],
        host=facts["host"],
        year=int(facts["year"]),
        score=f"{float(facts['score']):g}",
        computed="—" if computed is None else f"{float(computed):g}",
        reason=facts["reason"],
    )


def _user_role(facts: dict[str, Any]) -> str:
    before, after = facts["before"], facts["after"]
    return lang.t(
        "audit.text.user_role",
        user=_user(facts),
        old=_role(before["role"], before.get("region"), before.get("unit")),
        new=_role(after["role"], after.get("region"), after.get("unit")),
    )


def _user_event(action: audit.Action) -> Callable[[dict[str, Any]], str]:
    return lambda facts: lang.t(f"audit.text.{action.value}", user=_user(facts))


_SENTENCES: dict[str, Callable[[dict[str, Any]], str]] = {
    audit.Action.SIGN_IN: _sign_in,
    audit.Action.SIGN_IN_FAILED: _sign_in_failed,
    audit.Action.SIGN_OUT: lambda facts: lang.t("audit.text.sign_out"),
    audit.Action.UPLOAD: _upload,
    audit.Action.TAXONOMY_CHANGE: _upload,
    audit.Action.ROLLBACK: _rollback,
    audit.Action.TARGET_CHANGE: _target_change,
    audit.Action.REWARD_SETTINGS: _reward_settings,
    audit.Action.REVIEW_OVERRIDE: _review_override,
    audit.Action.USER_ADD: _user_add,
    audit.Action.USER_ROLE: _user_role,
    **{
        a: _user_event(a)
        for a in (audit.Action.USER_PASSWORD, audit.Action.USER_DISABLE, audit.Action.USER_ENABLE)
    },
}
