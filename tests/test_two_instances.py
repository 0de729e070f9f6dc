"""Two instances of the form service (gunicorn, several workers each) behind the real nginx with the shipped site
configuration and an upstream of both, on one PostgreSQL, the rate limits in Redis (issue 15). 8 clients post at
least 500 submissions each, and go on until one instance has been SIGKILLed (master and workers at once) ten times
and PostgreSQL stopped for 5 s: no acknowledged submission is lost, none is stored twice, references stay unique
and gap-free, nothing answers 500, and the service resumes by itself."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import store_settings, write_site
from servers import Postgres, Redis, free_port, wait_for
from test_deploy import DEPLOY, ROOT, find_nginx

from forms_api import messages
from forms_api.store import open_store
from forms_api.store.pgdb import close_all, upgrade

CLIENTS, PER_CLIENT, KILLS = 8, 500, 10


class Instance:
    """One gunicorn of deploy/gunicorn.conf.py in its own process group (so that a SIGKILL takes its workers too)."""

    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port, self.env, self.log = port, env | {"FORMS_BIND": f"127.0.0.1:{port}"}, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        wait_for(f"http://127.0.0.1:{self.port}/api/health", self.process, "gunicorn")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)


@pytest.fixture
def stack(tmp_path: Path, redis_server: Redis) -> Iterator[tuple[int, list[Instance], Postgres]]:
    """nginx on a free port in front of two instances on one PostgreSQL of this test's own (it is stopped)."""
    database = Postgres()
    try:
        yield from _stack(tmp_path, redis_server, database)
    finally:
        close_all()
        database.close()


def _stack(tmp_path: Path, redis_server: Redis, database: Postgres) -> Iterator[tuple[int, list[Instance], Postgres]]:
    upgrade(database.url())
    site = write_site(tmp_path / "site")
    (site / "index.html").write_text("<!doctype html><title>码上找代表</title>\n", encoding="utf-8")
    logs = tmp_path / "logs"
    logs.mkdir()
    port = free_port()
    conf = tmp_path / "mashang.conf"
    render = [sys.executable, str(DEPLOY / "render_config.py"), "render", "--site", str(site), "--server-name"]
    render += ["127.0.0.1", "--listen", f"127.0.0.1:{port}", "--site-root", str(tmp_path)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORMS_")} | {
        "FORMS_QUEUE_URL": database.url(),
        "FORMS_SITE_DIR": str(site),
        "FORMS_TRUSTED_PROXIES": "1",
        "FORMS_WORKERS": "2",
        "FORMS_THREADS": "4",
        "FORMS_RATELIMIT_STORAGE_URI": redis_server.url,
        "FORMS_RATE_LIMIT": "100000 per minute",
        "FORMS_ACCESS_LOG": "",
        "FORMS_ERROR_LOG": "-",
    }
    instances = [Instance(free_port(), env, logs / f"forms-{n}.log") for n in (1, 2)]
    for instance in instances:  # the upstream block comes from the rendered configuration, as on a server
        render += ["--api-upstream", f"127.0.0.1:{instance.port}"]
    subprocess.run([*render, "--log-dir", str(logs), "--out", str(conf)], check=True, timeout=60)
    text = conf.read_text(encoding="utf-8")
    assert "upstream mashang_api {" in text and "keepalive 16;" in text and "proxy_pass http://mashang_api;" in text
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    wrapper = tmp_path / "nginx.conf"
    wrapper.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {logs}/error.log;\n"
        "events { worker_connections 256; }\nhttp {\n  include /etc/nginx/mime.types;\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {conf};\n}}\n"
    )
    nginx = subprocess.Popen([find_nginx(), "-p", str(tmp_path), "-c", str(wrapper), "-e", str(logs / "error.log")])
    try:
        for instance in instances:
            instance.start()
        wait_for(f"http://127.0.0.1:{port}/api/health", nginx, "nginx")
        yield port, instances, database
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        for instance in instances:
            instance.stop()


def post(port: int, text: str) -> tuple[int, dict]:
    body = json.dumps({"target": "deputy:cao-wenjie", "category": "意见", "text": text, "phone": "13800138000",
                       "consent": True}, ensure_ascii=False).encode()  # fmt: skip
    headers = {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/submissions", body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException):
        return 0, {}  # the connection broke: not acknowledged
    finally:
        connection.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, {}


@pytest.mark.slow
def test_no_acknowledged_submission_is_lost(stack: tuple[int, list[Instance], Postgres]) -> None:
    port, instances, database = stack
    answers: list[list[tuple[int, dict]]] = [[] for _ in range(CLIENTS)]
    killed = threading.Event()  # every kill and the outage done: until then the clients keep posting

    def client(number: int) -> None:
        n = 0
        while n < PER_CLIENT or not killed.is_set():
            answers[number].append(post(port, f"第 {number} 位市民的第 {n} 条留言：小区路灯坏了。"))
            n += 1

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        for kill in range(KILLS):  # pacing only: the load runs meanwhile
            time.sleep(0.2)
            instances[0].kill()
            time.sleep(0.1)
            instances[0].start()
            if kill == 2:  # the database goes away for a while, mid-load
                database.stop()
                during = post(port, "数据库停止期间的留言：小区路灯坏了。")
                time.sleep(5)
                database.start()
        assert all(thread.is_alive() for thread in threads)  # no client died on an answer it could not read
    finally:
        killed.set()
        for thread in threads:
            thread.join(600)
    assert not any(thread.is_alive() for thread in threads)
    assert during == (503, {"error": messages.QUEUE_UNAVAILABLE})
    refused = [body for each in answers for status, body in each if status == 503 and body]
    assert all(body == {"error": messages.QUEUE_UNAVAILABLE} for body in refused), refused[:3]  # the service's 503s
    after = post(port, "数据库恢复之后的留言：小区路灯坏了。")
    assert after[0] == 201, after
    statuses = [status for each in answers for status, _ in each]
    assert len(statuses) >= CLIENTS * PER_CLIENT and 500 not in statuses
    assert set(statuses) <= {201, 502, 503, 0}, sorted(set(statuses))
    acknowledged = {body["tracking_code"]: body["reference"] for each in answers for s, body in each if s == 201}
    assert len(acknowledged) == statuses.count(201) > CLIENTS * PER_CLIENT // 2
    stored = [event for event in open_store(store_settings(database.url())).scan() if event["type"] == "submitted"]
    codes = [event["code"] for event in stored]
    assert len(codes) == len(set(codes))  # none stored twice
    by_code = {event["code"]: event["ref"] for event in stored}
    assert {code: by_code.get(code) for code in acknowledged} == acknowledged  # every 201 stored, as answered
    refs = sorted(event["ref"] for event in stored)
    year = refs[0][:4]
    assert refs == [f"{year}-{n:06d}" for n in range(1, len(refs) + 1)]  # unique, no gap
