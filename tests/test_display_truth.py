"""What a page shows agrees with the number beside it (issue 12): the year-on-year arrow, its
colour and its word follow the sign of the change in every language, on every card and page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import support
from streamlit.proto.Metric_pb2 import Metric as MetricProto

from kpi.model.definitions import RATIOS
from kpi.reports import style
from kpi.store import connection
from kpi.text import numbers

UP, DOWN, NONE = (
    MetricProto.MetricDirection.UP,
    MetricProto.MetricDirection.DOWN,
    MetricProto.MetricDirection.NONE,
)
GREEN, RED, GRAY = (MetricProto.MetricColor.GREEN, MetricProto.MetricColor.RED, MetricProto.MetricColor.GRAY)


def caption_lines(at) -> list[str]:
    """Every line of every caption (a card writes its lines as one caption, joined by '  \\n')."""
    return [line for c in at.caption for line in c.value.split("  \n")]


def run(page: str | None, role: str = "leader", region: str | None = None, lang: str = "zh"):
    at = support.app(role, region)
    at.run()
    if page:
        at.switch_page(page).run()
    if lang == "en":
        at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def status(db: Path, region: str | None = None) -> dict:
    from kpi.engine import status as engine_status

    with connection.connect(db) as con:
        return engine_status.kpi_status(con, None, region)


def expected(change_pp: float) -> tuple[int, int]:
    s = numbers.sign(change_pp)
    return {1: (UP, GREEN), -1: (DOWN, RED), 0: (NONE, GRAY)}[s]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("page", "role", "region"),
    [(None, "leader", None), ("pages/regions.py", "leader", None), (None, "county", "330402")],
)
def test_the_yoy_arrow_and_colour_follow_the_sign_in_every_language(
    app_db: Path, lang: str, page: str | None, role: str, region: str | None
) -> None:
    at = run(page, role, region, lang)
    scope = region if page is None else at.selectbox(key=f"regions_region__{lang}").value
    ind = status(app_db, scope)["indicators"]
    changes = [ind[r.code]["change_pp"] for r in RATIOS]
    assert any(c < 0 for c in changes) or scope is not None  # the demo city has a fall (new-product rate)
    for metric, r, change in zip(at.metric[:3], RATIOS, changes, strict=True):
        assert (metric.proto.direction, metric.proto.color) == expected(change), (r.code, metric.proto.delta)
        assert metric.proto.delta == numbers.pp(change, lang)  # the signed number, not a sentence
        word = "下降" if change < 0 else "上升"
        if lang == "zh":
            assert f"同比{word}{abs(change):.2f}个百分点" in metric.help


@pytest.mark.parametrize(
    ("change_pp", "arrow", "colour", "zh", "text"),
    [
        (-0.28, "down", "red", "同比下降0.28个百分点", "-0.28个百分点"),
        (0.59, "up", "green", "同比上升0.59个百分点", "+0.59个百分点"),
        (-0.004, "off", "gray", "同比持平", "0.00个百分点"),  # written 0.00: no arrow, no "down"
        (0.004, "off", "gray", "同比持平", "0.00个百分点"),
        (0.0, "off", "gray", "同比持平", "0.00个百分点"),
        (-0.005001, "down", "red", "同比下降0.01个百分点", "-0.01个百分点"),
    ],
)
def test_a_change_is_written_arrowed_and_coloured_by_its_sign_as_written(
    change_pp: float, arrow: str, colour: str, zh: str, text: str
) -> None:
    ch = style.change(change_pp, "zh")
    assert ch is not None
    assert (ch.arrow, ch.colour, ch.sentence, ch.text) == (arrow, colour, zh, text)
    en = style.change(change_pp, "en")
    assert en is not None and (en.arrow, en.colour) == (arrow, colour)
    assert en.text == text.replace("个百分点", " pp")


def test_a_fall_is_green_where_lower_is_better() -> None:
    ch = style.change(-0.3, "zh", higher_is_better=False)
    assert ch is not None and (ch.arrow, ch.colour) == ("down", "green")


def test_percentage_points_never_write_a_signed_zero() -> None:
    assert numbers.pp(-0.001) == "0.00个百分点"
    assert numbers.pp(-0.001, signed=False) == "0.00个百分点"
    assert numbers.pp(0.001, "en") == "0.00 pp"
    assert numbers.pp(-0.3) == "-0.30个百分点"


# A change of -0.004 pp (3.000 % → 2.996 %): every display writes 0.00, so none may say "down".
TINY_FALL = support.stats_csv(
    "2024Q1,南湖区,,30,1000,500,1000,70,100",
    "2025Q1,南湖区,,29.96,1000,500,1000,70,100",
)


@pytest.fixture
def tiny_db(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert support.ingest_text(db, TINY_FALL).stored
    monkeypatch.setenv("KPI_DB", str(db))
    return db


def test_a_change_that_rounds_to_zero_has_no_arrow_on_the_card(tiny_db: Path) -> None:
    at = support.app("leader", query={"region": "330402", "period": "2025Q1"})
    at.run()
    at.switch_page("pages/regions.py").run()
    assert not at.exception
    rd = at.metric[0]
    assert rd.proto.delta == "0.00个百分点"
    assert (rd.proto.direction, rd.proto.color) == (NONE, GRAY)
    assert "同比持平" in rd.help


def test_the_brief_and_the_workbook_write_the_change_by_its_sign(demo_db: Path, tiny_db: Path) -> None:
    from kpi.engine import status as engine_status
    from kpi.reports import brief, export

    with connection.connect(demo_db) as con:  # the demo city: the new-product rate fell 0.28 pp
        city = brief.brief_html(con)
        fall = engine_status.kpi_status(con)["indicators"]["new_product_rate"]["change_pp"]
    assert fall < 0
    assert f"同比下降{abs(fall):.2f}个百分点" in city
    assert f"同比 {fall:+.2f}" not in city
    with connection.connect(tiny_db) as con:
        page = brief.brief_html(con, "2025Q1", "330402")
        sheet = export.status_table(engine_status.kpi_status(con, "2025Q1", "330402"))
    assert "同比持平" in page and "-0.00" not in page
    yoy = sheet.frame.set_index("指标")["同比(百分点)"]
    cell = yoy.iloc[0]
    assert cell == pytest.approx(-0.004, abs=1e-9)  # the frame keeps the number; the cell is written:
    data = export.workbook_bytes([sheet])
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))["目标完成情况"]
    written = [c.value for row in ws.iter_rows() for c in row if c.number_format == "+0.00;-0.00;0.00"]
    assert written and all(str(v) != "-0.0" for v in written)
    assert 0.0 in written


# ---------------------------------------------------------------- counts without a target (item 7)


def test_a_countys_platform_counts_show_no_progress_against_a_target_it_does_not_have(app_db: Path) -> None:
    at = run(None, "county", "330402")
    ind = status(app_db, "330402")["indicators"]
    for code in ("provincial_platforms", "national_platforms"):
        e = ind[code]
        assert e["target"] is None and e["status"] == "no_target"
        assert e["elapsed"] is None and e["completion"] is None  # the JSON pretends no target either
        assert "规划只设全市目标" in e["status_rule"]
    assert [m.value for m in at.metric[4:6]] == [
        f"{ind['provincial_platforms']['value']} 家",
        f"{ind['national_platforms']['value']} 家",
    ]
    captions = caption_lines(at)
    # 序时进度 only where there is a target: the county's coverage (target 100 %)
    assert [c for c in captions if re.search(r"序时进度 \d", c)] == [
        f"完成率 {ind['cluster_coverage']['completion'] * 100:.0f}% · "
        f"序时进度 {ind['cluster_coverage']['elapsed'] * 100:.0f}%"
    ]
    assert sum("规划未分解到县(市、区)" in c for c in captions) == 2
    assert not any("目标 — 家" in m.value for m in at.metric)


def test_the_citys_count_cards_show_completion_beside_time_elapsed(app_db: Path) -> None:
    at = run(None)
    ind = status(app_db)["indicators"]
    captions = caption_lines(at)
    for code in ("cluster_coverage", "provincial_platforms", "national_platforms"):
        e = ind[code]
        line = f"完成率 {e['completion'] * 100:.0f}% · 序时进度 {e['elapsed'] * 100:.0f}%"
        assert line in captions, code


def test_a_countys_brief_shows_no_progress_for_counts_without_a_target(demo_db: Path) -> None:
    from kpi.reports import brief

    with connection.connect(demo_db) as con:
        page = brief.brief_html(con, None, "330402")
    assert len(re.findall(r"序时进度 \d", page)) == 1  # the county's coverage only
    assert page.count("规划未向县(市、区)分解（全市目标") == 2
    assert "按全市考核" not in page


# ---------------------------------------------------------------- the cluster table (item 2)


def _consistent(counts: list, marks: list) -> None:
    """A count and a mark of one scope: covered exactly where the count is positive."""
    for n, mark in zip(counts, marks, strict=True):
        if mark is None or (isinstance(mark, str) and mark.startswith("—")):
            continue
        covered = mark is True or (isinstance(mark, str) and "已覆盖" in mark)
        assert covered == (int(n) > 0), (n, mark)


@pytest.mark.parametrize("region", [None, "330402"])
def test_the_cluster_table_counts_and_marks_one_scope_as_kpi_status_does(
    demo_db: Path, region: str | None
) -> None:
    from kpi.engine import status as engine_status
    from kpi.reports import clusters

    with connection.connect(demo_db) as con:
        table = clusters.cluster_table(con, None, region)
        mine = engine_status.kpi_status(con, None, region)["indicators"]["cluster_coverage"]
        city = engine_status.kpi_status(con)["indicators"]["cluster_coverage"]
    f = table.frame
    _consistent(list(f["platforms"]), list(f["covered"]))
    _consistent(list(f["city_platforms"]), list(f["city_covered"]))
    assert set(f.loc[f["covered"].eq(False), "cluster"]) == set(mine["uncovered"])
    assert int(f["covered"].eq(True).sum()) == mine["covered"] == table.covered
    assert int(f["covered"].notna().sum()) == mine["total"]
    assert set(f.loc[~f["city_covered"], "cluster"]) == set(city["uncovered"])
    if region:  # the county's own platforms: fewer than the city's, never more
        assert (f["platforms"] <= f["city_platforms"]).all() and (f["platforms"] < f["city_platforms"]).any()


def test_a_platform_not_yet_recognised_is_neither_counted_nor_covering(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a period that ended before a platform's recognition, the platform neither counts nor
    covers its cluster (a future recognition date is refused at ingest, so an earlier period is
    where "not yet" happens)."""
    from kpi.ingest.platforms import ingest_platforms
    from kpi.reports import clusters

    later = support.GOOD_ROW.replace("2025Q1", "2025Q2")
    assert support.ingest_text(db, support.stats_csv(support.GOOD_ROW, later)).stored
    plats = "平台名称,依托单位,县(市、区),服务集群,级别,建设模式,认定时间,状态\n新平台,某公司,南湖区,健康食品,省级,龙头企业开放,2025-05-15,在建\n"
    with connection.connect(db) as con:
        assert ingest_platforms(con, plats.encode(), "名录.csv").stored
        table = clusters.cluster_table(con, "2025Q1")  # its end, 2025-03-31: before the recognition
    row = table.frame.set_index("name").loc["健康食品"]
    assert (row["platforms"], row["covered"]) == (0, False)
    monkeypatch.setenv("KPI_DB", str(db))
    at = run("pages/clusters.py")  # the page counted every platform not revoked: 1 beside ✖
    at.sidebar.selectbox(key="clusters_period__zh").set_value("2025Q1").run()
    page = at.dataframe[0].value.set_index("产业集群")
    assert (page.loc["健康食品", "平台数"], page.loc["健康食品", "平台覆盖"]) == (0, "✖ 未覆盖")


