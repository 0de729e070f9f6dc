"""Notifications (issue 14): the notices appended with their cause, the form's choice, and the worker sending
through the real SDKs to a local provider endpoint and over SMTP to a local aiosmtpd, under its rules."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, date, time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import events, make_app
from flask import Flask
from flask.testing import FlaskClient
from notify_helpers import SIGN, SMS_TEMPLATES, at, make_worker, notify_config, smtp_server, smtp_settings
from sms_provider import Provider, sms_provider

from forms_api import cases, messages, messages_notify
from forms_api.cases import outbox
from forms_api.cases.actions import decision, urge
from forms_api.notify import worker as notify_worker
from forms_api.staff.cli import main

pytestmark = pytest.mark.usefixtures("no_forms_environment")
GOOD = {
    "target": "deputy:cao-wenjie",
    "category": "意见",
    "text": "小区门口的路灯坏了一个多月，晚上出行很不方便。",
    "name": "李女士",
    "phone": "138 0013 8000",
    "consent": True,
}
PERSONAL = ("李女士", "13800138000", "路灯坏了")
SMS_ON = {
    "NOTIFY_SMS": "aliyun",
    "SMS_SIGN_NAME": SIGN,
    "SMS_TEMPLATES": SMS_TEMPLATES,
    "SMS_ACCESS_KEY_ID": "test-id",
    "SMS_ACCESS_KEY_SECRET": "test-secret",
    "SITE_URL": "https://daibiao.example.org/",
    "NOTIFY_RETRY_SECONDS": 0,
}


def submit(client: FlaskClient, **changes: Any) -> Any:
    body = {k: v for k, v in {**GOOD, **changes}.items() if v is not ...}
    return client.post("/api/submissions", data=json.dumps(body), content_type="application/json")


def act(app: Flask, ref: str, kind: str, **fields: Any) -> list[dict]:
    """A staff action through the app's own store (the console's way): the cause and its notices."""
    return app.extensions["forms_api"].store.append(decision(ref, kind, "王科员", lambda sub: fields))


def shape(event: dict) -> tuple[str, str | None, str | None]:
    """An event's type, and for a notice whom it tells and with which template."""
    if event["type"] != "notice":
        return event["type"], None, None
    return event["type"], event["to"], event["template"]


def assign(app: Flask, ref: str) -> list[dict]:
    return act(app, ref, "assigned", to_kind="department", to="县住建局", deadline="2026-12-11")


# --- the form's choice ------------------------------------------------------------------------------------------------


def test_features_say_whether_sms_is_offered(tmp_path: Path) -> None:
    assert make_app(tmp_path / "a").test_client().get("/api/features").json == {"notify": {"sms": False}}
    assert make_app(tmp_path / "b", **SMS_ON).test_client().get("/api/features").json == {"notify": {"sms": True}}


@pytest.mark.parametrize(
    ("on", "phone", "error"),
    [
        (False, "138 0013 8000", messages.FIELD_ERRORS["notify_off"]),
        (True, "010-12345678", messages.FIELD_ERRORS["notify_mobile"]),
    ],
)
def test_notify_refused_with_a_clear_400(tmp_path: Path, on: bool, phone: str, error: str) -> None:
    app = make_app(tmp_path, **(SMS_ON if on else {}))
    response = submit(app.test_client(), phone=phone, notify=True)
    assert response.status_code == 400
    assert response.json == {"errors": {"notify": error}}
    assert events(app) == []


def test_notify_from_the_plain_form(tmp_path: Path) -> None:
    app = make_app(tmp_path, **SMS_ON)
    form = {**GOOD, "consent": "true", "notify": "on"}
    response = app.test_client().post("/api/submissions", data=form)
    assert response.status_code == 303  # on to the receipt page (POST/redirect/GET)
    assert events(app)[0]["notify"] is True


# --- notices in the same append as their cause ------------------------------------------------------------------------


