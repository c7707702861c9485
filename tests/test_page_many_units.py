"""Rankings with more units than a chart can show (province or country scale).

Above 30 units the Overview and Regions charts draw the top and bottom 15 of each ranking plus
the chosen or own unit, say so in a caption, and offer the full list as a table and a CSV; with
Jiaxing's nine units nothing changes. Pages run through AppTest on a database whose units are
40 made-up ones, their statistics stored through the real ingestion of a CSV file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import support
from support import app_copy

from kpi.engine import series, status
from kpi.model.definitions import CITY_CODE
from kpi.reports import charts
from kpi.store import connection

UNITS = 40


def forty_units_csv() -> bytes:
    """2024Q4 and 2025Q4 for units 1–40. Unit i: R&D intensity (20 + i)‰, new-product rate
    (10 + i) % (39 units below the 50 % floor), high-tech share (50 + i) %; a year earlier a little
    lower."""
    rows = []
    for period, less in (("2024Q4", 1), ("2025Q4", 0)):
        for i in range(1, UNITS + 1):
            rd, new, tech = 20 + i - less, 10 + i - less, 50 + i - less
            rows.append(f"{period},单位{i},,{rd},1000,{new * 10},1000,{tech},100")
    return support.stats_csv(*rows).encode("gbk")


@pytest.fixture(scope="module")
def _forty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("forty") / "kpi.duckdb"
    with connection.connect(path, write=True) as con:
        con.execute("DELETE FROM regions WHERE code <> $city", {"city": CITY_CODE})
        con.execute(
            """INSERT INTO regions (code, name, short_name, name_en, kind, sort, aliases)
               SELECT printf('U%02d', i), printf('测试单位%02d', i), printf('单位%d', i), printf('Unit %d', i),
                      'district', i, '' FROM range(1, $n + 1) t(i)""",
            {"n": UNITS},
        )
    assert support.ingest_bytes(path, forty_units_csv(), "forty.csv").stored
    return path


@pytest.fixture
def forty(_forty: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return app_copy(_forty, tmp_path, monkeypatch)


def ranking(db: Path, indicator: str) -> pd.DataFrame:
    """The engine's ranking of one indicator in the latest period, best first."""
    with connection.connect(db) as con:
        period = status.kpi_status(con)["period"]
        frame = series.unit_ranking(con, period)
    return frame[frame["indicator"] == indicator].sort_values("rank")


def charts_of(at, marker: str) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart") if marker in c.proto.id]


def start(page: str | None = None, **kwargs):
    at = support.app(**kwargs)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_overview_ranking_shows_the_top_and_bottom_15_of_40(forty: Path) -> None:
    at = start(role="leader")
    rd = ranking(forty, "rd_intensity")
    bars = support.each_ratio(at, "overview_rank__zh", "-rank-")
    assert len(bars) == 3
    names = bars[0]["data"][0]["y"]
    assert len(names) == 30
    best, worst = rd["short_name"].iloc[0], rd["short_name"].iloc[-1]
    assert names[-1] == best and names[0] == worst  # drawn bottom up: best on top
    left_out = set(rd["short_name"].iloc[15:25])
    assert not left_out & set(names)
    assert "共40个单位，显示前15与后15" in captions(at)
    assert [s["type"] for s in bars[0]["layout"]["shapes"]].count("line") >= 2  # target + gap line
    assert any(h.value == "各单位赛马排名（共40个单位）" for h in at.subheader)


def test_overview_keeps_the_full_list_as_a_table_and_a_download(forty: Path) -> None:
    at = start(role="leader")
    labels = [e.label for e in at.expander]
    assert "全部40个单位（表格）" in labels
    tables = [t.value for t in at.dataframe if "研发费用占比排名" in t.value.columns]
    assert len(tables) == 1 and len(tables[0]) == UNITS
    rd = ranking(forty, "rd_intensity")
    assert tables[0]["代码"].tolist() == rd["region"].tolist()  # sorted by the first ratio's rank
    assert at.download_button(key="overview-ranking-csv")