def test_a_countys_cluster_page_says_whose_platforms_it_counts(app_db: Path) -> None:
    at = run("pages/clusters.py", "county", "330402")
    table = at.dataframe[0].value
    assert "平台数" not in table.columns and "平台覆盖" not in table.columns
    _consistent(list(table["本地区平台数"]), list(table["本地区覆盖"]))
    _consistent(list(table["全市平台数"]), list(table["全市覆盖"]))
    rows = table.set_index("产业集群")
    assert rows.loc["健康食品", "本地区覆盖"] == "—"  # not the county's: no ✔ from another scope
    assert rows.loc["数字安防与网络通信", "本地区覆盖"] == "✖ 未覆盖"
    assert rows.loc["数字安防与网络通信", "全市覆盖"] == "✔ 已覆盖"
    assert any("只计南湖区自己的中试平台" in c.value for c in at.caption)


def test_a_countys_heat_map_uses_the_colour_scale_of_every_unit(app_db: Path) -> None:
    import json

    from kpi.engine import breakdown

    at = run("pages/clusters.py", "county", "330402")
    with connection.connect(app_db) as con:
        every = breakdown.region_cluster_matrix(con, status(app_db)["period"])
    values = every[every["indicator"] == "rd_intensity"]["value"] * 100
    spec = json.loads(next(c for c in at.get("plotly_chart") if "matrix" in c.proto.id).proto.spec)
    heat = spec["data"][0]
    assert heat["x"] == ["南湖"]  # the county's own column only
    assert heat["zmin"] == pytest.approx(values.min()) and heat["zmax"] == pytest.approx(values.max())
    assert any("颜色刻度为全市各单位×集群本期数值的范围" in c.value for c in at.caption)


