"""Station posters: printed by real chromium to A4, every QR code on every page decodes, nothing from the model runs."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from generator import urls
from generator.messages import POSTER_LOCAL_SITE_URL
from generator.model import Deputy, Station
from generator.posters import FIRST_PAGE_CARDS, PAGE_CARDS, pages_of, render_poster, station_qr_key
from generator.qr import qr_svg

SITE_URL = "https://example.gov.cn/"
TODAY = dt.date(2025, 6, 1)
CM = 37.8  # CSS px in one centimetre
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
NAMES = ["王秀兰", XSS_IMG, "阿不都热合曼·买买提", "张三", "赵敏", "陈小平", "刘洋", "周杰", "吴桂芳", "郑和"]


def make_station(**changes) -> Station:
    data = {
        "id": "hy-zx-01",
        "name": f"武原街道人大代表联络站{XSS_SCRIPT}",
        "kind": "fixed",
        "area": "330424",
        "address": "海盐县武原街道新桥北路 88 号二楼</style><script>alert(2)</script>",
        "hours": "工作日 9:00-17:00",
        "reception": [
            {"day": "每周三", "time": "09:00-11:30", "note": "市人大代表轮值"},
            {"day": "每月第一个周六", "time": "14:00-16:30"},
        ],
        "phone": "0573-86012345",
    }
    return Station.model_validate(data | changes)


def make_deputy(i: int, name: str, **changes) -> Deputy:
    memberships = [{"level": "county", "congress": "第十八届", "area": "330424", "since": "2021-10-01"}]
    if i % 3 == 0:
        memberships.append({"level": "city", "congress": "第九届", "area": "330400", "since": "2022-01-01"})
    data = {
        "id": f"dep-{i:02d}",
        "name": name,
        "photo": f"hy/dep-{i:02d}.png" if i % 2 == 0 else None,
        "memberships": memberships,
        "stations": ["hy-zx-01"],
    }
    return Deputy.model_validate(data | changes)


RETIRED = make_deputy(
    99,
    "钱退休",
    memberships=[
        {"level": "county", "congress": "第十七届", "area": "330424", "since": "2016-10-01", "until": "2021-09-30"}
    ],
)


def deputy_url(deputy_id: str) -> str:
    return urls.absolute(SITE_URL, urls.deputy_page(deputy_id))


def station_url(station_id: str) -> str:
    return urls.absolute(SITE_URL, urls.station_page(station_id))


def codes_for(station: Station, deputies: list[Deputy]) -> dict[str, str]:
    codes = {d.id: qr_svg(deputy_url(d.id), title=d.name) for d in deputies}
    codes[station_qr_key(station.id)] = qr_svg(station_url(station.id), title=station.name)
    return codes


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colour PNG, standing in for a deputy's photo."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def zbar(image: Path) -> list[str]:
    assert shutil.which("zbarimg"), "zbarimg is missing: Debian package zbar-tools (scripts/setup.sh)"
    done = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=False)
    assert done.returncode in (0, 4), done.stderr  # 4: no code found
    return done.stdout.splitlines()


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF written by chromium (Skia writes its page objects uncompressed)."""
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))
    assert pages == max(int(n) for n in re.findall(rb"/Count\s+(\d+)", pdf))
    return pages


@pytest.fixture
def station() -> Station:
    return make_station()


@pytest.fixture
def deputies() -> list[Deputy]:
    return [make_deputy(i, name) for i, name in enumerate(NAMES)] + [RETIRED]


@pytest.fixture
def poster(tmp_path, station, deputies) -> Path:
    """The poster written where the site would have it, with the photos it points to."""
    site = tmp_path / "site"
    path = site / urls.station_poster(station.id)
    path.parent.mkdir(parents=True)
    html = render_poster(station, deputies, site_url=SITE_URL, root="../", qr=codes_for(station, deputies), today=TODAY)
    path.write_text(html, encoding="utf-8")
    for deputy in deputies:
        if deputy.photo:
            photo = site / urls.photo(deputy.photo)
            photo.parent.mkdir(parents=True, exist_ok=True)
            photo.write_bytes(png(60, 80, (90, 120, 150)))
    return path


@pytest.fixture
def poster_page(chromium_browser, poster):
    page = chromium_browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(poster.as_uri())
    page.wait_for_load_state("load")
    yield page
    page.close()
    assert dialogs == [], "a script from the content ran"


