"""Browser benchmarks (issue 16): pages as people feel them, in Debian's headless Chromium.

    .venv/bin/python -m benchmarks --browser [--runs 5] [--quick] [--pages overview,regions]
    .venv/bin/python -m benchmarks.browser [same options]      # the same, standalone

The app is driven only from outside, so this file survives a reshuffle of the `kpi` package: the
city-scale database comes from benchmarks.synth (`SCALES`, `build`), accounts from `kpi user add`
(password on stdin), data changes from `kpi ingest stats`, pages from `streamlit run dashboard.py`
on a free loopback port with KPI_DB naming a private copy. Beside it, in the same run, the floor:
benchmarks/floor_page.py (a title and one small plotly chart, two such pages) on another port.

A view is ready when the rerun has finished (TRAPS.md 6: `stApp` reports `notRunning`, no
`stSkeleton`), every plotly chart has drawn its main svg, the expected heading is there (and the
account box, for a signed-in page), and one animation frame has passed; that state must then hold
for 0.5 s (else the clock keeps running). Times are on the epoch clock (the page's
performance.timeOrigin + performance.now(), the start of a navigation from Python's time.time()):
a sign-in ends in a new document (the cookie route redirects back), whose own clock restarts at 0,
so a page-relative clock would never see the signed-in page "after" the click.

- cold: a fresh server per page and a fresh browser context (no HTTP cache): the page's URL to
  the sign-in form (the process's first script run), plus the click on 登录 to the page asked for
  (its first run, every cache empty); typing is not counted. The two parts are in the profile.
  Floor: a fresh floor server, navigation to ready. One visit to a floor server before anything
  is timed takes Chromium's and the disk's first time out of the first figure.
- warm: one signed-in session clicking through the sidebar (each page once to fill the caches,
  then --runs rounds; median). Floor: the same clicks between its two pages.
- reload: F5 on the signed-in overview. The sign-in lasts (its HttpOnly cookie), so this is the
  time from the reload to the overview again, signed in; compared with the warm overview
  (target ≤ 1.5×).
- first view after a data change: `kpi ingest stats` of a small revision (the latest quarter of
  the nine units, values scaled up a little) while the server runs, then a click to the overview
  at once (the page makes its reads itself: nothing could have been warmed yet), and again with
  SETTLED_S between the command's end and the click (a viewer arriving a moment after an upload:
  the serving process has warmed the caches meanwhile); compared with the warm overview (target
  ≤ 1.5×; the settled figure is what the target's "warm the caches when data change" gives).
- concurrency, server-side and without browsers: SESSIONS websocket clients (threads of this
  process speaking Streamlit's protobuf protocol on /_stcore/stream, as the browser does) against
  a fresh `streamlit run`, each signed in through the form, then all at once (a barrier) switching
  from the methods page to the overview, timed to script_finished. Slowest ÷ one session alone,
  with warm caches and after a data change. The lone session also gives each page's server time
  (script + serialisation + loopback, no browser), and its overview just after another session
  signed in (a sign-in writes the database; cached reads are keyed on its stamp). The same
  SESSIONS-at-once figure is taken on the floor page (Streamlit's own ratio on this machine:
  every rerun holds the GIL), and the serving process's memory (VmRSS) after the session part.

--runs N (default 5): warm views, reloads and data changes N times each, cold rounds min(N, 3);
--quick: one of each (about 2 minutes on 2 busy cores; the full run about 7).

Profile (stderr): per page and view, the plotly charts (and how many sit in hidden tabs), the
websocket bytes and messages, when the page handled the last one and the rest up to ready, the
browser's main-thread time (CDP Performance.getMetrics: tasks, JS, style + layout), and the
server's time for the same page without a browser.
The machine's load average is taken at the start and the end. Nothing here asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.synth import SCALES, build

ROOT = Path(__file__).resolve().parents[1]
FLOOR_PAGE = Path(__file__).resolve().parent / "floor_page.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/test_e2e_browser.py
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 1000}
# (url path, the page's file, its heading); the default page's URL is "/"
PAGES = {
    "overview": ("overview", "pages/overview.py", "总览"),
    "regions": ("regions", "pages/regions.py", "区县"),
    "platforms": ("platforms", "pages/platforms.py", "中试平台"),
    "clusters": ("clusters", "pages/clusters.py", "产业集群"),
    "methods": ("methods", "pages/methods.py", "方法说明"),
}
SIGN_IN_HEADING = "中试驾驶舱"  # the sign-in form's h1
USER = "bench_browser"
PASSWORD = "bench-browser-password"  # a private copy of a synthetic database
SESSIONS = 10
SETTLE_MS = 500
SETTLED_S = 2.0  # from the end of an ingest to the click, for the "settled" first view
TIMEOUT_MS = 180_000


@dataclasses.dataclass
class Row:
    """One line of the table; the fields of benchmarks.__main__.Figure."""

    scale: str
    what: str
    value: float
    unit: str
    floor: float | None = None
    target: str = ""
    met: bool | None = None


# ---------------------------------------------------------------- in the page

# Installed before any of the page's scripts: records websocket messages (time, bytes) and the
# moment the view became ready (see the module docstring), with what it showed.
MONITOR = """
(() => {
  const log = window.__bench = {ws: [], ready: null};
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        log.ws.push([performance.timeOrigin + performance.now(), d.byteLength ?? d.size ?? d.length ?? 0]);
      });
    }
  };
  function state() {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
    if (document.querySelector('[data-testid=stSkeleton]')) return null;
    const plots = document.querySelectorAll('.js-plotly-plot');
    if (document.querySelectorAll('[data-testid=stPlotlyChart]').length !== plots.length) return null;
    let hidden = 0;
    for (const p of plots) {
      if (!p.querySelector('.main-svg')) return null;
      if (p.offsetWidth === 0) hidden += 1;
    }
    const h1 = document.querySelector('[data-testid=stMain] h1');
    if (!h1) return null;
    return {h1: h1.innerText, signedIn: !!document.querySelector('.st-key-sign_out'),
            form: !!document.querySelector('input[aria-label="用户名"]'),
            charts: plots.length, hidden: hidden, path: location.pathname};
  }
  let key = null;
  setInterval(() => {
    const s = state();
    const k = s && JSON.stringify(s);
    if (k === key) return;
    key = k;
    log.ready = null;
    if (s) requestAnimationFrame(() => { if (key === k) { s.at = performance.timeOrigin + performance.now(); log.ready = s; } });
  }, 10);
})();
"""

_READY = """(w) => {
  const r = window.__bench && window.__bench.ready;
  return !!r && r.at >= w.after && r.h1.includes(w.h1) && r.signedIn === w.signedIn
         && performance.timeOrigin + performance.now() - r.at >= w.settle;
}"""


class View:
    """One browser tab with the monitor; every method returns milliseconds on the page's clock."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(MONITOR)
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.last: dict[str, Any] = {}

    def close(self) -> None:
        self.context.close()

    def _ready(self, heading: str, signed_in: bool, after: float = 0.0) -> dict[str, Any]:
        want = {"h1": heading, "signedIn": signed_in, "settle": SETTLE_MS, "after": after}
        self.page.wait_for_function(_READY, arg=want, timeout=TIMEOUT_MS, polling=50)
        ready = self.page.evaluate("window.__bench.ready")
        if self.page.locator("[data-testid=stException]").count():
            raise RuntimeError(f"an exception on {self.page.url}")
        return ready

    def _measure(self, start_js: str, heading: str, signed_in: bool) -> float:
        """Run `start_js` in the page (it returns performance.now() at the start) and time to the
        first ready state after that."""
        before = self._cpu()
        self.page.evaluate("window.__bench.ws = []")
        start = self.page.evaluate(start_js)
        ready = self._ready(heading, signed_in, after=start)
        self._profile(ready, start, before)
        return ready["at"] - start

    def open(self, url: str, heading: str, signed_in: bool = False) -> float:
        """Navigate (a new document) and time to ready."""
        before = self._cpu()
        start = time.time() * 1000  # the browser's clocks below are epoch-based too
        self.page.goto(url)
        ready = self._ready(heading, signed_in, after=start)
        self._profile(ready, start, before)
        return ready["at"] - start

    def reload(self, heading: str, signed_in: bool = False) -> float:
        before = self._cpu()
        start = time.time() * 1000
        self.page.reload()
        ready = self._ready(heading, signed_in, after=start)
        self._profile(ready, start, before)
        return ready["at"] - start

    def click_nav(self, path: str, heading: str, signed_in: bool) -> float:
        """A click on the sidebar link to `path` (same session, no new document)."""
        selector = f'[data-testid=stSidebarNav] a[href$="/{path}"]'
        self.page.wait_for_selector(selector, state="attached", timeout=TIMEOUT_MS)
        js = f"""() => {{ const a = document.querySelector('{selector}');
                          const t = performance.timeOrigin + performance.now(); a.click(); return t; }}"""
        return self._measure(js, heading, signed_in)

    def sign_in(self, heading: str) -> float:
        """Fill the form (not timed), then time from the click on 登录 to the page asked for."""
        self.page.get_by_label("用户名").fill(USER)
        self.page.get_by_label("密码").fill(PASSWORD)
        self.page.wait_for_timeout(300)  # debounced widgets (TRAPS.md 6)
        js = """() => { const b = document.querySelector('[data-testid=stFormSubmitButton] button');
                        const t = performance.timeOrigin + performance.now(); b.click(); return t; }"""
        return self._measure(js, heading, True)

    def _cpu(self) -> dict[str, float]:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return {m["name"]: m["value"] for m in metrics}

    def _profile(self, ready: dict[str, Any], start: float, before: dict[str, float]) -> None:
        """What the view cost: charts, websocket traffic up to ready, and where the time went.
        (The page's own websocket listener runs on the main thread: a busy page sees a message
        late, so "last message" is when the page got to it; CDP's frame events are no earlier.)"""
        after = self._cpu()

        def spent(*names: str) -> float:
            return sum(after.get(n, 0) - before.get(n, 0) for n in names) * 1000

        messages = [m for m in self.page.evaluate("window.__bench.ws") if m[0] <= ready["at"]]
        last = max((m[0] for m in messages), default=start)
        self.last = {
            "charts": ready["charts"],
            "hidden": ready["hidden"],
            "ws_bytes": sum(m[1] for m in messages),
            "ws_messages": len(messages),
            "last_ms": last - start,
            "after_ms": ready["at"] - last,
            "busy_ms": spent("TaskDuration"),
            "js_ms": spent("ScriptDuration"),
            "layout_ms": spent("LayoutDuration", "RecalcStyleDuration"),
        }


