"""方法说明 Methods: how every number is made, with targets, rules and taxonomy read from the database.

Nothing here is re-typed: formulas come from kpi.model.definitions, targets and their sources from the
`targets` table, status rules from kpi.progress.compute (the same functions that set the lights), the
platform reward rules from the reward settings (the same reads as the platforms page).
"""

import streamlit as st

from kpi.model.definitions import Status
from kpi.ui import fmt, lang, layout, scheme, signin
from kpi.ui.methods import (
    indicators_table,
    progress_rules,
    rules_table,
    table,
    targets_table,
    taxonomy_notice,
    taxonomy_section,
)
from kpi.ui.platforms import rewards

signin.entry_guard()


def body() -> None:
    layout.page_header(lang.t("nav.methods"))
    st.markdown(lang.t("methods.intro"))
    # a short summary first, the detail in sections to open (issue 14: 4,900 px of tables)
    st.markdown(lang.t("methods.summary"))
    taxonomy_notice()

    with st.expander(lang.t("methods.indicators")):
        table(indicators_table())
        st.markdown(lang.t("methods.ratio_of_sums"))
        st.caption(lang.t("methods.rd_note"))
        st.markdown(lang.t("methods.platform_rule"))

    with st.expander(lang.t("methods.data")):
        st.markdown(lang.t("methods.data_text"))

    with st.expander(lang.t("methods.targets")):
        table(targets_table())
        st.caption(lang.t("methods.targets_note"))

    with st.expander(lang.t("methods.status")):
        st.markdown(lang.t("methods.status_intro"))
        legend = [f"{fmt.status_badge(s)} {lang.t(f'methods.meaning.{s}')}" for s in Status]
        st.markdown("\n".join(f"- {line}" for line in legend), unsafe_allow_html=True)
        table(rules_table())
        st.markdown(lang.t("methods.elapsed"))

    with st.expander(lang.t("methods.progress")):
        st.markdown("\n".join(f"- {line}" for line in progress_rules()))

    with st.expander(lang.t("methods.scopes")):
        st.markdown(lang.t("methods.scopes_text"))

    with st.expander(lang.t("methods.taxonomy")):
        taxonomy_section()

    with st.expander(lang.t("methods.rewards")):
        st.markdown(lang.t("methods.rewards_intro"))
        settings = rewards.current_settings()  # the platforms page's rules, from the same settings
        st.markdown("\n".join(f"- {line}" for line in rewards.rule_lines(settings)))
        table(rewards.settings_table(settings))
        scheme.methods_section()  # the annual review's scoring scheme, marked while a placeholder

    with st.expander(lang.t("methods.open")):
        st.markdown(lang.t("methods.open_intro"))
        st.markdown("\n".join(f"{i}. {lang.t(f'methods.open.{i}')}" for i in range(1, 5)))


layout.guarded(body)
