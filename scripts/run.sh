#!/usr/bin/env bash
# The run command (README): set up this machine if needed, build the demo site from content/ and serve it on
# http://127.0.0.1:8000/ ; pages are rebuilt whenever a file under content/ changes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m generator serve "$@"
