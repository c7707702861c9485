"""Printing an HTML page to PDF with Debian's headless Chromium, offline.

Chromium lays out Chinese text with the system's CJK font (fonts-noto-cjk) and embeds the glyphs
it uses as a subset, so the PDF reads the same on a machine without that font. The page must be
self-contained (inline CSS and SVG): the flags below switch off every background service that
would reach for the network, and the page's Content-Security-Policy forbids any fetch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kpi.model.errors import KpiError

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",  # runs as root in CI containers, where the sandbox cannot start
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
)


class PdfFailed(KpiError):
    """No Chromium, or Chromium did not produce the PDF."""

    key = "failed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)


def find_chromium() -> str:
    """$KPI_CHROMIUM, else Debian's /usr/bin/chromium, else one on PATH."""
    explicit = os.environ.get("KPI_CHROMIUM")
    for candidate in (explicit,) if explicit else CANDIDATES:
        found = candidate if os.path.isabs(candidate) and os.access(candidate, os.X_OK) else None
        found = found or shutil.which(candidate)
        if found:
            return found
    raise PdfFailed(
        "找不到 Chromium（生成 PDF 需要 Debian 软件包 chromium，请运行 bash scripts/setup.sh）"
        " / Chromium not found (install Debian's chromium: bash scripts/setup.sh)"
    )


def html_to_pdf(html: str, *, timeout: float = 90.0) -> bytes:
    """The page printed to PDF (page size and margins from the page's CSS @page rule)."""
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="kpi-pdf-") as tmp:
        page, out = Path(tmp) / "page.html", Path(tmp) / "out.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            browser,
            *FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",  # never the user's profile, never shared
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfFailed(f"Chromium timed out after {timeout:g} s") from exc
        if not out.is_file() or out.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise PdfFailed(f"Chromium exit {done.returncode}: {' | '.join(tail)}")
        return out.read_bytes()