# ---------------------------------------------------------------- servers, accounts, data


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KPI_")}
    env["KPI_DB"] = str(db)
    return env


@contextlib.contextmanager
def serve(script: Path, db: Path, log: Path) -> Iterator[str]:
    """`streamlit run script` on a free loopback port (cwd: the repository, so .streamlit/config.toml
    applies to the dashboard and the floor alike); yields the URL once /_stcore/health answers."""
    port = _free_port()
    with log.open("ab") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=_env(db), stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    PIDS[url] = proc.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


PIDS: dict[str, int] = {}  # url → the serving process (its memory is in the table)


def rss_mb(url: str) -> float:
    """The serving process's resident memory now (Linux /proc), in MB."""
    with open(f"/proc/{PIDS[url]}/status", encoding="ascii") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return kb / 1024


def _kpi(*args: str, db: Path, stdin: str | None = None) -> None:
    kpi = Path(sys.executable).parent / "kpi"
    command = str(kpi) if kpi.exists() else shutil.which("kpi") or "kpi"
    done = subprocess.run(
        [command, *args, "--db", str(db)], input=stdin, capture_output=True, text=True,
        env=_env(db), cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"kpi {' '.join(args)}: exit {done.returncode}: {done.stderr[-2000:]}")


_HEADER = ["统计期", "县(市、区)", "产业集群", "研发费用", "营业收入", "新产品产值", "工业总产值",
           "高新技术产业增加值", "规上工业增加值"]  # fmt: skip


