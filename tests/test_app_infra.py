"""The app's plumbing: every text has both languages, the app never holds the database lock, and
its cache follows writes made by another process."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import support

from kpi.engine import status
from kpi.ingest import demo
from kpi.store import connection
from kpi.text.dashboard import UI_TEXT

ROOT = Path(__file__).resolve().parents[1]
UI_FILES = [
    ROOT / "dashboard.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "kpi" / "ui").rglob("*.py")),
]


def test_every_text_key_used_by_the_app_exists_in_both_languages() -> None:
    used: set[str] = set()
    for f in UI_FILES:
        used |= set(re.findall(r"""\bu?i?\.?t\(\s*["']([a-z_.0-9]+)["']""", f.read_text(encoding="utf-8")))
    # a key ending in "." is a prefix completed at run time (tier.1, group.future …)
    missing = sorted(
        k
        for k in used
        if (k not in UI_TEXT if not k.endswith(".") else not any(x.startswith(k) for x in UI_TEXT))
    )
    assert not missing, missing
    for key, (zh, en) in UI_TEXT.items():
        assert zh.strip() and en.strip(), key
        # an English text may quote Chinese terms (万元, headers) but must not be the Chinese copy
        assert en != zh or not re.search(r"[\u4e00-\u9fff]", zh), key


def test_config_keeps_tracebacks_and_developer_menus_from_users() -> None:
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert 'showErrorDetails = "none"' in text
    assert 'toolbarMode = "viewer"' in text
    assert "gatherUsageStats = false" in text
    assert re.search(r"maxUploadSize = \d+", text)


def test_config_runs_no_full_garbage_collection_after_every_script_run() -> None:
    """Streamlit's default gc.collect(2) after each run cost 55 ms of CPU on a page of one title,
    with the GIL held: every other session waited (issue 16)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["postScriptGC"] is False


@pytest.fixture
def served_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "kpi.duckdb"
    with connection.connect(path) as con:
        demo.load(con)
    monkeypatch.setenv("KPI_DB", str(path))
    return path


def test_a_shell_ingest_works_while_the_app_runs_and_the_app_sees_it(served_db: Path, tmp_path: Path) -> None:
    at = support.app("leader", db=served_db).run()
    assert not at.exception
    before = at.metric[0].value
    with connection.connect(served_db) as con:
        period = status.kpi_status(con)["period"]
    # a revision of every unit's latest R&D figure, from a real `kpi` process (another process:
    # it can only open the file if the app does not keep it locked)
    csv = tmp_path / "rev.csv"
    lines = [
        "统计期,县(市、区),产业集群,研发费用,营业收入,新产品产值,工业总产值,高新技术产业增加值,规上工业增加值"
    ]
    with connection.connect(served_db) as con:
        rows = con.execute(
            "SELECT region, operating_revenue, new_product_output, gross_output, hightech_value_added, "
            "industrial_value_added FROM stat_values WHERE is_current AND cluster = 'ALL' AND period = $p",
            {"p": period},
        ).fetchall()
    for region, rev, npo, gross, ht, iva in rows:
        lines.append(f"{period},{region},合计,{rev * 0.04:.1f},{rev},{npo},{gross},{ht},{iva}")
    csv.write_text("\n".join(lines), encoding="utf-8")
    kpi = shutil.which("kpi", path=str(Path(sys.executable).parent)) or "kpi"
    done = subprocess.run(
        [kpi, "ingest", "stats", str(csv), "--db", str(served_db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    at.run()
    assert not at.exception
    assert at.metric[0].value != before
    assert at.metric[0].value == "4.00%"
