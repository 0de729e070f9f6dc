"""A one-off event without a printed notice has no page of its own: it is a line of its station's events page, with
its deputies and a past one's outcome, and its URL (which the QR code of a notice printed before it holds, or a feed)
leads there; a 述职 keeps its page (the yearly reports and evaluation forms), a rule keeps its page, a coming event
within the notice horizon keeps its page. Built from tests/fixtures/good with the events overlay and two more events,
a 屋场恳谈会 held two weeks before "today" and a mobile stop ten weeks after it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import overlay_case

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAST = """\
id: qingshi-2026-11-wuchang
kind: courtyard
topic: 屋场恳谈会：老旧小区加装电梯
station: qingshi-zhan
place:
  name: 青石社区议事厅
  address: 样例市晨溪区青石路 3 号
start: 2026-11-14 14:30
end: 2026-11-14 16:30
deputies:
  - lin-xiaoyang
  - chen-moyin
outcome:
  received: 25
  opinions: 4
  summary: 居民提出加装电梯的资金分摊办法，代表记下转交街道。
"""
LINE = "events/station-qingshi-zhan/#event-qingshi-2026-11-wuchang"
FAR = """\
id: qingshi-2027-02-baiyun
kind: mobile
topic: 流动联络站进白云村
station: qingshi-zhan
place:
  name: 白云村村委会
  address: 样例市晨溪区白云镇白云村 1 号
start: 2027-02-10 14:30
end: 2027-02-10 17:00
deputies:
  - zhao-shishan
"""
FAR_LINE = "events/station-qingshi-zhan/#event-qingshi-2027-02-baiyun"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("past-events")
    content = base / "content"
    overlay_case(content, FIXTURES / "good")
    overlay_case(content, FIXTURES / "events" / "good")
    (content / "events" / "qingshi-2026-11-wuchang.yaml").write_text(PAST, encoding="utf-8")
    (content / "events" / "qingshi-2027-02-baiyun.yaml").write_text(FAR, encoding="utf-8")
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(content), "--out", str(base / "site")]
    args += ["--today", "2026-11-28", "--site-url", "https://daibiao.example.org/"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return base / "site"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_its_url_leads_to_its_line_without_javascript(site: Path) -> None:
    page = read(site, "event/qingshi-2026-11-wuchang/index.html")
    assert f'<meta http-equiv="refresh" content="0; url=../../{LINE}">' in page
    assert f'<link rel="canonical" href="https://daibiao.example.org/{LINE}">' in page
    assert f'<a href="../../{LINE}">青石街道人大代表联络站的活动安排</a>' in page
    assert "<script" not in page and "时间和地点" not in page  # not the full page of an event
    assert "qingshi-2026-11-wuchang" not in read(site, "sitemap.xml")


def test_its_line_shows_what_its_page_showed(site: Path) -> None:
    page = read(site, "events/station-qingshi-zhan/index.html")
    [line] = re.findall(r'<li id="event-qingshi-2026-11-wuchang">.*?</li>', page)
    text = re.sub(r"<[^>]+>", "", line)
    assert text == (
        "14:30-16:30（已结束） · 屋场恳谈会：屋场恳谈会：老旧小区加装电梯 · 青石街道人大代表联络站 · 青石社区议事厅 · "
        "参加代表：林小样、陈模音 · 接待群众 25 人次 · 收集意见建议 4 条"
        "居民提出加装电梯的资金分摊办法，代表记下转交街道。"
    )
    assert '<a href="../../deputies/lin-xiaoyang/">林小样</a>' in line


def test_pages_link_its_line(site: Path) -> None:
    """The month page, the station's 往期活动 and the 履职档案 of a deputy present link the line, not the old URL."""
    assert f'href="../{LINE.removeprefix("events/")}"' in read(site, "events/2026-11/index.html")
    assert f'href="../../{LINE}"' in read(site, "stations/qingshi-zhan/index.html")
    assert f'href="../../{LINE}">屋场恳谈会</a>' in read(site, "deputies/lin-xiaoyang/index.html")
    for page in site.rglob("*.html"):
        if page.parent.name != "qingshi-2026-11-wuchang":
            assert "event/qingshi-2026-11-wuchang/" not in page.read_text(encoding="utf-8"), page


def test_a_report_to_voters_and_a_coming_event_keep_their_pages(site: Path) -> None:
    assert "时间和地点" in read(site, "event/qingshi-2026-11-shuzhi/index.html")  # past, but a 述职
    assert "时间和地点" in read(site, "event/qingshi-2026-12-qiaotou/index.html")
    assert "时间和地点" in read(site, "event/qingshi-jiedairi/index.html")
    assert 'id="event-' not in read(site, "events/2026-12/index.html")


def test_a_coming_event_beyond_the_notice_horizon_is_its_line(site: Path) -> None:
    """No notice is printed for it yet, so no QR code needs a page made for it: its URL (in its feeds) leads to its
    line, which shows where it stops; every page links the line (it gets its page with its notice, test_events)."""
    page = read(site, "event/qingshi-2027-02-baiyun/index.html")
    assert f'<meta http-equiv="refresh" content="0; url=../../{FAR_LINE}">' in page
    assert f'这次活动的时间、地点和参加代表见<a href="../../{FAR_LINE}">' in page
    assert "时间和地点" not in page and "已经举行" not in page
    assert not (site / "notices" / "qingshi-2027-02-baiyun.html").exists()
    events = read(site, "events/station-qingshi-zhan/index.html")
    [line] = re.findall(r'<li id="event-qingshi-2027-02-baiyun">.*?</li>', events)
    assert re.sub(r"<[^>]+>", "", line) == (
        "14:30-17:00 · 流动站：流动联络站进白云村 · 青石街道人大代表联络站 · "
        "白云村村委会（样例市晨溪区白云镇白云村 1 号） · 参加代表：赵试山"
    )
    assert f'href="../../{FAR_LINE}"' in read(site, "deputies/zhao-shishan/index.html")
    assert f'href="../{FAR_LINE.removeprefix("events/")}"' in read(site, "events/2027-02/index.html")
    feed = read(site, "feeds/station-qingshi-zhan.ics")
    assert "URL:https://daibiao.example.org/event/qingshi-2027-02-baiyun/" in feed
    for page in site.rglob("*.html"):
        if page.parent.name != "qingshi-2027-02-baiyun":
            assert "event/qingshi-2027-02-baiyun/" not in page.read_text(encoding="utf-8"), page


def test_every_page_names_its_icon_so_no_browser_asks_for_favicon_ico(site: Path) -> None:
    """The site has no /favicon.ico: a page that names no icon makes a browser ask for it, a 404 on every visit (a
    QR code scanned, a feed's link followed). Material's pages name the theme's; the small pages that lead on, and
    the print pages, name an empty one."""
    assert not (site / "favicon.ico").exists()
    nameless = [
        str(page.relative_to(site))
        for page in sorted(site.rglob("*.html"))
        if not re.search(r'<link rel="icon" href="[^"]+"', page.read_text(encoding="utf-8"))
    ]
    assert nameless == [], nameless