def test_notices_follow_their_cause_without_personal_data(tmp_path: Path) -> None:
    app = make_app(tmp_path, **SMS_ON, NOTIFY_EMAIL="log")
    client = app.test_client()
    ref = submit(client, notify=True).json["reference"]
    submit(client, text="另一条留言，没有要求短信通知。", phone="139 0013 9000")  # no SMS for this one
    first = events(app)
    assert [e["type"] for e in first] == ["submitted", "notice", "submitted", "notice"]
    assert (first[1]["to"], first[1]["channel"], first[1]["template"]) == ("deputy:cao-wenjie", "email", "new_case")
    stored = assign(app, ref)
    assert [shape(e) for e in stored] == [
        ("assigned", None, None),
        ("notice", "citizen", "assigned"),
        ("notice", "handler:县住建局", "new_case"),
    ]
    assert stored[1]["params"] == {"ref": ref, "handler": "县住建局", "deadline": "2026-12-11"}
    closing = {"forced": True, "reason": "群众来电确认已修好"}  # inside the rating window: a forced close
    for kind, fields in (("replied", {"answer": "已修复。"}), ("closed", closing), ("reopened", {"reason": "又坏了"})):
        cause, note, *others = act(app, ref, kind, **fields)
        assert (note["type"], note["to"], note["template"], note["params"]) == ("notice", "citizen", kind, {"ref": ref})
        told = [("notice", "handler:县住建局", "answered_by_other")] if kind == "replied" else []
        assert [shape(e) for e in others] == told  # answered by the office, not its handler: the handler is told
    other = next(e["ref"] for e in events(app) if e["type"] == "submitted" and e["ref"] != ref)
    assert [e["type"] for e in assign(app, other)] == ["assigned", "notice"]  # the handler only: no SMS asked
    urged = app.extensions["forms_api"].store.append(
        decision(ref, "urged", "王科员", urge(at("2027-01-05T09:00").date(), cases.NO_HOLIDAYS))
    )
    assert [shape(e) for e in urged] == [("urged", None, None), ("notice", "handler:县住建局", "urged")]
    for event in events(app):
        if event["type"] == "notice":
            assert not any(value in json.dumps(event, ensure_ascii=False) for value in PERSONAL)


def test_a_deputy_told_of_a_new_case_is_not_told_again_when_it_is_assigned_to_them(tmp_path: Path) -> None:
    app = make_app(tmp_path, **SMS_ON, NOTIFY_EMAIL="log")
    ref = submit(app.test_client()).json["reference"]
    assert [shape(e) for e in events(app)] == [("submitted", None, None), ("notice", "deputy:cao-wenjie", "new_case")]
    to_them = act(app, ref, "assigned", to_kind="deputy", to="曹文杰", deputy="cao-wenjie", deadline="2026-12-11")
    assert [e["type"] for e in to_them] == ["assigned"]  # one "新留言待办理" is enough
    onward = act(app, ref, "assigned", to_kind="department", to="县住建局", deadline="2026-12-11")
    elsewhere = act(app, ref, "assigned", to_kind="deputy", to="曹文杰", deputy="cao-wenjie", deadline="2026-12-11")
    assert [shape(e) for e in onward + elsewhere] == [
        ("assigned", None, None),
        ("notice", "handler:县住建局", "new_case"),
        ("assigned", None, None),
        ("notice", "deputy:cao-wenjie", "new_case"),  # handed back to them later: news again
    ]


def test_staff_tools_append_notices_too(tmp_path: Path) -> None:
    app = make_app(tmp_path, **SMS_ON)
    ref = submit(app.test_client(), notify=True).json["reference"]
    env = {"FORMS_NOTIFY_SMS": "log", "FORMS_SITE_DIR": str(tmp_path / "site")}
    queue = ["--queue", str(tmp_path / "queue")]
    assign(app, ref)  # an answer needs an assignment first
    result = CliRunner().invoke(
        main, [*queue, "reply", ref, "--answer", "已修复。", "--yes", "--by", "王科员"], env=env
    )
    assert result.exit_code == 0, result.output
    assert [e["type"] for e in events(app)][-2:] == ["replied", "notice"]


