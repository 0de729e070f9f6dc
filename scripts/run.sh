#!/usr/bin/env bash
# The run command (README): set up this machine if needed, build the demo site from content/, and serve it together
# with the form service (real gunicorn, deploy/gunicorn.conf.py) on http://127.0.0.1:8000/ . A change under content/
# or to mkdocs.yml rebuilds the site; a build with errors leaves the previous site served.
# Submissions go to var/queue/ (FORMS_QUEUE_DIR); staff work them with `.venv/bin/python -m forms_api --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m generator build
export FORMS_BIND="${FORMS_BIND:-127.0.0.1:8000}"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py 'forms_api.site:create_site_app("site")' &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT INT TERM
echo "run: http://$FORMS_BIND/ (Ctrl+C to stop)"
mkdir -p .cache && touch .cache/run-stamp
while kill -0 "$server" 2>/dev/null; do
  sleep 2
  if [ -n "$(find content mkdocs.yml -newer .cache/run-stamp -print -quit)" ]; then
    touch .cache/run-stamp
    .venv/bin/python -m generator build || echo "run: the content has errors (above); the previous site is still served"
  fi
done
