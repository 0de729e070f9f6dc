"""The parse cache of event files (generator/load/cache.py): an unchanged sound file is not read again, a changed one
is, a file with a problem always is, and a problem that a check finds in a cached file still names its line."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from conftest import overlay_case

from generator.load import load_content

TODAY = dt.date(2026, 11, 28)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOUR_AGO = (dt.datetime.now().timestamp() - 3600) * 1e9


@pytest.fixture
def content(tmp_path: Path, beside_content: Path) -> Path:
    """The events fixture, its files last changed an hour ago (files changed in the last seconds are never kept)."""
    root = tmp_path / "content"
    overlay_case(root, FIXTURES / "good")
    overlay_case(root, FIXTURES / "events" / "good")
    for file in (root / "events").iterdir():
        os.utime(file, ns=(int(HOUR_AGO), int(HOUR_AGO)))
    return root


def rewrite_keeping_size_and_time(file: Path, old: str, new: str) -> None:
    """Change a file so that only its bytes tell: same size, same modification time."""
    stat = file.stat()
    text = file.read_text(encoding="utf-8")
    assert len(old.encode()) == len(new.encode()) and old in text
    file.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_an_unchanged_file_is_not_read_again(content: Path, tmp_path: Path) -> None:
    first, problems = load_content(content, TODAY, tmp_path / "cache")
    assert problems == [] and (tmp_path / "cache" / "events.pickle").is_file()
    file = content / "events" / "qingshi-2026-12-qiaotou.yaml"
    rewrite_keeping_size_and_time(file, "流动联络站进桥头村", "流动联络站到桥头村")
    again, _ = load_content(content, TODAY, tmp_path / "cache")
    assert again.events == first.events  # the cached record: the file was not read
    assert again.events["qingshi-2026-12-qiaotou"].topic == "流动联络站进桥头村"
    fresh, _ = load_content(content, TODAY)
    assert fresh.events["qingshi-2026-12-qiaotou"].topic == "流动联络站到桥头村"


def test_a_changed_file_is_read_again(content: Path, tmp_path: Path) -> None:
    load_content(content, TODAY, tmp_path / "cache")
    file = content / "events" / "qingshi-2026-12-qiaotou.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("流动联络站进桥头村", "流动站"), encoding="utf-8")
    again, _ = load_content(content, TODAY, tmp_path / "cache")
    assert again.events["qingshi-2026-12-qiaotou"].topic == "流动站"


def test_a_file_with_a_problem_is_always_read(content: Path, tmp_path: Path) -> None:
    overlay_case(content, FIXTURES / "events" / "bad" / "end_before_start")
    file = content / "events" / "qingshi-2026-12-qiaotou.yaml"
    os.utime(file, ns=(int(HOUR_AGO), int(HOUR_AGO)))
    _, expected = load_content(content, TODAY)
    assert len(expected) == 1
    for _ in range(2):
        _, problems = load_content(content, TODAY, tmp_path / "cache")
        assert problems == expected


def test_a_check_across_files_names_the_line_in_a_cached_file(content: Path, tmp_path: Path) -> None:
    """The deputy of a cached event is gone: the error names the event file's line, read only now."""
    load_content(content, TODAY, tmp_path / "cache")
    (content / "deputies" / "zhao-shishan.yaml").unlink()
    _, expected = load_content(content, TODAY)
    _, problems = load_content(content, TODAY, tmp_path / "cache")
    assert [str(p) for p in problems] == [str(p) for p in expected]
    line = "content/events/qingshi-2026-12-qiaotou.yaml:14: deputies[0]"
    assert any(str(p).startswith(line) for p in problems)


def test_two_trees_share_a_cache_folder(content: Path, tmp_path: Path) -> None:
    """A build of a tree without events (the benchmark's other half) keeps the other tree's files cached."""
    load_content(content, TODAY, tmp_path / "cache")
    bare = tmp_path / "bare"
    overlay_case(bare, FIXTURES / "good")
    load_content(bare, TODAY, tmp_path / "cache")
    file = content / "events" / "qingshi-2026-12-qiaotou.yaml"
    rewrite_keeping_size_and_time(file, "流动联络站进桥头村", "流动联络站到桥头村")
    again, _ = load_content(content, TODAY, tmp_path / "cache")
    assert again.events["qingshi-2026-12-qiaotou"].topic == "流动联络站进桥头村"  # still the cached record
