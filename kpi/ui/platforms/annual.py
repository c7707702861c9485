"""The annual-review tab of the pilot-platform page (中试平台): for one year, the ranking of the
pool's platforms with their scores and rewards, the pool platforms below the lowest band
(动态管理 exit candidates), the other platforms' scores, and one platform's figures with its
score by component. The entry of figures and overrides is kpi.ui.platforms.entry.

Every number comes from kpi.platforms.annual.year_review, the function behind
`kpi reviews --year --json`: the page and the command cannot disagree. Reasons and names are
user text: shown only in st.dataframe cells and widget options.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from kpi.platforms import annual, reviews, rewards, scoring
from kpi.platforms.figures import FIGURES
from kpi.reports import review_charts
from kpi.ui import fmt, lang
from kpi.ui.platforms import entry, listing
from kpi.ui.platforms.forms import show_flash
from kpi.ui.platforms.rewards import bands_text
from kpi.ui.scheme import full_marks_text

_CHART = {"displayModeBar": False}


def reviews_section(plats: pd.DataFrame, settings: rewards.RewardSettings, today: dt.date) -> None:
    show_flash("reviews")
    scheme: scoring.Scheme = listing.read("scheme")
    st.caption(lang.t("rv.intro"))
    if scheme.placeholder:
        st.caption(lang.t("rv.placeholder"))
    default = reviews.default_review_year(today)
    years = list(range(default + 1, 2020, -1))
    year = st.columns([1, 3])[0].selectbox(
        lang.t("plat.rv.year"), years, index=years.index(default), key="plat_rv_year"
    )
    scores = listing.read("annual")
    review = annual.year_review(plats, scores, settings, year)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(lang.t("rv.m.pool"), f"{len(review.pool)} / {len(review.pool) + len(review.pending)}")
    c2.metric(lang.t("rv.m.reward", year=year), fmt.money(review.pool_reward_wan))
    c3.metric(lang.t("rv.m.pending"), fmt.money(review.pending_max_wan))
    c4.metric(lang.t("rv.m.exit"), lang.t("rv.m.exit_n", n=len(review.exit_candidates)))
    _ranking(review, settings)
    _exit(review)
    _others(review)
    _detail(review, scheme)
    entry.entry_section(plats, scores, settings, year, today)


def _numbers(keys: tuple[str, ...] = ("rv.col.score", "rv.col.computed", "rv.col.reward")) -> dict[str, Any]:
    """Numbers written as text (one decimal, "—" where unknown), right-aligned as numbers read."""
    return {lang.t(k): st.column_config.TextColumn(alignment="right") for k in keys}


def source_text(row: dict[str, Any]) -> str:
    return lang.t(f"rv.source.{row['source']}")


def score_text(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{float(value):.1f}"


def ranking_frame(review: annual.YearReview) -> pd.DataFrame:
    """The pool's platforms of the year as the page's table shows them (and the test reads)."""
    pool = review.pool
    return pd.DataFrame(
        {
            lang.t("rv.col.rank"): pool["rank"].astype("Int64"),
            lang.t("col.platform"): pool["name"].astype(str),
            lang.t("plat.col.region"): pool["region"].map(fmt.region_name),
            lang.t("rv.col.score"): pool["score"].map(score_text),
            lang.t("rv.col.source"): [source_text(r) for r in pool.to_dict("records")],
            lang.t("rv.col.computed"): pool["computed"].map(score_text),
            lang.t("rv.col.reward"): pool["reward_wan"].map(lambda v: f"{v:,.1f}"),
            lang.t("rv.col.state"): pool["reward_state"].map(lambda s: lang.t(f"plat.rw.state.{s}")),
            lang.t("rv.col.reason"): pool["reason"].map(lambda v: v if isinstance(v, str) else ""),
            lang.t("col.host"): pool["host"].astype(str),
        }
    )


def others_frame(review: annual.YearReview) -> pd.DataFrame:
    rows = review.rows[~review.rows["in_pool"]]
    return pd.DataFrame(
        {
            lang.t("col.platform"): rows["name"].astype(str),
            lang.t("plat.col.region"): rows["region"].map(fmt.region_name),
            lang.t("col.level"): rows["level"].map(listing.level_name),
            lang.t("rv.col.score"): rows["score"].map(score_text),
            lang.t("rv.col.source"): [source_text(r) for r in rows.to_dict("records")],
            lang.t("rv.col.reward"): rows["reward_wan"].map(lambda v: f"{v:,.1f}"),
            lang.t("col.host"): rows["host"].astype(str),
        }
    )


def _ranking(review: annual.YearReview, settings: rewards.RewardSettings) -> None:
    st.subheader(lang.t("rv.ranking", year=review.year))
    st.caption(lang.t("rv.ranking_help", bands=bands_text(settings)))
    if review.pool.empty:
        st.info(lang.t("rv.no_pool", year=review.year))
        return
    pool = review.pool
    figure = review_charts.ranking_bars(
        list(pool["name"]),
        list(pool["score"]),
        list(pool["exit_candidate"]),
        [lowest for lowest, _ in settings.pool_score_bands],
    )
    st.plotly_chart(figure, key="plat_rv_ranking_chart", config=_CHART)
    st.dataframe(
        ranking_frame(review),
        hide_index=True,
        width="stretch",
        column_config=_numbers(),
        key="plat_rv_ranking",
    )


def _exit(review: annual.YearReview) -> None:
    st.subheader(lang.t("rv.exit"))
    st.caption(lang.t("rv.exit_help", lowest=f"{review.lowest_band:g}"))
    low = review.exit_candidates
    if low.empty:
        st.success(lang.t("rv.exit_none", year=review.year))
        return
    st.dataframe(
        pd.DataFrame(
            {
                lang.t("col.platform"): low["name"].astype(str),
                lang.t("plat.col.region"): low["region"].map(fmt.region_name),
                lang.t("rv.col.score"): low["score"].map(score_text),
                lang.t("rv.col.source"): [source_text(r) for r in low.to_dict("records")],
                lang.t("col.host"): low["host"].astype(str),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config=_numbers(),
        key="plat_rv_exit",
    )


def _others(review: annual.YearReview) -> None:
    others = review.rows[~review.rows["in_pool"]]
    if others.empty:
        return
    st.subheader(lang.t("rv.others"))
    st.caption(lang.t("rv.others_help"))
    st.dataframe(
        others_frame(review), hide_index=True, width="stretch", column_config=_numbers(), key="plat_rv_others"
    )


def figure_text(code: str, value: Any) -> str:
    """A stored figure as the table writes it: counts whole, 万元 with one decimal, the
    accreditation as held."""
    if code == "accreditation":
        return lang.t(f"rv.accreditation.{value}")
    if code == "service_revenue":
        return f"{float(value):,.1f}"
    return f"{int(value):,}"


def detail_frame(
    values: dict[str, Any] | None, components: dict[str, float], scheme: scoring.Scheme
) -> pd.DataFrame:
    """One row per figure: value reported, full marks, weight, points; the score last."""
    zh = lang.lang() == "zh"
    by_code = {f.code: f for f in FIGURES}
    rows = [
        (
            by_code[c.figure].label_zh if zh else by_code[c.figure].label_en,
            figure_text(c.figure, values[c.figure]) if values else "—",
            full_marks_text(c),
            f"{c.weight:g}",
            f"{components[c.figure]:.1f}",
        )
        for c in scheme.components
    ]
    total = sum(round(components[c.figure] * 10) for c in scheme.components) / 10
    rows.append((lang.t("rv.total"), "", "", f"{sum(c.weight for c in scheme.components):g}", f"{total:.1f}"))
    cols = ("figure", "value", "full", "weight", "points")
    return pd.DataFrame(rows, columns=[lang.t(f"rv.col.{c}") for c in cols])


def _detail(review: annual.YearReview, scheme: scoring.Scheme) -> None:
    st.subheader(lang.t("rv.detail"))
    if review.rows.empty:
        st.caption(lang.t("rv.none_scored", year=review.year))
        return
    keys = [listing.key_of(r) for r in review.rows.to_dict("records")]
    key = st.selectbox(
        lang.t("rv.detail_pick"), keys, format_func=listing.key_label, key=listing.lang_key("plat_rv_detail")
    )
    if key is None:
        return
    row = review.rows.iloc[keys.index(key)].to_dict()
    summary = {
        lang.t("rv.col.score"): score_text(row["score"]),
        lang.t("rv.col.source"): source_text(row),
        lang.t("rv.col.computed"): score_text(row["computed"]),
        lang.t("rv.col.reward"): f"{row['reward_wan']:,.1f}",
        lang.t("rv.col.state"): lang.t(f"plat.rw.state.{row['reward_state']}"),
    }
    if row["source"] == "override":
        summary[lang.t("rv.col.reason")] = row["reason"] or ""
        summary[lang.t("plat.col.by")] = str(row["override_by"] or "")
    st.dataframe(
        pd.DataFrame([summary]),
        hide_index=True,
        width="stretch",
        column_config=_numbers(),
        key="plat_rv_summary",
    )
    if row["components"] is None:
        st.info(lang.t("rv.no_figures"))
        return
    if row["source"] == "override":
        st.caption(lang.t("rv.override_note"))
    figs = listing.read("figures")
    name, host = listing.split_key(key)
    mine = figs[(figs["name"] == name) & (figs["host"] == host) & (figs["year"] == review.year)]
    values = mine.iloc[0].to_dict() if not mine.empty else None
    zh = lang.lang() == "zh"
    by_code = {f.code: f for f in FIGURES}
    comps = row["components"]
    st.plotly_chart(
        review_charts.component_bars(
            [by_code[c.figure].label_zh if zh else by_code[c.figure].label_en for c in scheme.components],
            [comps[c.figure] for c in scheme.components],
            [c.weight for c in scheme.components],
            earned=lang.t("rv.chart.earned"),
            weight=lang.t("rv.chart.weight"),
        ),
        key="plat_rv_components",
        config=_CHART,
    )
    st.dataframe(
        detail_frame(values, comps, scheme),
        hide_index=True,
        width="stretch",
        column_config=_numbers(("rv.col.value", "rv.col.full", "rv.col.weight", "rv.col.points")),
        key="plat_rv_figures",
    )
    st.caption(lang.t("rv.rounding"))
