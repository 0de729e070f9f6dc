"""Offline intake (线下登记) in the back office: who may register where, what a bad form says (and that it writes
nothing), the case it makes (read by the staff tools and by the public tracking API with its code), and the receipt
slip whose QR code a phone scans to the /track/ page. Real app, real store, no mocks."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import events, make_app
from console_helpers import ACCOUNTS, client_for, console_app, csrf_token, fill, make_account, session_data
from flask import Flask

from forms_api import messages_console
from forms_api.cases import Calendar, deadline_for, fold, make_event, new_code, now
from forms_api.staff.cli import main

I = messages_console.INTAKE_TEXTS  # noqa: E741
SITE_URL = "https://example.org/"
ROLES = (*ACCOUNTS, None)  # None: anonymous


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def good(**changes: str) -> dict[str, str]:
    """A registration station A's worker may make: a reception day at 东溪, received by its deputy 曹文杰."""
    form = {
        "channel": "reception",
        "station": "dongxi-zhan",
        "deputy": "cao-wenjie",
        "said_on": (now().date() - timedelta(days=1)).isoformat(),
        "category": "求助",
        "text": "村口的桥栏杆松动了，老人孩子过桥很危险。",
        "name": "赵大爷",
        "phone": "13912340000",
        "consent": "1",
    }
    return form | changes


def register(client, **changes: str):
    """Post the form and follow its redirect to the slip (200), as a browser does."""
    data = good(**changes) | {"csrf_token": csrf_token(client, "/staff/intake")}
    return client.post("/staff/intake", data=data, follow_redirects=True)


def submitted(app: Flask) -> list[dict]:
    return [event for event in events(app) if event["type"] == "submitted"]


def slip_values(page: str) -> tuple[str, str]:
    ref = re.search(r'id="reference">([^<]+)<', page)
    code = re.search(r'id="tracking-code">([^<]+)<', page.replace("<wbr>", ""))
    assert ref and code, page
    return ref[1], code[1]


@pytest.mark.parametrize("login", ROLES, ids=[str(login) for login in ROLES])
def test_permission_matrix(app, login):
    """GET and POST /staff/intake × every role: office and station workers get the form; a station worker registers
    only for its own station (station B posting for A's station is refused, nothing written); deputy and handler
    403; nobody signed in goes to sign in."""
    client = client_for(app, login)
    before = len(submitted(app))
    form = client.get("/staff/intake")
    token = csrf_token(client, "/staff/signin" if login is None else "/staff/")
    posted = client.post("/staff/intake", data=good() | {"csrf_token": token})
    role = ACCOUNTS[login][0] if login else None
    if role is None:
        assert form.status_code == posted.status_code == 302
        assert posted.headers["Location"].startswith("/staff/signin?next=")
    elif role in ("deputy", "handler"):
        assert form.status_code == posted.status_code == 403
    elif login == "zhan-b":
        assert form.status_code == 200 and "东溪" not in form.get_data(as_text=True)
        assert posted.status_code == 400
        assert I["bad_station"].format(station="dongxi-zhan") in posted.get_data(as_text=True)
    else:
        assert form.status_code == 200 and "东溪代表联络站" in form.get_data(as_text=True)
        assert posted.status_code == 303 and "/slip" in posted.headers["Location"], posted.get_data(as_text=True)
    assert len(submitted(app)) == before + (posted.status_code == 303)
    nav = client.get("/staff/").get_data(as_text=True)
    assert ('href="/staff/intake"' in nav) == (role in ("office", "station"))


def test_a_registered_case_is_a_case_like_any_other(app):
    client = client_for(app, "zhan-a")
    response = register(client)
    assert response.status_code == 200
    ref, code = slip_values(response.get_data(as_text=True))
    assert ref.endswith(("-000005", "-000001"))  # the next reference of the year, after the four of `fill`
    event = submitted(app)[-1]
    assert event["ref"] == ref and event["code"] == code and event["by"] == "zhan-a"
    assert event["channel"] == "reception" and event["target"] == "deputy:cao-wenjie"
    assert event["said_on"] == good()["said_on"] and event["consent"] is True and event["phone"] == "13912340000"
    tracked = app.test_client().post("/api/track", json={"code": code})
    assert tracked.status_code == 200 and tracked.get_json()["reference"] == ref
    case = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert "接待日" in case and "村口的桥栏杆" in case


