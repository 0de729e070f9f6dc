"""Golden pages: the fixture tree renders to exactly the Markdown (and deputies' HTML) under tests/golden/pages/;
with the records overlay and the fixture statistics (tests/fixtures/records/good, tests/fixtures/stats/good.json) to
exactly the files under tests/golden-records/, the yearly reports included.

After an intended change: `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_pages.py`, then review
`git diff tests/golden tests/golden-records` like code.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import posixpath
import shutil
from pathlib import Path

import pytest
from conftest import overlay_case

from generator import urls
from generator.directory import Directory
from generator.exports import data_files, pinyin
from generator.load import load_content
from generator.pages import render_deputy, render_pages
from generator.reports import render_report
from generator.stats import read_stats
from generator.templating import html_linker

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
GOLDEN_RECORDS = HERE / "golden-records"
FIXTURES = HERE / "fixtures"
TODAY = dt.date(2026, 11, 28)
CATEGORIES = ("意见", "求助")  # the form's categories (mkdocs.yml's extra.categories in a real build)
SITE_URL = "https://daibiao.example.gov.cn/"


@pytest.fixture(scope="module")
def directory() -> Directory:
    content, problems = load_content(FIXTURES / "good", TODAY)
    assert problems == []
    return Directory(content, TODAY, categories=CATEGORIES)


@pytest.fixture(scope="module")
def records_directory(tmp_path_factory: pytest.TempPathFactory) -> Directory:
    """The fixture tree with the records overlay, and the fixture statistics."""
    root = tmp_path_factory.mktemp("records") / "content"
    shutil.copytree(FIXTURES / "good", root)
    overlay_case(root, FIXTURES / "records" / "good")
    content, problems = load_content(root, TODAY)
    assert problems == []
    stats, warnings = read_stats(FIXTURES / "stats" / "good.json", content)
    assert warnings == []
    return Directory(content, TODAY, stats=stats, categories=CATEGORIES)


def rendered(directory: Directory) -> dict[str, str]:
    files = {f"pages/{src}": text for src, text in render_pages(directory).items()}
    for deputy in directory.content.deputies.values():
        page = render_deputy(directory, deputy)
        files[f"pages/{page.path}index.html"] = f"<!-- {page.title} | {page.description} | {page.message_target} -->\n"
        files[f"pages/{page.path}index.html"] += f"<!-- {page.toc} -->\n{page.body}"
        for year in directory.content.records.get(deputy.id, {}):
            files[urls.deputy_report(deputy.id, year)] = render_report(directory, deputy, year, site_url=SITE_URL)
    files |= {f"data/{path.removeprefix('data/')}": text for path, text in data_files(directory).items()}
    return files


@pytest.mark.parametrize(("golden", "tree"), [(GOLDEN, "directory"), (GOLDEN_RECORDS, "records_directory")])
def test_pages_match_golden_files(golden: Path, tree: str, request: pytest.FixtureRequest) -> None:
    files = rendered(request.getfixturevalue(tree))
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        for name, text in files.items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_text(text, encoding="utf-8", newline="")
    expected = {str(p.relative_to(golden)): p.read_bytes().decode("utf-8") for p in golden.rglob("*.*")}
    assert sorted(files) == sorted(expected)
    for name, text in files.items():
        assert text == expected[name], f"{name} differs from tests/{golden.name}/{name}"


def test_rendering_is_pure_and_deterministic(directory: Directory, records_directory: Directory) -> None:
    assert rendered(directory) == rendered(Directory(directory.content, TODAY, categories=CATEGORIES))
    again = Directory(records_directory.content, TODAY, stats=records_directory.stats, categories=CATEGORIES)
    assert rendered(records_directory) == rendered(again)


def test_a_former_deputy_is_kept_but_marked_and_left_out_of_lists(directory: Directory) -> None:
    content = copy.copy(directory.content)
    content.deputies = dict(content.deputies)
    deputy = next(d for d in content.deputies.values() if d.stations)
    ended = [m.model_copy(update={"until": dt.date(2025, 1, 1)}) for m in deputy.memberships]
    content.deputies[deputy.id] = deputy.model_copy(update={"memberships": ended})
    before, after = render_pages(directory), render_pages(Directory(content, TODAY))
    page = render_deputy(Directory(content, TODAY), content.deputies[deputy.id])
    assert "已离任" in page.body and page.message_target is None
    # it sends the reader where the form service's refusal does: to a liaison station, the deputy's own when known
    own = f'<a href="../../stations/{deputy.stations[0]}/">{content.stations[deputy.stations[0]].name}</a>'
    assert f'deputy-former">已离任，不再接收留言，请向这位代表原来联系的联络站留言：{own}' in page.body
    assert 'href="../../stations/"' not in page.body.split("deputy-former", 1)[1].split("</p>", 1)[0]
    unknown = deputy.model_copy(update={"memberships": ended, "stations": []})
    content.deputies[deputy.id] = unknown
    page = render_deputy(Directory(content, TODAY), unknown)
    everywhere = '请向所在地的<a href="../../stations/">代表联络站</a>留言。'  # none known: the list of all
    assert f'deputy-former">已离任，不再接收留言，{everywhere}' in page.body
    assert render_deputy(directory, deputy).message_target == f"deputy:{deputy.id}"
    station_page = f"stations/{deputy.stations[0]}/index.md"
    assert f"deputies/{deputy.id}/" in before[station_page]
    assert f"deputies/{deputy.id}/" not in after[station_page]


@pytest.mark.parametrize(
    ("phone", "dialled"),
    [
        ("0999-6120001转2", "09996120001"),
        ("0999-6120001-2", "09996120001"),
        ("400-123-4567转8", "4001234567"),
        ("400-123-4567", "4001234567"),
        ("13800000000", "13800000000"),
    ],
)
def test_a_phone_with_an_extension_links_the_main_number(directory: Directory, phone: str, dialled: str) -> None:
    """The extension is shown as written and asked for once answered: a `tel:` link with it dials no one."""
    content = copy.copy(directory.content)
    station = content.stations["qingshi-zhan"]
    content.stations = {**content.stations, station.id: station.model_copy(update={"phone": phone})}
    page = render_pages(Directory(content, TODAY))["stations/qingshi-zhan/index.md"]
    assert f"- 联系电话：[{phone}](tel:{dialled})\n" in page


def test_a_deputy_elect_is_not_shown_as_former(directory: Directory) -> None:
    content = copy.copy(directory.content)
    content.deputies = dict(content.deputies)
    deputy = next(d for d in content.deputies.values() if d.stations)
    later = TODAY + dt.timedelta(days=40)
    elect = [m.model_copy(update={"since": later, "until": None}) for m in deputy.memberships]
    content.deputies[deputy.id] = deputy.model_copy(update={"memberships": elect})
    page = render_deputy(Directory(content, TODAY), content.deputies[deputy.id])
    starts = f"{later.year}年{later.month}月{later.day}日"
    assert "已离任" not in page.body and page.message_target is None
    assert f'deputy-former">{starts}起任职，现在还不能给这位代表留言' in page.body


@pytest.mark.parametrize(
    ("name", "reading"),
    [("王秀兰", "wang xiu lan"), ("单晓岚", "shan xiao lan"), ("解红梅", "xie hong mei"), ("曾建国", "zeng jian guo"),
     ("欧阳振华", "ou yang zhen hua"), ("尉迟敬", "yu chi jing")],
)  # fmt: skip
def test_pinyin_reads_surnames_as_surnames(name: str, reading: str) -> None:
    assert pinyin(name) == reading


@pytest.mark.parametrize("page", ["deputies/a/", "events/2026-12/", "stations/", "a/b/c/"])
def test_links_between_site_paths_are_what_relpath_gives(page: str) -> None:
    """html_linker is posixpath.relpath for site paths (without its abspath, a tenth of a build with events)."""
    paths = ["deputies/a/", "deputies/b/", "events/2026-11/", "events/2026-12-kind-x/", "feeds/station-x.ics"]
    paths += ["stations/", "stations/s/", "a/b/", "a/b/c/d.svg", "reports/a-2026.html"]
    for path in paths:
        expected = posixpath.relpath(path, page) + ("/" if path.endswith("/") else "")
        assert html_linker(page)(path) == expected, path
