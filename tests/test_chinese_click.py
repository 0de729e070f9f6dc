"""Our command lines' --help in Chinese down to the options' type names, one way for all of them: the generator's,
the staff tools' and `python -m forms_api notify` (generator/chinese_click.py)."""

from __future__ import annotations

import re
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
