#!/usr/bin/env bash
# Rebuild the site from git and switch to it atomically (run by mashang-rebuild.service; safe to run by hand).
#
#   deploy/rebuild.sh [--no-pull] [--force] [-- BUILD-OPTIONS...]   pull, build a new release, switch `current` to it
#   deploy/rebuild.sh --rollback                                     switch `current` back to the previous release
#   deploy/rebuild.sh --help                                         this text
#
# A rollback holds: while the checkout is at the commit it was at when rolling back, runs without --force (the
# timer's) build nothing; a new commit (a fix, or a revert of the bad change) is built as usual. The file
# MASHANG_SITE_ROOT/rollback-hold keeps that commit.
#
# Layout under MASHANG_SITE_ROOT (nginx's root is MASHANG_SITE_ROOT/current):
#   releases/<UTC time>-<commit>/   one complete build each; the newest MASHANG_KEEP (default 3) are kept
#   current -> releases/<...>       a relative symlink, replaced by rename(2): a request sees the old or the new site
#
# Steps, each of which stops the run on failure with the served site untouched: `git pull --ff-only` (skipped with
# --no-pull); nothing more when the served release was built from the same commit on the same Beijing day (unless
# --force; a new day builds again: events coming within the notice horizon, held ones, statistics); write the public
# figures per deputy and station, var/public/stats.json, from the queue (`python -m forms_api stats --public`; the
# build gets it with `--stats` when the file exists; a queue it cannot read, e.g. none yet, only warns, and the build
# goes on with the previous file or none); build into
# releases/.building-<id> (the generator validates the content first: an error in content/ fails here); if
# MASHANG_NGINX_CONF names the nginx configuration, check that its Content-Security-Policy allows the new build's
# inline scripts and styles (deploy/render_config.py check-csp; a build that fails it is kept as releases/.rejected,
# to render the configuration from); only then rename the build into releases/ and switch to it.
#
# Environment (all optional): MASHANG_REPO (the checkout; default: this script's project), MASHANG_SITE_ROOT
# (/srv/mashang/site), MASHANG_SITE_URL (the public address, --site-url; default: mkdocs.yml's site_url),
# MASHANG_PYTHON (MASHANG_REPO/.venv/bin/python), MASHANG_KEEP (3), MASHANG_STRICT (1: warnings fail the build too),
# MASHANG_NGINX_CONF (see above). Options after `--` go to `python -m generator build` (e.g. --content DIR).
# Exit codes: 0 switched or already up to date; 1 a step failed (the previous site is still served); 2 wrong usage.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="${MASHANG_REPO:-$(dirname "$here")}"
site_root="${MASHANG_SITE_ROOT:-/srv/mashang/site}"
python="${MASHANG_PYTHON:-$repo/.venv/bin/python}"
keep="${MASHANG_KEEP:-3}"
nginx_conf="${MASHANG_NGINX_CONF:-}"

pull=1 force=0 rollback=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-pull) pull=0 ;;
    --force) force=1 ;;
    --rollback) rollback=1 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;  # the comment above
    --) shift; break ;;
    *) echo "rebuild: unknown option $1 (deploy/rebuild.sh --help)" >&2; exit 2 ;;
  esac
  shift
done
build_args=("$@")
[[ "$keep" =~ ^[0-9]+$ ]] && [ "$keep" -ge 2 ] || { echo "rebuild: MASHANG_KEEP must be 2 or more" >&2; exit 2; }

say() { echo "rebuild: $*"; }
fail() { printf 'rebuild: %s\nrebuild: the site being served is unchanged\n' "$*" >&2; exit 1; }

mkdir -p "$site_root/releases"
exec 9>"$site_root/.rebuild.lock"
flock -n 9 || fail "another rebuild is running"

# Point `current` at releases/$1: a new symlink renamed over the old one (rename is atomic; `ln -sfn` alone is not).
switch_to() {
  ln -sfn "releases/$1" "$site_root/.current.new"
  mv -T "$site_root/.current.new" "$site_root/current"
}

serving="$(readlink "$site_root/current" 2>/dev/null || true)"
serving="${serving#releases/}"
hold="$site_root/rollback-hold"

