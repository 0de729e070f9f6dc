"""The hand-over round trip in the console: the permission matrix of its routes × every role, the 交办单 (what it
shows, and a logged showing of name and phone), the hand-over sheet within scope, the results import (preview with
every bad row, nothing applied unless ticked, a second import adds nothing), CSRF on its forms, and the queue's
markers. Real app, real store, no mocks."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import events
from console_helpers import (
    ACCOUNTS,
    PHONES,
    SCOPE,
    add_event,
    after_refusal,
    client_for,
    console_app,
    csrf_token,
    make_account,
)
from flask import Flask
from openpyxl import Workbook
from test_posters import zbar

from forms_api import messages, messages_console
from forms_api.accounts.access import PERMISSIONS
from forms_api.cases import now
from forms_api.console.previews import keep
from forms_api.store.folder import EventLog

X = messages_console.HANDOVER_TEXTS
F = messages_console.HANDOVER_FILE_ERRORS
E = messages_console.HANDOVER_ROW_ERRORS
REFS = sorted(SCOPE)
ROLES = (*ACCOUNTS, None)  # None: anonymous
HANDED = "2026-000003"  # the one case handed to a department (县住建局), of station B


def today() -> str:
    """Taken when a test runs, as the app takes it: a suite crossing midnight still dates both alike."""
    return now().date().isoformat()


def rows() -> list[list[str]]:
    return [
        ["留言编号", "工单号", "办理结果", "日期", "承办单位"],
        [HANDED, "ZJ-0001", "已更换路灯。", today(), "县住建局"],
        ["2026-000001", "ZJ-0002", "已处理", today(), "县住建局"],
        [HANDED, "ZJ-0003", "", today(), "县住建局"],
        ["2026-000404", "ZJ-0004", "已处理", today(), "县住建局"],
    ]


ROW_ERRORS = [
    "第 3 行：留言 2026-000001 没有交办给“县住建局”（现在的承办：未交办）。",
    "第 4 行：“办理结果”为空。",
    "第 5 行：找不到留言 2026-000404。",
]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name: str = "results.xlsx", token: str | None = "fetch"):
    """Post a results file: the answer is a redirect (303) to the preview's own page, or back to the hand-over
    page saying why the file cannot be read."""
    form: dict = {"file": (io.BytesIO(data), name)}
    if token == "fetch":
        token = csrf_token(client, "/staff/handover")
    if token is not None:
        form["csrf_token"] = token
    return client.post("/staff/handover/import", data=form, content_type="multipart/form-data")


def previewed(client, data: bytes, name: str = "results.xlsx"):
    """The preview's page (a GET, after the upload's redirect), as a browser reaches it."""
    posted = upload(client, data, name)
    assert posted.status_code == 303, posted.get_data(as_text=True)
    return client.get(posted.headers["Location"])


def preview_rows(page: str) -> list[list[str]]:
    """The rows the preview's table says an import would add: 行号, 留言编号, 工单号, 办理结果, 日期, 承办单位."""
    table = re.search(r'<table class="preview-rows"[^>]*>.*?<tbody>(.*?)</tbody>', page, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table[1])] if table else []


def preview_id(page: str) -> str:
    match = re.search(r'name="preview" value="([^"]+)"', page)
    assert match, page
    return match[1]


def allowed(login: str | None, action: str, ref: str | None = None) -> int:
    """302 to sign in for nobody; 403 outside the role's actions or the account's scope; else 0 (the route's own)."""
    if login is None:
        return 302
    if ACCOUNTS[login][0] not in PERMISSIONS[action] or (ref is not None and login not in SCOPE[ref]):
        return 403
    return 0


