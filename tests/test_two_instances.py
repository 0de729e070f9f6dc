"""Two instances of the form service (gunicorn, several workers each) behind the real nginx with the shipped site
configuration and an upstream of both, on one PostgreSQL, the rate limits in Redis (issue 15). 8 clients post at
least 500 submissions each, and go on until one instance has been SIGKILLed (master and workers at once) ten times
and PostgreSQL stopped for 5 s: no acknowledged submission is lost, none is stored twice, references stay unique
and gap-free, nothing answers 500, and the service resumes by itself. And the rate limit as shipped holds across
them: one address's 6th message a minute is refused whichever instance answers, another address has its own 5."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from conftest import store_settings, write_site
from servers import Postgres, Redis, free_port, wait_for
from test_deploy import DEPLOY, ROOT, find_nginx

from forms_api import messages
from forms_api.security import wait_text
from forms_api.store import open_store
from forms_api.store.pgdb import close_all, upgrade

CLIENTS, PER_CLIENT, KILLS = 8, 500, 10


class Instance:
    """One gunicorn of deploy/gunicorn.conf.py in its own process group (so that a SIGKILL takes its workers too)."""

    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.port, self.env, self.log = port, env | {"FORMS_BIND": f"127.0.0.1:{port}"}, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.spawn()
        self.ready()

    def spawn(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )

    def ready(self) -> None:
        """Until the spawned gunicorn answers its health page."""
        assert self.process is not None
        wait_for(f"http://127.0.0.1:{self.port}/api/health", self.process, "gunicorn")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self) -> None:
        """Ask gunicorn to stop (gracefully); `stop` waits for it."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self) -> None:
        self.terminate()
        if self.process is not None:
            self.process.wait(timeout=60)


@pytest.fixture
def stack(tmp_path: Path, redis_server: Redis) -> Iterator[tuple[int, list[Instance], Postgres]]:
    """nginx on a free port in front of two instances on one PostgreSQL of this test's own (it is stopped), with a
    rate limit no client reaches."""
    database = Postgres()
    try:
        upgrade(database.url())
        settings = {"FORMS_RATELIMIT_STORAGE_URI": redis_server.url, "FORMS_RATE_LIMIT": "100000 per minute"}
        with running_stack(tmp_path, database.url(), settings) as (port, instances):
            yield port, instances, database
    finally:
        close_all()
        database.close()


@pytest.fixture
def limited_stack(tmp_path: Path, pg_url: str, redis_server: Redis) -> Iterator[tuple[int, list[Instance]]]:
    """The same on a fresh database of the session's PostgreSQL, with the shipped rate limits (RATE_LIMIT's default)
    in the session's Redis, emptied of earlier tests' counters; each instance's access log in its log."""
    with redis.Redis.from_url(redis_server.url) as client:
        client.flushdb()
    settings = {"FORMS_RATELIMIT_STORAGE_URI": redis_server.url, "FORMS_ACCESS_LOG": "-"}
    with running_stack(tmp_path, pg_url, settings) as running:
        yield running


@contextmanager
def running_stack(tmp_path: Path, queue_url: str, settings: dict[str, str]) -> Iterator[tuple[int, list[Instance]]]:
    """nginx's port and the two instances, started with `settings` on the store at `queue_url`; stopped after."""
    site = write_site(tmp_path / "site")
    (site / "index.html").write_text("<!doctype html><title>码上找代表</title>\n", encoding="utf-8")
    logs = tmp_path / "logs"
    logs.mkdir()
    port = free_port()
    conf = tmp_path / "mashang.conf"
    render = [sys.executable, str(DEPLOY / "render_config.py"), "render", "--site", str(site), "--server-name"]
    render += ["127.0.0.1", "--listen", f"127.0.0.1:{port}", "--site-root", str(tmp_path)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("FORMS_")} | {
        "FORMS_QUEUE_URL": queue_url,
        "FORMS_SITE_DIR": str(site),
        "FORMS_TRUSTED_PROXIES": "1",
        "FORMS_WORKERS": "2",
        "FORMS_THREADS": "4",
        "FORMS_ACCESS_LOG": "",
        "FORMS_ERROR_LOG": "-",
        **settings,
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
        for instance in instances:  # both start at once, then both are waited for
            instance.spawn()
        for instance in instances:
            instance.ready()
        wait_for(f"http://127.0.0.1:{port}/api/health", nginx, "nginx")
        yield port, instances
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        for instance in instances:
            instance.terminate()
        for instance in instances:
            instance.stop()


def post(port: int, text: str, source: str = "127.0.0.1", forwarded_for: str | None = None) -> tuple[int, dict]:
    """POST a message to nginx from the loopback address `source`, claiming `forwarded_for` if given."""
    body = json.dumps({"target": "deputy:cao-wenjie", "category": "意见", "text": text, "phone": "13800138000",
                       "consent": True}, ensure_ascii=False).encode()  # fmt: skip
    headers = {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"}
    if forwarded_for is not None:
        headers["X-Forwarded-For"] = forwarded_for
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
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


def test_the_sixth_message_a_minute_is_refused_whichever_instance_answers(
    limited_stack: tuple[int, list[Instance]],
) -> None:
    """One address's 6th message a minute is refused by both instances alike: nginx sends each request to the next
    instance, and each keys the shared counters in Redis on the client's address nginx passes on (X-Forwarded-For,
    FORMS_TRUSTED_PROXIES=1), not on nginx's own; another address has an allowance of its own."""
    port, instances = limited_stack
    refusals = {messages.API_ERRORS["rate_limited"].format(wait=wait_text(s)) for s in range(1, 61)}
    answers = [post(port, f"第 {n} 条留言：小区路灯坏了。") for n in range(7)]
    assert [status for status, _ in answers] == [201] * 5 + [429] * 2, answers
    assert all(body["error"] in refusals for _, body in answers[5:]), answers[5:]
    # nginx sets X-Forwarded-For itself: a client claiming another address is still counted as its own
    assert post(port, "第八条留言：小区路灯坏了。", forwarded_for="203.0.113.9")[0] == 429
    other = [post(port, f"另一位市民的第 {n} 条留言：路口积水。", source="127.0.0.2")[0] for n in range(6)]
    assert other == [201] * 5 + [429]
    logs = answered(instances, '"POST /api/submissions" ', len(answers) + 1 + len(other))
    by_instance = [Counter(re.findall(r'"POST /api/submissions" (\d{3}) ', log)) for log in logs]
    assert sum(by_instance, Counter()) == {"201": 10, "429": 4}
    assert all(each["201"] and each["429"] for each in by_instance), by_instance  # both took some, both refused some


def answered(instances: list[Instance], line: str, times: int, timeout: float = 10) -> list[str]:
    """Each instance's log once they hold `line` `times` times together: gunicorn logs a request after its answer."""
    deadline = time.monotonic() + timeout
    logs = [instance.log.read_text(encoding="utf-8") for instance in instances]
    while "".join(logs).count(line) < times and time.monotonic() < deadline:
        time.sleep(0.05)
        logs = [instance.log.read_text(encoding="utf-8") for instance in instances]
    return logs
