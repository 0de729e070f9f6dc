"""The form service's endpoints through Flask's test client, on a real queue folder under tmp_path."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from conftest import events, make_app, write_site
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from forms_api import cases, create_app, messages
from forms_api.settings import ConfigError
from forms_api.store.folder import EventLog
from forms_api.store.lines import read_events
from generator import deadlines

pytestmark = pytest.mark.usefixtures("no_forms_environment")

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "target": "deputy:cao-wenjie",
    "category": "意见",
    "text": "小区门口的路灯坏了一个多月，晚上出行很不方便。",
    "name": "李女士",
    "phone": "138 0013 8000",
    "consent": True,
}
NEW_CODE = r"[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}"  # Crockford base32, five groups of four: 100 bits
CODE_RE = re.compile(rf'id="tracking-code">({NEW_CODE})<')
REF_RE = re.compile(r'id="reference">(\d{4}-\d{6})<')


# --- helpers shared with test_security.py ----------------------------------------------------------------------------
def staff(app: Flask, code: str, event_type: str, **fields: Any) -> dict:
    """Append a staff event as the staff tools would: through the same EventLog, checked by the cases. An answer
    needs an assignment: a reply to a case nobody handles yet is preceded by the office assigning it to itself."""
    log = EventLog(Path(app.config["QUEUE_DIR"]))
    if event_type == "replied" and log.query(lambda state: state.by_code(code).assignee_kind is None):
        staff(app, code, "assigned", to_kind="department", to="代表工作机构", deadline="2026-12-31")

    def decide(state: cases.State) -> dict:
        sub = state.by_code(code)
        cases.check(sub, event_type)
        assert sub is not None
        return cases.make_event(event_type, sub.ref, "王科员", **fields)

    return log.append(decide)[0]


# --- fixtures ---------------------------------------------------------------------------------------------------------
def submit(client: FlaskClient, **changes: Any) -> Any:
    body = {k: v for k, v in {**GOOD, **changes}.items() if v is not ...}  # ... drops a field
    return client.post("/api/submissions", data=json.dumps(body), content_type="application/json")


def form_receipt(client: FlaskClient, form: dict[str, Any]) -> str:
    """A plain form post of a message, answered POST/redirect/GET: the receipt page it is sent on to."""
    response = client.post("/api/submissions", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == "/api/receipt"
    page = client.get("/api/receipt")
    assert page.status_code == 200 and page.mimetype == "text/html"
    return page.get_data(as_text=True).replace("<wbr>", "")  # the code's line breaks, after each dash


def submitted(client: FlaskClient, **changes: Any) -> str:
    response = submit(client, **changes)
    assert response.status_code == 201, response.json
    return response.json["tracking_code"]


# --- submitting ----------------------------------------------------------------------------------------------------
def test_submit_json(app: Flask, client: FlaskClient) -> None:
    response = submit(client, text="  路灯坏了一个多月。\r\n请尽快修好。  ", anonymous=True)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    body = response.json
    assert set(body) == {"tracking_code", "reference", "status"}
    assert re.fullmatch(NEW_CODE, body["tracking_code"])
    assert re.fullmatch(r"\d{4}-000001", body["reference"])
    assert body["status"] == "submitted"
    [event] = events(app)
    assert event["type"] == "submitted"
    assert event["by"] == cases.CITIZEN
    assert (event["code"], event["ref"]) == (body["tracking_code"], body["reference"])
    assert event["text"] == "路灯坏了一个多月。\n请尽快修好。"
    assert event["phone"] == "13800138000"
    assert (event["name"], event["anonymous"], event["complex"]) == ("李女士", True, False)
    assert cases.parse_at(event["at"]).tzinfo is not None
    queue = Path(app.config["QUEUE_DIR"])
    assert (queue / "events.jsonl").stat().st_mode & 0o777 == 0o600


def test_submit_form_without_javascript(app: Flask, client: FlaskClient) -> None:
    form = {**GOOD, "consent": "on", "name": "", "website": ""}
    page = form_receipt(client, form)
    code, ref = CODE_RE.search(page)[1], REF_RE.search(page)[1]
    [event] = events(app)
    assert (event["code"], event["ref"], event["name"]) == (code, ref, None)
    assert messages.PAGE_TEXTS["receipt_title"] in page
    assert '<a href="/track/">' in page
    assert '<form method="post" action="/api/track">' in page
    assert f'name="code" value="{code}"' in page


def test_the_receipt_without_javascript_says_to_whom_and_when(client: FlaskClient) -> None:
    """As /thanks/ does: the deputy or station the message went to, and when an answer comes, in the site's words with
    the rules' numbers (tests/test_deadlines.py)."""
    page = form_receipt(client, {**GOOD, "consent": "true"})
    assert '<dd id="receipt-target">曹文杰（代表）</dd>' in page
    said = "留言一般在 5 个工作日内交办，交办后 5 个工作日内答复；情况复杂的，交办和答复各在 10 个工作日内。"
    assert f'<p id="receipt-deadline">{said}</p>' in page and said == deadlines.promise()
    page = form_receipt(client, {**GOOD, "consent": "true", "target": "station:dongxi-zhan"})
    assert '<dd id="receipt-target">东溪代表联络站（联络站）</dd>' in page


def test_form_links_use_site_url(tmp_path: Path) -> None:
    client = make_app(tmp_path, SITE_URL="https://daibiao.example.org").test_client()
    page = form_receipt(client, {**GOOD, "consent": "true"})
    assert '<a href="https://daibiao.example.org/track/">' in page


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("010-12345678", "01012345678"),
        ("0755 1234567", "07551234567"),
        ("(0571) 8765 4321", "057187654321"),
    ],
)
def test_phone_normalised(app: Flask, client: FlaskClient, value: str, stored: str) -> None:
    submitted(client, phone=value)
    assert events(app)[0]["phone"] == stored


