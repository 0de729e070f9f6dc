"""`python -m generator serve` as an editor runs it, a real process: a failed rebuild keeps the last good site served
with the errors over every page (MkDocs' own server stalls every request), the fix reloads it, and the temporary site
is removed however the server is stopped."""

from __future__ import annotations

import html
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator import messages as m

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BANNER = 'id="mashang-build-errors"'
DEPUTY_PAGE = "deputies/zhou-liming/"
UNKNOWN_STATION = '未知的联络站 "no-such-zhan"'
SHOWN = html.escape(UNKNOWN_STATION)  # as the page's source has it


@dataclass
class Serve:
    process: subprocess.Popen
    base: str
    content: Path
    temp: Path
    log: Path

    def get(self, path: str) -> tuple[int, str]:
        """Status and text of `path`; a request that hangs fails the test (urlopen's timeout)."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def wait_for(self, text: str, path: str = DEPUTY_PAGE, gone: str | None = None) -> str:
        """The page at `path` once it holds `text` (and no longer `gone`)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                page = self.get(path)[1]
            except OSError:  # not listening yet
                page = ""
            if text in page and (gone is None or gone not in page):
                return page
            time.sleep(0.3)
        raise AssertionError(f"{text!r} never appeared at {self.base + path}; log:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.content / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")


