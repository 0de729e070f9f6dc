#!/usr/bin/env bash
# The run command (README): set up this machine if needed, build the demo site from content/, and serve it together
# with the form service (real gunicorn, deploy/gunicorn.conf.py) on http://127.0.0.1:8000/ . A change under content/
# or to mkdocs.yml rebuilds the site; a build with errors leaves the previous site served.
# Submissions go to var/queue/ (FORMS_QUEUE_DIR); staff work them with `.venv/bin/python -m forms_api --help`.
# Before each build the public figures of the queue (var/public/stats.json) are written and shown on the site; with no
# message yet there are none, and the site is built without them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
stats=var/public/stats.json
build() {
  local said
  if said="$(.venv/bin/python -m forms_api stats --public --out "$stats" 2>&1)"; then
    echo "run: $said"
  else
    echo "run: no message statistics yet ($said)"
  fi
  if [ -f "$stats" ]; then
    .venv/bin/python -m generator build --stats "$stats"
  else
    .venv/bin/python -m generator build
  fi
}
# The back office: on the first run (no account yet) an office account "demo" and its invitation link. Accounts live
# in the queue folder (var/queue/accounts.json), never in git.
demo_account() {
  local staff=(.venv/bin/python -m forms_api users) listed link
  listed="$("${staff[@]}" list 2>/dev/null || true)"  # no queue folder yet: no account
  echo "run: back office http://$FORMS_BIND/staff/"
  if grep -q '^demo ' <<<"$listed"; then
    echo "run:   sign in as demo; a new invitation link: ${staff[*]} reset demo --base-url http://$FORMS_BIND/"
  elif [ "$(grep -c . <<<"$listed")" -le 1 ]; then
    link="$("${staff[@]}" add demo --role office --base-url "http://$FORMS_BIND/" | tail -n 1)"
    echo "run:   a demo office account, demo: open $link to set its password"
  else
    echo "run:   a demo account: ${staff[*]} add demo --role office --base-url http://$FORMS_BIND/"
  fi
}
build
export FORMS_BIND="${FORMS_BIND:-127.0.0.1:8000}"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py 'forms_api.site:create_site_app("site")' &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null' EXIT INT TERM
echo "run: http://$FORMS_BIND/ (Ctrl+C to stop)"
demo_account
mkdir -p .cache && touch .cache/run-stamp
while kill -0 "$server" 2>/dev/null; do
  sleep 2
  if [ -n "$(find content mkdocs.yml -newer .cache/run-stamp -print -quit)" ]; then
    touch .cache/run-stamp
    build || echo "run: the content has errors (above); the previous site is still served"
  fi
done
