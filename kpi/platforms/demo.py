"""`kpi demo`: the synthetic demo set (kpi.ingest.demo: statistics and the register) plus each
demo platform's annual figures and one override, so that the annual review has something to
show. Here, a layer above kpi.ingest, because checking figures needs the register's rules.

Deterministic: hand-written figures for 2025 and 2026 (chosen so that the scores spread over the
bands: one pool platform at the top, one in each band, one below the lowest band, one pending),
later years grow by 8 % a year from 2026. Figures are loaded for every year of a platform's life
in the register from 2025 up to the current review year (kpi.platforms.reviews.default_review_year);
the platform under construction reports none. Everything goes through the normal ingestion,
marked as demo.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from kpi.ingest import demo as base
from kpi.platforms import figures, register, reviews

FIRST_YEAR = 2025
GROWTH = 1.08

# name: {year: (服务企业数, 中试服务项目数, 中试服务收入 万元, 孵化企业数, 成果转化数, 资质, 标准, 专利)}
FIGURES: dict[str, dict[int, tuple[int, int, float, int, int, str, int, int]]] = {
    "嘉兴智能光伏中试基地（示例）": {
        2025: (62, 35, 1450.0, 4, 12, "CMA+CNAS", 3, 9),
        2026: (70, 41, 1620.0, 5, 14, "CMA+CNAS", 4, 11),
    },
    "长三角集成电路中试平台（示例）": {
        2025: (38, 21, 880.0, 3, 6, "CNAS", 1, 7),
        2026: (47, 28, 1150.0, 4, 9, "CNAS", 2, 8),
    },
    "现代纺织新材料中试平台（示例）": {
        2025: (44, 18, 520.0, 2, 5, "CMA", 2, 3),
        2026: (49, 22, 610.0, 3, 6, "CMA", 1, 4),
    },
    "化工新材料中试基地（示例）": {
        2025: (35, 20, 560.0, 2, 5, "CMA", 1, 2),
        2026: (48, 31, 860.0, 4, 9, "CMA", 2, 6),
    },
    "智能传感与安防中试平台（示例）": {
        2025: (27, 12, 310.0, 3, 4, "无", 1, 6),
        2026: (33, 15, 420.0, 3, 5, "CMA", 1, 6),
    },
    "机器人与数控机床中试验证中心（示例）": {
        2025: (9, 4, 85.0, 0, 1, "无", 0, 1),
        2026: (40, 22, 640.0, 3, 7, "CNAS", 1, 4),
    },
    "氢能装备中试平台（示例）": {2026: (18, 9, 260.0, 1, 2, "CMA+CNAS", 1, 2)},
    "生物医药检验检测中试平台（示例）": {2026: (45, 26, 1120.0, 2, 6, "CMA+CNAS", 3, 3)},
}
OVERRIDES = (  # name, year, score, reason
    (
        "机器人与数控机床中试验证中心（示例）",
        2025,
        65.0,
        "列入培育库不足3个月，年度数据不能反映运行情况；按专班2026年1月现场核查结果评定",
    ),
)


def figures_of(name: str, year: int) -> tuple[int, int, float, int, int, str, int, int] | None:
    by_year = FIGURES.get(name, {})
    if year in by_year:
        return by_year[year]
    if year < 2026 or 2026 not in by_year:
        return None
    f = by_year[2026]
    k = GROWTH ** (year - 2026)
    return (
        round(f[0] * k),
        round(f[1] * k),
        round(f[2] * k, 1),
        round(f[3] * k),
        round(f[4] * k),
        f[5],
        f[6],
        round(f[7] * k),
    )


def figures_frame(plats: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The demo figures file: one row per platform and year of its life, 2025 to the review year."""
    last = reviews.default_review_year(today)
    rows = []
    for row in plats.to_dict("records"):
        life = figures.life_of(row, today)
        for year in range(FIRST_YEAR, last + 1):
            values = figures_of(row["name"], year)
            if values is None or not life.holds(year):
                continue
            rows.append({"平台名称": row["name"], "依托单位": row["host"], "考核年度": year})
            rows[-1].update({f.label_zh: v for f, v in zip(figures.FIGURES, values, strict=True)})
    return pd.DataFrame(
        rows, columns=["平台名称", "依托单位", "考核年度", *(f.label_zh for f in figures.FIGURES)]
    )


def load(
    con: duckdb.DuckDBPyConnection, force: bool = False, today: dt.date | None = None
) -> tuple[int, int]:
    """kpi.ingest.demo.load, then the figures and the override (refused where real data exist)."""
    rows, plats = base.load(con, force=force, today=today)
    today = today or dt.date.today()
    frame = figures_frame(register.current_register(con), today)
    if not frame.empty:
        data = frame.to_csv(index=False).encode("utf-8")
        done = figures.ingest_figures(
            con, data, "demo_figures.csv", uploaded_by="demo", is_demo=True, today=today
        )
        if not done.stored:  # a bug in this module, never the user's doing
            raise RuntimeError(
                f"demo figures failed validation: {[i.describe('en') for i in done.report.errors][:5]}"
            )
    stored = set(zip(frame.get("平台名称", []), frame.get("考核年度", []), strict=True))
    lines = [f"{n},{h},{y},{s:g},{r}" for n, y, s, r in OVERRIDES for h in _host(con, n) if (n, y) in stored]
    if lines:
        text = "平台名称,依托单位,考核年度,考核得分,评语\n" + "\n".join(lines) + "\n"
        done = reviews.ingest_reviews(
            con, text.encode("utf-8"), "demo_reviews.csv", uploaded_by="demo", is_demo=True
        )
        if not done.stored:
            raise RuntimeError(
                f"demo overrides failed validation: {[i.describe('en') for i in done.report.errors][:5]}"
            )
    return rows, plats


def _host(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    plats = register.current_register(con)
    return list(plats.loc[plats["name"] == name, "host"])
