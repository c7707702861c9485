"""The brief's section on the annual review (kpi.reports.brief calls it): the review year's total
reward and the ranking of the pool's platforms, from kpi.platforms.annual.year_review, the same
numbers as the platforms page and `kpi reviews --year`.

The review year is the one being reviewed now (kpi.platforms.reviews.default_review_year: until
the end of March, the past year). A brief for one unit shows that unit's platforms; the reward
totals are then the unit's. Every value reaching the HTML goes through `html.escape`.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import duckdb

from kpi.platforms import annual, register, reviews, rewards
from kpi.text import numbers

SHOWN = 3  # ranking entries that fit on the one page; the rest are counted

CSS = """
.rv { font-size: 8pt; margin-top: 1.2mm; padding: 0.6mm 2mm; border-left: 1.2mm solid #0072B2;
      background: #f3f6f9; line-height: 1.3; }
.rv b { white-space: nowrap; }
.rv .e { white-space: nowrap; }
/* room for this block on the one page: the ranking charts a little shorter (they keep their
   proportions and stay vector); the brief's owner may prefer to fold this into brief.CSS */
.charts svg { max-height: 37mm; }
"""


def gather(
    con: duckdb.DuckDBPyConnection, region: str | None = None, *, today: dt.date | None = None
) -> dict[str, Any]:
    """The year's review, for the city or one unit (`region`)."""
    year = reviews.default_review_year(today or dt.date.today())
    plats = register.current_register(con, region)
    review = annual.year_review(plats, reviews.annual_reviews(con), rewards.load_settings(con), year)
    return {"year": year, "review": review}


def section(data: dict[str, Any]) -> str:
    """One compact block (the brief is one page): the year's total reward, then the ranking."""
    review: annual.YearReview = data["review"]
    year = data["year"]
    money = numbers.money
    parts = [
        f"奖励资金已承诺{money(review.total_reward_wan)}（培育库考核奖励{money(review.pool_reward_wan)}；"
        f"待考核{len(review.pending)}个，最多{money(review.pending_max_wan)}）。"
    ]
    pool = review.pool
    entries = ""
    if pool.empty:
        parts.append("尚无培育库平台的考核得分。")
    else:
        shown = []
        for r in pool.head(SHOWN).to_dict("records"):
            source = "（人工调整）" if r["source"] == "override" else ""
            shown.append(
                f'<span class="e">{int(r["rank"])}. {escape(str(r["name"]))}</span> '
                f"{r['score']:.1f}分{source} {escape(money(r['reward_wan']))}"
            )
        exits = len(review.exit_candidates)
        tail = f"；共{len(pool)}个" + (f"，低于最低档（动态管理候选）{exits}个" if exits else "")
        entries = "排名：" + "；".join(shown) + tail + "。"
    return (
        f'<style>{CSS}</style><div class="rv"><b>{year}年度绩效考核</b>　'
        f"{escape(''.join(parts))}{entries}</div>"
    )
