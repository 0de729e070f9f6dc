"""The outbox's promise under SIGKILL (issue 14): a burst of 200 status changes while the worker
(`python -m forms_api notify --follow`, a real process sending through the Alibaba Cloud SDK to a local endpoint) is
killed at random moments 30 times. Every notification is sent at least once; a notification is sent again only if the
worker died inside the documented window (after its `notice_attempt`, before its result); none is sent while the
worker's clock (set by the test with --at) is in the quiet hours. On both stores: with PostgreSQL the worker's claims
are advisory locks that die with it."""

from __future__ import annotations

import os
import random
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

pytestmark = [pytest.mark.usefixtures("no_forms_environment"), pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent
CASES = 50
KILLS = 30
CHANGES = [
    ("assigned", {"to_kind": "department", "to": "县住建局", "deadline": "2026-12-14"}),
    ("replied", {"answer": "已修复。"}),
    ("closed", {"forced": True, "reason": "群众来电确认已修好"}),
    ("reopened", {"reason": "又坏了"}),
]


def worker(env: dict[str, str], at: str, *, follow: bool = True) -> subprocess.Popen:
    args = [sys.executable, "-m", "forms_api", "notify", "--at", at]
    args += ["--follow", "--poll", "0.05"] if follow else []
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_sigkill_during_a_burst(tmp_path: Path, queue_url: str) -> None:
    rng = random.Random(int.from_bytes(os.urandom(4)))
    with sms_provider() as provider:
        provider.delay = 0.05  # the provider has the SMS before it answers: a kill then makes a repeat
        config = store_settings(queue_url) | {
            "QUEUE_DIR": str(tmp_path / "queue"),
            "QUEUE_FSYNC": "false",
            "SITE_DIR": str(write_site(tmp_path / "site")),
            "SITE_URL": "https://daibiao.example.org/",
            "NOTIFY_SMS": "aliyun",
            "SMS_ENDPOINT": provider.url,
            "SMS_SIGN_NAME": SIGN,
            "SMS_TEMPLATES": ",".join(f"{k}={v}" for k, v in SMS_TEMPLATES.items()),
            "SMS_ACCESS_KEY_ID": "test-id",
            "SMS_ACCESS_KEY_SECRET": "test-secret",
            "NOTIFY_SMS_DAILY_CAP": "10",
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
        env |= {f"FORMS_{key}": str(value) for key, value in config.items()}
        store = open_store(settings.load(config, environ={}))
        refs = []
        for i in range(CASES):
            case = NewCase(
                "deputy:cao-wenjie", "意见", f"第{i}条：路灯坏了。", None, f"1380013{i:04d}", extra={"notify": True}
            )
            refs.append(store.append(new_case(case, cases.new_code(), cases.now(), None, []))[0]["ref"])
        burst = [(ref, kind, fields) for kind, fields in CHANGES for ref in refs]
        assert len(burst) == 200
        cuts = [round(i * len(burst) / KILLS) for i in range(KILLS + 1)]
        chunks = [burst[cuts[i] : cuts[i + 1]] for i in range(KILLS)]  # in order: a case's changes stay in order

        kills = 0
        for phase, at in (("night", "2026-12-07T23:00"), ("day", "2026-12-08T09:00")):
            for chunk in chunks[:10] if phase == "night" else chunks[10:]:
                process = worker(env, at)
                try:
                    before = len(provider.texts())
                    for ref, kind, fields in chunk:
                        store.append(decision(ref, kind, "王科员", lambda sub, fields=fields: fields))
                    if phase == "day":  # kill it while it sends: once the first SMS of this round arrived
                        deadline = time.monotonic() + 60
                        while len(provider.texts()) == before and time.monotonic() < deadline:
                            time.sleep(0.01)
                    process.wait(timeout=rng.uniform(0.0, 0.4) if phase == "day" else rng.uniform(0.2, 1.5))
                    pytest.fail(process.stderr.read().decode())  # it must still be running
                except subprocess.TimeoutExpired:
                    kills += 1
                finally:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    process.stderr.close()
            if phase == "night":
                assert provider.texts() == []  # all held: the worker's clock said 23:00
        sent_before_drain = len(provider.texts())
        drain = worker(env, "2026-12-08T10:00", follow=False)
        assert drain.wait(timeout=300) == 0, drain.stderr.read().decode()
        drain.stderr.close()
    assert kills == KILLS

    events = list(store.scan())
    notices = {e["id"]: e for e in events if e["type"] == outbox.NOTICE}
    assert len(notices) == 200
    phone_of = {e["ref"]: e["phone"] for e in events if e["type"] == "submitted"}
    received = Counter((r.phone, r.template, r.params["ref"]) for r in provider.texts())
    by_id = {n["id"]: (phone_of[n["ref"]], SMS_TEMPLATES[n["template"]], n["ref"]) for n in notices.values()}
    # at least once
    assert {key for key in by_id.values() if received[key] == 0} == set()
    assert set(received) == set(by_id.values())
    # repeats only inside the window: each extra send needs an attempt the worker died in (no result after it)
    results = (outbox.SENT, outbox.RETRY, outbox.FAILED)
    for ident, key in by_id.items():
        trail = [e["type"] for e in events if e["type"] != outbox.NOTICE and ident in outbox.notice_ids(e)]
        interrupted = sum(
            1
            for i, kind in enumerate(trail)
            if kind == outbox.ATTEMPT and (i + 1 == len(trail) or trail[i + 1] not in results)
        )
        assert trail[-1] == outbox.SENT and trail.count(outbox.SENT) == 1, trail
        assert received[key] - 1 <= interrupted, (ident, trail, received[key])
    # never in the quiet hours, by the worker's clock
    for event in events:
        if event["type"] in (outbox.ATTEMPT, outbox.SENT):
            assert 8 <= cases.parse_at(event["at"]).hour < 21, event
    assert sent_before_drain > 0
    repeats = sum(count - 1 for count in received.values())
    print(f"{kills} kills, {sent_before_drain} SMS before the last run, {repeats} repeated inside the window")
