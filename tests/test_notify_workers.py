"""Two notification workers on one PostgreSQL database (issue 15, point 3): two `python -m forms_api notify --follow`
processes, each with a queue folder of its own as on two servers, send the notices of a burst of status changes
through the Alibaba Cloud SDK to a local endpoint. Every notice reaches the provider exactly once, with one attempt
in the log: the workers claim notices through the store (forms_api/store/pgdb.py: an advisory lock a notice), not by
a lock file that only one server sees."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import store_settings, write_site
from notify_helpers import SIGN, SMS_TEMPLATES
from sms_provider import sms_provider

from forms_api import cases, settings
from forms_api.cases import outbox
from forms_api.cases.actions import decision
from forms_api.cases.intake import NewCase, new_case
from forms_api.store import open_store

pytestmark = pytest.mark.usefixtures("no_forms_environment")
ROOT = Path(__file__).resolve().parent.parent
CASES = 10
WORKER = [sys.executable, "-m", "forms_api", "notify", "--at", "2026-12-08T09:00", "--follow", "--poll", "0.05"]
CHANGES = [
    ("assigned", {"to_kind": "department", "to": "县住建局", "deadline": "2026-12-14"}),
    ("replied", {"answer": "已修复。"}),
    ("closed", {"forced": True, "reason": "群众来电确认已修好"}),
    ("reopened", {"reason": "又坏了"}),
]


def test_two_workers_send_every_notice_once(pg_url: str, tmp_path: Path) -> None:
    with sms_provider() as provider:
        provider.delay = 0.02  # each send takes a while: the two workers' runs overlap
        config = store_settings(pg_url) | {
            "QUEUE_FSYNC": "false",
            "SITE_DIR": str(write_site(tmp_path / "site")),
            "SITE_URL": "https://daibiao.example.org/",
            "NOTIFY_SMS": "aliyun",
            "SMS_ENDPOINT": provider.url,
            "SMS_SIGN_NAME": SIGN,
            "SMS_TEMPLATES": ",".join(f"{k}={v}" for k, v in SMS_TEMPLATES.items()),
            "SMS_ACCESS_KEY_ID": "test-id",
            "SMS_ACCESS_KEY_SECRET": "test-secret",
        }
        store = open_store(settings.load(config, environ={}))
        refs = []
        for i in range(CASES):
            case = NewCase(
                "deputy:cao-wenjie", "意见", f"第{i}条：路灯坏了。", None, f"1380013{i:04d}", extra={"notify": True}
            )
            refs.append(store.append(new_case(case, cases.new_code(), cases.now(), None, []))[0]["ref"])
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
        env |= {f"FORMS_{key}": str(value) for key, value in config.items()}
        workers = []
        for server in ("one", "two"):  # each its own QUEUE_DIR, as on two servers: no lock file is shared
            (tmp_path / server).mkdir()
            worker_env = env | {"FORMS_QUEUE_DIR": str(tmp_path / server)}
            workers.append(subprocess.Popen(WORKER, cwd=ROOT, env=worker_env, stderr=subprocess.PIPE))
        try:
            for kind, fields in CHANGES:
                for ref in refs:
                    store.append(decision(ref, kind, "王科员", lambda sub, fields=fields: fields))
            deadline = time.monotonic() + 300
            while store.state().outbox.pending and time.monotonic() < deadline:
                assert all(worker.poll() is None for worker in workers)
                time.sleep(0.1)
            assert not store.state().outbox.pending
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
                worker.wait()
                worker.stderr.close()

    events = list(store.scan())
    notices = [e for e in events if e["type"] == outbox.NOTICE]
    assert len(notices) == CASES * len(CHANGES)
    phone_of = {e["ref"]: e["phone"] for e in events if e["type"] == "submitted"}
    expected = Counter((phone_of[n["ref"]], SMS_TEMPLATES[n["template"]], n["ref"]) for n in notices)
    received = Counter((r.phone, r.template, r.params["ref"]) for r in provider.texts())
    assert received == expected  # each exactly once
    tries = Counter(
        (ident, e["type"])
        for e in events
        if e["type"] in (outbox.ATTEMPT, outbox.SENT)
        for ident in outbox.notice_ids(e)
    )
    assert set(tries.values()) == {1} and len(tries) == 2 * len(notices)
