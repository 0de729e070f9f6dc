"""Station posters and deputies' yearly reports opened on a phone, in real chromium at 390 px: they reflow into one
readable column (issue 13 point 4). Their A4 print is tested in test_posters.py and test_reports.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}
# Every line of visible text on the page, character by character: the characters of each line of a text node (a new
# line where a character starts left of the one before it or below it), its font size, and where it lies sideways.
TEXT_LINES = """() => {
    const lines = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim() || node.parentElement.closest('svg')) continue;
        const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
        const range = document.createRange();
        let line = null, last = null;
        for (let i = 0; i < node.length; i++) {
            if (!node.textContent[i].trim()) continue;
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getBoundingClientRect();
            if (!box.width) continue;
            if (!last || box.left < last.left - 1 || box.top >= last.bottom - 2) {
                line = {text: '', size, left: box.left, right: box.right, last: false};
                lines.push(line);
            }
            line.text += node.textContent[i];
            line.right = Math.max(line.right, box.right);
            last = box;
        }
        if (line) line.last = true;
    }
    return lines;
}"""


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(ROOT / "content"), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--today", "2026-11-28"])
    assert result.exit_code == 0, result.output
    return out


def printable_pages() -> list[str]:
    """A poster of a station with deputies and one without (an online station), and a report."""
    return ["posters/hecheng-zhan.html", "posters/hecheng-yunshang-zhan.html", "reports/cao-wenjie-2026.html"]


@pytest.mark.browser
@pytest.mark.parametrize("path", printable_pages())
def test_a_printable_page_reflows_on_a_phone(chromium_browser, demo_site: Path, path: str) -> None:
    """At 390 px no line but a paragraph's last holds one character (beside the QR code, a poster's address stood one
    character a line), nothing scrolls sideways, and no text is under 16 px."""
    assert (demo_site / path).is_file(), path
    context = chromium_browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto((demo_site / path).as_uri())
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.clientWidth")
        assert width == 390 and page.evaluate("document.documentElement.scrollWidth") == width, path
        lines = page.evaluate(TEXT_LINES)
        assert len(lines) > 10, path
        narrow = [line["text"] for line in lines if len(line["text"]) == 1 and not line["last"]]
        assert not narrow, f"{path}: lines of one character: {narrow[:20]}"
        small = {line["text"]: line["size"] for line in lines if line["size"] < 16}
        assert not small, f"{path}: text under 16 px: {small}"
        outside = [line["text"] for line in lines if line["left"] < 0 or line["right"] > width]
        assert not outside, f"{path}: text outside the screen: {outside[:5]}"
    finally:
        context.close()