def _latest_rows(db: Path) -> list[tuple[Any, ...]]:
    """The latest quarter's all-industry rows of every unit (read before any server runs)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            """SELECT period, region, rd_expense, operating_revenue, new_product_output, gross_output,
                      hightech_value_added, industrial_value_added
               FROM stat_values WHERE is_current AND cluster = 'ALL'
                 AND period = (SELECT max(period) FROM stat_values WHERE is_current)
               ORDER BY region"""
        ).fetchall()


class Revisions:
    """Small statistics revisions, each a little higher than the one before (no year-to-date fall)."""

    def __init__(self, db: Path, work: Path) -> None:
        self.db, self.work, self.rows, self.count = db, work, _latest_rows(db), 0
        if not self.rows:
            raise RuntimeError(f"no statistics in {db}")

    def ingest(self) -> float:
        """Write the next revision, `kpi ingest stats` it; returns the seconds the command took."""
        self.count += 1
        factor = 1 + 0.002 * self.count
        path = self.work / f"revision-{self.count}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            out = csv.writer(f)
            out.writerow(_HEADER)
            for period, region, *values in self.rows:
                out.writerow([period, region, "", *(round(v * factor, 1) for v in values)])
        start = time.perf_counter()
        _kpi("ingest", "stats", str(path), "--by", "benchmarks", db=self.db)
        return time.perf_counter() - start


# ---------------------------------------------------------------- the browser part


def _median(xs: list[float]) -> float:
    return statistics.median(xs)


def _launch(pw: Any) -> Any:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/setup.sh (installs Debian's chromium)")
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


_T0 = time.monotonic()


def _say(text: str) -> None:
    print(f"browser [{time.monotonic() - _T0:5.0f} s]: {text}", file=sys.stderr, flush=True)


def browser_part(db: Path, work: Path, pages: list[str], runs: int, cold_runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    m: dict[str, Any] = {
        "cold": {p: [] for p in pages},
        "form": {p: [] for p in pages},
        "sign_in": {p: [] for p in pages},
        "floor_cold": [],
        "profile": {},
    }
    revisions = Revisions(db, work)
    log = work / "streamlit.log"
    with sync_playwright() as pw:
        browser = _launch(pw)
        try:
            with serve(FLOOR_PAGE, db, log) as floor:  # not counted: Chromium's and the disk's first time
                view = View(browser)
                view.open(floor, "floor A")
                view.close()
            for i in range(cold_runs):
                with serve(FLOOR_PAGE, db, log) as floor:
                    view = View(browser)
                    m["floor_cold"].append(view.open(floor, "floor A"))
                    view.close()
                for name in pages:
                    path, _, heading = PAGES[name]
                    with serve(ROOT / "dashboard.py", db, log) as app:
                        view = View(browser)
                        form = view.open(f"{app}/{path}", SIGN_IN_HEADING)
                        sign_in = view.sign_in(heading)
                        m["profile"].setdefault(name, {})["cold"] = view.last
                        m["form"][name].append(form)
                        m["sign_in"][name].append(sign_in)
                        m["cold"][name].append(form + sign_in)
                        view.close()
                    _say(f"cold round {i + 1}: {name} {m['cold'][name][-1]:.0f} ms")
            with serve(FLOOR_PAGE, db, log) as floor, serve(ROOT / "dashboard.py", db, log) as app:
                # floor, warm: clicks between its two pages; and its reload
                view = View(browser)
                view.open(floor, "floor A")
                ab: list[float] = []
                for _ in range(runs + 1):
                    ab.append(view.click_nav("b", "floor B", False))
                    ab.append(view.click_nav("", "floor A", False))
                m["floor_warm"] = _median(ab[2:])
                m["floor_reload"] = _median([view.reload("floor A") for _ in range(runs)])
                view.close()
                # the dashboard, warm: one session through the sidebar
                view = View(browser)
                view.open(f"{app}/", SIGN_IN_HEADING)
                view.sign_in(PAGES["overview"][2])
                order = [p for p in pages if p != "overview"] + ["overview"]
                warm: dict[str, list[float]] = {p: [] for p in order}
                here = "overview"
                for r in range(runs + 1):  # the first round fills the caches
                    for name in order:
                        if name == here:  # a click on the page shown does nothing: go elsewhere first
                            elsewhere = "methods" if name != "methods" else "overview"
                            view.click_nav(PAGES[elsewhere][0], PAGES[elsewhere][2], True)
                        path, _, heading = PAGES[name]
                        took, here = view.click_nav(path, heading, True), name
                        if r:
                            warm[name].append(took)
                            m["profile"].setdefault(name, {})["warm"] = view.last
                m["warm"] = {p: _median(v) for p, v in warm.items()}
                _say(f"warm: {', '.join(f'{p} {v:.0f} ms' for p, v in m['warm'].items())}")
                # reload of the signed-in overview: the sign-in lasts (the cookie), straight to it
                m["reload_total"] = _median([view.reload(PAGES["overview"][2], True) for _ in range(runs)])
                _say(f"reload: {m['reload_total']:.0f} ms")
                # first view of the overview after a data change, from another page
                other = next((p for p in pages if p != "overview"), "methods")
                after, ingest = [], []
                for _ in range(runs):
                    view.click_nav(PAGES[other][0], PAGES[other][2], True)
                    ingest.append(revisions.ingest())
                    after.append(view.click_nav(PAGES["overview"][0], PAGES["overview"][2], True))
                    m["profile"].setdefault("overview", {})["after a data change"] = view.last
                m["after_change"], m["ingest_s"] = _median(after), _median(ingest)
                _say(f"after a data change: {m['after_change']:.0f} ms")
                settled = []
                for _ in range(runs):
                    view.click_nav(PAGES[other][0], PAGES[other][2], True)
                    revisions.ingest()
                    time.sleep(SETTLED_S)
                    settled.append(view.click_nav(PAGES["overview"][0], PAGES["overview"][2], True))
                m["after_change_settled"] = _median(settled)
                _say(f"{SETTLED_S:g} s after a data change: {m['after_change_settled']:.0f} ms")
                view.close()
        finally:
            browser.close()
    m["revisions"] = revisions
    return m


# ---------------------------------------------------------------- sessions without browsers


class Session:
    """One Streamlit session driven over its websocket (/_stcore/stream) as the browser drives it,
    with Streamlit's own protobuf messages: BackMsg.rerun_script out, ForwardMsgs in until
    script_finished. No browser, so what it times is the server: the script, the serialisation
    and the loopback."""

    def __init__(self, url: str) -> None:
        import http.cookiejar
        import urllib.request

        self.url = url
        # the page load a browser makes first: it sets Streamlit's XSRF cookie, which the sign-in's
        # one-time code is bound to (kpi.ui.cookie); the session cookie joins the jar at sign-in
        self.jar = http.cookiejar.CookieJar()
        self.http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.http.open(url + "/", timeout=30).read()
        self.redirect: str | None = None
        self._connect()

    def _connect(self) -> None:
        from websockets.sync.client import connect

        self._stack = contextlib.ExitStack()
        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.jar)
        self.ws = self._stack.enter_context(
            connect(ws_url, subprotocols=["streamlit"], max_size=None, additional_headers={"Cookie": cookies})  # type: ignore[list-item]
        )
        self.pages: dict[str, str] = {}  # url path -> page script hash, from the navigation message

    def close(self) -> None:
        self._stack.close()

    def rerun(
        self, page: str | None = None, widgets: list[Any] | None = None
    ) -> tuple[float, list[Any], int]:
        """One rerun (of `page`, a url path, if given); (ms to script_finished, elements, bytes)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        if page is not None:
            msg.rerun_script.page_script_hash = self.pages[page]
        for w in widgets or []:
            msg.rerun_script.widget_states.widgets.append(w)
        start = time.perf_counter()
        self.ws.send(msg.SerializeToString())
        elements, size = [], 0
        while True:
            data = self.ws.recv()
            size += len(data)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                elements.append(forward.delta.new_element)
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages}
            elif kind == "auth_redirect":  # the sign-in sends the browser to its cookie route
                self.redirect = forward.auth_redirect.url
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    break
                if forward.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    raise RuntimeError(f"script finished with status {forward.script_finished}")
                elements = []  # st.rerun: the next run follows by itself
        took = (time.perf_counter() - start) * 1000
        if any(e.WhichOneof("type") == "exception" for e in elements):
            raise RuntimeError(f"an exception on {page!r}")
        return took, elements, size

    def sign_in(self) -> float:
        """The sign-in form, filled and submitted as the browser does: both fields and the
        submit button's trigger in one rerun (Streamlit sends a form's values on submit)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        _, elements, _ = self.rerun()
        inputs = {
            e.text_input.label: e.text_input.id for e in elements if e.WhichOneof("type") == "text_input"
        }
        submit = next(
            e.button.id for e in elements if e.WhichOneof("type") == "button" and e.button.is_form_submitter
        )
        took, elements, _ = self.rerun(
            widgets=[
                WidgetState(id=inputs["用户名"], string_value=USER),
                WidgetState(id=inputs["密码"], string_value=PASSWORD),
                WidgetState(id=submit, trigger_value=True),
            ]
        )
        if self.redirect:  # as the browser: load the route (its Set-Cookie), then the page again
            start = time.perf_counter()
            route = urllib.parse.urlsplit(self.redirect)  # the app's own host, as the browser has it
            self.http.open(f"{self.url}{route.path}?{route.query}", timeout=30).read()
            self.close()
            self._connect()
            _, elements, _ = self.rerun()
            took += (time.perf_counter() - start) * 1000
        buttons = [e.button.id for e in elements if e.WhichOneof("type") == "button"]
        if not any(b.endswith("-sign_out") for b in buttons):  # the account box's 退出登录 (key sign_out)
            raise RuntimeError(f"the sign-in did not succeed: {buttons}")
        return took


def _open(session: Session, page: str, back: str = "methods") -> float:
    """Time `page` from another page (`back`, not timed), as a click in the sidebar does."""
    session.rerun(PAGES[back][0])
    return session.rerun(PAGES[page][0])[0]


def _all_at_once(
    sessions: list[Session], to: str = PAGES["overview"][0], back: str = PAGES["methods"][0]
) -> list[float]:
    """Every session opens the page `to` (a url path; from `back`, not timed) at the same moment
    (a barrier); each one's ms."""
    for s in sessions:
        s.rerun(back)
    barrier = threading.Barrier(len(sessions))
    times: list[float | BaseException] = [0.0] * len(sessions)

    def one(i: int) -> None:
        try:
            barrier.wait()
            times[i] = sessions[i].rerun(to)[0]
        except BaseException as exc:  # reported below, in the main thread
            times[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    failed = [t for t in times if isinstance(t, BaseException)]
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(sessions)} sessions failed") from failed[0]
    return [float(t) for t in times]  # type: ignore[arg-type]


