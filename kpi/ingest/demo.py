"""Synthetic demo data: plausible, deterministic (fixed seed), and marked as demo everywhere.

Calibrated to the known values of DOMAIN.md §2 (never presented as real): the city's R&D ratio
near 3 % (2.99 % in 2025 1—3月), a new-product rate just above 50 %, a high-tech share near
70 % (70.5 % in 2022) rising slowly; value added near 2,816 亿元 in 2022. The data go through
the same CSV validation and commit as any upload, so the demo also exercises that path.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from kpi.ingest.platforms import ingest_platforms
from kpi.ingest.stats import ingest_stats
from kpi.model.errors import DemoRefused
from kpi.model.periods import Period, quarters_between

SEED = 20250704  # the plan's publication date
FIRST = Period(2022, 1)

# unit: (share of city revenue, R&D ratio 2025 %, new-product rate %, high-tech share %)
UNITS: dict[str, tuple[float, float, float, float]] = {
    "330402": (0.08, 3.55, 55.0, 78.0),
    "330411": (0.09, 2.90, 47.0, 66.0),
    "330421": (0.12, 3.30, 53.0, 74.0),
    "330424": (0.09, 2.65, 44.0, 63.0),
    "330481": (0.16, 3.15, 52.0, 70.0),
    "330482": (0.14, 3.40, 54.0, 73.0),
    "330483": (0.14, 2.85, 49.0, 64.0),
    "JX-ETDZ": (0.10, 3.70, 57.0, 80.0),
    "JX-PORT": (0.08, 2.50, 41.0, 69.0),
}
# cluster: (host units, share of the unit's revenue, R&D ratio %, new-product %, high-tech %)
CLUSTERS: dict[str, tuple[tuple[str, ...], float, float, float, float]] = {
    "C1-01": (("330483", "330481", "330411"), 0.30, 2.2, 45.0, 40.0),
    "C3-01": (("330481", "330411"), 0.18, 3.6, 60.0, 92.0),
    "C3-02": (("330402", "330481", "JX-ETDZ"), 0.15, 5.5, 68.0, 97.0),
    "C3-03": (("330421", "330402"), 0.14, 4.8, 62.0, 95.0),
    "C5-01": (("JX-PORT", "330482"), 0.35, 2.6, 42.0, 85.0),
    "C5-02": (("330482", "JX-ETDZ"), 0.12, 4.1, 58.0, 90.0),
    "C5-03": (("JX-ETDZ", "330482", "330421"), 0.16, 3.4, 55.0, 72.0),
    "C5-04": (("330421", "330402"), 0.08, 5.0, 64.0, 96.0),
    "C5-05": (("330424", "330411"), 0.10, 1.6, 35.0, 30.0),
    "CN-01": (("JX-PORT", "330424"), 0.05, 4.4, 50.0, 88.0),
    "CN-02": (("330481", "JX-PORT"), 0.04, 6.0, 61.0, 93.0),
    "CN-03": (("JX-ETDZ", "330402"), 0.07, 5.8, 66.0, 98.0),
    "CN-04": (("330481", "330483"), 0.12, 1.9, 40.0, 35.0),
}
CITY_REVENUE_2022 = 138_000_000.0  # 万元 (13,800 亿元) a year
QUARTER_FLOW = (0.23, 0.25, 0.25, 0.27)  # share of the year's flow in each quarter
RD_SEASON = (0.965, 0.985, 1.0, 1.03)  # YTD R&D ratios rise through the year

PLATFORMS = """平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态
嘉兴智能光伏中试基地（示例）,示例光伏科技有限公司,海宁市,智能光伏,省级,龙头企业开放,2024-12-20,运行
长三角集成电路中试平台（示例）,示例半导体研究院,南湖区,集成电路与功率半导体,省级,政府牵头,2025-06-30,运行
现代纺织新材料中试平台（示例）,示例纺织集团,桐乡市,"现代纺织与服装;时尚家居与皮革",市级,多主体共建,2025-03-15,运行
化工新材料中试基地（示例）,示例化工园区管委会,嘉兴港区,化工新材料,市级培育库,政府牵头,2025-09-10,运行
智能传感与安防中试平台（示例）,示例大学嘉兴研究院,嘉善县,"智能传感、数字安防与网络通信",市级,高校院所,2025-08-01,运行
机器人与数控机床中试验证中心（示例）,示例智能装备股份公司,平湖市,机器人与数控机床,市级培育库,龙头企业开放,2025-10-20,运行
氢能装备中试平台（示例）,示例氢能检测中心,嘉兴港区,氢能,市级培育库,专业机构,2026-01-15,运行
生物医药检验检测中试平台（示例）,示例检验检测公司,经开区,生物医药,市级培育库,专业机构,2026-03-30,运行
汽车零部件中试平台（示例）,示例汽配科技公司,经开区,汽车及零部件,市级培育库,龙头企业开放,2026-05-20,在建
健康食品中试平台（示例）,示例食品公司,海盐县,健康食品,市级培育库,龙头企业开放,2024-06-01,撤销
"""


def stats_frame(last: Period | None = None) -> pd.DataFrame:
    """The demo statistics in the upload file's shape (Chinese headers, 万元)."""
    rng = np.random.default_rng(SEED)
    last = last or Period.latest_complete()
    quarters = quarters_between(FIRST, last)
    records = []
    for code, (share, rd, npr, ht) in UNITS.items():
        unit_rng = np.random.default_rng(rng.integers(1 << 31))
        for year in sorted({q.year for q in quarters}):
            t = year - 2025
            growth = 1.055 ** (year - 2022) * (1 + unit_rng.normal(0, 0.02))
            annual = CITY_REVENUE_2022 * share * growth
            cum = np.cumsum(QUARTER_FLOW) * annual
            for q in (q for q in quarters if q.year == year):
                rev = cum[q.quarter - 1]

                def noise(s: float = 0.01, g: np.random.Generator = unit_rng) -> float:
                    return 1 + g.normal(0, s)

                rd_ratio = (rd - 0.05 + 0.02 * t) / 100 * RD_SEASON[q.quarter - 1] * noise()
                gross = rev * 1.02 * noise(0.005)
                np_rate = (npr + 0.3 * t) / 100 * noise()
                iva = gross * 0.20 * noise(0.005)
                ht_share = min(0.97, (ht + 0.5 * t + 0.6) / 100 * noise(0.004))
                records.append(
                    _row(q, code, "合计", rev * rd_ratio, rev, gross * np_rate, gross, iva * ht_share, iva)
                )
                for cluster, (hosts, cshare, crd, cnp, cht) in CLUSTERS.items():
                    if code not in hosts:
                        continue
                    crev = rev * cshare * noise(0.02)
                    cgross = crev * 1.02
                    civa = cgross * 0.21
                    records.append(
                        _row(
                            q,
                            code,
                            cluster,
                            crev * (crd + 0.05 * t) / 100 * RD_SEASON[q.quarter - 1] * noise(),
                            crev,
                            cgross * min(0.95, (cnp + 0.3 * t) / 100 * noise()),
                            cgross,
                            civa * min(0.99, cht / 100 * noise(0.004)),
                            civa,
                        )
                    )
    return pd.DataFrame.from_records(records)


