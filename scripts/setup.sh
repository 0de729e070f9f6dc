#!/usr/bin/env bash
# Set up a fresh machine for running or testing the product: Debian packages, a virtualenv in .venv with the locked
# Python packages, axe-core for the accessibility tests and Lighthouse for bench/lighthouse.py (npm, from
# package-lock.json). Safe to run again: every step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql and redis-server: the tests start throw-away servers of their own (tests/servers.py), never the system ones.
apt_packages=(chromium zbar-tools fonts-noto-cjk poppler-utils nginx logrotate hugo postgresql redis-server)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Tools a minimal Debian may lack; installed only when the command is missing (a machine may carry its own Node.js).
command -v npm >/dev/null || missing+=(npm)
python3 -c "import venv, ensurepip" 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  echo "setup: installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c requirements.lock -e ".[test]"
  touch "$stamp"
fi

if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -x node_modules/.bin/lighthouse ]; then
  echo "setup: installing axe-core and lighthouse from the npm registry"
  npm ci --no-audit --no-fund --silent  # from the lock as it is: never rewrites the tracked package-lock.json
fi
echo "setup: ready"
