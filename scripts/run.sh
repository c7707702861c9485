#!/usr/bin/env bash
# One command: set up, create the database with the demo data if it is empty, serve the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/kpi init
.venv/bin/kpi demo --if-empty
.venv/bin/kpi user demo   # demo accounts, one per role, only while the database has no accounts
exec .venv/bin/streamlit run dashboard.py "$@"
