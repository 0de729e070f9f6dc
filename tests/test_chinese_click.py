"""Our command lines' --help in Chinese down to the options' type names, one way for all of them: the generator's,
the staff tools' and `python -m forms_api notify` (generator/chinese_click.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from forms_api.staff.cli import main as staff
from generator.cli import main as generator

# an English word after an option: click's own type names when an option names no metavar (`type.name.upper()`:
# TEXT, INTEGER, FILE ...) or a metavar of ours (NAME); ID, URL and date formats (YYYY-MM-DD) are what they are
ENGLISH = re.compile(r"^\s+(?:-\w, )?--[\w-]+ (?!(?:ID|URL|YYYY)\b)[A-Z]{2,}\b", re.M)


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name)


@pytest.mark.parametrize(
    ("cli", "path"),
    [(generator, path) for path in commands(generator)] + [(staff, path) for path in commands(staff)],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else value.name,
)
def test_no_english_type_name_in_any_help(cli, path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert ENGLISH.findall(result.output) == [], result.output


@pytest.mark.parametrize(
    ("cli", "args", "line"),
    [
        (generator, ["build", "--help"], "  --content 目录          内容目录"),
        (generator, ["build", "--help"], "  --jobs 整数             同时工作的进程数"),
        (staff, ["export", "--help"], "  --out 文件"),
        (staff, ["--help"], "  --queue 目录|URL"),
        (staff, ["reply", "--help"], "  --answer 文本|-     答复内容"),
        (staff, ["notify", "--help"], "  --poll 数值            持续运行时"),
        (staff, ["purge", "--help"], "  --days 整数         保存期限"),
        (staff, ["store", "copy", "--help"], "  --from 来源  复制来源"),
    ],
)
def test_type_names_in_chinese_keep_the_second_column_straight(cli, args, line):
    """A 汉字 takes two columns in a terminal: the help's descriptions start in one column all the same."""
    output = CliRunner().invoke(cli, args).output
    assert any(shown.startswith(line) for shown in output.splitlines()), output


def option_names(group: click.Group) -> set[str]:
    """Every option name of a command line, its commands' and sub-groups' ("--complex", "--not-complex")."""
    found = {opt for param in group.params for opt in (*param.opts, *param.secondary_opts)}
    for command in group.commands.values():
        found |= (
            option_names(command)
            if isinstance(command, click.Group)
            else {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        )
    return found


def as_written(command: click.Command) -> set[str]:
    """The lines of a help's paragraphs marked not to be rewrapped (click's \\b): shown as their author wrote them."""
    paragraphs = (command.help or "").split("\n\n")
    return {line.strip() for part in paragraphs if part.strip().startswith("\b") for line in part.splitlines()[1:]}


def columns(line: str) -> int:
    return len(line) + sum(unicodedata.east_asian_width(char) in "WF" for char in line)


@pytest.mark.parametrize(
    ("cli", "path"),
    [(generator, path) for path in commands(generator)] + [(staff, path) for path in commands(staff)],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else value.name,
)
def test_help_lines_break_between_words_and_fit_the_terminal(cli, path):
    """Chinese help has no spaces: click's wrapper cut it anywhere ("驻站代表（--statio" / "n）", "流动联络站（" /
    "mobile）"). Lines break between 汉字 or at spaces, never inside an option's name or inside brackets' edges,
    and fit 80 columns (a 汉字 takes two)."""
    output = CliRunner().invoke(cli, [*path, "--help"], terminal_width=80).output
    known = option_names(generator) | option_names(staff) | {"--help"}  # a help may name the other tool's option
    assert set(re.findall(r"--[a-z][\w-]*", output)) <= known, output
    lines = output.splitlines()
    assert not [line for line in lines if line.rstrip().endswith(("（", "“"))], output
    assert not [line for line in lines if line.strip().startswith(("）", "，", "。", "、", "”"))], output
    command = cli
    for name in path:
        command = command.commands[name]
    kept = as_written(command)
    too_wide = [line for line in lines if columns(line) > 80 and line.strip() not in kept and "|" not in line]
    assert too_wide == [], output


def test_a_missing_option_is_one_chinese_line():
    result = CliRunner().invoke(staff, ["--queue", "unused", "followup", "2026-000001"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "错误：缺少选项 '--satisfaction'（可选：满意、基本满意、不满意）。"


def test_the_schema_command_says_every_schema_it_writes(tmp_path):
    """`schema` writes one file per content kind; its help and the command list name them all, uncut."""
    written = CliRunner().invoke(generator, ["schema", "--out", str(tmp_path)]).output.split()
    names = [name.split("/")[-1].removesuffix(".schema.json") for name in written]
    assert "event" in names
    shown = CliRunner().invoke(generator, ["schema", "--help"], terminal_width=200).output
    assert f"（{'、'.join(names)}）" in shown
    listed = CliRunner().invoke(generator, ["--help"], terminal_width=200).output
    assert f"schema    导出内容文件的 JSON Schema（{'、'.join(names)}），供编辑器补全和检查字段。" in listed
