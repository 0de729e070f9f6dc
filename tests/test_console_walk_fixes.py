"""What a tester found walking the back office on a phone: two citizens saying the same words at a reception day, a
reply template's title field, who imports results, namesake deputies, 转办 to the one who holds the case, and a
skipped notification in English; then the list's filters that were dropped without a word, a refused template out of
sight, and intake's phone message. Real app, real store, no mocks."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import events
from console_helpers import SITE, add_event, client_for, console_app, csrf_token
from flask import Flask
from test_api import GOOD as GOOD_FORM
from test_api import form_receipt
from test_console_intake import good

from forms_api import cases, messages, messages_console, messages_notify
from forms_api.cases import new_code, outbox
from forms_api.staff.cli import main
from forms_api.store.folder import EventLog

I = messages_console.INTAKE_TEXTS  # noqa: E741
ST = messages_console.STAFF_TEXTS
A = messages.ACTION_TEXTS
T = messages.CONSOLE_TEXTS
F = messages.FILTER_TEXTS
SAME_WORDS = "希望村里多装几盏路灯。"
NAMESAKES = [
    {
        "id": "li-mingyuan",
        "name": "李明远",
        "current": True,
        "stations": ["dongxi-zhan"],
        "occupation": "青禾县禾丰小学 校长",
        "memberships": [{"level": "county", "congress": "第十八届"}],
    },
    {
        "id": "li-mingyuan-2",
        "name": "李明远",
        "current": True,
        "stations": ["dongxi-zhan"],
        "occupation": "河湾村 村民小组长",
        "memberships": [{"level": "township", "congress": "第十九届"}],
    },
]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = console_app(tmp_path)
    deputies = {"deputies": SITE["deputies.json"]["deputies"] + NAMESAKES}  # written before any request reads it
    (Path(app.config["SITE_DIR"]) / "data" / "deputies.json").write_text(json.dumps(deputies, ensure_ascii=False))
    return app


def post(client, path: str, form: dict[str, str], page: str | None = None):
    return client.post(path, data=form | {"csrf_token": csrf_token(client, page or path)})


def text_of(response) -> str:
    return text_of_page(response.get_data(as_text=True))


def text_of_page(page: str) -> str:
    return html.unescape(page)


def test_the_same_words_of_another_citizen_can_be_registered_anyway(app):
    """Without a phone, the refusal says what matched (no "同一电话") and offers the box that registers it anyway."""
    client = client_for(app, "zhan-a")
    said = good(text=SAME_WORDS, name="", phone="", consent="", deputy="")
    assert post(client, "/staff/intake", said).status_code == 303
    first = [e for e in events(app) if e["type"] == "submitted"][-1]["ref"]
    refused = post(client, "/staff/intake", said)
    page = text_of(refused)
    assert refused.status_code == 409
    assert I["duplicate_no_phone"].format(minutes=10, ref=first) in page and "同一电话" not in page
    assert 'name="same_words" value="1"' in page and I["same_words"] in page
    assert 'name="same_words"' not in text_of(client.get("/staff/intake"))  # offered only on the refused form
    assert post(client, "/staff/intake", said | {"same_words": "1"}).status_code == 303
    texts = [e["text"] for e in events(app) if e["type"] == "submitted"]
    assert texts.count(SAME_WORDS) == 2


def test_a_repeat_with_a_phone_says_the_phone_matched(app):
    client = client_for(app, "zhan-a")
    assert post(client, "/staff/intake", good()).status_code == 303
    first = [e for e in events(app) if e["type"] == "submitted"][-1]["ref"]
    assert I["duplicate"].format(minutes=10, ref=first) in text_of(post(client, "/staff/intake", good()))


def test_the_template_title_field_starts_empty_or_with_the_template_edited(app):
    client = client_for(app, "boss")
    assert re.search(r'<input type="text" id="title" name="title" value=""', text_of(client.get("/staff/templates")))
    form = {"title": "已转交", "text": "您反映的问题已转交有关部门办理。"}
    assert post(client, "/staff/templates", form).status_code == 303
    page = text_of(client.get("/staff/templates"))
    assert 'id="title" name="title" value=""' in page and A["template_edit"] in page
    edited = text_of(client.get("/staff/templates?edit=已转交"))
    assert 'id="title" name="title" value="已转交"' in edited and f"{form['text']}</textarea>" in edited


def test_only_the_office_is_told_it_imports_results(app):
    x = messages_console.HANDOVER_TEXTS
    station = text_of(client_for(app, "zhan-a").get("/staff/handover"))
    assert x["sheet_lead_station"] in station and x["sheet_lead"] not in station and "即可导入" not in station
    office = text_of(client_for(app, "boss").get("/staff/handover"))
    assert x["sheet_lead"] in office and "代表工作机构" in x["sheet_lead"]


def test_namesakes_are_told_apart_by_congress_and_post(app):
    intake = text_of(client_for(app, "zhan-a").get("/staff/intake"))
    assert "李明远（东溪代表联络站；县（区）人大代表，青禾县禾丰小学 校长），编号 li-mingyuan<" in intake
    assert "李明远（东溪代表联络站；乡镇人大代表，河湾村 村民小组长），编号 li-mingyuan-2<" in intake
    assert "曹文杰（东溪代表联络站）<" in intake  # no namesake: the short label
    office = client_for(app, "boss")
    form = {"login": "lmy", "role": "deputy", "deputy": "李明远"}
    refused = post(office, "/staff/accounts/add", form, "/staff/accounts")
    page = text_of(office.get(refused.headers["Location"]))
    assert "请输入其中一位的编号" in page and "请从列表中选择" not in page
    assert "乡镇人大代表" in page and "县（区）人大代表" in page
    unknown = post(office, "/staff/accounts/add", form | {"deputy": "李明"}, "/staff/accounts")
    page = text_of(office.get(unknown.headers["Location"]))
    assert ST["deputy_unknown_typed"].format(name="李明") in page and "请从列表中选择" not in page
    assert post(office, "/staff/accounts/add", form | {"deputy": "li-mingyuan-2"}, "/staff/accounts").status_code == 303
    listing = text_of(office.get("/staff/accounts"))
    assert "李明远（东溪代表联络站；乡镇人大代表，河湾村 村民小组长），编号 li-mingyuan-2" in listing
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    fields = {"category": "求助", "text": "路灯坏了", "name": "", "phone": "", "anonymous": True}
    add_event(log, "submitted", "2026-000005", "citizen", code=new_code(), target="deputy:li-mingyuan-2", **fields)
    told = "李明远（东溪代表联络站；乡镇人大代表，河湾村 村民小组长），编号 li-mingyuan-2（代表）"
    assert told in text_of(office.get("/staff/cases/2026-000005"))  # which 李明远 the message was for
    assert told in text_of(office.get("/staff/cases"))
    assert "曹文杰（代表）" in text_of(office.get("/staff/cases"))  # no namesake: the name alone


def reopened(app: Flask) -> str:
    """Case 1 (to 曹文杰) assigned to him, answered, reopened: a case a deputy holds again."""
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    ref = "2026-000001"
    add_event(log, "assigned", ref, "boss", to_kind="deputy", to="曹文杰", deputy="cao-wenjie", deadline="2099-01-01")
    add_event(log, "replied", ref, "boss", answer="已联系供电所。")
    add_event(log, "reopened", ref, "boss", reason="路灯还是不亮。")
    return ref


def test_a_reopened_case_offers_one_hand_on_form_not_preset_to_its_holder(app):
    ref = reopened(app)
    client = client_for(app, "boss")
    page = text_of(client.get(f"/staff/cases/{ref}"))
    assert 'id="handover"' in page and 'id="assign"' not in page
    handover = page[page.index('id="handover"') :]
    handover = handover[: handover.index("</form>")]
    assert "selected" not in handover
    before = len(events(app))
    form = {"to_kind": "deputy", "deputy": "cao-wenjie"}
    refused = post(client, f"/staff/cases/{ref}/handover", form, f"/staff/cases/{ref}")
    shown = text_of(client.get(refused.headers["Location"]))
    assert messages.WORKFLOW_ERRORS["handover_same"].format(holder="曹文杰") in shown
    assert len(events(app)) == before
    nobody = post(client, f"/staff/cases/{ref}/handover", {"to_kind": "deputy"}, f"/staff/cases/{ref}")
    assert ST["deputy_missing"] in text_of(client.get(nobody.headers["Location"]))  # no default for 转办
    moved = post(
        client, f"/staff/cases/{ref}/handover", {"to_kind": "department", "name": "县住建局"}, f"/staff/cases/{ref}"
    )
    assert moved.status_code == 303 and events(app)[-1]["to"] == "县住建局"


def test_a_skipped_notice_says_why_in_chinese(app):
    store = app.extensions["forms_api"].store
    [note] = store.append(lambda state: outbox.notice("2026-000001", "citizen", "sms", "replied", {}, "t", None))
    store.append(lambda state: outbox.outbox_event(outbox.SKIPPED, outbox.WORKER, id=note["id"], reason="no_contact"))
    page = text_of(client_for(app, "boss").get("/staff/cases/2026-000001"))
    reason = messages_notify.SKIP_REASONS["no_contact"]
    assert f"：跳过（{reason}）</li>" in page
    assert "no_contact" not in page and "失败" not in page


def test_the_reprint_of_a_case_without_a_phone_does_not_offer_reference_and_phone(app):
    client = client_for(app, "zhan-a")
    posted = post(client, "/staff/intake", good(name="", phone="", consent=""))
    first = text_of(client.get(posted.headers["Location"]))
    assert I["slip_keep_no_phone"] in first and I["slip_keep"] not in first
    ref = posted.headers["Location"].split("/")[-2]
    later = text_of(client_for(app, "boss").get(posted.headers["Location"]))
    assert I["slip_no_code_no_phone"].format(ref=ref) in later and "电话号码查询" not in later
    # no QR code of a /track/ page that could open nothing, and no caption inviting a scan
    assert I["slip_scan"] in first and "<svg" in first
    assert "<svg" not in later and I["slip_scan"] not in later and I["slip_scan_lookup"] not in later


def test_a_citizen_writing_to_one_of_two_namesakes_is_told_which(app):
    """The receipt and the status page say which 李明远 the message went to, as the deputy pages describe them; a
    deputy with a name of their own is named alone."""
    client = app.test_client()
    form = {**GOOD_FORM, "target": "deputy:li-mingyuan-2", "consent": "on"}
    receipt = text_of_page(form_receipt(client, form))
    which = "李明远（代表，东溪代表联络站；乡镇人大代表，河湾村 村民小组长）"
    assert which in receipt
    code = re.search(r'id="tracking-code">([^<]+)<', receipt.replace("<wbr>", ""))
    assert code is not None
    status = client.post("/api/track", data={"code": code.group(1)}, follow_redirects=True)
    assert which in text_of(status)
    other = text_of_page(form_receipt(app.test_client(), {**GOOD_FORM, "consent": "on", "text": "另一条留言。"}))
    assert "曹文杰（代表）" in other


def test_where_a_case_names_its_deputy_namesakes_are_told_apart(app):
    """Two 李明远 at one station: the slip of offline intake (in the citizen's words), the case's 承办, its history, the
    list, the notice after 交办, and show and list say which one; a deputy with a name of their own stays short."""
    station = client_for(app, "zhan-a")
    registered = post(station, "/staff/intake", good(deputy="li-mingyuan-2"))
    slip = text_of(station.get(registered.headers["Location"]))
    assert "<dd>李明远（东溪代表联络站；乡镇人大代表，河湾村 村民小组长）</dd>" in slip and "li-mingyuan" not in slip
    ref = registered.headers["Location"].split("/")[-2]
    office = client_for(app, "boss")
    assigned = post(office, f"/staff/cases/{ref}/assign", {"to_kind": "deputy", "deputy": "li-mingyuan"})
    headmaster = "李明远（东溪代表联络站；县（区）人大代表，青禾县禾丰小学 校长），编号 li-mingyuan"
    page = text_of(office.get(assigned.headers["Location"]))
    assert f"已交办 {ref}：人大代表 {headmaster}，答复期限" in page  # the notice
    assert f"<dt>承办</dt><dd>人大代表 {headmaster}</dd>" in page
    assert f"交办：人大代表 {headmaster}，答复期限" in page  # the history
    assert f"承办：人大代表 {headmaster}" in text_of(office.get("/staff/cases"))
    post(office, "/staff/cases/2026-000001/assign", {"to_kind": "deputy", "deputy": "cao-wenjie"})
    plain = text_of(office.get("/staff/cases/2026-000001"))
    assert "<dt>承办</dt><dd>人大代表 曹文杰</dd>" in plain and "编号 cao-wenjie" not in plain
    base = ["--queue", str(app.config["QUEUE_DIR"]), "--site", str(app.config["SITE_DIR"])]
    shown = CliRunner().invoke(main, [*base[:2], "show", ref, *base[2:]]).stdout
    assert f"承办：人大代表 {headmaster}" in shown and f"交办：人大代表 {headmaster}，答复期限" in shown
    listed = CliRunner().invoke(main, [*base[:2], "list", *base[2:]]).stdout
    assert f"人大代表 {headmaster}" in listed and "人大代表 曹文杰 " in listed


def test_the_deputies_index_is_made_once_for_each_version_of_the_site_s_data(app):
    """Names, namesakes and stations of 20,000 deputies are grouped once, not for every case a list shows: again only
    when the site's data changes (a rebuild), and then from the new data."""
    from forms_api.public.deputies import namesakes
    from forms_api.public.sitedata import Targets

    data = Path(app.config["SITE_DIR"]) / "data" / "deputies.json"
    targets, made = Targets(data.parent.parent, recheck_seconds=0), []
    count = lambda found: made.append(1) or len(found.listed("deputy"))  # noqa: E731
    assert targets.derived(count) == targets.derived(count) and len(made) == 1
    assert "li-mingyuan" in namesakes(targets, ["li-mingyuan", "li-mingyuan-2", "cao-wenjie"])
    deputies = json.loads(data.read_text(encoding="utf-8"))
    deputies["deputies"] = [d for d in deputies["deputies"] if d["id"] != "li-mingyuan-2"]  # one 李明远 left
    data.write_text(json.dumps(deputies, ensure_ascii=False), encoding="utf-8")
    stat = data.stat()
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert targets.derived(count) == targets.derived(count) and len(made) == 2
    assert namesakes(targets, ["li-mingyuan", "cao-wenjie"]) == {}  # no namesake any more: the short name


CASE_LINK = re.compile(r'href="/staff/cases/(2026-\d{6})"')


@pytest.mark.parametrize(
    ("query", "problems"),
    [
        ("since=2026-12-10&until=2026-12-01", [messages_console.HANDOVER_TEXTS["reversed_dates"]]),  # as the export
        ("since=abc", [F["bad_since"].format(value="abc", example="{today}")]),
        ("until=2026-13-01", [F["bad_until"].format(value="2026-13-01", example="{today}")]),
        ("deputy=张三丰", [ST["deputy_unknown_typed"].format(name="张三丰")]),  # no list to choose from here
        (
            "deputy=李明远&since=x",
            [F["bad_since"].format(value="x", example="{today}"), "有 2 位现任代表名叫“李明远”"],
        ),
    ],
)
def test_a_refused_filter_lists_nothing_and_says_why(app, query, problems):
    """Never 共 0 条 without a word, nor every case under a filter that was not taken (it read as 张三丰's cases)."""
    shown = client_for(app, "boss").get(f"/staff/cases?status=all&{query}")
    page = text_of(shown)
    today = cases.now().date().isoformat()
    assert shown.status_code == 400 and 'role="alert"' in page and F["refused"] in page
    for problem in problems:
        assert problem.replace("{today}", today) in page
    assert F["none_listed"] in page and not CASE_LINK.findall(page)
    assert T["count"].format(count=0, overdue=0) not in page and T["none"] not in page
    assert page.index('role="alert"') < page.index("<details") and '<details class="card filters" open>' in page


def test_good_filters_still_list_with_their_count(app):
    today = cases.now().date()
    page = text_of(client_for(app, "boss").get(f"/staff/cases?status=all&since={today}&until={today}"))
    assert len(set(CASE_LINK.findall(page))) == 4 and T["count"].format(count=4, overdue=0) in page
    assert F["refused"] not in page


def test_a_template_without_a_title_comes_back_with_why_and_the_text_kept(app):
    """The refusal is shown on the form, below every template: the browser is sent there (#add), not to the top of
    a long page where nothing seemed to happen."""
    client = client_for(app, "boss")
    for number in range(6):
        assert post(client, "/staff/templates", {"title": f"模板{number}", "text": "内容" * 200}).status_code == 303
    refused = post(client, "/staff/templates", {"title": "  ", "text": "您反映的问题已转交。"})
    assert refused.status_code == 303 and refused.headers["Location"] == "/staff/templates#add"
    page = text_of(client.get("/staff/templates"))
    form = page[page.index('<form method="post" action="/staff/templates" class="card" id="add">') :]
    assert form.index(messages.TEMPLATE_ERRORS["title"]) < form.index('id="title"')
    assert ">您反映的问题已转交。</textarea>" in form
    assert [found.title for found in app.extensions["forms_api.console"].templates.all()] == [
        f"模板{number}" for number in range(6)
    ]


def test_intake_says_what_a_phone_number_looks_like_as_the_citizen_form_does(app):
    client = client_for(app, "zhan-a")
    page = text_of(post(client, "/staff/intake", good(phone="12345")))
    assert messages.FIELD_ERRORS["phone_invalid"] in page and "11 位" in I["bad_phone"] and "区号" in I["bad_phone"]
