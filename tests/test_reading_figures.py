"""Reading the figures (issue 14) and drawing less (issue 16), through AppTest on the demo data.

Trends compare like with like (one line per quarter of the year, x = the years up to the last
one with data); the cards keep value, target, gap, light, 同比 and one line of reason, with the
rule behind the 依据与测算 panel; 序时进度 is explained where it first appears; the contribution
chart speaks in words; the ranking writes its values inside the bars; the region selector names
the unit as the heading does; the methods page opens with a summary and its sections closed; one
chart per section is drawn, the cards' small trends are SVG.
"""

from __future__ import annotations

import json
from pathlib import Path

import support

from kpi.engine import series as engine_series
from kpi.engine import status as engine_status
from kpi.store import connection

QUARTER = {1: "1—3月", 2: "1—6月", 3: "1—9月", 4: "全年"}


def run(page: str | None = None, role: str = "leader", region: str | None = None, query=None):
    at = support.app(role, region, query=query)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at, marker: str = "") -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart") if marker in c.proto.id]


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_the_regions_trend_draws_one_line_per_quarter_over_the_years(app_db: Path) -> None:
    at = run("pages/regions.py", query={"region": "330402", "period": "2025Q3"})
    with connection.connect(app_db) as con:
        frame = engine_series.ratio_series(con, "330402")
        city = engine_series.ratio_series(con)
    rd = frame[frame["indicator"] == "rd_intensity"]
    (trend,) = charts(at, "-trend-")
    lines = {t["name"]: t for t in trend["data"]}
    years = sorted({p[:4] for p in rd["period"]})
    assert set(lines) == {f"南湖 {QUARTER[q]}" for q in (1, 2, 3, 4)} | {"全市 1—9月"}
    for q, name in QUARTER.items():
        line = lines[f"南湖 {name}"]
        assert line["x"] == years  # the same years on every line: like with like
        want = {p[:4]: v * 100 for p, v in zip(rd["period"], rd["value"], strict=True) if p.endswith(f"Q{q}")}
        got = {x: y for x, y in zip(line["x"], line["y"], strict=True) if y is not None}
        assert got.keys() == want.keys() and all(abs(got[k] - want[k]) < 1e-9 for k in want), name
    chosen = lines["南湖 1—9月"]  # the period's quarter: thick, on top
    assert chosen["line"]["width"] > max(lines[f"南湖 {QUARTER[q]}"]["line"]["width"] for q in (1, 2, 4))
    assert trend["data"][-2]["name"] == "南湖 1—9月"
    city_q3 = city[(city["indicator"] == "rd_intensity") & city["period"].str.endswith("Q3")]
    assert [y for y in lines["全市 1—9月"]["y"] if y is not None] == [v * 100 for v in city_q3["value"]]
    assert trend["layout"]["xaxis"]["tickvals"][-1] == years[-1] == "2026"  # ticks to the last period
    assert "粗线为1—9月" in " ".join(h.value for h in at.subheader)


def test_a_county_sees_its_own_trend_without_the_city(app_db: Path) -> None:
    at = run("pages/regions.py", "county", "330402")
    (trend,) = charts(at, "-trend-")
    assert all(t["name"].startswith("南湖 ") for t in trend["data"])


def test_the_overview_cards_keep_the_essentials_and_put_the_rule_behind_the_panel(app_db: Path) -> None:
    at = run()
    with connection.connect(app_db) as con:
        ind = engine_status.kpi_status(con)["indicators"]
    shown = captions(at)
    panels = " ".join(m.value for m in at.markdown)
    for code, entry in ind.items():
        assert entry["status_rule"] not in shown, code  # not under the card any more
        assert entry["status_rule"] in panels, code  # behind 依据与测算
    rd = ind["rd_intensity"]
    glide = rd["glide"]
    assert (
        f"序时路径此时应为{glide['expected'] * 100:.2f}%，实际低{glide['distance_pp']:.2f}个百分点" in shown
    )
    assert "已达到目标" in shown  # the new-product rate is achieved
    # 序时进度 is explained above the cards, before any card or list uses the word
    first = next(i for i, c in enumerate(at.caption) if "序时" in c.value)
    assert "“序时进度”指" in at.caption[first].value


def test_the_overview_small_trends_are_svg_of_the_same_quarter_each_year(app_db: Path) -> None:
    at = run()
    sparks = [m.value for m in at.markdown if "<svg" in m.value]
    assert len(sparks) == 3
    assert "各年1—9月" in sparks[0] and ">2022<" in sparks[0] and ">2026<" in sparks[0]
    assert not charts(at, "spark")
    # two plotly charts on the leader's Overview: the chosen ratio's contributions and ranking
    assert len(at.get("plotly_chart")) == 2


def test_the_contribution_chart_speaks_in_words(app_db: Path) -> None:
    at = run()
    (chart,) = charts(at, "-contrib-")
    texts = chart["data"][0]["text"]
    assert all(t == "0.00" or t.startswith(("缺口 ", "超出 ")) for t in texts)
    assert not any("▲" in t or "▼" in t for t in texts)
    assert "研发费用" in chart["layout"]["xaxis"]["title"]["text"]
    headings = " ".join(h.value for h in at.subheader) + captions(at)
    assert "按目标比例折算的金额" not in headings
    assert "向右的条形" in captions(at)


def test_the_ranking_writes_each_value_inside_its_bar(app_db: Path) -> None:
    at = run()
    (bars,) = charts(at, "-rank-")
    trace = bars["data"][0]
    assert set(trace["textposition"]) == {"inside"} and trace["insidetextanchor"] == "start"
    assert "template" not in bars["layout"] or not bars["layout"]["template"].get("layout")


def test_the_region_selector_names_the_unit_as_the_heading_does(app_db: Path) -> None:
    at = run("pages/regions.py")
    box = at.selectbox(key="regions_region__zh")
    assert "南湖区" in box.options and "南湖" not in box.options
    assert at.header[0].value == "南湖区"


def test_the_methods_page_opens_with_a_summary_and_closed_sections(app_db: Path) -> None:
    at = run("pages/methods.py")
    markdown = [m.value for m in at.markdown]
    assert any(m.startswith("**一句话**") for m in markdown[:3])
    labels = [e.label for e in at.expander]
    assert labels[:3] == ["指标定义", "数据来源", "目标及其出处"] and len(labels) == 9
    assert "序时路径、推进速度与追赶要求" in labels  # the progress rules (issue 12) have a section too
    assert not any(e.proto.expanded for e in at.expander)


def test_the_clusters_table_puts_the_key_columns_first(app_db: Path) -> None:
    at = run("pages/clusters.py")
    assert list(at.dataframe[0].value.columns[:3]) == ["产业集群", "平台覆盖", "平台数"]
    at = run("pages/clusters.py", "county", "330402")
    assert list(at.dataframe[0].value.columns[:3]) == ["产业集群", "本地区覆盖", "本地区平台数"]
