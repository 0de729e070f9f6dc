"""Tracking anyone can keep (issue 13, point 1), through the service's API on a real queue folder: codes a person can
read aloud and type, look-ups by 留言编号 + phone with one answer for every miss and a limit per reference, the
receipt answered POST/redirect/GET, and the receipt picture that decodes to the tracking page."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest
from conftest import events, make_app
from flask import Flask
from flask.testing import FlaskClient
from test_api import GOOD, NEW_CODE, form_receipt, staff, submit

from forms_api import cases, messages
from forms_api.cases.codes import ALPHABET, canonical, new_code
from forms_api.public import picture
from forms_api.store.folder import EventLog

pytestmark = pytest.mark.usefixtures("no_forms_environment")

MISS = {"error": messages.API_ERRORS["code_not_found"]}
OLD_CODE = "Ab3_-xYz0123456789abcdefGHIJKLmn"  # the old form: 32 URL-safe base64 characters, case-sensitive


def case(client: FlaskClient, **changes: object) -> dict:
    response = submit(client, **changes)
    assert response.status_code == 201, response.json
    return response.json


# --- the code ---------------------------------------------------------------------------------------------------------
def test_a_new_code_is_five_groups_of_four_crockford_symbols() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(NEW_CODE, code)
    symbols = "".join(codes).replace("-", "")
    assert set(symbols) <= set(ALPHABET) and len(ALPHABET) == 32  # 5 bits a symbol, 20 symbols: 100 bits
    assert not set(symbols) & set("ILOU")


def test_every_symbol_of_a_new_code_takes_every_value() -> None:
    """Each of the 20 places is 5 random bits of its own: over 2,000 codes every place shows all 32 symbols (about
    62 times each; a place stuck on some values, as from shifting the random bits wrong, would miss most)."""
    codes = [new_code().replace("-", "") for _ in range(2000)]
    for place in range(20):
        assert {code[place] for code in codes} == set(ALPHABET), place


@pytest.mark.parametrize(
    "typed",
    [
        "7K2M-9QXD-4HBT-R0VW-J3NE",
        "7k2m-9qxd-4hbt-r0vw-j3ne",
        "7k2m 9qxd 4hbt r0vw j3ne",
        "7K2M9QXD4HBTR0VWJ3NE",
        "  7k2m－9qxd—4hbt r0vw-j3ne ",  # full-width and long dashes from a phone keyboard
        "7K2M-9QXD-4HBT-ROVW-J3NE",  # O for 0
    ],
)
def test_a_typed_code_is_read_back(typed: str) -> None:
    assert canonical(typed) == "7K2M-9QXD-4HBT-R0VW-J3NE"


def test_look_alikes_i_and_l_read_as_one() -> None:
    assert canonical("1111-iiii-LLLL-llll-IiLl") == "1111-1111-1111-1111-1111"


@pytest.mark.parametrize("typed", ["7K2M-9QXD-4HBT-R0VW", "7K2M-9QXD-4HBT-R0VW-J3NEX", "7K2M-9QXD-4HBT-R0VW-J3NU", ""])
def test_what_cannot_be_a_new_code_is_not_read_as_one(typed: str) -> None:
    assert canonical(typed) is None


def test_a_code_typed_in_lower_case_with_its_groups_finds_the_case(client: FlaskClient) -> None:
    receipt = case(client)
    code = receipt["tracking_code"]
    for typed in (code.lower(), code.lower().replace("-", " "), code.replace("-", ""), code.replace("0", "O")):
        response = client.post("/api/track", json={"code": typed})
        assert (response.status_code, response.json["reference"]) == (200, receipt["reference"])
    page = client.post("/api/track", data={"code": code.lower()}, follow_redirects=True).get_data(as_text=True)
    assert receipt["reference"] in page


def test_codes_of_the_old_form_keep_working(app: Flask, client: FlaskClient) -> None:
    EventLog(Path(app.config["QUEUE_DIR"])).append(
        lambda state: cases.make_event(
            "submitted", "2025-000007", cases.CITIZEN, code=OLD_CODE, target=GOOD["target"], category="意见",
            text="去年的一条留言，用旧的查询码。", phone="13800138000", anonymous=False,
        )
    )  # fmt: skip
    assert client.post("/api/track", json={"code": OLD_CODE}).json["reference"] == "2025-000007"
    assert client.get(f"/api/submissions/{OLD_CODE}").json["reference"] == "2025-000007"
    assert client.post("/api/track", json={"code": OLD_CODE.lower()}).json == MISS  # case-sensitive, as issued
    staff(app, OLD_CODE, "replied", answer="已处理。")
    rated = client.post("/api/rating", json={"code": OLD_CODE, "rating": "满意"})
    assert (rated.status_code, rated.json["rating"]) == (200, "满意")


# --- by reference and phone -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "phone", ["13800138000", "138 0013 8000", "+86 138-0013-8000", "+8613800138000", "１３８００１３８０００"]
)
@pytest.mark.parametrize("reference", ["{ref}", " {ref} ", "{year} {seq}", "{year}{seq}", "{year}－{seq}"])
def test_reference_and_phone_find_the_case(client: FlaskClient, phone: str, reference: str) -> None:
    receipt = case(client)
    year, seq = receipt["reference"].split("-")
    typed = reference.format(ref=receipt["reference"], year=year, seq=seq)
    response = client.post("/api/track", json={"reference": typed, "phone": phone})
    assert response.status_code == 200
    view = response.json
    assert view["reference"] == receipt["reference"]
    assert "phone" not in view and "text" not in view and "name" not in view


def test_every_miss_gets_the_one_same_answer(client: FlaskClient) -> None:
    receipt = case(client)
    other = case(client, phone="13900139000", text="另一位市民的另一条留言。")
    misses = [
        {"reference": receipt["reference"], "phone": "13800138001"},  # the case exists, another phone
        {"reference": receipt["reference"], "phone": "13900139000"},  # the phone of another case
        {"reference": "2026-999999", "phone": "13800138000"},  # no such case
        {"reference": "1999-000001", "phone": "13800138000"},
        {"code": new_code()},
        {"code": other["tracking_code"][:-1]},
    ]
    answers = [client.post("/api/track", json=body) for body in misses]
    assert {(r.status_code, r.get_data()) for r in answers} == {(404, answers[0].get_data())}
    assert answers[0].json == MISS
    pages = [client.post("/api/track", data=body) for body in misses]
    assert {(r.status_code, r.get_data(as_text=True).split("nonce=")[0]) for r in pages} == {
        (404, pages[0].get_data(as_text=True).split("nonce=")[0])
    }


def test_an_anonymised_case_is_not_found_by_reference(app: Flask, client: FlaskClient) -> None:
    """A case without a phone (offline intake without one; retention blanks it) is found by its code only."""
    EventLog(Path(app.config["QUEUE_DIR"])).append(
        lambda state: cases.make_event(
            "submitted", "2026-000100", cases.CITIZEN, code=new_code(), target=GOOD["target"], category="意见",
            text="没有留电话的留言。", phone="", anonymous=False,
        )
    )  # fmt: skip
    for phone in ("13800138000", "0000000000"):
        assert client.post("/api/track", json={"reference": "2026-000100", "phone": phone}).json == MISS


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"code": messages.FIELD_ERRORS["code_missing"]}),
        ({"code": "  "}, {"code": messages.FIELD_ERRORS["code_missing"]}),
        ({"reference": "2026-000001"}, {"phone": messages.FIELD_ERRORS["lookup_phone_missing"]}),
        ({"phone": "13800138000"}, {"reference": messages.FIELD_ERRORS["reference_missing"]}),
        ({"reference": "第一条", "phone": "13800138000"}, {"reference": messages.FIELD_ERRORS["reference_invalid"]}),
        ({"reference": "2026-000001", "phone": "12345"}, {"phone": messages.FIELD_ERRORS["phone_invalid"]}),
        ({"code": "AB", "reference": "2026-000001", "phone": "138"}, {"code": messages.FIELD_ERRORS["lookup_both"]}),
        ({"reference": 2026, "phone": "13800138000"}, {"reference": "留言编号格式不正确。"}),
        ({"code": "ABCD", "name": "李"}, {"name": messages.FIELD_ERRORS["unknown_field"]}),
    ],
)  # fmt: skip
def test_a_lookup_that_cannot_find_anything_says_what_to_fill_in(client: FlaskClient, body: dict, errors: dict) -> None:
    response = client.post("/api/track", json=body)
    assert (response.status_code, response.json) == (400, {"errors": errors})


@pytest.mark.parametrize("typed", ["2026-000001", " 2026 000001 ", "2026000001"])
def test_a_reference_typed_as_the_code_points_to_the_look_up_by_reference(client: FlaskClient, typed: str) -> None:
    """A 留言编号 in the 查询码 box is no miss: the answer says where it goes; without JavaScript the page holds that
    look-up, the number filled in, the phone to add."""
    wrong = {"code": messages.FIELD_ERRORS["code_is_reference"]}
    assert client.post("/api/track", json={"code": typed}).json == {"errors": wrong}
    page = client.post("/api/track", data={"code": typed}).get_data(as_text=True)
    assert wrong["code"] in page and "没有找到" not in page
    assert messages.PAGE_TEXTS["back_hint"] not in page  # the form is here: no going Back to it
    form = page[page.index('<form method="post" action="/api/track">') :]
    form = form[: form.index("</form>")]
    assert 'name="reference" type="text" required' in form and 'value="2026-000001"' in form
    assert 'name="phone" type="tel" required' in form
    other = client.post("/api/track", data={"code": "7K2M-9QXD-4HBT-R0VW-J3NE"}).get_data(as_text=True)
    assert 'name="reference"' not in other  # a code that finds nothing is the one miss, as ever


def test_an_empty_look_up_gets_our_own_words_not_only_the_browser_s() -> None:
    """The 查询码 box is not `required` (the browser's bubble would be all an empty 查询 got): the service answers."""
    theme = (Path(__file__).resolve().parent.parent / "generator" / "theme" / "track.html").read_text(encoding="utf-8")
    box = re.search(r'<input id="track-code"[^>]*>', theme)[0]
    assert " required" not in box and 'aria-required="true"' in box


def test_rating_by_reference_and_phone_without_javascript(app: Flask, client: FlaskClient) -> None:
    """Look-up and rating are answered POST/redirect/GET: on to /api/status, the reference and phone in a cookie of
    that path only, never in a URL; the page shows again on reload (or Back), nothing posted twice."""
    receipt = case(client)
    staff(app, receipt["tracking_code"], "replied", answer="路灯已经修好。")
    lookup = {"reference": receipt["reference"], "phone": "138 0013 8000"}
    found = client.post("/api/track", data=lookup)
    assert (found.status_code, found.headers["Location"]) == (303, "/api/status")
    cookie = found.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Path=/api/status" in cookie and "SameSite=Lax" in cookie
    for _ in range(2):  # the page, and a reload of it
        page = client.get("/api/status").get_data(as_text=True)
        assert f'name="reference" value="{receipt["reference"]}"' in page and 'name="code"' not in page
        assert "路灯已经修好。" in page
    rated = client.post("/api/rating", data={**lookup, "rating": "满意"})
    assert (rated.status_code, rated.headers["Location"]) == (303, "/api/status")
    for _ in range(2):
        page = client.get("/api/status").get_data(as_text=True)
        assert messages.PAGE_TEXTS["rated_thanks"] in page and "路灯已经修好。" in page and 'name="rating"' not in page
    assert [e["type"] for e in events(app)].count("rated") == 1
    wrong = client.post("/api/rating", json={**lookup, "phone": "13800138001", "rating": "满意"})
    assert (wrong.status_code, wrong.json) == (404, MISS)


def test_the_status_page_without_its_cookie_says_to_look_again(client: FlaskClient) -> None:
    receipt = case(client)
    for value in (None, "", "code=", "phone=13800138000", "rated=1", "x=%ZZ&&="):
        if value is not None:
            client.set_cookie("case", value, path="/api/status")
        response = client.get("/api/status")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and messages.PAGE_TEXTS["status_gone_lead"] in page
    client.set_cookie("case", f"code={receipt['tracking_code']}", path="/api/status")
    assert receipt["reference"] in client.get("/api/status").get_data(as_text=True)
    client.set_cookie("case", f"code={new_code()}", path="/api/status")
    missed = client.get("/api/status")
    assert missed.status_code == 404 and messages.API_ERRORS["code_not_found"] in missed.get_data(as_text=True)


# --- limits -----------------------------------------------------------------------------------------------------------
def limited(tmp_path: Path) -> FlaskClient:
    return make_app(
        tmp_path,
        RATELIMIT_ENABLED=True,
        LOOKUP_RATE_LIMIT="100 per minute",
        RATE_LIMIT="100 per minute",
        REFERENCE_RATE_LIMIT="3 per hour",
    ).test_client()


def from_address(client: FlaskClient, n: int, body: dict, path: str = "/api/track") -> int:
    return client.post(path, json=body, environ_overrides={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code


def test_misses_on_one_reference_are_limited_from_every_address(tmp_path: Path) -> None:
    client = limited(tmp_path)
    receipt = case(client)
    ref = receipt["reference"]
    right = {"reference": ref, "phone": "13800138000"}
    assert [from_address(client, 1, right) for _ in range(5)] == [200] * 5  # finding it uses nothing up
    wrong = [{"reference": ref, "phone": f"1380013800{n}"} for n in range(1, 4)]
    assert [from_address(client, n, body) for n, body in enumerate(wrong, start=10)] == [404] * 3
    refused = client.post("/api/track", json=right, environ_overrides={"REMOTE_ADDR": "198.51.100.7"})
    assert refused.status_code == 429  # the limit is the reference's, whoever asks, whatever the phone
    assert "小时" in refused.json["error"] and 0 < int(refused.headers["Retry-After"]) <= 3600
    spelt = {"reference": ref.replace("-", " "), "phone": "13800138000"}
    assert from_address(client, 20, spelt) == 429  # the same reference however typed
    assert from_address(client, 21, {**right, "rating": "满意"}, "/api/rating") == 429
    assert from_address(client, 22, {"code": receipt["tracking_code"]}) == 200  # the code is not limited by it
    assert from_address(client, 23, {"reference": "2026-999999", "phone": "13800138000"}) == 404  # another one


def test_misses_through_the_status_page_cookie_count_for_the_reference(tmp_path: Path) -> None:
    """The status page's cookie is the client's to write: phones tried through it use up the reference's limit."""
    client = limited(tmp_path)
    ref = case(client)["reference"]
    for n in range(1, 4):
        client.set_cookie("case", f"reference={ref}&phone=1380013800{n}", path="/api/status")
        assert client.get("/api/status").status_code == 404
    client.set_cookie("case", f"reference={ref}&phone=13800138000", path="/api/status")
    assert client.get("/api/status").status_code == 429
    assert from_address(client, 5, {"reference": ref, "phone": "13800138000"}) == 429


def test_unknown_references_are_limited_as_known_ones(tmp_path: Path) -> None:
    """A 429 must not tell that a reference exists: misses on one that does not are counted the same."""
    client = limited(tmp_path)
    body = {"reference": "2026-123456", "phone": "13800138000"}
    assert [from_address(client, n, body) for n in range(4)] == [404, 404, 404, 429]


# --- the receipt without JavaScript: POST/redirect/GET ---------------------------------------------------------------
def test_the_receipt_is_posted_once_and_shown_again_on_reload(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/submissions", data={**GOOD, "consent": "on"})
    assert (response.status_code, response.headers["Location"]) == (303, "/api/receipt")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Path=/api/receipt" in cookie and "SameSite=Lax" in cookie
    [event] = events(app)
    assert event["code"] not in response.headers["Location"]
    first = client.get("/api/receipt").get_data(as_text=True)
    again = client.get("/api/receipt").get_data(as_text=True)  # a reload: the same receipt, nothing posted
    for page in first, again:
        page = page.replace("<wbr>", "")  # the code's line breaks, after each dash
        assert f'id="tracking-code">{event["code"]}<' in page and f'id="reference">{event["ref"]}<' in page
    assert len(events(app)) == 1


def test_without_its_cookie_the_receipt_says_where_to_look(client: FlaskClient) -> None:
    for value in (None, "repeat-not", "7K2M-9QXD-4HBT-R0VW-J3NE~<script>", "x~2026-000001"):
        if value is not None:
            client.set_cookie("receipt", value, path="/api/receipt")
        page = client.get("/api/receipt").get_data(as_text=True)
        assert messages.PAGE_TEXTS["receipt_gone_lead"] in page and "tracking-code" not in page


def test_a_repeated_form_is_sent_on_to_already_received(client: FlaskClient) -> None:
    form_receipt(client, {**GOOD, "consent": "on"})
    page = form_receipt(client, {**GOOD, "consent": "on"})
    assert messages.PAGE_TEXTS["duplicate_lead"] in page and "tracking-code" not in page


def test_the_site_s_thank_you_page_says_a_repeat_as_the_service_does() -> None:
    """With JavaScript the repeat is told by /thanks/ (the site's theme), without by the service: the same words, which
    tell a citizen who never saw the first code how to find the case (not by sending it again)."""
    theme = (Path(__file__).resolve().parent.parent / "generator" / "theme" / "thanks.html").read_text(encoding="utf-8")
    assert f'<p data-repeat="true" hidden>{messages.PAGE_TEXTS["duplicate_lead"]}</p>' in theme
    assert "联络站电话" in messages.PAGE_TEXTS["duplicate_lead"]


# --- the receipt picture ----------------------------------------------------------------------------------------------
def decoded(png: bytes, tmp_path: Path) -> str:
    path = tmp_path / "receipt.png"
    path.write_bytes(png)
    result = subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_the_receipt_page_carries_the_picture_and_a_link_to_save_it(client: FlaskClient, tmp_path: Path) -> None:
    page = form_receipt(client, {**GOOD, "consent": "on"})
    code = re.search(r'id="tracking-code">([^<]+)<', page.replace("<wbr>", ""))[1]
    src = re.search(r'id="receipt-picture" src="data:image/png;base64,([^"]+)"', page)[1]
    assert f'id="receipt-download" href="data:image/png;base64,{src}" download="留言回执-' in page
    assert decoded(base64.b64decode(src), tmp_path) == f"http://localhost/track/#code={code}"


def test_the_picture_by_code_decodes_to_the_tracking_page(tmp_path: Path) -> None:
    client = make_app(tmp_path, SITE_URL="https://daibiao.example.org/").test_client()
    receipt = case(client)
    response = client.post("/api/receipt-picture", json={"code": receipt["tracking_code"].lower()})
    assert (response.status_code, response.mimetype) == (200, "image/png")
    link = decoded(response.data, tmp_path)
    assert link == f"https://daibiao.example.org/track/#code={receipt['tracking_code']}"
    assert client.post("/api/receipt-picture", json={"code": new_code()}).json == MISS


def test_the_openapi_document_says_how_a_case_is_found_and_limited(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").json
    lookup = document["components"]["schemas"]["Lookup"]["oneOf"]
    assert [sorted(option["required"]) for option in lookup] == [["code"], ["phone", "reference"]]
    for path in ("/api/track", "/api/rating", "/api/receipt-picture"):
        operation = document["paths"][path]["post"]
        assert "REFERENCE_RATE_LIMIT" in operation["description"], path
        assert "the one same answer" in operation["responses"]["404"]["description"], path
    submit_answers = document["paths"]["/api/submissions"]["post"]["responses"]
    assert "never in a URL" in submit_answers["303"]["description"]


def test_a_miss_without_javascript_links_back_to_the_track_page(client: FlaskClient) -> None:
    """The no-JS page of a miss offers a new lookup (查询进度), not only 返回首页."""
    page = client.post("/api/track", data={"code": "ABCD-EFGH-JKMN-PQRS-TVWX"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert page.status_code == 404 and messages.API_ERRORS["code_not_found"] in text
    assert f'<a href="/track/">{messages.PAGE_TEXTS["track_again"]}</a>' in text
    # a reference mistyped: what to correct, the Back hint, and the same link (an elder may not find Back)
    page = client.post("/api/track", data={"reference": "2026-3", "phone": "13800138000"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and messages.PAGE_TEXTS["back_hint"] in text
    assert f'<a href="/track/">{messages.PAGE_TEXTS["track_again"]}</a>' in text


def test_a_server_without_the_chinese_font_says_so_in_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """DEPLOY.md installs fonts-noto-cjk; without it the picture's Chinese are boxes, and the operator is told how."""
    monkeypatch.setattr(picture, "FONT_DIRS", (tmp_path / "no-fonts",))
    picture._font.cache_clear()
    try:
        client = make_app(tmp_path).test_client()
        response = client.post("/api/receipt-picture", json={"code": case(client)["tracking_code"]})
        assert response.status_code == 200
    finally:
        picture._font.cache_clear()
    assert "fonts-noto-cjk" in caplog.text and "回执图片缺少中文字体" in caplog.text
    assert "fonts-noto-cjk" in (Path(__file__).resolve().parent.parent / "docs" / "DEPLOY.md").read_text()