def session_part(db: Path, work: Path, pages: list[str], runs: int, revisions: Revisions) -> dict[str, Any]:
    """Server-side, on a fresh server: each page's time (script + sending) in one session, and
    SESSIONS sessions opening the overview at once, with warm caches and after a data change."""
    m: dict[str, Any] = {"server": {}, "server_bytes": {}}
    with serve(ROOT / "dashboard.py", db, work / "streamlit.log") as url:
        alone = Session(url)
        sessions = [Session(url) for _ in range(SESSIONS)]
        try:
            m["sign_in_first"] = alone.sign_in()  # the first overview of this server, too
            for name in pages:
                back = "methods" if name != "methods" else "overview"
                _open(alone, name, back)  # fills the caches
                m["server"][name] = _median([_open(alone, name, back) for _ in range(runs)])
                m["server_bytes"][name] = alone.rerun(PAGES[name][0])[2]
            m["single"] = _median([_open(alone, "overview") for _ in range(runs)])
            # a sign-in writes the audit trail, a write changes the database's stamp, and the
            # stamp keys every cached read: does another person's sign-in make this view cold?
            after_sign_in, sign_ins = [], []
            for s in sessions:
                sign_ins.append(s.sign_in())
                if len(after_sign_in) < runs:
                    after_sign_in.append(_open(alone, "overview"))
            m["after_sign_in"], m["sign_in"] = _median(after_sign_in), _median(sign_ins)
            rounds = [_all_at_once(sessions) for _ in range(runs)]
            m["slowest"] = _median([max(r) for r in rounds])
            m["median_of_n"] = _median([_median(r) for r in rounds])
            singles, slowest = [], []
            for _ in range(runs):  # after a data change every session's overview misses the cache
                revisions.ingest()
                singles.append(_open(alone, "overview"))
                revisions.ingest()
                slowest.append(max(_all_at_once(sessions)))
            m["single_changed"], m["slowest_changed"] = _median(singles), _median(slowest)
            m["rss_mb"] = rss_mb(url)  # after every session's views: no full GC after each run
        finally:
            for s in [alone, *sessions]:
                s.close()
    m["floor_single"], m["floor_slowest"] = _floor_sessions(db, work, runs)
    return m


