"""AppTest runs of the Overview, Regions and Clusters pages against a real DuckDB file.

The numbers on the pages must equal `kpi status` for the same scope; filters change the numbers;
an empty database shows what to do; English changes the labels.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import support
from streamlit.testing.v1 import AppTest

from kpi.engine import status as engine_status
from kpi.store import connection

ROOT = Path(__file__).resolve().parents[1]


def start(
    page: str | None = None,
    query: dict[str, str] | None = None,
    role: str = "leader",
    region: str | None = None,
) -> AppTest:
    at = support.app(role, region, query=query)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def status(db: Path, **scope: str | None) -> dict:
    with connection.connect(db) as con:
        return engine_status.kpi_status(con, **scope)


def pct(v: float) -> str:
    return f"{v * 100:.2f}%"


def test_overview_cards_equal_kpi_status(app_db: Path) -> None:
    at = start()
    expected = status(app_db)
    metrics = [m.value for m in at.metric]
    ind = expected["indicators"]
    assert metrics[:3] == [
        pct(ind[k]["value"]) for k in ("rd_intensity", "new_product_rate", "hightech_share")
    ]
    assert metrics[3] == f"{ind['cluster_coverage']['value'] * 100:.1f}%"
    assert metrics[4].startswith(f"{ind['provincial_platforms']['value']} 家")
    assert metrics[5].startswith(f"{ind['national_platforms']['value']} 家")
    text = " ".join(m.value for m in at.markdown)
    for code, entry in ind.items():
        assert entry["label"] in text, code
    assert any("演示数据" in w.value for w in at.warning)
    assert "2026年1—9月" in " ".join(c.value for c in at.caption) or expected["period"] != "2026Q3"


def test_overview_period_selector_changes_the_numbers(app_db: Path) -> None:
    at = start()
    at.sidebar.selectbox(key="overview_period__zh").set_value("2024Q2").run()
    assert not at.exception
    ind = status(app_db, period="2024Q2")["indicators"]
    assert at.metric[0].value == pct(ind["rd_intensity"]["value"])
    assert "2024年1—6月" in at.metric[0].label


def test_overview_ranking_lists_the_nine_units(app_db: Path) -> None:
    at = start()
    bars = support.each_ratio(at, "overview_rank__zh", "-rank-")
    assert len(bars) == 3
    names = bars[0]["data"][0]["y"]
    assert len(names) == 9 and "南湖" in names and "嘉兴港区" in names


def test_regions_page_numbers_follow_the_region_filter(app_db: Path) -> None:
    at = start("pages/regions.py")
    first = at.selectbox(key="regions_region__zh").value
    nanhu = status(app_db, region=first)["indicators"]
    assert at.metric[0].value == pct(nanhu["rd_intensity"]["value"])
    at.selectbox(key="regions_region__zh").set_value("JX-PORT").run()
    assert not at.exception
    port = status(app_db, region="JX-PORT")["indicators"]
    assert at.metric[0].value == pct(port["rd_intensity"]["value"])
    assert at.metric[0].value != pct(nanhu["rd_intensity"]["value"])
    assert at.query_params["region"] in ("JX-PORT", ["JX-PORT"])
    headers = [h.value for h in at.header]
    assert "浙江乍浦经济开发区（嘉兴港区）" in headers


def test_regions_page_reads_region_and_period_from_the_link(app_db: Path) -> None:
    at = start("pages/regions.py", {"region": "海宁市", "period": "2025Q1"})
    assert at.selectbox(key="regions_region__zh").value == "330481"
    assert at.selectbox(key="regions_period__zh").value == "2025Q1"
    expected = status(app_db, region="330481", period="2025Q1")["indicators"]
    assert at.metric[1].value == pct(expected["new_product_rate"]["value"])


@pytest.mark.parametrize("bad", ["杭州市", "<script>alert(1)</script>", "' OR 1=1 --"])
def test_regions_page_refuses_an_unknown_region_in_the_link(app_db: Path, bad: str) -> None:
    at = start("pages/regions.py", {"region": bad})
    assert at.selectbox(key="regions_region__zh").value == "330402"  # the default, not the link's text
    assert any("无效" in w.value for w in at.warning)


def test_clusters_page_calls_out_uncovered_clusters_and_unconfirmed_taxonomy(app_db: Path) -> None:
    at = start("pages/clusters.py")
    cov = status(app_db)["indicators"]["cluster_coverage"]
    text = " ".join(m.value for m in at.markdown)
    for name in cov["uncovered_names"]:
        assert name in text
    assert any("占位" in i.value for i in at.info)
    table = at.dataframe[0].value
    assert len(table) == cov["total"]
    assert (table["平台覆盖"] == "✖ 未覆盖").sum() == len(cov["uncovered"])


def test_english_switch_changes_the_labels(app_db: Path) -> None:
    at = start()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert any("Demo data" in w.value for w in at.warning)
    assert "R&D expense / operating revenue" in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize("page", [None, "pages/regions.py", "pages/clusters.py"])
def test_empty_database_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str | None
) -> None:
    monkeypatch.setenv("KPI_DB", str(tmp_path / "empty.duckdb"))
    at = start(page)
    # what to do, and who can: the page and the role, not a shell command
    assert any("“数据上传”页" in i.value and "kpi " not in i.value for i in at.info)
    assert not at.metric


def test_progress_panels_and_contributions_equal_the_json(app_db: Path) -> None:
    at = start()
    ind = status(app_db)["indicators"]
    text = " ".join(m.value for m in at.markdown)
    for code in ("rd_intensity", "new_product_rate", "hightech_share"):
        e = ind[code]
        assert e["catch_up"]["text"] in text
        assert e["decomposition"]["text"] in text
        ratio = "—" if e["pace_ratio"] is None else f"{e['pace_ratio']:.2f}"
        assert f"r/r* = {ratio}" in text
        assert f"此时应为 {e['glide']['expected'] * 100:.2f}%" in text
    contrib = support.each_ratio(at, "overview_contrib__zh", "-contrib-")
    assert len(contrib) == 3
    for chart, code in zip(contrib, ("rd_intensity", "new_product_rate", "hightech_share"), strict=True):
        assert sum(chart["data"][0]["x"]) == pytest.approx(
            ind[code]["region_contributions"]["total"] / 10_000
        )


def test_regions_page_shows_the_regions_own_catch_up(app_db: Path) -> None:
    at = start("pages/regions.py", {"region": "JX-PORT"})
    e = status(app_db, region="JX-PORT")["indicators"]["rd_intensity"]
    shown = " ".join([*(c.value for c in at.caption), *(m.value for m in at.markdown)])
    assert e["catch_up"]["text"] in shown  # behind the card's 依据与测算 panel


def test_regions_cluster_table_holds_percent_numbers_that_sort_as_numbers(app_db: Path) -> None:
    """The cluster table's ratios are numbers in percent with a two-decimal % format, not text
    ("10.50%" sorts before "9.80%" as text), and equal the cluster breakdown of the kpi core."""
    from kpi.engine import breakdown
    from kpi.model.definitions import RATIOS

    at = start("pages/regions.py", {"region": "330402", "period": "2025Q3"})
    table = at.dataframe[0]
    frame = table.value.set_index("产业集群")
    config = json.loads(table.proto.columns)
    with connection.connect(app_db) as con:
        expected = breakdown.cluster_ratios(con, "2025Q3", "330402")
        names = dict(con.execute("SELECT code, name FROM clusters").fetchall())
    assert len(frame) == expected["cluster"].nunique() > 1
    for r in RATIOS:
        assert frame[r.short_zh].dtype == "float64", r.code
        assert config[r.short_zh]["type_config"] == {"type": "number", "format": "%.2f%%"}
        mine = expected[expected["indicator"] == r.code]
        for cluster, value in zip(mine["cluster"], mine["value"], strict=True):
            assert frame.loc[names[cluster], r.short_zh] == pytest.approx(value * 100)
