#!/usr/bin/env bash
# One command: set up, create the database with the demo data if it is empty, serve the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kpi init
.venv/bin/kpi demo --if-empty
exec .venv/bin/streamlit run dashboard.py "$@"
