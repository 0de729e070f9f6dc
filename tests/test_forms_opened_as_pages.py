"""A form's address opened as a page (from history, a restored tab, a bookmark, a new tab): a browser gets a Chinese
page saying it cannot be opened so, with a link on (the back office: the page the form is on; the citizen's side: the
home page, or 查询进度 from its forms), never the API's JSON; JSON clients keep the JSON 405. Real app, no mocks."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from console_helpers import client_for, console_app
from flask import Flask

from forms_api import messages

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"}
T = messages.CONSOLE_TEXTS
E = messages.API_ERRORS


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return console_app(tmp_path)


def back_to(title: str) -> str:
    return T["back_to"].format(page=title)


# path -> (href, text) of the link to the page its form is on; None: the dashboard's link only
STAFF = {
    "/staff/accounts/add": ("/staff/accounts", back_to(T["accounts_title"])),
    "/staff/accounts/zhan-b/reset": ("/staff/accounts", back_to(T["accounts_title"])),
    "/staff/accounts/zhan-b/reset-totp": ("/staff/accounts", back_to(T["accounts_title"])),
    "/staff/cases/2026-000001/answer": ("/staff/cases/2026-000001", back_to("留言 2026-000001")),
    "/staff/cases/2026-000001/personal": ("/staff/cases/2026-000001", back_to("留言 2026-000001")),
    "/staff/handover/import": ("/staff/handover", back_to("交办与反馈")),
    "/staff/templates/delete": ("/staff/templates", back_to("答复模板")),
    "/staff/totp/start": ("/staff/totp", back_to("二次验证")),
    "/staff/signout": None,
}


@pytest.mark.parametrize("path", STAFF)
def test_a_back_office_form_opened_as_a_page_says_so_and_links_to_its_page(app, path):
    shown = client_for(app, "boss").get(path, headers=BROWSER)
    page = html.unescape(shown.get_data(as_text=True))
    assert shown.status_code == 405 and shown.mimetype == "text/html" and "POST" in shown.headers["Allow"]
    assert T["not_a_page"] in page and E[405] not in page
    assert f'<a href="/staff/">{T["nav_dashboard"]}</a>' in page  # the back office's start, always
    if STAFF[path] is not None:
        href, text = STAFF[path]
        assert f'<a href="{href}">{text}</a>' in page
    else:
        assert T["back_to"].split("{")[0] not in page.split("<main>")[1]


def test_signed_out_it_says_so_too_and_offers_sign_in(app):
    shown = app.test_client().get("/staff/accounts/add", headers=BROWSER)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 405 and T["not_a_page"] in html.unescape(page)
    assert f'<a href="/staff/signin">{T["signin"]}</a>' in page


@pytest.mark.parametrize(
    ("path", "text", "track"),
    [
        ("/api/submissions", E["not_a_page"], False),
        ("/api/evaluations", E["not_a_page"], False),
        ("/api/track", E["not_a_page_track"], True),
        ("/api/rating", E["not_a_page_track"], True),
        ("/api/submissions/ABCD-EFGH-JKMN-PQRS-TVWX/rating", E["not_a_page_track"], True),
    ],
)
def test_a_citizen_form_opened_as_a_page_says_so_in_chinese(app, path, text, track):
    shown = app.test_client().get(path, headers=BROWSER)
    page = html.unescape(shown.get_data(as_text=True))
    assert shown.status_code == 405 and shown.mimetype == "text/html" and "POST" in shown.headers["Allow"]
    assert text in page and E[405] not in page and '{"error"' not in page
    assert f'<a href="/">{messages.PAGE_TEXTS["home"]}</a>' in page
    assert (f'<a href="/track/">{messages.PAGE_TEXTS["track_again"]}</a>' in page) is track


@pytest.mark.parametrize("headers", [{}, {"Accept": "*/*"}, {"Accept": "application/json"}])
def test_json_clients_keep_the_json_405(app, headers):
    for path in ("/api/submissions", "/api/track"):
        shown = app.test_client().get(path, headers=headers)
        assert shown.status_code == 405 and shown.get_json() == {"error": E[405]}, (path, headers)
    deleted = app.test_client().delete("/api/submissions", headers=BROWSER)  # no browser sends one: not a page
    assert deleted.status_code == 405 and deleted.get_json() == {"error": E[405]}