# ---------------------------------------------------------------- gaps and "below target" (search)


BAND = {"target": 0.73, "band_pp": 1.0}


@pytest.mark.parametrize(
    ("gap_pp", "entry", "zh"),
    [
        (0.06, None, "距目标 0.06个百分点"),
        (-0.36, None, "超出目标 0.36个百分点"),
        (0.0, None, "恰好达到目标"),  # was "超出目标 0.00个百分点"
        (0.004, None, "距目标不足0.01个百分点"),  # was "距目标 0.00个百分点" beside a light not achieved
        (-0.004, None, "超出目标不足0.01个百分点"),
        (1.36, {**BAND, "shortfall_pp": 0.36}, "距目标区间下沿（72.00%）0.36个百分点"),  # the light's edge
        (
            0.5,
            {**BAND, "shortfall_pp": -0.5},
            "在目标区间内（72.00%—74.00%）",
        ),  # was "距目标 0.50" beside 达标
        (1.003, {**BAND, "shortfall_pp": 0.003}, "距目标区间下沿（72.00%）不足0.01个百分点"),
        (-1.5, {**BAND, "shortfall_pp": -2.5}, "高于目标区间上沿（74.00%）0.50个百分点"),
        (None, None, "—"),
    ],
)
def test_the_gap_sentence_agrees_with_the_light(gap_pp: float | None, entry: dict | None, zh: str) -> None:
    from kpi.reports import attention

    assert attention.gap_sentence(gap_pp, "zh", entry) == zh


