"""End to end: `streamlit run` on a free port, every page opened in a real headless Chromium.

First, signed out, in the fresh server process: each page's URL shows the sign-in form and nothing
of the page (the first visit is also the one that runs in Streamlit's pages-folder mode, TRAPS 1).
Then, for each page: open its URL, sign in through the form, and check that the page asked for
finishes running, shows no exception element and has its Chinese heading; a full-page screenshot
of each goes to tests/artifacts/ (looked at by a person before a page is called done). Then the
sign-in that lasts: reloads, a second tab, sign-out, an account disabled from the shell, another
browser, a forged or stale cookie; and Streamlit's own widget texts in Chinese. Chromium is
Debian's /usr/bin/chromium, installed by scripts/setup.sh.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kpi.access import accounts, sessions
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
    ("tasks", "任务督办"),
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
SERVER_DB: list[Path] = []  # the database the server of this module reads


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
    SERVER_DB.append(db)  # for the tests that change accounts as a shell would
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
    # the sign-in goes through the cookie route and loads the page asked for afresh
    page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)  # the account box: signed in
    wait_for_app(page)


def signed_in(page) -> bool:
    """After a page load: the account box (signed in) or the sign-in form (not); nothing else."""
    wait_for_app(page)
    box = page.get_by_role("button", name="退出登录").count()
    form = page.get_by_label("用户名").count() + page.get_by_label("密码").count()
    assert (box, form) in ((1, 0), (0, 2)), (box, form)
    return bool(box)


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


# ---------------------------------------------------------------- a sign-in that lasts


def _session_cookie(context) -> dict:
    found = [c for c in context.cookies() if c["name"] == "kpi_session"]
    assert len(found) == 1, context.cookies()
    return found[0]


def test_a_sign_in_lasts_across_reloads_and_tabs_until_sign_out(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/regions?region=330402")
    wait_for_app(page)
    sign_in(page, "e2e_stat")
    assert urllib.parse.urlsplit(page.url).path == "/regions" and "region=330402" in page.url

    jar = _session_cookie(context)
    assert jar["httpOnly"] and jar["sameSite"] == "Strict" and jar["path"] == "/"
    token = jar["value"].rpartition(".")[0]
    assert "e2e_stat" not in jar["value"] and len(token) >= 40
    with connection.connect(SERVER_DB[-1]) as con:
        stored = sessions.find_session(con, hashlib.sha256(token.encode()).hexdigest())
    assert stored is not None and stored.username == "e2e_stat" and stored.ended_at is None
    assert page.evaluate("document.cookie").find("kpi_session") == -1  # no script can read it

    page.reload()
    assert signed_in(page), "a reload signs out"
    second = context.new_page()
    second.goto(f"{server}/upload")
    assert signed_in(second), "a second tab is not signed in"
    assert "数据上传" in second.locator("h1").first.inner_text()

    stranger = browser.new_context()  # another browser: no cookie
    other = stranger.new_page()
    other.goto(f"{server}/upload")
    assert not signed_in(other)
    forged = browser.new_context()
    forged.add_cookies([{**jar, "value": jar["value"][:-4] + "0000"}])
    other = forged.new_page()
    other.goto(f"{server}/overview")
    assert not signed_in(other)
    copied = browser.new_context()  # the same cookie elsewhere: live now, stale after sign-out
    copied.add_cookies([jar])

    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for(timeout=60_000)
    page.reload()
    assert not signed_in(page), "signed in again after sign-out and reload"
    second.reload()
    assert not signed_in(second), "the other tab stays signed in after sign-out"
    other = copied.new_page()
    other.goto(f"{server}/overview")
    assert not signed_in(other), "a stale token still signs in"
    for c in (context, stranger, forged, copied):
        c.close()


def test_an_account_disabled_from_the_shell_is_signed_out_at_the_next_reload(server: str, browser) -> None:
    with connection.connect(SERVER_DB[-1]) as con:
        accounts.add_user(con, "e2e_gone", PASSWORD, "leader", display_name="将停用", by="tests")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/overview")
    wait_for_app(page)
    sign_in(page, "e2e_gone")
    page.reload()
    assert signed_in(page)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("kpi")), "user", "disable", "e2e_gone"],
        env={**os.environ, "KPI_DB": str(SERVER_DB[-1])},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    page.reload()
    assert not signed_in(page)
    assert "账号已停用" in page.locator("[data-testid=stMain]").inner_text()
    context.close()


def test_a_display_name_is_text_not_a_link(server: str, browser) -> None:
    with connection.connect(SERVER_DB[-1]) as con:
        accounts.add_user(
            con,
            "e2e_phish",
            PASSWORD,
            "leader",
            display_name="[点此重新登录](http://127.0.0.1:9/phish)",
            by="t",
        )
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server}/overview")
    wait_for_app(page)
    sign_in(page, "e2e_phish")
    sidebar = page.locator("[data-testid=stSidebar]")
    links = sidebar.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href') || '')")
    text = sidebar.inner_text()
    page.close()
    assert not [h for h in links if "phish" in h or "127.0.0.1:9" in h], links
    assert "[点此重新登录](http://\u2060127.0.0.1:9/phish)".replace("\u2060", "") in text.replace(
        "\u2060", ""
    )


# ---------------------------------------------------------------- Streamlit's own texts in Chinese


def _shown(locator) -> list[str]:
    """What a person sees of Streamlit's own texts: the text, or the ::after that replaces it
    where the text itself is drawn at size 0."""
    return locator.evaluate_all(
        """els => els.map(e => {
            const own = getComputedStyle(e), after = getComputedStyle(e, '::after');
            const visible = parseFloat(own.fontSize) > 0 ? e.innerText : '';
            const added = after.content && after.content !== 'none' && parseFloat(after.fontSize) > 0
                ? after.content.replace(/^"|"$/g, '') : '';
            return (visible + added).trim();
        })"""
    )


def test_the_uploader_and_date_inputs_speak_chinese(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server}/upload")
    wait_for_app(page)
    sign_in(page, "e2e_stat")
    zone = page.locator("[data-testid=stFileUploaderDropzone]").first
    button = _shown(zone.locator("[data-testid=stBaseButton-secondary] [data-testid=stMarkdownContainer] p"))
    limit = _shown(zone.locator("[data-testid=stFileUploaderDropzoneInstructions] span"))
    shot = page.screenshot()
    page.close()
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # another browser: the admin
    page.goto(f"{server}/audit")
    wait_for_app(page)
    sign_in(page, "e2e_admin")
    dates = _shown(page.locator("[data-testid=stDateInput] [role=spinbutton]"))
    page.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "upload_dropzone.png").write_bytes(shot)
    assert button == ["选择文件"], button
    assert limit == ["单个文件不超过 20 MB · CSV"], limit
    assert dates == ["年", "月", "日"], dates
