"""The back office's case actions and reply templates: the permission matrix over every new POST route and role,
the events they append (read by the staff tools and the tracking API as CLI-made ones), refusals that write
nothing, CSRF on every new form, inert HTML. Real app, real store, no mocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import events
from console_helpers import ACCOUNTS, SCOPE, add_event, after_refusal, client_for, console_app, csrf_token, implements
from flask import Flask

from forms_api import messages
from forms_api.accounts.access import PERMISSIONS
from forms_api.console.case import EVENTS
from forms_api.messages_console import STAFF_TEXTS
from forms_api.staff.cli import main
from forms_api.store import ReplyTemplates, open_templates
from forms_api.store.folder import EventLog
from forms_api.store.templates import TemplateFile

A = messages.ACTION_TEXTS
T = messages.CONSOLE_TEXTS
REFS = sorted(SCOPE)
ROLES = (*ACCOUNTS, None)  # None: anonymous
PAST = "2020-01-06"
# action -> the form that takes it on any of the four cases
FORMS = {
    # case 3 is assigned already: it keeps its deadline; neither unit has an account yet (new_unit: confirmed)
    "assign": {"to_kind": "department", "name": "县交通局", "new_unit": "1"},
    "handover": {"to_kind": "department", "name": "县水务局", "new_unit": "1"},
    "answer": {"answer": "已修复路灯。", "answer_anyway": "1"},  # with the hotline or 县住建局: answered anyway
    "close": {"reason": "已处理完毕", "told": "duplicate"},  # what the citizen reads, if not answered yet
    "reopen": {"reason": "群众反映仍未修好"},
    "note": {"note": "已电话联系"},
    "urge": {},
    "result": {"note": "已派人维修"},
    "followup": {"satisfaction": "基本满意", "note": "电话回访"},
    "approve": {},
    "send_back": {"note": "请写明维修日期"},
    "return_ask": {"reason": "不属于本单位职责"},
    "return_decline": {"reason": "经核实属于贵单位职责"},
}


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def log(app: Flask) -> EventLog:
    return EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)


def prepare(app: Flask, action: str) -> None:
    """Every case in a state where `action` is allowed: handed over and overdue for a hand-over, an urge or an
    answer (case 3 stays with 县住建局, the others go to the hotline, out of the handler's scope; case 1 then to its
    deputy for 申请退回), each with a 申请退回 for its decline, closed for a reopening, answered for a follow-up call,
    with a deputy's draft answer for a review."""
    if action in ("handover", "urge", "answer", "followup", "approve", "send_back", "return_ask", "return_decline"):
        for ref in REFS:
            name, kind = ("县住建局", "department") if ref == "2026-000003" else ("12345", "hotline")
            add_event(log(app), "assigned", ref, "李办事员", to_kind=kind, to=name, deadline=PAST)
    if action == "return_ask":  # case 1 with its deputy, who may ask to hand it back as 县住建局 may case 3
        add_event(
            log(app), "assigned", REFS[0], "李办事员", to_kind="deputy", to="曹文杰", deputy="cao-wenjie", deadline=PAST
        )
    for ref in REFS:
        if action == "return_decline":
            add_event(log(app), "return_asked", ref, "zhujian", reason="不属于本单位职责")
        if action == "reopen":
            add_event(log(app), "closed", ref, "李办事员")
        if action == "followup":
            add_event(log(app), "replied", ref, "李办事员", answer="已修复。")
        if action in ("approve", "send_back"):
            add_event(log(app), "drafted", ref, "cao", answer="已修复。")


def post(client, ref: str, action: str, data: dict, token: str | None):
    form = dict(data) | ({} if token is None else {"csrf_token": token})
    return client.post(f"/staff/cases/{ref}/{action}", data=form)


def expected(login: str | None, action: str, ref: str) -> int:
    """302 to sign in for nobody; 403 outside the role's actions or the account's scope; else 303 back to the case."""
    if login is None:
        return 302
    if ACCOUNTS[login][0] not in PERMISSIONS[action] or login not in SCOPE[ref]:
        return 403
    return 303


