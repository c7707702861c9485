"""Served for real: what Streamlit's own /_stcore/metrics tells a visitor who is not signed in,
after people have signed in and read the figures.

/_stcore/metrics is
Streamlit's operational endpoint and cannot be switched off by configuration; it answers
without a sign-in, with counts only (sessions, cache sizes and timings, labelled by code
function names). The decision (README, security): it stays, provided it never carries a person
or a figure: `server.unsafeMetricsUserAttributes` stays empty, and this test checks the answer
after people have signed in and read the pages.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_e2e_browser import CHROMIUM, CHROMIUM_ARGS, ROOT, _free_port, wait_for_app

from kpi.access import accounts
from kpi.ingest import demo
from kpi.store import connection

pytestmark = pytest.mark.e2e
PASSWORD = "served-password-123"
PEOPLE = {"lingdao_jia": "领导甲", "lingdao_yi": "领导乙"}
METRIC_FAMILIES = {"session_events", "session_duration_seconds", "active_sessions"}


def _serve(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT,
        env={**os.environ, "KPI_DB": str(db)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail("streamlit did not start")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    db = tmp_path_factory.mktemp("served") / "kpi.duckdb"
    with connection.connect(db) as con:
        demo.load(con)
        for username, name in PEOPLE.items():
            accounts.add_user(con, username, PASSWORD, "leader", display_name=name, by="tests")
    proc, url = _serve(db)
    try:
        yield db, url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _overview(browser, url: str, username: str) -> str:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(url)
        wait_for_app(page)
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        page.wait_for_selector("text=退出登录", timeout=60_000)
        wait_for_app(page)
        assert page.locator("[data-testid=stException]").count() == 0
        return page.locator("[data-testid=stMain]").inner_text()
    finally:
        page.close()


def test_the_metrics_endpoint_carries_counts_only(served, browser):
    db, url = served
    for username in PEOPLE:  # people signed in and read the figures
        body = _overview(browser, url, username)
        assert "演示数据" in body and "Traceback" not in body
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as r:  # no cookie
        assert r.status == 200
        text = r.read().decode("utf-8")
    families = {m.group(1) for m in re.finditer(r"^# TYPE (\w+) ", text, re.MULTILINE)}
    assert families >= METRIC_FAMILIES
    assert all(f in METRIC_FAMILIES or f.startswith("cache_") for f in families), families
    for secret in (*PEOPLE, *PEOPLE.values(), "南湖", "330402", "研发", str(db)):
        assert secret not in text, secret
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert not config.get("server", {}).get("unsafeMetricsUserAttributes")
    assert not config.get("server", {}).get("trustedUserHeaders")