def test_without_a_deputy_the_station_receives_it(app):
    client = client_for(app, "boss")
    response = register(client, deputy="", phone="", consent="", channel="letter")
    assert response.status_code == 200
    event = submitted(app)[-1]
    assert event["target"] == "station:dongxi-zhan" and event["channel"] == "letter" and event["by"] == "boss"
    assert event["phone"] == "" and "consent" not in event


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"said_on": 1}, "晚于今天"),  # days from today, taken when the test runs
        ({"said_on": "昨天"}, I["bad_date"]),
        ({"said_on": "2020-01-01"}, "反映日期 2020-01-01 早于 60 天前"),  # a typo for this year: overdue at once
        ({"said_on": -61}, "只能登记 60 天内反映的意见"),
        ({"text": "   "}, I["text_missing"]),
        ({"text": "桥\x1b[2J坏了很久了"}, I["text_control"]),
        ({"consent": ""}, I["no_consent"]),
        ({"phone": "12ab"}, I["bad_phone"]),
        ({"name": "赵\x1b]0;x\x07大爷"}, I["name_control"]),
        ({"station": "nowhere-zhan"}, I["bad_station"].format(station="nowhere-zhan")),
        ({"deputy": "han-sumei"}, "接待代表韩素梅（编号 han-sumei）不是“东溪代表联络站”的现任代表"),  # of station B
        ({"channel": "online"}, I["bad_channel"]),
        ({"category": "闲聊"}, "请选择类别"),
    ],
)
def test_bad_input_says_why_in_chinese_and_writes_nothing(app, changes, message):
    if isinstance(changes.get("said_on"), int):
        changes = {"said_on": (now().date() + timedelta(days=changes["said_on"])).isoformat()}
    client = client_for(app, "zhan-a")
    before = events(app)
    response = register(client, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and I["errors_lead"] in page
    assert events(app) == before


def test_the_deputy_must_be_of_the_chosen_station_for_the_office_too(app):
    """A deputy of another station would make the case the deputy's alone: the station where it was said would never
    see it (found by a walk-through: the office's choice of station was silently dropped)."""
    client = client_for(app, "boss")
    before = events(app)
    refused = register(client, deputy="韩素梅")
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "接待代表韩素梅（编号 han-sumei）不是“东溪代表联络站”的现任代表：请核对联络站或接待代表。" in page
    assert events(app) == before
    assert register(client, station="nanshan-zhan", deputy="韩素梅").status_code == 200  # typed by name
    assert submitted(app)[-1]["target"] == "deputy:han-sumei"
    assert register(client, station="nanshan-zhan", deputy="han-sumei", text="山路塌方了").status_code == 200  # or id
    unknown = html.unescape(register(client, deputy="韩素").get_data(as_text=True))
    assert messages_console.STAFF_TEXTS["deputy_unknown_typed"].format(name="韩素") in unknown


def test_the_office_types_the_receiving_deputy_and_no_page_lists_every_deputy(app):
    """A city has 10,000-20,000 deputies (DESIGN.md): the office types a name or an id; a station worker picks from
    its own stations' deputies."""
    office = client_for(app, "boss").get("/staff/intake").get_data(as_text=True)
    assert '<input type="text" id="deputy" name="deputy"' in office
    assert "cao-wenjie" not in office and "han-sumei" not in office
    station = client_for(app, "zhan-a").get("/staff/intake").get_data(as_text=True)
    assert '<option value="cao-wenjie">曹文杰（东溪代表联络站）</option>' in station and "han-sumei" not in station


def test_the_office_lists_a_station_s_deputies_and_picks_one_keeping_what_it_typed(app):
    """The office may also choose the receiving deputy from a list: 列出该站代表 posts the form back (no personal data
    in a URL), which comes back with what was typed and the chosen station's current deputies, and nothing stored."""
    client = client_for(app, "boss")
    before = events(app)
    form = good(station="nanshan-zhan", deputy="") | {"pick": "1", "csrf_token": csrf_token(client, "/staff/intake")}
    picked = client.post("/staff/intake", data=form)
    page = picked.get_data(as_text=True)
    assert picked.status_code == 200 and events(app) == before
    assert '<select id="deputy" name="deputy">' in page and '<input type="hidden" name="deputy_from" value="1">' in page
    assert '<option value="han-sumei">' in page and "cao-wenjie" not in page  # 南山's, not 东溪's
    assert "村口的桥栏杆松动了" in page and 'value="13912340000"' in page  # what was typed is kept
    form = good(station="nanshan-zhan", deputy="han-sumei") | {"deputy_from": "1"}
    done = client.post("/staff/intake", data=form | {"csrf_token": csrf_token(client, "/staff/intake")})
    assert done.status_code == 303 and submitted(app)[-1]["target"] == "deputy:han-sumei"
    # refused for another reason, the form keeps the list of the station it was asked for
    again = form | {"said_on": "2000-01-01", "csrf_token": csrf_token(client, "/staff/intake")}
    refused = client.post("/staff/intake", data=again).get_data(as_text=True)
    assert '<option value="han-sumei" selected>' in refused
    # another station chosen with the list shown: listing again gives that station's deputies
    other = form | {"station": "dongxi-zhan", "pick": "1", "csrf_token": csrf_token(client, "/staff/intake")}
    relisted = client.post("/staff/intake", data=other).get_data(as_text=True)
    assert '<option value="cao-wenjie">' in relisted and "han-sumei" not in relisted
    # a station the account may not register for lists nobody, and says why, keeping what was typed
    stranger = good(station="no-such-zhan") | {"pick": "1", "csrf_token": csrf_token(client, "/staff/intake")}
    before = events(app)
    refused = client.post("/staff/intake", data=stranger)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and '<input type="text" id="deputy"' in page
    assert "请选择一个联络站（“no-such-zhan”不在可登记的联络站中）" in page and "村口的桥栏杆松动了" in page
    assert '<input type="text" id="deputy" name="deputy" value="cao-wenjie"' in page  # what it typed, kept
    assert events(app) == before
    spaced = form | {"station": " nanshan-zhan ", "pick": "1", "csrf_token": csrf_token(client, "/staff/intake")}
    assert '<option value="han-sumei">' in client.post("/staff/intake", data=spaced).get_data(as_text=True)


def test_the_office_chooses_a_station_none_is_chosen_for_it(app):
    """The office registers for any station: the form starts on none (not the first of the list, where a forgotten
    choice would file the case), and a registration without one says what to choose; a station worker's only
    station is its own, chosen."""
    office = client_for(app, "boss").get("/staff/intake").get_data(as_text=True)
    assert '<select id="station" name="station" required>\n<option value="">（请选择联络站）</option>' in office
    assert '<option value="dongxi-zhan" selected>' not in office
    client = client_for(app, "boss")
    before = events(app)
    refused = client.post("/staff/intake", data=good(station="") | {"csrf_token": csrf_token(client, "/staff/intake")})
    assert refused.status_code == 400 and "请选择联络站：群众是在哪个联络站" in refused.get_data(as_text=True)
    assert events(app) == before
    station = client_for(app, "zhan-a").get("/staff/intake").get_data(as_text=True)
    assert "（请选择联络站）" not in station and '<option value="dongxi-zhan">' in station


def test_csrf_is_required(app):
    client = client_for(app, "zhan-a")
    before = events(app)
    assert client.post("/staff/intake", data=good()).status_code == 400
    assert client.post("/staff/intake", data=good() | {"csrf_token": "wrong"}).status_code == 400
    assert events(app) == before


def test_a_repeat_within_the_window_writes_nothing(app):
    client = client_for(app, "zhan-a")
    assert register(client).status_code == 200
    before = events(app)
    again = register(client)
    assert again.status_code == 409 and "本次未重复登记" in again.get_data(as_text=True)
    assert events(app) == before


def test_old_events_without_a_channel_read_as_online():
    old = {"type": "submitted", "ref": "2025-000001", "by": "citizen", "at": "2025-03-01T09:00:00+08:00"}
    old |= {"code": new_code(), "target": "station:a", "category": "求助", "text": "老的留言", "phone": ""}
    old |= {"anonymous": False}
    odd = old | {"ref": "2025-000002", "code": new_code(), "channel": "fax"}
    state = fold([old, odd])
    assert state.submissions["2025-000001"].channel == "online"
    assert state.submissions["2025-000001"].channel_label == "网上留言"
    assert "2025-000002" not in state.submissions  # an unknown channel is a malformed event, as the fold counts them
    fields = {key: value for key, value in odd.items() if key not in ("type", "ref", "by", "at")}
    with pytest.raises(ValueError, match="channel"):
        make_event("submitted", "2025-000002", "x", **fields)


def _matrix(svg: str) -> list[list[bool]]:
    """The QR code's modules from the slip's SVG: one stroke per horizontal run of dark modules (generator/qr.py)."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg)[1])
    path = re.search(r' d="([^"]+)"', svg)[1]
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, dx, dy, run in re.findall(r"([Mm])(-?[\d.]+) (-?[\d.]+)h(\d+)", path):
        x, y = (float(dx), float(dy)) if command == "M" else (x + float(dx), y + float(dy))
        for column in range(int(x), int(x) + int(run)):
            grid[int(y)][column] = True
        x += int(run)
    return grid


def test_the_slip_qr_decodes_to_the_track_page_with_the_code_in_the_fragment(tmp_path):
    app = make_app(tmp_path, SITE_URL=SITE_URL)
    fill(app)
    make_account(app, "zhan-a", "station", ("dongxi-zhan",))
    client = client_for(app, "zhan-a")
    response = register(client)
    page = response.get_data(as_text=True)
    ref, code = slip_values(page)
    svg = re.search(r"<svg.*?</svg>", page, re.S)[0]
    scale = 8
    rows = [[cell for cell in row for _ in range(scale)] for row in _matrix(svg) for _ in range(scale)]
    image = tmp_path / "slip.pbm"
    image.write_text(
        f"P1\n{len(rows[0])} {len(rows)}\n" + "\n".join(" ".join("1" if c else "0" for c in row) for row in rows)
    )
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == f"{SITE_URL}track/#code={code}"
    assert "?code" not in page and "track/?" not in page
    assert I["slip_keep"] in page and "@page slip { size: 105mm 148mm" in page and '<body class="slip-page">' in page
    assert "<script" not in page and 'style="' not in page
    assert re.findall(r"<style[^>]*>", page) == [re.search(r'<style nonce="[^"]+">', page)[0]]
    assert client.get(f"/staff/cases/{ref}").get_data(as_text=True).count(code) == 0  # shown once, on the slip


def test_the_channel_is_shown_and_filtered_in_the_list(app):
    client = client_for(app, "boss")
    ref, _ = slip_values(register(client, channel="meeting").get_data(as_text=True))
    listed = client.get("/staff/cases?status=all").get_data(as_text=True)
    assert f"{ref}</a> · 待受理 · 求助 · 屋场恳谈会" in listed and "· 网上留言" in listed
    only = client.get("/staff/cases?status=all&channel=meeting").get_data(as_text=True)
    assert set(re.findall(r'href="/staff/cases/(\d{4}-\d{6})"', only)) == {ref}
    online = client.get("/staff/cases?status=all&channel=online").get_data(as_text=True)
    assert ref not in online and len(re.findall(r'href="/staff/cases/(\d{4}-\d{6})"', online)) == 4


def test_the_staff_tools_read_show_list_export_and_count_the_channel(app, tmp_path):
    client = client_for(app, "zhan-a")
    ref, _ = slip_values(register(client, channel="phone").get_data(as_text=True))
    base = ["--queue", str(app.config["QUEUE_DIR"])]
    site = ["--site", str(app.config["SITE_DIR"])]
    shown = CliRunner().invoke(main, [*base, "show", ref, *site])
    assert shown.exit_code == 0, shown.output
    assert f"渠道：线下登记：电话，{good()['said_on']} 收到；" in shown.stdout  # and when registered
    assert "zhan-a  线下登记（电话）" in shown.stdout
    assert "曹文杰（代表，deputy:cao-wenjie）" in shown.stdout and "13912340000" not in shown.stdout
    listed = CliRunner().invoke(main, [*base, "list", "--channel", "phone"])
    assert listed.exit_code == 0, listed.output
    assert [line[:11] for line in listed.stdout.splitlines()[1:-1]] == [ref]
    assert "电话" in listed.stdout.splitlines()[1]
    online = CliRunner().invoke(main, [*base, "list", "--channel", "online", "--all"]).stdout
    assert ref not in online and online.splitlines()[-1].startswith("共 4 条")
    assert CliRunner().invoke(main, [*base, "list", "--channel", "fax"]).exit_code == 2
    exported = CliRunner().invoke(main, [*base, "export", "--out", "-", "--channel", "phone"])
    header, row = list(csv.reader(io.StringIO(exported.stdout)))
    assert header[-4] == "渠道" and row[0] == ref and row[-4] == "电话"
    stats = CliRunner().invoke(main, [*base, "stats"]).stdout
    assert "渠道：网上留言 4，接待日 0，流动联络站 0，屋场恳谈会 0，电话 1，来信 0" in stats


def test_without_the_site_data_the_form_says_so(app):
    (Path(app.config["SITE_DIR"]) / "data" / "form.json").unlink()  # a site built before categories were published
    client = client_for(app, "zhan-a")
    token = csrf_token(client, "/staff/")
    for response in (client.get("/staff/intake"), client.post("/staff/intake", data=good() | {"csrf_token": token})):
        assert response.status_code == 503 and I["site_unavailable"] in response.get_data(as_text=True)


def test_namesakes_in_the_receiving_deputy_list_are_told_apart(app):
    """Two current deputies named 李明远: the 接待代表 list names each with their station and id, as the picker does."""
    data = Path(app.config["SITE_DIR"]) / "data" / "deputies.json"
    site = json.loads(data.read_text(encoding="utf-8"))
    site["deputies"] += [
        {"id": "li-mingyuan", "name": "李明远", "current": True, "stations": ["dongxi-zhan"]},
        {"id": "li-mingyuan-2", "name": "李明远", "current": True, "stations": ["dongxi-zhan"]},
    ]
    data.write_text(json.dumps(site, ensure_ascii=False), encoding="utf-8")
    page = client_for(app, "zhan-a").get("/staff/intake").get_data(as_text=True)
    assert '<option value="cao-wenjie">曹文杰（东溪代表联络站）</option>' in page
    assert '<option value="li-mingyuan">李明远（东溪代表联络站），编号 li-mingyuan</option>' in page
    assert '<option value="li-mingyuan-2">李明远（东溪代表联络站），编号 li-mingyuan-2</option>' in page


def test_the_slip_survives_a_reload_and_a_reprint_never_shows_the_code_again(app):
    """POST, redirect, GET: reloading the slip shows the same code and writes nothing; the code is in no URL; the
    slip printed again from another session (later, another device) says the code cannot be shown and how to look
    the case up; an online case has no slip."""
    client = client_for(app, "zhan-a")
    posted = client.post("/staff/intake", data=good() | {"csrf_token": csrf_token(client, "/staff/intake")})
    assert posted.status_code == 303
    location = posted.headers["Location"]
    ref, code = slip_values(client.get(location).get_data(as_text=True))
    assert location == f"/staff/intake/{ref}/slip" and code not in location
    kept = str(session_data(app, client))  # the code sealed in it
    assert ref in kept and code not in kept and code.replace("-", "") not in kept
    count = len(events(app))
    reloaded = client.get(location)
    assert reloaded.status_code == 200 and slip_values(reloaded.get_data(as_text=True)) == (ref, code)
    assert len(events(app)) == count  # a reload never re-posts
    case_page = client.get(f"/staff/cases/{ref}").get_data(as_text=True)
    assert f'href="/staff/intake/{ref}/slip">{I["slip_reprint_link"]}</a>' in case_page
    later = client_for(app, "boss").get(location).get_data(as_text=True)
    assert code not in later and 'id="tracking-code"' not in later and f'id="reference">{ref}<' in later
    assert I["slip_no_code"].format(url="http://localhost/track/", ref=ref) in later
    assert I["slip_scan_lookup"] in later and I["slip_scan"] not in later  # the scan opens a page to type them in
    assert client_for(app, "boss").get("/staff/intake/2026-000001/slip").status_code == 404  # sent online
    assert client_for(app, "cao").get(location).status_code == 403


def test_the_phone_field_brings_up_the_numeric_keypad(app):
    """As on the site's form: type=tel with inputmode, so a phone shows the dial pad, not the full keyboard."""
    page = client_for(app, "zhan-a").get("/staff/intake").get_data(as_text=True)
    field = re.search(r'<input [^>]*id="phone"[^>]*>', page)
    assert field is not None
    assert 'type="tel"' in field[0] and 'inputmode="tel"' in field[0]


def test_a_date_that_makes_the_case_overdue_at_once_is_said_and_registered_only_when_confirmed(app):
    """A 反映日期 whose 交办期限 (5 working days from it) has passed: the form says so (the date, the 交办期限, 逾期
    at once, check the date or 交办 at once), keeps everything typed and stores nothing; ticked for that date, the
    case is registered, and the slip's page says to hand it on now."""
    client = client_for(app, "zhan-a")
    said_on = now().date() - timedelta(days=20)
    values = {"day": said_on.isoformat(), "deadline": deadline_for(said_on).isoformat(), "days": 5}
    before = events(app)
    asked = register(client, said_on=said_on.isoformat())
    page = html.unescape(asked.get_data(as_text=True))
    assert asked.status_code == 400 and events(app) == before
    assert I["late_past"].format(**values) in page and "逾期" in I["late_past"] and "立即交办" in I["late_past"]
    assert I["errors_lead"] not in page  # nothing to correct, a date to check
    tick = f'<input type="checkbox" name="late_ok" value="{said_on.isoformat()}" aria-describedby="late-warning">'
    assert tick in page and I["late_past_confirm"].format(**values) in page
    assert "村口的桥栏杆松动了" in page and 'value="13912340000"' in page and 'value="赵大爷"' in page
    assert '<option value="cao-wenjie" selected>' in page and f'value="{said_on.isoformat()}"' in page
    other_day = (said_on - timedelta(days=1)).isoformat()  # ticked, then the date changed: asked again
    assert register(client, said_on=other_day, late_ok=said_on.isoformat()).status_code == 400
    assert events(app) == before
    done = register(client, said_on=said_on.isoformat(), late_ok=said_on.isoformat())
    assert done.status_code == 200
    ref, _ = slip_values(done.get_data(as_text=True))
    event = submitted(app)[-1]
    assert (event["ref"], event["said_on"]) == (ref, said_on.isoformat()) and "late_ok" not in event
    slip = html.unescape(done.get_data(as_text=True))
    assert I["slip_late"].format(ref=ref, deadline=values["deadline"]) in slip
    assert ref in client.get("/staff/cases?due=overdue").get_data(as_text=True)


def test_a_recent_date_needs_no_confirmation(app):
    client = client_for(app, "zhan-a")
    for days in (0, 1, 2):  # 5 working days from two days ago end at least three days from today
        said_on = (now().date() - timedelta(days=days)).isoformat()
        done = register(client, said_on=said_on, text=f"村口的桥栏杆松动了，第{days}次反映。")
        page = done.get_data(as_text=True)
        assert done.status_code == 200 and 'id="reference"' in page and 'id="slip-late"' not in page
        assert submitted(app)[-1]["said_on"] == said_on


def test_a_date_whose_deadline_is_today_asks_too(tmp_path):
    """交办期限 today: not overdue yet, but from tomorrow; the form says so, and hand it on today. Today is made a
    working day (调休), so that some 反映日期 gives it on any day the test runs."""
    today = now().date()
    calendar = Calendar(workdays=frozenset({today}))
    app = make_app(tmp_path, HOLIDAYS=calendar)
    fill(app)
    make_account(app, "zhan-a", "station", ("dongxi-zhan",))
    said_on = next(day for day in (today - timedelta(days=n) for n in range(15)) if day_due(day, calendar) == today)
    client = client_for(app, "zhan-a")
    asked = register(client, said_on=said_on.isoformat())
    page = html.unescape(asked.get_data(as_text=True))
    values = {"day": said_on.isoformat(), "deadline": today.isoformat(), "days": 5}
    assert asked.status_code == 400 and I["late_today"].format(**values) in page
    assert I["late_today_confirm"].format(**values) in page and I["late_past"][:10] not in page
    done = register(client, said_on=said_on.isoformat(), late_ok=said_on.isoformat())
    ref, _ = slip_values(done.get_data(as_text=True))
    assert I["slip_late_today"].format(ref=ref, deadline=today.isoformat()) in html.unescape(
        done.get_data(as_text=True)
    )


def day_due(day, calendar: Calendar):
    return deadline_for(day, holidays=calendar.holidays, workdays=calendar.workdays)


def test_the_warning_comes_with_the_other_problems_and_a_tick_is_kept(app):
    """One round corrects everything: a late date is said beside the form's other problems, and a tick already given
    stays ticked on the form that comes back."""
    client = client_for(app, "zhan-a")
    said_on = (now().date() - timedelta(days=20)).isoformat()
    before = events(app)
    refused = register(client, said_on=said_on, text=" ")
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400 and I["text_missing"] in page and 'id="late-warning"' in page
    ticked = register(client, said_on=said_on, text=" ", late_ok=said_on).get_data(as_text=True)
    assert f'name="late_ok" value="{said_on}" aria-describedby="late-warning" checked>' in ticked
    assert events(app) == before


def test_a_date_in_the_future_is_refused_saying_what_to_enter(app):
    client = client_for(app, "zhan-a")
    today = now().date()
    before = events(app)
    refused = register(client, said_on=(today + timedelta(days=1)).isoformat())
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 400 and events(app) == before
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert I["future_date"].format(day=tomorrow, today=today.isoformat()) in page
    assert f"请填写群众反映意见的那一天，最晚是今天 {today.isoformat()}" in page
    assert f'max="{today.isoformat()}"' in page  # the browser refuses it before sending, too
