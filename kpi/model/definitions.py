"""What the product measures, declared once: fields, header aliases, units, indicators, levels.

Every other module reads these declarations; nothing else spells out a column name, an alias
or a unit factor. Facts come from ../shared/CONTRACT.md §1–2 and DOMAIN.md §1, §5.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Closed set of indicator statuses shown as lights (CONTRACT.md §3)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"  # a count below the city scope: the plan sets no target there
    # a city figure (or a cluster's city figure) while some of the units that make it have not
    # reported and the city sent no total row of its own: no light from a partial sum
    INCOMPLETE = "incomplete"


class TargetKind(StrEnum):
    POINT = "point"  # reach a value by the deadline, higher is better
    FLOOR = "floor"  # keep at or above a value
    BAND = "band"  # stay within ±band_pp of a value
    COUNT = "count"  # a cumulative number of platforms
    COVERAGE = "coverage"  # share of clusters with at least one platform


@dataclass(frozen=True)
class Field:
    """A column of the quarterly statistics file."""

    name: str
    aliases: tuple[str, ...]
    money: bool = False
    required: bool = True
    label_zh: str = ""
    label_en: str = ""


# Money values are stored in 万元 (10⁴ yuan). Header units convert each column on its own.
STAT_FIELDS: tuple[Field, ...] = (
    Field("period", ("统计期", "报告期", "期间", "period"), label_zh="统计期", label_en="period"),
    Field(
        "region",
        ("县(市、区)", "县市区", "地区", "区域", "region", "county"),
        label_zh="县(市、区)",
        label_en="region",
    ),
    Field(
        "cluster",
        ("产业集群", "集群", "cluster"),
        required=False,
        label_zh="产业集群",
        label_en="cluster",
    ),
    Field("rd_expense", ("研发费用", "研发费用支出"), True, label_zh="研发费用", label_en="R&D expense"),
    Field("operating_revenue", ("营业收入",), True, label_zh="营业收入", label_en="operating revenue"),
    Field(
        "new_product_output",
        ("新产品产值",),
        True,
        label_zh="新产品产值",
        label_en="new-product output",
    ),
    Field("gross_output", ("工业总产值",), True, label_zh="工业总产值", label_en="gross output"),
    Field(
        "hightech_value_added",
        ("高新技术产业增加值",),
        True,
        label_zh="高新技术产业增加值",
        label_en="high-tech value added",
    ),
    Field(
        "industrial_value_added",
        ("工业增加值", "规上工业增加值"),
        True,
        label_zh="规上工业增加值",
        label_en="industrial value added",
    ),
    Field(
        "enterprises",
        ("企业数", "企业个数"),
        required=False,
        label_zh="企业数",
        label_en="enterprises",
    ),
)
STAT_FIELD = {f.name: f for f in STAT_FIELDS}
MONEY_FIELDS: tuple[str, ...] = tuple(f.name for f in STAT_FIELDS if f.money)

# Header unit → factor to 万元. Keys are compared after lower-casing and removing spaces.
UNIT_FACTORS: dict[str, float] = {
    "万元": 1.0,
    "wanyuan": 1.0,
    "10kyuan": 1.0,
    "10,000yuan": 1.0,
    "亿元": 10_000.0,
    "yiyuan": 10_000.0,
    "100myuan": 10_000.0,
    "100millionyuan": 10_000.0,
    "元": 0.0001,
    "yuan": 0.0001,
    "千元": 0.1,
    "thousandyuan": 0.1,
}

# ---- plausible bounds (README, "Reliability"): a value past one is a typo or a wrong unit, and
# the file is refused. Checked on the value as stored, after its column's unit is applied.

# One amount of one row, in 万元: 10^11 万元 is 1,000 万亿元, several times the yearly revenue of
# all of China's above-scale industry (about 137 万亿元 in 2024); finite, never inf or nan.
MAX_AMOUNT_WAN = 1e11
# Above-scale firms in one row: China has about 500,000 in all.
MAX_ENTERPRISES = 1_000_000
# Recognition and revocation dates of the pilot-platform register, and the years of the annual
# reviews: no platform programme (the province's or MIIT's 制造业中试平台, the city's cultivation
# pool) is older than 2015, the year 《中国制造2025》 set them going; a date before is a typo
# (0000-01-01, 1677-…), a date after today has not happened.
PLATFORM_DATES_FROM = dt.date(2015, 1, 1)
# Platform and host names: the longest real one is about 40 characters.
NAME_LIMIT = 100

# Cell values that mean "all above-scale industry of that region".
ALL_CLUSTER = "ALL"
ALL_CLUSTER_WORDS: tuple[str, ...] = ("", "all", "全部", "合计", "全行业", "总计", "全部行业")

CITY_CODE = "330400"


@dataclass(frozen=True)
class RatioIndicator:
    """Σ numerator / Σ denominator over the chosen scope (never a mean of ratios)."""

    code: str
    numerator: str
    denominator: str
    label_zh: str
    label_en: str
    short_zh: str
    short_en: str
    # which way is better: a rise is green and a fall red where True (every ratio of the plan),
    # the reverse where False; the arrow always follows the sign (kpi.reports.style.change)
    higher_is_better: bool = True


RATIOS: tuple[RatioIndicator, ...] = (
    RatioIndicator(
        "rd_intensity",
        "rd_expense",
        "operating_revenue",
        "规上工业研发费用支出占营业收入比重",
        "R&D expense / operating revenue (above-scale industry)",
        "研发费用占比",
        "R&D intensity",
    ),
    RatioIndicator(
        "new_product_rate",
        "new_product_output",
        "gross_output",
        "规上工业企业新产品产值率",
        "New-product output rate",
        "新产品产值率",
        "New-product rate",
    ),
    RatioIndicator(
        "hightech_share",
        "hightech_value_added",
        "industrial_value_added",
        "高新技术产业增加值占规上工业比重",
        "High-tech share of industrial value added",
        "高新技术产业占比",
        "High-tech share",
    ),
)
RATIO = {r.code: r for r in RATIOS}

COUNT_LABELS: dict[str, tuple[str, str]] = {
    "cluster_coverage": ("135N集群中试平台覆盖率", "135N cluster coverage by pilot platforms"),
    "provincial_platforms": ("省级制造业中试平台（累计）", "Provincial pilot platforms (cumulative)"),
    "national_platforms": ("国家级制造业中试平台", "National pilot platforms"),
}

INDICATOR_ORDER: tuple[str, ...] = (*RATIO, *COUNT_LABELS)


def indicator_label(code: str, lang: str = "zh") -> str:
    if code in RATIO:
        r = RATIO[code]
        return r.label_zh if lang == "zh" else r.label_en
    zh, en = COUNT_LABELS[code]
    return zh if lang == "zh" else en


# ---- pilot-platform register (CONTRACT.md §2) ----

PLATFORM_FIELDS: tuple[Field, ...] = (
    Field("name", ("平台名称", "名称", "name"), label_zh="平台名称", label_en="name"),
    Field("host", ("依托单位", "建设单位", "host"), label_zh="依托单位", label_en="host"),
    Field(
        "region",
        ("县(市、区)", "县市区", "地区", "区域", "region", "county"),
        label_zh="县(市、区)",
        label_en="region",
    ),
    Field(
        "clusters",
        ("服务集群", "所属集群", "产业集群", "clusters", "cluster"),
        label_zh="服务集群",
        label_en="clusters",
    ),
    Field("level", ("级别", "层级", "level"), label_zh="级别", label_en="level"),
    Field(
        "build_model",
        ("建设模式", "build_model"),
        required=False,
        label_zh="建设模式",
        label_en="build model",
    ),
    Field(
        "recognised_on",
        ("认定时间", "认定日期", "recognised_on", "recognized_on"),
        required=False,
        label_zh="认定时间",
        label_en="recognised on",
    ),
    Field("status", ("状态", "status"), required=False, label_zh="状态", label_en="status"),
    # optional, added after the contract's first version: when a revoked platform stopped counting
    Field(
        "revoked_on",
        ("撤销时间", "撤销日期", "revoked_on", "revoked_date"),
        required=False,
        label_zh="撤销时间",
        label_en="revoked on",
    ),
)


@dataclass(frozen=True)
class Level:
    code: str
    rank: int
    name_zh: str
    name_en: str


# Lowest first: a higher level includes the lower ones (DOMAIN.md §5).
LEVELS: tuple[Level, ...] = (
    Level("pool", 1, "市级培育库", "city cultivation pool"),
    Level("city", 2, "市级", "city level"),
    Level("provincial", 3, "省级", "provincial"),
    Level("miit_key", 4, "工信部重点培育", "MIIT key cultivation"),
    Level("national", 5, "国家级", "national"),
)
LEVEL = {lv.code: lv for lv in LEVELS}
LEVEL_WORDS: dict[str, str] = {
    **{lv.code: lv.code for lv in LEVELS},
    **{lv.name_zh: lv.code for lv in LEVELS},
    "培育库": "pool",
    "市级培育": "pool",
    "省级制造业中试平台": "provincial",
    "国家级制造业中试平台": "national",
    "工信部重点培育库": "miit_key",
}

BUILD_MODELS: dict[str, str] = {
    "政府牵头": "government",
    "龙头企业开放": "leading_firm",
    "高校院所": "university",
    "专业机构": "specialist",
    "多主体共建": "joint",
}
BUILD_MODEL_WORDS: dict[str, str] = {
    **BUILD_MODELS,
    **{v: v for v in BUILD_MODELS.values()},
}

PLATFORM_STATUSES: dict[str, str] = {
    "在建": "building",
    "运行": "running",
    "撤销": "revoked",
}
PLATFORM_STATUS_WORDS: dict[str, str] = {
    **PLATFORM_STATUSES,
    **{v: v for v in PLATFORM_STATUSES.values()},
    "运营": "running",
    "已撤销": "revoked",
    "建设中": "building",
    "under construction": "building",
    "": "running",
}
PLATFORM_SEPARATORS = r"[;；、,，]"
