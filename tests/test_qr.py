"""QR codes: what chromium draws from our SVG must decode (zbarimg) to exactly the URL, at error correction M."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import qrcode
import qrcode.constants

from generator.qr import ERROR_CORRECTION, QUIET_ZONE, QRCache, check_url, qr_svg

SVG = "{http://www.w3.org/2000/svg}"
LONG_URL = (
    "https://renda.example.gov.cn/province/city/county/township/liaison-stations/"
    "hy-zhengxiang-community-01/deputies/abdurahman-memet-2024/?from=poster&lang=zh-CN&v=3#message-form"
)
URLS = [
    "https://example.gov.cn/deputies/wang-xiulan/",
    "http://localhost:8000/stations/hy-zx-01/",
    "https://example.gov.cn/",
    LONG_URL,
]
BAD_URLS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.gov.cn/deputies/x/",
    "file:///etc/passwd",
    "/deputies/wang-xiulan/",
    "deputies/wang-xiulan/",
    "https://",
    "https:///deputies/x/",
    "https://exa mple.gov.cn/",
    "https://example.gov.cn/\n",
    "https://例子.中国/deputies/x/",
    "",
]


def zbar(png) -> list[str]:
    """Every code zbarimg finds in an image, as text."""
    assert shutil.which("zbarimg"), "zbarimg is missing: Debian package zbar-tools (scripts/setup.sh)"
    done = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False)
    assert done.returncode in (0, 4), done.stderr  # 4: no code found
    return done.stdout.splitlines()


def svg_matrix(svg: str) -> list[list[bool]]:
    """Read the module matrix back out of an SVG made by qr_svg (one stroked path of horizontal runs)."""
    root = ET.fromstring(svg)
    size = int(root.get("viewBox").split()[2])
    (path,) = root.iter(f"{SVG}path")
    matrix = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.get("d")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            row = int(y - 0.5)
            assert y - row == 0.5, "a stroke must run along the middle of a row"
            for col in range(int(x), int(x) + int(a)):
                matrix[row][col] = True
            x += int(a)
    return matrix


def format_info(symbol: list[list[bool]]) -> tuple[int, int]:
    """(error correction bits, mask) from both copies of the format information, per ISO/IEC 18004 section 7.9."""
    n = len(symbol)

    def bit(row: int, col: int) -> int:
        return int(symbol[row][col])

    # copy 1 around the top-left finder: bits 14..9 along row 8, then (8,7), (8,8), (7,8), bits 5..0 up column 8
    first = [bit(8, c) for c in (0, 1, 2, 3, 4, 5, 7, 8)] + [bit(r, 8) for r in (7, 5, 4, 3, 2, 1, 0)]
    # copy 2: bits 14..8 up column 8 beside the bottom-left finder, bits 7..0 along row 8 under the top-right one
    second = [bit(r, 8) for r in range(n - 1, n - 8, -1)] + [bit(8, c) for c in range(n - 8, n)]
    assert first == second, "the two copies of the format information differ"
    value = int("".join(map(str, first)), 2) ^ 0b101010000010010
    data, check = value >> 10, value & 0x3FF
    remainder = data << 10
    for shift in range(4, -1, -1):  # BCH(15,5) with generator x^10+x^8+x^5+x^4+x^2+x+1
        if remainder & (1 << (shift + 10)):
            remainder ^= 0b10100110111 << shift
    assert remainder == check, "format information fails its BCH check"
    return data >> 3, data & 0b111


@pytest.fixture
def browser_page(chromium_browser):
    page = chromium_browser.new_page()
    yield page
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("px", [400, 157])
@pytest.mark.parametrize("url", URLS)
def test_chromium_renders_a_code_that_decodes_to_the_url(browser_page, tmp_path, url, px):
    browser_page.set_content(
        f'<body style="margin:0;background:#fff"><div style="width:{px}px;height:{px}px">'
        f"<style>svg {{ display: block; width: 100%; height: 100% }}</style>{qr_svg(url, title='码上找代表')}</div>"
    )
    png = tmp_path / "code.png"
    browser_page.locator("div").screenshot(path=str(png))
    assert zbar(png) == [url]


@pytest.mark.parametrize("url", URLS)
def test_code_is_level_m_with_a_quiet_zone_and_equals_qrcodes_own_symbol(url):
    matrix = svg_matrix(qr_svg(url))
    q = QUIET_ZONE
    assert q == 4
    assert not any(any(row) for row in matrix[:q] + matrix[-q:])
    assert not any(any(row[:q]) or any(row[-q:]) for row in matrix)
    symbol = [row[q:-q] for row in matrix[q:-q]]
    assert (len(symbol) - 17) % 4 == 0, "a QR symbol is 4 * version + 17 modules wide"
    level_bits, _mask = format_info(symbol)
    assert level_bits == 0b00  # ISO/IEC 18004 table 12: M = 00 (L = 01, Q = 11, H = 10)
    assert ERROR_CORRECTION == qrcode.constants.ERROR_CORRECT_M

    reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    reference.add_data(url)
    reference.make(fit=True)
    assert matrix == [[bool(m) for m in row] for row in reference.get_matrix()]


def test_svg_is_one_scalable_path_on_a_white_square():
    svg = qr_svg("https://example.gov.cn/deputies/wang-xiulan/")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") is None and root.get("height") is None
    size = root.get("viewBox").split()
    assert size[:2] == ["0", "0"] and size[2] == size[3]
    rects, paths = list(root.iter(f"{SVG}rect")), list(root.iter(f"{SVG}path"))
    assert len(rects) == 1 and len(paths) == 1
    assert (rects[0].get("width"), rects[0].get("height"), rects[0].get("fill")) == (size[2], size[3], "#fff")
    assert paths[0].get("stroke") == "#000"
    assert root.find(f"{SVG}title") is None
    assert svg == qr_svg("https://example.gov.cn/deputies/wang-xiulan/"), "output must be deterministic"
    assert len(svg) < 2500


def test_title_is_escaped_text():
    title = '<script>alert(1)</script> & "王秀兰" \x00'
    root = ET.fromstring(qr_svg("https://example.gov.cn/deputies/wang-xiulan/", title=title))
    assert [e.tag for e in root.iter() if e.tag.lower().endswith("script")] == []
    assert root.find(f"{SVG}title").text == '<script>alert(1)</script> & "王秀兰" '


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_http_urls_are_encoded(url, tmp_path):
    with pytest.raises(ValueError):
        check_url(url)
    with pytest.raises(ValueError):
        qr_svg(url)
    cache = QRCache(tmp_path / "qr")
    with pytest.raises(ValueError):
        cache.path_for(url)
    assert list(cache.cache_dir.iterdir()) == []
    assert (cache.generated, cache.reused) == (0, 0)


def test_cache_generates_each_code_once(tmp_path):
    url = "https://example.gov.cn/deputies/wang-xiulan/"
    cache = QRCache(tmp_path / "cache" / "qr")
    first = cache.path_for(url, title="王秀兰")
    before = first.stat()
    again = cache.path_for(url, title="王秀兰")
    after = again.stat()
    assert again == first
    assert (cache.generated, cache.reused) == (1, 1)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert first.read_text(encoding="utf-8") == qr_svg(url, title="王秀兰")
    assert before.st_mode & 0o644 == 0o644, "the web server must be able to read cached codes"

    other_url = cache.path_for("https://example.gov.cn/deputies/li-jianguo/", title="李建国")
    other_title = cache.path_for(url, title="王秀兰（市人大代表）")
    no_title = cache.path_for(url)
    assert len({first, other_url, other_title, no_title}) == 4
    assert (cache.generated, cache.reused) == (4, 1)
    assert sorted(p.name for p in cache.cache_dir.iterdir()) == sorted(
        p.name for p in (first, other_url, other_title, no_title)
    ), "no temporary files are left behind"

    rebuild = QRCache(cache.cache_dir)
    assert rebuild.path_for(url, title="王秀兰") == first
    assert (rebuild.generated, rebuild.reused) == (0, 1)


def test_an_incomplete_cached_code_is_made_again(tmp_path):
    cache = QRCache(tmp_path)
    path = cache.path_for("https://example.gov.cn/deputies/wang-xiulan/")
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])  # what a power cut during the write could leave
    assert cache.path_for("https://example.gov.cn/deputies/wang-xiulan/") == path
    assert (cache.generated, cache.reused) == (2, 0)
    assert path.read_bytes() == whole


def test_missing_codes_made_by_several_processes_equal_those_made_by_one(tmp_path: Path) -> None:
    codes = [(f"https://rd.example.gov.cn/deputies/d-{i}/", f"代表{i}") for i in range(450)]
    one, two = QRCache(tmp_path / "one"), QRCache(tmp_path / "two")
    paths = one.paths_for(codes[:50])
    assert (one.generated, one.reused) == (50, 0)
    paths_one, paths_two = one.paths_for(codes, jobs=1), two.paths_for(codes, jobs=2)
    assert (one.generated, one.reused, two.generated, two.reused) == (450, 50, 450, 0)
    assert paths_one[:50] == paths
    assert [p.name for p in paths_one] == [p.name for p in paths_two]
    assert [p.read_bytes() for p in paths_one] == [p.read_bytes() for p in paths_two]
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == sorted(p.name for p in paths_two)
