"""The leader's one-page brief (PDF, Chinese) for the task-force meeting.

Same numbers as `kpi status` for the same scope: the page is drawn from `engine.kpi_status` and
`engine.unit_ranking`, never recomputed. Layout: the six target cards (status in words and a
symbol, colour only helps), a short generated narrative, the nine units' ranking as bar charts,
what is off track and what it would take (the catch-up texts), and a footer with the period, the
uploads the numbers rest on, the filters and the demo marker.

The page is HTML with hand-drawn inline SVG bars, printed by headless Chromium (kpi.reports.chromium).
Hand-drawn SVG rather than plotly + kaleido: the bars are simple, the result is vector and its
text can be searched and extracted, and no second browser start or package is needed. Every value
that reaches the HTML goes through `html.escape`.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

import duckdb
import pandas as pd

from kpi.engine import series
from kpi.engine import status as engine_status
from kpi.engine.snapshot import load_targets
from kpi.model import roles
from kpi.model.definitions import INDICATOR_ORDER, RATIO, RATIOS, STAT_FIELD, Status
from kpi.platforms.register import current_platforms
from kpi.progress import trajectory
from kpi.reports import chromium, reviews_brief, style, tasks_brief
from kpi.reports.attention import gap_sentence, target_words, units_below
from kpi.reports.style import status_text, status_word
from kpi.store import queries, vintages
from kpi.store.reference import regions as region_table
from kpi.text import numbers

PDF_MIME = "application/pdf"

COMPARATOR = numbers.COMPARATOR
SHORT = {
    **{r.code: r.short_zh for r in RATIOS},
    "cluster_coverage": "135N集群覆盖率",
    "provincial_platforms": "省级中试平台",
    "national_platforms": "国家级中试平台",
}


# ---------------------------------------------------------------- numbers to words


def pct(v: float | None, digits: int = 2) -> str:
    return numbers.pct(v, digits)


def pp(v: float | None, signed: bool = True) -> str:
    return numbers.pp(v, "zh", signed=signed)


def money(wan: float | None) -> str:
    """万元, whole, with thousands separators: the unit of the catch-up texts beside it."""
    return numbers.DASH if wan is None or pd.isna(wan) else f"{wan:,.0f}万元"


# ---------------------------------------------------------------- gathering


def gather(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    region: str | None = None,
    *,
    today: dt.date | None = None,
    viewer: roles.Viewer | None = None,
) -> dict[str, Any]:
    """Everything the page shows, for one period and scope (the city, or one unit). A `viewer`
    gets its own scope only (Forbidden otherwise) and the ranking as that role sees it. On a
    connection that sees a past moment (kpi.store.vintages) the brief is that day's."""
    known = vintages.moment(con)
    today = today or (known.date() if known else None)
    status = engine_status.kpi_status(con, period, region, today=today, viewer=viewer)
    ranking = series.unit_ranking(con, status["period"], viewer=viewer)
    regions = region_table(con)
    names = dict(zip(regions["code"], regions["name"], strict=True))
    short = dict(zip(regions["code"], regions["short_name"], strict=True))
    scope_region = status["region"] if status["region"] not in (None, "330400") else None
    plats = current_platforms(con, scope_region)
    stat_ids = sorted({u for code in RATIO for u in status["indicators"][code].get("uploads") or []})
    plat_ids = sorted({int(u) for u in plats["upload_id"]}) if not plats.empty else []
    uploads = queries.uploads(con, limit=100_000)
    used = uploads[uploads["id"].isin([*stat_ids, *plat_ids])].sort_values("id")
    return {
        "status": status,
        "ranking": ranking,
        "targets": load_targets(con),
        "names": names,
        "short": short,
        "region": scope_region,
        "scope": names.get(scope_region, "全市") if scope_region else "全市",
        "uploads": used.to_dict("records"),
        "demo": bool(status["demo"] or used["is_demo"].any()),
        "generated": (today or dt.date.today()).isoformat(),
        "reviews": reviews_brief.gather(con, scope_region, today=today),
        "tasks": tasks_brief.gather(con, today=today, viewer=viewer),
    }


