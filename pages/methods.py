"""方法说明 Methods: how every number is made, with targets, rules and taxonomy read from the database.

Nothing here is re-typed: formulas come from kpi.definitions, targets and their sources from the
`targets` table, status rules from kpi.compute (the same functions that set the lights), the
platform reward rules from the reward settings (the same reads as the platforms page).
"""

import pandas as pd
import streamlit as st

from kpi import compute, ui
from kpi import ui_platforms_rewards as money
from kpi.definitions import COUNT_LABELS, RATIO, RATIOS, STAT_FIELD, Status, TargetKind, indicator_label

ui.entry_guard()


def body() -> None:
    ui.page_header(ui.t("nav.methods"))
    st.markdown(ui.t("methods.intro"))

    st.header(ui.t("methods.indicators"))
    _table(_indicators())
    st.markdown(ui.t("methods.ratio_of_sums"))
    st.caption(ui.t("methods.rd_note"))
    st.markdown(ui.t("methods.platform_rule"))

    st.header(ui.t("methods.data"))
    st.markdown(ui.t("methods.data_text"))

    st.header(ui.t("methods.targets"))
    _table(_targets())
    st.caption(ui.t("methods.targets_note"))

    st.header(ui.t("methods.status"))
    st.markdown(ui.t("methods.status_intro"))
    legend = [f"{ui.status_badge(s)} {ui.t(f'methods.meaning.{s}')}" for s in Status]
    st.markdown("\n".join(f"- {line}" for line in legend), unsafe_allow_html=True)
    _table(_rules())
    st.markdown(ui.t("methods.elapsed"))

    st.header(ui.t("methods.scopes"))
    st.markdown(ui.t("methods.scopes_text"))

    st.header(ui.t("methods.taxonomy"))
    _taxonomy()

    st.header(ui.t("methods.rewards"))
    st.markdown(ui.t("methods.rewards_intro"))
    settings = money.current_settings()  # the platforms page's rules, from the same settings
    st.markdown("\n".join(f"- {line}" for line in money.rule_lines(settings)))
    _table(money.settings_table(settings))

    st.header(ui.t("methods.open"))
    st.markdown(ui.t("methods.open_intro"))
    st.markdown("\n".join(f"{i}. {ui.t(f'methods.open.{i}')}" for i in range(1, 5)))


def _table(frame: pd.DataFrame) -> None:
    st.table(frame, hide_index=True)


def _label(code: str) -> str:
    return indicator_label(code, ui.lang())


def _indicators() -> pd.DataFrame:
    zh = ui.lang() == "zh"
    rows = []
    for r in RATIOS:
        num, den = STAT_FIELD[r.numerator], STAT_FIELD[r.denominator]
        formula = f"Σ{num.label_zh} ÷ Σ{den.label_zh}" if zh else f"Σ {num.label_en} ÷ Σ {den.label_en}"
        rows.append((_label(r.code), r.code, formula, ui.t("methods.ratio_scope")))
    for code in COUNT_LABELS:
        rows.append((_label(code), code, ui.t(f"methods.formula.{code}"), ui.t("methods.platform_scope")))
    return pd.DataFrame(
        rows,
        columns=[ui.t(f"methods.col.{c}") for c in ("indicator", "code", "formula", "scope")],
    )


def _target_text(target: compute.Target) -> str:
    """`≥ 3.15%`, `73% ± 1 个百分点`, `≥ 3 家`: the stored value with its comparator."""
    comparator = target.comparator.replace(">=", "≥").replace("<=", "≤")
    if target.kind is TargetKind.COUNT:
        return f"{comparator} " + ui.t("methods.count_value", value=f"{target.value:g}")
    value = f"{target.value * 100:g}%"
    if target.kind is TargetKind.BAND:
        return ui.t("methods.band_value", value=value, band=f"{target.band_pp or 0:g}")
    return f"{comparator} {value}"


def _targets() -> pd.DataFrame:
    frame = ui.read("targets")
    rows = []
    for code in (*RATIO, *COUNT_LABELS):
        target = ui.target_of(code)
        stored = frame[frame["indicator"] == code].iloc[0]
        changed = stored["updated_at"]
        rows.append(
            (
                _label(code),
                _target_text(target),
                ui.t(f"methods.kind.{target.kind.value}"),
                f"{target.deadline:%Y‑%m‑%d}",  # non-breaking hyphens: the date never wraps
                target.source,
                _changed(changed, stored["updated_by"]),
            )
        )
    cols = ("indicator", "target", "kind", "deadline", "source", "updated")
    return pd.DataFrame(rows, columns=[ui.t(f"methods.col.{c}") for c in cols])


def _changed(when: object, by: object) -> str:
    if by == "reference":  # seeded from kpi/reference/targets.csv, never edited
        return ui.t("methods.seeded")
    return "" if pd.isna(when) else f"{pd.Timestamp(when):%Y-%m-%d} {by or ''}".strip()


def _rules() -> pd.DataFrame:
    settings = ui.read("targets").set_index("indicator")
    rows = []
    for code in (*RATIO, *COUNT_LABELS):
        target = ui.target_of(code)
        if target.kind in (TargetKind.POINT, TargetKind.FLOOR, TargetKind.BAND):
            row = settings.loc[code]
            glide = ui.t(
                "methods.glide_rule",
                year=int(row["baseline_year"]),
                green=f"{row['glide_green_pp']:g}",
                amber=f"{row['glide_amber_pp']:g}",
            )
            rule = f"{glide}\n{ui.t('methods.gap_rule_prefix')}{compute.ratio_rule(target, ui.lang())}"
        else:
            rule = compute.count_rule(ui.lang())
        rows.append((_label(code), rule))
    return pd.DataFrame(rows, columns=[ui.t("methods.col.indicator"), ui.t("methods.col.rule")])


def _taxonomy() -> None:
    st.markdown(ui.t("methods.taxonomy_text"))
    clusters = ui.read("clusters")
    unconfirmed = int((~clusters["confirmed"].astype(bool)).sum())
    if unconfirmed:
        st.warning(
            ui.t("methods.taxonomy_placeholder", n=unconfirmed, total=len(clusters)),
            icon=":material/warning:",
        )
    else:
        st.success(ui.t("methods.taxonomy_confirmed", total=len(clusters)))
    zh = ui.lang() == "zh"
    shown = pd.DataFrame(
        {
            ui.t("methods.col.code"): clusters["code"],
            ui.t("methods.col.cluster"): clusters["name" if zh else "name_en"],
            ui.t("methods.col.tier"): clusters["tier"].map(lambda v: ui.t(f"methods.tier.{v}")),
            ui.t("methods.col.group"): clusters["group"].map(lambda v: ui.t(f"methods.group.{v}")),
            ui.t("methods.col.confirmed"): clusters["confirmed"].map(
                lambda v: ui.t("methods.yes" if v else "methods.no")
            ),
        }
    )
    with st.expander(f"{ui.t('methods.taxonomy')}（{len(clusters)}）", expanded=bool(unconfirmed)):
        _table(shown)


ui.guarded(body)