def _row(
    q: Period,
    region: str,
    cluster: str,
    rd: float,
    rev: float,
    npo: float,
    gross: float,
    ht: float,
    iva: float,
) -> dict[str, object]:
    return {
        "统计期": q.code,
        "县(市、区)": region,
        "产业集群": cluster,
        "研发费用": round(rd, 1),
        "营业收入": round(rev, 1),
        "新产品产值": round(npo, 1),
        "工业总产值": round(gross, 1),
        "高新技术产业增加值": round(ht, 1),
        "规上工业增加值": round(iva, 1),
    }


def load(
    con: duckdb.DuckDBPyConnection, force: bool = False, today: dt.date | None = None
) -> tuple[int, int]:
    """Load the demo set through the normal ingestion path. Refuses to mix into real data."""
    real = con.execute(
        "SELECT count(*) FROM uploads WHERE NOT is_demo AND kind IN ('stats', 'platforms') "
        "AND status = 'committed'"
    ).fetchall()[0][0]
    if real and not force:
        raise DemoRefused()
    last = Period.latest_complete(today)
    data = stats_frame(last).to_csv(index=False).encode("utf-8")
    stats = ingest_stats(con, data, "demo_stats.csv", uploaded_by="demo", is_demo=True, today=today)
    plats = ingest_platforms(
        con, PLATFORMS.encode("utf-8"), "demo_platforms.csv", uploaded_by="demo", is_demo=True
    )
    if not (stats.stored and plats.stored):  # a bug in this module, never the user's doing
        problems = [i.describe("en") for i in (*stats.report.errors, *plats.report.errors)][:5]
        raise RuntimeError(f"demo data failed validation: {problems}")
    return stats.rows, plats.rows