# ---------------------------------------------------------------- narrative


def narrative(data: dict[str, Any]) -> str:
    """Three or four sentences: the tally of statuses, then what needs attention, with numbers."""
    status = data["status"]
    ind = status["indicators"]
    counted = [c for c in INDICATOR_ORDER if ind[c]["status"] != Status.NO_TARGET]
    tally = {s: sum(ind[c]["status"] == s for c in counted) for s in style.STATUS_STYLE}
    words = {
        Status.ACHIEVED: "项已达标",
        Status.ON_TRACK: "项按序时推进",
        Status.AT_RISK: "项有风险",
        Status.OFF_TRACK: "项滞后",
        Status.NO_DATA: "项暂无数据",
        Status.INCOMPLETE: "项数据未报齐",
    }
    parts = [f"{tally[s]}{w}" for s, w in words.items() if tally[s]]
    sentences = [
        f"截至{status['period_label']}，{data['scope']}{len(counted)}项目标中，" + "，".join(parts) + "。"
    ]
    needs = []
    for r in RATIOS:
        e = ind[r.code]
        catch = e.get("catch_up") or {}
        extra = catch.get("extra_numerator")
        if e["value"] is None or e["status"] == Status.ACHIEVED or extra is None or extra <= 0:
            continue
        num = r.numerator
        needs.append(  # the gap and the money by the light's rule (a band: from its lower edge)
            f"{r.short_zh}{pct(e['value'])}，{e.get('gap_text') or '距' + pct(e['target']) + '尚差' + pp(e['gap_pp'], signed=False)}，"
            f"按当前规模需再增加{_field(num)}{money(extra)}"
        )
    if needs:
        sentences.append("；".join(needs) + "。")
    for code in ("cluster_coverage", "provincial_platforms", "national_platforms"):
        e = ind[code]
        if e["status"] not in (Status.AT_RISK, Status.OFF_TRACK):
            continue
        if code == "cluster_coverage":
            names = "、".join(e["uncovered_names"][:6])
            sentences.append(
                f"{SHORT[code]}{pct(e['value'], 1)}（{e['covered']}/{e['total']}），"
                f"{_pace_words(e)}，{status_word(e['status'])}，尚未覆盖：{names}。"
            )
        else:
            target = "—" if e["target"] is None else f"{e['target']:g}"
            sentences.append(
                f"{SHORT[code]}现有{e['value']}家、目标{target}家，{_pace_words(e)}，{status_word(e['status'])}。"
            )
    return "".join(sentences)


def _pace_words(e: dict[str, Any]) -> str:
    """'完成率67%、序时进度57%': the two numbers the light compares ('有风险于序时进度' was not Chinese,
    and the completion was not given)."""
    return f"完成率{pct(e.get('completion'), 0)}、序时进度{pct(e.get('elapsed'), 0)}"


def _field(name: str) -> str:
    return STAT_FIELD[name].label_zh


# ---------------------------------------------------------------- the page


