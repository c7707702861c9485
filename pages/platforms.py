"""中试平台 Pilot platforms: the register with its history, 135N coverage, the level ladder against
the 2027 targets, rewards, annual reviews, and corrections of a single platform.

The numbers follow kpi.register's rules, the same as `kpi status`; the widgets live in
kpi/ui_platforms*.py, and this page lays them out.
"""

import streamlit as st

from kpi import register, rewards, ui, ui_auth
from kpi import ui_platforms as up
from kpi import ui_platforms_coverage as cover
from kpi import ui_platforms_forms as forms
from kpi import ui_platforms_rewards as money
from kpi.access import Permission

ui.entry_guard()


def body() -> None:
    ui.page_header(ui.t("nav.platforms"))
    plats = up.read("register")
    if plats.empty:
        st.info(ui.t("plat.empty"), icon=":material/inbox:")
        return
    today = up.today()
    taxonomy = ui.read("clusters")
    standing = register.standing_on(plats, today)
    goals = register.goals(standing, list(taxonomy["code"]), ui.read("targets"), today)
    st.caption(ui.t("plat.as_of", date=today.isoformat(), deadline=goals[0].deadline.isoformat()))
    if not taxonomy["confirmed"].all():
        st.info(ui.t("plat.unconfirmed"), icon=":material/warning:")
    up.goal_cards(goals, today)

    settings = (
        rewards.parse_settings(up.read("settings"))[0] or rewards.parse_settings(rewards.default_values())[0]
    )
    names = ("register", "coverage", "ladder", "rewards", "reviews")
    if ui_auth.can(Permission.UPLOAD):  # corrections of the register: statisticians
        names += ("edit",)
    tabs = dict(zip(names, st.tabs([ui.t(f"plat.tab.{n}") for n in names]), strict=True))
    with tabs["register"]:
        up.register_table(plats)
        up.history_section(plats)
    with tabs["coverage"]:
        cover.coverage_section(plats, standing, today)
    with tabs["ladder"]:
        cover.ladder_section(plats, standing, goals, today)
    with tabs["rewards"]:
        money.rewards_section(plats, settings)
    with tabs["reviews"]:
        forms.reviews_section(plats, settings, today)
    if "edit" in tabs:
        with tabs["edit"]:
            forms.edit_section(plats)


ui.guarded(body)