def test_no_sender_no_notices(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    ref = submit(app.test_client()).json["reference"]
    assign(app, ref)
    assert [e["type"] for e in events(app)] == ["submitted", "assigned"]


# --- the worker: the real SDKs against a local endpoint ---------------------------------------------------------------


@pytest.fixture
def provider() -> Any:
    with sms_provider() as endpoint:
        yield endpoint


@pytest.mark.parametrize("kind", ["aliyun", "tencent"])
def test_sms_through_the_sdk(tmp_path: Path, provider: Provider, kind: str) -> None:
    app = make_app(tmp_path, **SMS_ON)
    body = submit(app.test_client(), notify=True).json
    ref, code = body["reference"], body["tracking_code"]
    assign(app, ref)
    act(app, ref, "replied", answer="已修复。")
    config = notify_config(tmp_path, NOTIFY_SMS=kind, SMS_ENDPOINT=provider.url)
    counts = make_worker(config, at("2026-12-07T10:00")).run_once()
    assert counts == {"sent": 2}
    phone = "13800138000" if kind == "aliyun" else "+8613800138000"
    link = "https://daibiao.example.org/track/"
    assigned = {"ref": ref, "handler": "县住建局", "deadline": "2026-12-11", "link": link}
    replied = {"ref": ref, "link": link}
    if kind == "tencent":
        assigned, replied = list(assigned.values()), list(replied.values())
    assert [(r.phone, r.sign, r.template, r.params) for r in provider.texts()] == [
        (phone, SIGN, "SMS_1001", assigned),
        (phone, SIGN, "SMS_1002", replied),
    ]
    assert all(code not in json.dumps(r.params) for r in provider.texts())
    assert make_worker(config, at("2026-12-07T10:01")).run_once() == {}  # sent once: nothing left


@pytest.mark.parametrize(
    ("kind", "errors"),
    [
        ("aliyun", ["isv.BUSINESS_LIMIT_CONTROL", "isv.SMS_TEMPLATE_ILLEGAL", "isv.BUSINESS_LIMIT_CONTROL"]),
        (
            "tencent",
            [
                "LimitExceeded.PhoneNumberThirtySecondLimit",
                "Error:FailedOperation.TemplateIncorrectOrUnapproved",
                "Error:RequestLimitExceeded",
            ],
        ),
    ],
)
def test_provider_errors_are_retried_then_reported(
    tmp_path: Path, provider: Provider, kind: str, errors: list[str]
) -> None:
    app = make_app(tmp_path, **SMS_ON)
    ref = submit(app.test_client(), notify=True).json["reference"]
    assign(app, ref)
    provider.errors += errors
    config = notify_config(tmp_path, NOTIFY_SMS=kind, SMS_ENDPOINT=provider.url, NOTIFY_MAX_TRIES=3)
    counts = [make_worker(config, at(f"2026-12-07T10:0{i}")).run_once() for i in range(4)]
    assert counts == [{"retry": 1}, {"retry": 1}, {"failed": 1}, {}]
    assert provider.texts() == []
    env = {"FORMS_QUEUE_DIR": str(tmp_path / "queue")}
    result = CliRunner().invoke(main, ["notify", "status"], env=env)
    assert result.exit_code == 0, result.output
    head, line = result.output.splitlines()
    assert head == "待发 0 条（其中暂缓或等待重试 0 条），失败 1 条，跳过 0 条，已发送 0 条。"
    code = errors[-1].removeprefix("Error:")
    assert line.startswith("失败  ") and f"{ref}  sms/assigned  → citizen  第 3 次  {kind}: {code}" in line


def test_quiet_hours_hold_sms_until_morning(tmp_path: Path, provider: Provider) -> None:
    app = make_app(tmp_path, **SMS_ON)
    ref = submit(app.test_client(), notify=True).json["reference"]
    assign(app, ref)
    config = notify_config(tmp_path, NOTIFY_SMS="aliyun", SMS_ENDPOINT=provider.url)
    for night in ("2026-12-07T21:00", "2026-12-07T23:59", "2026-12-08T03:00", "2026-12-08T07:59"):
        assert make_worker(config, at(night)).run_once() == {"held": 1}
    assert provider.texts() == []
    assert make_worker(config, at("2026-12-08T08:00")).run_once() == {"sent": 1}


def test_daily_cap_per_phone(tmp_path: Path, provider: Provider) -> None:
    app = make_app(tmp_path, **SMS_ON)
    client = app.test_client()
    refs = [submit(client, notify=True, text=f"第{i}条留言，路灯坏了。").json["reference"] for i in range(3)]
    for ref in refs:
        assign(app, ref)
    config = notify_config(tmp_path, NOTIFY_SMS="aliyun", SMS_ENDPOINT=provider.url, NOTIFY_SMS_DAILY_CAP=2)
    assert make_worker(config, at("2026-12-07T10:00")).run_once() == {"sent": 2, "held": 1}
    assert make_worker(config, at("2026-12-07T20:00")).run_once() == {"held": 1}
    assert len(provider.texts()) == 2
    assert make_worker(config, at("2026-12-08T08:00")).run_once() == {"sent": 1}
    assert [r.params["ref"] for r in provider.texts()] == refs


def test_the_log_sender_writes_what_it_would_send_on_stderr(tmp_path: Path) -> None:
    app = make_app(tmp_path, **(SMS_ON | {"NOTIFY_SMS": "log"}))
    ref = submit(app.test_client(), notify=True).json["reference"]
    assign(app, ref)
    env = {
        "FORMS_QUEUE_DIR": str(tmp_path / "queue"),
        "FORMS_NOTIFY_SMS": "log",
        "FORMS_SITE_URL": "https://daibiao.example.org/",
        "FORMS_SITE_DIR": str(app.config["SITE_DIR"]),
    }
    result = CliRunner().invoke(main, ["notify", "--at", "2026-12-07T10:00"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("已发送 1 条")
    line = f"INFO notify sms assigned to citizen:  您的留言（编号{ref}）已交县住建局办理，答复期限2026-12-11。"
    assert line in result.stderr and "https://daibiao.example.org/track/" in result.stderr
    assert not any(personal in result.stderr for personal in PERSONAL)


def test_the_worker_refuses_to_send_without_the_site_s_address(tmp_path: Path) -> None:
    """Without FORMS_SITE_URL a notice would link to "/track/", which no phone can open: the worker refuses, as the
    service refuses to start, and nothing is sent or recorded."""
    app = make_app(tmp_path, **(SMS_ON | {"NOTIFY_SMS": "log"}))
    ref = submit(app.test_client(), notify=True).json["reference"]
    assign(app, ref)
    env = {"FORMS_QUEUE_DIR": str(tmp_path / "queue"), "FORMS_NOTIFY_SMS": "log", "FORMS_SITE_URL": ""}
    before = len(events(app))
    result = CliRunner().invoke(main, ["notify", "--at", "2026-12-07T10:00"], env=env)
    assert result.exit_code != 0
    assert "通知的设置不完整，没有发送任何通知" in result.stderr and "SITE_URL" in result.stderr
    assert "INFO notify" not in result.stderr and len(events(app)) == before


def test_a_following_worker_waits_for_the_service_s_first_message(tmp_path: Path) -> None:
    """`notify --follow` (systemd's worker, run.sh's) started before any message: the queue folder has no log yet. It
    says so once and waits, then sends what the first messages cause; a folder that is not there still fails."""
    import subprocess
    import time as systime

    queue = tmp_path / "queue"
    queue.mkdir()
    env = {**os.environ, "FORMS_QUEUE_DIR": str(queue), "FORMS_NOTIFY_SMS": "log"}
    env |= {"FORMS_SITE_URL": "https://daibiao.example.org/", "PYTHONUNBUFFERED": "1"}
    env |= {"FORMS_NOTIFY_QUIET_HOURS": "00:00-00:00"}  # it runs on the real clock: no SMS held for the night
    command = [sys.executable, "-m", "forms_api", "notify", "--follow", "--poll", "0.1"]
    said = tmp_path / "worker.err"
    with said.open("wb") as err:
        worker = subprocess.Popen(command, env=env, stderr=err, stdout=subprocess.DEVNULL)
    try:
        deadline = systime.monotonic() + 30
        while "还没有留言记录" not in said.read_text(encoding="utf-8") and systime.monotonic() < deadline:
            assert worker.poll() is None, said.read_text(encoding="utf-8")
            systime.sleep(0.1)
        app = make_app(tmp_path, **(SMS_ON | {"NOTIFY_SMS": "log"}))
        ref = submit(app.test_client(), notify=True).json["reference"]
        assign(app, ref)
        while f"编号{ref}）已交县住建局办理" not in said.read_text(encoding="utf-8") and systime.monotonic() < deadline:
            assert worker.poll() is None, said.read_text(encoding="utf-8")
            systime.sleep(0.1)
        text = said.read_text(encoding="utf-8")
        assert text.count("还没有留言记录") == 1 and f"编号{ref}）已交县住建局办理" in text
    finally:
        worker.kill()
        worker.wait()
    missing = CliRunner().invoke(main, ["notify", "--follow"], env=env | {"FORMS_QUEUE_DIR": str(tmp_path / "nix")})
    assert missing.exit_code != 0 and "找不到留言队列" in missing.stderr


def test_a_run_flushes_its_records_to_disk_once(tmp_path: Path, provider: Provider, monkeypatch) -> None:
    """The worker's appends don't hold the log's lock for an fsync each; its run's last append flushes them all. And
    a batch's attempts go in one append, before its first send; its results with the next batch's attempts."""
    monkeypatch.setattr(notify_worker, "BATCH", 2)
    app = make_app(tmp_path, **SMS_ON)
    client = app.test_client()
    refs = [submit(client, notify=True, text=f"第{i}条留言，路灯坏了。").json["reference"] for i in range(3)]
    for ref in refs:
        assign(app, ref)
    log = (tmp_path / "queue" / "events.jsonl").resolve()
    synced: list[str] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")) or real(fd))
    config = notify_config(tmp_path, NOTIFY_SMS="aliyun", SMS_ENDPOINT=provider.url, QUEUE_FSYNC=True)
    before = log.stat().st_size
    assert make_worker(config, at("2026-12-07T10:00")).run_once() == {"sent": 3}
    assert synced.count(str(log)) == 1 and log.stat().st_size > before
    records = [(event["type"], len(outbox.notice_ids(event))) for event in events(app)][-4:]
    assert records == [("notice_attempt", 2), ("notice_sent", 2), ("notice_attempt", 1), ("notice_sent", 1)]


@pytest.mark.parametrize("how", ["track", "tencent", "aliyun"])
def test_unsubscribe_stops_every_sms_to_the_phone(tmp_path: Path, provider: Provider, how: str) -> None:
    app = make_app(tmp_path, **SMS_ON, NOTIFY_REPLY_TOKEN="t" * 32)
    client = app.test_client()
    first = submit(client, notify=True).json
    second = submit(client, notify=True, text="另一条留言，也要短信通知。").json
    config = notify_config(tmp_path, NOTIFY_SMS="aliyun", SMS_ENDPOINT=provider.url)
    assign(app, first["reference"])
    assert make_worker(config, at("2026-12-07T10:00")).run_once() == {"sent": 1}
    if how == "track":
        response = client.post("/api/unsubscribe", json={"code": first["tracking_code"]})
        assert response.json == {"unsubscribed": True, "message": messages_notify.UNSUBSCRIBE_DONE}
        assert messages_notify.UNSUBSCRIBE_DONE.startswith("已退订：这个手机号码不会再收到本站的短信通知。")
    else:
        assert client.post("/api/sms/replies/wrong", json={"mobile": "13800138000", "text": "TD"}).status_code == 404
        reply: Any = {"mobile": "13800138000", "nationcode": "86", "text": "TD", "sign": SIGN, "time": 1}
        if how == "aliyun":  # SmsUp, pushed as a list
            other = {"phone_number": "13900139000", "content": "谢谢", "sign_name": SIGN, "sequence_id": 1}
            reply = [other, {"phone_number": "13800138000", "content": "退订", "sign_name": SIGN, "sequence_id": 2}]
        assert client.post("/api/sms/replies/" + "t" * 32, json=reply).status_code == 200
    act(app, first["reference"], "replied", answer="已修复。")
    assign(app, second["reference"])
    assert make_worker(config, at("2026-12-07T10:05")).run_once() == {"skipped": 2}
    assert len(provider.texts()) == 1
    [optout] = [e for e in events(app) if e["type"] == "optout"]  # one: "谢谢" from another phone stops nothing
    assert optout.keys() == {"type", "by", "at", "key"}


# --- e-mail over SMTP (aiosmtpd, STARTTLS and login) ------------------------------------------------------------------


def test_deputy_and_digest_mails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server(tmp_path) as box:
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "smtp.pem"))
        contacts = tmp_path / "contacts.yaml"
        contacts.write_text("deputy:cao-wenjie: cao@example.org\noffice: [office@example.org]\n", encoding="utf-8")
        mail = smtp_settings(box) | {"NOTIFY_CONTACTS": str(contacts)}
        app = make_app(tmp_path, SITE_URL="https://daibiao.example.org/", **mail)
        ref = submit(app.test_client()).json["reference"]
        config = notify_config(tmp_path, **mail)
        assert make_worker(config, at("2026-12-07T22:00")).run_once() == {"sent": 1}  # e-mail knows no quiet hours
        env = {"FORMS_QUEUE_DIR": str(tmp_path / "queue"), "FORMS_SITE_DIR": str(tmp_path / "site")}
        env |= {f"FORMS_{k}": str(v) for k, v in mail.items()}
        sunday = CliRunner().invoke(main, ["notify", "digest", "--today", "2026-12-20"], env=env)
        assert sunday.output == "2026-12-20 不是工作日：不发每日待办邮件。\n"
        result = CliRunner().invoke(main, ["notify", "digest", "--today", "2026-12-21"], env=env)
        assert result.output == "已生成每日待办邮件 1 封（2026-12-21）。\n"
        again = CliRunner().invoke(main, ["notify", "digest", "--today", "2026-12-21"], env=env)
        assert again.output == "今天的每日待办邮件已经生成过，或者没有收件人。\n"
        assert make_worker(config, at("2026-12-21T08:00")).run_once() == {"sent": 1}
        assert box.logins == [box_user := mail["SMTP_USER"], box_user]
    new_case, digest = box.mails
    assert (new_case["To"], new_case["Subject"]) == ("cao@example.org", f"新留言待办理：{ref}")
    assert f"请登录后台查看：https://daibiao.example.org/staff/cases/{ref}\n" in new_case.get_content()
    assert (digest["To"], digest["Subject"]) == ("office@example.org", "每日待办：2026-12-21")
    assert f"已超期 1 件：{ref}" in digest.get_content()
    for message in box.mails:
        assert not any(value in message.as_string() for value in PERSONAL)
        assert not any(value in message.get_content() for value in PERSONAL)


def test_notify_help_is_chinese() -> None:
    result = CliRunner().invoke(main, ["notify", "--help"])
    assert result.exit_code == 0 and "通知：发送待发的短信和邮件" in result.output
    assert sys.modules["forms_api.notify.worker"]
    assert outbox.TEMPLATES


def test_unsubscribe_without_javascript(tmp_path: Path) -> None:
    """The service's own status page (plain form post) offers 退订 with the code, when it sends SMS."""
    app = make_app(tmp_path, **SMS_ON)
    client = app.test_client()
    code = submit(client, notify=True).json["tracking_code"]
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    assert 'action="/api/unsubscribe"' in page and f'name="code" value="{code}"' in page
    done = client.post("/api/unsubscribe", data={"code": code})
    assert done.status_code == 200 and done.mimetype == "text/html"
    assert messages_notify.UNSUBSCRIBE_DONE in done.get_data(as_text=True)
    assert [e["type"] for e in events(app)].count("optout") == 1
    client.post("/api/unsubscribe", data={"code": code})
    assert [e["type"] for e in events(app)].count("optout") == 1  # once is enough
    assert client.post("/api/unsubscribe", json={"code": "no-such-code"}).status_code == 404
    never = submit(client, phone="139 0013 9000", text="另一条留言，没有要求短信通知。").json["tracking_code"]
    unasked = client.post("/api/track", data={"code": never}, follow_redirects=True).get_data(as_text=True)
    assert "/api/unsubscribe" not in unasked and messages_notify.UNSUBSCRIBE_TITLE not in unasked
    plain = make_app(tmp_path / "off").test_client()
    other = submit(plain).json["tracking_code"]
    assert "/api/unsubscribe" not in plain.post("/api/track", data={"code": other}, follow_redirects=True).get_data(
        as_text=True
    )


def test_after_unsubscribing_the_case_says_so_instead_of_offering_it_again(tmp_path: Path) -> None:
    """退订 stops every SMS to the phone: the button says so in its own words, and once done every case of that phone
    says 已退订 in its place, on the page without JavaScript and in the JSON the /track/ page shows."""
    app = make_app(tmp_path, **SMS_ON)
    client = app.test_client()
    code = submit(client, notify=True).json["tracking_code"]
    other = submit(client, notify=True, text="另一条留言，也要短信通知。").json["tracking_code"]
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    assert f'<button type="submit">{messages_notify.UNSUBSCRIBE_BUTTON}</button>' in page
    assert messages_notify.UNSUBSCRIBE_BUTTON == "停止给本手机号发短信（所有留言）"
    assert messages_notify.SMS_STOPPED not in page
    assert client.post("/api/track", json={"code": code}).json["sms_note"] is None
    client.post("/api/unsubscribe", data={"code": code})
    for each in (code, other):
        page = client.post("/api/track", data={"code": each}, follow_redirects=True).get_data(as_text=True)
        assert messages_notify.SMS_STOPPED in page and "/api/unsubscribe" not in page
        view = client.post("/api/track", json={"code": each}).json
        assert (view["notify"], view["sms_note"]) == (False, "已退订（本手机号不再收到短信）")


@pytest.mark.parametrize("verify", [False, True], ids=["plain", "verify"])
def test_a_landline_is_not_offered_sms_and_a_refusal_leads_back_to_the_case(tmp_path: Path, verify: bool) -> None:
    """The receipt page offers 有进展时短信通知我 only for a mainland mobile; posted anyway (an old page, Back) for a
    landline, the answer says why on a page that leads back to the case, not "请填写 11 位手机号码" with no field."""
    verifying = {"NOTIFY_SMS_VERIFY": "on", "SMS_TEMPLATES": SMS_TEMPLATES | {"verify": "SMS_1005"}}
    settings = SMS_ON | (verifying if verify else {})
    app = make_app(tmp_path, **settings)
    client = app.test_client()
    posted = client.post("/api/submissions", data={**GOOD, "phone": "010-62345679", "consent": "true"})
    receipt = client.get(posted.headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="tracking-code">([^<]+)<', receipt.replace("<wbr>", ""))[1]
    assert messages_notify.SUBSCRIBE_TITLE not in receipt
    assert "/api/notify" not in receipt and "/api/verify" not in receipt
    assert messages_notify.SMS_NO_MOBILE in receipt  # why there is no offer
    for path in ("/api/notify", "/api/verify") if verify else ("/api/notify",):
        typed = {"verify_code": "123456"} if verify and path == "/api/notify" else {}
        refused = client.post(path, data={"code": code, **typed})
        page = refused.get_data(as_text=True)
        assert (refused.status_code, refused.mimetype) == (409, "text/html"), path
        assert messages_notify.SMS_NO_MOBILE in page and "11 位" not in page, path
        back = page[page.index('action="/api/track"') :]
        assert f'name="code" value="{code}"' in back[: back.index("</form>")], path
    assert [e["type"] for e in events(app)] == ["submitted"]


def test_the_sms_pages_without_javascript_lead_back_to_the_case(tmp_path: Path) -> None:
    """After 有进展时短信通知我 or 退订 without JavaScript an elder gets back to the case (a button posting what found
    it) and to 查询进度, not only to the home page; the code stays in the body, never in a link."""
    app = make_app(tmp_path, **SMS_ON)
    client = app.test_client()
    code = submit(client).json["tracking_code"]
    ref = events(app)[0]["ref"]
    by_reference = {"reference": ref, "phone": "13800138000"}
    for path, sent in [
        ("/api/notify", {"code": code}),
        ("/api/unsubscribe", {"code": code}),
        ("/api/unsubscribe", by_reference),
    ]:
        page = client.post(path, data=sent).get_data(as_text=True)
        assert f'/track/">{messages.PAGE_TEXTS["track_again"]}</a>' in page, path
        back = page[page.index('action="/api/track"') :]
        back = back[: back.index("</form>")]
        assert messages.PAGE_TEXTS["check_now"] in back
        assert all(f'name="{name}" value="{value}"' in back for name, value in sent.items()), path
        assert not re.search(r'href="[^"]*' + re.escape(code), page)
        shown = client.post("/api/track", data=sent, follow_redirects=True).get_data(as_text=True)
        assert ref in shown and messages.PAGE_TEXTS["status_title"] in shown


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [("20:59", False), ("21:00", True), ("00:00", True), ("07:59", True), ("08:00", False), ("12:00", False)],
)
def test_quiet_hours_span_midnight(clock: str, quiet: bool) -> None:
    moment = at(f"2026-12-07T{clock}")
    assert outbox.quiet(moment, time(21), time(8)) is quiet
    assert outbox.quiet(moment.astimezone(UTC), time(21), time(8)) is quiet  # any zone: Beijing time counts


@pytest.mark.parametrize("batched", [False, True])
def test_a_batch_s_tries_and_results_fold_as_one_event_a_notice_each(batched: bool) -> None:
    """The worker writes a batch's tries as one event and the notices it sent as one; a log written a notice an event
    (before batches) folds to the same states."""
    box = outbox.Outbox()
    made = [outbox.notice(f"R{i}", "citizen", "sms", "replied", {"ref": f"R{i}"}, "public", None) for i in range(3)]
    assert all(box.apply(event) for event in made)
    a, b, c = (event["id"] for event in made)
    when = "2026-12-07T10:00:00+08:00"
    if batched:
        records = [
            outbox.outbox_event(outbox.ATTEMPT, "notify", when, tries={a: 1, b: 1, c: 3}),
            outbox.outbox_event(outbox.SENT, "notify", when, ids=[a, c]),
        ]
    else:
        records = [
            outbox.outbox_event(outbox.ATTEMPT, "notify", when, id=i, attempt=n) for i, n in ((a, 1), (b, 1), (c, 3))
        ]
        records += [outbox.outbox_event(outbox.SENT, "notify", when, id=i) for i in (a, c)]
    assert all(box.apply(event) for event in records)
    assert [(n.state, n.attempts, n.in_flight) for n in box.notices.values()] == [
        ("sent", 1, False),
        ("pending", 1, True),
        ("sent", 3, False),
    ]
    assert list(box.pending) == [b] and box.notices[a].sent_at == at("2026-12-07T10:00")
    assert box.sms_sent_on == {date(2026, 12, 7): [box.notices[a], box.notices[c]]}  # what the daily cap reads
    assert sorted(i for event in records for i in outbox.notice_ids(event)) == sorted([a, b, c, a, c])
    # a batch naming a notice already settled, or not a list, is refused (the others in it still fold)
    assert not box.apply(outbox.outbox_event(outbox.SENT, "notify", when, ids=[a, b]))
    assert box.notices[b].state == "sent"
    assert not box.apply(outbox.outbox_event(outbox.SENT, "notify", when, ids=a))


@pytest.mark.parametrize(("attempt", "seconds"), [(1, 60), (2, 120), (3, 240), (7, 3600), (20, 3600)])
def test_backoff_doubles_up_to_an_hour(attempt: int, seconds: int) -> None:
    assert outbox.backoff(attempt, 60).total_seconds() == seconds


def test_the_look_up_says_whether_sms_was_asked_for(tmp_path: Path) -> None:
    """The tracking page offers 退订 only for a case whose citizen asked for SMS (`notify` in the look-up), and the
    receipt says it was asked for (for the thank-you page to confirm)."""
    app = make_app(tmp_path, **SMS_ON)
    client = app.test_client()
    asked = submit(client, notify=True).json
    never = submit(client, phone="139 0013 9000", text="另一条留言，没有要求短信通知。").json
    assert (asked["notify"], "notify" in never) == (True, False)
    views = [client.post("/api/track", json={"code": r["tracking_code"]}).json for r in (asked, never)]
    assert [view["notify"] for view in views] == [True, False]
    off = make_app(tmp_path / "off").test_client()
    code = submit(off).json["tracking_code"]
    assert off.get(f"/api/submissions/{code}").json["notify"] is False


def test_sms_asked_for_on_the_receipt_without_javascript(tmp_path: Path) -> None:
    """Without JavaScript the form cannot offer SMS; the service's receipt page does, and the case then tells."""
    app = make_app(tmp_path, **SMS_ON)
    client = app.test_client()
    receipt = client.post("/api/submissions", data={**GOOD, "consent": "true"}, follow_redirects=True)
    receipt = receipt.get_data(as_text=True)
    assert 'action="/api/notify"' in receipt and messages_notify.SUBSCRIBE_TITLE in receipt
    code = re.search(r'id="tracking-code">([^<]+)<', receipt.replace("<wbr>", ""))[1]  # a break after each dash
    assert messages_notify.SMS_ASKED not in receipt
    done = client.post("/api/notify", data={"code": code})
    assert done.status_code == 200 and messages_notify.SUBSCRIBED in done.get_data(as_text=True)
    again = client.get("/api/receipt").get_data(as_text=True)  # back, or a reload: said, not offered again
    assert messages_notify.SMS_ASKED in again and 'action="/api/notify"' not in again
    client.post("/api/notify", json={"code": code})  # asked twice: one event
    ref = events(app)[0]["ref"]
    assert [e["type"] for e in events(app)] == ["submitted", "subscribed"]
    assert [shape(e) for e in assign(app, ref)][1] == ("notice", "citizen", "assigned")
    landline = submit(client, phone="010-12345678", text="固定电话留的言，不能发短信。").json["tracking_code"]
    refused = client.post("/api/notify", json={"code": landline})
    assert refused.status_code == 409 and refused.json == {"error": messages_notify.SMS_NO_MOBILE}
    off = make_app(tmp_path / "off").test_client()
    plain = off.post("/api/submissions", data={**GOOD, "consent": "true"}, follow_redirects=True)
    assert plain.status_code == 200 and "tracking-code" in plain.get_data(as_text=True)
    assert "/api/notify" not in plain.get_data(as_text=True)
    ticked = client.post(
        "/api/submissions", data={**GOOD, "consent": "true", "notify": "on", "text": "勾选了短信通知的留言。"}
    )
    ticked = client.get(ticked.headers["Location"]).get_data(as_text=True)
    assert messages_notify.SMS_ASKED in ticked and 'action="/api/notify"' not in ticked


def test_every_sms_says_how_to_look_the_case_up_without_the_code() -> None:
    """An SMS reaches the phone the citizen gave: the reference and that phone open the case, no code needed."""
    for template, text in messages_notify.SMS_TEXTS.items():
        if template == messages_notify.VERIFY_TEMPLATE:
            continue  # the 短信验证码 is about no case
        assert "编号{ref}" in text and "本手机号" in text and "查询码" not in text, template