CSS = """
@page { size: A4; margin: 11mm 12mm 10mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; font-size: 10pt;
       color: #1a1a1a; margin: 0; line-height: 1.38; }
h1 { font-size: 17pt; margin: 0 0 1mm 0; }
h2 { font-size: 11pt; margin: 3.2mm 0 1.4mm 0; padding-left: 2mm; border-left: 1.2mm solid #0072B2; }
.sub { color: #444; font-size: 9.4pt; }
.demo { border: 0.5mm solid #D55E00; color: #8a3000; padding: 1mm 2mm; margin: 1.5mm 0;
        font-weight: bold; }
.story { background: #f3f6f9; padding: 2mm 3mm; border-radius: 1mm; font-size: 10.5pt; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 2mm; }
.card { border: 0.3mm solid #bbb; border-top: 1.4mm solid var(--c); border-radius: 1mm;
        padding: 1.6mm 2.2mm; }
.card .name { font-weight: bold; font-size: 9.6pt; }
.card .value { font-size: 16pt; font-weight: bold; margin: 0.5mm 0; }
.card .line { font-size: 8.8pt; color: #333; }
.pill { color: var(--c); font-weight: bold; white-space: nowrap; }
.charts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 2mm; }
.charts svg { width: 100%; height: auto; }
.charts .title { font-weight: bold; font-size: 9pt; text-align: center; }
ul { margin: 0; padding-left: 5mm; }
li { margin-bottom: 0.8mm; }
.foot { margin-top: 3mm; border-top: 0.3mm solid #999; padding-top: 1.5mm; font-size: 7.8pt;
        color: #444; }
"""


def html_page(data: dict[str, Any]) -> str:
    status = data["status"]
    ind = status["indicators"]
    demo = (
        '<div class="demo">演示数据：本简报中的数字为合成数据，仅供演示，不是真实统计。</div>'
        if data["demo"]
        else ""
    )
    cards = "".join(_card(code, ind[code], status) for code in INDICATOR_ORDER)
    charts = "".join(_ranking_svg(data, r.code, ind[r.code]["label"]) for r in RATIOS)
    items = (
        "".join(f"<li>{escape(t)}</li>" for t in attention(data)) or "<li>所有指标均已达标或按序时推进。</li>"
    )
    legend = (
        "蓝色达到目标，浅蓝未达（区间目标以下沿计）"
        + ("，深灰为本地区" if data["region"] else "")
        + "，虚线为达标线"
    )
    title = f"中试平台体系建设目标推进简报 · {data['scope']}"
    sub = (
        f"数据截至{status['period_label']}（{status['period']}）　范围：{data['scope']} × 全行业"
        f"　平台数截至{status['platforms_as_of']}　生成日期：{data['generated']}"
    )
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(title)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(title)}</h1>
<div class="sub">{escape(sub)}</div>
{demo}
<h2>总体情况</h2>
<div class="story">{escape(narrative(data))}</div>
<h2>目标完成情况（2027年目标）</h2>
<div class="cards">{cards}</div>
<h2>九个单位赛马排名（{escape(status["period_label"])}；{legend}）</h2>
<div class="charts">{charts}</div>
<h2>需关注的事项与追赶要求</h2>
<ul>{items}</ul>
{reviews_brief.section(data["reviews"])}
{tasks_brief.section(data["tasks"])}
<div class="foot">{footer(data)}</div>
</body></html>
"""


def _card(code: str, e: dict[str, Any], status: dict[str, Any]) -> str:
    colour = style.status_colour(e["status"])
    if code in RATIO:
        value = pct(e["value"] if e.get("complete", True) else None)  # a partial sum is no figure
        band = f"±{e['band_pp']:g}个百分点" if e.get("band_pp") else ""
        lines = [
            f"目标 {COMPARATOR.get(e['comparator'], e['comparator'])} {pct(e['target'])}{band}"
            f"（{e['deadline'][:4]}年）",
            gap_sentence(e["gap_pp"], "zh", e),
            _change_words(code, e, status),
            *([e["basis_note"]] if e.get("basis_note") else []),  # the periods' bases (issue 12)
        ]
    elif code == "cluster_coverage":
        value = pct(e["value"], 1)
        lines = [
            f"已覆盖 {e['covered']}/{e['total']} 个集群，目标 {pct(e['target'], 0)}",
            _progress_words(e),
        ]
    elif e["target"] is None:  # a county: the plan sets no target here, so no progress either
        value = f"{e['value']} 家"
        city = "—" if e.get("city_target") is None else f"{e['city_target']:g}"
        lines = [f"规划未向县(市、区)分解（全市目标 {city} 家，{e['deadline'][:4]}年）"]
    else:
        value = f"{e['value']} 家"
        lines = [f"目标 {e['target']:g} 家（{e['deadline'][:4]}年）", _progress_words(e)]
    body = "".join(f'<div class="line">{escape(x)}</div>' for x in lines)
    return (
        f'<div class="card" style="--c:{colour}"><div class="name">{escape(SHORT[code])}'
        f'　<span class="pill">{escape(status_text(e["status"]))}</span></div>'
        f'<div class="value">{escape(value)}</div>{body}</div>'
    )


def _progress_words(e: dict[str, Any]) -> str:
    """完成率 beside 序时进度: the two numbers a count's light compares."""
    return f"完成率 {pct(e.get('completion'), 0)} · 序时进度 {pct(e.get('elapsed'), 0)}"


