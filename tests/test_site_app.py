"""forms_api/site.py: the built site served around the form service (run command and end-to-end tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.test import Client

from forms_api.site import StaticSite


def api(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"api": true}']


@pytest.fixture
def client(tmp_path: Path) -> Client:
    site = tmp_path / "site"
    (site / "deputies" / "wang").mkdir(parents=True)
    (site / "index.html").write_text("<h1>首页</h1>", encoding="utf-8")
    (site / "404.html").write_text("没有这个页面", encoding="utf-8")
    (site / "deputies" / "wang" / "index.html").write_text("王", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return Client(StaticSite(api, site))


def get(client: Client, path: str):
    """A GET with PATH_INFO exactly as given (the test client would read "//x" as a host), body read and closed."""
    return client.get("/", environ_overrides={"PATH_INFO": path}, buffered=True)


def test_pages_files_and_api(client: Client) -> None:
    home = get(client, "/")
    assert home.status_code == 200 and home.text == "<h1>首页</h1>"
    assert home.headers["Content-Type"] == "text/html; charset=utf-8"
    assert get(client, "/deputies/wang/").text == "王"
    assert get(client, "/api/health").json == {"api": True}
    assert client.post("/api/submissions").json == {"api": True}
    for path in ("/staff", "/staff/", "/staff/cases/2026-000001"):  # the back office is the app's too
        assert get(client, path).json == {"api": True}, path
    assert client.post("/staff/signin").json == {"api": True}
    assert get(client, "/staffing/").status_code == 404


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/deputies/wang", 301, "/deputies/wang/"),
        ("//deputies", 301, "/deputies/"),  # never "//deputies/": a browser would go to the host "deputies"
        ("/nope/", 404, None),
        ("/../secret.txt", 404, None),
        ("/deputies/../../secret.txt", 404, None),
    ],
)
def test_redirects_and_missing_files(client: Client, path: str, status: int, location: str | None) -> None:
    response = get(client, path)
    assert response.status_code == status
    assert response.headers.get("Location") == location
    if status == 404:
        assert response.text == "没有这个页面"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/\t/evil.example/../..", "/"),  # /%09/evil.example/%2E%2E/%2E%2E: was "/<tab>/evil.example/../../"
        ("/\n/evil.example/../..", "/"),  # /%0A/...
        ("/\r/evil.example/../..", "/"),  # /%0D/...
        ("/\t\n/evil.example/../..", "/"),
        ("/\\evil.example/..", "/"),  # /%5Cevil.example/.. and a raw backslash
        ("/\\/evil.example/../..", "/"),
        ("/\t\\evil.example/..", "/"),
        ("//evil.example/..", "/"),  # /%2F/evil.example/..
        ("/\t/evil.example/../../deputies", "/deputies/"),
        ("/\\evil.example/../deputies/wang", "/deputies/wang/"),
    ],
)
def test_folder_redirects_never_leave_the_site(client: Client, path: str, location: str) -> None:
    """Browsers drop tabs and line breaks from a Location and read a backslash as "/": "/<tab>/host/" is "//host/"."""
    response = get(client, path)
    assert response.status_code == 301
    assert response.headers["Location"] == location


def test_only_the_api_takes_posts(client: Client) -> None:
    assert client.post("/deputies/wang/", buffered=True).status_code == 405
