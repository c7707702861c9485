"""Rewards of the pilot-platform page (中试平台): the rules in force, the money committed per year
and region (with CSV downloads), every reward, and the settings' form with its history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.model.roles import Permission
from kpi.platforms import rewards
from kpi.reports import export
from kpi.ui import fmt, lang, layout, scope, signin
from kpi.ui.platforms import listing
from kpi.ui.platforms.forms import flash, show_flash, write

# ---------------------------------------------------------------- rewards


def rewards_section(plats: pd.DataFrame, settings: rewards.RewardSettings) -> None:
    show_flash("rewards")
    recorded = listing.read("annual")  # the scores in force: computed from the figures, or overridden
    _rules(settings)
    rows = rewards.reward_rows(plats, recorded, settings)
    totals = rewards.totals(rows)
    c1, c2, c3 = st.columns(3)
    c1.metric(lang.t("plat.rw.committed"), fmt.money(totals["committed"]))
    c2.metric(lang.t("plat.rw.pending"), fmt.money(totals["pending_max"]))
    c3.metric(
        lang.t("plat.rw.support_missing"), lang.t("plat.rw.support_missing_n", n=totals["support_missing"])
    )
    other = "per_year" if settings.pool_cap_basis == "three_years_total" else "three_years_total"
    alt = rewards.totals(
        rewards.reward_rows(
            plats, recorded, rewards.RewardSettings(**{**settings.__dict__, "pool_cap_basis": other})
        )
    )
    st.caption(
        lang.t(
            "plat.rw.alternative",
            basis=lang.t(f"plat.rw.basis.{other}"),
            committed=fmt.money(alt["committed"]),
            pending=fmt.money(alt["pending_max"]),
        )
    )
    if rows.empty:
        st.info(lang.t("plat.rw.none"))
    else:
        st.subheader(lang.t("plat.rw.by_year"))
        units = list(scope.read("units")["code"])
        table = rewards.committed_table(rows, units)
        keep = [c for c in table.columns if c == "total" or (table[c] != 0).any()]  # regions with money
        shown = table[keep].rename(
            columns={u: fmt.region_name(u) for u in units} | {"total": lang.t("plat.rw.total")}
        )
        shown.index.name = lang.t("plat.rw.year")
        shown = shown.reset_index()
        if table.empty:
            st.caption(lang.t("plat.rw.none_committed"))
        else:
            st.dataframe(shown, hide_index=True, width="stretch", key="plat_rw_table")
        st.subheader(lang.t("plat.rw.detail"))
        detail = _detail(rows)
        st.dataframe(
            detail,
            hide_index=True,
            width="stretch",
            height=layout.table_height(min(len(detail), 20)),
            column_config={
                lang.t("col.platform"): st.column_config.TextColumn(pinned=True),
                lang.t("plat.rw.col.state"): st.column_config.TextColumn(width="medium"),
                **{
                    lang.t(k): st.column_config.TextColumn(alignment="right")
                    for k in ("plat.rw.col.amount", "plat.rw.col.max", "plat.rw.col.score")
                },
            },
            key="plat_rw_detail",
        )
        d1, d2, _ = st.columns([1, 1, 2])
        d1.download_button(
            lang.t("plat.rw.download"),
            export.export_csv(_detail(rows, for_csv=True)),
            file_name=lang.t("plat.rw.file"),
            mime="text/csv",
            key="plat_rw_csv",
            on_click="ignore",
            icon=":material/download:",
        )
        if not table.empty:
            d2.download_button(
                lang.t("plat.rw.download_table"),
                export.export_csv(shown),
                file_name=lang.t("plat.rw.file_table"),
                mime="text/csv",
                key="plat_rw_table_csv",
                on_click="ignore",
                icon=":material/download:",
            )
    if signin.can(Permission.MANAGE_TARGETS):  # administrators set the rules
        _settings_form()


def current_settings() -> rewards.RewardSettings:
    """The reward rules in force: the stored settings, or the reference defaults where a
    hand-edited database holds a value that does not parse (as rewards.load_settings does)."""
    stored, _ = rewards.parse_settings(listing.read("settings"))
    if stored is not None:
        return stored
    default, _ = rewards.parse_settings(rewards.default_values())
    assert default is not None
    return default


def rule_lines(s: rewards.RewardSettings) -> list[str]:
    """The three rules (provincial, national, pool) as sentences with the values in force."""
    start = s.reward_from.isoformat() if s.reward_from else "—"
    return [
        lang.t("plat.rw.rule_provincial", award=f"{s.provincial_award_wan:g}", start=start),
        lang.t("plat.rw.rule_national", ratio=f"{s.national_match_ratio:g}"),
        lang.t(
            "plat.rw.rule_pool",
            years=s.pool_years,
            cap=f"{s.pool_cap_wan:g}",
            basis=lang.t(f"plat.rw.basis.{s.pool_cap_basis}"),
            year_cap=f"{s.pool_year_cap():g}",
            bands=bands_text(s),
        ),
    ]


def bands_text(s: rewards.RewardSettings) -> str:
    """`≥90分得100%；≥80分得70%；≥60分得40%；其余不奖励`."""
    sep = "；" if lang.lang() == "zh" else "; "
    bands = [
        lang.t("plat.rw.band", score=f"{score:g}", share=fmt.pct(share, 0))
        for score, share in s.pool_score_bands
    ]
    return sep.join([*bands, lang.t("plat.rw.below")])


def _rules(s: rewards.RewardSettings) -> None:
    st.subheader(lang.t("plat.rw.rules"))
    st.markdown("\n".join(f"- {line}" for line in rule_lines(s)))
    st.caption(lang.t("plat.rw.open_question"))


def settings_table(s: rewards.RewardSettings) -> pd.DataFrame:
    """For the methods page: one row per setting, with the value in force, where it comes from
    (the plan's words, or why it is a setting) and its last change (“as shipped” until an
    administrator changes it)."""
    log = listing.read("settings_log")  # newest first
    latest = log.drop_duplicates("key").set_index("key")
    zh = lang.lang() == "zh"
    wan = "万元" if zh else " (10k yuan)"
    shown = {
        "provincial_award_wan": f"{s.provincial_award_wan:g}{wan}",
        "national_match_ratio": f"1:{s.national_match_ratio:g}",
        "pool_cap_wan": f"{s.pool_cap_wan:g}{wan}",
        "pool_cap_basis": lang.t(f"plat.rw.basis.{s.pool_cap_basis}"),
        "pool_years": lang.t("methods.rw.years", n=s.pool_years),
        "pool_score_bands": bands_text(s),
        "reward_from": s.reward_from.isoformat() if s.reward_from else "—",
    }

    def changed(key: str) -> str:
        if key not in latest.index or latest.loc[key, "set_by"] == "reference":
            return lang.t("methods.seeded")
        row = latest.loc[key]
        return f"{pd.Timestamp(row['set_at']):%Y-%m-%d} {row['set_by']}"

    return pd.DataFrame(
        [
            (lang.t(f"plat.rw.set.{key}"), shown[key], lang.t(f"methods.rw.source.{key}"), changed(key))
            for key in rewards.SETTING_KEYS
        ],
        columns=[lang.t(f"methods.rw.col.{c}") for c in ("setting", "value", "source", "updated")],
    )


def _detail(rows: pd.DataFrame, *, for_csv: bool = False) -> pd.DataFrame:
    """One row per reward. On screen an unknown amount reads "—" (never "None" or 0); in the CSV
    amounts stay numbers (empty where unknown) so that a spreadsheet can add them up."""

    def shown(values: pd.Series, digits: int) -> pd.Series | list[str]:
        if for_csv:
            return values
        return ["—" if pd.isna(v) else f"{v:,.{digits}f}" for v in values]

    return pd.DataFrame(
        {
            lang.t("col.platform"): rows["name"].astype(str),
            lang.t("plat.col.region"): rows["region"].map(fmt.region_name),
            lang.t("plat.rw.col.kind"): rows["kind"].map(lambda k: lang.t(f"plat.rw.kind.{k}")),
            lang.t("plat.rw.col.year"): rows["year"],
            lang.t("plat.rw.col.state"): rows["state"].map(lambda k: lang.t(f"plat.rw.state.{k}")),
            lang.t("plat.rw.col.amount"): shown(rows["amount_wan"], 1),
            lang.t("plat.rw.col.max"): shown(rows["max_wan"], 1),
            lang.t("plat.rw.col.score"): shown(rows["score"], 1),  # as the review tab writes it
            lang.t("plat.rw.col.on"): rows["on"].map(listing.day),
            lang.t("col.host"): rows["host"].astype(str),
        }
    )


def _settings_form() -> None:
    values = listing.read("settings")
    with st.expander(lang.t("plat.rw.settings"), icon=":material/tune:"):
        with st.form("plat_rw_settings"):
            c1, c2 = st.columns(2)
            c1.number_input(
                lang.t("plat.rw.set.provincial_award_wan"),
                min_value=0.0,
                value=float(values["provincial_award_wan"]),
                step=100.0,
                key="plat_rw_provincial_award_wan",
            )
            c2.number_input(
                lang.t("plat.rw.set.national_match_ratio"),
                min_value=0.0,
                value=float(values["national_match_ratio"]),
                step=0.1,
                key="plat_rw_national_match_ratio",
            )
            c1.number_input(
                lang.t("plat.rw.set.pool_cap_wan"),
                min_value=0.0,
                value=float(values["pool_cap_wan"]),
                step=10.0,
                key="plat_rw_pool_cap_wan",
            )
            c2.radio(
                lang.t("plat.rw.set.pool_cap_basis"),
                list(rewards.POOL_CAP_BASES),
                index=list(rewards.POOL_CAP_BASES).index(values["pool_cap_basis"]),
                format_func=lambda b: lang.t(f"plat.rw.basis.{b}"),
                horizontal=True,
                key=listing.lang_key("plat_rw_pool_cap_basis"),
            )
            c1.number_input(
                lang.t("plat.rw.set.pool_years"),
                min_value=1,
                max_value=10,
                value=int(float(values["pool_years"])),
                step=1,
                key="plat_rw_pool_years",
            )
            c2.text_input(
                lang.t("plat.rw.set.pool_score_bands"),
                value=values["pool_score_bands"],
                key="plat_rw_pool_score_bands",
            )
            c1.text_input(
                lang.t("plat.rw.set.reward_from"), value=values["reward_from"], key="plat_rw_reward_from"
            )
            st.caption(lang.t("plat.ed.recorded_as", user=fmt.plain(signin.viewer().username)))
            st.form_submit_button(lang.t("plat.rw.set.save"), on_click=_save_settings, key="plat_rw_save")
        log = listing.read("settings_log")
        st.markdown(f"**{lang.t('plat.rw.log')}**")
        st.dataframe(
            pd.DataFrame(
                {
                    lang.t("plat.rw.col.set_at"): log["set_at"].map(
                        lambda v: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")
                    ),
                    lang.t("plat.rw.col.key"): log["key"].map(lambda k: lang.t(f"plat.rw.set.{k}")),
                    lang.t("plat.rw.col.value"): log["value"].astype(str),
                    lang.t("plat.col.by"): log["set_by"].astype(str),
                }
            ),
            hide_index=True,
            width="stretch",
            key="plat_rw_log",
        )


def _save_settings() -> None:
    s = st.session_state
    if not signin.can(Permission.MANAGE_TARGETS):  # checked again at the click
        flash("error", lang.t("plat.rw.not_allowed"), "rewards")
        return
    values = {
        "provincial_award_wan": f"{s['plat_rw_provincial_award_wan']:g}",
        "national_match_ratio": f"{s['plat_rw_national_match_ratio']:g}",
        "pool_cap_wan": f"{s['plat_rw_pool_cap_wan']:g}",
        "pool_cap_basis": s[listing.lang_key("plat_rw_pool_cap_basis")],
        "pool_years": str(int(s["plat_rw_pool_years"])),
        "pool_score_bands": s["plat_rw_pool_score_bands"],
        "reward_from": s["plat_rw_reward_from"],
    }
    problems = write(lambda con: rewards.save_settings(con, values, signin.viewer().username), "rewards")
    if problems is None:
        return
    for key, code in problems.items():
        if key == "by":
            flash("error", lang.t("plat.rv.problem.by_missing"), "rewards")
        else:
            flash("error", lang.t(f"plat.rw.problem.{code}", field=lang.t(f"plat.rw.set.{key}")), "rewards")
    if not problems:
        flash("success", lang.t("plat.rw.saved"), "rewards")
