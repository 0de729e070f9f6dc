"""Events' printable notices (活动预告): printed by real chromium to one A4 page whose text names the event and whose
QR codes decode to the event's page and the station's message form (and, at a 述职, each deputy's evaluation form);
a test address gets the posters' 请勿打印张贴 banner. The notices a build writes (codes from its QR cache) too: each
code decodes to the address printed under it, and is named for a screen reader."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import overlay_case
from test_posters import SITE_URL, XSS_IMG, XSS_SCRIPT, make_deputy, make_station, pdf_pages, zbar

from generator import urls
from generator.cli import main
from generator.event_model import StationEvent
from generator.events import Occurrence
from generator.messages import POSTER_LOCAL_SITE_URL
from generator.notices import code_title, notice_codes, render_notice
from generator.qr import qr_svg

LOCAL = "http://127.0.0.1:8000/"
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BUILT = "https://daibiao.example.org/"
BUILT_NOTICES = {  # tests/fixtures/events/good's events with a notice on 2026-11-28: where their two codes lead
    "qingshi-jiedairi": [f"{BUILT}event/qingshi-jiedairi/", f"{BUILT}stations/qingshi-zhan/#message"],
    "qingshi-2026-12-qiaotou": [f"{BUILT}event/qingshi-2026-12-qiaotou/", f"{BUILT}stations/qingshi-zhan/#message"],
}


def make_event(**changes) -> StationEvent:
    data = {
        "id": "zx-jiedairi",
        "kind": "reception",
        "topic": f"代表接待日{XSS_SCRIPT}",
        "station": "hy-zx-01",
        "start": "2026-12-02 09:00",
        "end": "2026-12-02 11:30",
        "repeat": {"every": "week", "days": ["wed"], "until": "2027-06-30"},
        "deputies": ["dep-01", "dep-02"],
    }
    return StationEvent.model_validate(data | changes)


def next_time(event: StationEvent, day: dt.date) -> Occurrence:
    start = dt.datetime.combine(day, event.start.time())
    return Occurrence(event, start, start + (event.end - event.start))


def render(event: StationEvent, site_url: str = SITE_URL, **changes) -> str:
    deputies = [make_deputy(i, name) for i, name in ((1, "王秀兰"), (2, XSS_IMG))]
    names = {d.id: d.name for d in deputies}
    codes = {role: qr_svg(url, code_title(role, names)) for role, url in notice_codes(event, site_url).items()}
    occurrence = next_time(event, dt.date(2026, 12, 9))
    return render_notice(occurrence, make_station(**changes), deputies, site_url=site_url, qr=codes)


def printed(chromium_browser, tmp_path: Path, html: str) -> tuple[int, str, list[str]]:
    """The notice printed to A4: its pages, its text (pdftotext, spaces dropped) and the codes zbarimg reads."""
    page_file = tmp_path / "notice.html"
    page_file.write_text(html, encoding="utf-8")
    page = chromium_browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(page_file.as_uri())
        pdf = tmp_path / "notice.pdf"
        page.pdf(path=str(pdf), format="A4")
    finally:
        page.close()
    assert dialogs == [], "a script from the content ran"
    assert shutil.which("pdftotext"), "pdftotext is missing: Debian package poppler-utils (scripts/setup.sh)"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
    codes = [code for image in sorted(tmp_path.glob("page-*.png")) for code in zbar(image)]
    return pdf_pages(pdf.read_bytes()), "".join(text.split()), codes


@pytest.mark.browser
def test_a_notice_prints_on_one_a4_page_and_its_codes_open_the_event_and_the_form(chromium_browser, tmp_path):
    pages, text, codes = printed(chromium_browser, tmp_path, render(make_event()))
    assert pages == 1
    assert sorted(codes) == sorted(
        [urls.absolute(SITE_URL, "event/zx-jiedairi/"), urls.absolute(SITE_URL, "stations/hy-zx-01/#message")]
    )
    for shown in ("活动预告", "接待日", f"代表接待日{XSS_SCRIPT}", "2026年12月9日（周三）", "09:00-11:30", "每周三"):
        assert shown in text
    assert "王秀兰" in text and "".join(XSS_IMG.split()) in text and "0573-86012345" in text
    assert "请勿打印" not in text


@pytest.mark.browser
def test_a_report_to_voters_carries_each_deputys_evaluation_form(chromium_browser, tmp_path):
    event = make_event(kind="report", repeat=None, topic="向选民述职", start="2026-12-09 19:00", end="2026-12-09 21:00")
    pages, text, codes = printed(chromium_browser, tmp_path, render(event))
    assert pages == 1
    evaluations = [urls.absolute(SITE_URL, f"deputies/dep-0{i}/#evaluation") for i in (1, 2)]
    assert sorted(codes) == sorted(
        [urls.absolute(SITE_URL, "event/zx-jiedairi/"), urls.absolute(SITE_URL, "stations/hy-zx-01/#message")]
        + evaluations
    )
    assert "扫码对王秀兰的年度履职进行评价" in text


@pytest.mark.browser
def test_a_notice_for_a_test_address_is_marked_not_for_print(chromium_browser, tmp_path):
    pages, text, codes = printed(chromium_browser, tmp_path, render(make_event(), site_url=LOCAL))
    assert pages == 1
    assert "".join(POSTER_LOCAL_SITE_URL.format(url=LOCAL).split()) in text
    assert len(codes) == 2 and all(code.startswith(LOCAL) for code in codes)


def test_a_mobile_stop_names_its_place_and_text_is_escaped():
    event = make_event(
        kind="mobile",
        repeat=None,
        place={"name": "桥头村文化礼堂", "address": "桥头村 1 号</style><script>alert(3)</script>"},
    )
    html = render(event)
    assert "桥头村文化礼堂" in html and "每周" not in html
    assert "<script>" not in html and "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and XSS_IMG not in html
    assert "请勿打印" not in html.split("</style>")[1]
    for outside in ('<link rel="stylesheet', "@import", "url(", 'src="http'):
        assert outside not in html


def test_every_code_must_be_given():
    event = make_event()
    codes = {role: qr_svg(url) for role, url in notice_codes(event, SITE_URL).items()}
    del codes["form"]
    with pytest.raises(ValueError, match="form"):
        render_notice(next_time(event, dt.date(2026, 12, 9)), make_station(), [], site_url=SITE_URL, qr=codes)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/good with the events overlay, built as of 2026-11-28: its notices/ folder."""
    base = tmp_path_factory.mktemp("notices")
    content = base / "content"
    overlay_case(content, FIXTURES / "good")
    overlay_case(content, FIXTURES / "events" / "good")
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(content), "--out", str(base / "site")]
    result = CliRunner().invoke(main, [*args, "--today", "2026-11-28", "--site-url", BUILT])
    assert result.exit_code == 0, result.output
    return base / "site" / "notices"


