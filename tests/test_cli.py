"""The command line as an editor uses it: exact output and exit codes (click's CliRunner)."""

from __future__ import annotations

import ast
import json
import logging
import re
import string
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import overlay_case

from generator import messages as m
from generator.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_good_tree(fixtures_dir: Path) -> None:
    code, out, err = run("validate", "--content", str(fixtures_dir / "good"), "--today", "2026-11-28")
    assert (code, err) == (0, "")
    assert out == "检查完成：4 位代表，2 个联络站，0 个活动，6 个地区；0 个错误，0 个警告。\n"


def test_validate_counts_the_events(fixtures_dir: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    for tree in (fixtures_dir / "good", fixtures_dir / "events" / "good"):
        overlay_case(content, tree)
    code, out, err = run("validate", "--content", str(content), "--today", "2026-11-28")
    assert (code, err) == (0, "")
    assert out == "检查完成：4 位代表，2 个联络站，4 个活动，6 个地区；0 个错误，0 个警告。\n"
    event = content / "events" / "qingshi-jiedairi.yaml"
    event.write_text(event.read_text(encoding="utf-8").replace("topic:", "topik:"), encoding="utf-8")
    code, out, err = run("validate", "--content", str(content), "--today", "2026-11-28")
    assert out == (
        "检查完成：4 位代表，2 个联络站，3 个活动，6 个地区；1 个错误，0 个警告。"
        "有错误的 1 个文件没有计入上面的数字，改正后重新检查。\n"
    )


def test_validate_lists_every_error_and_exits_1(make_content: Callable[..., Path]) -> None:
    content = make_content("unknown_station", "bad_phone")
    code, out, err = run("validate", "--content", str(content), "--today", "2026-11-28")
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("content/deputies/chen-moyin.yaml:12: stations[0]: 未知的联络站")
    assert any(line.startswith("content/stations/") and ": phone: " in line for line in lines)
    assert out.endswith("3 个错误，0 个警告。有错误的 2 个文件没有计入上面的数字，改正后重新检查。\n")


def test_an_id_that_differs_from_its_file_name_is_found_with_the_file_s_other_mistakes(
    make_content: Callable[..., Path],
) -> None:
    content = make_content("bad_phone")
    deputy = next((content / "deputies").glob("*.yaml"))
    text = deputy.read_text(encoding="utf-8")
    deputy.write_text(
        text.replace(f"id: {deputy.stem}", f"id: {deputy.stem}x").replace("gender:", "gender: 女\nxgender:"),
        encoding="utf-8",
    )
    code, out, err = run("validate", "--content", str(content), "--today", "2026-11-28")
    mine = [line for line in err.splitlines() if line.startswith(f"content/deputies/{deputy.name}")]
    assert code == 1 and any(f'id: "{deputy.stem}x" 与文件名 {deputy.name} 不一致' in line for line in mine), err
    assert len(mine) >= 2  # the id AND the field the model refused, in one run


def test_paths_open_from_where_validate_runs(
    make_content: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From elsewhere, `content/deputies/...` would open nothing: the path is absolute there, relative below."""
    content = make_content("unknown_station")
    line = "deputies/chen-moyin.yaml:12: stations[0]: 未知的联络站"
    assert run("validate", "--content", "content", "--today", "2026-11-28")[2].startswith(f"content/{line}")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert run("validate", "--content", str(content), "--today", "2026-11-28")[2].startswith(f"{content}/{line}")
    assert run("validate", "--content", "../content", "--today", "2026-11-28")[2].startswith(f"{content}/{line}")
    monkeypatch.chdir(content)
    _, out, err = run("validate", "--today", "2026-11-28", "--content", ".")
    assert err.startswith(line) and out.endswith("有错误的 1 个文件没有计入上面的数字，改正后重新检查。\n")


def test_warnings_fail_only_in_strict_mode(make_content: Callable[..., Path]) -> None:
    content = str(make_content("warnings"))
    code, out, err = run("validate", "--content", content, "--today", "2026-11-28")
    assert code == 0
    assert all(re.match(r"警告：content/\S+:\d+: ", line) for line in err.splitlines()), err  # as the build's log
    assert out.endswith("0 个错误，4 个警告。\n")
    assert run("validate", "--strict", "--content", content, "--today", "2026-11-28")[0] == 1


def test_missing_content_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, out, err = run("validate", "--content", str(tmp_path / "nope"))
    assert code == 1
    assert err.startswith("错误：找不到内容目录")


def test_schema_writes_one_file_per_kind(tmp_path: Path) -> None:
    code, out, _ = run("schema", "--out", str(tmp_path))
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"{n}.schema.json" for n in ("areas", "deputy", "event", "records", "scoring", "station")]
    deputy = json.loads((tmp_path / "deputy.schema.json").read_text(encoding="utf-8"))
    assert deputy["additionalProperties"] is False
    assert {"id", "name", "memberships"} <= set(deputy["required"])
    assert sorted(out.splitlines()) == [str(tmp_path / n) for n in names]


def test_usage_error_exits_2() -> None:
    assert run("build", "--no-such-option")[0] == 2


def test_help_and_usage_errors_in_chinese() -> None:
    """click's own texts (shared with the staff tools, generator/chinese_click.py): headings, --help, defaults and
    usage errors."""
    code, out, err = run("--help")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "用法：main [OPTIONS] COMMAND [ARGS]..."
    assert "选项：" in lines and "命令：" in lines
    assert "  -h, --help  显示本帮助并退出。" in lines
    code, out, err = run("build", "--help")
    assert code == 0 and "MkDocs 配置文件。  [默认：mkdocs.yml]" in out
    for english in ("Usage", "Options", "Commands", "Show this message", "default"):
        assert english not in run("--help")[1] + out
    code, out, err = run("build", "--no-such-option")
    assert (code, out) == (2, "")
    assert (
        err == "用法：main build [OPTIONS]\n查看帮助：main build --help\n\n错误：没有 '--no-such-option' 这个选项。\n"
    )
    code, out, err = run("validate", "--today", "tomorrow")
    assert code == 2
    assert err.endswith("错误：'--today' 的值无效：'tomorrow' 不符合格式 '%Y-%m-%d'。\n")


def test_click_texts_are_click_s_own() -> None:
    """Every original is one of click's texts (a click upgrade that rewords one fails here), and every translation
    fills in only what its original is given."""
    sources = Path(click.__file__).parent.glob("*.py")
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in sources]
    texts = {node.value for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    assert set(m.CLICK_TEXTS) - texts == set()
    for original, translation in m.CLICK_TEXTS.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(original) if name}
        assert {name for _, name, _, _ in string.Formatter().parse(translation) if name} <= fields, original


ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "https://daibiao.example.gov.cn/"


def build(content: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run("build", "-f", str(ROOT / "mkdocs.yml"), "--content", str(content), "--out", str(out), *extra)


def test_build_warnings_say_warning_once(make_content: Callable[..., Path], tmp_path: Path) -> None:
    """Our log lines are labelled in Chinese, once (the message does not say 警告 again); MkDocs' own keep its words."""
    code, _, err = build(make_content("warnings"), tmp_path / "site", "--site-url", PUBLIC, "--today", "2026-11-28")
    assert code == 0, err
    ours = [line for line in err.splitlines() if "content/" in line]
    assert len(ours) == 4 and all(re.match(r"警告：content/\S+:\d+: ", line) for line in ours), err
    assert all(line.count("警告") == 1 for line in ours)
    assert not [line for line in err.splitlines() if re.match("(WARNING|ERROR|INFO) .*[\u3400-\u9fff]", line)], err
    assert re.search(r"^WARNING +A reference to 'how-to.md' is included in the 'nav'", err, re.MULTILINE)


def test_the_log_labels_our_lines_not_mkdocs_lines_quoting_chinese_names() -> None:
    """By who logged it (our plugin), or a message that is Chinese from its start (our build error), not by a Chinese
    file name inside one of MkDocs' English lines."""
    from generator.cli import _LogFormatter  # noqa: PLC0415 - the build's log format alone

    def line(name: str, level: int, message: str) -> str:
        return _LogFormatter().format(logging.LogRecord(name, level, __file__, 1, message, None, None))

    ours = "content/a.yaml:3: 未知字段"
    assert line("mkdocs.plugins.mashang", logging.WARNING, ours) == f"警告：{ours}"
    assert line("mkdocs.commands.build", logging.ERROR, "网站生成失败") == "错误：网站生成失败"
    quoting = "A reference to '关于.md' is included in the 'nav' configuration"
    assert line("mkdocs.structure.nav", logging.WARNING, quoting) == f"WARNING {quoting}"


def test_a_failed_build_says_why_in_chinese(make_content: Callable[..., Path], tmp_path: Path) -> None:
    """It says the old site was kept only where there was one: into a new folder, that none was made."""
    content, out = make_content("unknown_station"), tmp_path / "site"
    code, _, err = build(content, out, "--site-url", PUBLIC, "--today", "2026-11-28")
    assert code == 1
    assert err.endswith(f"错误：网站生成失败，没有创建 {out.resolve()}。原因：有错误，见上面列出的各条\n"), err
    assert err.startswith('错误：content/deputies/chen-moyin.yaml:12: stations[0]: 未知的联络站 "qingshi-zahn"'), err
    assert "Aborted" not in err and "未知的联络站" in err and not out.exists()
    (out / "index.html").parent.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    code, _, err = build(content, out, "--site-url", PUBLIC, "--today", "2026-11-28")
    assert code == 1
    assert err.endswith(f"错误：网站生成失败，{out.resolve()} 保持原样。原因：有错误，见上面列出的各条\n"), err
    assert [p.name for p in out.iterdir()] == ["index.html"]


def test_build_log_paths_open_from_where_build_runs(
    make_content: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = make_content("unknown_station")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, _, err = build(content, tmp_path / "site", "--site-url", PUBLIC, "--today", "2026-11-28")
    assert code == 1
    assert err.startswith(f'错误：{content}/deputies/chen-moyin.yaml:12: stations[0]: 未知的联络站 "qingshi-zahn"'), err


def test_a_strict_build_says_the_warnings_count(make_content: Callable[..., Path], tmp_path: Path) -> None:
    content = make_content("warnings")
    code, _, err = build(content, tmp_path / "site", "--site-url", PUBLIC, "--today", "2026-11-28", "--strict")
    assert code == 1
    reason = m.CLI_BUILD_STRICT.format(detail="Aborted with 7 warnings in strict mode!")  # 4 ours, 3 MkDocs' (nav)
    assert err.splitlines()[-1].endswith(reason)


def test_a_build_for_a_test_address_warns_once_and_marks_the_posters(
    make_content: Callable[..., Path], tmp_path: Path
) -> None:
    """mkdocs.yml's site_url is the demo's 127.0.0.1: the codes hold it, so the posters must not go on a wall."""
    content, local = make_content(), "http://127.0.0.1:8000/"
    code, out, err = build(content, tmp_path / "local", "--today", "2026-11-28")
    assert code == 0, err
    assert err.count(m.CLI_LOCAL_SITE_URL.format(url=local)) == 1
    poster = next((tmp_path / "local" / "posters").glob("*-zhan.html")).read_text(encoding="utf-8")  # not index.html
    assert m.POSTER_LOCAL_SITE_URL.format(url=local) in poster
    code, out, err = build(content, tmp_path / "public", "--today", "2026-11-28", "--site-url", PUBLIC)
    assert code == 0, err
    assert "请勿打印" not in err
    poster = next((tmp_path / "public" / "posters").glob("*-zhan.html")).read_text(encoding="utf-8")
    assert "请勿打印" not in poster


def content_with_a_late_event(fixtures_dir: Path, tmp_path: Path) -> Path:
    """The good content with the events, and a 恳谈会 that ended on 2026-11-18 with no outcome written."""
    content = tmp_path / "content"
    overlay_case(content, fixtures_dir / "good")
    overlay_case(content, fixtures_dir / "events" / "good")
    late = "id: qingshi-late\nkind: courtyard\ntopic: 恳谈会\nstation: qingshi-zhan\n"
    late += "start: 2026-11-18 19:00\nend: 2026-11-18 21:00\ndeputies: [lin-xiaoyang]\n"
    (content / "events" / "qingshi-late.yaml").write_text(late, encoding="utf-8")
    return content


def test_validate_applies_mkdocs_yml_s_outcome_days(fixtures_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """`validate` checks what the build checks: mkdocs.yml's `outcome_days` (read with its YAML tags) asks for the
    outcome of a past event; a wrong value is said, not ignored."""
    content = content_with_a_late_event(fixtures_dir, tmp_path)
    monkeypatch.chdir(tmp_path)  # paths are shown from where validate runs
    config = tmp_path / "mkdocs.yml"
    tagged = "markdown_extensions:\n  - toc:\n      slugify: !!python/name:pymdownx.slugs.slugify\n"
    config.write_text(f"site_name: x\n{tagged}plugins:\n  - search\n  - mashang:\n      outcome_days: 6\n", "utf-8")
    args = ["validate", "--content", str(content), "-f", str(config), "--today", "2026-11-28"]
    code, out, err = run(*args)
    assert code == 0 and err.startswith("警告：content/events/qingshi-late.yaml:6: end: 活动在 2026-11-18 结束")
    assert out.endswith("0 个错误，1 个警告。\n")
    assert run(*args, "--strict")[0] == 1
    config.write_text("plugins:\n  - mashang:\n      outcome_days: -1\n", encoding="utf-8")
    code, _, err = run(*args)
    assert code == 1 and "outcome_days 应是 0 或更大的天数" in err and "-1" in err
    config.write_text("plugins:\n  - mashang:\n      ranking: true\n", encoding="utf-8")
    assert run(*args) == (0, "检查完成：4 位代表，2 个联络站，5 个活动，6 个地区；0 个错误，0 个警告。\n", "")


TAGGED_CONFIG = """\
site_name: x
docs_dir: !relative $config_dir/content/pages
markdown_extensions:
  - pymdownx.snippets:
      base_path: !relative $config_dir/snippets
plugins:
  - search
  - mashang:
      cache_dir: !relative $config_dir/.cache
      stats: !relative $config_dir/var/public/stats.json
      outcome_days: !ENV [MASHANG_OUTCOME_DAYS, 30]
"""


def test_validate_reads_mkdocs_yml_with_mkdocs_own_tags(fixtures_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """`!relative` (in the plugin's options and elsewhere) and `!ENV` are MkDocs' documented tags: `validate` reads
    the file as MkDocs does and applies the options, as it does without them."""
    content_with_a_late_event(fixtures_dir, tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(TAGGED_CONFIG, encoding="utf-8")
    args = ["validate", "--content", "content", "--today", "2026-11-28"]
    monkeypatch.delenv("MASHANG_OUTCOME_DAYS", raising=False)
    assert run(*args) == (0, "检查完成：4 位代表，2 个联络站，5 个活动，6 个地区；0 个错误，0 个警告。\n", "")
    monkeypatch.setenv("MASHANG_OUTCOME_DAYS", "6")  # the outcome of the event that ended ten days ago is due
    code, out, err = run(*args)
    assert code == 0 and err.startswith("警告：content/events/qingshi-late.yaml:6: end: 活动在 2026-11-18 结束")
    assert out.endswith("0 个错误，1 个警告。\n")
    monkeypatch.setenv("MASHANG_OUTCOME_DAYS", "-1")
    code, _, err = run(*args)
    assert code == 1 and "outcome_days 应是 0 或更大的天数" in err and "-1" in err


@pytest.mark.parametrize(
    ("config", "said"),
    [
        (
            "site_name: x\nplugins:\n  - mashang:\n    outcome_days: 7\n   ranking: true\n",
            "mkdocs.yml:5: YAML 语法错误：缩进没有对齐（同一层的字段要左对齐）",
        ),
        (
            "site_name: x\nplugins:\n  - mashang:\n      stats: !relatve $config_dir/stats.json\n",
            "mkdocs.yml:4: MkDocs 不认识 YAML 标签 !relatve（检查拼写：MkDocs 认识 !ENV、!relative 和 !!python/name: "
            "等标签；以“!”开头的文字请加引号）",
        ),
        (
            "site_name: x\nmarkdown_extensions:\n  - toc:\n      slugify: !!python/name:nosuchmod.slugify\n",
            "mkdocs.yml:4: 这个 YAML 标签的值不对：cannot find module 'nosuchmod' (No module named 'nosuchmod')",
        ),
        (
            "site_name： x\n",
            "mkdocs.yml:1: 读不出 MkDocs 的设置（每项设置写成“名称: 值”，用英文冒号“:”，冒号后加空格）",
        ),
        (
            "site_name: x\nsite_description: 青禾县\n".encode("gbk"),
            "mkdocs.yml:2: 文件不是 UTF-8 编码（请用 UTF-8 编码保存文件）",
        ),
    ],
)
def test_an_unreadable_mkdocs_yml_is_said_with_its_file_and_line(
    config: str | bytes, said: str, fixtures_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """In Chinese, with the line to open, by `validate` and `build` alike; not MkDocs' English nor a traceback."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "mkdocs.yml"
    path.write_bytes(config.encode("utf-8") if isinstance(config, str) else config)
    good = str(fixtures_dir / "good")
    assert run("validate", "--content", good, "--today", "2026-11-28") == (1, "", f"错误：{said}\n")
    assert run("build", "--content", good, "--out", str(tmp_path / "site")) == (1, "", f"错误：{said}\n")
    assert not (tmp_path / "site").exists()


def test_the_plugin_s_paths_may_be_relative_to_mkdocs_yml_by_mkdocs_tag(fixtures_dir: Path, tmp_path: Path) -> None:
    """`cache_dir: !relative $config_dir/...` builds as the same path written out does."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("custom_dir: generator/theme", f"custom_dir: {ROOT / 'generator' / 'theme'}")
    config = config.replace(
        "      ranking: false\n", "      ranking: false\n      cache_dir: !relative $config_dir/qr-cache\n"
    )
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    args = ["--content", str(fixtures_dir / "good"), "--out", str(tmp_path / "site"), "--today", "2026-11-28"]
    code, out, err = run("build", "-f", str(tmp_path / "mkdocs.yml"), *args)
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "qr-cache" / "qr").iterdir())


def test_validate_run_inside_the_content_folder_says_how(fixtures_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """An editor who runs validate inside content/ (or content/deputies/) is told to use --content, not only that
    no content/ is there."""
    from conftest import overlay_case

    content = tmp_path / "content"
    overlay_case(content, fixtures_dir / "good")
    for where, said in ((content, m.CLI_CONTENT_HERE["."]), (content / "deputies", m.CLI_CONTENT_HERE[".."])):
        monkeypatch.chdir(where)
        code, _, err = run("validate")
        assert code == 1 and err.rstrip().endswith(said), err
    monkeypatch.chdir(tmp_path)  # beside content/, validate finds it
    assert run("validate", "--today", "2026-11-28")[0] == 0
