"""Shared fixtures for the test suite."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

# --- chromium_browser: Debian's headless chromium through Playwright, for tests marked `browser` ----------------------
# Playwright cannot download its own browsers here; scripts/setup.sh installs /usr/bin/chromium.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless chromium for the whole session; open a new page (or context) per test."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh (Debian package chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- end of chromium_browser ---------------------------------------------------------------------------------------


# --- fixtures_dir, make_content: content trees under tests/fixtures/ (see tests/fixtures/README.md) ---------------
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES_DIR


def overlay_case(content: Path, case: Path) -> None:
    """Copy a bad case's files over `content`; paths listed in the case's DELETE file are removed instead."""
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_file() and relative != Path("DELETE"):
            target = content / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    deletions = case / "DELETE"
    for line in deletions.read_text(encoding="utf-8").splitlines() if deletions.is_file() else ():
        if line.strip():
            (content / line.strip()).unlink()


@pytest.fixture
def make_content(tmp_path: Path) -> Callable[..., Path]:
    """`make_content("unknown_key", ...)`: the good tree copied to tmp_path/content, those bad cases laid over it."""

    def make(*cases: str) -> Path:
        content = tmp_path / "content"
        shutil.copytree(FIXTURES_DIR / "good", content)
        for case in cases:
            overlay_case(content, FIXTURES_DIR / "bad" / case)
        return content

    return make


# --- end of fixtures_dir, make_content ----------------------------------------------------------------------------