def start_serve(tmp_path: Path, content: Path) -> Serve:
    """The server on a free port; its temporary folders go under tmp_path/tmp (TMPDIR) where the test can see them."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "generator", "serve", "--content", str(content), "-a", f"127.0.0.1:{port}"]
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": str(temp)}
        )
    return Serve(process, f"http://127.0.0.1:{port}/", content, temp, log)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", content)
    server = start_serve(tmp_path, content)
    try:
        server.wait_for("周例明")
        yield server
    finally:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGINT)
            server.process.wait(timeout=30)


def test_serve_rebuilds_when_content_changes(serve: Serve) -> None:
    """`python -m generator serve` watches content/: an edit shows without a restart. An edit only of what a deputy's
    own page shows takes the quick path (that page and the open data); a new name goes through a full build, since
    station pages list it; an error is reported, and its fix served."""

    def full_builds() -> int:
        return serve.output().count("Documentation built in")

    assert full_builds() == 1
    serve.edit("deputies/zhou-liming.yaml", "工程师", "高级工程师")
    serve.wait_for("高级工程师")
    serve.wait_for("高级工程师", "data/deputies.json")
    assert "只改了代表文件：已重新生成 1 个代表页面和开放数据" in serve.output()
    assert full_builds() == 1
    serve.edit("deputies/zhou-liming.yaml", "周例明", "周改名")
    serve.wait_for("周改名")
    serve.wait_for("周改名", "stations/yunshang-zhan/")
    assert full_builds() == 2
    serve.edit("deputies/zhou-liming.yaml", "yunshang-zhan", "no-such-zhan")
    deadline = time.monotonic() + 60
    while "no-such-zhan" not in serve.output() and time.monotonic() < deadline:
        time.sleep(0.3)
    assert UNKNOWN_STATION in serve.output()
    serve.edit("deputies/zhou-liming.yaml", "no-such-zhan", "qingshi-zhan")
    serve.wait_for("青石街道人大代表联络站")


def test_serve_watches_every_content_folder_even_one_made_while_it_runs(serve: Serve) -> None:
    """The fixture has no events/: an editor who writes the first event while serve runs sees its page."""
    day = date.today() + timedelta(days=3)
    event = serve.content / "events" / "qingshi-shiyan.yaml"
    event.parent.mkdir()
    event.write_text(
        f"id: qingshi-shiyan\nkind: reception\ntopic: 试验接待日\nstation: qingshi-zhan\n"
        f"start: {day} 09:00\nend: {day} 11:00\n",
        encoding="utf-8",
    )
    serve.wait_for("试验接待日", "event/qingshi-shiyan/")
    serve.edit("events/qingshi-shiyan.yaml", "试验接待日", "改过的接待日")
    serve.wait_for("改过的接待日", "event/qingshi-shiyan/")


def test_a_failed_rebuild_keeps_the_last_site_served_with_the_errors_over_it(serve: Serve) -> None:
    serve.edit("deputies/zhou-liming.yaml", "yunshang-zhan", "no-such-zhan")
    page = serve.wait_for(BANNER)
    assert "周例明" in page and SHOWN in page and m.SERVE_ERRORS_TITLE in page
    # a page not open before, and one that does not exist, answer at once, with the errors
    status, station = serve.get("stations/yunshang-zhan/")
    assert status == 200 and BANNER in station and SHOWN in station
    status, missing = serve.get("no/such/page/")
    assert status == 404 and BANNER in missing and SHOWN in missing
    output = serve.output()
    assert m.SERVE_BUILD_FAILED in output
    assert "Aborted with a BuildError" not in output and "appear stuck" not in output
    serve.edit("deputies/zhou-liming.yaml", "no-such-zhan", "qingshi-zhan")
    serve.wait_for("青石街道人大代表联络站", gone=BANNER)
    assert BANNER not in serve.get("stations/yunshang-zhan/")[1]
    assert len(list(serve.temp.glob("mashang-serve-*/*"))) == 1  # the site built before the error is gone


def test_the_quick_path_waits_for_a_full_build_after_a_failure(serve: Serve) -> None:
    """A failed build read all of content/, the served site did not change: when the fix is to a deputy file only,
    the quick path would write that page from the state before the failure (the station's old name)."""
    serve.edit("deputies/zhou-liming.yaml", "yunshang-zhan", "no-such-zhan")
    serve.wait_for(BANNER)
    serve.edit("stations/yunshang-zhan.yaml", "云上", "云上改")
    deadline = time.monotonic() + 60
    while serve.output().count(m.SERVE_BUILD_FAILED) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert serve.output().count(m.SERVE_BUILD_FAILED) == 2, serve.output()
    serve.edit("deputies/zhou-liming.yaml", "no-such-zhan", "yunshang-zhan")
    page = serve.wait_for("周例明", gone=BANNER)
    assert "云上改" in page


def test_a_first_build_that_fails_shows_the_errors_until_fixed(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", content)
    server = start_serve(tmp_path, content)
    try:
        server.edit("deputies/zhou-liming.yaml", "yunshang-zhan", "no-such-zhan")
        page = server.wait_for(SHOWN)
        assert BANNER in page and "livereload" in page
        server.edit("deputies/zhou-liming.yaml", "no-such-zhan", "yunshang-zhan")
        server.wait_for("周例明", gone=BANNER)
    finally:
        server.process.send_signal(signal.SIGINT)
        server.process.wait(timeout=30)


@pytest.mark.browser
def test_live_reload_shows_the_errors_and_then_the_fix(serve: Serve, chromium_browser) -> None:
    page = chromium_browser.new_page()
    try:
        page.goto(serve.base + DEPUTY_PAGE)
        serve.edit("deputies/zhou-liming.yaml", "yunshang-zhan", "no-such-zhan")
        page.wait_for_selector("#mashang-build-errors", timeout=60_000)
        assert UNKNOWN_STATION in page.inner_text("#mashang-build-errors")
        serve.edit("deputies/zhou-liming.yaml", "no-such-zhan", "qingshi-zhan")
        page.wait_for_selector("#mashang-build-errors", state="detached", timeout=60_000)
        assert "青石街道人大代表联络站" in page.inner_text("body")
    finally:
        page.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_the_temporary_site_is_removed_however_the_server_stops(serve: Serve, stop: signal.Signals) -> None:
    assert len(list(serve.temp.glob("mashang-serve-*"))) == 1
    serve.process.send_signal(stop)
    serve.process.wait(timeout=30)
    assert list(serve.temp.glob("mashang-serve-*")) == [], serve.output()
