"""The leader's brief: the real PDF from headless Chromium, its text read back with pdftotext and
checked against kpi_status and unit_ranking for the same scope; one page; fonts embedded."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from support import TODAY, run_kpi, stats_csv

from kpi.engine import series
from kpi.engine import status as engine_status
from kpi.ingest import demo
from kpi.ingest.stats import ingest_stats
from kpi.model.definitions import RATIOS
from kpi.reports import brief
from kpi.store import connection

pytestmark = pytest.mark.slow


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: bash scripts/setup.sh installs Debian's poppler-utils"
    return found


def pdf_text(path: Path) -> str:
    """The PDF's text with all white space removed (lines wrap anywhere in Chinese)."""
    out = subprocess.run(
        [_tool("pdftotext"), "-raw", str(path), "-"], capture_output=True, text=True, check=True
    )
    return re.sub(r"\s+", "", out.stdout)


def pdf_pages(path: Path) -> int:
    out = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", out.stdout).group(1))  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def city_brief(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    """A demo database, `kpi report` for the city (the real command), and kpi_status for it."""
    base = tmp_path_factory.mktemp("brief")
    db = base / "kpi.duckdb"
    with connection.connect(db) as con:
        demo.load(con, today=TODAY)
    out = base / "brief.pdf"
    done = run_kpi("report", "--period", "2025Q4", "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    with connection.connect(db) as con:
        status = engine_status.kpi_status(con, "2025Q4")
        status["ranking"] = series.unit_ranking(con, "2025Q4")
    return db, out, status


def test_the_brief_is_one_a4_page_with_the_cjk_font_embedded(city_brief: tuple[Path, Path, Any]) -> None:
    _, pdf, _ = city_brief
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf_pages(pdf) == 1
    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows, "no fonts in the PDF"
    for row in rows:
        emb = row.split()[-5]  # columns: ... emb sub uni object ID
        assert emb == "yes", row


def test_the_brief_shows_the_same_numbers_as_kpi_status(city_brief: tuple[Path, Path, Any]) -> None:
    _, pdf, status = city_brief
    text = pdf_text(pdf)
    assert "2025年1—12月" in text and "2025Q4" in text
    ind = status["indicators"]
    for r in RATIOS:
        e = ind[r.code]
        assert f"{e['value'] * 100:.2f}%" in text, r.code
        word = (
            "同比持平" if abs(e["change_pp"]) < 0.005 else ("同比下降" if e["change_pp"] < 0 else "同比上升")
        )
        assert word in text, r.code  # the word follows the sign (issue 12)
        assert f"{abs(e['change_pp']):.2f}个百分点" in text, r.code
        if e.get("band_pp"):  # a band's gap by its own rule: inside it, or from its edge (issue 12)
            assert re.sub(r"\s+", "", e["gap_text"]) in text, r.code
        else:
            assert f"{abs(e['gap_pp']):.2f}个百分点" in text, r.code
        if e["catch_up"]["met"] is False:
            assert re.sub(r"\s+", "", e["catch_up"]["text"]) in text, r.code
    cov = ind["cluster_coverage"]
    assert f"{cov['covered']}/{cov['total']}" in text
    for code in ("provincial_platforms", "national_platforms"):
        assert f"{ind[code]['value']}家" in text
    # every unit's value in the ranking, and the rank numbers in order
    for r in status["ranking"].itertuples():
        assert f"{r.value * 100:.2f}%" in text, (r.indicator, r.region)


def test_the_brief_states_status_in_words_and_its_sources(city_brief: tuple[Path, Path, Any]) -> None:
    _, pdf, status = city_brief
    text = pdf_text(pdf)
    words = {"achieved": "✔达标", "on_track": "●正常推进", "at_risk": "▲有风险", "off_track": "✖滞后"}
    for e in status["indicators"].values():
        if e["status"] in words:
            assert words[e["status"]] in text
    assert "演示数据" in text
    assert "demo_stats.csv" in text and "demo_platforms.csv" in text  # the uploads it rests on
    assert "筛选条件：范围全市" in text
    n = sum(e["status"] != "no_target" for e in status["indicators"].values())
    assert f"全市{n}项目标中" in text  # the generated narrative


def test_a_region_brief_from_the_command_line(city_brief: tuple[Path, Path, Any], tmp_path: Path) -> None:
    db, _, _ = city_brief
    out = tmp_path / "nanhu.pdf"
    done = run_kpi("report", "--period", "2025Q4", "--region", "南湖", "--out", str(out), db=db)
    assert done.returncode == 0, done.stderr
    with connection.connect(db) as con:
        ind = engine_status.kpi_status(con, "2025Q4", "330402")["indicators"]
    text = pdf_text(out)
    assert "目标推进简报·南湖区" in text and "范围南湖区（330402）" in text
    for r in RATIOS:
        assert f"{ind[r.code]['value'] * 100:.2f}%" in text
    rejected = run_kpi("report", "--region", "火星", "--out", str(tmp_path / "x.pdf"), db=db)
    assert rejected.returncode == 2 and not (tmp_path / "x.pdf").exists()


def test_every_value_in_the_page_is_escaped(db: Path) -> None:
    text = stats_csv("2025Q1,南湖区,,30,1000,500,1000,70,100")
    with connection.connect(db) as con:
        ingest_stats(con, text.encode("utf-8"), "<script>alert(1)</script>.csv", today=TODAY)
        page = brief.brief_html(con, "2025Q1", today=TODAY)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in page
    assert "default-src 'none'" in page  # the page can fetch nothing


def test_narrative_counts_each_status_once(db: Path) -> None:
    with connection.connect(db) as con:
        demo.load(con, today=TODAY)
        data = brief.gather(con, "2025Q4", today=TODAY)
    story = brief.narrative(data)
    ind = data["status"]["indicators"]
    achieved = sum(e["status"] == "achieved" for e in ind.values())
    assert story.startswith("截至2025年1—12月，全市6项目标中，")
    assert (f"{achieved}项已达标" in story) == (achieved > 0)