@pytest.mark.parametrize("login", ROLES, ids=[str(login) for login in ROLES])
def test_permission_matrix(app, login):
    client = client_for(app, login)
    token = csrf_token(client, "/staff/signin" if login is None else "/staff/")
    for ref in REFS:  # the 交办单: 200 for the case handed to a department, 409 (no 交办单) for the others
        want = allowed(login, "handover_slip", ref) or (200 if ref == HANDED else 409)
        assert client.get(f"/staff/cases/{ref}/slip").status_code == want, (login, ref)
        personal = allowed(login, "handover_slip", ref) or allowed(login, "personal") or (303 if want == 200 else want)
        assert client.post(f"/staff/cases/{ref}/slip", data={"csrf_token": token}).status_code == personal, (login, ref)
    for path in ("/staff/handover", f"/staff/handover/sheet?handler=县住建局&since={today()}&format=csv"):
        assert client.get(path).status_code == (allowed(login, "handover_sheet") or 200), (login, path)
    preview = upload(client, xlsx(rows()), token=token)
    assert preview.status_code == (allowed(login, "handover_import") or 303), login
    if preview.status_code == 303:
        assert client.get(preview.headers["Location"]).status_code == 200
    apply = client.post("/staff/handover/import/apply", data={"csrf_token": token, "preview": "forged"})
    assert apply.status_code == (allowed(login, "handover_import") or 303), login
    if login is None:
        assert preview.headers["Location"].startswith("/staff/signin?next=")


