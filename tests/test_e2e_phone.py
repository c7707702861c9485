"""At phone width (390 px) every page a leader or a county official reads, in headless Chromium
(issue 14): the page itself never scrolls sideways; no chart text runs past its chart's edge; no
tab or button label is cut; the heat map's columns hold their values; nothing is fetched from
another host. The server and the browser are tests/test_e2e_browser.py's."""

from __future__ import annotations

import pytest
from test_e2e_browser import PASSWORD, browser, server, wait_for_app  # noqa: F401  (fixtures)

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PAGES = ["overview", "regions", "clusters", "methods"]

MEASURE = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const out = {doc: document.scrollingElement.scrollWidth, inner: window.innerWidth,
               main: main.scrollWidth, mainClient: main.clientWidth, cut: [], heatGap: null};
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    if (plot.offsetWidth === 0) continue;
    const box = plot.getBoundingClientRect();
    for (const t of plot.querySelectorAll('text')) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) out.cut.push(t.textContent);
    }
    if (plot.querySelector('.heatmaplayer')) {  // a column's width: the plot area over the columns
      const area = plot.querySelector('.nsewdrag').getBoundingClientRect();
      const columns = new Set([...plot.querySelectorAll('.xtick text')].map(t => t.textContent)).size;
      out.heatGap = area.width / Math.max(columns, 1);
    }
  }
  for (const b of document.querySelectorAll('[data-testid=stTab], [data-testid^=stBaseButton-segmented]')) {
    if (b.scrollWidth > b.clientWidth + 1) out.cut.push(b.innerText);
  }
  return out;
}"""


def sign_in(page, username: str) -> None:
    """As test_e2e_browser.sign_in, for a phone: the account box is in the collapsed sidebar."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector("text=退出登录", state="attached", timeout=60_000)
    wait_for_app(page)


@pytest.mark.parametrize("account", ["e2e_leader", "e2e_county"])
@pytest.mark.parametrize("path", PAGES)
def test_a_page_reads_at_phone_width_without_sideways_scrolling(
    server: str,  # noqa: F811
    browser,  # noqa: F811
    path: str,
    account: str,
) -> None:
    page = browser.new_page(viewport=PHONE)
    outside: list[str] = []  # a closed network: nothing may be asked of another host
    page.on("request", lambda r: None if r.url.startswith((server, "data:")) else outside.append(r.url))
    page.goto(f"{server}/{path}")
    wait_for_app(page)
    sign_in(page, account)
    page.wait_for_timeout(700)  # plotly's second layout pass at the final width
    m = page.evaluate(MEASURE)
    page.close()
    assert m["doc"] <= m["inner"], m  # document.scrollingElement
    assert m["main"] <= m["mainClient"], m  # Streamlit scrolls inside stMain
    assert m["cut"] == [], m  # chart labels inside their chart, tab and button labels whole
    assert outside == []  # the favicon came from a font CDN (a :material/ page icon)
    if m["heatGap"] is not None:
        assert m["heatGap"] >= 26, m  # heat-map columns that hold their values (12 px before)