TOO_LONG_TEXT = "长" * 2001
TOO_LONG_ERROR = "留言内容太长：最多 2000 个字，现在是 2001 个字，请删去 1 个字后再提交。"
INVALID = [
    # (field changes, field, exact message)
    ({"target": ...}, "target", "请选择留言对象。"),
    ({"target": "  "}, "target", "请选择留言对象。"),
    ({"target": "deputy:nobody"}, "target", "找不到这位代表或这个联络站，请从代表或联络站的页面留言。"),
    ({"target": "deputy:../cao-wenjie"}, "target", "找不到这位代表或这个联络站，请从代表或联络站的页面留言。"),
    ({"target": "mayor:cao-wenjie"}, "target", "找不到这位代表或这个联络站，请从代表或联络站的页面留言。"),
    ({"target": "deputy:li-former"}, "target", "这位代表已离任，不再接收留言，请向所在地的代表联络站留言。"),
    ({"target": 7}, "target", "留言对象格式不正确。"),
    ({"category": ...}, "category", "请选择留言类别。"),
    ({"category": "投诉"}, "category", "请从以下类别中选择：意见、建议、求助、其他。"),
    ({"category": ["意见"]}, "category", "留言类别格式不正确。"),
    ({"text": ...}, "text", "请填写留言内容。"),
    ({"text": " \n "}, "text", "请填写留言内容。"),
    ({"text": "  路灯坏  "}, "text", "留言内容太短，请至少写 5 个字。"),
    ({"text": TOO_LONG_TEXT}, "text", TOO_LONG_ERROR),
    ({"text": "长" * 1999 + "\r\n长"}, "text", TOO_LONG_ERROR),
    ({"text": "\u200b" * 6}, "text", "留言内容太短，请至少写 5 个字。"),  # only invisible characters
    ({"text": "\ufeff路\u200b灯\u2060 坏 了\u200d"}, "text", "留言内容太短，请至少写 5 个字。"),
    ({"text": "路灯坏了\x00一个月"}, "text", "留言内容含有无法识别的字符（如控制字符），请删除后重试。"),
    ({"text": "路灯坏了\x1b[31m一个月"}, "text", "留言内容含有无法识别的字符（如控制字符），请删除后重试。"),
    ({"text": "路灯坏了\u202e一个月"}, "text", "留言内容含有无法识别的字符（如控制字符），请删除后重试。"),
    ({"text": "路灯坏了\ud800一个月"}, "text", "留言内容含有无法识别的字符（如控制字符），请删除后重试。"),
    ({"name": "名" * 41}, "name", "姓名不能超过 40 个字。"),
    ({"name": "李\x07"}, "name", "姓名含有无法识别的字符（如控制字符），请删除后重试。"),
    ({"name": 1}, "name", "姓名格式不正确。"),
    ({"phone": ...}, "phone", "请留下手机号码或固定电话，以便答复您。"),
    ({"phone": ""}, "phone", "请留下手机号码或固定电话，以便答复您。"),
    ({"phone": "12345"}, "phone", "电话号码格式不正确：手机号码是 11 位数字，固定电话请带区号，如 010-12345678。"),
    (
        {"phone": "12800138000"},
        "phone",
        "电话号码格式不正确：手机号码是 11 位数字，固定电话请带区号，如 010-12345678。",
    ),
    ({"phone": "1380013800"}, "phone", "电话号码格式不正确：手机号码是 11 位数字，固定电话请带区号，如 010-12345678。"),
    ({"phone": "12345678"}, "phone", "电话号码格式不正确：手机号码是 11 位数字，固定电话请带区号，如 010-12345678。"),
    ({"phone": 13800138000}, "phone", "联系电话格式不正确。"),
    ({"consent": ...}, "consent", "请阅读并同意隐私说明后再提交。"),
    ({"consent": False}, "consent", "请阅读并同意隐私说明后再提交。"),
    ({"consent": "true"}, "consent", "同意隐私说明格式不正确。"),
    ({"anonymous": "yes"}, "anonymous", "匿名格式不正确。"),
    ({"anonymous": None}, "anonymous", "匿名格式不正确。"),
    ({"website": {}}, "website", "网址格式不正确。"),
    ({"email": "li@example.org"}, "email", "不支持这一项，请使用网页上的表单提交。"),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), INVALID, ids=[f"{f}-{i}" for i, (_, f, _) in enumerate(INVALID)]
)
def test_invalid_field(app: Flask, client: FlaskClient, changes: dict, field: str, message: str) -> None:
    response = submit(client, **changes)
    assert response.status_code == 400
    assert response.json == {"errors": {field: message}}
    assert events(app) == []


def test_every_invalid_field_named_at_once(client: FlaskClient) -> None:
    response = client.post("/api/submissions", json={"consent": False, "extra": 1})
    assert response.status_code == 400
    assert list(response.json["errors"]) == ["target", "category", "text", "phone", "consent", "extra"]


def test_invalid_form_gets_a_chinese_page(app: Flask, client: FlaskClient) -> None:
    form = {**GOOD, "phone": "123", "consent": "off", "target": "deputy:cao-wenjie"}
    response = client.post("/api/submissions", data=form)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<strong>联系电话</strong>：电话号码格式不正确" in page
    assert "<strong>同意隐私说明</strong>：请阅读并同意隐私说明后再提交。" in page
    assert messages.PAGE_TEXTS["back_hint"] in page
    assert events(app) == []


def test_form_line_breaks_count_once(app: Flask, client: FlaskClient) -> None:
    # Without JavaScript a browser sends a textarea's line breaks as CR LF; its maxlength counted each as one.
    text = ("路灯坏了" * 12 + "一\r\n") * 40  # 2000 characters with LF, 2040 as sent
    response = client.post("/api/submissions", data={**GOOD, "consent": "on", "text": text})
    assert response.status_code == 303
    assert events(app)[0]["text"] == text.replace("\r\n", "\n").strip()