def test_the_built_notices_are_the_coming_events_and_their_codes_are_named(built: Path) -> None:
    """The codes' SVGs are images to a screen reader: each is named by what its caption says scanning it does."""
    assert sorted(p.stem for p in built.glob("*.html") if p.stem != "index") == sorted(BUILT_NOTICES)
    for event_id in BUILT_NOTICES:
        html = (built / f"{event_id}.html").read_text(encoding="utf-8")
        titles = re.findall(r'<svg [^>]*role="img"><title>([^<]*)</title>', html)
        assert titles == ["扫码查看活动详情", "不能到场？扫码给联络站留言"], event_id
        assert html.count('role="img"') == 2


@pytest.mark.browser
@pytest.mark.parametrize("event_id", sorted(BUILT_NOTICES))
def test_a_built_notices_codes_open_the_event_and_the_form(chromium_browser, tmp_path, built: Path, event_id: str):
    """The notice file the build writes (its codes come from the QR cache, not from this test), printed to A4."""
    html = (built / f"{event_id}.html").read_text(encoding="utf-8")
    pages, text, codes = printed(chromium_browser, tmp_path, html)
    assert pages == 1
    assert sorted(codes) == sorted(BUILT_NOTICES[event_id])
    assert "活动预告" in text and "请勿打印" not in text
    page = chromium_browser.new_page()
    try:  # each code on its own, beside the caption that says where it leads
        page.goto((built / f"{event_id}.html").as_uri())
        figures = page.locator(".codes figure")
        found = []
        for i in range(figures.count()):
            image = tmp_path / f"code-{i}.png"
            figures.nth(i).locator(".qr").screenshot(path=str(image))
            found.append((zbar(image), figures.nth(i).locator("a.url").get_attribute("href")))
    finally:
        page.close()
    assert found == [([url], url) for url in BUILT_NOTICES[event_id]]