@pytest.mark.parametrize("action", list(EVENTS))
@pytest.mark.parametrize("login", ROLES, ids=[str(login) for login in ROLES])
def test_permission_matrix_of_the_actions(tmp_path, login, action):
    app = console_app(tmp_path)
    prepare(app, action)
    client = client_for(app, login)
    token = csrf_token(client, "/staff/signin" if login is None else "/staff/")
    for ref in REFS:
        before = len(events(app))
        response = post(client, ref, action, FORMS[action], token)
        want = expected(login, action, ref)
        assert response.status_code == want, (login, action, ref, response.get_data(as_text=True)[-600:])
        if want == 302:
            assert response.headers["Location"].startswith("/staff/signin?next=")
        if want == 403:
            assert T["forbidden"] in response.get_data(as_text=True)
        if want == 303:
            assert response.headers["Location"] == f"/staff/cases/{ref}"
            last = events(app)[-1]
            assert (last["type"], last["ref"], last["by"]) == (EVENTS[action], ref, login)
        assert len(events(app)) == before + (want == 303)


TEMPLATE_ROUTES = [("get", "/staff/templates", 200), ("post", "/staff/templates", 303)]
TEMPLATE_ROUTES += [("post", "/staff/templates/delete", 303)]


@pytest.mark.parametrize("login", ROLES, ids=[str(login) for login in ROLES])
def test_permission_matrix_of_the_templates(app, login):
    client = client_for(app, login)
    token = csrf_token(client, "/staff/signin" if login is None else "/staff/")
    for method, path, ok in TEMPLATE_ROUTES:
        data = {"csrf_token": token, "title": "路灯", "text": "您好，路灯已修复。"}
        response = client.get(path) if method == "get" else client.post(path, data=data)
        want = 302 if login is None else ok if ACCOUNTS[login][0] == "office" else 403
        assert response.status_code == want, (login, path)


def test_the_events_are_the_ones_the_staff_tools_append(app):
    """The same action through the console (case 2) and the CLI (case 4): the same event but for ref, at and by."""
    client = client_for(app, "boss")
    token = csrf_token(client, "/staff/")
    queue = app.config["QUEUE_DIR"]

    def cli(*args: str) -> None:
        result = CliRunner().invoke(main, ["--queue", str(queue), *args, "--by", "boss"])
        assert result.exit_code == 0, result.output

    steps = [
        (
            "assign",
            {"to_kind": "department", "name": "县交通局", "new_unit": "1"},
            ("assign", "--to", "department", "--name", "县交通局", "--new-unit"),
        ),
        ("note", {"note": "已电话联系"}, ("note", "--text", "已电话联系")),
        ("answer", {"answer": "已修复。"}, ("reply", "--answer", "已修复。", "--yes")),
        ("close", {"reason": "已办结", "force": "1"}, ("close", "--reason", "已办结", "--force")),
        ("reopen", {"reason": "仍未修好"}, ("reopen", "--reason", "仍未修好")),
    ]
    for action, form, command in steps:
        assert post(client, "2026-000002", action, form, token).status_code == 303
        cli(command[0], "2026-000004", *command[1:])
        ours, theirs = events(app)[-2:]
        strip = {"ref", "at"}
        assert {k: v for k, v in ours.items() if k not in strip} == {k: v for k, v in theirs.items() if k not in strip}
    shown = CliRunner().invoke(main, ["--queue", str(queue), "show", "2026-000002"])
    assert shown.exit_code == 0
    assert re.findall(r"boss  (\S+)", shown.output)[-5:] == [  # the history, after the notes
        "交办：职能部门",
        "内部备注",
        "答复",
        "办结：已办结（强制办结）",
        "重新办理：仍未修好",
    ]


def test_assigning_to_a_deputy_keeps_the_id_and_brings_the_case_into_scope(app):
    office = client_for(app, "boss")
    token = csrf_token(office, "/staff/")
    station_b = client_for(app, "zhan-b")
    assert station_b.get("/staff/cases/2026-000002").status_code == 403
    response = post(office, "2026-000002", "assign", {"to_kind": "deputy", "deputy": "han-sumei"}, token)
    assert response.status_code == 303
    last = events(app)[-1]
    assert (last["to_kind"], last["to"], last["deputy"]) == ("deputy", "韩素梅", "han-sumei")
    assert station_b.get("/staff/cases/2026-000002").status_code == 200  # han-sumei is a deputy of station B
    unknown = post(office, "2026-000001", "assign", {"to_kind": "deputy", "deputy": "nobody"}, token)
    assert STAFF_TEXTS["deputy_unknown"].format(name="nobody") in after_refusal(office, unknown)
    default = post(office, "2026-000001", "assign", {"to_kind": "deputy", "deputy": ""}, token)
    assert default.status_code == 303 and events(app)[-1]["deputy"] == "cao-wenjie"  # the case's own deputy
    page = office.get("/staff/cases/2026-000001").get_data(as_text=True)
    assert "已交办 2026-000001：人大代表 曹文杰" in page  # the confirmation, once


