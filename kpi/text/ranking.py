"""Texts of the unit rankings on the Overview and Regions pages when there are many units
(kpi.ui.ranking). Jiaxing's nine units keep the pages' own texts (kpi.text.dashboard)."""

from __future__ import annotations

from kpi.text.lookup import pick

RANKING_TEXT: dict[str, tuple[str, str]] = {
    "ranking.title_many": ("各单位赛马排名（共{n}个单位）", "Ranking of the units ({n} units)"),
    "ranking.rank_of": ("{n}个单位中第 {rank} 位", "rank {rank} of {n}"),
    "ranking.shown": (
        "共{total}个单位，显示前{top}与后{bottom}",
        "{total} units: the top {top} and the bottom {bottom} are shown",
    ),
    "ranking.shown_contrib": (
        "共{total}个单位，显示缺口最大的{top}个与最小的{bottom}个",
        "{total} units: the {top} largest and the {bottom} smallest gaps are shown",
    ),
    "ranking.kept": ("，另含{names}（第 {ranks} 位）", "; also {names} (rank {ranks})"),
    "ranking.kept_contrib": ("，另含{names}", "; also {names}"),
    "ranking.dotted": ("；虚线处省略其余单位", "; a dotted line marks the units left out"),
    "ranking.no_value": ("；{n}个单位本期无数据", "; {n} units have no value for this period"),
    "ranking.full": ("全部{n}个单位（表格）", "All {n} units (table)"),
    "ranking.full_contrib": (
        "全部{n}个单位的差距贡献（表格）",
        "Every unit's contribution, {n} units (table)",
    ),
    "ranking.download": ("下载全部排名（CSV）", "Download the full ranking (CSV)"),
    "ranking.download_contrib": ("下载全部差距贡献（CSV）", "Download every contribution (CSV)"),
    "ranking.file": ("各单位排名_{period}.csv", "unit_ranking_{period}.csv"),
    "ranking.file_contrib": ("各单位差距贡献_{period}.csv", "unit_contributions_{period}.csv"),
    "ranking.col.unit": ("单位", "Unit"),
    "ranking.col.code": ("代码", "Code"),
    "ranking.col.value": ("{name}（%）", "{name} (%)"),
    "ranking.col.rank": ("{name}排名", "{name} rank"),
    "ranking.col.gap": ("{name}缺口（亿元）", "{name} gap (100m yuan)"),
    "ranking.units_below_many": (
        "低于目标{target}的单位共{n}个，最低的{k}个：{names}（全部见下方排名表）",
        "{n} units below the {target} target; the lowest {k}: {names} (all in the ranking table below)",
    ),
    "ranking.uncovered_many": (
        "未覆盖{n}个集群，其中：{names}等（全部见“产业集群”页）",
        "{n} clusters uncovered, among them {names} (all on the Clusters page)",
    ),
}


def text(key: str, lang: str, **params: object) -> str:
    return pick(RANKING_TEXT, key, lang, **params)
