#!/usr/bin/env bash
# Install everything the dashboard and its tests need, on a fresh Debian machine with Python 3.11.
# Idempotent: a second run only checks. System packages: Chromium (browser test, static chart
# images, printing the PDF brief), a CJK font (Chinese text in screenshots and the PDF) and
# poppler-utils (pdftotext/pdftoppm: the tests read the brief's text back), from Debian's own packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# apt-get, waiting (at most APT_WAIT_SECONDS, default 5 minutes) while another apt or dpkg process
# (unattended upgrades on a fresh machine, most often) holds its lock, instead of failing at once
apt_wait() {
  local limit="${APT_WAIT_SECONDS:-300}" start=$SECONDS out status told=""
  while true; do
    status=0
    out=$(DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=10 "$@" 2>&1) || status=$?
    if [ "$status" -eq 0 ]; then return 0; fi
    if ! grep -qiE "could not get lock|unable to acquire|is another process using it" <<<"$out"; then
      printf '%s\n' "$out" >&2
      return "$status"
    fi
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      echo "setup: another apt process still holds the lock after ${limit} s; run scripts/setup.sh again once it is done" >&2
      return "$status"
    fi
    if [ -z "$told" ]; then
      echo "setup: another apt process holds the lock; waiting for it (at most ${limit} s) ..."
      told=1
    fi
    sleep 5
  done
}

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
if ! { command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; }; then need_apt+=(fonts-noto-cjk); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${need_apt[*]} (Debian packages)"
    apt_wait update -qq
    apt_wait install -y -qq "${need_apt[@]}"
  else
    echo "setup: please install ${need_apt[*]} with your system's package manager" >&2
  fi
fi

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  if command -v python3.11 >/dev/null; then PY=python3.11; else PY=python3; fi
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
