"""Work on record, points and the message figures through real MkDocs builds: `--stats` present, absent, malformed and
from a real queue (`python -m forms_api stats --public`), the yearly reports, the ranking switch, and `serve`
watching content/records."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import overlay_case
from test_build import ROOT, TODAY, run_build, tree_digest
from test_public_stats import fill
from test_public_stats import stats as public_stats
from test_serve import start_serve

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD_STATS = FIXTURES / "stats" / "good.json"


def records_tree(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", content)
    overlay_case(content, FIXTURES / "records" / "good")
    return content


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def warnings(output: str) -> list[str]:
    """The build's warnings (MkDocs' and ours) but those of the fixture tree's missing hand-written pages (how-to,
    privacy, about) and of its test address."""
    lines = [line for line in output.splitlines() if line.startswith(("WARNING", "警告："))]
    skipped = ("is included in the 'nav' configuration", "只能在本机或内部网络打开")
    return [line for line in lines if not any(text in line for text in skipped)]


@pytest.fixture(scope="module")
def records_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("records-site")
    out = work / "site"
    code, output = run_build(records_tree(work), out, "--stats", str(GOOD_STATS))
    assert code == 0, output
    assert warnings(output) == []  # links and anchors included
    return out


def test_reports_are_written_and_linked(records_site: Path) -> None:
    reports = sorted(p.name for p in (records_site / "reports").iterdir() if p.name != "index.html")  # trimmed URL
    assert reports == ["lin-xiaoyang-2025.html", "lin-xiaoyang-2026.html", "zhou-liming-2026.html"]
    page = read(records_site, "deputies/lin-xiaoyang/index.html")
    for year in (2025, 2026):
        assert f'href="../../reports/lin-xiaoyang-{year}.html"' in page
    report = read(records_site, "reports/lin-xiaoyang-2026.html")
    assert "<title>林小样 · 2026 年度履职情况 · 码上找代表</title>" in report
    assert '<img class="qr" src="../qr/deputy-lin-xiaoyang.svg"' in report
    assert (records_site / "qr" / "deputy-lin-xiaoyang.svg").is_file()
    assert 'href="../deputies/lin-xiaoyang/"' in report


def test_figures_show_on_deputy_and_station_pages(records_site: Path) -> None:
    deputy = read(records_site, "deputies/lin-xiaoyang/index.html")
    assert '<h2 id="record">履职档案</h2>' in deputy
    assert "<li>已答复：10 条（83%）</li>" in deputy
    assert '<a href="#responsiveness" class="md-nav__link">' in deputy  # in the page's table of contents
    station = read(records_site, "stations/qingshi-zhan/index.html")
    assert "<li>按期答复：6 条（占已答复的 75%）</li>" in station
    assert "留言不足 5 条，暂不公布统计" in read(records_site, "stations/yunshang-zhan/index.html")


def test_statistics_and_points_pages_are_in_the_navigation(records_site: Path) -> None:
    home = read(records_site, "index.html")
    assert re.search(r'href="stats/"[^>]*>\s*(?:<span[^>]*>\s*)?办理统计', home)
    assert re.search(r'href="records/"[^>]*>\s*(?:<span[^>]*>\s*)?履职积分', home)
    stats = read(records_site, "stats/index.html")
    assert stats.count('<svg aria-hidden="true" focusable="false" class="chart__svg"') == 4
    records = read(records_site, "records/index.html")
    assert "2026 年各层级代表的平均积分" in records and "样例区代表履职积分办法（试行）" in records


def test_without_stats_no_page_shows_message_figures(tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, output = run_build(records_tree(tmp_path), out)
    assert code == 0, output
    assert warnings(output) == []
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "留言办理情况" not in text and "收到留言：" not in text, page
    assert "暂无留言办理统计。" in read(out, "stats/index.html")
    assert "全年积分：<strong>15 分</strong>" in read(out, "deputies/lin-xiaoyang/index.html")


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (None, "找不到统计文件 {path}（先运行 python -m forms_api stats --public 生成，或不用 --stats）"),
        ("{}", "统计文件 {path} 格式不对：format: 缺少这一项；generated_on: 缺少这一项；min_submissions: 缺少这一项"),
        ("{", "统计文件 {path} 格式不对：不是有效的 JSON（第 1 行第 2 列）"),
    ],
    ids=["missing", "empty-object", "not-json"],
)
def test_a_bad_stats_file_fails_the_build_and_keeps_the_site(tmp_path: Path, written: str | None, message: str) -> None:
    content, out = records_tree(tmp_path), tmp_path / "site"
    assert run_build(content, out)[0] == 0
    before = tree_digest(out)
    path = tmp_path / "stats.json"
    if written is not None:
        path.write_text(written, encoding="utf-8")
    code, output = run_build(content, out, "--stats", str(path))
    assert code == 1
    assert message.format(path=path) in " ".join(output.split())
    assert output.startswith("错误：") and "错误：网站生成失败" in output and "ERROR" not in output
    assert tree_digest(out) == before


def test_figures_from_a_real_queue(tmp_path: Path) -> None:
    """The two halves together: the fixture queue of tests/test_public_stats.py through `forms_api stats --public`,
    then the build. Its deputies are not in the content: left out with a warning, which --strict makes an error."""
    queue, stats = tmp_path / "queue", tmp_path / "public" / "stats.json"
    fill(queue)
    result = public_stats(queue, stats)
    assert result.exit_code == 0, result.output
    content, out = records_tree(tmp_path), tmp_path / "site"
    code, output = run_build(content, out, "--stats", str(stats))
    assert code == 0, output
    warning = f"统计文件 {stats} 中有 3 位代表不在 content/ 中，其统计已忽略：li-si、wang-wu、zhang-san"
    assert [" ".join(line.split()) for line in warnings(output)] == [f"警告：{warning}"]
    figures = json.loads(stats.read_text(encoding="ascii"))["stations"]["qingshi-zhan"]
    assert (figures["received"], figures["answered"], figures["answered_in_time"]) == (5, 3, 2)
    station = read(out, "stations/qingshi-zhan/index.html")
    for line in ("收到留言：5 条", "已答复：3 条（60%）", "按期答复：2 条（占已答复的 67%）", "答复用时中位数：1.5 天"):
        assert f"<li>{line}</li>" in station
    assert "<li>对答复的评价：1 次，满意 1、基本满意 0、不满意 0</li>" in station
    assert "统计截至 2026年11月30日" in station
    code, output = run_build(content, tmp_path / "strict", "--stats", str(stats), "--strict")
    assert code == 1 and "Aborted with 4 warnings in strict mode" in output, output  # 3 missing pages, 1 ours


def build_with_ranking(out: Path, ranking: bool) -> None:
    """The demo content, built the way `generator build` does it, with the plugin's `ranking` option set."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(out), strict=True)
    assert config.plugins["mashang"].config.ranking is False  # the default in mkdocs.yml
    config.plugins["mashang"].config.ranking = ranking
    config.plugins["mashang"].config.today = TODAY
    build(config)


