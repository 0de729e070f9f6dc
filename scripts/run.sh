#!/usr/bin/env bash
# The run command (README): set up this machine if needed, build the demo site from content/, and serve it together
# with the form service (real gunicorn, deploy/gunicorn.conf.py) on http://127.0.0.1:8000/ . A change under content/
# or to mkdocs.yml rebuilds the site (new messages: at most once a minute, for 办理统计); a build with errors leaves the
# previous site served.
# Submissions go to var/queue/ (FORMS_QUEUE_DIR); staff work them with `.venv/bin/python -m forms_api --help`.
# Before each build the public figures of the queue (var/public/stats.json) are written and shown on the site; with no
# message yet there are none, and the site is built without them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
stats=var/public/stats.json
# The site's address is the one served here (FORMS_BIND), so its QR codes open on this machine whatever the port.
build() {
  local said site=(.venv/bin/python -m generator build --site-url "http://$FORMS_BIND/")
  if [ ! -e "${FORMS_QUEUE_DIR:-var/queue}" ]; then
    echo "run: 还没有留言，网站暂不公布留言办理统计"
  elif said="$(.venv/bin/python -m forms_api stats --public --out "$stats" 2>&1)"; then
    echo "run: $said"
  else
    echo "run: 留言办理统计没有更新（$said）"
  fi
  if [ -f "$stats" ]; then
    "${site[@]}" --stats "$stats"
  else
    "${site[@]}"
  fi
}
# The back office: on the first run (no account yet) an office account "demo" and its invitation link. Accounts live
# in the queue folder (var/queue/accounts.json), never in git.
demo_account() {
  local staff=(.venv/bin/python -m forms_api users) listed link
  listed="$("${staff[@]}" list 2>/dev/null || true)"  # no queue folder yet: no account
  echo "run: 后台 http://$FORMS_BIND/staff/"
  if grep -q '^demo .*待设置密码' <<<"$listed"; then
    echo "run:   演示账号 demo 还没有设置密码：用第一次运行时给出的邀请链接；要新的链接：${staff[*]} reset demo --base-url http://$FORMS_BIND/"
  elif grep -q '^demo ' <<<"$listed"; then
    echo "run:   用 demo 账号登录；要新的邀请链接：${staff[*]} reset demo --base-url http://$FORMS_BIND/"
  elif [ "$(grep -c . <<<"$listed")" -le 1 ]; then
    link="$("${staff[@]}" add demo --role office --base-url "http://$FORMS_BIND/" | tail -n 1)"
    echo "run:   已建演示用的办公室账号 demo：打开 $link 设置密码"
  else
    echo "run:   要演示账号：${staff[*]} add demo --role office --base-url http://$FORMS_BIND/"
  fi
}
export FORMS_BIND="${FORMS_BIND:-127.0.0.1:8000}"
export FORMS_SITE_URL="${FORMS_SITE_URL:-http://$FORMS_BIND/}"  # the links in notifications, if a sender is on
# SMS in the demo by the `log` sender: it sends nothing and writes here what it would send (never the phone), so the
# message form offers 有进展时短信通知我 and the loop can be seen end to end. FORMS_NOTIFY_SMS= (empty) turns it off.
export FORMS_NOTIFY_SMS="${FORMS_NOTIFY_SMS-log}"
if [ "$FORMS_NOTIFY_SMS" = log ]; then  # the log sender wakes nobody: no quiet hours, unless set
  export FORMS_NOTIFY_QUIET_HOURS="${FORMS_NOTIFY_QUIET_HOURS-00:00-00:00}"
fi
build
.venv/bin/gunicorn -c deploy/gunicorn.conf.py 'forms_api.site:create_site_app("site")' &
server=$!
notifier=""
trap 'kill $server $notifier 2>/dev/null; wait $server $notifier 2>/dev/null' EXIT INT TERM
echo "run: 网站 http://$FORMS_BIND/（按 Ctrl+C 停止）"
demo_account
# The notification worker, as deploy/systemd/mashang-notify.service runs it (it waits for the first message).
if [ -n "$FORMS_NOTIFY_SMS${FORMS_NOTIFY_EMAIL:-}" ]; then
  .venv/bin/python -m forms_api notify --follow &
  notifier=$!
  echo "run: 通知工作进程已启动（FORMS_NOTIFY_SMS=$FORMS_NOTIFY_SMS；log 方式不真正发送，只在这里显示将发送的内容）"
fi
mkdir -p .cache && touch .cache/run-stamp
built=$SECONDS
# A change under content/ rebuilds at once; new messages and their handling (the public figures on 办理统计) at most
# once a minute, as deploy/systemd/mashang-rebuild.timer does every 10 minutes on a server.
while kill -0 "$server" 2>/dev/null; do
  sleep 2
  if [ -n "$(find content mkdocs.yml -newer .cache/run-stamp -print -quit)" ] ||
    { [ $((SECONDS - built)) -ge 60 ] && [ "${FORMS_QUEUE_DIR:-var/queue}/events.jsonl" -nt .cache/run-stamp ]; }; then
    touch .cache/run-stamp
    built=$SECONDS
    build || echo "run: 内容有错误（见上）：仍在提供上一次生成的网站"
  fi
done
