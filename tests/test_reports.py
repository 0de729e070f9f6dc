"""Yearly reports (generator/reports.py): printed by real chromium to A4 in the posters' style, the QR code decodes to
the deputy's page, the points add up as on the deputy's page, and text from content stays text."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import overlay_case
from test_posters import pdf_pages, zbar

from generator import urls
from generator.directory import Directory
from generator.load import load_content
from generator.qr import qr_svg
from generator.reports import render_report
from generator.stats import read_stats

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 11, 28)
SITE_URL = "https://daibiao.example.gov.cn/"
XSS = "<script>alert(1)</script>"
A4 = (595.28, 841.89)  # points


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Directory:
    root = tmp_path_factory.mktemp("reports") / "content"
    shutil.copytree(FIXTURES / "good", root)
    overlay_case(root, FIXTURES / "records" / "good")
    record = root / "records" / "lin-xiaoyang" / "2026.yaml"
    text = record.read_text(encoding="utf-8").replace("走访独居老人", f"走访独居老人{XSS}")
    record.write_text(text, encoding="utf-8")
    content, problems = load_content(root, TODAY)
    assert problems == []
    return Directory(content, TODAY, stats=read_stats(FIXTURES / "stats" / "good.json", content)[0])


@pytest.fixture(scope="module")
def report(directory: Directory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2026 report of lin-xiaoyang written where the site has it, with the QR code it shows."""
    site = tmp_path_factory.mktemp("site")
    path = site / urls.deputy_report("lin-xiaoyang", 2026)
    path.parent.mkdir(parents=True)
    deputy = directory.content.deputies["lin-xiaoyang"]
    path.write_text(render_report(directory, deputy, 2026, site_url=SITE_URL), encoding="utf-8")
    qr = site / urls.deputy_qr(deputy.id)
    qr.parent.mkdir(parents=True)
    qr.write_text(qr_svg(urls.absolute(SITE_URL, urls.deputy_page(deputy.id)), title=deputy.name), encoding="utf-8")
    return path


@pytest.fixture
def report_page(chromium_browser, report: Path):
    page = chromium_browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    yield page
    page.close()
    assert dialogs == [], "a script from the content ran"


@pytest.mark.browser
def test_the_report_prints_on_a4_and_its_code_decodes(report_page, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    report_page.pdf(path=str(pdf), format="A4")
    data = pdf.read_bytes()
    assert 1 <= pdf_pages(data) <= 2
    boxes = {tuple(float(n) for n in box.split()[2:]) for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", data)}
    assert boxes and all(box == pytest.approx(A4, abs=1) for box in boxes), boxes
    assert shutil.which("pdftoppm"), "pdftoppm is missing: Debian package poppler-utils (scripts/setup.sh)"
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    (image,) = tmp_path.glob("p-*.png")
    assert zbar(image) == [urls.absolute(SITE_URL, "deputies/lin-xiaoyang/")]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "林小样" in text and "2026 年度履职情况" in text
    assert re.search(r"合计（加分 \+18，扣分 -3）\s+15", text)


@pytest.mark.browser
def test_the_report_in_print_has_no_toolbar_and_loads_nothing_else(report_page) -> None:
    assert report_page.locator(".toolbar").is_visible()
    report_page.emulate_media(media="print")
    assert report_page.locator(".toolbar").is_hidden()
    assert report_page.locator("script").count() == 0
    titles = report_page.locator(".report-entries td:nth-child(2)").all_text_contents()
    assert any(XSS in " ".join(t.split()) for t in titles)
    qr = report_page.locator("img.qr").evaluate("img => [img.complete, img.naturalWidth]")
    assert qr[0] and qr[1] > 0


def test_the_report_holds_the_year_line_by_line(directory: Directory) -> None:
    html = render_report(directory, directory.content.deputies["lin-xiaoyang"], 2026, site_url=SITE_URL)
    assert '<strong class="report-total">15 分</strong>' in html
    kinds = re.findall(r"<h3>([^<]+)</h3>", html)
    assert kinds == [
        "进站接待选民 · 3 条 · 计入 +5 分",
        "代表建议 · 2 条 · 计入 +6 分",
        "参加会议 · 1 条 · 计入 +1 分",
        "视察调研 · 1 条",  # not in the scheme
        "其他履职 · 3 条 · 计入 +6 分",
        "无故缺席 · 2 条 · 计入 -3 分",
    ]
    assert html.count('<td class="report-date">') == 12
    assert "<li>已答复：10 条（83%）</li>" in html  # the statistics are of 2026: shown in the 2026 report
    assert "<li>2026 年：7 人次参评，满意 5、基本满意 1、不满意 1</li>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and XSS not in html
    for outside in ('<link rel="stylesheet', "@import", "url(", 'src="http', "<script"):
        assert outside not in html
    assert "@page { size: A4; margin: 12mm; }" in html  # poster.css


def test_an_earlier_year_has_no_message_figures(directory: Directory) -> None:
    html = render_report(directory, directory.content.deputies["lin-xiaoyang"], 2025, site_url=SITE_URL)
    assert "留言办理情况" not in html  # the figures are as of 2026
    assert "<li>2025 年：参评不足 5 人次，暂不公布</li>" in html
    assert "按《样例区代表履职积分办法（试行）》计算" in html
