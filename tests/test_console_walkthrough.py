"""What a walk through the back office at phone size found, each fixed with a test: the deputy picked by name (not a
typed pinyin id; namesakes told apart), a refusal shown at the top with what was typed kept, and more below.
Real app, real store, no mocks."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import events
from console_helpers import PASSWORD, add_event, after_refusal, client_for, console_app, csrf_token
from flask import Flask

from forms_api import messages
from forms_api.cases import now
from forms_api.messages_console import STAFF_TEXTS
from forms_api.store.folder import EventLog

A = messages.ACTION_TEXTS
T = messages.CONSOLE_TEXTS
S = STAFF_TEXTS
# two namesakes at station A, a third at station B (besides cao-wenjie at A and han-sumei at B)
NAMESAKES = [
    {"id": "li-ming", "name": "李明", "current": True, "stations": ["dongxi-zhan"]},
    {"id": "li-ming-2", "name": "李明", "current": True, "stations": ["dongxi-zhan"]},
    {"id": "li-ming-nanshan", "name": "李明", "current": True, "stations": ["nanshan-zhan"]},
    {"id": "zhou-lan", "name": "周兰", "current": False, "stations": ["dongxi-zhan"]},  # a former deputy
]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = console_app(tmp_path)
    data = Path(app.config["SITE_DIR"]) / "data" / "deputies.json"
    site = json.loads(data.read_text(encoding="utf-8"))
    site["deputies"] += NAMESAKES
    data.write_text(json.dumps(site, ensure_ascii=False), encoding="utf-8")
    return app


def post(client, ref: str, action: str, data: dict):
    token = csrf_token(client, f"/staff/cases/{ref}")
    return client.post(f"/staff/cases/{ref}/{action}", data=dict(data) | {"csrf_token": token})


def options(page: str, select_id: str) -> list[tuple[str, str]]:
    block = re.search(rf'<select id="{select_id}" name="deputy">(.*?)</select>', page, re.S)
    assert block, page
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', block[1])


def test_the_picker_offers_the_deputies_of_the_cases_station_by_name(app):
    office = client_for(app, "boss")
    page = office.get("/staff/cases/2026-000002").get_data(as_text=True)  # to station A
    assert options(page, "assign-deputy") == [
        ("", S["deputy_pick_none"]),
        ("cao-wenjie", "曹文杰（东溪代表联络站）"),  # by id: pinyin order
        ("li-ming", "李明（东溪代表联络站），编号 li-ming"),  # namesakes at one station: the id tells them apart
        ("li-ming-2", "李明（东溪代表联络站），编号 li-ming-2"),
    ]
    page = office.get("/staff/cases/2026-000004").get_data(as_text=True)  # to deputy han-sumei of station B
    assert options(page, "assign-deputy") == [
        ("", S["deputy_pick_none"]),
        ("han-sumei", "韩素梅（南山代表联络站）"),
        ("li-ming-nanshan", "李明（南山代表联络站）"),
    ]
    assert '<option value="han-sumei" selected>' in page  # the case's own deputy, preselected
    assert "韩素梅（代表）" in page and "deputy:han-sumei" not in page  # the target by name, not by id


def test_a_deputy_typed_by_chinese_name_is_found_and_namesakes_are_asked_for(app):
    office = client_for(app, "boss")
    before = len(events(app))
    done = post(office, "2026-000002", "assign", {"to_kind": "deputy", "deputy": "", "deputy_other": "韩素梅"})
    assert done.status_code == 303
    assert (events(app)[-1]["deputy"], events(app)[-1]["to"]) == ("han-sumei", "韩素梅")

    before = len(events(app))
    several = post(office, "2026-000001", "assign", {"to_kind": "deputy", "deputy_other": "李明"})
    page = after_refusal(office, several)
    assert len(events(app)) == before  # nothing written
    message = S["deputy_ambiguous"].format(
        name="李明",
        count=3,
        deputies="；".join(
            [
                "李明（东溪代表联络站），编号 li-ming",
                "李明（东溪代表联络站），编号 li-ming-2",
                "李明（南山代表联络站），编号 li-ming-nanshan",
            ]
        ),
    )
    assert message in page
    for unknown in ("王五", "周兰", "zhou-lan"):  # nobody of that name; a former deputy by name and by id
        refused = post(office, "2026-000001", "assign", {"to_kind": "deputy", "deputy_other": unknown})
        assert S["deputy_unknown"].format(name=unknown) in after_refusal(office, refused)
    assert len(events(app)) == before
    chosen = post(office, "2026-000001", "assign", {"to_kind": "deputy", "deputy_other": "li-ming-nanshan"})
    assert chosen.status_code == 303 and events(app)[-1]["deputy"] == "li-ming-nanshan"


def test_a_refusal_shows_at_the_top_and_keeps_what_was_typed(app):
    office = client_for(app, "boss")
    form = {"to_kind": "department", "name": "", "complex": "1", "deadline": "2099-03-01"}  # a department needs a name
    page = after_refusal(office, post(office, "2026-000002", "assign", form))
    top = page.index('role="alert"')
    assert top < page.index('<div class="card">') < page.index('id="assign"')  # above the case, not 1000 px down
    assert '<a href="#assign">' + S["to_form"].format(action=A["assign"]) + "</a>" in page[top:]
    assign = page[page.index('id="assign"') : page.index("</form>", page.index('id="assign"'))]
    assert 'name="complex" value="1" checked' in assign and 'value="2099-03-01"' in assign
    assert 'value="department" checked' in assign and 'class="alert"' in assign  # the message beside the form too

    answer = post(office, "2026-000002", "answer", {"answer": "   "})
    assert messages.STAFF_TEXT_EMPTY.format(what="答复内容") in after_refusal(office, answer)
    note = post(office, "2026-000002", "note", {"note": "\x07"})
    page = after_refusal(office, note)
    assert '<a href="#note">' + S["to_form"].format(action=A["note"]) in page
    assert 'name="complex" value="1" checked' not in page  # the assign form is as the case is, not as posted


def test_a_refused_text_too_long_for_the_session_cookie_is_answered_at_once_and_kept(app):
    """What was typed travels in the signed session cookie; a text that would not fit is not lost: the refusal is
    answered at once, the old way, with the text in its form."""
    office = client_for(app, "boss")
    long_note = "".join(chr(0x4E00 + number * 7919 % 20000) for number in range(1500)) + "\x07"  # no repeats
    refused = post(office, "2026-000002", "note", {"note": long_note})
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert messages.STAFF_TEXT_CONTROL.format(what="备注内容") in page and long_note in page
    assert all(len(value) < 4000 for value in refused.headers.getlist("Set-Cookie"))
    short = post(office, "2026-000002", "note", {"note": "路灯\x07"})
    assert "路灯\x07" in html.unescape(after_refusal(office, short))


# --- a session that ends with a form half done --------------------------------------------------------------------
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def hidden(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def sign_in_from(client, page: str, login: str, password: str = PASSWORD):
    """Post the sign-in form of `page` as a person would: its action, its hidden fields, login and password."""
    action = html.unescape(re.search(r'<form method="post" action="([^"]*/signin[^"]*)"', page)[1])
    return client.post(action, data=hidden(page) | {"login": login, "password": password})


ANSWER = "您反映的路灯问题已转县住建局，\n本周内修复。<b>谢谢</b>"


def test_an_answer_typed_as_the_session_expired_is_kept_through_signing_in(app):
    browser = app.test_client()  # the session cookie has expired: the browser sends none (case 3: handed to 县住建局)
    before = len(events(app))
    expired = browser.post("/staff/cases/2026-000003/answer", data={"answer": ANSWER, "csrf_token": "old"})
    page = expired.get_data(as_text=True)
    assert expired.status_code == 400 and T["csrf"] in page and S["expired_signin"] in page
    assert "来源不明" not in page and 'role="alert"' in page
    fields = hidden(page)
    assert fields["draft.answer"] == ANSWER and fields["draft_to"] == "/staff/cases/2026-000003/answer"
    assert "csrf_token" in fields and "draft.csrf_token" not in fields
    assert "next=/staff/cases/2026-000003" in page

    wrong = sign_in_from(browser, page, "boss", "not-the-password")
    assert wrong.status_code == 401 and hidden(wrong.get_data(as_text=True))["draft.answer"] == ANSWER  # kept
    back = sign_in_from(browser, wrong.get_data(as_text=True), "boss")
    page = back.get_data(as_text=True)
    assert back.status_code == 200 and S["restored"] in page and len(events(app)) == before  # nothing taken
    assert page.index(S["restored"]) < page.index('<div class="card">') and 'role="alert"' not in page
    assert '<a href="#answer">' + S["to_form_kept"].format(action=A["answer"]) + "</a>" in page
    textarea = re.search(r'<textarea id="answer-answer" name="answer"[^>]*>(.*?)</textarea>', page, re.S)[1]
    assert html.unescape(textarea) == ANSWER
    assert re.search(r'<textarea id="note-note" name="note"[^>]*></textarea>', page)  # only the form it came from

    done = browser.post("/staff/cases/2026-000003/answer", data={"answer": ANSWER} | {"csrf_token": csrf(page)})
    assert done.status_code == 303 and events(app)[-1]["answer"].replace("\r\n", "\n") == ANSWER


def csrf(page: str) -> str:
    return hidden(page)["csrf_token"]


def test_a_post_from_another_site_carries_no_draft(app):
    attacker = app.test_client()
    refused = attacker.post(
        "/staff/cases/2026-000001/answer",
        data={"answer": "请拨打 400 电话领取补贴"},
        headers={"Origin": "https://evil.example"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "draft.answer" not in page and "领取补贴" not in page


def test_an_idle_session_keeps_the_typed_note_and_a_stale_tab_gets_its_form_back(app):
    client = client_for(app, "zhan-a")
    token = csrf_token(client, "/staff/cases/2026-000002")
    with client.session_transaction("/staff/") as session:
        session["seen"] = int((now() - timedelta(minutes=31)).timestamp())
    ended = client.post("/staff/cases/2026-000002/note", data={"note": "已电话联系群众", "csrf_token": token})
    page = ended.get_data(as_text=True)
    assert ended.status_code == 401 and S["timed_out_post"] in page and hidden(page)["draft.note"] == "已电话联系群众"
    back = sign_in_from(client, page, "zhan-a").get_data(as_text=True)
    assert ">已电话联系群众</textarea>" in back and S["restored"] in back

    stale = client_for(app, "boss")  # signed in, but the page's token is from an earlier session
    refused = stale.post("/staff/cases/2026-000002/close", data={"reason": "重复留言", "csrf_token": "earlier"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and T["csrf"] + S["kept"] in page and ">重复留言</textarea>" in page


def test_offline_intake_typed_as_the_session_expired_comes_back(app):
    form = {"channel": "phone", "station": "dongxi-zhan", "said_on": "2026-01-05", "text": "村口的桥栏杆松动了"}
    browser = app.test_client()
    expired = browser.post("/staff/intake", data=form | {"csrf_token": "old"})
    page = expired.get_data(as_text=True)
    assert expired.status_code == 400 and "next=/staff/intake" in page
    back = sign_in_from(browser, page, "zhan-a")
    page = back.get_data(as_text=True)
    assert back.status_code == 200 and ">村口的桥栏杆松动了</textarea>" in page and S["restored"] in page
    assert '<option value="phone" selected>' in page


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("/staff/cases?status=all", "/staff/cases?status=all"),
        ("https://evil.example/staff/", "/staff/"),
        ("//evil.example/staff/", "/staff/"),
        ("/staff/\\evil", "/staff/"),
        ("/elsewhere", "/staff/"),
    ],
)
def test_signing_in_returns_to_a_console_page_only(app, target, lands):
    client = app.test_client()
    token = csrf_token(client)
    form = {"login": "boss", "password": PASSWORD, "csrf_token": token}
    done = client.post("/staff/signin", query_string={"next": target}, data=form)
    assert done.status_code == 302 and done.headers["Location"] == lands


def test_on_a_phone_the_list_comes_before_its_filters_and_a_case_names_its_forms_first(app):
    station = client_for(app, "zhan-a")
    plain = station.get("/staff/cases").get_data(as_text=True)
    assert '<details class="card filters">' in plain and plain.index("<details") < plain.index("2026-000001")
    assert re.findall(r'<select id="station" name="station">(.*?)</select>', plain, re.S) == [
        f'\n<option value="">{S["any_station"]}</option>\n<option value="dongxi-zhan">东溪代表联络站</option>\n'
    ]  # its own station, by name
    filtered = station.get("/staff/cases?station=dongxi-zhan").get_data(as_text=True)
    assert '<details class="card filters" open>' in filtered
    assert '<option value="dongxi-zhan" selected>' in filtered
    office = client_for(app, "boss").get("/staff/cases").get_data(as_text=True)
    assert '<option value="nanshan-zhan">南山代表联络站</option>' in office

    case = station.get("/staff/cases/2026-000002").get_data(as_text=True)
    jump = re.search(r'<ul class="jump">(.*?)</ul>', case)[1]
    assert re.findall(r'<a href="#(\w+)">', jump) == ["assign", "close", "note"]  # an answer after the assignment
    assert case.index('<ul class="jump">') < case.index('<div class="card">')
    for action in ("assign", "close", "note"):
        assert f'id="{action}"' in case


def test_the_list_filters_by_area_and_below(app):
    data = Path(app.config["SITE_DIR"]) / "data"
    stations = json.loads((data / "stations.json").read_text(encoding="utf-8"))
    for found, area in zip(stations["stations"], ["990102001", "990102002"], strict=True):
        found["area"] = area
    (data / "stations.json").write_text(json.dumps(stations, ensure_ascii=False), encoding="utf-8")
    areas = [["990102", "青禾县", -1, ""], ["990102001", "禾城镇", 0, ""], ["990102002", "东溪乡", 0, ""]]
    areas.append(["990102003", "空乡", 0, ""])  # no station there: not offered
    (data / "finder.json").write_text(json.dumps({"areas": areas}, ensure_ascii=False), encoding="utf-8")
    office = client_for(app, "boss")

    def listed(query: str) -> list[str]:
        page = office.get(f"/staff/cases?status=all{query}").get_data(as_text=True)
        return sorted(set(re.findall(r'href="/staff/cases/(2026-\d{6})"', page)))

    page = office.get("/staff/cases").get_data(as_text=True)
    assert re.findall(r'<option value="(\d+)">([^<]*)</option>', page) == [
        ("990102", "青禾县"),
        ("990102001", "\u3000禾城镇"),
        ("990102002", "\u3000东溪乡"),
    ]
    assert listed("&area=990102001") == ["2026-000001", "2026-000002"]  # station A's case and its deputy's
    assert listed("&area=990102002") == ["2026-000003", "2026-000004"]
    assert listed("&area=990102") == ["2026-000001", "2026-000002", "2026-000003", "2026-000004"]  # and below
    assert listed("&area=990102003") == [] and listed("&area=nonsense") == listed("")
    assert post(office, "2026-000002", "assign", {"to_kind": "deputy", "deputy": "han-sumei"}).status_code == 303
    assert listed("&area=990102002") == ["2026-000002", "2026-000003", "2026-000004"]  # assigned to B's deputy


def test_the_list_filters_by_a_deputy_named_in_chinese(app):
    office = client_for(app, "boss")

    def listed(query: str) -> tuple[list[str], str]:
        page = office.get(f"/staff/cases?status=all&deputy={query}").get_data(as_text=True)
        return sorted(set(re.findall(r'href="/staff/cases/(2026-\d{6})"', page))), page

    assert listed("曹文杰")[0] == ["2026-000001"] == listed("cao-wenjie")[0]
    refs, page = listed("李明")
    assert S["deputy_ambiguous"].split("“")[0].format(count=3) in page
    assert page.index('role="alert"') < page.index("<details")  # above the (open) filters, not below them
    assert 'name="deputy" value="李明"' in page and refs == []  # the name kept; no list that reads as 李明's
    refs, page = listed("王五")
    assert S["deputy_unknown_typed"].format(name="王五") in page and refs == []


def test_the_category_filter_offers_every_category_of_the_site_s_form(app, tmp_path):
    """In the form's order (data/form.json, as the service reads it), though every case here is 求助; then a category
    a case has that the form no longer offers; only those while the form's data is missing."""

    def offered(app: Flask) -> list[str]:
        page = client_for(app, "boss").get("/staff/cases").get_data(as_text=True)
        block = re.search(r'<select id="category" name="category">(.*?)</select>', page, re.S)
        assert block, page
        return re.findall(r"<option(?: selected)?>([^<]*)</option>", block[1])

    assert offered(app) == ["意见", "建议", "求助", "其他"]
    changed = console_app(tmp_path / "changed")
    form = Path(changed.config["SITE_DIR"]) / "data" / "form.json"
    form.write_text(json.dumps({"categories": ["建议", "咨询"]}, ensure_ascii=False), encoding="utf-8")
    assert offered(changed) == ["建议", "咨询", "求助"]
    missing = console_app(tmp_path / "missing")
    (Path(missing.config["SITE_DIR"]) / "data" / "form.json").unlink()
    assert offered(missing) == ["求助"]


def test_a_case_s_page_says_how_often_it_was_reopened(app):
    office = client_for(app, "boss")
    assert S["reopens"] not in office.get("/staff/cases/2026-000003").get_data(as_text=True)
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    add_event(log, "replied", "2026-000003", "boss", answer="已修复。")
    add_event(log, "rated", "2026-000003", "citizen", rating="不满意")
    page = office.get("/staff/cases/2026-000003").get_data(as_text=True)
    assert f"<dt>{S['reopens']}</dt><dd>1</dd>" in page and "<dd>不满意</dd>" in page