def _change_words(code: str, e: dict[str, Any], status: dict[str, Any]) -> str:
    """'同比下降0.28个百分点（上年同期2025Q3 50.98%）': the word follows the sign as written."""
    ch = style.change(e["change_pp"], "zh", higher_is_better=RATIO[code].higher_is_better)
    if ch is None:
        return f"同比 —（上年同期{status['previous_period']}无数据）"
    return f"{ch.sentence}（上年同期{status['previous_period']} {pct(e.get('previous_value'))}）"


def attention(data: dict[str, Any]) -> list[str]:
    """Off-track and at-risk items first, then every ratio short of its target with its catch-up
    text, then the units below each ratio target."""
    ind = data["status"]["indicators"]
    out = []
    for code in INDICATOR_ORDER:
        e = ind[code]
        if e["status"] in (Status.AT_RISK, Status.OFF_TRACK):
            why = (e.get("catch_up") or {}).get("text")
            if why is None and code == "cluster_coverage":
                why = "尚未覆盖：" + "、".join(e["uncovered_names"])
            elif why is None:
                target = "—" if e["target"] is None else f"{e['target']:g}"
                why = f"现有{e['value']}家，目标{target}家，序时进度{pct(e.get('elapsed'), 0)}"
            out.append(f"【{status_text(e['status'])}】{SHORT[code]}：{why}")
    for r in RATIOS:
        e = ind[r.code]
        catch = e.get("catch_up") or {}
        if e["status"] not in (Status.AT_RISK, Status.OFF_TRACK) and catch.get("met") is False:
            out.append(f"【{status_text(e['status'])}，尚未达到目标】{r.short_zh}：{catch['text']}")
    ranking = data["ranking"]
    for r in RATIOS:
        target = data["targets"][r.code]
        low = units_below(
            ranking[ranking["indicator"] == r.code], target
        )  # the cards' rule (a band: its edge)
        if not low.empty:
            names = "、".join(data["short"].get(c, c) for c in low.sort_values("value")["region"])
            out.append(f"{r.short_zh}低于目标{target_words(target, 'zh')}的单位：{names}")
    return out