@pytest.mark.browser
def test_printed_poster_has_the_expected_pages_and_every_code_decodes(poster_page, tmp_path, station, deputies):
    current = [d for d in deputies if d is not RETIRED]
    expected_pages = 1 + math.ceil((len(current) - FIRST_PAGE_CARDS) / PAGE_CARDS)
    assert expected_pages == 2
    pdf = tmp_path / "poster.pdf"
    poster_page.pdf(path=str(pdf), format="A4")
    assert pdf_pages(pdf.read_bytes()) == expected_pages

    expected = [{station_url(station.id)} | {deputy_url(d.id) for d in current[:FIRST_PAGE_CARDS]}]
    expected += [{deputy_url(d.id) for d in page} for page in pages_of(current)[1:]]
    if shutil.which("pdftoppm"):  # Debian package poppler-utils: rasterise what would be printed
        subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
        images = sorted(tmp_path.glob("page-*.png"))
        assert len(images) == expected_pages
        found = [zbar(image) for image in images]
        assert [sorted(codes) for codes in found] == [sorted(codes) for codes in expected]
    else:  # print media in an A4-wide viewport, one long screenshot
        poster_page.emulate_media(media="print")
        poster_page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 CSS px per inch
        image = tmp_path / "print.png"
        poster_page.screenshot(path=str(image), full_page=True)
        found = zbar(image)
        assert sorted(found) == sorted(set().union(*expected))


@pytest.mark.browser
def test_printed_codes_are_at_least_3_5_cm_wide_and_photos_load(poster_page):
    poster_page.emulate_media(media="print")
    widths = poster_page.eval_on_selector_all(".qr svg", "svgs => svgs.map(s => s.getBoundingClientRect().width)")
    assert len(widths) == len(NAMES) + 1
    assert min(widths) >= 3.5 * CM
    photos = poster_page.eval_on_selector_all(
        "img.photo", "imgs => imgs.map(i => [i.getAttribute('src'), i.naturalWidth])"
    )
    assert photos == [[f"../photos/hy/dep-{i:02d}.png", 60] for i in range(0, len(NAMES), 2)]
    assert poster_page.locator(".card svg.photo[aria-hidden=true]").count() == len(NAMES) // 2
    assert poster_page.locator(".toolbar").is_hidden()
    clipped = poster_page.eval_on_selector_all(".card", "cards => cards.map(c => c.scrollHeight > c.clientHeight)")
    assert clipped == [False] * len(NAMES), "a card's content does not fit its printed height"


@pytest.mark.browser
def test_model_text_renders_as_text(poster_page, station):
    assert poster_page.locator("script").count() == 0
    assert poster_page.locator("[onerror]").count() == 0
    assert poster_page.locator("img:not(.photo)").count() == 0
    assert poster_page.locator("h1").text_content() == station.name
    assert poster_page.title().startswith(station.name)
    assert poster_page.locator(".station dd").first.text_content() == station.address
    assert poster_page.locator(".card .name").nth(1).text_content() == XSS_IMG
    assert poster_page.locator("style").count() == 1


@pytest.mark.browser
def test_print_hint_is_shown_on_screen_only(poster_page):
    hint = poster_page.locator(".toolbar")
    assert hint.is_visible()
    poster_page.emulate_media(media="print")
    assert not hint.is_visible()


def test_poster_shows_the_station_and_its_current_deputies(station, deputies):
    html = render_poster(station, deputies, site_url=SITE_URL, root="../", qr=codes_for(station, deputies), today=TODAY)
    assert "固定站" in html
    assert "每周三 09:00-11:30" in html and "市人大代表轮值" in html and "每月第一个周六 14:00-16:30" in html
    assert "0573-86012345" in html and "工作日 9:00-17:00" in html
    assert html.count("扫码找代表，留言反映意见建议") == len(NAMES)
    assert "钱退休" not in html and deputy_url(RETIRED.id) not in html
    assert html.count("市人大代表</span><span>县（区）人大代表") == len(range(0, len(NAMES), 3))
    assert '<img class="photo" src="../photos/hy/dep-00.png" alt="">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and XSS_IMG not in html
    assert "@page { size: A4; margin: 12mm; }" in html
    assert '"Noto Sans CJK SC", sans-serif' in html
    for outside in ('<link rel="stylesheet', "@import", "url(", 'src="http', "<script"):
        assert outside not in html


def test_online_station_without_address_or_deputies():
    station = make_station(kind="online", address=None, reception=[], phone=None, hours=None)
    html = render_poster(station, [], site_url=SITE_URL, root="../", qr=codes_for(station, []), today=TODAY)
    assert "云上站" in html and station_url(station.id) in html
    assert "地址" not in html and "联系电话" not in html and 'class="card"' not in html


def test_every_code_must_be_given(station, deputies):
    codes = codes_for(station, deputies)
    del codes["dep-03"]
    with pytest.raises(ValueError, match="dep-03"):
        render_poster(station, deputies, site_url=SITE_URL, root="../", qr=codes, today=TODAY)