def ranked_names(page: str) -> list[str]:
    return re.findall(r'<tr>\s*<td>\d+</td>\s*<td><a href="[^"]*deputies/[^"]*">([^<]+)</a></td>', page)


def test_ranking_switch_in_a_real_build(tmp_path: Path) -> None:
    on, off = tmp_path / "on", tmp_path / "off"
    build_with_ranking(on, True)
    build_with_ranking(off, False)
    area = read(on, "areas/990102/index.html")
    assert 'id="ranking-city"' in area
    # 32 and 16 points in 2026 (content/records), and 单晓岚's from the reception days she attended (content/events)
    assert ranked_names(area) == ["吴志远", "单晓岚", "陈立新"]
    with_ranking = set()
    for page in on.rglob("*.html"):
        if "积分排名" in page.read_text(encoding="utf-8"):
            with_ranking.add(page.relative_to(on).parts[0])
    assert with_ranking == {"areas"}
    for page in off.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "积分排名" not in text and 'id="ranking-' not in text and not ranked_names(text), page


def test_serve_rebuilds_when_records_or_the_scheme_change(tmp_path: Path) -> None:
    server = start_serve(tmp_path, records_tree(tmp_path))
    try:
        server.wait_for("全年积分：<strong>2 分</strong>")
        record = server.content / "records" / "zhou-liming" / "2026.yaml"
        record.write_text(record.read_text(encoding="utf-8") + "    title: 云上集中接待\n", encoding="utf-8")
        server.wait_for("云上集中接待")
        server.edit("scoring.yaml", "{points: 2, cap: 5}", "{points: 3}")
        server.wait_for("全年积分：<strong>3 分</strong>")
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)