if [ "$rollback" -eq 1 ]; then
  previous="$(find "$site_root/releases" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | sort \
    | awk -v now="$serving" '$0 < now' | tail -n 1)"
  [ -n "$previous" ] || fail "no release older than ${serving:-none} to roll back to"
  held="$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo nogit)"
  echo "$held" >"$hold"
  switch_to "$previous"
  say "rolled back from $serving to $previous; commit $held is not built again (a new one is, or --force)"
  exit 0
fi

cd "$repo"
if [ "$pull" -eq 1 ]; then
  git pull --ff-only --quiet || fail "git pull failed"
fi
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo nogit)"
if [ -f "$hold" ]; then
  if [ "$force" -eq 0 ] && [ "$(cat "$hold")" = "$commit" ]; then
    say "rolled back: serving $serving; commit $commit is not built again (a new one is, or --force)"
    exit 0
  fi
  rm -f "$hold"
fi
# The Beijing day a release was built on, from its id (<UTC time>-<commit>): a new day builds again even without a new
# commit, since what the site shows depends on the day (events coming within the notice horizon get their page and
# notice, past ones are marked held, the public statistics).
built_on() {
  local t="${1%%-*}"
  TZ=Asia/Shanghai date -d "${t:0:4}-${t:4:2}-${t:6:2} ${t:9:2}:${t:11:2}:${t:13:2} UTC" +%F 2>/dev/null || echo unknown
}
if [ "$force" -eq 0 ] && [ -n "$serving" ] && [ "${serving##*-}" = "$commit" ] && [ "$commit" != nogit ] \
  && [ "$(built_on "$serving")" = "$(TZ=Asia/Shanghai date +%F)" ]; then
  say "up to date: serving $serving"
  exit 0
fi

id="$(date -u +%Y%m%dT%H%M%SZ)-$commit"
while [ -e "$site_root/releases/$id" ]; do sleep 1; id="$(date -u +%Y%m%dT%H%M%SZ)-$commit"; done
building="$site_root/releases/.building-$id"
rm -rf "$site_root"/releases/.building-*  # left over by a run that was killed (we hold the lock)
trap 'rm -rf "$building"' EXIT
args=(-m generator build -f "$repo/mkdocs.yml" --out "$building")
[ -z "${MASHANG_SITE_URL:-}" ] || args+=(--site-url "$MASHANG_SITE_URL")
[ "${MASHANG_STRICT:-0}" != 1 ] || args+=(--strict)
stats="$repo/var/public/stats.json"
if ! "$python" -m forms_api stats --public --out "$stats"; then
  say "warning: the public statistics were not updated (above); building with $([ -f "$stats" ] && echo "the previous $stats" || echo none)"
fi
[ ! -f "$stats" ] || args+=(--stats "$stats")
say "building $id"
"$python" "${args[@]}" "${build_args[@]}" || fail "the build failed (errors above)"
if [ -n "$nginx_conf" ] && [ ! -f "$nginx_conf" ]; then
  say "warning: $nginx_conf does not exist (yet): the Content-Security-Policy is not checked"
elif [ -n "$nginx_conf" ] && ! "$python" "$here/render_config.py" check-csp "$building" "$nginx_conf"; then
  rm -rf "$site_root/releases/.rejected"
  mv -T "$building" "$site_root/releases/.rejected"
  fail "the new build has inline code the Content-Security-Policy in $nginx_conf does not allow (above).
Render that file again from both builds (as root, with the options it was made with; with HTTPS then
certbot --nginx --reinstall), reload nginx, rebuild (docs/DEPLOY.md, "Update"):
  python3 $here/render_config.py render --site $site_root/current --site $site_root/releases/.rejected ...
  nginx -t && systemctl reload nginx && systemctl start mashang-rebuild"
fi

mv -T "$building" "$site_root/releases/$id"
trap - EXIT
switch_to "$id"
say "now serving $id${serving:+ (previous: $serving)}"

# Keep the newest $keep releases (the one just switched to is the newest; the previous one stays for --rollback).
find "$site_root/releases" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | sort -r \
  | tail -n +"$((keep + 1))" | while read -r old; do rm -rf "${site_root:?}/releases/$old"; done
