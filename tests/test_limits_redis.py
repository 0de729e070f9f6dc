"""Rate limits shared through a real redis-server (FORMS_RATELIMIT_STORAGE_URI=redis://...): one address's 6th
message a minute is refused whichever instance answers; and gunicorn refuses several workers with the per-process
memory store, saying why in its log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from conftest import make_app, write_site
from servers import Redis, free_port, wait_for
from test_api import submit

from forms_api import messages

pytestmark = pytest.mark.usefixtures("no_forms_environment")
ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]


def test_the_sixth_message_a_minute_is_refused_across_instances(redis_server: Redis, tmp_path: Path) -> None:
    redis.Redis.from_url(redis_server.url).flushall()
    limits = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_server.url, "RATE_LIMIT": "5 per minute"}
    one, two = make_app(tmp_path / "one", **limits), make_app(tmp_path / "two", **limits)
    clients = [one.test_client(), two.test_client()]
    answers = [submit(clients[n % 2], text=f"第 {n} 条留言：路灯坏了很久了。").status_code for n in range(5)]
    assert answers == [201] * 5
    for client in clients:  # the 6th, from either instance
        refused = submit(client, text="第六条留言：路灯坏了很久了。")
        assert refused.status_code == 429
    assert submit(make_app(tmp_path / "three").test_client()).status_code == 201  # memory://, limits off: unaffected


def gunicorn_env(tmp_path: Path, **more: str) -> dict[str, str]:
    write_site(tmp_path / "site")
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORMS_")}
    return env | {
        "FORMS_BIND": f"127.0.0.1:{free_port()}",
        "FORMS_QUEUE_DIR": str(tmp_path / "queue"),
        "FORMS_SITE_DIR": str(tmp_path / "site"),
        "FORMS_ACCESS_LOG": "",
        "FORMS_ERROR_LOG": "-",
        **more,
    }


def test_gunicorn_refuses_several_workers_with_the_memory_store(tmp_path: Path) -> None:
    env = gunicorn_env(tmp_path, FORMS_WORKERS="3")
    result = subprocess.run(GUNICORN, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert messages.WORKERS_NEED_SHARED_LIMITS.format(workers=3) in result.stderr
    assert "FORMS_RATELIMIT_STORAGE_URI=redis://" in result.stderr


def test_gunicorn_runs_several_workers_with_redis(redis_server: Redis, tmp_path: Path) -> None:
    env = gunicorn_env(tmp_path, FORMS_WORKERS="2", FORMS_RATELIMIT_STORAGE_URI=redis_server.url)
    gunicorn = subprocess.Popen(GUNICORN, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"http://{env['FORMS_BIND']}/api/health", gunicorn, "gunicorn")
    finally:
        gunicorn.terminate()
        _, log = gunicorn.communicate(timeout=60)
    assert "memory://" not in log and log.count("Booting worker") == 2