def code_of(app: Flask, ref: str) -> str:
    return next(event["code"] for event in events(app) if event["type"] == "submitted" and event["ref"] == ref)


def test_the_answer_is_public_and_notes_urges_and_results_never_are(app):
    add_event(log(app), "assigned", "2026-000003", "李办事员", to_kind="department", to="县住建局", deadline=PAST)
    office, handler = client_for(app, "boss"), client_for(app, "zhujian")
    token, handler_token = csrf_token(office, "/staff/"), csrf_token(handler, "/staff/")
    assert post(office, "2026-000003", "urge", {}, token).status_code == 303
    assert post(office, "2026-000003", "note", {"note": "内部的话"}, token).status_code == 303
    form = handler.get("/staff/cases/2026-000003").get_data(as_text=True)
    assert "<h3>办理结果</h3>" in form and ">办理情况（做了什么，结果如何）</label>" in form  # three different words
    assert '<button type="submit">提交办理结果</button>' in form
    assert post(handler, "2026-000003", "result", {"note": "已派人维修完毕"}, handler_token).status_code == 303
    assert events(app)[-1]["result"] is True and events(app)[-1]["by"] == "zhujian"
    api = app.test_client()
    tracked = api.post("/api/track", json={"code": code_of(app, "2026-000003")}).get_data(as_text=True)
    for secret in ("内部的话", "已派人维修完毕", "催办", "urged", "noted", "zhujian", "boss"):
        assert secret not in tracked
    page = office.get("/staff/cases/2026-000003").get_data(as_text=True)
    assert re.search(r"\d{2}:\d{2} boss（代表工作机构） 催办</li>", page)
    assert re.search(r"\d{2}:\d{2} zhujian（承办单位：县住建局） 办理结果</li>", page)
    assert post(office, "2026-000003", "answer", {"answer": "路灯已于今日修复。"}, token).status_code == 303
    tracked = api.post("/api/track", json={"code": code_of(app, "2026-000003")}).get_json()
    assert tracked["answer"] == "路灯已于今日修复。" and tracked["status"] == "replied"
    shown = CliRunner().invoke(main, ["--queue", app.config["QUEUE_DIR"], "show", "2026-000003"])
    assert "boss  催办" in shown.output and "zhujian  办理结果" in shown.output and "路灯已于今日修复。" in shown.output


@pytest.mark.parametrize(
    ("setup", "action", "form", "code"),
    [
        ("closed", "close", {"reason": "再办结一次"}, "close_closed"),
        ("", "urge", {}, "urge_unassigned"),
        ("assigned", "urge", {}, "urge_not_overdue"),
        ("replied", "urge", {}, "urge_answered"),
        ("", "handover", {"to_kind": "hotline"}, "handover_unassigned"),
        ("", "reopen", {"reason": "无"}, "reopen_open"),
        ("replied", "answer", {"answer": "再答一次"}, "reply_replied"),
    ],
)
def test_a_refused_transition_says_why_and_writes_nothing(app, setup, action, form, code):
    if setup == "closed":
        add_event(log(app), "closed", "2026-000002", "李办事员")
    if setup == "replied":
        add_event(log(app), "assigned", "2026-000002", "李办事员", to_kind="hotline", to="12345", deadline=PAST)
        add_event(log(app), "replied", "2026-000002", "李办事员", answer="已答复")
    if setup == "assigned":
        add_event(log(app), "assigned", "2026-000002", "李办事员", to_kind="hotline", to="12345", deadline="2099-01-01")
    client = client_for(app, "boss")
    before = events(app)
    response = post(client, "2026-000002", action, form, csrf_token(client, "/staff/"))
    assert A["error"].format(message=messages.WORKFLOW_ERRORS[code]) in after_refusal(client, response)
    assert events(app) == before