@pytest.mark.parametrize(
    ("cards", "pages"),
    [(0, [0]), (1, [1]), (6, [6]), (7, [6, 1]), (15, [6, 9]), (16, [6, 9, 1])],
)
def test_pages_of(cards, pages):
    assert [len(page) for page in pages_of(list(range(cards)))] == pages


@pytest.mark.parametrize(
    ("site_url", "local"),
    [
        ("http://127.0.0.1:8000/", True),
        ("http://localhost:8000/", True),
        ("http://192.168.1.20/daibiao/", True),
        ("http://10.0.0.5/", True),
        ("http://172.20.1.1/", True),
        ("http://[::1]:8000/", True),
        ("http://0.0.0.0:8000/", True),
        ("http://daibiao.local/", True),
        ("http://intranet/", True),
        ("https://example.gov.cn/", False),
        ("https://daibiao.example.gov.cn/haiyan/", False),
        ("http://202.96.1.10/", False),
    ],
)
def test_is_local_url(site_url: str, local: bool) -> None:
    assert urls.is_local_url(site_url) is local


def test_a_poster_with_a_public_address_has_no_test_banner(station, deputies):
    html = render_poster(station, deputies, site_url=SITE_URL, root="../", qr=codes_for(station, deputies), today=TODAY)
    assert "test-address" not in html.split("</style>")[1] and "请勿打印" not in html


@pytest.mark.browser
def test_a_poster_with_a_test_address_is_marked_on_screen_and_on_every_printed_page(
    chromium_browser, tmp_path, station, deputies
):
    """site_url 127.0.0.1 (the demo's): codes as they are, a banner on screen and at the foot of every printed page
    that covers no code."""
    local = "http://127.0.0.1:8000/"
    codes = {d.id: qr_svg(urls.absolute(local, urls.deputy_page(d.id))) for d in deputies}
    codes[station_qr_key(station.id)] = qr_svg(urls.absolute(local, urls.station_page(station.id)))
    poster = tmp_path / "poster.html"
    poster.write_text(render_poster(station, deputies, site_url=local, root="../", qr=codes, today=TODAY), "utf-8")
    banner = POSTER_LOCAL_SITE_URL.format(url=local)
    page = chromium_browser.new_page()
    try:
        page.goto(poster.as_uri())
        assert page.locator(".test-address").text_content() == banner
        assert page.locator(".test-address").is_visible()
        pdf = tmp_path / "poster.pdf"
        page.pdf(path=str(pdf), format="A4")
    finally:
        page.close()
    assert pdf_pages(pdf.read_bytes()) == 2
    for number in (1, 2):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert banner in "".join(text.split()), f"page {number}: {text}"
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True)
    found = [code for image in sorted(tmp_path.glob("page-*.png")) for code in zbar(image)]
    assert len(found) == len(NAMES) + 1 and all(code.startswith(local) for code in found)


@pytest.mark.browser
def test_a_tall_header_moves_cards_on_without_a_page_of_their_own(chromium_browser, tmp_path):
    """A long name and address and six reception times leave room for one row of cards under the header: the second
    row goes to page 2 and the next sheet's cards follow it there (not 3 pages of 3, 3 and 2 cards)."""
    station = make_station(
        name="武原街道新桥社区人大代表联络站（海盐县人大常委会武原街道工作委员会代表之家）",
        address="海盐县武原街道新桥北路 88 号二楼，进门左转第三间，社区服务中心旁边，停车场入口对面",
        reception=[
            {"day": f"每月第{i}个周六", "time": "09:00-11:30", "note": "市、县人大代表轮值"} for i in range(1, 7)
        ],
    )
    deputies = [make_deputy(i, f"代表{i}") for i in range(8)]
    poster = tmp_path / "poster.html"
    poster.write_text(
        render_poster(station, deputies, site_url=SITE_URL, root="../", qr=codes_for(station, deputies), today=TODAY),
        encoding="utf-8",
    )
    page = chromium_browser.new_page()
    try:
        page.goto(poster.as_uri())
        header = page.eval_on_selector(".station", "e => e.getBoundingClientRect().height")
        pdf = page.pdf(format="A4")
    finally:
        page.close()
    assert header > 85 * CM / 10  # an A4 page holds 273 mm: 2 rows, their gap and the heading leave about 84 mm
    assert pdf_pages(pdf) == 2
    (tmp_path / "poster.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-png", str(tmp_path / "poster.pdf"), str(tmp_path / "p")], check=True
    )
    found = [zbar(image) for image in sorted(tmp_path.glob("p-*.png"))]
    assert sorted(code for codes in found for code in codes) == sorted(
        [station_url(station.id)] + [deputy_url(d.id) for d in deputies]
    )