def test_the_city_card_gives_the_band_gap_from_the_edge_its_light_uses(app_db: Path) -> None:
    at = run(None)
    e = status(app_db)["indicators"]["hightech_share"]
    assert e["band_pp"] and e["shortfall_pp"] > 0
    captions = " ".join(c.value for c in at.caption)
    assert f"距目标区间下沿（72.00%）{e['shortfall_pp']:.2f}个百分点" in captions
    assert e["gap_text"] in captions  # the card writes the status's own sentence
    assert f"距目标 {e['gap_pp']:.2f}个百分点" not in captions


# 南湖 at 72.5 % is within the 73 % ± 1 band (its card: 达标); 秀洲 at 71 % is below it.
IN_BAND = support.stats_csv(
    "2025Q1,南湖区,,30,1000,500,1000,72.5,100",
    "2025Q1,秀洲区,,30,1000,500,1000,71,100",
)


def test_a_unit_within_the_band_is_not_listed_below_the_target(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpi.reports import brief

    assert support.ingest_text(db, IN_BAND).stored
    monkeypatch.setenv("KPI_DB", str(db))
    at = run(None)
    text = "\n".join(m.value for m in at.markdown)
    line = next(x for x in text.splitlines() if x.startswith("- ▲ **高新技术产业增加值占规上工业比重**"))
    assert "低于目标区间下沿72.00%的单位：秀洲" in line and "南湖" not in line
    with connection.connect(db) as con:
        page = brief.brief_html(con, "2025Q1")
    assert "高新技术产业占比低于目标区间下沿72.00%的单位：秀洲" in page
    assert "低于目标73.00%" not in page
    # the brief's bars: 南湖 (72.5 %, achieved) dark blue like every unit that reached the target
    svg = page[page.index("高新技术产业占比</div>") :]
    nanhu = svg[svg.index("南湖") :]
    assert nanhu[nanhu.index("<rect") :].split(">")[0].endswith('fill="#0072B2"/')


def test_a_contribution_bar_is_marked_by_the_sign_of_its_written_value() -> None:
    import pandas as pd

    from kpi.reports import charts

    frame = pd.DataFrame(
        {
            "region": ["a", "b", "c", "d"],
            "label": ["a", "b", "c", "d"],
            "gap_money": [5000.0, 0.0, -30.0, -17500.0],
        }
    )
    bar = charts.contributions(frame, value_label="亿元").data[0]
    texts = dict(zip(bar.y, bar.text, strict=True))
    # a word, not ▲/▼ (issue 14: ▲ read as a rise); the word follows the sign as written
    assert texts == {"a": "缺口 0.50", "b": "0.00", "c": "0.00", "d": "超出 1.75"}  # was '超出 0.00'
    assert list(bar.x) == [-1.75, -0.003, 0.0, 0.5]  # still signed: the bars add up to the city's gap
    colours = dict(zip(bar.y, bar.marker.color, strict=True))
    assert (colours["a"], colours["c"], colours["d"]) == (charts.VERMILLION, charts.BLUE, charts.BLUE)


def test_the_regions_cards_write_the_target_as_the_overview_does(app_db: Path) -> None:
    at = run("pages/regions.py")
    captions = " ".join(c.value for c in at.caption)
    assert "目标 ≈ 73.00%±1 (2027)" in captions  # was '目标 73.00%': a band target without its band
    assert "目标 ≥ 3.15% (2027)" in captions


def test_the_command_line_writes_a_change_that_rounds_to_zero_without_a_sign(tiny_db: Path) -> None:
    out = support.run_kpi("status", "--region", "南湖区", "--period", "2025Q1", db=tiny_db)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if "研发费用支出" in x)
    assert "同比 0.00 pp" in line and "-0.00" not in line