@pytest.mark.parametrize(
    ("action", "form", "message"),
    [
        ("note", {"note": "  "}, messages.STAFF_TEXT_EMPTY.format(what="备注内容")),
        ("result", {"note": "  "}, messages.STAFF_TEXT_EMPTY.format(what="办理结果")),  # was a 500
        ("answer", {"answer": "bell\x07"}, messages.STAFF_TEXT_CONTROL.format(what="答复内容")),
        ("assign", {"to_kind": "department", "name": ""}, messages.STAFF_TEXT_EMPTY.format(what="承办者名称")),
        ("assign", {"to_kind": "mayor"}, A["bad_to_kind"]),
        ("assign", {"to_kind": "hotline", "deadline": "2020-01-01"}, "早于今天"),
        ("assign", {"to_kind": "hotline", "deadline": "2099-12-31"}, "晚于 60 天后"),  # a typo, kept for good
        ("close", {"reason": ""}, messages.STAFF_TEXT_EMPTY.format(what="原因")),
        ("close", {"reason": "重复留言"}, A["told_missing"]),  # not answered: the citizen must be told why
        ("close", {"reason": "重复留言", "told": "made-up"}, A["told_missing"]),
    ],
)
def test_a_bad_form_says_why_keeps_the_text_and_writes_nothing(app, action, form, message):
    client = client_for(app, "boss")
    before = events(app)
    response = post(client, "2026-000001", action, form, csrf_token(client, "/staff/"))
    assert message in after_refusal(client, response)
    assert events(app) == before


NEW_FORMS = [f"/staff/cases/2026-000001/{action}" for action in EVENTS]
NEW_FORMS += ["/staff/templates", "/staff/templates/delete", "/staff/cases/2026-000001/template"]


@pytest.mark.parametrize("path", NEW_FORMS)
@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_every_new_form_needs_the_csrf_token(app, path, token):
    open_templates(app.config).change(lambda current: [*current])
    client = client_for(app, "boss")
    csrf_token(client, "/staff/")
    before = events(app)
    data = {"note": "x", "answer": "x", "reason": "x", "to_kind": "hotline", "title": "t", "text": "x"}
    response = client.post(path, data=data | ({} if token is None else {"csrf_token": token}))
    assert response.status_code == 400 and T["csrf"] in response.get_data(as_text=True)
    assert events(app) == before and open_templates(app.config).all() == []


def test_html_in_a_note_or_an_answer_is_inert(app):
    client = client_for(app, "boss")
    token = csrf_token(client, "/staff/")
    markup = '<script>alert("x")</script><img src=x onerror=alert(2)>'
    add_event(log(app), "assigned", "2026-000002", "李办事员", to_kind="hotline", to="12345", deadline=PAST)
    assert post(client, "2026-000002", "note", {"note": markup}, token).status_code == 303
    assert post(client, "2026-000002", "answer", {"answer": markup}, token).status_code == 303
    page = client.get("/staff/cases/2026-000002").get_data(as_text=True)
    assert "<script>alert(" not in page and "<img src=x onerror=alert(2)>" not in page
    assert page.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") == 2


def test_reply_templates_fill_the_answer_box_without_javascript(app):
    office = client_for(app, "boss")
    token = csrf_token(office, "/staff/templates")
    text = "您好，<b>路灯</b>已修复。"
    assert office.post("/staff/templates", data={"csrf_token": token, "title": "路灯", "text": text}).status_code == 303
    bad = office.post("/staff/templates", data={"csrf_token": token, "title": "", "text": "x"})
    page = after_refusal(office, bad)
    assert messages.TEMPLATE_ERRORS["title"] in page and '<textarea id="text" name="text" rows="6" required>x<' in page
    assert [found.title for found in open_templates(app.config).all()] == ["路灯"]
    add_event(log(app), "assigned", "2026-000001", "boss", to_kind="deputy", to="曹文杰", deadline=PAST)
    deputy = client_for(app, "cao")  # a deputy answers a case assigned to them, and is offered the templates
    page = deputy.get("/staff/cases/2026-000001").get_data(as_text=True)
    assert '<option value="0">路灯</option>' in page and "&lt;b&gt;路灯" not in page
    assert 'formaction="/staff/cases/2026-000001/template" formnovalidate>' in page
    filled = deputy.get("/staff/cases/2026-000001?template=0").get_data(as_text=True)  # a link of the old form
    assert re.search(r'name="answer" rows="4" required>您好，&lt;b&gt;路灯&lt;/b&gt;已修复。</textarea>', filled)
    before, draft = events(app), "王先生：\n您反映的路灯问题，"
    for typed, chosen, box in [  # (what was typed, the template picked, the box after 填入答复框)
        (draft, "0", draft + "\n\n您好，&lt;b&gt;路灯&lt;/b&gt;已修复。"),  # the draft kept, the template after it
        ("  ", "0", "您好，&lt;b&gt;路灯&lt;/b&gt;已修复。"),
        (draft, "", draft),  # no template picked: the draft as it was
        (draft, "7", draft),  # a template deleted meanwhile
    ]:
        form = {"csrf_token": csrf_token(deputy, "/staff/"), "action": "answer", "answer": typed, "template": chosen}
        posted = deputy.post("/staff/cases/2026-000001/template", data=form)
        assert posted.status_code == 303 and posted.headers["Location"] == "/staff/cases/2026-000001#answer"
        page = after_refusal(deputy, posted)
        assert f'name="answer" rows="4" required>{box}</textarea>' in page and A["error"][:4] not in page
    assert events(app) == before  # nothing is stored until the answer is sent
    gone = office.post("/staff/templates/delete", data={"csrf_token": token, "title": "路灯"})
    assert gone.status_code == 303 and open_templates(app.config).all() == []