def _ranking_svg(data: dict[str, Any], code: str, label: str) -> str:
    """Horizontal bars, highest first; the target as a dashed line; values written on the bars.
    A bar is dark blue where the value counts as achieved by the cards' rule (a band: from its
    lower edge, where the dashed line is drawn), light blue where it does not."""
    goal = data["targets"][code]
    target = trajectory.achieved_from(goal)
    frame = data["ranking"]
    frame = frame[frame["indicator"] == code].sort_values("value", ascending=False, na_position="last")
    width, row, left, top = 300, 22, 76, 6
    height = top + row * len(frame) + 16
    values = [v for v in frame["value"] if v is not None and not pd.isna(v)]
    top_value = max([*values, target]) * 1.12 if values or target else 1.0
    scale = (width - left - 48) / top_value
    parts = []
    for i, r in enumerate(frame.itertuples()):
        y = top + i * row
        mine = r.region == data["region"]
        name = data["short"].get(r.region, r.region)
        rank = "—" if pd.isna(r.rank) else int(r.rank)
        weight = ' font-weight="bold"' if mine else ""
        parts.append(
            f'<text x="{left - 4}" y="{y + 14}" text-anchor="end" font-size="11"{weight}>'
            f"{escape(f'{rank}. {name}')}</text>"
        )
        if r.value is None or pd.isna(r.value):
            parts.append(f'<text x="{left + 2}" y="{y + 14}" font-size="10" fill="#777">无数据</text>')
            continue
        w = max(1.0, r.value * scale)
        fill = "#3A3A3A" if mine else ("#0072B2" if trajectory.is_achieved(r.value, goal) else "#8FB8D8")
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{fill}"/>')
        parts.append(
            f'<text x="{left + w + 3:.1f}" y="{y + 14}" font-size="10" stroke="white" stroke-width="3" '
            f'paint-order="stroke">{escape(pct(r.value))}</text>'
        )
    tx = left + target * scale
    bottom = top + row * len(frame)
    parts.append(
        f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{bottom}" stroke="#333" '
        f'stroke-dasharray="4 3" stroke-width="1.2"/>'
        f'<text x="{tx:.1f}" y="{bottom + 12}" font-size="10" text-anchor="middle">'
        f"{escape('目标' + target_words(goal, 'zh'))}</text>"
    )
    short = RATIO[code].short_zh
    return (
        f'<div><div class="title">{escape(short)}</div>'
        f'<svg viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-label="{escape(label)}" font-family="Noto Sans CJK SC, sans-serif">{"".join(parts)}</svg></div>'
    )


def footer(data: dict[str, Any]) -> str:
    status = data["status"]
    lines = [
        f"统计期：{status['period_label']}（{status['period']}），累计值；同比对比期：{status['previous_period']}。"
        f"筛选条件：范围 {data['scope']}（{status['region'] or '330400'}），产业集群 全行业。"
    ]
    if status.get("as_of"):  # kpi.store.vintages: the brief as it stood then
        lines.append(f"数据口径：按 {status['as_of']} 时已知数据（此后的上传未计入，此后的撤回视为未发生）。")
    for u in data["uploads"]:
        kind = {"stats": "统计数据", "platforms": "平台名录"}.get(str(u["kind"]), str(u["kind"]))
        at = pd.Timestamp(u["uploaded_at"]).strftime("%Y-%m-%d %H:%M")
        rows = "" if pd.isna(u["rows"]) else f"，{int(u['rows'])} 行"
        marker = "，演示数据" if u["is_demo"] else ""
        lines.append(
            f"数据依据：上传批次 {u['id']}（{kind}）{u['file_name']}，{at} 由 {u['uploaded_by']} 上传{rows}{marker}。"
        )
    if not data["uploads"]:
        lines.append("数据依据：无已提交的上传。")
    lines.append(
        "口径：比率 = Σ分子 / Σ分母（不取各单位比率的平均）；状态判定规则见驾驶舱“方法说明”页；"
        f"状态以文字和符号表示（{' '.join(status_text(x).replace(' ', '') for x in Status)}）。"
        + ("【演示数据】" if data["demo"] else "")
    )
    return "<br>".join(escape(x) for x in lines)


# ---------------------------------------------------------------- entry points


def brief_html(
    con: duckdb.DuckDBPyConnection,
    period: str | None = None,
    region: str | None = None,
    *,
    today: dt.date | None = None,
    viewer: roles.Viewer | None = None,
) -> str:
    """The brief's page for one period and scope. Raises UnknownScope for an unknown one, and
    Forbidden for a scope the `viewer` may not see."""
    return html_page(gather(con, period, region, today=today, viewer=viewer))


def to_pdf(page: str) -> bytes:
    """Print the page (after the database connection is closed: printing takes a second or two)."""
    return chromium.html_to_pdf(page)