def test_overview_contributions_show_the_largest_and_smallest_gaps(forty: Path) -> None:
    at = start(role="leader")
    contrib = support.each_ratio(at, "overview_contrib__zh", "-contrib-")
    assert len(contrib) == 3 and len(contrib[0]["data"][0]["y"]) == 30
    assert "共40个单位，显示缺口最大的15个与最小的15个" in captions(at)
    assert "全部40个单位的差距贡献（表格）" in [e.label for e in at.expander]


def test_overview_names_only_the_lowest_units_below_a_target_when_many(forty: Path) -> None:
    at = start(role="leader")
    lines = [line for m in at.markdown for line in m.value.splitlines() if "低于目标" in line]
    # new-product rate: 39 units below the 50 % floor; named are the lowest 15 (单位1 … 单位15)
    floor = next(line for line in lines if "50.00%" in line)
    names = [f"单位{i}" for i in range(1, 16)]
    assert floor.endswith(f"低于目标50.00%的单位共39个，最低的15个：{'、'.join(names)}（全部见下方排名表）")
    # R&D intensity: 11 units below 3.15 %, few enough to name every one
    point = next(line for line in lines if "3.15%" in line)
    assert point.endswith("低于目标3.15%的单位：" + "、".join(f"单位{i}" for i in range(1, 12)))


def test_regions_comparison_keeps_the_chosen_unit_from_the_middle(forty: Path) -> None:
    rd = ranking(forty, "rd_intensity")
    middle = rd.iloc[19]  # rank 20 of 40: neither in the top nor the bottom 15
    at = start("pages/regions.py", role="leader", query={"region": middle["region"]})
    bars = charts_of(at, "-cmp-")
    trace = bars[0]["data"][0]
    assert len(trace["y"]) == 31 and middle["short_name"] in trace["y"]
    colours = dict(zip(trace["y"], trace["marker"]["color"], strict=True))
    highlighted = [name for name, colour in colours.items() if colour == charts.ORANGE]
    assert highlighted == [middle["short_name"]]  # highlighted, alone
    assert f"另含{middle['short_name']}（第 {int(middle['rank'])} 位）" in captions(at)
    assert f"40个单位中第 {int(middle['rank'])} 位" in captions(at)
    assert len(bars[0]["layout"]["shapes"]) >= 3  # the target and a dotted line on each side


def test_english_captions_say_what_is_shown(forty: Path) -> None:
    at = start(role="leader")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert "40 units: the top 15 and the bottom 15 are shown" in captions(at)
    assert "All 40 units (table)" in [e.label for e in at.expander]


def test_nine_units_are_all_drawn_without_a_caption_or_table(app_db: Path) -> None:
    at = start(role="leader")
    assert all(len(c["data"][0]["y"]) == 9 for c in charts_of(at, "-rank-"))
    assert "显示前" not in captions(at)
    assert not [e for e in at.expander if "单位（表格）" in e.label]
    assert any(h.value == "九个单位赛马排名" for h in at.subheader)


# ---------------------------------------------------------------- the cut itself (pure)


def frame(values: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame({"region": [f"U{i:02d}" for i in range(len(values))], "value": values})


@pytest.mark.parametrize(
    ("n", "keep", "shown", "gaps"),
    [
        (9, [], 9, 0),
        (30, [], 30, 0),
        (31, [], 30, 1),
        (40, [], 30, 1),
        (40, ["U20"], 31, 2),  # the kept unit sits alone between the groups
        (40, ["U15"], 31, 1),  # right below the top 15: one gap, after it
        (40, ["U03"], 30, 1),  # already in the top 15: nothing added
    ],
)
def test_top_and_bottom_counts(n: int, keep: list[str], shown: int, gaps: int) -> None:
    cut = charts.top_and_bottom(frame([1 - i / 100 for i in range(n)]), "value", keep=keep)
    assert (len(cut.frame), len(cut.gaps_after), cut.total) == (shown, gaps, n)
    assert cut.frame["value"].is_monotonic_decreasing
    assert cut.cut == (shown < n)


def test_units_without_a_value_are_never_the_bottom() -> None:
    values = [1 - i / 100 for i in range(35)] + [None] * 5
    cut = charts.top_and_bottom(frame(values), "value")
    assert cut.frame["value"].notna().all()
    assert cut.frame["region"].iloc[-1] == "U34"  # the lowest value, not a missing one
