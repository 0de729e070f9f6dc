"""A citizen who trims a page's URL (`event/<id>/` to `event/`) lands on the index of that kind, never on a 404:
the built demo site in real chromium at phone size, JavaScript on and off (generator/urls.py TRIMMED)."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_site_browser
from test_site_browser import PHONE

from generator import messages, urls

pytestmark = pytest.mark.browser
built_site = test_site_browser.built_site  # the demo site built once, served on 127.0.0.1
base_url = test_site_browser.base_url
phone = test_site_browser.phone


def test_every_folder_above_a_page_is_a_page(built_site: Path) -> None:
    """Whatever folder a page's URL is trimmed to, there is a page (a list, or one that leads to the list): above a
    page's folder (`event/<id>/`) or a page or feed of its own (`notices/<id>.html`, `feeds/<id>.ics`)."""

    def a_page(child: Path) -> bool:
        return (child / "index.html").is_file() if child.is_dir() else child.suffix in (".html", ".ics")

    missing = [
        str(folder.relative_to(built_site))
        for folder in built_site.rglob("*")
        if folder.is_dir() and not (folder / "index.html").is_file() and any(map(a_page, folder.iterdir()))
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("page", "trimmed"),
    [
        ("deputies/wang-xiulan/", "deputies/"),
        ("event/hecheng-jiedairi/", "event/"),
        ("suggestion/deng-xuemei-2026-1/", "suggestion/"),
        ("notices/hecheng-jiedairi.html", "notices/"),
        ("posters/hecheng-zhan.html", "posters/"),
    ],
    ids=["deputies", "event", "suggestion", "notices", "posters"],
)
def test_a_trimmed_url_leads_to_its_index(phone, page: str, trimmed: str) -> None:
    phone.open(page)
    phone.page.wait_for_load_state("networkidle")  # the page is there, and all it asked for has come
    phone.open(trimmed)
    phone.page.wait_for_url(phone.url(urls.TRIMMED[trimmed]))
    phone.page.wait_for_load_state("networkidle")
    assert messages.TRIMMED_TITLES[trimmed] in phone.page.locator("h1").first.inner_text()  # 码上找代表, 活动安排 ...
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


@pytest.mark.parametrize("trimmed", list(urls.TRIMMED))
def test_without_javascript_too(chromium_browser, base_url: str, trimmed: str) -> None:
    context = chromium_browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    response = page.goto(base_url + trimmed)
    assert response is not None and response.status == 200
    page.wait_for_url(base_url + urls.TRIMMED[trimmed])
    assert messages.TRIMMED_TITLES[trimmed] in page.locator("h1").first.inner_text()
    context.close()