def decoded_qr(svg: str, tmp_path: Path) -> list[str]:
    """What zbarimg reads from a QR code drawn as the console draws it (forms_api/console/totp.py: one rectangle per
    run of dark modules), scaled up and written as a PBM image."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg)[1])
    grid = [[False] * size for _ in range(size)]
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        for column in range(int(x), int(x) + int(run)):
            grid[int(y)][column] = True
    scale = 8
    rows = [[cell for cell in row for _ in range(scale)] for row in grid for _ in range(scale)]
    image = tmp_path / "qr.pbm"
    image.write_text(f"P1\n{len(rows[0])} {len(rows)}\n" + "\n".join(" ".join("01"[c] for c in row) for row in rows))
    return zbar(image)


def test_the_slip_s_qr_code_carries_the_reference_a_department_reports_back_with(app, tmp_path):
    """Not a link into the back office, which a department without an account cannot open: the reference itself,
    which its results file needs (and a scanner types into a ticket system), and a caption saying so."""
    page = client_for(app, "boss").get(f"/staff/cases/{HANDED}/slip").get_data(as_text=True)
    figure = page[page.index('<figure class="handover-qr">') : page.index("</figure>")]
    assert decoded_qr(figure, tmp_path) == [HANDED]
    caption = X["slip_qr_caption"].format(ref=f'<span class="nowrap">{HANDED}</span>')  # never broken at its hyphen
    assert caption in figure and "不需要账号" in figure
    assert "/staff/" not in figure


def test_the_slip_shows_what_the_handler_needs_and_name_and_phone_only_after_a_logged_showing(app):
    office = client_for(app, "boss")
    before = events(app)
    page = office.get(f"/staff/cases/{HANDED}/slip").get_data(as_text=True)
    for shown in (X["slip_heading"], HANDED, "职能部门 县住建局", "2099-01-01", "求助", today(), "李办事员"):
        assert shown in page, shown
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page and "<script>alert" not in page  # the citizen's text, inert
    assert PHONES[HANDED] not in page and "留言人3" not in page and X["slip_personal_show"] in page
    assert f'aria-label="{X["slip_qr_title"].format(ref=HANDED)}"' in page and "@page handover" in page
    assert events(app) == before  # looking at the slip logs nothing
    shown = office.post(f"/staff/cases/{HANDED}/slip", data={"csrf_token": csrf_token(office, "/staff/")})
    assert (shown.status_code, shown.headers["Location"]) == (303, f"/staff/cases/{HANDED}/slip")
    text = office.get(f"/staff/cases/{HANDED}/slip").get_data(as_text=True)  # POST/redirect/GET, shown once
    assert PHONES[HANDED] in text and "留言人3" in text
    assert X["slip_personal_show"] not in text
    assert PHONES[HANDED] not in office.get(f"/staff/cases/{HANDED}/slip").get_data(as_text=True)
    last = events(app)[-1]
    assert len(events(app)) == len(before) + 1
    assert (last["type"], last["ref"], last["by"]) == ("viewed", HANDED, "boss")
    case_page = office.get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    assert f'href="/staff/cases/{HANDED}/slip"' in case_page
    assert 'href="/staff/cases/2026-000001/slip"' not in office.get("/staff/cases/2026-000001").get_data(as_text=True)


def test_the_sheet_is_the_account_s_cases_in_the_range(app):
    def sheet(login: str, query: str) -> list[list[str]]:
        response = client_for(app, login).get(f"/staff/handover/sheet?{query}")
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))

    rows = sheet("boss", f"handler=县住建局&since={today()}&format=csv")
    assert rows[0] == [
        "留言编号",
        "承办单位",
        "交办日期",
        "答复期限",
        "类别",
        "留言对象",
        "留言内容",
        "满意度",
        "重办次数",
        "工单号",
        "办理结果",
        "日期",
    ]
    assert [row[:4] for row in rows[1:]] == [[HANDED, "县住建局", today(), "2099-01-01"]]
    assert sheet("zhan-b", f"handler=县住建局&since={today()}&format=csv")[1][0] == HANDED
    xlsx_sheet = client_for(app, "boss").get(f"/staff/handover/sheet?handler=县住建局&since={today()}&until=2099-01-01")
    assert xlsx_sheet.data.startswith(b"PK")
    assert xlsx_sheet.headers["Content-Disposition"] == (
        f'attachment; filename="handover-{today()}-2099-01-01.xlsx"; '
        f"filename*=UTF-8''{quote(f'交办清单-县住建局-{today()}至2099-01-01.xlsx', safe='')}"
    )


@pytest.mark.parametrize(
    ("login", "query"),
    [
        ("zhan-a", f"handler=县住建局&since={today()}&format=csv"),  # not station A's case
        ("boss", "handler=县住建局&since=2000-01-01&until=2000-12-31&format=csv"),
        ("boss", f"handler=住建局&since={today()}"),  # no such handler: never an empty file without a word
    ],
)
def test_a_sheet_with_no_case_says_so_on_the_page(app, login, query):
    response = client_for(app, login).get(f"/staff/handover/sheet?{query}")
    handler = query.split("&")[0].removeprefix("handler=")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert X["none_handed"].format(handler=handler) in response.get_data(as_text=True)


def test_a_bad_sheet_request_is_refused(app):
    bad = client_for(app, "boss").get("/staff/handover/sheet?handler=&since=x")
    assert bad.status_code == 400
    assert X["bad_handler"] in bad.get_data(as_text=True) and X["bad_since"] in bad.get_data(as_text=True)
    backwards = client_for(app, "boss").get("/staff/handover/sheet?handler=县住建局&since=2026-12-10&until=2026-12-01")
    assert backwards.status_code == 400 and X["reversed_dates"] in backwards.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_import_previews_every_bad_row_and_applies_nothing_unless_ticked(app, kind):
    office = client_for(app, "boss")
    if kind == "xlsx":
        data = xlsx(rows())
    else:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows())
        data = buffer.getvalue().encode("gb18030")  # as Excel saves a CSV in China
    before = events(app)
    preview = previewed(office, data, f"results.{kind}")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert re.findall(r"<li>(第 \d+ 行：.*?)</li>", page) == ROW_ERRORS
    assert X["preview_counts"].format(rows=4, good=1, repeats=0, pending=0, errors=3) in page
    assert preview_rows(page) == [["2", HANDED, "ZJ-0001", "已更换路灯。", today(), "县住建局"]]
    assert X["apply_good"] in page
    assert events(app) == before  # a preview writes nothing
    token = csrf_token(office, "/staff/handover")
    refused = office.post("/staff/handover/import/apply", data={"csrf_token": token, "preview": preview_id(page)})
    assert refused.status_code == 303 and refused.headers["Location"] == preview.request.path  # the preview again
    assert X["refused"].format(errors=3) in office.get(refused.headers["Location"]).get_data(as_text=True)
    assert events(app) == before
    done = office.post(
        "/staff/handover/import/apply", data={"csrf_token": token, "preview": preview_id(page), "apply_good": "1"}
    )
    assert done.status_code == 303
    added = events(app)[len(before) :]
    assert [(e["type"], e["ref"], e["by"], e["note"], e["result"], e["ticket"]) for e in added] == [
        ("noted", HANDED, "boss", "已更换路灯。", True, "ZJ-0001")
    ]
    notice = office.get("/staff/handover").get_data(as_text=True)
    assert X["applied_some"].format(count=1, errors=3) in notice
    again = previewed(office, data, f"results.{kind}").get_data(as_text=True)  # the same file again: nothing new
    assert X["preview_counts"].format(rows=4, good=0, repeats=1, pending=0, errors=3) in again
    assert 'name="preview"' not in again and X["nothing"] in again and preview_rows(again) == []
    back = office.get(preview.request.path).get_data(as_text=True)  # Back to the first preview: shown again
    assert X["preview_counts"].format(rows=4, good=0, repeats=1, pending=0, errors=3) in back
    replay = {"csrf_token": token, "preview": preview_id(page), "apply_good": "1"}  # the first preview, applied twice
    assert office.post("/staff/handover/import/apply", data=replay).status_code == 303
    assert events(app) == [*before, *added]
    timeline = office.get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    assert "县住建局（承办单位） 办理结果（工单号 ZJ-0001），由 boss（代表工作机构）导入</li>" in timeline


def test_a_file_over_the_limit_is_told_as_too_large(app):
    office = client_for(app, "boss")
    head = b'--B\r\nContent-Disposition: form-data; name="file"; filename="results.csv"\r\n\r\n'
    body = head + b"x" * (3 * 1024 * 1024) + b"\r\n--B--\r\n"  # as bytes: the test client spools no file
    response = office.post("/staff/handover/import", data=body, content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert messages.CONSOLE_TEXTS["too_large"] in page and messages.CONSOLE_TEXTS["csrf"] not in page


def test_a_clean_file_applies_without_the_tick_and_a_bad_file_says_why(app):
    office = client_for(app, "boss")
    page = previewed(office, xlsx(rows()[:2])).get_data(as_text=True)
    assert X["apply_good"] not in page
    token = csrf_token(office, "/staff/handover")
    assert (
        office.post("/staff/handover/import/apply", data={"csrf_token": token, "preview": preview_id(page)}).status_code
        == 303
    )
    assert events(app)[-1]["import_key"]
    broken = upload(office, b"PK\x03\x04 broken")
    assert broken.status_code == 303 and broken.headers["Location"] == "/staff/handover"
    shown = office.get("/staff/handover").get_data(as_text=True)
    assert messages_console.HANDOVER_FILE_ERRORS["unreadable"] in shown
    missing = after_refusal(office, upload(office, xlsx([["留言编号", "办理结果"], [HANDED, "x"]])))
    assert "无法导入“results.xlsx”：缺少列：工单号、日期、承办单位" in missing and "共 0 行" not in missing
    other = client_for(app, "zhan-b")  # a preview is bound to the account that made it
    mine = upload(office, xlsx(rows()[:2])).headers["Location"].rsplit("/", 1)[1]
    assert other.get(f"/staff/handover/import/{mine}").status_code == 403  # station: no import at all
    make_account(app, "boss2", "office", ())  # another office account cannot use it either
    boss2 = client_for(app, "boss2")
    assert boss2.get(f"/staff/handover/import/{mine}").status_code == 410
    token = csrf_token(boss2, "/staff/")
    forged = boss2.post("/staff/handover/import/apply", data={"csrf_token": token, "preview": mine})
    assert forged.status_code == 303 and "过期" in boss2.get(forged.headers["Location"]).get_data(as_text=True)


def test_the_preview_shows_each_row_it_would_import_as_it_would_be_kept(app):
    """行号, 留言编号, 工单号, the result (a long one cut short), the date as it will be kept, the handler: for the
    office to check before importing; the bad rows only in their list."""
    office = client_for(app, "boss")
    day = now().date()
    long = "已更换路灯，并检查了同一路段的其他路灯。" * 5
    page = previewed(
        office,
        xlsx(
            [
                rows()[0],
                [HANDED, "ZJ-0001", long, f"{day.year}/{day.month}/{day.day}", "县住建局"],
                ["2026-000404", "ZJ-0002", "已处理", today(), "县住建局"],
                [HANDED, "", "  已清理路面。 ", today(), "县住建局"],
            ]
        ),
    ).get_data(as_text=True)
    assert preview_rows(page) == [
        ["2", HANDED, "ZJ-0001", long[:60] + "…", today(), "县住建局"],
        ["4", HANDED, "", "已清理路面。", today(), "县住建局"],
    ]
    assert X["preview_rows"].format(count=2) in page
    assert '<table class="preview-rows" aria-labelledby="preview-rows">' in page


def test_a_preview_kept_by_an_older_version_still_shows(app):
    """A preview kept before this version (its rows, and row errors of its own) is shown, not called expired."""
    office = client_for(app, "boss")
    row = [2, HANDED, "ZJ-0001", "已更换路灯。", today(), "县住建局"]
    with app.app_context():
        ident = keep("boss", {"name": "旧.xlsx", "rows": [row], "errors": ["第 3 行：“办理结果”为空。"]})
    shown = office.get(f"/staff/handover/import/{ident}")
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and X["preview_title"].format(name="旧.xlsx") in page
    assert "第 3 行：“办理结果”为空。" in page and preview_rows(page) == [[str(cell) for cell in row]]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (None, b"", F["no_file"]),
        ("结果.csv", b"", F["empty"].format(name="结果.csv")),
        ("结果.xlsx", b"", F["empty"].format(name="结果.xlsx")),
        ("结果.txt", "留言编号,工单号\n2026-000003,ZJ\n".encode(), F["wrong_type"].format(name="结果.txt")),
        ("结果.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", F["wrong_type"].format(name="结果.xls")),
        (
            "结果.csv",
            "留言编号,办理结果\n2026-000003,已处理\n".encode(),
            F["not_results"].format(
                name="结果.csv", reason=E["missing_columns"].format(columns="工单号、日期、承办单位")
            ),
        ),
        (
            "结果.CSV",
            "留言编号,工单号,办理结果,日期,承办单位\n".encode(),
            F["not_results"].format(name="结果.CSV", reason=E["no_rows"]),
        ),
    ],
    ids=["none", "empty-csv", "empty-xlsx", "txt", "xls", "no-columns", "no-rows"],
)
def test_a_file_that_is_no_results_file_is_refused_saying_why(app, name, data, message):
    """Nothing chosen, an empty file, a file neither XLSX nor CSV, or no results file: back on the hand-over page with
    what is wrong with the file, never a preview of 0 rows with 1 wrong."""
    office = client_for(app, "boss")
    form: dict = {"csrf_token": csrf_token(office, "/staff/handover")}
    if name is not None:
        form["file"] = (io.BytesIO(data), name)
    response = office.post("/staff/handover/import", data=form, content_type="multipart/form-data")
    assert response.headers["Location"] == "/staff/handover"
    page = after_refusal(office, response)
    assert message in page and "共 0 行" not in page


def test_a_handler_s_result_reads_as_the_handler_s_apart_from_the_internal_notes(app):
    """A result recorded on the case's page is the result of the handler holding the case, put in by the office; one
    the handler's own account recorded is theirs alone; one on a case nobody holds is the recorder's. Each under
    办理结果, none under 内部备注; the events are as they were written."""
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    office = client_for(app, "boss")
    token = csrf_token(office, "/staff/")
    for action, text in [("result", "已派人查看。"), ("note", "再催一次。")]:  # on the case's page, by the office
        posted = office.post(f"/staff/cases/{HANDED}/{action}", data={"csrf_token": token, "note": text})
        assert posted.status_code == 303
    add_event(log, "noted", HANDED, "zhujian", note="已更换灯泡。", result=True)
    add_event(log, "noted", "2026-000002", "李办事员", note="已修好。", result=True)
    assert [(e["by"], e.get("result")) for e in events(app)[-4:]] == [
        ("boss", True),
        ("boss", None),
        ("zhujian", True),
        ("李办事员", True),
    ]

    def sections(ref: str) -> tuple[str, str, str]:
        page = office.get(f"/staff/cases/{ref}").get_data(as_text=True)
        results = re.search(r"<h2 id=\"results\">办理结果</h2>\n<ul class=\"results\">(.*?)</ul>", page, re.S)
        notes = re.search(r"<h2>内部备注</h2>\n<ul>(.*?)</ul>", page, re.S)
        timeline = re.search(r"<h2>办理经过</h2>\n<ol>(.*?)</ol>", page, re.S)
        assert results and timeline, page
        return results[1], notes[1] if notes else "", timeline[1]

    results, notes, timeline = sections(HANDED)
    assert re.findall(r"<li>\S+ \S+ (.*?)</li>", results) == [
        '县住建局（承办单位）：<span class="text">已派人查看。</span><br>'
        '<span class="hint">由 boss（代表工作机构）录入</span>',
        'zhujian（承办单位：县住建局）：<span class="text">已更换灯泡。</span>',
    ]
    assert "再催一次。" in notes and "已派人查看。" not in notes and "已更换灯泡。" not in notes
    assert "县住建局（承办单位） 办理结果，由 boss（代表工作机构）录入</li>" in timeline
    assert "zhujian（承办单位：县住建局） 办理结果</li>" in timeline
    assert "boss（代表工作机构） 内部备注</li>" in timeline
    results, notes, timeline = sections("2026-000002")
    assert re.findall(r"<li>\S+ \S+ (.*?)</li>", results) == ['李办事员：<span class="text">已修好。</span>']
    assert notes == "" and "李办事员 办理结果</li>" in timeline


@pytest.mark.parametrize(
    "path", ["/staff/handover/import", "/staff/handover/import/apply", f"/staff/cases/{HANDED}/slip"]
)
@pytest.mark.parametrize("token", [None, "wrong"])
def test_the_forms_need_the_csrf_token(app, path, token):
    office = client_for(app, "boss")
    before = events(app)
    form: dict = {"file": (io.BytesIO(xlsx(rows()[:2])), "r.xlsx")} if path.endswith("import") else {"preview": "x"}
    if token is not None:
        form["csrf_token"] = token
    response = office.post(path, data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert events(app) == before


def test_the_queue_marks_results_awaiting_an_answer_and_urged_cases(app):
    log = EventLog(Path(app.config["QUEUE_DIR"]), fsync=False)
    office = client_for(app, "boss")

    def boxes() -> dict[str, int]:
        page = office.get("/staff/").get_data(as_text=True)
        return {label: int(n) for n, label in re.findall(r'<span class="number">(\d+)</span>(.*?)</a>', page)}

    assert (boxes()["有办理结果待处理"], boxes()["已催办"]) == (0, 0)
    add_event(log, "noted", HANDED, "zhujian", note="已更换路灯", result=True)
    add_event(log, "urged", HANDED, "boss", deadline="2026-11-27")
    add_event(log, "urged", HANDED, "boss", deadline="2026-11-27")
    assert (boxes()["有办理结果待处理"], boxes()["已催办"]) == (1, 1)
    listed = office.get("/staff/cases?mark=result").get_data(as_text=True)
    assert re.findall(r'href="/staff/cases/(2026-\d{6})"', listed) == [HANDED]
    assert X["result_pending"] in listed and X["urged_times"].format(count=2) in listed
    assert re.findall(
        r'href="/staff/cases/(2026-\d{6})"', office.get("/staff/cases?mark=urged").get_data(as_text=True)
    ) == [HANDED]
    case_page = office.get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    assert X["result_pending"] in case_page and X["urged_times"].format(count=2) in case_page
    add_event(log, "replied", HANDED, "boss", answer="路灯已更换。")
    assert (boxes()["有办理结果待处理"], boxes()["已催办"]) == (0, 0)
    assert X["result_pending"] not in office.get(f"/staff/cases/{HANDED}").get_data(as_text=True)
    station_a = client_for(app, "zhan-a")  # counts stay within scope
    add_event(log, "reopened", HANDED, "boss", reason="仍未修好")
    add_event(log, "noted", HANDED, "zhujian", note="再次更换", result=True)
    page = station_a.get("/staff/").get_data(as_text=True)
    assert re.search(r'<span class="number">0</span>有办理结果待处理', page)


def test_a_results_file_larger_than_a_form_s_body_limit_is_read(app):
    """The API's body limit (MAX_CONTENT_LENGTH, 32 KB) would refuse a month's results: the import reads more."""
    office = client_for(app, "boss")
    detail = [" ".join(hashlib.sha256(f"{n}-{k}".encode()).hexdigest() for k in range(4)) for n in range(400)]
    many = [
        rows()[0],
        *([HANDED, f"ZJ-{n:04d}", f"第 {n} 次更换路灯：{detail[n]}", today(), "县住建局"] for n in range(400)),
    ]
    data = xlsx(many)
    assert len(data) > app.config["MAX_CONTENT_LENGTH"]
    page = previewed(office, data).get_data(as_text=True)
    assert X["preview_counts"].format(rows=400, good=400, repeats=0, pending=0, errors=0) in page
    shown = preview_rows(page)
    assert len(shown) == 400 and shown[399][:4] == [
        "401",
        HANDED,
        "ZJ-0399",
        f"第 399 次更换路灯：{detail[399]}"[:60] + "…",
    ]
    token = csrf_token(office, "/staff/handover")
    before = len(events(app))
    done = office.post("/staff/handover/import/apply", data={"csrf_token": token, "preview": preview_id(page)})
    assert done.status_code == 303 and len(events(app)) == before + 400
