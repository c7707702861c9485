"""中试平台 Pilot platforms: the register with its history, 135N coverage, the level ladder against
the 2027 targets, rewards, annual reviews, and corrections of a single platform.

The numbers follow kpi.platforms.register's rules, the same as `kpi status`; the widgets live in
kpi/ui/platforms/, and this page lays them out.
"""

import streamlit as st

from kpi.model.roles import Permission
from kpi.platforms import register, rewards
from kpi.ui import lang, layout, scope, signin
from kpi.ui import signin as ui_signin
from kpi.ui.platforms import annual, coverage, forms, listing
from kpi.ui.platforms import rewards as platforms_rewards

signin.entry_guard()


TAB_KEY = "platforms_tab"  # the open tab's label (tests choose a tab through it)
# what a closed tab keeps: its filters and choices (a form's unsent fields live in the browser)
KEEP = {
    "plat.tab.register": ("plat_search", "plat_f_", "plat_history__"),
    "plat.tab.reviews": (
        "plat_rv_year",
        "plat_rv_detail__",
        "plat_fg_pick__",
        "plat_fg_year",
        "plat_rv_pick__",
    ),
    "plat.tab.edit": ("plat_edit_pick__",),
}


def body() -> None:
    layout.page_header(lang.t("nav.platforms"))
    plats = listing.read("register")
    if plats.empty:
        st.info(lang.t("plat.empty"), icon=":material/inbox:")
        return
    today = listing.today()
    taxonomy = scope.read("clusters")
    standing = scope.read("standing", today)  # the platforms that count today, cached
    goals = register.goals(standing, list(taxonomy["code"]), scope.read("targets"), today)
    st.caption(lang.t("plat.as_of", date=today.isoformat(), deadline=goals[0].deadline.isoformat()))
    if not taxonomy["confirmed"].all():
        st.info(lang.t("plat.unconfirmed"), icon=":material/warning:")
    listing.goal_cards(goals, today)

    settings = (
        rewards.parse_settings(listing.read("settings"))[0]
        or rewards.parse_settings(rewards.default_values())[0]
    )
    names = ("register", "coverage", "ladder", "rewards", "reviews")
    if ui_signin.can(Permission.UPLOAD):  # corrections of the register: statisticians
        names += ("edit",)
    # only the open tab runs (st.tabs' lazy mode): five tabs drew every table and both charts,
    # hidden, on every view (issue 16); a click on a tab reruns the page with that one
    sections = {
        "register": lambda: (listing.register_table(plats), listing.history_section(plats)),
        "coverage": lambda: coverage.coverage_section(standing, today),
        "ladder": lambda: coverage.ladder_section(standing, goals, today),
        "rewards": lambda: platforms_rewards.rewards_section(plats, settings),
        "reviews": lambda: annual.reviews_section(plats, settings, today),  # scores, ranking, entry
        "edit": lambda: forms.edit_section(plats),
    }
    tabs = layout.lazy_tabs([f"plat.tab.{n}" for n in names], TAB_KEY, KEEP)
    for name, tab in zip(names, tabs, strict=True):
        with tab:
            if tab.open:
                sections[name]()


layout.guarded(body)
