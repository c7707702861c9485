"""End to end: `streamlit run` on a free port, every page opened in a real headless Chromium.

Checks that each page finishes running, shows no exception element and has its Chinese heading;
saves a full-page screenshot of each in tests/artifacts/ (looked at by a person before a page is
called done). Chromium is Debian's /usr/bin/chromium, installed by scripts/setup.sh.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from kpi import demo, store

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
PAGES = [
    ("overview", "总览"),
    ("regions", "区县"),
    ("clusters", "产业集群"),
    ("platforms", "中试平台"),
    ("upload", "数据上传"),
    ("methods", "方法说明"),
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("e2e") / "kpi.duckdb"
    with store.connect(db) as con:
        demo.load(con)
    port = _free_port()
    env = {**os.environ, "KPI_DB": str(db)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"streamlit did not start: {proc.stderr.read().decode()[-2000:]}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    proc.stderr.close()


def wait_for_app(page) -> None:
    """A rerun is finished when the app reports notRunning and no skeleton remains (TRAPS.md 6)."""
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached", timeout=60_000
    )
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=stSkeleton]').length === 0", timeout=60_000
    )
    page.wait_for_timeout(800)  # debounced widgets and plotly's first paint


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_page_renders_in_chromium(server: str, browser, path: str, heading: str) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    started = time.monotonic()
    page.goto(f"{server}/{path}")
    wait_for_app(page)
    elapsed = time.monotonic() - started
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside stMain, so a "full page" shot would stop at the viewport: grow it
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"{path}.png"), full_page=True)
    exceptions = page.locator("[data-testid=stException]").count()
    title = page.locator("h1").first.inner_text()
    body = page.locator("[data-testid=stMain]").inner_text()
    page.close()
    print(f"{path}: rendered in {elapsed:.2f} s")
    assert exceptions == 0
    assert heading in title
    assert "Traceback" not in body
    assert "演示数据" in body  # every page says the data are demo data