def test_a_value_on_its_glide_path_is_neither_above_nor_below_it(tiny_db: Path) -> None:
    at = support.app("leader", query={"region": "330402", "period": "2024Q1"})  # the baseline itself
    at.run()
    at.switch_page("pages/regions.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "序时路径：此时应为 3.00%，实际与路径持平" in text
    assert "高于路径 0.00" not in text and "低于路径 0.00" not in text


def test_the_platform_page_says_its_goal_cards_are_the_citys(app_db: Path) -> None:
    at = run("pages/platforms.py", "county", "330402")
    city = status(app_db)["indicators"]["cluster_coverage"]
    coverage = at.metric[0]
    assert coverage.value == f"{city['value'] * 100:.1f}%"  # the city's, not the county's 25 %
    assert coverage.label.startswith("全市")


def test_the_briefs_narrative_gives_completion_beside_time_elapsed(demo_db: Path) -> None:
    from kpi.reports import brief

    with connection.connect(demo_db) as con:
        data = brief.gather(con)
    ind = data["status"]["indicators"]
    ind["cluster_coverage"]["status"] = "at_risk"  # the light the sentence is written for
    text = brief.narrative(data)
    cov, nat = ind["cluster_coverage"], ind["national_platforms"]
    assert nat["status"] == "off_track"
    assert f"完成率{cov['completion'] * 100:.0f}%、序时进度{cov['elapsed'] * 100:.0f}%，有风险" in text
    assert "有风险于序时进度" not in text
    assert f"完成率{nat['completion'] * 100:.0f}%、序时进度{nat['elapsed'] * 100:.0f}%，滞后" in text


def test_the_briefs_legend_explains_every_mark_on_its_cards(demo_db: Path) -> None:
    from kpi.reports import brief, style

    with connection.connect(demo_db) as con:
        page = brief.brief_html(con, None, "330402")  # a county: its count cards are marked –
    legend = page[page.index("状态以文字和符号表示") :]
    assert style.status_text("no_target").replace(" ", "") in legend
    for status in ("achieved", "on_track", "at_risk", "off_track", "no_data"):
        assert style.status_text(status).replace(" ", "") in legend


def test_each_contribution_of_a_change_is_written_in_percentage_points(demo_db: Path) -> None:
    """'贡献+5.29' had no unit beside '同比+0.04个百分点'."""
    import re

    rd = status(demo_db)["indicators"]["rd_intensity"]
    text = rd["decomposition"]["text"]
    effects = re.findall(r"贡献([+\-−]?\d+\.\d+)(个百分点)?", text)
    assert len(effects) == 2 and all(unit == "个百分点" for _, unit in effects), text
