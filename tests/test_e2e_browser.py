"""End to end: `streamlit run` on a free port, every page opened in a real headless Chromium.

First, signed out, in the fresh server process: each page's URL shows the sign-in form and nothing
of the page (the first visit is also the one that runs in Streamlit's pages-folder mode, TRAPS 1).
Then, for each page: open its URL, sign in through the form, and check that the page asked for
finishes running, shows no exception element and has its Chinese heading; a full-page screenshot
of each goes to tests/artifacts/ (looked at by a person before a page is called done). Chromium is
Debian's /usr/bin/chromium, installed by scripts/setup.sh.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kpi.access import accounts
from kpi.ingest import demo
from kpi.store import connection

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
    ("admin", "系统管理"),
    ("audit", "审计记录"),
]
PASSWORD = "e2e-password-123"
# who opens which page: the upload page is a statistician's, the last two an administrator's
ACCOUNT = {"admin": "e2e_admin", "audit": "e2e_admin"}
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
    with connection.connect(db) as con:
        demo.load(con)
        accounts.add_user(con, "e2e_stat", PASSWORD, "statistician", display_name="统计员甲", by="tests")
        accounts.add_user(con, "e2e_admin", PASSWORD, "admin", display_name="管理员乙", by="tests")
        accounts.add_user(
            con, "e2e_county", PASSWORD, "county", region="南湖区", display_name="区县丙", by="tests"
        )
        accounts.add_user(con, "e2e_leader", PASSWORD, "leader", display_name="领导丁", by="tests")
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


def sign_in(page, username: str) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector("text=退出登录", timeout=60_000)  # the account box: signed in
    wait_for_app(page)


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside stMain, so a "full page" shot would stop at the viewport: grow it
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_a_page_url_without_a_sign_in_shows_only_the_sign_in(
    server: str, browser, path: str, heading: str
) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{server}/{path}")
    wait_for_app(page)
    if path == "overview":
        shoot(page, "sign_in")
    body = page.locator("[data-testid=stApp]").inner_text()
    inputs = page.locator("input").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    charts = page.locator(".js-plotly-plot").count() + page.locator("[data-testid=stDataFrame]").count()
    headings = page.locator("h1").all_inner_texts()
    not_found = page.get_by_text("Page not found").count()  # Streamlit's dialog over the form
    page.close()
    assert not_found == 0, path
    assert "用户名" in inputs and "密码" in inputs
    assert charts == 0
    assert headings == ["中试驾驶舱"], (path, headings)  # not the page's own heading
    for secret in ("研发费用", "演示数据", "南湖", "%"):
        assert secret not in body, (path, secret)


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_page_renders_in_chromium(server: str, browser, path: str, heading: str) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    started = time.monotonic()
    page.goto(f"{server}/{path}")
    wait_for_app(page)
    sign_in(page, ACCOUNT.get(path, "e2e_stat"))
    elapsed = time.monotonic() - started
    shoot(page, path)
    exceptions = page.locator("[data-testid=stException]").count()
    title = page.locator("h1").first.inner_text()
    body = page.locator("[data-testid=stMain]").inner_text()
    url = page.url
    page.close()
    print(f"{path}: signed in and rendered in {elapsed:.2f} s")
    assert exceptions == 0
    assert heading in title
    landed = urllib.parse.urlsplit(url).path.strip("/")
    assert landed == path or (path == "overview" and landed == ""), (
        url
    )  # the page asked for, after the sign-in
    assert "Traceback" not in body
    assert "演示数据" in body  # every page says the data are demo data


def test_a_county_official_sees_its_own_unit_even_when_the_link_names_another(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{server}/regions?region=秀洲区")
    wait_for_app(page)
    sign_in(page, "e2e_county")
    shoot(page, "regions_county")
    body = page.locator("[data-testid=stMain]").inner_text()
    exceptions = page.locator("[data-testid=stException]").count()
    page.close()
    assert exceptions == 0
    assert "南湖" in body and "Traceback" not in body
