"""The whole generator through its command line: a real MkDocs build of the demo content and of fixture trees."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import html
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import deadlines
from generator.cli import main
from generator.directory import Directory
from generator.load import load_content
from generator.pages import render_deputy

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = "2026-11-28"


def run_build(content: Path, out: Path, *extra: str) -> tuple[int, str]:
    args = ["build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(content), "--out", str(out), "--today", TODAY]
    result = CliRunner().invoke(main, [*args, *extra])
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "site"
    code, output = run_build(ROOT / "content", out, "--strict")
    assert code == 0, output
    return out


def demo_ids(kind: str) -> list[str]:
    return sorted(p.stem for p in (ROOT / "content" / kind).glob("*.yaml"))


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_demo_site_has_every_page_and_file(demo_site: Path) -> None:
    for deputy in demo_ids("deputies"):
        assert (demo_site / "deputies" / deputy / "index.html").is_file()
        assert (demo_site / "qr" / f"deputy-{deputy}.svg").is_file()
    for station in demo_ids("stations"):
        assert (demo_site / "stations" / station / "index.html").is_file()
        assert (demo_site / "posters" / f"{station}.html").is_file()
    for name in ("deputies.json", "stations.json", "deputies.csv", "finder.json", "form.json"):
        assert (demo_site / "data" / name).is_file()
    for page in ("stations", "areas", "levels", "how-to", "privacy", "about"):
        assert (demo_site / page / "index.html").is_file()


def test_no_page_lists_every_deputy(demo_site: Path) -> None:
    """The navigation stays small: no page carries links to all deputies (MkDocs' default nav would)."""
    deputies = demo_ids("deputies")
    worst = 0
    for page in demo_site.rglob("*.html"):
        linked = set(re.findall(r'href="[^"]*deputies/([a-z0-9-]+)/"', page.read_text(encoding="utf-8")))
        worst = max(worst, len(linked))
    assert 0 < worst < len(deputies) / 2


def test_pages_load_nothing_from_outside_the_site(demo_site: Path) -> None:
    external = re.compile(r'(?:src|href)="(?:https?:)?//(?!127\.0\.0\.1)', re.I)
    for page in demo_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for match in external.finditer(text):
            tag_start = text.rfind("<", 0, match.start())
            tag = text[tag_start : match.end() + 80]
            # links for the reader to follow are fine; nothing may be loaded (script, style, font, image) from outside
            assert tag.startswith("<a "), f"{page}: {tag}"


# A comment in our scripts and stylesheet: `// ...` at the start of a line or after a space (not the `//` of a URL),
# or `/* ... */`.
SOURCE_COMMENT = re.compile(r"(?:^|\s)//(.*)$|/\*(.*?)\*/", re.M | re.S)


def test_our_scripts_and_stylesheet_are_minified_in_the_site(demo_site: Path) -> None:
    """Issue 13 point 6: the site carries our JS and CSS minified (every comment gone, whitespace squeezed); the
    sources in git keep them. The browser tests (test_site_browser.py) run the minified files."""
    sources = sorted((ROOT / "generator" / "theme" / "assets").glob("*.[jc]s*"))
    assert {p.suffix for p in sources} == {".js", ".css"} and len(sources) >= 6
    for source in sources:
        text, built = source.read_text(encoding="utf-8"), (demo_site / "assets" / source.name).read_text("utf-8")
        comments = [" ".join(c.split()) for pair in SOURCE_COMMENT.findall(text) for c in pair if c.strip()]
        assert comments, f"{source.name}: a source without comments tells nothing here"
        assert "/*" not in built and not [c for c in comments if c in " ".join(built.split())], source.name
        assert len(built.encode()) < 0.85 * len(text.encode()), f"{source.name}: {len(built)} of {len(text)} bytes"
        assert built.count("\n") < text.count("\n") / 4, source.name


def test_search_index_does_not_carry_deputy_pages(demo_site: Path) -> None:
    index = json.loads((demo_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    deputy_entries = [d for d in index["docs"] if d["location"].startswith("deputies/")]
    assert deputy_entries, "deputies should be findable by name in the site search"
    # one short entry per deputy (name and summary), never the bio or the rest of the page
    assert len(deputy_entries) == len(demo_ids("deputies"))
    assert all(len(d["text"]) < 200 for d in deputy_entries)


def test_finder_index_is_small_and_complete(demo_site: Path) -> None:
    raw = (demo_site / "data" / "finder.json").read_bytes()
    index = json.loads(raw)
    assert index["v"] == 1
    current = [row[0] for row in index["d"]]
    assert len(current) >= 30
    assert len(gzip.compress(raw, 9)) / len(current) <= 60 + 2000 / len(current)  # per deputy, after fixed tables


def test_open_data_has_public_fields_only(demo_site: Path) -> None:
    deputies = json.loads((demo_site / "data" / "deputies.json").read_text(encoding="utf-8"))["deputies"]
    assert {d["id"] for d in deputies} == set(demo_ids("deputies"))
    allowed = {
        "id", "name", "gender", "ethnicity", "party", "photo", "occupation", "bio", "memberships", "stations",
        "sources", "current", "url", "qr",
    }  # fmt: skip
    assert set().union(*(d.keys() for d in deputies)) <= allowed
    csv_text = (demo_site / "data" / "deputies.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("id,name,")
    assert len(csv_text.splitlines()) == len(deputies) + 1


def decode_all(svgs: list[Path], browser, tmp_path: Path) -> list[str]:
    """Render QR SVGs in real chromium, a few to a screenshot, and decode them all with zbarimg."""
    decoded: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    for start in range(0, len(svgs), 6):
        batch = svgs[start : start + 6]
        cells = "".join(f'<img src="{p.as_uri()}" width="320" height="320" style="margin:30px">' for p in batch)
        html = tmp_path / "qr.html"
        html.write_text(f"<body style='background:#fff;margin:0'>{cells}</body>", encoding="utf-8")
        page.goto(html.as_uri())
        shot = tmp_path / "qr.png"
        page.screenshot(path=str(shot), full_page=True)
        out = subprocess.run(["zbarimg", "--raw", "-q", str(shot)], capture_output=True, text=True, check=False)
        decoded += out.stdout.split()
    page.close()
    return decoded


@pytest.mark.browser
def test_every_qr_code_decodes_to_its_page_url(demo_site: Path, chromium_browser, tmp_path: Path) -> None:
    site_url = re.search(r"(?m)^site_url: (\S+)", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"))[1]
    expected = {f"{site_url}deputies/{d}/" for d in demo_ids("deputies")}
    expected |= {f"{site_url}stations/{s}/" for s in demo_ids("stations")}
    svgs = sorted((demo_site / "qr").glob("*.svg"))
    assert len(svgs) == len(expected)
    assert sorted(decode_all(svgs, chromium_browser, tmp_path)) == sorted(expected)


def test_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", content)
    out = tmp_path / "site"
    code, output = run_build(content, out)
    assert code == 0, output
    before = tree_digest(out)
    broken = next((content / "deputies").glob("*.yaml"))
    broken.write_text(broken.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    code, output = run_build(content, out)
    assert code == 1
    assert "unknown_field" in output
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]  # no staging folder left behind


def test_strict_build_fails_on_a_warning(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", content)
    deputy = next((content / "deputies").glob("*.yaml"))
    data = deputy.read_text(encoding="utf-8")
    deputy.write_text(re.sub(r"(?ms)^stations:\n(?:  - .*\n)+", "stations: []\n", data), encoding="utf-8")
    assert run_build(content, tmp_path / "lenient")[0] == 0
    code, output = run_build(content, tmp_path / "strict", "--strict")
    assert code == 1, output
    assert not (tmp_path / "strict").exists()


class ActiveContent(HTMLParser):
    """Collects what could run in a page: script elements, on* attributes and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.script_text: list[str] = []
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values.get("src") or "inline")
            self.in_script = True
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]
        self.js_urls += [v for _, v in attrs if v and v.strip().lower().startswith("javascript:")]

    def handle_endtag(self, tag: str) -> None:
        self.in_script = self.in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.script_text.append(data)


def test_script_in_content_never_becomes_active(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", content)
    shutil.copytree(FIXTURES / "xss", content, dirs_exist_ok=True)
    out = tmp_path / "site"
    code, output = run_build(content, out)
    assert code == 0, output
    page = (out / "deputies" / "xss-deputy" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page  # shown as text
    for html_file in [*out.rglob("*.html")]:
        found = ActiveContent()
        found.feed(html_file.read_text(encoding="utf-8"))
        assert not found.handlers, html_file
        assert not found.js_urls, html_file
        for script in found.scripts:
            assert script == "inline" or "assets/" in script, html_file
        assert "xss" not in "".join(found.script_text).lower(), html_file


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for command in main.commands:
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert len(main.commands[command].help or "") > 10
    assert "退出码" in runner.invoke(main, ["--help"]).output


@pytest.mark.slow
def test_five_thousand_synthetic_deputies_build(tmp_path: Path) -> None:
    """The scale the issue names: 5,000 deputies build, and the finder stays within 60 bytes a deputy gzipped."""
    content, out = tmp_path / "content", tmp_path / "site"
    maker = [sys.executable, str(ROOT / "bench" / "make_content.py"), "--deputies", "5000", "--stations", "250"]
    subprocess.run([*maker, "--out", str(content)], check=True, capture_output=True)
    code, output = run_build(content, out, "--strict")
    assert code == 0, output[-2000:]
    assert len([p for p in (out / "deputies").iterdir() if p.is_dir()]) == 5000  # and index.html: 找代表 (trimmed URL)
    raw = (out / "data" / "finder.json").read_bytes()
    rows = len(json.loads(raw)["d"])
    assert rows > 4500
    assert len(gzip.compress(raw, 9)) / rows <= 60
    search = (out / "search" / "search_index.json").read_bytes()
    assert len(gzip.compress(search, 6)) < 1_500_000


def test_form_service_on_another_origin(tmp_path: Path) -> None:
    """extra.forms_api in mkdocs.yml points every form at a form service elsewhere."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace('forms_api: ""', 'forms_api: "https://forms.example.gov.cn"')
    config = config.replace("custom_dir: generator/theme", f"custom_dir: {ROOT / 'generator' / 'theme'}")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    out = tmp_path / "site"
    args = ["build", "-f", str(tmp_path / "mkdocs.yml"), "--content", str(FIXTURES / "good"), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--today", TODAY])
    assert result.exit_code == 0, result.output
    deputy = (out / "deputies" / "zhou-liming" / "index.html").read_text(encoding="utf-8")
    assert 'action="https://forms.example.gov.cn/api/submissions"' in deputy
    track = (out / "track" / "index.html").read_text(encoding="utf-8")
    assert 'action="https://forms.example.gov.cn/api/track"' in track
    assert 'data-api="https://forms.example.gov.cn"' in track


def test_categories_are_defined_once_for_the_form_and_the_service(demo_site: Path) -> None:
    """mkdocs.yml's extra.categories are the radio buttons of every form and data/form.json, which the form service
    reads (tests/test_api.py): nothing else lists them."""
    line = re.search(r"^  categories: \[(.*)\]$", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    categories = line.group(1).split(", ")  # mkdocs.yml has Python tags a safe YAML loader refuses
    published = json.loads((demo_site / "data" / "form.json").read_text(encoding="utf-8"))
    assert published == {"categories": categories}
    page = (demo_site / "deputies" / demo_ids("deputies")[0] / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'name="category" value="([^"]*)"', page) == categories


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("categories: []", "[]"),
        ("categories: [意见, 意见]", '["意见", "意见"]'),
        ("categories: 意见", '"意见"'),
        ("categories: [意见, 一个超过十个字的很长的留言类别]", '["意见", "一个超过十个字的很长的留言类别"]'),
        ("# no categories", "null"),
    ],
)
def test_bad_categories_stop_the_build_with_the_reason(tmp_path: Path, line: str, shown: str) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("categories: [意见, 建议, 求助, 其他]", line)
    config = config.replace("custom_dir: generator/theme", f"custom_dir: {ROOT / 'generator' / 'theme'}")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    out = tmp_path / "site"
    args = ["build", "-f", str(tmp_path / "mkdocs.yml"), "--content", str(FIXTURES / "good"), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--today", TODAY])
    assert result.exit_code == 1
    assert (
        "mkdocs.yml: extra.categories 应是留言类别的列表：1 到 12 个互不相同的词，每个不超过 10 个字，"
        f"例如 [意见, 建议, 求助, 其他]；现在是：{shown}"
    ) in result.output
    assert not out.exists()


def test_deputy_pages_fill_the_layout_for_each_deputy(tmp_path: Path) -> None:
    """Deputy pages are one rendered layout with slots: each page carries its own deputy everywhere, no slot is left."""
    out = tmp_path / "site"
    code, output = run_build(FIXTURES / "good", out)
    assert code == 0, output
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".js", ".css"}:
            assert "mashangslot" not in path.read_text(encoding="utf-8"), path
    assert not [p for p in (out / "deputies").iterdir() if p.name.startswith("mashangslot")]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert gzip.decompress((out / "sitemap.xml.gz").read_bytes()).decode("utf-8") == sitemap
    search = json.loads((out / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = [doc["location"] for doc in search["docs"]]
    content, _ = load_content(FIXTURES / "good", dt.date.fromisoformat(TODAY))
    directory = Directory(content, dt.date.fromisoformat(TODAY))
    for deputy in content.deputies.values():
        page = (out / "deputies" / deputy.id / "index.html").read_text(encoding="utf-8")
        url = f"http://127.0.0.1:8000/deputies/{deputy.id}/"
        assert f"<title>{html.escape(deputy.name)} - " in page
        assert f'<link rel="canonical" href="{url}">' in page
        assert sitemap.count(f"<loc>{url}</loc>") == 1
        assert locations.count(f"deputies/{deputy.id}/") == 1
        rendered = render_deputy(directory, deputy)
        assert rendered.body in page
        for section in rendered.toc.children:
            assert f'<a href="#{section.id}" class="md-nav__link">' in page
        current = directory.is_current(deputy)
        assert (f'name="target" value="deputy:{deputy.id}"' in page) == current
        assert ('id="message-form"' in page) == current


def test_deputy_pages_made_in_parallel_equal_those_made_in_one_process(tmp_path: Path) -> None:
    content = tmp_path / "content"
    maker = [sys.executable, str(ROOT / "bench" / "make_content.py"), "--deputies", "1000", "--stations", "40"]
    subprocess.run([*maker, "--out", str(content)], check=True, capture_output=True)
    trees = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"site-{jobs}"
        code, output = run_build(content, out, "--jobs", jobs)
        assert code == 0, output[-2000:]
        trees[jobs] = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert len([name for name in trees["1"] if name.startswith("deputies/") and name.count("/") == 2]) == 1000
    assert trees["1"].keys() == trees["2"].keys()
    assert [name for name in trees["1"] if trees["1"][name] != trees["2"][name]] == []


def test_every_relative_link_and_image_in_the_site_resolves(demo_site: Path) -> None:
    """Entity pages are laid out without MkDocs' link checks, so the built site is checked as a whole."""
    broken = []
    for page in demo_site.rglob("*.html"):
        for url in re.findall(r'(?:href|src)="([^"#?]*)', page.read_text(encoding="utf-8")):
            if not url or url.startswith(("http:", "https:", "mailto:", "tel:", "geo:", "data:", "/", "javascript:")):
                continue
            target = (page.parent / urllib.parse.unquote(url)).resolve()
            if url.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file() or demo_site.resolve() not in target.parents:
                broken.append(f"{page.relative_to(demo_site)}: {url}")
    assert broken == []
    assert len(list(demo_site.rglob("*.html"))) > 100


def page_text(page: Path) -> str:
    """The readable text of a built page's article (tags dropped, so "<strong>" splits no phrase; entities decoded,
    white space collapsed)."""
    text = page.read_text(encoding="utf-8")
    article = text[text.find("<article") : text.find("</article>")]
    article = re.sub(r"<script.*?</script>", "", article, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", article)).split())


def test_not_found_page_is_in_chinese_and_links_home_stations_and_track(demo_site: Path) -> None:
    """404.html is served at any depth: its links are absolute (from site_url) and lead to real pages."""
    page = demo_site / "404.html"
    text = page_text(page)
    assert "没有找到这个页面" in text and "Not found" not in page.read_text(encoding="utf-8")
    links = re.findall(r'<a href="(/[^"]*)">([^<]*)</a>', page.read_text(encoding="utf-8").split("<article")[1])
    assert [label for _, label in links] == ["回到首页找代表", "按联络站查找", "查询进度"]
    for url, _ in links:
        assert (demo_site / url.lstrip("/").removesuffix(".") / "index.html").is_file(), url


def test_no_page_carries_the_generator_notice(demo_site: Path) -> None:
    for page in [demo_site / "index.html", demo_site / "404.html", *demo_site.glob("*/index.html")]:
        assert "Material for MkDocs" not in page.read_text(encoding="utf-8"), page


def test_privacy_notice_covers_the_yearly_evaluation(demo_site: Path) -> None:
    """The evaluation form asks consent to "the privacy notice": the notice says what the evaluation keeps."""
    deputy = next(p for p in (demo_site / "deputies").glob("*/index.html") if "evaluation-form" in p.read_text())
    consent = re.search(r'name="consent"[^>]*> (同意按.*?)（必选）', deputy.read_text(encoding="utf-8"))
    assert consent and html.unescape(re.sub(r"<[^>]+>", "", consent.group(1))) == "同意按隐私说明处理本次评价"
    privacy = page_text(demo_site / "privacy" / "index.html")
    expected = ["年度满意度评价", "“同意按隐私说明处理本次评价”", "手机号码不会保存"]
    expected += ["每个手机号码每年只能对同一位代表评价一次", "评价意见只供", "删除评价意见", "不足 5 人次"]
    for words in expected:
        assert words in privacy, words


def test_texts_name_things_as_the_forms_do(demo_site: Path) -> None:
    """One term for one thing across the site, quoted labels as on the form, when an answer comes as the service's
    rules count it (交办 within 5 working days, the answer 5 after; 10 and 10 for a complex case) and what a 不满意
    rating does."""
    pages = {p: page_text(p) for p in demo_site.rglob("*.html") if "deputies" not in p.parts[-3:-1]}
    everything = " ".join(pages.values())
    for old in ("受理编号", "进度查询", "查询办理进度页面", "“匿名”", "分派办理", "再次留言说明"):
        assert old not in everything, old
    deputy = next(p for p in (demo_site / "deputies").glob("*/index.html") if "message-form" in p.read_text())
    anonymous = re.search(r'name="anonymous" value="true"> ([^<]+)</label>', deputy.read_text(encoding="utf-8"))
    assert anonymous and f"勾选“{anonymous.group(1)}”" in pages[demo_site / "how-to" / "index.html"]
    deadline = deadlines.promise()  # the rules' numbers (tests/test_deadlines.py)
    assert deadline in page_text(deputy)
    assert deadline in pages[demo_site / "thanks" / "index.html"]
    assert deadline in pages[demo_site / "how-to" / "index.html"]
    assert "选择“不满意”的，留言会重新办理" in pages[demo_site / "how-to" / "index.html"]
    track = demo_site / "track" / "index.html"
    assert re.search(r"<h1>([^<]*)</h1>", track.read_text(encoding="utf-8")).group(1) == "查询进度"
    assert "“查询进度”页面" in pages[demo_site / "how-to" / "index.html"]


class HeadScripts(HTMLParser):
    """The <script> elements of a page's <head>: attributes and, for inline ones, the text."""

    def __init__(self) -> None:
        super().__init__()
        self.in_head = False
        self.scripts: list[dict[str, str | None]] = []
        self.current: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_head = self.in_head or tag == "head"
        if self.in_head and tag == "script":
            self.current = {**dict(attrs), "text": ""}
            self.scripts.append(self.current)

    def handle_endtag(self, tag: str) -> None:
        self.in_head = self.in_head and tag != "head"
        self.current = None if tag == "script" else self.current

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current["text"] += data


def test_no_render_blocking_script_in_head(demo_site: Path, tmp_path: Path) -> None:
    """Issue 13 point 6: no page waits for a script file before its first paint. In <head> only inline scripts, which
    the nginx CSP allows by hash (Material's, and ours that applies a remembered 长辈模式), or deferred ones; the
    policy still has no 'unsafe-inline'."""
    render_config = load_render_config()
    inline: dict[str, str] = {}
    pages = [p for p in demo_site.rglob("*.html") if "<head" in p.read_text(encoding="utf-8")]
    assert len(pages) > 50
    for page in pages:
        found = HeadScripts()
        found.feed(page.read_text(encoding="utf-8"))
        for script in found.scripts:
            if script.get("src") is not None:
                assert {"defer", "async"} & script.keys() or script.get("type") == "module", f"{page}: {script}"
            elif script.get("type") in (None, "text/javascript", "module"):
                inline[render_config.csp_hash(script["text"])] = script["text"]
    elder = [digest for digest, text in inline.items() if "mashang.elder" in text]
    assert len(elder) == 1, "one inline script applies 长辈模式, the same on every page"
    others = [text for text in inline.values() if not text.startswith("__md_scope=new URL(")]  # Material's, by depth
    assert others == [inline[elder[0]]], others

    conf = tmp_path / "mashang.conf"
    args = ["render", "--site", str(demo_site), "--server-name", "example.org", "--listen", "80"]
    assert render_config.main([*args, "--site-root", "/srv/mashang/site", "--out", str(conf)]) == 0
    allowed_scripts, _ = render_config.configured_hashes(conf.read_text(encoding="utf-8"))
    assert set(inline) <= set(allowed_scripts) and elder[0] in allowed_scripts
    policy = re.search(r'Content-Security-Policy\s+"([^"]*)"', conf.read_text(encoding="utf-8")).group(1)
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def load_render_config():
    """deploy/render_config.py, which is a script, not a module of a package."""
    spec = importlib.util.spec_from_file_location("render_config", ROOT / "deploy" / "render_config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