@pytest.mark.parametrize(
    "text",
    [
        "路\u200b灯\u200b坏了吗",  # five visible characters, format characters between them
        "路灯坏了\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # a flag ends in Cf
    ],
)
def test_invisible_characters_are_kept_but_not_counted(app: Flask, client: FlaskClient, text: str) -> None:
    assert submit(client, text=text).status_code == 201
    assert events(app)[0]["text"] == text


@pytest.mark.parametrize("value", ["on", "true", "1", "ON"])
def test_form_checkbox_values(app: Flask, client: FlaskClient, value: str) -> None:
    response = client.post("/api/submissions", data={**GOOD, "consent": value, "anonymous": value})
    assert response.status_code == 303
    assert events(app)[0]["anonymous"] is True


def test_form_field_twice(client: FlaskClient) -> None:
    response = client.post(
        "/api/submissions", data=MultiDict([*GOOD.items(), ("consent", "on"), ("phone", "13900139000")])
    )
    assert response.status_code == 400
    assert "联系电话只能填写一次。" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[]", b'"text"', b'{"target": "a", "target": "b"}', b"[" * 5000, b'{"text": 1' + b"0" * 5000 + b"}"],
    ids=["empty", "broken", "array", "string", "duplicate-key", "deep", "huge-int"],
)
def test_body_not_a_json_object(client: FlaskClient, body: bytes) -> None:
    response = client.post("/api/submissions", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json == {"errors": {"body": "提交的内容无法识别，请刷新页面后重试。"}}


@pytest.mark.parametrize(
    "text",
    [b"%FF%FE", b"%E5%B0", b"%C0%AF", b"%ED%A0%80", "路灯坏了".encode("gbk"), b"ok%E4%BDend"],
    ids=["not-utf8", "cut-short", "overlong", "surrogate", "raw-gbk", "cut-inside"],
)
def test_form_body_with_invalid_utf8_is_refused_as_json_is(app: Flask, client: FlaskClient, text: bytes) -> None:
    """Werkzeug reads such bytes as U+FFFD: the message would be stored changed, while a JSON body gets a 400."""
    fields = b"&".join(f"{k}={v}".encode() for k, v in GOOD.items() if k not in ("text", "consent"))
    body = fields + b"&consent=on&text=" + text + "小区门口的路灯坏了很久。".encode()
    response = client.post("/api/submissions", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "提交的内容无法识别，请刷新页面后重试。" in response.get_data(as_text=True)
    as_json = client.post("/api/submissions", data=b'{"text": "\xff"}', content_type="application/json")
    assert as_json.status_code == 400 and as_json.json == {"errors": {"body": "提交的内容无法识别，请刷新页面后重试。"}}
    assert events(app) == []


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", None])
def test_unsupported_media_type(app: Flask, client: FlaskClient, content_type: str | None) -> None:
    response = client.post("/api/submissions", data=json.dumps(GOOD), content_type=content_type)
    assert response.status_code == 415
    assert response.json == {"error": "不支持这种提交格式，请使用网页上的表单提交。"}
    assert events(app) == []


# --- honeypot and duplicates -----------------------------------------------------------------------------------------
def test_honeypot_looks_accepted_and_stores_nothing(app: Flask, client: FlaskClient) -> None:
    real = submit(client, text="第一条真实的留言内容").json
    fake = submit(client, website="http://spam.example").json
    json_response = submit(client, website="http://spam.example")
    assert json_response.status_code == 201
    assert set(fake) == set(real)
    assert re.fullmatch(NEW_CODE, fake["tracking_code"])
    assert re.fullmatch(r"\d{4}-\d{6}", fake["reference"])
    assert fake["status"] == "submitted"
    assert CODE_RE.search(form_receipt(client, {**GOOD, "consent": "on", "website": "x"}))
    assert [e["code"] for e in events(app)] == [real["tracking_code"]]
    assert client.get(f"/api/submissions/{fake['tracking_code']}").status_code == 404


def test_concurrent_submissions_each_stored_once(tmp_path: Path) -> None:
    """Threads posting at once share the queue's writes and fsyncs (group commit): every 201 is in the log, once, with
    the code and reference it answered, the references gapless; a repeated text still gets 200, and no code."""
    app = make_app(tmp_path, QUEUE_FSYNC=True)
    results: dict[int, list[tuple[int, dict]]] = {}

    def post(worker: int) -> None:
        client = app.test_client()
        answers = []
        for n in range(10):
            response = submit(client, text=f"第 {worker} 位市民的第 {n} 条留言：路灯坏了。")
            answers.append((response.status_code, response.json))
        repeat = submit(client, text=f"第 {worker} 位市民的第 9 条留言：路灯坏了。")
        answers.append((repeat.status_code, repeat.json))
        results[worker] = answers

    threads = [threading.Thread(target=post, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    created = [body for answers in results.values() for status, body in answers[:10] if status == 201]
    assert len(created) == 80
    for answers in results.values():
        assert answers[10] == (200, REPEAT)  # the repeat: received, without the first copy's code or reference
    stored = {event["code"]: event["ref"] for event in events(app) if event["type"] == "submitted"}
    assert {body["tracking_code"]: body["reference"] for body in created} == stored
    year = created[0]["reference"][:4]
    assert sorted(stored.values()) == [f"{year}-{n:06d}" for n in range(1, 81)]


def test_site_data_appearing_is_seen_at_once(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    shutil.rmtree(tmp_path / "site")
    app.extensions["forms_api"].targets.clock = lambda: 1000.0  # no time passes: the files are still looked for
    client = app.test_client()
    assert submit(client).status_code == 503
    write_site(tmp_path / "site")
    assert submit(client).status_code == 201


REPEAT = {"duplicate": True, "message": messages.PAGE_TEXTS["duplicate_lead"]}


def test_same_text_same_target_is_received_once_and_its_code_never_given_again(app: Flask, client: FlaskClient) -> None:
    """Whoever knows a phone number and the text must not get the first code (nor the reference, which with the
    phone number finds the case): a repeat is told it was received, and nothing more."""
    first = submit(client)
    again = submit(client, text=GOOD["text"] + "  ", name="李")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == REPEAT
    page = form_receipt(client, {**GOOD, "consent": "on"})  # the same form sent again
    assert messages.PAGE_TEXTS["duplicate_lead"] in page
    assert CODE_RE.search(page) is None
    for secret in first.json["tracking_code"], first.json["reference"]:
        assert secret not in again.get_data(as_text=True) and secret not in page
    assert len(events(app)) == 1


def test_a_retry_of_the_same_request_gets_its_first_answer_again(app: Flask, client: FlaskClient) -> None:
    """The page's script sends one random key with every try of a form: when the first answer was lost on the
    network, the retry gets the same code and reference; the key is kept only as its hash."""
    key = "k3y-Of_the-page-0123456789"
    first = submit(client, request_id=key)
    retry = submit(client, request_id=key)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json == first.json
    other_page = submit(client, request_id="another-page-key-0123456789")  # same text and phone, not the same request
    assert (other_page.status_code, other_page.json) == (200, REPEAT)
    no_key = submit(client)
    assert (no_key.status_code, no_key.json) == (200, REPEAT)
    stored = events(app)
    assert len(stored) == 1
    assert stored[0]["request"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (Path(app.config["QUEUE_DIR"]) / "events.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", ["short", "has spaces in it 0123456789", "中文的提交编号0123456789", "x" * 65])
def test_a_bad_request_key_is_refused(client: FlaskClient, key: str) -> None:
    response = submit(client, request_id=key)
    assert response.status_code == 400
    assert response.json["errors"] == {"request_id": "提交编号无法识别，请刷新页面后重新提交。"}


@pytest.mark.parametrize(
    "changes", [{"target": "station:dongxi-zhan"}, {"text": "另一件事：小区垃圾没人清运。"}, {"phone": "13900139000"}]
)
def test_different_submission_is_new(app: Flask, client: FlaskClient, changes: dict) -> None:
    first = submit(client)
    other = submit(client, **changes)
    assert other.status_code == 201
    assert other.json["tracking_code"] != first.json["tracking_code"]
    assert len(events(app)) == 2


def test_same_text_after_the_window_is_new(app: Flask, client: FlaskClient) -> None:
    old = cases.now() - timedelta(seconds=601)
    log = EventLog(Path(app.config["QUEUE_DIR"]))
    log.append(
        lambda state: cases.make_event(
            "submitted",
            state.next_ref(old.year),
            cases.CITIZEN,
            old,
            code=cases.new_code(),
            target=GOOD["target"],
            category="意见",
            text=GOOD["text"],
            phone="13800138000",
            anonymous=False,
        )
    )
    assert submit(client).status_code == 201
    assert len(events(app)) == 2


def test_duplicate_window_zero_turns_it_off(tmp_path: Path) -> None:
    client = make_app(tmp_path, DUPLICATE_WINDOW_SECONDS=0).test_client()
    assert [submit(client).status_code for _ in range(2)] == [201, 201]


# --- looking up, answers, ratings -------------------------------------------------------------------------------------
def lookups(client: FlaskClient, code: str) -> list[Any]:
    """The same look-up by both routes: path and body."""
    return [client.get(f"/api/submissions/{code}"), client.post("/api/track", json={"code": code})]


def test_lookup_shows_status_never_personal_data(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    for response in lookups(client, code):
        assert response.status_code == 200
        view = response.json
        assert (view["status"], view["status_label"], view["answer"], view["can_rate"]) == (
            "submitted",
            "待受理",
            None,
            False,
        )
        assert (view["category"], view["target"]) == ("意见", "deputy:cao-wenjie")
        text = response.get_data(as_text=True)
        for secret in ("李女士", "13800138000", "138 0013 8000", GOOD["text"], code):
            assert secret not in text


def test_lookup_shows_the_answer_after_a_staff_reply(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    staff(app, code, "assigned", to_kind="department", to="区市政局", deadline="2026-12-05")
    staff(app, code, "replied", answer="路灯已于本周修复。<b>谢谢</b>")
    path_view, body_view = (r.json for r in lookups(client, code))
    assert path_view == body_view
    assert path_view["status"] == "replied"
    assert path_view["answer"] == "路灯已于本周修复。<b>谢谢</b>"
    assert path_view["handled_by"] == {"kind": "department", "kind_label": "职能部门", "name": "区市政局"}
    assert path_view["can_rate"] is True
    assert [step["type"] for step in path_view["timeline"]] == ["submitted", "assigned", "replied"]


def test_track_form_shows_answer_and_rating_form(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    staff(app, code, "replied", answer="路灯已修复。")
    response = client.post("/api/track", data={"code": code}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "路灯已修复。" in page
    assert "曹文杰（代表）" in page
    assert '<form method="post" action="/api/rating"' in page
    assert page.count('type="radio" name="rating"') == 3
    assert 'value="不满意" required> 不满意（将重新办理）</label>' in page  # as the JS page says
    assert 'value="满意" required> 满意</label>' in page


def test_long_answer_words_wrap(app: Flask, client: FlaskClient) -> None:
    # A long URL in an answer must break rather than widen the page beyond a phone's 390px.
    code = submitted(client)
    staff(app, code, "replied", answer="详见 https://example.org/" + "a" * 300)
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    assert '<dd class="answer">' in page
    assert re.search(r"\.answer \{[^}]*overflow-wrap: anywhere;", page)


@pytest.mark.parametrize("told", sorted(messages.CLOSED_TOLD))
def test_a_case_closed_without_answer_tells_the_citizen_why_not_the_staff_reason(
    app: Flask, client: FlaskClient, told: str
) -> None:
    code = submitted(client)
    staff(app, code, "closed", reason="内部：重复留言，已并案", told=told)
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    note = messages.CLOSED_TOLD[told]
    assert f"<dd>{messages.PAGE_TEXTS['closed_told'].format(told=note)}</dd>" in page and "并案" not in page
    view = client.post("/api/track", json={"code": code}).json
    assert view["closed_note"] == note and view["answer"] is None and "并案" not in str(view)
    staff(app, code, "reopened", reason="群众来电")  # reopened: no longer closed, no note
    assert client.post("/api/track", json={"code": code}).json["closed_note"] is None


def test_track_form_closed_without_answer(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    staff(app, code, "closed")
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    assert f"<dd>{messages.PAGE_TEXTS['closed_without_answer']}</dd>" in page
    assert messages.PAGE_TEXTS["no_answer_yet"] not in page
    assert client.post("/api/track", json={"code": code}).json["answer"] is None  # what the site's page goes by


def test_track_shows_the_deadline_before_assignment(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    due = cases.deadline_for(cases.now().date())
    assert client.post("/api/track", json={"code": code}).json["deadline"] == due.isoformat()
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    shown = messages.DATE_FORMAT.format(year=due.year, month=due.month, day=due.day)
    assert f"<dt>{messages.PAGE_TEXTS['assign_by']}</dt><dd>{shown}</dd>" in page  # the office's, to hand it on by


def test_track_deadline_counts_the_holidays_file(tmp_path: Path) -> None:
    """FORMS_HOLIDAYS, as the staff tools read it: the next week's working days off, and the Saturday worked."""
    today = cases.now().date()
    week = [today + timedelta(days=n) for n in range(1, 8)]
    holidays = [day for day in week if day.weekday() < 5]
    saturday = next(day for day in week if day.weekday() == 5)
    calendar = tmp_path / "holidays.yaml"
    lines = ["holidays:", *(f"  - '{day}'" for day in holidays), "workdays:", f"  - '{saturday}'"]
    calendar.write_text("\n".join(lines) + "\n", encoding="utf-8")
    client = make_app(tmp_path, HOLIDAYS=str(calendar)).test_client()
    code = submitted(client)
    due = cases.deadline_for(today, holidays=frozenset(holidays), workdays=frozenset({saturday}))
    # four working days lost (five off, one Saturday worked), whatever weekday today is
    assert due >= cases.deadline_for(today) + timedelta(days=4)
    assert client.post("/api/track", json={"code": code}).json["deadline"] == due.isoformat()


def test_a_bad_holidays_file_stops_the_service_at_start(tmp_path: Path) -> None:
    calendar = tmp_path / "holidays.yaml"
    calendar.write_text("holidays: ['2026-13-01']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config\['HOLIDAYS'\]: .*holidays.yaml is no holidays file: .*2026-13-01"):
        make_app(tmp_path, HOLIDAYS=str(calendar))
    with pytest.raises(ConfigError, match=r"cannot read the holidays file"):
        make_app(tmp_path, HOLIDAYS=str(tmp_path / "missing.yaml"))


def test_track_form_hotline_without_its_number(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    staff(app, code, "assigned", to_kind="hotline", to=messages.STAFF_HOTLINE_NUMBER, deadline="2026-12-05")
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    assert "<dd>12345热线</dd>" in page


def rate(client: FlaskClient, code: str, rating: str, *, by_body: bool, **extra: Any) -> Any:
    if by_body:
        return client.post("/api/rating", json={"code": code, "rating": rating, **extra})
    return client.post(f"/api/submissions/{code}/rating", json={"rating": rating, **extra})


@pytest.mark.parametrize("by_body", [False, True], ids=["path", "body"])
def test_rating_flow(app: Flask, client: FlaskClient, by_body: bool) -> None:
    code = submitted(client)
    early = rate(client, code, "满意", by_body=by_body)
    assert (early.status_code, early.json) == (409, {"error": "该留言尚未答复，暂不能评价。"})
    staff(app, code, "replied", answer="已修复。")
    response = rate(client, code, "满意", by_body=by_body, comment="很快，谢谢。")
    assert response.status_code == 200
    assert (response.json["rating"], response.json["can_rate"]) == ("满意", False)
    assert "很快，谢谢。" not in response.get_data(as_text=True)  # the comment is not public
    twice = rate(client, code, "不满意", by_body=by_body)
    assert (twice.status_code, twice.json) == (409, {"error": "该答复已评价过，不能重复评价。"})
    rated = [e for e in events(app) if e["type"] == "rated"]
    assert [(e["rating"], e["comment"], e["by"]) for e in rated] == [("满意", "很快，谢谢。", cases.CITIZEN)]


def test_unsatisfied_reopens_until_a_new_answer(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    staff(app, code, "replied", answer="已转交相关部门。")
    response = rate(client, code, "不满意", by_body=True, comment="没有解决")
    assert response.status_code == 200
    assert (response.json["status"], response.json["can_rate"]) == ("reopened", False)
    refused = rate(client, code, "满意", by_body=True)
    assert (refused.status_code, refused.json) == (409, {"error": "该留言正在重新办理，请在收到新的答复后再评价。"})
    staff(app, code, "replied", answer="路灯已修复。")
    assert rate(client, code, "基本满意", by_body=False).json["rating"] == "基本满意"


def test_rating_form_without_javascript(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    staff(app, code, "replied", answer="已修复。")
    response = client.post("/api/rating", data={"code": code, "rating": "不满意", "comment": ""}, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert messages.PAGE_TEXTS["rated_reopened"] in page
    assert 'name="rating"' not in page


def test_a_second_unsatisfied_says_it_goes_to_supervision_not_reopening(app: Flask, client: FlaskClient) -> None:
    """The second answer's 不满意 puts the case under 督办 (MAX_REOPENS rules in the fold): the choice and the thanks
    say so, without JavaScript and in the JSON the /track/ page's script reads."""
    code = submitted(client)
    staff(app, code, "replied", answer="已转交相关部门。")
    assert client.post("/api/track", json={"code": code}).json["unsatisfied_reopens"] is True
    assert rate(client, code, "不满意", by_body=True).json["status"] == "reopened"
    staff(app, code, "replied", answer="路灯已修复。")
    assert client.post("/api/track", json={"code": code}).json["unsatisfied_reopens"] is False
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    texts = messages.PAGE_TEXTS
    assert f'value="不满意" required> 不满意{texts["supervises"]}</label>' in page and texts["reopens"] not in page
    response = client.post("/api/rating", data={"code": code, "rating": "不满意", "comment": ""}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert texts["rated_supervised"] in page and texts["rated_thanks"] + "<" not in page
    view = client.post("/api/track", json={"code": code}).json
    assert (view["status"], view["supervised"], view["rating"]) == ("replied", True, "不满意")


def test_a_case_under_supervision_says_so_in_its_status_with_the_day(app: Flask, client: FlaskClient) -> None:
    """After the second 不满意 the status is 督办中 with when, not 已答复: in the JSON the /track/ page shows as it
    comes, and on the page without JavaScript; once the office reopens it (its next step) it says so, the day kept."""
    code = submitted(client)
    staff(app, code, "replied", answer="已转交相关部门。")
    rate(client, code, "不满意", by_body=True)
    staff(app, code, "replied", answer="路灯已修复。")
    before = client.post("/api/track", json={"code": code}).json
    assert (before["status_label"], before["supervised_at"]) == ("已答复", None)
    rate(client, code, "不满意", by_body=True)
    view = client.post("/api/track", json={"code": code}).json
    rated_at = [e["at"] for e in events(app) if e["type"] == "rated"][-1]
    assert (view["status_label"], view["supervised_at"]) == (messages.SUPERVISED_STATUS, rated_at)
    page = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    texts = messages.PAGE_TEXTS
    assert f"<dd>{messages.SUPERVISED_STATUS}</dd>" in page and texts["supervised_hint"] in page
    assert f"<dt>{texts['supervised_at']}</dt><dd>{rated_at[:4]}年" in page
    staff(app, code, "reopened", reason="督办")
    again = client.post("/api/track", json={"code": code}).json
    assert (again["status_label"], again["supervised_at"]) == (messages.STATUS_LABELS["reopened"], rated_at)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"rating": "很好"}, {"rating": "请选择评价：满意、基本满意或不满意。"}),
        ({}, {"rating": "请选择评价：满意、基本满意或不满意。"}),
        ({"rating": "满意", "comment": "评" * 501}, {"comment": "评价意见不能超过 500 个字。"}),
        ({"rating": "满意", "comment": "评" * 499 + "\r\n\r\n"}, {"comment": "评价意见不能超过 500 个字。"}),
        (
            {"rating": "满意", "comment": "好\x00"},
            {"comment": "评价意见含有无法识别的字符（如控制字符），请删除后重试。"},
        ),
        ({"rating": "满意", "stars": 5}, {"stars": "不支持这一项，请使用网页上的表单提交。"}),
    ],
)
def test_invalid_rating(app: Flask, client: FlaskClient, body: dict, errors: dict) -> None:
    code = submitted(client)
    staff(app, code, "replied", answer="已修复。")
    response = client.post(f"/api/submissions/{code}/rating", json=body)
    assert (response.status_code, response.json) == (400, {"errors": errors})
    by_body = client.post("/api/rating", json={"code": code, **body})
    assert (by_body.status_code, by_body.json) == (400, {"errors": errors})


def test_rating_comment_line_breaks_count_once(app: Flask, client: FlaskClient) -> None:
    code = submitted(client)
    staff(app, code, "replied", answer="已修复。")
    comment = "评" * 498 + "\r\n评"  # 500 characters as the form's maxlength counts them
    response = client.post(
        "/api/rating", data={"code": code, "rating": "满意", "comment": comment}, follow_redirects=True
    )
    assert response.status_code == 200
    assert events(app)[-1]["comment"] == comment.replace("\r\n", "\n")


def test_rating_without_code(client: FlaskClient) -> None:
    response = client.post("/api/rating", json={"rating": "满意"})
    assert (response.status_code, response.json) == (400, {"errors": {"code": messages.FIELD_ERRORS["code_missing"]}})


WRONG_CODES = [
    "n3Zb0Xh2cQe8V1sYk5TqLwA9fJ4uGmRp",  # the right shape
    "short",
    "a" * 300,
    "%E4%B8%AD%E6%96%87",
    "..",
    "a%2Fb",
    "x%00y",
]


@pytest.mark.parametrize("code", WRONG_CODES)
def test_unknown_code_is_one_404(client: FlaskClient, code: str) -> None:
    submitted(client)
    expected = {"error": "没有找到对应的留言。请检查查询码，或者留言编号和电话号码是否完整、正确。"}
    answers = [
        client.get(f"/api/submissions/{code}"),
        client.post(f"/api/submissions/{code}/rating", json={"rating": "满意"}),
        client.post("/api/track", json={"code": code}),
        client.post("/api/rating", json={"code": code, "rating": "满意"}),
    ]
    if code not in {"..", "a%2Fb"}:  # these two are not a single path segment: only the body routes see them
        assert [(r.status_code, r.json) for r in answers] == [(404, expected)] * 4
    else:
        assert [(r.status_code, r.json) for r in answers[2:]] == [(404, expected)] * 2


# --- health and failures ----------------------------------------------------------------------------------------------
def test_health(client: FlaskClient) -> None:
    response = client.get("/api/health")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_queue_folder_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    client = make_app(tmp_path, QUEUE_DIR=blocker / "queue").test_client()
    assert (client.get("/api/health").status_code, client.get("/api/health").json) == (503, {"status": "degraded"})
    response = submit(client)
    assert (response.status_code, response.json) == (503, {"error": messages.QUEUE_UNAVAILABLE})
    assert client.get("/api/submissions/n3Zb0Xh2cQe8V1sYk5TqLwA9fJ4uGmRp").status_code == 503
    blocker.unlink()  # the folder can be made now: the service recovers without a restart
    assert submit(client).status_code == 201
    assert client.get("/api/health").status_code == 200


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs: ENOSPC from the kernel, not from a mock."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({result.stderr.strip() or result.returncode}): needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_gives_503_and_recovers(tmp_path: Path, small_disk: Path) -> None:
    app = make_app(tmp_path, QUEUE_DIR=small_disk / "queue")
    client = app.test_client()
    assert submit(client, text="写满之前的一条留言").status_code == 201
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as handle:  # unbuffered: nothing left to flush on close
        with pytest.raises(OSError, match="No space left"):
            while True:
                handle.write(b"x" * 4096)
    long_text = "长" * 2000  # 6 KB: more than the free part of the log's last page
    response = submit(client, text=long_text)
    assert (response.status_code, response.json) == (503, {"error": messages.QUEUE_UNAVAILABLE})
    assert client.get("/api/health").status_code == 503
    log_bytes = (small_disk / "queue" / "events.jsonl").read_bytes()
    assert log_bytes.endswith(b"\n") and log_bytes.count(b"\n") == 1
    filler.unlink()
    assert submit(client, text=long_text).status_code == 201
    assert client.get("/api/health").status_code == 200
    assert [e["text"] for e in events(app)] == ["写满之前的一条留言", long_text]


def test_site_data_missing_is_503(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    shutil.rmtree(tmp_path / "site")
    client = app.test_client()
    response = submit(client)
    assert response.status_code == 503
    assert response.json == {"error": "系统暂时无法核对留言对象，请稍后再试。您的留言尚未提交成功。"}
    assert client.get("/api/health").json == {"status": "degraded"}


def test_site_data_reloaded_when_changed(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    targets = app.extensions["forms_api"].targets
    clock = [1000.0]
    targets.clock = lambda: clock[0]
    client = app.test_client()
    assert submit(client, target="deputy:new-deputy").status_code == 400
    deputies = tmp_path / "site" / "data" / "deputies.json"
    data = json.loads(deputies.read_text(encoding="utf-8"))
    data["deputies"].append({"id": "new-deputy", "name": "新代表", "current": True})
    deputies.write_text(json.dumps(data), encoding="utf-8")
    stat = deputies.stat()
    os.utime(deputies, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    clock[0] += targets.recheck_seconds / 2
    assert submit(client, target="deputy:new-deputy").status_code == 400  # the files are looked at once a second
    clock[0] += targets.recheck_seconds / 2
    assert submit(client, target="deputy:new-deputy").status_code == 201


def test_categories_are_the_sites_own(tmp_path: Path) -> None:
    """The form offers mkdocs.yml's categories, published as data/form.json; the service accepts exactly those, says
    so in its OpenAPI document, and notices a rebuilt site's new list."""
    app = make_app(tmp_path)
    client = app.test_client()
    form = tmp_path / "site" / "data" / "form.json"
    form.write_text(json.dumps({"categories": ["意见", "投诉"]}, ensure_ascii=False), encoding="utf-8")
    assert submit(client, category="投诉").status_code == 201
    refused = submit(client, category="求助", text="另一条留言：路口的红绿灯坏了。")
    assert refused.status_code == 400
    assert refused.json["errors"] == {"category": "请从以下类别中选择：意见、投诉。"}
    schema = client.get("/api/openapi.json").json["components"]["schemas"]["Submission"]
    assert schema["properties"]["category"]["enum"] == ["意见", "投诉"]
    form.unlink()
    app.extensions["forms_api"].targets.clock = lambda: 1e12  # look at the files again now
    assert submit(client, text="第三条留言：公交站台的顶棚漏雨。").status_code == 503
    assert client.get("/api/health").json == {"status": "degraded"}


def test_the_retired_categories_variable_says_where_categories_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("FORMS_CATEGORIES", "意见,建议")
    make_app(tmp_path)
    assert "CATEGORIES" not in make_app(tmp_path).config
    assert [r.getMessage() for r in caplog.records if "CATEGORIES" in r.getMessage()][0] == (
        "ignoring FORMS_CATEGORIES: the categories are the site's (extra.categories in mkdocs.yml, published as "
        "data/form.json)"
    )


def test_a_setting_without_its_prefix_is_named_with_the_right_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """NOTIFY_SMS=log (no FORMS_) is read by nothing: the start says so in Chinese, once a name, never the value; not
    for a name other programs use too (SECRET_KEY), nor for one whose FORMS_ form is set as well."""
    monkeypatch.setenv("NOTIFY_SMS", "log")
    monkeypatch.setenv("SMS_ACCESS_KEY_SECRET", "an-unprefixed-secret-that-must-stay-out-of-logs")
    monkeypatch.setenv("SECRET_KEY", "another-program-s-secret")  # a common name: not ours to warn about
    monkeypatch.setenv("STAFF_TOTP", "off")
    monkeypatch.setenv("FORMS_STAFF_TOTP", "off")  # set as it should be too: nothing said
    monkeypatch.setenv("PATH_TO_NOWHERE", "/x")  # not one of ours: nothing said
    caplog.set_level("WARNING", logger="forms_api")
    app = make_app(tmp_path)
    assert app.config["NOTIFY_SMS"] == ""  # still the default: nothing reads it
    said = [r.getMessage() for r in caplog.records if "不起作用" in r.getMessage()]
    assert said == [
        messages.UNPREFIXED_SETTING.format(name=name, right=f"FORMS_{name}")
        for name in ("NOTIFY_SMS", "SMS_ACCESS_KEY_SECRET")
    ]
    assert "请改名为 FORMS_NOTIFY_SMS" in said[0]
    assert not any("secret" in r.getMessage() or "PATH_TO" in r.getMessage() for r in caplog.records)


# --- configuration ----------------------------------------------------------------------------------------------------
def test_environment_then_mapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMS_QUEUE_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("FORMS_ALLOWED_ORIGINS", "https://daibiao.example.org, https://m.example.org/")
    monkeypatch.setenv("FORMS_TRUSTED_PROXIES", "1")
    monkeypatch.setenv("FORMS_RATE_LIMIT", "2 per minute;10 per day")
    monkeypatch.setenv("FORMS_RATELIMIT_ENABLED", "off")
    app = create_app({"TRUSTED_PROXIES": 2})
    assert app.config["QUEUE_DIR"] == tmp_path / "from-env"
    assert app.config["ALLOWED_ORIGINS"] == ["https://daibiao.example.org", "https://m.example.org"]
    assert app.config["TRUSTED_PROXIES"] == 2
    assert app.config["RATE_LIMIT"] == "2 per minute;10 per day"
    assert app.config["RATELIMIT_ENABLED"] is False
    assert app.config["SITE_DIR"] == ROOT / "site"  # the default: resolved from the project, not the cwd


def test_redis_storage_uri_is_accepted_and_its_client_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's advice for several workers, FORMS_RATELIMIT_STORAGE_URI=redis://..., failed at start: the Redis
    client was not installed. Making the storage connects to nothing, so no server is needed here."""
    from limits.storage import RedisStorage, storage_from_string

    monkeypatch.setenv("FORMS_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)  # flask-limiter makes its storage here
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert isinstance(storage_from_string(app.config["RATELIMIT_STORAGE_URI"]), RedisStorage)


def test_bad_configuration_names_every_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMS_TRUSTED_PROXIES", "two")
    monkeypatch.setenv("FORMS_ALLOWED_ORIGINS", "*")
    monkeypatch.setenv("FORMS_RATE_LIMIT", "often")
    with pytest.raises(ConfigError) as error:
        create_app({"RETENTION_DAYS": 0, "SITE_URL": "javascript:alert(1)", "QUEUE_FSYNC": "maybe"})
    assert str(error.value).splitlines() == [
        "invalid form service configuration:",
        "config['QUEUE_FSYNC']: expected true or false (got 'maybe')",
        "config['SITE_URL']: 'javascript:alert(1)' is not a URL like https://example.org/ (got 'javascript:alert(1)')",
        "FORMS_ALLOWED_ORIGINS: '*' is not an origin like https://example.org (got '*')",
        "FORMS_TRUSTED_PROXIES: expected a whole number >= 0 (got 'two')",
        "FORMS_RATE_LIMIT: 'often' is not a rate limit like '5 per minute;50 per day' (got 'often')",
        "config['RETENTION_DAYS']: expected a whole number >= 1 (got 0)",
    ]


# --- the OpenAPI document ---------------------------------------------------------------------------------------------
def openapi_routes(app: Flask) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_openapi_documents_every_route_and_only_those(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert documented == openapi_routes(app)


def validate(document: dict, schema: dict, instance: Any) -> None:
    validator = jsonschema_rs.validator_for({**schema, "components": document["components"]})
    errors = [error.message for error in validator.iter_errors(instance)]
    assert errors == []


def test_openapi_examples_are_answered_as_documented(app: Flask, client: FlaskClient) -> None:
    """Each operation's example, sent as is, gets a documented status and a body that fits its schema."""
    document = client.get("/api/openapi.json").json
    code = submitted(client, text="一条已答复的留言，用来试评价。")
    staff(app, code, "replied", answer="已修复。")
    expected_status = {"submit": 201, "show": 404, "track": 404, "rate": 404, "rate_by_body": 404, "health": 200}
    expected_status |= {"evaluate": 201, "receipt_page": 200, "receipt_picture": 404}
    seen = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            example_path = path
            for parameter in operation.get("parameters", []):
                example_path = example_path.replace("{" + parameter["name"] + "}", parameter["example"])
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            examples = [e["value"] for e in body.get("examples", {}).values()] or [None]
            for example in examples:
                if example is not None:
                    validate(document, body["schema"], example)
                response = client.open(example_path, method=method.upper(), json=example)
                if operation["operationId"] in expected_status:
                    assert response.status_code == expected_status[operation["operationId"]], operation["operationId"]
                documented = operation["responses"][str(response.status_code)]
                assert response.mimetype in documented["content"], operation["operationId"]
                if response.mimetype == "application/json":
                    validate(document, documented["content"]["application/json"]["schema"], response.json)
                seen.add(operation["operationId"])
    assert seen >= set(expected_status) | {"openapi"}
    # and with a real code, the rating examples are accepted
    for path in ("/api/submissions/{code}/rating",):
        example = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"]
        response = client.post(path.replace("{code}", code), json=example["default"]["value"])
        assert response.status_code == 200
        answers = document["paths"][path]["post"]["responses"]
        validate(document, answers["200"]["content"]["application/json"]["schema"], response.json)


# --- real gunicorn ----------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_smoke(tmp_path: Path) -> None:
    """deploy/gunicorn.conf.py really serves the app: one submission over HTTP, 201, in the queue."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
    env |= {
        "FORMS_BIND": f"127.0.0.1:{port}",
        "FORMS_QUEUE_DIR": str(tmp_path / "queue"),
        "FORMS_SITE_DIR": str(write_site(tmp_path / "site")),
        "FORMS_ACCESS_LOG": "-",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.communicate()[0].decode()) from None
                time.sleep(0.05)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/submissions",
            data=json.dumps(GOOD).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
            body = json.load(response)
        # A chunked body has no Content-Length: gunicorn de-chunks it and the app stops it at the limit.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        chunks = (b"x" * 8192 for _ in range(32))
        connection.request(
            "POST", "/api/submissions", body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True
        )
        chunked = connection.getresponse()
        assert chunked.status == 413
        assert json.loads(chunked.read()) == {"error": messages.API_ERRORS[413]}
        connection.close()
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert [e["code"] for e in read_events(tmp_path / "queue" / "events.jsonl")] == [body["tracking_code"]]
    assert '"POST /api/submissions" 201' in output and '"POST /api/submissions" 413' in output
    assert "13800138000" not in output and "127.0.0.1 " not in output
