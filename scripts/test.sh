#!/usr/bin/env bash
# The test command (README): set up this machine if needed, check style, then run every test, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m generator validate --strict
exec .venv/bin/python -m pytest "$@"
