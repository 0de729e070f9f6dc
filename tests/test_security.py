"""Abuse and safety rules of the form service, one parametrised test per rule (issue 3, point 4)."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pytest
from conftest import events, make_app
from flask import Flask
from flask.testing import FlaskClient
from test_api import GOOD, staff, submitted

from forms_api import messages
from forms_api.security import MaskingFilter, mask, wait_text

pytestmark = pytest.mark.usefixtures("no_forms_environment")

SUBMIT = ("POST", "/api/submissions", GOOD)
EVALUATION = {"target": "deputy:cao-wenjie", "rating": "满意", "phone": "13900139000", "consent": True}
CODE = "n3Zb0Xh2cQe8V1sYk5TqLwA9fJ4uGmRp"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-site",
    "Cache-Control": "no-store",
}


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, ALLOWED_ORIGINS="https://daibiao.example.org")


def call(client: FlaskClient, method: str, path: str, body: dict | None, **kwargs: Any) -> Any:
    return client.open(path, method=method, json=body, **kwargs)


# --- rate limits ------------------------------------------------------------------------------------------------------
LIMITED = [
    # (bucket setting, request) : the N+1th request from one address gets 429
    ("RATE_LIMIT", SUBMIT),
    ("RATE_LIMIT", ("POST", "/api/rating", {"code": CODE, "rating": "满意"})),
    ("RATE_LIMIT", ("POST", f"/api/submissions/{CODE}/rating", {"rating": "满意"})),
    ("RATE_LIMIT", ("POST", "/api/evaluations", EVALUATION)),  # the second and later: 409, not 429, until the limit
    ("LOOKUP_RATE_LIMIT", ("GET", f"/api/submissions/{CODE}", None)),
    ("LOOKUP_RATE_LIMIT", ("POST", "/api/track", {"code": CODE})),
]


@pytest.mark.parametrize(("setting", "request_"), LIMITED, ids=[r[1][1].split("/")[2] + r[1][0] for r in LIMITED])
def test_rate_limit_per_address(tmp_path: Path, setting: str, request_: tuple) -> None:
    client = make_app(tmp_path, RATELIMIT_ENABLED=True, **{setting: "3 per minute"}).test_client()
    statuses = [
        call(client, *request_, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code  # spoofing does not help
        for n in range(4)
    ]
    assert 429 not in statuses[:3] and statuses[3] == 429
    refused = call(client, *request_)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])  # 60, or 59 when the window began a second earlier (a busy machine)
    assert 0 < wait <= 60 and refused.json == {"error": f"操作太频繁，请{wait_text(wait)}后再试。"}
    assert wait_text(wait) in (" 1 分钟", f" {wait} 秒")
    other = call(client, *request_, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code != 429  # another address has its own count


def test_rate_limit_counts_only_accepted_writes_once(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [call(client, *SUBMIT[:2], {**GOOD, "text": f"第 {n} 条不同的留言内容"}).status_code for n in range(4)]
    assert statuses == [201, 201, 429, 429]
    assert len(events(app)) == 2


def test_invalid_submissions_do_not_use_up_the_limit(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATE_LIMIT="5 per minute")
    client = app.test_client()
    invalid = [call(client, *SUBMIT[:2], {**GOOD, "text": "短"}).status_code for _ in range(5)]
    form = client.post("/api/submissions", data={**GOOD, "consent": "on", "phone": ""})  # the no-JS form too
    assert invalid == [400] * 5 and form.status_code == 400
    distinct = [call(client, *SUBMIT[:2], {**GOOD, "text": f"第 {n} 条不同的留言内容"}).status_code for n in range(6)]
    assert distinct == [201] * 5 + [429]
    assert len(events(app)) == 5


def test_honeypot_uses_up_the_limit(tmp_path: Path) -> None:
    client = make_app(tmp_path, RATELIMIT_ENABLED=True, RATE_LIMIT="2 per minute").test_client()
    statuses = [call(client, *SUBMIT[:2], {**GOOD, "website": "http://spam.example"}).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


@pytest.mark.parametrize(
    ("path", "bad", "good", "good_status"),
    [
        ("/api/rating", {"code": CODE, "rating": "很好"}, {"code": CODE, "rating": "满意"}, 404),
        ("/api/evaluations", {**EVALUATION, "phone": "123"}, EVALUATION, 201),
    ],
    ids=["rating", "evaluation"],
)
def test_invalid_ratings_and_evaluations_do_not_use_up_the_limit(
    tmp_path: Path, path: str, bad: dict, good: dict, good_status: int
) -> None:
    # Consistent with submissions: a 400 uses up nothing. A 404 (a guessed tracking code) and a 409 (evaluated
    # twice) still count, so neither can be probed without limit.
    client = make_app(tmp_path, RATELIMIT_ENABLED=True, RATE_LIMIT="2 per minute").test_client()
    assert [call(client, "POST", path, bad).status_code for _ in range(3)] == [400] * 3
    statuses = [call(client, "POST", path, good).status_code for _ in range(3)]
    assert statuses == [good_status, 404 if good_status == 404 else 409, 429]


def test_rate_limited_form_points_to_the_back_button(tmp_path: Path) -> None:
    # Without JavaScript "返回首页" would lose the typed message: the page says how to get it back.
    client = make_app(tmp_path, RATELIMIT_ENABLED=True, RATE_LIMIT="1 per minute").test_client()
    form = {**GOOD, "consent": "on"}
    invalid = client.post("/api/submissions", data={**form, "phone": ""}).get_data(as_text=True)
    assert messages.PAGE_TEXTS["back_hint"] in invalid and messages.PAGE_TEXTS["back_keep_hint"] not in invalid
    assert client.post("/api/submissions", data=form).status_code == 303
    refused = client.post("/api/submissions", data={**form, "text": "又一条不同的留言内容"})
    assert (refused.status_code, refused.mimetype) == (429, "text/html")
    page = refused.get_data(as_text=True)
    assert f'<p class="hint">{messages.PAGE_TEXTS["back_keep_hint"]}</p>' in page
    wait = int(refused.headers["Retry-After"])  # 60, or 59 when the window began a second earlier
    assert f"操作太频繁，请{wait_text(wait)}后再试。" in page and messages.PAGE_TEXTS["home"] in page
    assert 0 < wait <= 60
    lookup = client.post("/api/track", data={"code": CODE}).get_data(as_text=True)  # nothing typed to lose
    assert messages.PAGE_TEXTS["back_keep_hint"] not in lookup


@pytest.mark.parametrize("limits", ["1 per second;1 per day", "1 per hour;1 per day", "1 per day"])
def test_429_says_how_long_to_wait(tmp_path: Path, limits: str) -> None:
    """Until every used-up limit has room again: with "1 per second;1 per day" the day's, not the second's."""
    client = make_app(tmp_path, RATELIMIT_ENABLED=True, LOOKUP_RATE_LIMIT=limits).test_client()
    assert client.get(f"/api/submissions/{CODE}").status_code == 404
    refused = client.get(f"/api/submissions/{CODE}")
    assert refused.status_code == 429
    assert refused.json == {"error": "操作太频繁，请 24 小时后再试。"}
    assert 86400 - 5 <= int(refused.headers["Retry-After"]) <= 86400


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, " 1 秒"),
        (1, " 1 秒"),
        (59, " 59 秒"),
        (60, " 1 分钟"),
        (61, " 2 分钟"),
        (3599, " 60 分钟"),
        (3600, " 1 小时"),
        (86399, " 24 小时"),
    ],
)
def test_wait_text(seconds: int, text: str) -> None:
    assert wait_text(seconds) == text


def test_lookup_and_rating_buckets_are_separate(tmp_path: Path) -> None:
    client = make_app(tmp_path, RATELIMIT_ENABLED=True, RATE_LIMIT="1 per minute").test_client()
    assert call(client, *SUBMIT).status_code == 201
    assert call(client, "POST", "/api/rating", {"code": CODE, "rating": "满意"}).status_code == 404
    assert call(client, "POST", "/api/track", {"code": CODE}).status_code == 404
    assert call(client, *SUBMIT).status_code == 429


def test_one_trusted_proxy_counts_the_rightmost_address(tmp_path: Path) -> None:
    client = make_app(
        tmp_path, RATELIMIT_ENABLED=True, LOOKUP_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1
    ).test_client()

    def lookup(forwarded_for: str) -> int:
        headers = {"X-Forwarded-For": forwarded_for}
        return client.get(f"/api/submissions/{CODE}", headers=headers).status_code

    # The client may prepend anything; the proxy appends the address it saw, and only that one counts.
    assert [lookup("1.1.1.1, 192.0.2.10"), lookup("9.9.9.9, 192.0.2.10"), lookup("192.0.2.10")] == [404, 404, 429]
    assert lookup("192.0.2.10, 192.0.2.11") == 404


def test_a_proxy_the_settings_do_not_trust_is_said_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Behind nginx with TRUSTED_PROXIES left at 0, every citizen would share the proxy's allowance: the log says so
    the first time a request forwarded from this machine or the local network comes (never with the address), not
    for a header any client may send from outside, and not when the proxy is trusted."""
    forwarded = {"X-Forwarded-For": "192.0.2.10"}
    for proxies, expected in ((0, 1), (1, 0)):
        caplog.clear()
        client = make_app(tmp_path / str(proxies), TRUSTED_PROXIES=proxies).test_client()
        with caplog.at_level(logging.WARNING, logger="forms_api"):
            client.get(f"/api/submissions/{CODE}")  # not forwarded: nothing to say
            outside = {"REMOTE_ADDR": "1.2.3.4"}  # a client's own header, straight from the internet: no proxy
            client.get(f"/api/submissions/{CODE}", headers=forwarded, environ_base=outside)
            assert not [r for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
            for _ in range(3):  # from this machine, as nginx in front forwards
                client.get(f"/api/submissions/{CODE}", headers=forwarded)
        said = [r.getMessage() for r in caplog.records if "X-Forwarded-For" in r.getMessage()]
        assert len(said) == expected, said
        assert all("FORMS_TRUSTED_PROXIES=1" in line and "192.0.2" not in line for line in said)


def test_ipv6_clients_counted_per_64(tmp_path: Path) -> None:
    client = make_app(tmp_path, RATELIMIT_ENABLED=True, LOOKUP_RATE_LIMIT="1 per minute").test_client()

    def lookup(address: str) -> int:
        return client.get(f"/api/submissions/{CODE}", environ_base={"REMOTE_ADDR": address}).status_code

    assert [lookup("2001:db8:1:2::1"), lookup("2001:db8:1:2:ffff::9"), lookup("2001:db8:1:3::1")] == [404, 429, 404]


# --- size limits ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["json", "form", "chunked-json", "chunked-form"])
def test_oversized_body_is_413(app: Flask, client: FlaskClient, encoding: str) -> None:
    big = {**GOOD, "text": "长" * 20_000}
    if encoding == "json":
        response = client.post("/api/submissions", json=big)
    elif encoding == "form":
        response = client.post("/api/submissions", data=big | {"consent": "on"})
    else:  # no Content-Length: werkzeug would cut the body at the limit and parse the rest, unless refused
        body = (
            ('{"text": "' + "x" * 100_000 + '"}') if encoding == "chunked-json" else "consent=on&text=" + "x" * 100_000
        )
        mimetype = "application/json" if encoding == "chunked-json" else "application/x-www-form-urlencoded"
        response = client.post(
            "/api/submissions",
            input_stream=io.BytesIO(body.encode()),
            headers={"Content-Type": mimetype, "Transfer-Encoding": "chunked"},
            environ_overrides={"wsgi.input_terminated": True},  # as gunicorn says of a de-chunked body
        )
    assert response.status_code == 413
    assert "提交的内容太长" in response.get_data(as_text=True)
    assert events(app) == []


def test_longest_text_fits_as_a_form(app: Flask, client: FlaskClient) -> None:
    """MAX_CONTENT_LENGTH leaves room for MAX_TEXT Chinese characters percent-encoded by a plain form."""
    response = client.post("/api/submissions", data={**GOOD, "consent": "on", "text": "长" * 2000, "name": "名" * 40})
    assert response.status_code == 303


# --- Origin allow-list ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://daibiao.example.org.evil.example"},
        {"Origin": "http://daibiao.example.org"},  # the wrong scheme is another origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "same-origin"},
    ],
)
@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
def test_foreign_origin_refused(app: Flask, client: FlaskClient, headers: dict, form: bool) -> None:
    if form:
        response = client.post("/api/submissions", data={**GOOD, "consent": "on"}, headers=headers)
    else:
        response = client.post("/api/submissions", json=GOOD, headers=headers)
    assert response.status_code == 403
    assert "请从本站的页面提交。" in response.get_data(as_text=True)
    assert events(app) == []
    assert client.post("/api/track", json={"code": CODE}, headers=headers).status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://daibiao.example.org"},  # listed in ALLOWED_ORIGINS
        {"Origin": "http://localhost"},  # the service's own origin (the test client's host)
        {"Sec-Fetch-Site": "same-origin"},
        {},  # not a browser: curl, the staff's scripts
    ],
)
def test_allowed_origins(app: Flask, client: FlaskClient, headers: dict) -> None:
    assert client.post("/api/submissions", json=GOOD, headers=headers).status_code == 201