def _floor_sessions(db: Path, work: Path, runs: int) -> tuple[float, float]:
    """The same figure for the floor page: one session switching between its two pages, and
    SESSIONS sessions switching at once (slowest). What Streamlit itself does with ten reruns at
    once on this machine: each run holds the GIL, so ten queue behind one another."""
    with serve(FLOOR_PAGE, db, work / "streamlit.log") as url:
        alone, sessions = Session(url), [Session(url) for _ in range(SESSIONS)]
        try:
            for s in [alone, *sessions]:
                s.rerun()  # the navigation message: the pages' hashes

            def switch(s: Session) -> float:
                s.rerun("")
                return s.rerun("b")[0]

            switch(alone)
            single = _median([switch(alone) for _ in range(max(runs, 5))])
            rounds = [max(_all_at_once(sessions, "b", "")) for _ in range(max(runs, 3))]
            return single, _median(rounds)
        finally:
            for s in [alone, *sessions]:
                s.close()


# ---------------------------------------------------------------- together


def figures(
    runs: int = 5, quick: bool = False, pages: list[str] | None = None, scale: str = "city"
) -> tuple[list[Row], list[str]]:
    """The table's rows and the profile's lines (a markdown table)."""
    pages = pages or list(PAGES)
    runs = 1 if quick else max(1, runs)
    cold_runs = 1 if quick else min(runs, 3)
    load_start = os.getloadavg()
    db_built, built = build(SCALES[scale])
    note = f"built in {built:.1f} s" if built else "cached"
    _say(f"{scale} database ({note}): {db_built}")
    with tempfile.TemporaryDirectory(prefix="kpi-browser-") as tmp:
        work = Path(tmp)
        db = work / "kpi.duckdb"
        shutil.copyfile(db_built, db)
        _kpi("user", "add", USER, "--role", "leader", "--name", "基准领导", "--by", "benchmarks",
             db=db, stdin=PASSWORD + "\n")  # fmt: skip
        b = browser_part(db, work, pages, runs, cold_runs)
        _say(f"{SESSIONS} sessions without browsers (websocket clients)")
        s = session_part(db, work, pages, runs, b["revisions"])
        _say(f"sessions: one {s['single']:.0f} ms, {SESSIONS} at once: slowest {s['slowest']:.0f} ms")
    load_end = os.getloadavg()

    floor_cold, floor_warm = _median(b["floor_cold"]), b["floor_warm"]
    rows: list[Row] = []
    for name in pages:
        cold, warm = _median(b["cold"][name]), b["warm"][name]
        rows.append(Row(scale, f"{name}: cold (fresh server: URL → sign-in form, + 登录 → page)", cold, "ms",
                        floor_cold, "≤ 3× floor", cold <= 3 * floor_cold))  # fmt: skip
        rows.append(Row(scale, f"{name}: warm (sidebar click, same session)", warm, "ms", floor_warm,
                        "≤ 1.5× floor", warm <= 1.5 * floor_warm))  # fmt: skip
    warm_overview = b["warm"].get("overview")
    rows.append(Row(scale, "reload of signed-in overview, still signed in (floor = warm overview)",
                    b["reload_total"], "ms", warm_overview, "≤ 1.5× warm",
                    None if warm_overview is None else b["reload_total"] <= 1.5 * warm_overview))  # fmt: skip
    rows.append(Row(scale, "overview, first view after `kpi ingest stats` (floor = warm overview)",
                    b["after_change"], "ms", warm_overview, "≤ 1.5× warm",
                    None if warm_overview is None else b["after_change"] <= 1.5 * warm_overview))  # fmt: skip
    rows.append(Row(scale, f"overview, first view {SETTLED_S:g} s after `kpi ingest stats` (the server has warmed; "
                    "floor = warm overview)", b["after_change_settled"], "ms", warm_overview, "≤ 1.5× warm",
                    None if warm_overview is None else b["after_change_settled"] <= 1.5 * warm_overview))  # fmt: skip
    rows.append(Row(scale, f"{SESSIONS} sessions at once, slowest overview (floor = one session; websocket clients)",
                    s["slowest"], "ms", s["single"], "≤ 3× single", s["slowest"] <= 3 * s["single"]))  # fmt: skip
    rows.append(Row(scale, f"floor page: {SESSIONS} sessions at once, slowest (floor = one floor session; "
                    "Streamlit's own ratio on this machine)", s["floor_slowest"], "ms", s["floor_single"]))  # fmt: skip
    rows.append(Row(scale, "overview just after another person signed in (server-side; floor = one session warm)",
                    s["after_sign_in"], "ms", s["single"]))  # fmt: skip
    rows.append(Row(scale, f"{SESSIONS} sessions at once after a data change, slowest (floor = one session)",
                    s["slowest_changed"], "ms", s["single_changed"], "≤ 3× single",
                    s["slowest_changed"] <= 3 * s["single_changed"]))  # fmt: skip
    rows.append(Row(scale, "server memory after the session part (VmRSS)", s["rss_mb"], "MB"))
    for when, load in (("start", load_start), ("end", load_end)):
        rows.append(Row(scale, f"load average at {when} (1 min; 5, 15 min: {load[1]:.2f}, {load[2]:.2f})",
                        load[0], f"on {os.cpu_count()} CPUs"))  # fmt: skip

    profile = [
        "| page | view | plotly charts (in hidden tabs) | ws KiB | ws messages | last message seen by page | then to ready | browser main thread busy | of which JS | style + layout | server alone (ws client) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for name in pages:
        for kind, p in b["profile"].get(name, {}).items():
            server = (
                f"{s['server'][name]:.0f} ms, {s['server_bytes'][name] / 1024:.0f} KiB"
                if kind == "warm"
                else ""
            )
            profile.append(
                f"| {name} | {kind} | {p['charts']} ({p['hidden']}) | {p['ws_bytes'] / 1024:.0f} | "
                f"{p['ws_messages']} | {p['last_ms']:.0f} ms | {p['after_ms']:.0f} ms | {p['busy_ms']:.0f} ms | "
                f"{p['js_ms']:.0f} ms | {p['layout_ms']:.0f} ms | {server} |"
            )
    for name in pages:
        profile.append(f"\n{name} cold = {_median(b['form'][name]):.0f} ms to the sign-in form (the process's "
                       f"first script run) + {_median(b['sign_in'][name]):.0f} ms from 登录 to the page")  # fmt: skip
    profile.append(f"\nfloor: cold {floor_cold:.0f} ms, warm {floor_warm:.0f} ms, reload {b['floor_reload']:.0f} ms; "
                   f"`kpi ingest stats` of the revision took {b['ingest_s']:.2f} s; "
                   f"{SESSIONS} sessions, median overview {s['median_of_n']:.0f} ms")  # fmt: skip
    profile.append(f"server alone (ws client): 登录 → overview {s['sign_in_first']:.0f} ms on a fresh server, "
                   f"{s['sign_in']:.0f} ms once warm (password check + sign-in run + the overview)")  # fmt: skip
    return rows, profile


def render(rows: list[Row]) -> str:
    """The table of benchmarks/__main__.py (same columns)."""
    head = "| scale | figure | median | floor | × floor | target | met |\n|---|---|---:|---:|---:|---|---|"
    lines = [head]
    for r in rows:
        value = f"{r.value:,.1f} {r.unit}" if r.unit == "ms" else f"{r.value:.2f} {r.unit}"
        floor = "" if r.floor is None else f"{r.floor:,.1f} {r.unit}"
        ratio = "" if not r.floor else f"{r.value / r.floor:.1f}×"
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.scale} | {r.what} | {value} | {floor} | {ratio} | {r.target} | {met} |")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated: {','.join(PAGES)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--quick", action="store_true", help="one run per figure")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args.runs, args.quick, args.pages, parser)


def run(runs: int, quick: bool, pages_arg: str, parser: argparse.ArgumentParser) -> int:
    pages = [p for p in pages_arg.split(",") if p]
    unknown = [p for p in pages if p not in PAGES]
    if unknown or not pages:
        parser.error(f"unknown page(s): {', '.join(unknown)}; choose from {', '.join(PAGES)}")
    rows, profile = figures(runs, quick, pages)
    print("\n".join(profile), file=sys.stderr, flush=True)
    print(render(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