@pytest.mark.parametrize("login", ROLES, ids=[str(login) for login in ROLES])
def test_permission_matrix_of_filling_in_a_template(app, login):
    """填入答复框 for those who may answer a case in their scope; it writes nothing."""
    client = client_for(app, login)
    token = csrf_token(client, "/staff/signin" if login is None else "/staff/")
    before = events(app)
    for ref in REFS:
        response = client.post(f"/staff/cases/{ref}/template", data={"csrf_token": token, "answer": "x"})
        assert response.status_code == expected(login, "answer", ref), (login, ref)
    assert events(app) == before


def test_the_folder_templates_are_reply_templates(tmp_path: Path) -> None:
    """Every method of the ReplyTemplates protocol, with the same parameters, on what open_templates returns."""
    templates = open_templates({"QUEUE_DIR": tmp_path / "queue"})
    assert isinstance(templates, TemplateFile)
    implements(TemplateFile, ReplyTemplates)
    assert (tmp_path / "queue" / "templates.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("query", "login", "refs"),
    [
        ("station=dongxi-zhan", "boss", {"2026-000001", "2026-000002"}),  # the station's cases and its deputy's
        ("station=nanshan-zhan", "zhan-a", set()),  # a filter never widens the scope
        ("deputy=han-sumei", "boss", {"2026-000004"}),
        ("category=求助", "boss", set(REFS)),
        ("category=建议", "boss", set()),
        ("since=2000-01-01&until=2099-12-31", "boss", set(REFS)),
        ("until=2000-01-01", "boss", set()),
    ],
)
def test_the_list_filters_by_station_deputy_category_and_dates(app, query, login, refs):
    page = client_for(app, login).get(f"/staff/cases?status=all&{query}").get_data(as_text=True)
    assert set(re.findall(r'href="/staff/cases/(2026-\d{6})"', page)) == refs


def test_a_case_assigned_to_a_deputy_is_listed_under_that_deputy(app):
    add_event(
        log(app), "assigned", "2026-000002", "boss", to_kind="deputy", to="韩素梅", deadline=PAST, deputy="han-sumei"
    )
    page = client_for(app, "boss").get("/staff/cases?status=all&deputy=han-sumei").get_data(as_text=True)
    assert set(re.findall(r'href="/staff/cases/(2026-\d{6})"', page)) == {"2026-000002", "2026-000004"}


def test_closing_an_unanswered_case_tells_the_citizen_one_of_the_set_reasons(app):
    """The office picks what the citizen reads (the reason it types stays internal); an answered case needs none."""
    office = client_for(app, "boss")
    page = office.get("/staff/cases/2026-000001").get_data(as_text=True)
    assert 'name="told"' in page and messages.CLOSED_TOLD["withdrawn"] in page
    form = {"reason": "群众来电说不用办了", "told": "withdrawn"}
    assert post(office, "2026-000001", "close", form, csrf_token(office, "/staff/")).status_code == 303
    closed = events(app)[-1]
    assert (closed["type"], closed["reason"], closed["told"]) == ("closed", "群众来电说不用办了", "withdrawn")
    timeline = office.get("/staff/cases/2026-000001").get_data(as_text=True)
    assert f"告知群众：{messages.CLOSED_TOLD['withdrawn']}" in timeline