# --- CORS -------------------------------------------------------------------------------------------------------------
def test_cors_only_for_allowed_origins(client: FlaskClient) -> None:
    allowed = client.get(f"/api/submissions/{CODE}", headers={"Origin": "https://daibiao.example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://daibiao.example.org"
    assert "Origin" in allowed.headers["Vary"]
    foreign = client.get(f"/api/submissions/{CODE}", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert "Origin" in foreign.headers["Vary"]


@pytest.mark.parametrize(
    "path", ["/api/submissions", "/api/track", "/api/rating", f"/api/submissions/{CODE}/rating", "/api/evaluations"]
)
def test_preflight(client: FlaskClient, path: str) -> None:
    asking = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = client.options(path, headers={"Origin": "https://daibiao.example.org", **asking})
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://daibiao.example.org"
    assert allowed.headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert allowed.headers["Access-Control-Allow-Headers"] == "Content-Type"
    foreign = client.options(path, headers={"Origin": "https://evil.example", **asking})
    assert not any(name.startswith("Access-Control-Allow") for name in foreign.headers.keys())


# --- headers on every response ----------------------------------------------------------------------------------------
def responses(app: Flask, client: FlaskClient) -> dict[str, Any]:
    limited = make_app(Path(app.config["QUEUE_DIR"]).parent / "limited", RATELIMIT_ENABLED=True, RATE_LIMIT="1/minute")
    limited_client = limited.test_client()
    limited_client.post("/api/submissions", json=GOOD)
    code = submitted(client, text="一条用来查询的留言内容")
    return {
        "200 health": client.get("/api/health"),
        "200 openapi": client.get("/api/openapi.json"),
        "200 lookup": client.get(f"/api/submissions/{code}"),
        "201 json": client.post("/api/submissions", json=GOOD),
        "303 html": client.post("/api/submissions", data={**GOOD, "consent": "on", "text": "另一条留言内容"}),
        "200 receipt": client.get("/api/receipt"),
        "400": client.post("/api/submissions", json={}),
        "400 html": client.post("/api/submissions", data={"consent": ""}),
        "403": client.post("/api/submissions", json=GOOD, headers={"Origin": "https://evil.example"}),
        "404": client.get(f"/api/submissions/{CODE}"),
        "404 elsewhere": client.get("/nothing/here"),
        "405": client.delete("/api/submissions"),
        "405 html": client.get("/api/submissions", headers={"Accept": "text/html,*/*;q=0.8"}),  # a form reopened
        "409": client.post("/api/rating", json={"code": code, "rating": "满意"}),
        "201 evaluation": client.post("/api/evaluations", json=EVALUATION),
        "409 evaluation html": client.post("/api/evaluations", data={**EVALUATION, "consent": "on"}),
        "413": client.post("/api/submissions", json={"text": "x" * 40_000}),
        "415": client.post("/api/submissions", data="text", content_type="text/plain"),
        "429": limited_client.post("/api/submissions", json=GOOD),
        "204 preflight": client.options("/api/submissions", headers={"Origin": "https://daibiao.example.org"}),
    }


def test_security_headers_on_every_response(app: Flask, client: FlaskClient) -> None:
    seen = responses(app, client)
    for name, response in seen.items():
        assert name.split()[0] == str(response.status_code), name
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header) == value, (name, header)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp, name
        if response.mimetype == "text/html":
            assert "script-src" not in csp and "default-src 'none'" in csp and "style-src 'nonce-" in csp, name
            nonce = csp.split("'nonce-")[1].split("'")[0]
            assert f'<style nonce="{nonce}">' in response.get_data(as_text=True)
        else:
            assert csp == "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'", name
        assert response.headers.get("Access-Control-Allow-Origin") != "*"
    assert set(seen["405"].headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


def test_html_nonce_is_fresh_per_response(client: FlaskClient) -> None:
    first, second = (client.post("/api/submissions", data={"consent": ""}) for _ in range(2))
    assert first.headers["Content-Security-Policy"] != second.headers["Content-Security-Policy"]


# --- XSS --------------------------------------------------------------------------------------------------------------
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "<svg/onload=alert(1)>"]


@pytest.mark.parametrize("payload", XSS)
def test_xss_stays_inert_on_the_service_pages(app: Flask, client: FlaskClient, payload: str) -> None:
    form = {**GOOD, "consent": "on", "name": payload[:40], "text": f"留言内容 {payload}"}
    receipt = client.post("/api/submissions", data=form).get_data(as_text=True)
    errors = client.post("/api/submissions", data={**form, payload: "1", "phone": payload}).get_data(as_text=True)
    code = events(app)[0]["code"]
    staff(app, code, "replied", answer=f"答复 {payload}")
    status = client.post("/api/track", data={"code": code}, follow_redirects=True).get_data(as_text=True)
    for page in (receipt, errors, status):
        assert "<script>alert" not in page
        assert "<img src=x" not in page and "<svg/onload" not in page
        assert 'href="javascript:' not in page
    assert (
        "答复 " + payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
        in status
    )


# --- logs -------------------------------------------------------------------------------------------------------------
def test_no_personal_data_in_logs(app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    name, phone = "张秘密", "139 1234 5678"
    json_code = client.post("/api/submissions", json={**GOOD, "name": name, "phone": phone}).json["tracking_code"]
    client.post(
        "/api/submissions", data={**GOOD, "consent": "on", "name": name, "phone": "010-87654321", "text": "表单"}
    )
    client.post(
        "/api/submissions", data={**GOOD, "consent": "on", "name": name, "phone": "010-87654321", "text": "表单的内容"}
    )
    staff(app, json_code, "replied", answer="已办。")
    client.get(f"/api/submissions/{json_code}")
    client.post("/api/rating", json={"code": json_code, "rating": "满意", "comment": f"{name} {phone}"})
    client.post("/api/submissions", json={**GOOD, "website": "spam", "phone": phone})
    for _ in range(2):  # 201, then 409
        client.post("/api/evaluations", json={**EVALUATION, "phone": phone, "comment": f"{name} {phone}"})
    limited = make_app(Path(app.config["QUEUE_DIR"]).parent / "limited", RATELIMIT_ENABLED=True, RATE_LIMIT="1/minute")
    for _ in range(2):
        limited.test_client().post("/api/submissions", json=GOOD, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    logged = caplog.text
    assert "event submitted" in logged and "event rated" in logged  # there are logs, with refs
    assert "event evaluated deputy:cao-wenjie" in logged
    assert "exceeded" in logged  # the rate limiter's own log line, its key masked
    for secret in (name, "13912345678", phone, "87654321", GOOD["text"], json_code, "203.0.113.77"):
        assert secret not in logged


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("call 13912345678 now", "call [phone] now"),
        ("call +86 139 1234 5678", "call [phone]"),
        ("landline 010-87654321 or 0755 1234567", "landline [phone] or [phone]"),
        ("two: 13912345678,13800138000", "two: [phone],[phone]"),
        ("GET /api/submissions/abcDEF_-123/rating", "GET /api/submissions/{code}/rating"),
        ("ref 2026-000123 stays", "ref 2026-000123 stays"),
        ("at 2026-11-28T12:00:00+08:00 stays", "at 2026-11-28T12:00:00+08:00 stays"),
        ("ratelimit 5 per 1 minute (203.0.113.7) exceeded", "ratelimit 5 per 1 minute ([ip]) exceeded"),
        ("key 2001:db8:1:2::/64 and ::1 and 2001:0db8:0:0:0:ff00:42:8329", "key [ip] and [ip] and [ip]"),
    ],
)
def test_log_masking(message: str, masked: str) -> None:
    assert mask(message) == masked


def test_log_filter_masks_arguments_and_one_line_per_event() -> None:
    record = logging.LogRecord("forms_api", logging.INFO, __file__, 1, "got %s\nforged: %s", ("13912345678", "x"), None)
    assert MaskingFilter().filter(record)
    assert record.getMessage() == "got [phone]\\nforged: x"


@pytest.mark.parametrize(
    ("arg", "written"),
    [
        ("\x1b[2J", "\\u001b[2J"),
        ("a\x00b\x07c\x7fd", "a\\u0000b\\u0007c\\u007fd"),
        ("\x9b31m", "\\u009b31m"),
        ("\r\n\t", "\\r\\n\\t"),
        ("\u202egnp.exe", "\\u202egnp.exe"),
        ("\u2066\u200f\u061c", "\\u2066\\u200f\\u061c"),
    ],
)
def test_log_filter_writes_control_characters_out(arg: str, written: str) -> None:
    """An escape sequence in a logged path or header must not repaint the terminal that shows the log."""
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"GET /%s HTTP/1.1" 404', (arg,), None)
    assert MaskingFilter().filter(record)
    assert record.getMessage() == f'"GET /{written} HTTP/1.1" 404'


# --- no enumeration ---------------------------------------------------------------------------------------------------
def test_wrong_codes_of_any_shape_look_alike(client: FlaskClient) -> None:
    submitted(client)
    right_shape = client.get(f"/api/submissions/{CODE}")
    wrong_shape = client.get("/api/submissions/x")
    assert right_shape.status_code == wrong_shape.status_code == 404
    assert right_shape.get_data() == wrong_shape.get_data()
    same = {"Date", "Content-Security-Policy"}
    assert {k: v for k, v in right_shape.headers if k not in same} == {
        k: v for k, v in wrong_shape.headers if k not in same
    }
